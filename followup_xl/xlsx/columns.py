"""The three tool-owned mark columns on a user's sheet, written cell by cell.

The marker plans first (refusing to overwrite the user's cells, tables and merges) and then
writes only the cells it owns into the rows' text (sheettext.SheetText), keeping every other
cell, row and byte of the sheet as it was. Planning and writing must agree cell for cell, so
they are one class.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from lxml import etree

from ..contract import MARK_COLUMNS, col_letter, norm_header
from ..errors import WriteError
from ..opc import rels_part, resolve
from ..writecheck import Block
from .cells import CellWriter
from .package import MAX_COL, MAX_ROW, REL_WORKSHEET, Package, parse_range, q
from .sheetread import SharedStrings, cell_text, row_cells
from .sheettext import Cell, SheetText
from .styles import HEADER_FILL
from .workbook import TAKE_OVER_OPTION, WorkbookPart

MARK_WIDTHS = (22, 12, 16)


@dataclass(frozen=True)
class ColumnMarks:
    """The three tool-owned columns of one sheet (Interviews or Contacts)."""

    sheet: str
    header_row: int
    last_user_column: int
    data_rows: tuple[int, ...]
    values: dict[int, tuple[str | None, date | None, str | None]]


class SheetMarker:
    """Writes the three mark columns into one worksheet part."""

    def __init__(self, pkg: Package, wb: WorkbookPart, cells: CellWriter, marks: ColumnMarks):
        self.pkg, self.wb, self.cells, self.marks = pkg, wb, cells, marks
        sheet = wb.sheet(marks.sheet)
        if sheet is None:
            names = ", ".join(s.name for s in wb.sheets)
            raise WriteError(f"{pkg.name} has no sheet {marks.sheet!r} (sheets: {names})")
        if sheet.rel_type != REL_WORKSHEET or pkg.find(sheet.part) is None:
            raise WriteError(f"{pkg.name}: {sheet.name} is not a worksheet, so it cannot be marked")
        self.sheet = sheet
        self.text = SheetText(pkg, sheet.part, f"{pkg.name}: {sheet.name}")
        self.root = self.text.root
        self.had_formula = False
        self.reused: set[int] = set()

    def plan(self, sst: SharedStrings, *, take_over: bool = False) -> list[str]:
        """Choose the three columns; return the user's columns in the way (nothing changed).

        A column headed like a mark column is the tool's only when its marker says so (or
        `take_over` hands it over). New columns go after the last column that holds anything
        in any row, so no cell the user typed, with or without a header, is under them.
        """
        m = self.marks
        headed: dict[str, list[int]] = {}
        texts: dict[int, str] = {}
        header = self.text.element(m.header_row)
        if header is not None:
            wanted = {norm_header(n): n for n in MARK_COLUMNS}
            for col, c in sorted(row_cells(header, m.header_row).items()):
                text = cell_text(c, sst)
                name = wanted.get(norm_header(text))
                if name:
                    headed.setdefault(name, []).append(col)
                    texts[col] = text
        owned = self.wb.owned_columns(self.sheet, m.header_row)
        self.cols, self.reused, conflicts = choose_columns(
            where=f"{self.pkg.name}: {self.sheet.name}",
            header_row=m.header_row,
            headed=headed,
            texts=texts,
            owned=owned,
            last_user_column=m.last_user_column,
            last_used_column=self._last_used_column,
            take_over=take_over,
        )
        return conflicts

    def _last_used_column(self, skip: set[int]) -> int:
        """Return the last column holding a value in any row (`skip` aside)."""
        last = 0
        for r in self.text.numbers():
            if self.text.last_column(r) <= last:
                continue  # nothing right of the last column found
            for cell in self.text.cells_from_right(r):
                if cell.col <= last:
                    break
                if cell.col in skip or not cell.holds_value():
                    continue
                last = cell.col
                break
        return last

    def apply(self, sst: SharedStrings) -> tuple[tuple[int, int, int], Block]:
        """Write the planned columns; return them and every (row, column) cell now the tool's."""
        m = self.marks
        name = f"{self.pkg.name}: {self.sheet.name}"
        targets = {m.header_row, *m.data_rows, *m.values}
        bad = [r for r in targets if not 1 <= r <= MAX_ROW]
        if bad:
            raise WriteError(f"{name}: row {bad[0]} is outside Excel's 1 to {MAX_ROW} rows")
        if m.header_row in set(m.data_rows) | set(m.values):
            raise ValueError(f"{name}: header row {m.header_row} is also listed as a data row")
        cols = self.cols
        # Columns found by their headers are the tool's from an earlier run, all the way down:
        # a mark left on a row the user has since emptied is cleared too.
        held = self._rows_with_cells_in(self.reused, below=m.header_row)
        targets |= held
        self._check_merges(targets, cols)
        self._check_tables(cols)
        cells = self.cells
        header_style = cells.styles.xf(bold=True, fill=HEADER_FILL)
        letters = [col_letter(col) for col in cols]
        planned: list[tuple[int, list[tuple[int, str]]]] = []
        # a row's new cells but its number, by its values (which repeat from row to row)
        made: dict[tuple, list[tuple[int, str, str]]] = {}
        for r in sorted(targets):
            if r == m.header_row:
                heads = zip(cols, letters, MARK_COLUMNS, strict=True)
                new = [(col, cells.xml(f"{letter}{r}", name, header_style) or "")
                       for col, letter, name in heads]  # fmt: skip
            else:
                values = m.values.get(r) or (None, None, None)
                key = (*values, *map(type, values))
                found = made.get(key)
                if found is None:
                    found = made[key] = self._cells(values, letters)
                new = [(col, f"{head}{r}{tail}") for col, head, tail in found]
            planned.append((r, new))
        self._write(planned, cols, held)
        self._dimension(targets, cols)
        self._widths(cols)
        self.text.save()
        return cols, Block(targets, cols)

    def _cells(self, values: tuple, letters: list[str]) -> list[tuple[int, str, str]]:
        """Return the cells a data row's values make, as (column, markup before the row's
        number, markup after it); each cell's style asked for in the order they are written
        (a style first asked for gets the next number)."""
        cols = self.cols
        overdue = values[2] == "OVERDUE"
        out = []
        for col, letter, value in zip(cols, letters, values, strict=True):
            style = self.cells.style(value, overdue=overdue and col in cols[1:])
            body = self.cells.body(value)
            if body is not None:
                attr = f' s="{style}"' if style else ""
                out.append((col, f'<c r="{letter}', f'"{attr}{body}'))
        return out

    def _write(self, planned: list[tuple[int, list[tuple[int, str]]]],
               cols: tuple[int, int, int], held: set[int]) -> None:  # fmt: skip
        """Put the new cells ((column, markup) by row) into their rows, old marks out.

        A styled empty cell in a mark column is the user's formatting, not an old mark: it
        stays unless a new mark takes its place. `held` are the rows with a value in a mark
        column found by its header; the other mark columns are right of every value, so a
        row outside `held` without new cells has nothing to take out and is left as it is.
        """
        first = min(cols)
        for r, new in planned:
            if not new and r not in held:
                continue
            written = [col for col, _ in new]
            if not self.text.has(r):
                if new:
                    self.text.add(r, new)
                continue

            def replaced(cell: Cell, r: int = r, written: list[int] = written) -> bool:
                if cell.col not in cols:
                    return False
                self._check_replaced(cell, r)
                return cell.col in written or cell.holds_value()

            self.text.edit(r, first=first, new=new, drop=replaced)

    def _check_replaced(self, old: Cell, r: int) -> None:
        """Refuse to replace one cell of a shared or array formula; note any formula replaced."""
        if not old.has_formula():
            return
        f = self.text.parse(old.xml).find(q("f"))
        ref = None if f is None else f.get("ref")
        if f is not None and ref and f.get("t") in ("shared", "array", "dataTable"):
            r1, c1, r2, c2 = parse_range(ref)
            if (r1, c1) != (r2, c2):
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name}!{col_letter(old.col)}{r} holds a "
                    f"formula shared with {ref}, in a column the tool writes: move "
                    "that formula elsewhere and run again"
                )
        self.had_formula = True

    def _rows_with_cells_in(self, cols: set[int], *, below: int) -> set[int]:
        """Return the rows below `below` holding a value in one of `cols` (a styled empty
        cell there is the user's formatting and leaves its row alone)."""
        if not cols:
            return set()
        first = min(cols)
        found = set()
        for r in self.text.numbers():
            if r <= below:
                continue
            for cell in self.text.cells_from_right(r):
                if cell.col in cols and cell.holds_value():
                    found.add(r)
                    break
                if cell.col < first:
                    break
        return found

    def _check_tables(self, cols: tuple[int, ...]) -> None:
        """Refuse to retitle a column of an Excel table: its name must match its header."""
        rels = self.pkg.xml(rels_part(self.sheet.part))
        if rels is None:
            return
        r = self.marks.header_row
        for rel in rels.getroot():
            if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
                continue
            table = self.pkg.xml(resolve(self.sheet.part, rel.get("Target", "")))
            if table is None:
                continue
            root = table.getroot()
            try:
                r1, c1, r2, c2 = parse_range(root.get("ref", ""))
            except ValueError:
                continue
            if r != r1 or root.get("headerRowCount", "1") == "0":
                continue
            names = [tc.get("name", "") for tc in root.iter(q("tableColumn"))]
            for col, header in zip(cols, MARK_COLUMNS, strict=True):
                if not c1 <= col <= c2:
                    continue
                i = col - c1
                current = names[i] if i < len(names) else ""
                if norm_header(current) != norm_header(header):
                    raise WriteError(
                        f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{r} is the "
                        f"header {current!r} of the table {root.get('displayName', '')!r}; "
                        f"the tool would rename it to {header!r}: move the table or its "
                        "last column and run again"
                    )

    def _check_merges(self, targets: set[int], cols: tuple[int, ...]) -> None:
        merges = self.root.find(q("mergeCells"))
        if merges is None:
            return
        for mc in merges.findall(q("mergeCell")):
            try:
                r1, c1, r2, c2 = parse_range(mc.get("ref", ""))
            except ValueError:
                continue
            if any(c1 <= c <= c2 for c in cols) and any(r1 <= r <= r2 for r in targets):
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name}!{mc.get('ref')} is a merged range "
                    "where the tool writes its follow-up columns: unmerge it and run again"
                )

    def _dimension(self, rows: set[int], cols: tuple[int, ...]) -> None:
        """Widen the sheet's dimension to take in the cells of `rows` in `cols`."""
        dim = self.root.find(q("dimension"))
        if dim is None or not rows or not cols:
            return
        try:
            r1, c1, r2, c2 = parse_range(dim.get("ref", "A1"))
        except ValueError:
            return
        r1, c1 = min(r1, *rows), min(c1, *cols)
        r2, c2 = max(r2, *rows), max(c2, *cols)
        ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
        if ref != dim.get("ref"):
            dim.set("ref", ref)

    def _widths(self, cols: tuple[int, int, int]) -> None:
        """Give the mark columns a readable width, splitting a user range that covers them."""
        root = self.root
        cols_el = root.find(q("cols"))
        if cols_el is None:
            cols_el = etree.Element(q("cols"))
            self.text.sheet_data.addprevious(cols_el)
        for col, width in zip(cols, MARK_WIDTHS, strict=True):
            items = list(cols_el.findall(q("col")))
            cover = None
            for el in items:
                lo, hi = int(el.get("min", "0")), int(el.get("max", "0"))
                if lo <= col <= hi:
                    cover = el
                    break
            if cover is None:
                el = etree.Element(q("col"))
                el.set("min", str(col))
                el.set("max", str(col))
                el.set("width", str(width))
                el.set("customWidth", "1")
                mins = [int(e.get("min", "0")) for e in items]
                pos = bisect.bisect(mins, col)
                if pos < len(items):
                    items[pos].addprevious(el)
                else:
                    cols_el.append(el)
                continue
            lo, hi = int(cover.get("min", "0")), int(cover.get("max", "0"))
            if lo == hi:
                continue  # a column of its own: the user's (or an earlier run's) width stays
            pieces = []
            for a, b, w in ((lo, col - 1, None), (col, col, width), (col + 1, hi, None)):
                if a > b:
                    continue
                piece = etree.fromstring(etree.tostring(cover))
                piece.set("min", str(a))
                piece.set("max", str(b))
                if w is not None:
                    piece.set("width", str(w))
                    piece.set("customWidth", "1")
                pieces.append(piece)
            for piece in pieces:
                cover.addprevious(piece)
            cols_el.remove(cover)


