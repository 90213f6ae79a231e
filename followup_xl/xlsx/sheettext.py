"""A worksheet part as text: its rows keep the user's bytes, the rest of the sheet is parsed.

The tool writes a few cells at the end of some rows (the mark columns), adds rows after the
last one (the Log) or takes back rows it added. SheetText finds the rows by pattern and keeps
them as the text they are; only the sheet without its rows (dimension, column widths, merged
cells, extensions) is parsed with lxml and written back. A row the tool writes to has its
cells from the first written column on replaced in its text; every other row keeps its
bytes, and the sheet is never held as a tree, which takes many times its size in memory.

The patterns read any well-formed worksheet: the main namespace, Transitional or Strict,
with or without a prefix; rows and cells with or without references; comments, CDATA and
processing instructions (hidden from the patterns before they look); any encoding Python
reads (written back as UTF-8, as the parsed part is). Only a sheet that binds one prefix both
to the main namespace and to another is refused: the patterns could not tell its cells apart.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from functools import partial

from lxml import etree

from ..alongside import alongside
from ..contract import col_letter
from ..errors import WriteError
from ..ooxml import MAIN_NAMESPACES, RESAVE, check_well_formed
from .package import Package, parse_ref, q

#: An XML name without a colon (near enough: names are checked by lxml before this reads them).
_NAME = r"[^\W\d][\w.-]*"
_ATTRS = r"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
_ATTR = re.compile(r"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: Comments, CDATA sections and processing instructions (their starts and ends): masked
#: before any pattern looks.
_HIDDEN = re.compile(r"<!--|<!\[CDATA\[|<\?")
_HIDDEN_END = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
_ROOT = re.compile(rf"<({_NAME}(?::{_NAME})?)({_ATTRS})\s*>")
_SHEET_DATA = re.compile(rf"<(?:({_NAME}):)?sheetData(?=[\s/>])({_ATTRS})\s*(/?)>")
_XMLNS = re.compile(r"""\sxmlns(?::([^\s=]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DECLARED = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_BLANK = re.compile(r"\s*")
_NUMBERS = re.compile(r"\d+")
#: A formula in a cell's XML (any prefix: a cell holds only its own elements).
_FORMULA = re.compile(r"<(?:[^\s/>:]+:)?f[\s/>]")
#: A formula, inline text, or a <v> with something before its end tag (not <v/>, <v></v>).
_VALUE = re.compile(r"<(?:[^\s/>:]+:)?(?:f[\s/>]|is[\s/>]|v(?:\s[^>]*)?(?<!/)>(?!</))")


def holds_value(cell: str) -> bool:
    """Return True when a cell's XML (comments and CDATA masked) holds a value.

    A formula, inline text or a <v> with text is a value. A cell with only a style holds
    none, and neither does an empty <v/> or <v></v>: Excel, LibreOffice and calamine all
    read such a cell as empty.
    """
    return _VALUE.search(cell) is not None


class Cell:
    """One cell of a row: its 1-based column and where it starts; its XML is read when asked."""

    __slots__ = ("_empty", "_end", "_hi", "_pat", "_shadow", "_text", "col", "start")

    def __init__(self, col: int, text: str, shadow: str, start: int, hi: int,
                 pat: _Patterns) -> None:  # fmt: skip
        self.col, self.start, self._text, self._shadow = col, start, text, shadow
        self._hi, self._pat, self._end, self._empty = hi, pat, -1, False

    @property
    def end(self) -> int:
        """Return where the cell ends in its row's text."""
        if self._end < 0:
            self._end, self._empty = self._pat.cell_end(self._shadow, self.start, self._hi)
        return self._end

    @property
    def xml(self) -> str:
        """Return the cell's XML."""
        return self._text[self.start : self.end]

    @property
    def masked(self) -> str:
        """Return the cell's XML with comments, CDATA and instructions masked."""
        return self._shadow[self.start : self.end]

    def holds_value(self) -> bool:
        """Return True when the cell holds a value (see holds_value)."""
        masked = self.masked
        return not self._empty and holds_value(masked)

    def has_formula(self) -> bool:
        """Return True when the cell has a formula."""
        return _FORMULA.search(self.masked) is not None


def _mask(text: str) -> str:
    """Return text with each comment, CDATA section and processing instruction blanked out,
    its length kept, so that positions in one are positions in the other."""
    parts: list[str] = []
    pos = 0
    while (m := _HIDDEN.search(text, pos)) is not None:
        close = _HIDDEN_END[m[0]]
        end = text.find(close, m.end())
        if end < 0:
            break  # never closed: not well-formed, which the parser reports
        end += len(close)
        parts += (text[pos : m.start()], m[0][:2], "-" * (end - m.start() - 3), ">")
        pos = end
    return "".join([*parts, text[pos:]]) if parts else text


def _needs_mask(text: str) -> bool:
    """Return True when text holds a comment, CDATA section or instruction past its prolog."""
    start = text.find("?>") + 2 if text.startswith("<?xml") else 0
    return "<!" in text or text.find("<?", start) >= 0


def _attr(attrs: str, name: str) -> str | None:
    """Return an attribute's value from a start tag's attributes, or None."""
    quick = f' {name}="'
    if attrs.startswith(quick):  # the common case: the attribute written first
        return attrs[len(quick) : attrs.index('"', len(quick))]
    for m in _ATTR.finditer(attrs):
        if m[1] == name:
            return m[2] if m[2] is not None else m[3]
    return None


def _decode(data: bytes, where: str) -> str:
    """Return a part's text, read in the encoding its byte-order mark or declaration names."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
    else:
        declared = _DECLARED.match(data[:200].decode("latin-1"))
        encoding = declared[1] if declared else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise WriteError(
            f"{where} is written in an encoding the tool cannot read ({encoding}): {RESAVE}, "
            "then run again"
        ) from exc


class _Patterns:
    """The patterns of a sheet's rows and cells, in the prefixes of the main namespace it uses
    ("" for none, "x:"); the first names the rows and cells the tool adds."""

    def __init__(self, prefixes: list[str]) -> None:
        alts = "|".join(re.escape(p) for p in prefixes)
        self.prefix = prefixes[0]
        self.row_start = re.compile(rf"<(?:{alts})row({_ATTRS})\s*(/?)>")
        self.row_end = re.compile(rf"</(?:{alts})row\s*>")
        self.row_at = [f"<{p}row" for p in prefixes]
        self.cell = re.compile(rf"<(?:{alts})c({_ATTRS})\s*(/?)>")
        self.cell_close = re.compile(rf"</(?:{alts})c\s*>")
        #: a cell whose reference is not its first attribute, or that has none
        self.unreferenced = re.compile(rf'<(?:{alts})c(?:[/>]|\s(?!r="))')
        self.cell_at = [f"<{p}c" for p in prefixes]
        self.row_close = [f"</{p}row" for p in prefixes]
        self.extension = [f"<{p}extLst" for p in prefixes]
        self.new_tag = re.compile(r"<(/?)(c|v|is|t)(?=[\s/>])")
        #: with one prefix: how a cell written with its reference first starts, and ends
        self.referenced = f'<{self.prefix}c r="' if len(prefixes) == 1 else None
        self.closing = f"</{self.prefix}c"

    def rfind_cell(self, text: str, lo: int, hi: int) -> int:
        """Return where the last thing named like a cell starts in text[lo:hi], or -1."""
        if self.referenced is not None:
            return text.rfind(self.cell_at[0], lo, hi)
        return max(text.rfind(at, lo, hi) for at in self.cell_at)

    def cell_end(self, text: str, start: int, hi: int) -> tuple[int, bool]:
        """Return where the cell starting at `start` ends, and whether it is empty (<c/>)."""
        gt = text.find(">", start, hi)
        if self.referenced is None or _quoted(text, start, gt):
            opened = self.cell.match(text, start, hi)  # a ">" in a quoted value, or prefixes
            if opened is None:
                raise AssertionError("a cell of a well-formed sheet has no start tag")
            gt = opened.end() - 1
        if text[gt - 1] == "/":
            return gt + 1, True
        if self.referenced is not None:
            close = text.find(self.closing, gt, hi) + len(self.closing)
            if close >= len(self.closing) and text.startswith(">", close):
                return close + 1, False
        closed = self.cell_close.search(text, gt, hi)  # </c >, </color>, or prefixes
        if closed is None:
            raise AssertionError("a cell of a well-formed sheet has no end tag")
        return closed.end(), False

    def cells_end(self, text: str, start: int, end: int) -> int:
        """Return where the cells of the row in text[start:end] end (its end tag, or its
        extension list); a row's start tag holds no "<", so its cells are found from `start`."""
        if self.referenced is not None:
            hi = text.rfind(self.row_close[0], start, end)
            ext = text.find(self.extension[0], start, hi) if hi >= 0 else -1
        else:
            hi = max(text.rfind(close, start, end) for close in self.row_close)
            ext = _find(text, self.extension, start, hi) if hi >= 0 else -1
        if hi < 0:  # <row/>
            return start
        return hi if ext < 0 else ext

    def rows(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, int, str]]:
        """Yield each row in text[lo:hi] (masked): where it starts and ends, and the
        attributes of its start tag."""
        pos = lo
        while (at := _find(text, self.row_at, pos, hi)) >= 0:
            opened = self.row_start.match(text, at, hi)
            stop = -1
            if opened is not None:
                stop = opened.end() if opened[2] else self._row_end(text, opened.end(), hi)
            if opened is None:  # another element whose name starts with row
                pos = at + 1
                continue
            if stop < 0:
                return  # a row never closed: not well-formed, which the parser reports
            yield at, stop, opened[1]
            pos = stop

    def _row_end(self, text: str, lo: int, hi: int) -> int:
        """Return where the first row end tag in text[lo:hi] ends, or -1."""
        at = _find(text, self.row_close, lo, hi)
        while at >= 0:
            closed = self.row_end.match(text, at, hi)
            if closed is not None:
                return closed.end()
            at = _find(text, self.row_close, at + 1, hi)
        return -1

    def find_cell(self, text: str, lo: int, hi: int) -> int:
        """Return where the first thing named like a cell starts in text[lo:hi], or -1."""
        return _find(text, self.cell_at, lo, hi)

    def prefixed(self, markup: str) -> str:
        """Return the tool's cell markup (unprefixed) in the sheet's first prefix."""
        if not self.prefix:
            return markup
        return self.new_tag.sub(rf"<\1{self.prefix}\2", markup)


def _quoted(text: str, start: int, gt: int) -> bool:
    """Return True when the ">" at `gt` may be inside a quoted value of the tag at `start`."""
    return text.count('"', start, gt) % 2 == 1 or text.find("'", start, gt) >= 0


def _find(text: str, subs: list[str], lo: int, hi: int) -> int:
    """Return the first position of any of `subs` in text[lo:hi], or -1."""
    if len(subs) == 1:
        return text.find(subs[0], lo, hi)
    found = [at for at in (text.find(sub, lo, hi) for sub in subs) if at >= 0]
    return min(found, default=-1)


class SheetText:
    """One worksheet part: the sheet without its rows parsed (`tree`, Transitional names),
    the rows kept as text and found by number."""

    def __init__(self, pkg: Package, part: str, where: str) -> None:
        self.pkg, self.part, self.where = pkg, part, where
        data = pkg.read(part)
        if data is None:
            raise WriteError(f"{pkg.name} is damaged: {part} is missing")
        # the parser proves the part well-formed on a second core while the patterns find
        # its rows (every pattern here takes time linear in the text, well-formed or not)
        with alongside(partial(_well_formed, data, f"{pkg.name}: {part}")):
            self._read(data, where)
        del data  # a big sheet is held as text only

    def _read(self, data: bytes, where: str) -> None:
        """Find the sheet's cell table and rows in its text, and parse the rest."""
        pkg, part = self.pkg, self.part
        text = _decode(data, where)
        shadow = _mask(text) if _needs_mask(text) else text
        self.text, self.shadow = text, shadow
        opened = _SHEET_DATA.search(shadow)
        if opened is None:
            raise WriteError(f"{where} has no cell table (sheetData)")
        # the name in its start tag and its end tag (if any), unless a cell's text says it too
        named = shadow.count("sheetData")
        if named > 2 - bool(opened[3]) and len(list(_SHEET_DATA.finditer(shadow))) > 1:
            raise WriteError(f"{where} has more than one cell table: {RESAVE}, then run again")
        prefix = f"{opened[1]}:" if opened[1] else ""
        begin = opened.end()
        if opened[3]:
            end = after = begin
        else:
            end = shadow.find(f"</{prefix}sheetData", begin)
            after = shadow.index(">", end) + 1
        root = _ROOT.search(shadow)
        if root is None or root.start() > opened.start():
            raise WriteError(f"{where} has no cell table (sheetData)")
        self.pat = _Patterns(self._main_prefixes([root[2], opened[2]], begin, end, prefix))
        # a row or a cell is parsed inside the sheet's own root and sheetData start tags
        self.wrap = (
            f"{text[root.start() : root.end()]}<{prefix}sheetData{opened[2]}>",
            f"</{prefix}sheetData></{root[1]}>",
        )
        shell = f"{text[: opened.start()]}<{prefix}sheetData{opened[2]}/>{text[after:]}"
        declared = _DECLARED.match(shell)
        if declared and declared[1].lower().replace("-", "").replace("_", "") != "utf8":
            shell = f"{shell[: declared.start(1)]}UTF-8{shell[declared.end(1) :]}"
        self.tree = pkg.parse(shell.encode("utf-8"), f"{pkg.name}: {part}")
        self.root = self.tree.getroot()
        sheet_data = self.root.find(q("sheetData"))
        if sheet_data is None:
            raise WriteError(f"{where} has no cell table (sheetData)")
        self.sheet_data = sheet_data
        self.begin = begin
        self.lead_end = end
        #: row number -> (start, end, end of the text after it) in self.text, in file order
        self.rows: dict[int, tuple[int, int, int]] = {}
        self._find_rows(begin, end)
        # every cell with its reference first (the common case): no cell is placed by position
        self.positional = self.pat.unreferenced.search(shadow, begin, end) is not None
        #: the columns of the cell references' letters met so far (A -> 1)
        self.columns: dict[str, int] = {}
        #: rows the tool wrote or added: number -> their new text
        self.changed: dict[int, str] = {}
        self.removed: set[int] = set()

    def _main_prefixes(self, tags: list[str], begin: int, end: int, prefix: str) -> list[str]:
        """Return the prefixes the main namespace is bound to (the sheetData's first), declared
        on the root, on sheetData or in the rows; refuse a sheet that binds one of them to
        another namespace too, whose cells the patterns could not tell apart."""
        shadow = self.shadow
        declared = [m for tag in tags for m in _XMLNS.finditer(tag)]
        if shadow.find("xmlns", begin, end) >= 0:
            declared += _XMLNS.finditer(shadow, begin, end)
        main: set[str] = {prefix}
        other: set[str] = set()
        for m in declared:
            name = f"{m[1]}:" if m[1] else ""
            (main if (m[2] if m[2] is not None else m[3]) in MAIN_NAMESPACES else other).add(name)
        if main & other:
            raise WriteError(
                f"{self.where} binds a namespace prefix both to the spreadsheet's namespace and "
                f"to another, so the tool cannot be sure to find every cell: {RESAVE}, then "
                "run again"
            )
        return [prefix, *sorted(main - {prefix})]

    def _find_rows(self, begin: int, end: int) -> None:
        """Index the rows of sheetData's text by number (a row without one follows the last)."""
        last = 0
        for at, stop, attrs in self.pat.rows(self.shadow, begin, end):
            if last:
                start, before, _ = self.rows[last]
                self.rows[last] = (start, before, at)
            else:
                self.lead_end = at
            ref = _attr(attrs, "r")
            if ref is None:
                number = last + 1
            elif ref.strip().isdigit() and ref.isascii():
                number = int(ref)
            else:
                raise WriteError(
                    f"{self.where} has a row numbered {ref!r}: {RESAVE}, then run again"
                )
            if number in self.rows:
                raise WriteError(
                    f"{self.where} has two rows numbered {number}: {RESAVE}, then run again"
                )
            self.rows[number] = (at, stop, end)
            last = number

    # --- reading ---------------------------------------------------------------------------

    def numbers(self) -> list[int]:
        """Return the numbers of the sheet's rows, in the order of the file (new ones last)."""
        added = [r for r in self.changed if r not in self.rows]
        return [r for r in [*self.rows, *added] if r not in self.removed]

    def has(self, r: int) -> bool:
        """Return True when the sheet has a row numbered r."""
        return (r in self.rows or r in self.changed) and r not in self.removed

    def _row(self, r: int) -> tuple[str, str, int, int]:
        """Return the text and masked text holding row r, and where in them the row is."""
        if r in self.changed:
            text = self.changed[r]
            return text, _mask(text) if _needs_mask(text) else text, 0, len(text)
        start, end, _ = self.rows[r]
        return self.text, self.shadow, start, end

    def cells_from_right(self, r: int) -> Iterator[Cell]:
        """Yield the cells of row r, the last first (read only as far as the caller goes)."""
        text, shadow, start, end = self._row(r)
        hi = self.pat.cells_end(shadow, start, end)
        return self._cells_from_right(text, shadow, start, hi, r)

    def last_column(self, r: int) -> int:
        """Return the column of row r's last cell, or 0 when it has none."""
        text, shadow, start, end = self._row(r)
        hi = self.pat.cells_end(shadow, start, end)
        quick = self.pat.referenced
        pos = shadow.rfind(quick[:-4], start, hi) if quick is not None else -1
        if pos >= 0 and shadow.startswith(quick, pos):  # type: ignore[arg-type]  # <c r="...
            at = pos + len(quick)  # type: ignore[arg-type]
            return self._column(shadow[at : shadow.find('"', at)], r)
        return next((cell.col for cell in self._cells_from_right(text, shadow, start, hi, r)), 0)

    def element(self, r: int) -> etree._Element | None:
        """Return row r parsed (Transitional names), or None when the sheet has no row r."""
        if not self.has(r):
            return None
        text, _, start, end = self._row(r)
        return self.parse(text[start:end])

    def parse(self, xml: str) -> etree._Element:
        """Return a row or a cell of this sheet's XML as an element (Transitional names)."""
        wrapped = f"{self.wrap[0]}{xml}{self.wrap[1]}".encode()
        return self.pkg.parse(wrapped, self.where).getroot()[0][0]

    def _tag_end(self, shadow: str, start: int, end: int) -> int:
        """Return where the start tag of the row at `start` ends (after its ">")."""
        gt = shadow.find(">", start, end)
        if _quoted(shadow, start, gt):
            opened = self.pat.row_start.match(shadow, start, end)  # a ">" in a quoted value
            if opened is None:
                raise AssertionError(f"{self.where}: a row lost its start tag")
            gt = opened.end() - 1
        return gt + 1

    def _cells_from_right(self, text: str, shadow: str, lo: int, hi: int,
                          r: int) -> Iterator[Cell]:  # fmt: skip
        """Yield the cells in shadow[lo:hi], the last first."""
        pat = self.pat
        quick = pat.referenced
        pos = pat.rfind_cell(shadow, lo, hi)
        while pos >= 0:
            if quick is not None and shadow.startswith(quick, pos):  # <c r="...
                at = pos + len(quick)
                ref: str | None = shadow[at : shadow.find('"', at)]
            else:
                m = pat.cell.match(shadow, pos, hi)
                if m is None:  # another element whose name starts with c
                    pos = pat.rfind_cell(shadow, lo, pos)
                    continue
                ref = _attr(m[1], "r")
            if ref is None:  # placed by position: its column needs the cells before it
                yield from reversed([c for c in self._cells(text, shadow, lo, hi, r)
                                     if c.start <= pos])  # fmt: skip
                return
            yield Cell(self._column(ref, r), text, shadow, pos, hi, pat)
            pos = pat.rfind_cell(shadow, lo, pos)

    def _cells(self, text: str, shadow: str, lo: int, hi: int, r: int) -> list[Cell]:
        """Return the cells in shadow[lo:hi], left to right; a cell without a reference is in
        the column after the cell before it."""
        out: list[Cell] = []
        col = 0
        pos = self.pat.find_cell(shadow, lo, hi)
        while pos >= 0:
            m = self.pat.cell.match(shadow, pos, hi)
            if m is None:
                pos = self.pat.find_cell(shadow, pos + 1, hi)
                continue
            ref = _attr(m[1], "r")
            col = col + 1 if ref is None else self._column(ref, r)
            cell = Cell(col, text, shadow, pos, hi, self.pat)
            out.append(cell)
            pos = self.pat.find_cell(shadow, cell.end, hi)
        return out

    def _column(self, ref: str, r: int) -> int:
        """Return the column of a cell reference in row r."""
        letters = ref.rstrip("0123456789")
        col = self.columns.get(letters)
        if col is not None and letters != ref:
            return col
        try:
            col = self.columns[letters] = parse_ref(ref)[1]
        except ValueError as exc:
            raise WriteError(
                f"{self.where} row {r} has a damaged cell reference {ref!r}: open the workbook "
                "in Excel, save it, and run again"
            ) from exc
        return col

    # --- writing ---------------------------------------------------------------------------

    def add(self, r: int, new: list[tuple[int, str]]) -> None:
        """Add row r (not in the sheet) holding `new` cells: (column, the tool's markup)."""
        cells = self.pat.prefixed("".join(x for _, x in sorted(new, key=lambda item: item[0])))
        p = self.pat.prefix
        self.changed[r] = f'<{p}row r="{r}">{cells}</{p}row>' if cells else f'<{p}row r="{r}"/>'

    def edit(self, r: int, *, first: int, new: list[tuple[int, str]],
             drop: Callable[[Cell], bool]) -> None:  # fmt: skip
        """Put `new` cells (column, the tool's markup) into row r, and take out each old cell
        from column `first` on that `drop` says goes; cells left of `first` are neither read
        nor moved.

        A cell goes with the white space after it, and new cells come after the white space
        of the cell before them, as lxml removes and adds elements: a row written here reads
        as a tree would write it.
        """
        text, shadow, start, end = self._row(r)
        row = text[start:end]
        text, shadow = row, row if shadow is text else shadow[start:end]
        if self.positional:
            text, shadow = self._with_references(text, shadow, r)
        lo = self._tag_end(shadow, 0, len(shadow))
        if shadow[lo - 2] == "/":  # <row/>: opened for the new cells
            if not new:
                return
            head = f"{text[: lo - 2].rstrip()}>"
            text = shadow = f"{head}</{self.pat.prefix}row>"
            lo = len(head)
        hi = self.pat.cells_end(shadow, 0, len(shadow))
        blank = _BLANK.match
        tail = []  # the cells from column `first` on, right to left, each with its white space
        gone = False
        for cell in self._cells_from_right(text, shadow, lo, hi, r):
            b = blank(shadow, cell.end, hi).end()  # type: ignore[union-attr]
            if cell.col < first:
                cut = b
                break
            out = drop(cell)
            gone = gone or out
            tail.append((cell.col, cell.start, b, out))
        else:  # no cell left of `first`: the new ones go after the row's first white space
            cut = blank(shadow, lo).end()  # type: ignore[union-attr]
        if not new and not gone:
            return
        added = [(col, self.pat.prefixed(x)) for col, x in new] if self.pat.prefix else new
        if tail:
            keep = [(col, text[a:b]) for col, a, b, out in tail if not out]
            merged = "".join(x for _, x in sorted(keep + added))
            # what lies between the cells taken out and is no cell (a comment) stays, after them
            spans = sorted((a, b) for _, a, b, _ in tail)
            merged += "".join(text[b:a] for (_, b), (a, _) in zip(spans, spans[1:], strict=False))
            cut_lo, cut_hi = spans[0][0], spans[-1][1]
        else:
            merged = "".join(x for _, x in sorted(added))
            cut_lo = cut_hi = cut
        start_tag = _spans_attribute(text[:lo], [col for col, _ in new])
        self.changed[r] = f"{start_tag}{text[lo:cut_lo]}{merged}{text[cut_hi:]}"

    def remove(self, r: int) -> None:
        """Take row r out of the sheet, with the white space after it."""
        self.removed.add(r)

    def _with_references(self, text: str, shadow: str, r: int) -> tuple[str, str]:
        """Return a row's text, and its masked text, with a reference on each cell (a cell
        placed by position would move when a cell is added before it)."""
        parts: list[str] = []
        masked: list[str] = []
        last = 0
        for cell in self._cells(text, shadow, 0, self.pat.cells_end(shadow, 0, len(shadow)), r):
            m = self.pat.cell.match(shadow, cell.start)
            if m is None or _attr(m[1], "r") is not None:
                continue
            name_end = m.start(1)  # the reference goes right after the cell's name
            ref = f' r="{col_letter(cell.col)}{r}"'
            parts += (text[last:name_end], ref)
            masked += (shadow[last:name_end], ref)
            last = name_end
        if not parts:
            return text, shadow
        return "".join([*parts, text[last:]]), "".join([*masked, shadow[last:]])

    def save(self) -> None:
        """Put the sheet, its rows back in its sheetData, into the package."""
        shell = self.pkg.serialize(self.tree).decode("utf-8")
        name = f"{self.pat.prefix}sheetData"
        empty = list(re.finditer(rf"<{re.escape(name)}(\s[^>]*?)?\s*/>", shell))
        if len(empty) != 1:
            raise AssertionError("the sheet's shell lost its one empty sheetData")
        found = empty[0]
        lead = self.text[self.begin : self.lead_end]
        order = [*self.rows, *(r for r in self.changed if r not in self.rows)]
        if len(order) != len(self.rows):
            order.sort()  # rows added: every row in its place, as Excel requires
        if not self.numbers() and not lead:
            out = shell
        else:
            parts = [shell[: found.start()], f"<{name}{found[1] or ''}>", lead]
            for r in order:
                gap = ""
                if r in self.rows:
                    start, end, gap_end = self.rows[r]
                    gap = self.text[end:gap_end]
                if r in self.removed:
                    parts.append(gap.lstrip())  # the row's white space goes with it
                    continue
                parts += (self.changed[r] if r in self.changed else self.text[start:end], gap)
            parts += [f"</{name}>", shell[found.end() :]]
            out = "".join(parts)
        self.text = self.shadow = ""  # one copy of a big sheet at a time
        self.pkg.put(self.part, out.encode("utf-8"))


def _well_formed(data: bytes, where: str) -> None:
    """Raise WriteError unless data is well-formed XML."""
    try:
        check_well_formed(data, huge_tree=True)
    except etree.XMLSyntaxError as exc:
        raise WriteError(f"{where} is not well-formed XML ({exc}); nothing was written") from exc


def _spans_attribute(start_tag: str, added: list[int]) -> str:
    """Return a row's start tag with its spans (first:last column) covering `added`."""
    if not added or "spans" not in start_tag:
        return start_tag
    at = start_tag.find(' spans="') + len(' spans="')
    if at >= len(' spans="') and "'" not in start_tag:  # the common case, double quotes
        lo, hi = at, start_tag.index('"', at)
    else:
        found = next((m for m in _ATTR.finditer(start_tag) if m[1] == "spans"), None)
        if found is None:
            return start_tag
        group = 2 if found[2] is not None else 3
        lo, hi = found.start(group), found.end(group)
    value = start_tag[lo:hi]
    first, _, last = value.partition(":")
    if first.isdigit() and last.isdigit():  # one range, as Excel writes it
        nums = [int(first), int(last), min(added), max(added)]
    else:
        nums = [int(x) for x in _NUMBERS.findall(value)] + added
    wanted = f"{min(nums)}:{max(nums)}"
    return start_tag if wanted == value else f"{start_tag[:lo]}{wanted}{start_tag[hi:]}"
