"""Write the tool's Due table and three mark columns into an .ods, and check the write.

The .ods sibling of xlsx/patch.py: only content.xml changes (the Due table, the mark cells,
the tool's named ranges and automatic styles); every other member of the zip, `mimetype`
first and stored, is copied byte for byte (xlsx/package.Package), and META-INF/manifest.xml
is untouched because no part is added. The tool knows its own Due table and columns on the
next run by the named ranges it writes (`_FollowupXL_Due`, `_FollowupXL_Columns1`, ...):
LibreOffice keeps them on every save and moves them with the cells. Nothing here touches disk.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..contract import DUE_COLUMNS, DUE_SHEET, MARK_COLUMNS, col_letter, norm_header
from ..errors import WriteError
from ..ooxml import wrapped_lines
from ..writecheck import check_package
from ..xlsx.columns import ColumnMarks, choose_columns
from ..xlsx.duesheet import DueTable, column_widths, shown_width
from ..xlsx.workbook import OWNER_COLUMNS, OWNER_DUE, OWNER_PREFIX, TAKE_OVER_OPTION
from .content import (
    CONTENT,
    COVERED,
    NS_STYLE,
    ROW,
    STYLE_PREFIX,
    TABLE,
    Content,
    Styles,
    address,
    canonical,
    cell_runs,
    cell_text,
    cells_of,
    detach,
    holds_value,
    last_column,
    new_cell,
    o,
    row_runs,
    split_cells,
    split_rows,
    t,
    table_signature,
)


@dataclass
class OdsPatch:
    """The new package, and what the write changed, for its check (the fields MarkResult
    reads are named as xlsx/patch.PatchResult names them)."""

    data: bytes
    due_sheet: str = DUE_SHEET
    created_due_sheet: bool = False
    #: table name -> 1-based (row, column) cells the tool wrote or cleared
    owned_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    #: table name -> the 1-based columns of Next Action, Next Due, Follow-up Status
    mark_columns: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    had_owner_marks: bool = False
    appended_styles: int = 0
    dropped_calc_chain: bool = False
    #: an .ods patch is made whole in one go: nothing is kept for a second one
    marked: None = None


def _owner_columns(content: Content, table: str, header_row: int) -> set[int]:
    """Return the columns whose header cell the tool's named ranges say it wrote."""
    cols: set[int] = set()
    for nr in content.named_ranges():
        if nr.name.casefold().startswith(OWNER_COLUMNS.casefold()) and (
            nr.table.casefold() == table.casefold()
        ):
            r1, c1, r2, c2 = nr.area
            if r1 <= header_row <= r2:
                cols.update(range(c1, c2 + 1))
    return cols


def _header_texts(table: etree._Element, header_row: int) -> dict[int, str]:
    """Return the 1-based columns and texts of a table's header row cells holding a value."""
    for start, n, row in row_runs(table):
        if start <= header_row - 1 < start + n:
            return {c + 1: cell_text(el) for c, _, el in cell_runs(row) if holds_value(el)}
    return {}