def choose_columns(
    *,
    where: str,
    header_row: int,
    headed: dict[str, list[int]],
    texts: dict[int, str],
    owned: set[int],
    last_user_column: int,
    last_used_column: Callable[[set[int]], int],
    take_over: bool,
) -> tuple[tuple[int, int, int], set[int], list[str]]:
    """Return the three mark columns, those reused from an earlier run, and the user's
    columns in the way (any format's sheet: `where` is "book: sheet").

    `headed` maps each mark column's name to the 1-based columns headed so (`texts` their
    header text), `owned` are the columns the tool's markers claim, and `last_used_column(skip)`
    is the last column holding a value in any row, `skip` aside.
    """
    found: dict[str, int] = {}
    for name, cols in headed.items():
        mine = [c for c in cols if c in owned] or (cols[:1] if take_over else [])
        if mine:
            found[name] = mine[0]
    conflicts = []
    if not take_over:
        taken = set(found.values())
        for name, cols in headed.items():
            for col in cols:
                if col in taken:
                    continue
                conflicts.append(
                    f"{where}!{col_letter(col)}{header_row}: "
                    f'the column "{texts[col].strip()}" was not made by followup-xl, which '
                    f"writes its own {name} column and would replace what this one holds: "
                    f'rename the header (e.g. "My {name}"), or pass {TAKE_OVER_OPTION} to '
                    "hand the column over to the tool"
                )
    reused = set(found.values())
    last = max(last_user_column, last_used_column(reused))
    nxt = max([last, *found.values()]) + 1
    out = []
    for name in MARK_COLUMNS:
        if name in found:
            out.append(found[name])
        else:
            out.append(nxt)
            nxt += 1
    if max(out) > MAX_COL and not conflicts:
        conflicts.append(
            f"{where} uses columns up to {col_letter(last)}, so there is no room for the "
            "three follow-up columns: delete some unused columns at the right and run again"
        )
    return (out[0], out[1], out[2]), reused, conflicts
