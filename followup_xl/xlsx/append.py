"""Append rows to one sheet of an .xlsx package, the only change made to that sheet.

Used by `followup-xl sent` to record mailed letters in the Log. The new rows go after the
last row that holds a value; each new cell takes the style of the cell above it in the same
column (else the column's own style), so dates stay dates in the Log's own format. Ranges
that end on the old last row (tables, data validations, conditional formats, the filter)
grow to cover the new rows. The rows are written into the sheet's text
(sheettext.SheetText): every old row keeps its bytes, and every other part of the package is
copied byte for byte (package.Package). Nothing here touches disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from ..contract import col_letter
from ..errors import WriteError
from ..opc import rels_part, resolve
from .cells import CellWriter, Value
from .package import MAX_ROW, REL_WORKSHEET, Package, parse_range, q
from .sheetread import row_cells
from .sheettext import Cell, SheetText
from .styles import Styles
from .workbook import Sheet, WorkbookPart

NS_XM = "http://schemas.microsoft.com/office/excel/2006/main"


@dataclass
class AppendResult:
    """The new package bytes and where the rows went."""

    data: bytes
    sheet: str
    rows: tuple[int, ...]
    #: 1-based (row, column) of every cell written
    owned_cells: set[tuple[int, int]] = field(default_factory=set)
    changed_members: set[str] = field(default_factory=set)
    #: the member that holds the sheet
    part: str = ""


def last_value_row(text: SheetText) -> int:
    """Return the number of the last row with a value in any cell, or 0."""
    for r in sorted(text.numbers(), reverse=True):
        if any(cell.holds_value() for cell in text.cells_from_right(r)):
            return r
    return 0


def _grow(ref: str, last: int, new_last: int) -> str:
    """Return a range list with each range that ends on or covers `last` grown to `new_last`."""
    out = []
    for part in ref.split():
        try:
            r1, c1, r2, c2 = parse_range(part)
        except ValueError:
            out.append(part)
            continue
        if r1 <= last <= r2 < new_last:
            out.append(f"{col_letter(c1)}{r1}:{col_letter(c2)}{new_last}")
        else:
            out.append(part)
    return " ".join(out)


def append_rows(
    data: bytes,
    *,
    sheet: str,
    rows: Sequence[Mapping[int, Value]],
    after: int = 0,
    name: str = "workbook",
) -> AppendResult:
    """Return the package with `rows` ({1-based column: value}) appended to `sheet`.

    The rows go after the last row that holds a value, and never above row `after + 1`
    (the header row, say).
    """
    pkg, wb, found = _worksheet(data, sheet, name, "the new rows")
    styles_part = wb.styles_part()
    styles = Styles(pkg.xml(styles_part))
    cells = CellWriter(styles, wb.date1904)
    text = SheetText(pkg, found.part, f"{name}: {found.name}")
    last, owned = _append(text, rows, after, cells, f"{name}: {found.name}")
    root = text.root
    first, new_last = last + 1, last + len(rows)
    _refuse_merges(root, first, new_last, owned, f"{name}: {found.name}")
    _refuse_totals_row(pkg, found, last, f"{name}: {found.name}")
    if owned:
        _grow_ranges(pkg, wb, found, root, last, new_last)
        dim = root.find(q("dimension"))
        if dim is not None:
            try:
                r1, c1, r2, c2 = parse_range(dim.get("ref", "A1"))
                cols = [c for _, c in owned]
                ref = (
                    f"{col_letter(min(c1, *cols))}{min(r1, first)}:"
                    f"{col_letter(max(c2, *cols))}{max(r2, new_last)}"
                )
                dim.set("ref", ref)
            except ValueError:
                pass
        text.save()
        if styles.appended or styles.created:
            pkg.put(styles_part, pkg.serialize(styles.tree))
        wb.save()
    return AppendResult(
        data=pkg.to_bytes() if owned else data,
        sheet=found.name,
        rows=tuple(range(first, new_last + 1)) if owned else (),
        owned_cells=owned,
        changed_members=set(pkg.changed),
        part=pkg.find(found.part) or found.part,
    )


def _worksheet(
    data: bytes, sheet: str, name: str, what: str
) -> tuple[Package, WorkbookPart, Sheet]:
    """Open the package and find the worksheet the tool writes `what` into; WriteError when
    there is none or it is protected."""
    pkg = Package(data, name)
    wb = WorkbookPart(pkg)
    found = wb.sheet(sheet)
    if found is None or found.rel_type != REL_WORKSHEET or pkg.find(found.part) is None:
        raise WriteError(f"{name}: there is no worksheet {sheet!r} for {what}")
    locked = wb.protection_problem(found, what)
    if locked is not None:
        raise WriteError(locked)
    return pkg, wb, found


def _append(
    text: SheetText,
    rows: Sequence[Mapping[int, Value]],
    after: int,
    cells: CellWriter,
    where: str,
) -> tuple[int, set[tuple[int, int]]]:
    """Add the rows after the last row holding a value (a row formatted ahead is filled, not
    doubled); return that last old row and the cells written."""
    last = _room(max(last_value_row(text), after), len(rows), where)
    col_styles = _column_styles(text.root)
    above = text.element(last) if last > after else None  # never the header's style
    above_cells = row_cells(above, last) if above is not None else {}
    owned: set[tuple[int, int]] = set()
    for i, values in enumerate(rows):
        r = last + 1 + i
        ahead = text.element(r)
        current = row_cells(ahead, r) if ahead is not None else {}
        new: list[tuple[int, str]] = []
        for c, value in sorted(values.items()):
            if value is None or value == "":
                continue
            style = _style_for(value, current.get(c), above_cells.get(c), col_styles.get(c), cells)
            xml = cells.xml(f"{col_letter(c)}{r}", value, style)
            if xml is None:
                continue
            new.append((c, xml))
            owned.add((r, c))
        if ahead is None:
            text.add(r, new)
        elif new:
            written = {c for c, _ in new}
            text.edit(r, first=min(written), new=new, drop=_in_columns(written))
    return last, owned


def _in_columns(cols: set[int]) -> Callable[[Cell], bool]:
    """Return a test that a cell is in one of `cols` (the cells a row edit takes out)."""
    return lambda cell: cell.col in cols


def _refuse_merges(
    root: etree._Element, first: int, last: int, owned: set[tuple[int, int]], where: str
) -> None:
    """Raise WriteError when a merged range covers a cell of the new rows (Excel shows only
    a merge's first cell: a value under it would be there, but hidden)."""
    merges = root.find(q("mergeCells"))
    if merges is None or not owned:
        return
    cols = {c for _, c in owned}
    for mc in merges.iterchildren(q("mergeCell")):
        try:
            r1, c1, r2, c2 = parse_range(mc.get("ref", ""))
        except ValueError:
            continue
        if r1 <= last and first <= r2 and any(c1 <= c <= c2 for c in cols):
            raise WriteError(
                f"{where}!{mc.get('ref')} is a merged range where the new rows go (rows "
                f"{first}-{last}): unmerge it, or move it further down, and run again"
            )


def _refuse_totals_row(pkg: Package, sheet: Sheet, last: int, where: str) -> None:
    """Raise WriteError when an Excel table with a totals row ends on the last row: new rows
    below would land under its totals, and growing the table would total the wrong rows."""
    rels = pkg.xml(rels_part(sheet.part))
    for rel in [] if rels is None else rels.getroot():
        if not pkg.rel_type(rel).endswith("/table"):
            continue
        table = pkg.xml(resolve(sheet.part, rel.get("Target", "")))
        if table is None:
            continue
        root = table.getroot()
        count = root.get("totalsRowCount") or "0"
        try:
            end = parse_range(root.get("ref", ""))[2]
        except ValueError:
            continue
        if count.isdigit() and int(count) > 0 and end >= last:
            raise WriteError(
                f"{where}: the table {root.get('displayName') or root.get('name')} has a "
                "totals row, and the tool does not add rows above it: turn the totals row off "
                "(Excel: Table Design > Total Row), run again, and turn it back on"
            )


def _room(last: int, count: int, where: str) -> int:
    """Return `last`, once sure that `count` rows fit below it."""
    if last + count > MAX_ROW:
        raise WriteError(f"{where} has no room for {count} more row(s)")
    return last


def _column_styles(root: etree._Element) -> dict[int, int]:
    """Return the default style of each column that has one (<col style=...>)."""
    out: dict[int, int] = {}
    cols = root.find(q("cols"))
    for col in [] if cols is None else cols.iterchildren(q("col")):
        style = col.get("style")
        if style is None:
            continue
        for c in range(int(col.get("min", "0")), min(int(col.get("max", "0")), 16_384) + 1):
            out[c] = int(style)
    return out


def _style_for(
    value: Value,
    old: etree._Element | None,
    above: etree._Element | None,
    column: int | None,
    cells: CellWriter,
) -> int:
    """Return the style of a new cell: its own empty cell's, the one above's, the column's; a
    date takes one of those only where it shows a date, else the tool's date style."""
    found = [int(el.get("s", "0")) for el in (old, above) if el is not None and el.get("s")]
    found += [] if column is None else [column]
    if isinstance(value, date):
        dated = [s for s in found if cells.styles.shows_date(s)]
        return dated[0] if dated else cells.style(value)
    return found[0] if found else 0


def _grow_ranges(
    pkg: Package, wb: WorkbookPart, sheet: Sheet, root: etree._Element, last: int, new_last: int
) -> None:
    """Grow the sheet's tables, validations, conditional formats and filter over new rows."""
    for dv in root.iter(q("dataValidation"), q("conditionalFormatting")):
        ref = dv.get("sqref")
        if ref:
            dv.set("sqref", _grow(ref, last, new_last))
    for sq in root.iter(f"{{{NS_XM}}}sqref"):
        if sq.text:
            sq.text = _grow(sq.text, last, new_last)
    auto = root.find(q("autoFilter"))
    if auto is not None and auto.get("ref"):
        grown = _grow(auto.get("ref", ""), last, new_last)
        if grown != auto.get("ref"):
            auto.set("ref", grown)
            wb.set_filter_name(sheet, grown)
    rels = pkg.xml(rels_part(sheet.part))
    for rel in [] if rels is None else rels.getroot():
        if not pkg.rel_type(rel).endswith("/table"):
            continue
        part = resolve(sheet.part, rel.get("Target", ""))
        table = pkg.xml(part)
        if table is None:
            continue
        troot = table.getroot()
        changed = False
        for el in (troot, troot.find(q("autoFilter"))):
            if el is not None and el.get("ref"):
                grown = _grow(el.get("ref", ""), last, new_last)
                if grown != el.get("ref"):
                    el.set("ref", grown)
                    changed = True
        if changed:
            pkg.put(part, pkg.serialize(table))


def clear_rows(
    data: bytes, *, sheet: str, cells: set[tuple[int, int]], name: str = "workbook"
) -> AppendResult:
    """Return the package with the given 1-based (row, column) cells of `sheet` removed, and
    each of those rows left without a cell removed too (`sent --undo`: the rows it added)."""
    pkg, wb, found = _worksheet(data, sheet, name, "the rows it would take back")
    text = SheetText(pkg, found.part, f"{name}: {found.name}")
    for r in sorted({r for r, _ in cells}):
        if not text.has(r):
            continue
        cols = {c for rr, c in cells if rr == r}
        text.edit(r, first=min(cols), new=[], drop=_in_columns(cols))
        if next(text.cells_from_right(r), None) is None:
            text.remove(r)
    text.save()
    wb.save()
    return AppendResult(
        data=pkg.to_bytes(),
        sheet=found.name,
        rows=tuple(sorted({r for r, _ in cells})),
        owned_cells=set(cells),
        changed_members=set(pkg.changed),
        part=pkg.find(found.part) or found.part,
    )