class _TableMarker:
    """Plans and writes the three mark columns of one table."""

    def __init__(self, content: Content, marks: ColumnMarks) -> None:
        self.content, self.marks = content, marks
        table = content.table(marks.sheet)
        if table is None:
            names = ", ".join(x.get(t("name"), "") for x in content.tables())
            raise WriteError(f"{content.name} has no sheet {marks.sheet!r} (sheets: {names})")
        self.table = table
        self.name = table.get(t("name"), "")
        self.reused: set[int] = set()
        self.cols = (0, 0, 0)

    def plan(self, *, take_over: bool) -> list[str]:
        """Choose the three columns; return the user's columns in the way."""
        m = self.marks
        wanted = {norm_header(n): n for n in MARK_COLUMNS}
        headed: dict[str, list[int]] = {}
        texts: dict[int, str] = {}
        for col, text in sorted(_header_texts(self.table, m.header_row).items()):
            name = wanted.get(norm_header(text))
            if name:
                headed.setdefault(name, []).append(col)
                texts[col] = text
        owned = _owner_columns(self.content, self.name, m.header_row)
        self.cols, self.reused, conflicts = choose_columns(
            where=f"{self.content.name}: {self.name}", header_row=m.header_row, headed=headed,
            texts=texts, owned=owned, last_user_column=m.last_user_column,
            last_used_column=self._last_used_column, take_over=take_over,
        )  # fmt: skip
        if self.table.get(t("protected")) == "true":
            conflicts.append(
                f"{self.content.name}: {self.name} is protected, so the tool cannot write its "
                "follow-up columns there: unprotect it (LibreOffice: Tools > Protect Sheet) "
                "and run again"
            )
        return conflicts

    def _last_used_column(self, skip: set[int]) -> int:
        return max((last_column(row, skip) for _, _, row in row_runs(self.table)), default=0)

    def _rows_with_values_in(self, cols: set[int], below: int) -> set[int]:
        """Return the 1-based rows below `below` holding a value in one of `cols`."""
        found: set[int] = set()
        if not cols:
            return found
        for start, n, row in row_runs(self.table):
            if start + n <= below:
                continue
            hit = any(
                holds_value(el) and any(c < col <= c + n_c for col in cols)
                for c, n_c, el in cell_runs(row)
                if c < max(cols)
            )
            if hit:
                found.update(r + 1 for r in range(max(start, below), start + n))
        return found

    def apply(self, styles: Styles) -> set[tuple[int, int]]:
        """Write the planned columns; return every (row, column) cell now the tool's."""
        m, cols = self.marks, self.cols
        targets = {m.header_row, *m.data_rows, *m.values}
        targets |= self._rows_with_values_in(self.reused, m.header_row)
        rows = split_rows(self.table, {r - 1 for r in targets})
        owned: set[tuple[int, int]] = set()
        header_style = styles.cell("", bold=True)
        for r in sorted(targets):
            row = rows[r - 1]
            values = MARK_COLUMNS if r == m.header_row else (m.values.get(r) or (None,) * 3)
            overdue = r != m.header_row and values[2] == "OVERDUE"
            cells = split_cells(row, {c - 1 for c in cols})
            for col, value in zip(cols, values, strict=True):
                owned.add((r, col))
                old = cells[col - 1]
                ref = f"{self.name}!{col_letter(col)}{r}"
                if old.tag == COVERED or any(
                    (old.get(t(a)) or "1") != "1"
                    for a in ("number-columns-spanned", "number-rows-spanned")
                ):
                    raise WriteError(
                        f"{self.content.name}: {ref} is a merged cell where the tool writes "
                        "its follow-up columns: unmerge it and run again"
                    )
                if value is None and not holds_value(old):
                    continue  # a styled empty cell is the user's formatting: it stays
                if r == m.header_row:
                    style = header_style
                else:
                    style = styles.cell(value, overdue=overdue and col in cols[1:])
                old.addprevious(new_cell(value, style, row))
                detach(old)
        return owned


def _due_table(
    due: DueTable, styles: Styles, name: str, content: Content, replace: etree._Element | None
) -> None:
    """Put the Due table in place of `replace` (or after the last table): a header row and
    one row per open action, built in the document."""
    ncols = len(DUE_COLUMNS)
    for i, row in enumerate(due.rows):
        if len(row) != ncols:
            raise ValueError(f"Due row {i} has {len(row)} values, expected {ncols}")
    table = content.add_table(replace)
    table.set(t("name"), name)
    widths = column_widths([[shown_width(row[c]) for row in due.rows] for c in range(ncols)])
    for width in widths:
        col = etree.SubElement(table, t("table-column"))
        col.set(t("style-name"), styles.column(width))
    header = etree.SubElement(etree.SubElement(table, t("table-header-rows")), ROW)
    bold = styles.cell("", bold=True)
    for text in DUE_COLUMNS:
        new_cell(text, bold, header)
    for i, values in enumerate(due.rows):
        overdue = i in due.overdue
        lines = wrapped_lines(str(values[-1] or ""), int(widths[-1] * 0.9))
        line = etree.SubElement(table, ROW)
        for c, value in enumerate(values, start=1):
            style = styles.cell(value, overdue=overdue, wrap=c == ncols, top=lines > 1)
            new_cell(value, style, line)


