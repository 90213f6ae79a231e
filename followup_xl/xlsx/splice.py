"""Write the mark columns into a sheet's XML text, row by row, never parsing the whole sheet.

Parsed into an lxml tree, a 30 MB Contacts sheet takes about fifteen times its size in memory,
and all of it is written out again although only the last cells of some rows change.
SpliceMarker keeps the sheet as text. What surrounds the rows (dimension, column widths,
merged cells) is parsed and written as SheetMarker does; the rows are found by pattern; a row
that gets marks has its cells from the first mark column on replaced, in the text, by what
SheetMarker would put there. The bytes of every other row stay as they were.

Only sheets whose XML the patterns describe exactly are spliced: UTF-8, the main namespace
unprefixed and declared once, no DTD, comment, CDATA or processing instruction, every row
numbered in ascending order, every cell with its reference first. Any other sheet (Strict
files among them) is marked by SheetMarker, through the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from ..ooxml import ANY_CELL, check_well_formed, plain_worksheet
from .cells import CellWriter
from .columns import ColumnMarks, SheetMarker
from .package import NS_MAIN, XML_PARSER, Package, col_index
from .workbook import WorkbookPart

#: False marks every sheet through the tree (the reference the splicer is tested against).
SPLICE = True


class NotSpliceable(Exception):
    """The sheet's XML is not one the splicer writes: SheetMarker marks it."""


def marker(pkg: Package, wb: WorkbookPart, cells: CellWriter, marks: ColumnMarks) -> SheetMarker:
    """Return the marker for one sheet: a SpliceMarker when it can, else a SheetMarker."""
    if SPLICE:
        try:
            return SpliceMarker(pkg, wb, cells, marks)
        except NotSpliceable:
            pass
    return SheetMarker(pkg, wb, cells, marks)


_SHEET_DATA = re.compile(r"<sheetData\s*(/?)>")
#: A row: a start tag of plain attributes, then nothing or everything up to its end tag.
_ROW = re.compile(r'<row(?:\s+[\w:.-]+="[^"<>]*")*\s*(?:/>|>.*?</row>)', re.DOTALL)
_ROW_NUMBER = re.compile(r'\sr="([0-9]+)"')
_PLAIN_CELL = re.compile(r'<c r="[A-Z]{1,3}[0-9]{1,7}"(?:\s+[\w:.-]+="[^"<>]*")*\s*/?>')
_CELL_COLUMN = re.compile(r'<c r="([A-Z]{1,3})')
_FILLED_VALUE = re.compile(r"<v(?:\s[^>]*)?>[^<]")
_SPANS = re.compile(r'\sspans="([^"]*)"')
_CELL_AT = '<c r="'


@dataclass
class SplitSheet:
    """A sheet as its shell (parsed, with an empty sheetData) and its rows (text, by number)."""

    tree: etree._ElementTree
    #: the root's start tag, to parse a row or a cell in the sheet's namespaces
    root_tag: str
    texts: dict[int, str]
    #: the white space after each row, and before the first
    gaps: dict[int, str]
    lead: str

    @classmethod
    def load(cls, pkg: Package, part: str) -> SplitSheet:
        """Split a sheet part; raise NotSpliceable when its XML is not one the patterns read."""
        if pkg.strict:
            raise NotSpliceable
        data = pkg.read(part)
        if data is None or data[:3] == b"\xef\xbb\xbf":
            raise NotSpliceable
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotSpliceable from exc
        root = plain_worksheet(text, (NS_MAIN,))
        opened = _SHEET_DATA.search(text)
        if root is None or opened is None or text.count("<sheetData") != 1:
            raise NotSpliceable
        try:
            check_well_formed(data, huge_tree=True)
        except etree.XMLSyntaxError as exc:
            raise NotSpliceable from exc  # the tree's reader says where
        del data  # a big sheet is held as text only
        begin = opened.end()
        if opened[1]:
            end = after = begin
        else:
            end = text.find("</sheetData>", begin)
            after = end + len("</sheetData>")
        cells = len(ANY_CELL.findall(text, begin, end))
        if cells != len(_PLAIN_CELL.findall(text, begin, end)):
            raise NotSpliceable  # a cell without its reference first
        texts, gaps, lead = _split_rows(text, begin, end)
        shell = f"{text[: opened.start()]}<sheetData/>{text[after:]}"
        tree = etree.ElementTree(etree.fromstring(shell.encode("utf-8"), XML_PARSER))
        return cls(tree, root[0], texts, gaps, lead)

    def parse(self, xml: str) -> etree._Element:
        """Return a row or a cell of this sheet's text as an element."""
        return etree.fromstring(f"{self.root_tag}{xml}</worksheet>", XML_PARSER)[0]

    def save(self, pkg: Package, part: str) -> None:
        """Put the shell, with the rows back in its sheetData, into the package as `part`."""
        shell = pkg.serialize(self.tree).decode("utf-8")
        if shell.count("<sheetData/>") != 1:
            raise AssertionError("the sheet's shell lost its one empty sheetData")
        head, tail = shell.split("<sheetData/>")
        if not self.texts and not self.lead:
            parts = [head, "<sheetData/>", tail]
        else:
            parts = [head, "<sheetData>", self.lead]
            for r in sorted(self.texts):
                parts += (self.texts[r], self.gaps.get(r, ""))
            parts += ("</sheetData>", tail)
        self.texts = {}  # one copy of a big sheet at a time
        pkg.put(part, "".join(parts).encode("utf-8"))


