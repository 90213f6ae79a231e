"""The three tool-owned mark columns on a user's sheet, written cell by cell.

The marker plans first (refusing to overwrite the user's cells, tables and merges) and then
writes only the cells it owns, keeping every other cell, row and column as it was. One class
of about 360 lines: planning and writing must agree cell for cell, so they stay together.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from ..contract import MARK_COLUMNS, col_letter, norm_header
from ..errors import WriteError
from .cells import CellWriter
from .package import (
    MAX_COL,
    MAX_ROW,
    NS_MAIN,
    REL_WORKSHEET,
    XML_PARSER,
    Package,
    parse_range,
    parse_ref,
    q,
)
from .sheetread import SharedStrings, cell_text, has_content, materialize_rows, row_cells
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
        self.tree = self._load()
        self.root = self.tree.getroot()
        sheet_data = self.root.find(q("sheetData"))
        if sheet_data is None:
            raise WriteError(f"{pkg.name}: {sheet.name} has no cell table (sheetData)")
        self.sheet_data = sheet_data
        self.had_formula = False

    def _load(self) -> etree._ElementTree:
        """Return the worksheet part parsed whole."""
        return self.pkg.tree(self.sheet.part)

    def _rows(self) -> dict[int, Any]:
        """Return the sheet's rows by number."""
        return materialize_rows(self.sheet_data)

    def _row(self, r: int) -> etree._Element | None:
        """Return row r as an element (it may be changed), or None when the sheet has none."""
        return self.rows.get(r)

    def plan(self, sst: SharedStrings, *, take_over: bool = False) -> list[str]:
        """Choose the three columns; return the user's columns in the way (nothing changed).

        A column headed like a mark column is the tool's only when its marker says so (or
        `take_over` hands it over). New columns go after the last column that holds anything
        in any row, so no cell the user typed, with or without a header, is under them.
        """
        m = self.marks
        rows = self._rows()
        self.rows = rows
        headed: dict[str, list[int]] = {}
        texts: dict[int, str] = {}
        header = self._row(m.header_row)
        if header is not None:
            wanted = {norm_header(n): n for n in MARK_COLUMNS}
            for col, c in sorted(row_cells(header, m.header_row).items()):
                text = cell_text(c, sst)
                name = wanted.get(norm_header(text))
                if name:
                    headed.setdefault(name, []).append(col)
                    texts[col] = text
        owned = self.wb.owned_columns(self.sheet, m.header_row)
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
                        f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{m.header_row}: "
                        f'the column "{texts[col].strip()}" was not made by followup-xl, which '
                        f"writes its own {name} column and would replace what this one holds: "
                        f'rename the header (e.g. "My {name}"), or pass {TAKE_OVER_OPTION} to '
                        "hand the column over to the tool"
                    )
        self.reused = set(found.values())
        last = max(m.last_user_column, self._last_used_column(rows, self.reused))
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
                f"{self.pkg.name}: {self.sheet.name} uses columns up to "
                f"{col_letter(last)}, so there is no room for the three "
                "follow-up columns: delete some unused columns at the right and run again"
            )
        self.cols = (out[0], out[1], out[2])
        return conflicts

    def _last_used_column(self, rows: dict[int, Any], skip: set[int]) -> int:
        """Return the last column holding a value or formula in any row (`skip` aside)."""
        last = 0
        for r, row in rows.items():
            cells = list(row.iterchildren(q("c")))
            if any(c.get("r") is None for c in cells):
                row_cells(row, r)
            for c in reversed(cells):
                try:
                    col = parse_ref(c.get("r", ""))[1]
                except ValueError:
                    continue
                if col <= last:
                    break
                if col in skip or not has_content(c):
                    continue
                last = col
                break
        return last

    def apply(self, sst: SharedStrings) -> tuple[tuple[int, int, int], set[tuple[int, int]]]:
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
        targets |= self._rows_with_cells_in(self.reused, below=m.header_row)
        self._check_merges(targets, cols)
        self._check_tables(cols)
        styles = self.cells
        header_style = styles.styles.xf(bold=True, fill=HEADER_FILL)
        owned: set[tuple[int, int]] = set()
        planned: list[tuple[int, list[int]]] = []
        markup: list[str] = []
        for r in sorted(targets):
            if r == m.header_row:
                values: tuple = MARK_COLUMNS
            else:
                values = m.values.get(r) or (None, None, None)
            overdue = r != m.header_row and values[2] == "OVERDUE"
            written = []
            for col, value in zip(cols, values, strict=True):
                owned.add((r, col))
                ref = f"{col_letter(col)}{r}"
                if r == m.header_row:
                    style = header_style
                else:
                    style = styles.style(value, overdue=overdue and col in cols[1:])
                x = styles.xml(ref, value, style)
                if x is not None:
                    written.append(col)
                    markup.append(x)
            planned.append((r, written))
        self._write(planned, markup, cols)
        self._dimension(owned)
        self._widths(cols)
        self._save()
        return cols, owned

    def _write(self, planned: list[tuple[int, list[int]]], markup: list[str],
               cols: tuple[int, int, int]) -> None:  # fmt: skip
        """Put the new cells (`markup`, in `planned` order) into their rows, old marks out."""
        rows = self.rows
        new_rows: list[etree._Element] = []
        # one parse for all new cells, rather than one per row
        parsed = iter(
            etree.fromstring(f'<row xmlns="{NS_MAIN}">{"".join(markup)}</row>', XML_PARSER)
            if markup
            else ()
        )
        for r, written in planned:
            xml_cells = [(col, next(parsed)) for col in written]
            row = rows.get(r)
            if row is None:
                if not xml_cells:
                    continue
                row = etree.Element(q("row"))
                row.set("r", str(r))
                rows[r] = row
                new_rows.append(row)
            self._put_cells(row, r, cols, xml_cells)
        if new_rows:
            ordered = sorted(rows.items())
            others = [c for c in self.sheet_data if c.tag != q("row")]
            self.sheet_data[:] = [row for _, row in ordered] + others

    def _save(self) -> None:
        """Put the changed worksheet part into the package."""
        self.pkg.put(self.sheet.part, self.pkg.serialize(self.tree))

    def _put_cells(
        self, row: etree._Element, r: int, cols: tuple[int, ...], xml_cells: list
    ) -> None:
        # Only the cells from the first mark column on are looked at: the user's cells to the
        # left (nearly all of a row) are neither parsed nor moved.
        first = min(cols)
        tail: list[tuple[int, etree._Element]] = []
        cells = list(row.iterchildren(q("c")))
        if any(c.get("r") is None for c in cells):
            row_cells(row, r)  # positional cells: give them explicit references first
        anchor = None
        for c in reversed(cells):
            try:
                col = parse_ref(c.get("r", ""))[1]
            except ValueError as exc:
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name} row {r} has a damaged cell reference "
                    f"{c.get('r')!r}: open the workbook in Excel, save it, and run again"
                ) from exc
            if col < first:
                anchor = c
                break
            tail.append((col, c))
        new: list[tuple[int, etree._Element]] = list(xml_cells)
        # A styled empty cell in a mark column is the user's formatting, not an old mark:
        # it stays unless a new mark takes its place.
        written = {col for col, _ in new}
        keep = [(col, c) for col, c in tail
                if col not in cols or (col not in written and not has_content(c))]  # fmt: skip
        for col, old in tail:
            if col in cols:
                self._check_replaced(old, col, r)
            row.remove(old)
        merged = [c for _, c in sorted(keep + new, key=lambda item: item[0])]
        if anchor is not None:
            for c in reversed(merged):
                anchor.addnext(c)
        else:
            for i, c in enumerate(merged):
                row.insert(i, c)
        spans = row.get("spans")
        if spans and new:
            nums = [int(x) for x in re.findall(r"\d+", spans)]
            added = [col for col, _ in new]
            lo, hi = min(nums + added), max(nums + added)
            if f"{lo}:{hi}" != spans:
                row.set("spans", f"{lo}:{hi}")

    def _check_replaced(self, old: etree._Element, col: int, r: int) -> None:
        f = old.find(q("f"))
        if f is None:
            return
        ref = f.get("ref")
        if ref and f.get("t") in ("shared", "array", "dataTable"):
            r1, c1, r2, c2 = parse_range(ref)
            if (r1, c1) != (r2, c2):
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{r} holds a "
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
        for r, row in self.rows.items():
            if r <= below:
                continue
            for c in row.iterchildren(q("c"), reversed=True):
                ref = c.get("r")
                try:
                    col = parse_ref(ref)[1] if ref else first  # positional: look closer later
                except ValueError:
                    col = first
                if (col in cols and has_content(c)) or ref is None:
                    found.add(r)
                    break
                if col < first:
                    break
        return found

    def _check_tables(self, cols: tuple[int, ...]) -> None:
        """Refuse to retitle a column of an Excel table: its name must match its header."""
        rels = self.pkg.xml(Package.rels_part(self.sheet.part))
        if rels is None:
            return
        r = self.marks.header_row
        for rel in rels.getroot():
            if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
                continue
            table = self.pkg.xml(Package.resolve(self.sheet.part, rel.get("Target", "")))
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

    def _dimension(self, owned: set[tuple[int, int]]) -> None:
        dim = self.root.find(q("dimension"))
        if dim is None or not owned:
            return
        try:
            r1, c1, r2, c2 = parse_range(dim.get("ref", "A1"))
        except ValueError:
            return
        rows = [r for r, _ in owned]
        cols = [c for _, c in owned]
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
            self.sheet_data.addprevious(cols_el)
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