def _is_own_due(content: Content, table: etree._Element) -> bool:
    """Return True when the tool's named range marks this table as its Due table and its
    first row holds the Due columns (a user's sheet may reuse a deleted sheet's name)."""
    name = table.get(t("name"), "").casefold()
    marked = any(
        nr.name.casefold() == OWNER_DUE.casefold() and nr.table.casefold() == name
        for nr in content.named_ranges()
    )
    texts = _header_texts(table, 1)
    first = [texts.get(c, "").strip().casefold() for c in range(1, len(DUE_COLUMNS) + 1)]
    return marked and first == [c.casefold() for c in DUE_COLUMNS]


def patch_ods(
    data: bytes,
    *,
    due: DueTable | None,
    columns: list[ColumnMarks],
    name: str = "workbook",
    take_over: bool = False,
) -> OdsPatch:
    """Return the .ods with the Due table and the mark columns written, all else kept.

    A Due table or mark column the tool did not make is the user's: WriteError lists every
    one, unless `take_over` hands them over. Without a Due table (`due` None) it stops once
    every refusal is known: the result says which columns would be marked, and its `data`
    is empty.
    """
    from ..xlsx.package import Package

    pkg = Package(data, name)
    content = Content(pkg.read(CONTENT) or b"", name)
    result = OdsPatch(data=b"")
    result.had_owner_marks = any(
        nr.name.casefold().startswith(OWNER_PREFIX.casefold()) for nr in content.named_ranges()
    )
    problems: list[str] = []
    existing = content.table(DUE_SHEET)
    if existing is not None and not take_over and not _is_own_due(content, existing):
        sheet = existing.get(t("name"), "")
        problems.append(
            f"{name}: {sheet}: this sheet was not made by followup-xl, which writes its "
            f"list of due follow-ups to its own sheet named {DUE_SHEET} and would replace this "
            f'one: rename your sheet (e.g. "My {sheet}"), or pass {TAKE_OVER_OPTION} to '
            "hand it over to the tool"
        )
    if existing is None and content.spreadsheet.get(t("structure-protected")) == "true":
        problems.append(
            f"{name}: the workbook's structure is protected, so the tool cannot add its "
            f"{DUE_SHEET} sheet: unprotect it (LibreOffice: Tools > Protect Spreadsheet "
            "Structure) and run again"
        )
    markers = [_TableMarker(content, marks) for marks in columns]
    for marker in markers:
        problems += marker.plan(take_over=take_over)
    if problems:
        raise WriteError("\n".join(problems))
    if due is None:
        result.mark_columns = {m.name: m.cols for m in markers}
        return result
    styles = Styles(content)
    for marker in markers:
        result.owned_cells[marker.name] = marker.apply(styles)
        result.mark_columns[marker.name] = marker.cols
    sheet_name = existing.get(t("name"), DUE_SHEET) if existing is not None else DUE_SHEET
    _due_table(due, styles, sheet_name, content, existing)
    result.due_sheet, result.created_due_sheet = sheet_name, existing is None
    wanted = [(OWNER_DUE, address(sheet_name, 1, 1))]
    for i, marker in enumerate(sorted(markers, key=lambda x: x.name), start=1):
        row, cols = marker.marks.header_row, marker.cols
        wanted.append((f"{OWNER_COLUMNS}{i}", address(marker.name, row, min(cols), row, max(cols))))
    content.set_named_ranges(OWNER_PREFIX, wanted)
    result.appended_styles = styles.added
    pkg.put(CONTENT, content.to_bytes())
    result.data = pkg.to_bytes()
    return result