class SpliceMarker(SheetMarker):
    """A SheetMarker that keeps the rows as text (see the module's docstring)."""

    def _load(self) -> etree._ElementTree:
        """Return the sheet without its rows, parsed; keep the rows as text."""
        self.split = SplitSheet.load(self.pkg, self.sheet.part)
        self.texts = self.split.texts
        return self.split.tree

    def _rows(self) -> dict[int, str]:
        return self.texts

    def _row(self, r: int) -> etree._Element | None:
        text = self.texts.get(r)
        if text is None:
            return None
        return self.split.parse(text)

    def _last_used_column(self, rows: dict[int, str], skip: set[int]) -> int:
        last = 0
        for text in rows.values():
            for col, start in _cells_from_right(text):
                if col <= last:
                    break
                if col in skip or not _has_content(text[start : _cell_end(text, start)]):
                    continue
                last = col
                break
        return last

    def _rows_with_cells_in(self, cols: set[int], *, below: int) -> set[int]:
        if not cols:
            return set()
        first = min(cols)
        found = set()
        for r, text in self.texts.items():
            if r <= below:
                continue
            for col, start in _cells_from_right(text):
                if col in cols and _has_content(text[start : _cell_end(text, start)]):
                    found.add(r)
                    break
                if col < first:
                    break
        return found

    def _write(self, planned: list[tuple[int, list[int]]], markup: list[str],
               cols: tuple[int, int, int]) -> None:  # fmt: skip
        given = iter(markup)
        for r, written in planned:
            new = [(col, next(given)) for col in written]
            text = self.texts.get(r)
            if text is None:
                if new:
                    cells = "".join(x for _, x in sorted(new, key=lambda item: item[0]))
                    self.texts[r] = f'<row r="{r}">{cells}</row>'
                continue
            self.texts[r] = self._splice(text, r, cols, new)

    def _splice(self, text: str, r: int, cols: tuple[int, ...], new: list[tuple[int, str]]) -> str:
        """Return a row's XML with its cells in `cols` replaced by `new`, as _put_cells does."""
        first = min(cols)
        tag_end = text.find(">") + 1
        start_tag = text[:tag_end]
        if start_tag.endswith("/>"):  # an empty row
            if not new:
                return text
            start_tag, inner = start_tag[:-2].rstrip() + ">", ""
        else:
            inner = text[tag_end : -len("</row>")]
        # A cell's stretch is the cell and the white space after it (lxml's "tail"): lxml
        # removes a cell with its tail and adds new ones after the tail of the cell before.
        tail = []  # the cells from the first mark column on, right to left
        cut = _blank_end(inner, 0)  # where new cells go when no cell is left of them
        for col, start in _cells_from_right(inner):
            end = _blank_end(inner, _cell_end(inner, start))
            if col < first:
                cut = end
                break
            tail.append((col, start, end))
        if not tail and not new:
            return text
        for col, start, end in tail:
            cell = inner[start:end]
            if col in cols and "<f" in cell:
                self._check_replaced(self._cell(cell.rstrip()), col, r)
        written = {col for col, _ in new}
        keep = [
            (col, inner[start:end])
            for col, start, end in tail
            if col not in cols or (col not in written and not _has_content(inner[start:end]))
        ]
        merged = "".join(x for _, x in sorted(keep + new, key=lambda item: item[0]))
        if tail:
            lo, hi = min(s for _, s, _ in tail), max(e for _, _, e in tail)
        else:
            lo = hi = cut
        spans = _SPANS.search(start_tag)
        if spans and new:
            nums = [int(x) for x in re.findall(r"\d+", spans[1])]
            added = [col for col, _ in new]
            wanted = f"{min(nums + added)}:{max(nums + added)}"
            if wanted != spans[1]:
                start_tag = f"{start_tag[: spans.start(1)]}{wanted}{start_tag[spans.end(1) :]}"
        return f"{start_tag}{inner[:lo]}{merged}{inner[hi:]}</row>"

    def _cell(self, xml: str) -> etree._Element:
        return self.split.parse(xml)

    def _save(self) -> None:
        self.split.texts = self.texts
        self.texts = {}
        self.split.save(self.pkg, self.sheet.part)


