"""Compare two versions of one worksheet by value, reading only the stretch of XML that changed.

The marks rewrite a few cells at the end of many rows. Reading both versions of a 50,000-row
sheet whole to prove that nothing else changed costs more than the run itself; here each row
of the old and the new XML is paired by its number, a row whose bytes are the same holds the
same values (the shared strings are the same part and the styles only grew: checked here),
and of a row that changed only the cells from the first differing byte on are read, with the
reader's scanner, and compared value by value.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from .formats import SharedStrings, Styles
from .parts import Package
from .stream import _Context, _NotScannable, _scan, _scannable, _Store, workbook_parts

#: Where a row starts (a row's attributes can be in any order, or none).
_ROW = re.compile(r"<row[\s/>]")
_ROW_NUMBER = re.compile(r"""\sr\s*=\s*["']([0-9]+)["']""")
#: Where a cell starts; any such string is a cell's start tag (XML text holds no "<").
_CELL_STARTS = ("<c ", "<c>", "<c/", "<c\t", "<c\n", "<c\r")


def changed_cells(
    old: bytes, new: bytes, part: str, skip: set[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """Return the 1-based (row, column) cells outside `skip` whose values differ, in order.

    None means this comparison cannot be made (XML the scanner does not read, rows without
    numbers, styles that changed rather than grew): compare the whole sheets instead.
    """
    compared = compare(old, new, part, skip, row=0)
    return None if compared is None else compared[0]


def compare(
    old: bytes,
    new: bytes,
    part: str,
    skip: set[tuple[int, int]],
    *,
    row: int,
    written: dict[tuple[int, int], Any] | None = None,
) -> tuple[list[tuple[int, int]], dict[int, Any]] | None:
    """Return changed_cells and {1-based column: value} of row `row` in the new version.

    `written`, when given, receives the new values of the cells in `skip` that were read
    (those past the first changed byte of their row: a cell the tool wrote, say).
    """
    with zipfile.ZipFile(io.BytesIO(old)) as zold, zipfile.ZipFile(io.BytesIO(new)) as znew:
        before, after = _Side.open(zold, part), _Side.open(znew, part)
        if before is None or after is None:
            return None
        kinds_old, kinds_new = before.ctx[0].kinds, after.ctx[0].kinds
        if kinds_new[: len(kinds_old)] != kinds_old:
            return None  # a style index now means another kind of value: read whole sheets
        asked: dict[int, Any] = {}
        try:
            # where each old row is, not its text: a big sheet is not held twice
            rows_old = {r: (start, end) for r, start, end in before.rows()}
            old_text, new_text = before.text, after.text
            was_cells: dict[tuple[int, int], Any] = {}
            now_cells: dict[tuple[int, int], Any] = {}
            for r, start, end in after.rows():
                segment = new_text[start:end]
                if r == row:
                    asked = {c: v for (_, c), v in after.cells(segment).items()}
                at = rows_old.pop(r, None)
                was = "" if at is None else old_text[at[0] : at[1]]
                if was != segment:
                    # the last cell that starts before the first byte that differs: every
                    # cell before it is the same bytes in both, so the same values
                    same = _common_prefix(was, segment)
                    start = max(0, *(was.rfind(tag, 0, same) for tag in _CELL_STARTS))
                    before.read(was[start:], r, was_cells)
                    after.read(segment[start:], r, now_cells)
            for r, (start, end) in rows_old.items():  # rows that are gone
                before.read(old_text[start:end], r, was_cells)
        except (_NotScannable, _Unpaired):
            return None
    differ = {
        k for k in was_cells.keys() | now_cells.keys()
        if k not in skip and was_cells.get(k) != now_cells.get(k)
    }  # fmt: skip
    if written is not None:
        written.update((k, now_cells[k]) for k in skip if k in now_cells)
    return sorted(differ), asked


def row_values(data: bytes, part: str, row: int) -> dict[int, Any] | None:
    """Return {1-based column: value} of one row of a sheet part, or None (see changed_cells)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        side = _Side.open(zf, part)
        if side is None:
            return None
        try:
            for r, start, end in side.rows():
                if r == row:
                    return {c: v for (_, c), v in side.cells(side.text[start:end]).items()}
        except (_NotScannable, _Unpaired):
            return None
    return {}


def first_and_last(data: bytes, part: str) -> dict[tuple[int, int], Any] | None:
    """Return the values of row 1 and of the last row that holds one, by 1-based (row,
    column), or None (see changed_cells): what a check of a sheet's length and headers reads."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        side = _Side.open(zf, part)
        if side is None:
            return None
        try:
            rows = list(side.rows())
            out: dict[tuple[int, int], Any] = {}
            for r, start, end in rows:
                if r == 1:
                    out.update(side.cells(side.text[start:end]))
                    break
            for _r, start, end in reversed(rows):
                last = side.cells(side.text[start:end])
                if last:
                    out.update(last)
                    break
        except (_NotScannable, _Unpaired):
            return None
    return out


class _Unpaired(Exception):
    """Rows or cells that cannot be paired by number: two rows with one number, a cell whose
    reference names another row, one cell twice."""


class _Side:
    """One version of the sheet: its text, root tag and what turns cells into values."""

    def __init__(self, text: str, root: str, ctx: _Context) -> None:
        self.text, self.root, self.ctx = text, root, ctx
        self.store = _Store("workbook", "", [], limits=False)

    @classmethod
    def open(cls, zf: zipfile.ZipFile, part: str) -> _Side | None:
        pkg = Package(zf, "workbook")
        _, rels, date1904 = workbook_parts(pkg)
        scannable = _scannable(pkg, part)
        if scannable is None:
            return None
        return cls(*scannable, (Styles.load(pkg, rels), SharedStrings(pkg, rels), date1904))

    def rows(self) -> Iterator[tuple[int, int, int]]:
        """Yield (row number, start, end) of each row's XML up to the next row; row 0 is the
        XML before the first row."""
        text = self.text
        starts = [m.start() for m in _ROW.finditer(text)]
        yield 0, 0, starts[0] if starts else len(text)
        seen = set()
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            tag_end = text.find(">", start)
            number = _ROW_NUMBER.search(text, start, tag_end)
            if number is None:
                raise _NotScannable  # rows placed by position
            r = int(number[1])
            if r in seen:
                raise _Unpaired
            seen.add(r)
            yield r, start, end

    def cells(self, xml: str) -> dict[tuple[int, int], Any]:
        """Return the values of the cells in a stretch of this sheet's XML, 1-based."""
        store = _Store("workbook", "", [], limits=False)
        _scan(xml, self.root, store, self.ctx)
        return {(r + 1, c + 1): v for r, row in store.grid.cells.items() for c, v in row.items()}

    def read(self, xml: str, row: int, into: dict[tuple[int, int], Any]) -> None:
        """Add the values of the cells in a stretch of row `row` to `into`, 1-based."""
        store = self.store
        found = store.grid.cells
        found.clear()
        _scan(xml, self.root, store, self.ctx)
        if not found:
            return
        if len(found) > 1 or row - 1 not in found:
            raise _Unpaired  # a cell whose reference names another row
        for c, value in found[row - 1].items():
            key = (row, c + 1)
            if key in into:
                raise _Unpaired
            into[key] = value


def _common_prefix(a: str, b: str) -> int:
    """Return the length of the longest common prefix of a and b (by halving, in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