def verify_ods(new: bytes, *, old: bytes, result: OdsPatch, due: DueTable, name: str) -> None:
    """Raise WriteError unless the new .ods opens, only content.xml changed, every user table
    but the tool's cells is as it was, and the Due table and headers read back."""
    check_package(new, old=old, changed={CONTENT}, name=name)
    with zipfile.ZipFile(io.BytesIO(new)) as znew, zipfile.ZipFile(io.BytesIO(old)) as zold:
        first_new, first_old = znew.infolist()[0], zold.infolist()[0]
        if (first_new.filename, first_new.compress_type) != (
            first_old.filename, first_old.compress_type):  # fmt: skip
            raise WriteError(f"{name}: the new file's first member changed; nothing was written")
        before, after = Content(zold.read(CONTENT), name), Content(znew.read(CONTENT), name)
    check_tables(before, after, result.owned_cells, skip={result.due_sheet}, name=name)
    check_outside_tables(before, after, name=name)
    names_old = [x.get(t("name")) for x in before.tables()]
    names_new = [x.get(t("name")) for x in after.tables()]
    if names_new != names_old + ([result.due_sheet] if result.created_due_sheet else []):
        raise WriteError(f"{name}: the new file's sheets differ from the old; nothing was written")
    table = after.table(result.due_sheet)
    if table is None:
        raise WriteError(f"{name}: the Due sheet did not read back; nothing was written")
    rows = sum(n for _, n, row in row_runs(table) if any(holds_value(c) for c in cells_of(row)))
    header = _header_texts(table, 1)
    if rows != len(due.rows) + 1 or [header.get(c + 1) for c in range(len(DUE_COLUMNS))] != list(
        DUE_COLUMNS
    ):
        raise WriteError(f"{name}: the Due sheet did not read back; nothing was written")
    for sheet, cols in result.mark_columns.items():
        got = after.table(sheet)
        row = min((r for r, _ in result.owned_cells.get(sheet, set())), default=1)
        texts = _header_texts(got, row) if got is not None else {}
        if [texts.get(c) for c in cols] != list(MARK_COLUMNS):
            raise WriteError(f"{name}: {sheet}: the follow-up headers did not read back")


def check_tables(
    before: Content,
    after: Content,
    owned: dict[str, set[tuple[int, int]]],
    *,
    skip: set[str],
    name: str,
) -> None:
    """Raise WriteError unless every table of `before` (those named in `skip` aside) holds in
    `after` what it held, the `owned` cells aside."""
    for old in before.tables():
        sheet = old.get(t("name"), "")
        if sheet in skip:
            continue
        new = after.table(sheet)
        cells = owned.get(sheet, set())
        if new is not None and etree.tostring(old) == etree.tostring(new):
            continue  # untouched: the same bytes, at C speed
        if new is None or table_signature(old, cells) != table_signature(new, cells):
            raise WriteError(
                f"{name}: {sheet}: the write would change cells that are not the tool's; "
                "nothing was written"
            )


def check_outside_tables(before: Content, after: Content, *, name: str) -> None:
    """Raise WriteError unless content.xml outside its tables is as it was, but for the tool's
    named ranges and added automatic styles."""

    def rest(content: Content) -> list[tuple]:
        """Return content.xml outside its tables, the tool's names and styles left out."""
        out = []
        for part in content.root:
            if not isinstance(part.tag, str):
                continue
            if part.tag == o("automatic-styles"):
                name = f"{{{NS_STYLE}}}name"
                out += [canonical(el) for el in part
                        if not el.get(name, "").startswith(STYLE_PREFIX)]  # fmt: skip
            elif part is content.spreadsheet.getparent():
                for el in content.spreadsheet:
                    if el.tag == t("named-expressions"):
                        out += [canonical(x) for x in el if not x.get(t("name"), "")
                                .casefold().startswith(OWNER_PREFIX.casefold())]  # fmt: skip
                    elif el.tag != TABLE:
                        out.append(canonical(el))
            else:
                out.append(canonical(part))
        return out

    if rest(before) != rest(after):
        raise WriteError(
            f"{name}: the write would change more than its own cells, sheet and names; "
            "nothing was written"
        )


def read_back(path: Path) -> None:
    """Raise WriteError unless the written file reads through the reader as a workbook."""
    from ..errors import WorkbookError
    from ..read.reader import read_workbook

    try:
        read_workbook(path)
    except WorkbookError as exc:
        raise WriteError(f"{path.name}: the written file does not read back ({exc})") from exc