def _split_rows(body: str, pos: int, end: int) -> tuple[dict[int, str], dict[int, str], str]:
    """Return the rows of a sheetData's text (body[pos:end]) by number, the white space after
    each, and before the first; raise NotSpliceable unless the text is rows and white space,
    numbered upwards."""
    texts: dict[int, str] = {}
    gaps: dict[int, str] = {}
    last = 0
    lead = ""
    for m in _ROW.finditer(body, pos, end):
        gap = body[pos : m.start()]
        if gap.strip():
            raise NotSpliceable  # something between rows the pattern does not know
        if last:
            gaps[last] = gap
        else:
            lead = gap
        number = _ROW_NUMBER.search(body, m.start(), body.find(">", m.start()))
        if number is None or int(number[1]) <= last:
            raise NotSpliceable  # rows placed by position, or out of order
        last = int(number[1])
        texts[last] = m[0]
        pos = m.end()
    rest = body[pos:end]
    if rest.strip():
        raise NotSpliceable
    if last:
        gaps[last] = rest
    else:
        lead = rest
    return texts, gaps, lead


_COLUMNS: dict[str, int] = {}


def _cells_from_right(text: str) -> Iterator[tuple[int, int]]:
    """Yield (1-based column, start) of a row's cells, the last first."""
    pos = text.rfind(_CELL_AT)
    while pos >= 0:
        letters = _CELL_COLUMN.match(text, pos)[1]  # type: ignore[index]
        col = _COLUMNS.get(letters)
        if col is None:
            col = _COLUMNS[letters] = col_index(letters)
        yield col, pos
        pos = text.rfind(_CELL_AT, 0, pos)


def _cell_end(text: str, start: int) -> int:
    """Return where the cell starting at `start` ends (cells do not nest)."""
    gt = text.find(">", start)
    if text[gt - 1] == "/":
        return gt + 1
    return text.find("</c>", gt) + len("</c>")


_BLANK = re.compile(r"\s*")


def _blank_end(text: str, pos: int) -> int:
    """Return where the white space starting at pos ends."""
    return _BLANK.match(text, pos).end()  # type: ignore[union-attr]


#: A cell's value, formula or inline text, as append's _has_value finds them in the tree.
_VALUE_TAG = re.compile(r"<(?:v|f|is)[\s/>]")


def row_has_value(text: str) -> bool:
    """Return True when a row's XML has a cell with a value, a formula or inline text (an
    empty <v/> counts, as in the tree; a styled empty cell does not)."""
    return any(_VALUE_TAG.search(text, start, _cell_end(text, start))
               for _, start in _cells_from_right(text))  # fmt: skip


def _has_content(cell: str) -> bool:
    """Return True when a cell's XML holds a value or a formula (sheetread.has_content)."""
    return "<f" in cell or "<is" in cell or _FILLED_VALUE.search(cell) is not None
