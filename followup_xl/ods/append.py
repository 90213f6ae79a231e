"""Append rows to one table of an .ods (the Log, for `sent`), and take them back (`--undo`).

The .ods sibling of xlsx/append.py: the rows go after the last row that holds a value, each
new cell in the style of the cell above it in the same column (so a date is shown as the
Log's dates are), and only content.xml changes; every other member is copied byte for byte.
Nothing here touches disk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date

from lxml import etree

from ..errors import WriteError
from ..writecheck import check_package
from ..xlsx.append import AppendResult
from ..xlsx.cells import Value
from ..xlsx.package import Package
from .content import (
    CELL,
    CONTENT,
    MAX_ROWS,
    Content,
    Styles,
    cell_at,
    cells_of,
    detach,
    holds_value,
    new_cell,
    o,
    row_at,
    row_runs,
    split_cells,
    split_rows,
    t,
)


def _table(content: Content, sheet: str, what: str) -> etree._Element:
    """Return the table the tool writes `what` into; WriteError when missing or protected."""
    table = content.table(sheet)
    if table is None:
        raise WriteError(f"{content.name}: there is no sheet {sheet!r} for {what}")
    if table.get(t("protected")) == "true":
        raise WriteError(
            f"{content.name}: {table.get(t('name'))} is protected, so the tool cannot write "
            f"{what} there: unprotect it (LibreOffice: Tools > Protect Sheet) and run again"
        )
    return table


def last_value_row(table: etree._Element) -> int:
    """Return the 1-based number of the last row holding a value, or 0."""
    last = 0
    for start, n, row in row_runs(table):
        if any(holds_value(c) for c in cells_of(row)):
            last = start + n
    return last


def append_rows(
    data: bytes,
    *,
    sheet: str,
    rows: Sequence[Mapping[int, Value]],
    after: int = 0,
    name: str = "workbook",
) -> AppendResult:
    """Return the .ods with `rows` ({1-based column: value}) appended to `sheet`, after the
    last row holding a value and never above row `after + 1`."""
    pkg = Package(data, name)
    content = Content(pkg.read(CONTENT) or b"", name)
    table = _table(content, sheet, "the new rows")
    last = max(last_value_row(table), after)
    if last + len(rows) > MAX_ROWS:
        raise WriteError(f"{name}: {sheet} has no room for {len(rows)} more row(s)")
    wanted = {last + i for i in range(len(rows))}  # 0-based rows of the new ones
    cols = {c - 1 for values in rows for c in values}
    above_row = row_at(table, last - 1) if last > after else None
    above = {c: cell_at(above_row, c) for c in cols} if above_row is not None else {}
    got = split_rows(table, wanted)
    styles = Styles(content)
    owned: set[tuple[int, int]] = set()
    for i, values in enumerate(rows):
        r = last + i
        cells = split_cells(got[r], {c - 1 for c in values})
        for c, value in sorted(values.items()):
            if value is None or value == "":
                continue
            old = cells[c - 1]
            if holds_value(old):
                raise WriteError(f"{name}: {sheet} row {r + 1} is not empty; nothing was written")
            style = _style(value, above.get(c - 1), styles)
            old.addprevious(new_cell(value, style, got[r]))
            detach(old)
            owned.add((r + 1, c))
    if not owned:
        return AppendResult(data=data, sheet=sheet, rows=(), part=CONTENT)
    pkg.put(CONTENT, content.to_bytes())
    return AppendResult(
        data=pkg.to_bytes(), sheet=table.get(t("name"), sheet),
        rows=tuple(range(last + 1, last + len(rows) + 1)), owned_cells=owned,
        changed_members={CONTENT}, part=CONTENT,
    )  # fmt: skip


def _style(value: Value, above: etree._Element | None, styles: Styles) -> str | None:
    """Return the style of a new cell: that of the cell above when it holds the same kind of
    value, else the tool's (a date gets a date style)."""
    kind = "date" if isinstance(value, date) else "string" if isinstance(value, str) else "float"
    if above is not None and above.get(o("value-type")) == kind:
        return above.get(t("style-name"))
    return styles.cell(value)


def clear_rows(
    data: bytes, *, sheet: str, cells: set[tuple[int, int]], name: str = "workbook"
) -> AppendResult:
    """Return the .ods with the given 1-based (row, column) cells of `sheet` emptied (`sent
    --undo`: the rows it added)."""
    pkg = Package(data, name)
    content = Content(pkg.read(CONTENT) or b"", name)
    table = _table(content, sheet, "the rows it would take back")
    got = split_rows(table, {r - 1 for r, _ in cells})
    for r in sorted({r for r, _ in cells}):
        row = split_cells(got[r - 1], {c - 1 for rr, c in cells if rr == r})
        for c in {c for rr, c in cells if rr == r}:
            old = row[c - 1]
            old.addprevious(new_cell(None, None, got[r - 1]))
            detach(old)
    pkg.put(CONTENT, content.to_bytes())
    return AppendResult(
        data=pkg.to_bytes(), sheet=table.get(t("name"), sheet),
        rows=tuple(sorted({r for r, _ in cells})), owned_cells=set(cells),
        changed_members={CONTENT}, part=CONTENT,
    )  # fmt: skip


def verify_rows(new: bytes, *, old: bytes, result: AppendResult, filled: bool, name: str) -> None:
    """Raise WriteError unless only the rows' cells changed, each holding a value (`filled`)
    or empty, every other table as it was."""
    from .marks import check_outside_tables, check_tables

    check_package(new, old=old, changed=result.changed_members, name=name)
    with zipfile.ZipFile(io.BytesIO(new)) as znew, zipfile.ZipFile(io.BytesIO(old)) as zold:
        before, after = Content(zold.read(CONTENT), name), Content(znew.read(CONTENT), name)
    check_tables(before, after, {result.sheet: result.owned_cells}, skip=set(), name=name)
    check_outside_tables(before, after, name=name)
    table = after.table(result.sheet)
    if table is None:
        raise WriteError(f"{name}: {result.sheet} is missing from the new file")
    want = set(result.owned_cells)
    found: set[tuple[int, int]] = set()
    for start, n, row in row_runs(table):
        if not any(start < r <= start + n for r, _ in want):
            continue
        c = 0
        for cell in cells_of(row):
            k = int(cell.get(t("number-columns-repeated"), "1"))
            if holds_value(cell) and cell.tag == CELL:
                found.update((r, col) for r, col in want if start < r <= start + n
                             and c < col <= c + k)  # fmt: skip
            c += k
    if (found != want) if filled else bool(found):
        raise WriteError(f"{name}: the rows written did not read back; nothing was written")
