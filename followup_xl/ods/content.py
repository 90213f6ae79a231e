"""An .ods's content.xml: its tables, rows and cells by position, named ranges and the tool's
automatic styles, edited in place.

OpenDocument compresses runs of equal rows and cells into one element with a repeat count
(`table:number-rows-repeated`, `table:number-columns-repeated`). To write one cell the run
that holds it is split into the rows or cells before it, the one written and those after,
each a copy of the run's element: what a spreadsheet shows stays the same, and every element
no write touches stays as it was. `table_signature` gives a table's content with the runs
counted out, so that a table before and after a write compares equal whatever was split.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

from ..contract import col_letter
from ..errors import WriteError
from ..xlsx.package import col_index

#: The part of an .ods that holds its sheets, the only one the tool writes.
CONTENT = "content.xml"
NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
NS_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
NS_NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
NS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def t(name: str) -> str:
    """Return a table: name in Clark notation."""
    return f"{{{NS_TABLE}}}{name}"


def o(name: str) -> str:
    """Return an office: name in Clark notation."""
    return f"{{{NS_OFFICE}}}{name}"


TABLE, ROW, CELL, COVERED = t("table"), t("table-row"), t("table-cell"), t("covered-table-cell")
ROWS_REPEATED, COLS_REPEATED = t("number-rows-repeated"), t("number-columns-repeated")
#: Elements that hold rows (rows are found inside them, in order).
ROW_GROUPS = {t("table-header-rows"), t("table-rows"), t("table-row-group")}
#: Elements that hold a table's column definitions (rows come after them).
COLUMN_TAGS = {t("table-column"), t("table-columns"), t("table-header-columns"),
               t("table-column-group")}  # fmt: skip
#: The prefix of every automatic style the tool adds (LibreOffice renames them on saving).
STYLE_PREFIX = "FollowupXL_"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
#: Rows and columns a table can have (LibreOffice's sheet size, as Excel's).
MAX_ROWS = 1_048_576
MAX_COLS = 16_384


def repeat(el: etree._Element, attr: str) -> int:
    """Return an element's repeat count (1 when absent or not a positive number)."""
    text = el.get(attr)
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


def detach(el: etree._Element) -> None:
    """Take an element out of its parent."""
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _set_repeat(el: etree._Element, attr: str, n: int) -> None:
    if n == 1:
        if attr in el.attrib:
            del el.attrib[attr]
    else:
        el.set(attr, str(n))


def cell_text(cell: etree._Element) -> str:
    """Return the text a cell shows: its paragraphs joined by line breaks."""
    paras = cell.findall(f"{{{NS_TEXT}}}p")
    out = []
    for p in paras:
        parts = []
        for node in p.iter():
            if node.tag == f"{{{NS_TEXT}}}s":
                parts.append(" " * repeat(node, f"{{{NS_TEXT}}}c"))
            elif node.tag == f"{{{NS_TEXT}}}tab":
                parts.append("\t")
            elif node.tag == f"{{{NS_TEXT}}}line-break":
                parts.append("\n")
            elif node is not p and node.tag == o("annotation"):
                continue
            if node is p:
                parts.append(node.text or "")
            else:
                parts.append(node.tail or "")
        out.append("".join(parts))
    return "\n".join(out)


def holds_value(cell: etree._Element) -> bool:
    """Return True when a cell holds a value, a formula or text (not only a style or a
    comment)."""
    if cell.get(o("value-type")) is not None or cell.get(t("formula")) is not None:
        return True
    return any(child.tag != o("annotation") for child in cell)


def rows_of(table: etree._Element) -> Iterator[etree._Element]:
    """Yield a table's row elements in order, inside row groups too (not sub-tables)."""
    for child in table:
        if child.tag == ROW:
            yield child
        elif child.tag in ROW_GROUPS:
            yield from rows_of(child)


def cells_of(row: etree._Element) -> Iterator[etree._Element]:
    """Yield a row's cell elements (covered ones too) in order."""
    for child in row:
        if child.tag in (CELL, COVERED):
            yield child


def row_runs(table: etree._Element) -> Iterator[tuple[int, int, etree._Element]]:
    """Yield (first 0-based row, count, element) of each row element of a table."""
    r = 0
    for el in rows_of(table):
        n = repeat(el, ROWS_REPEATED)
        yield r, n, el
        r += n


def cell_runs(row: etree._Element) -> Iterator[tuple[int, int, etree._Element]]:
    """Yield (first 0-based column, count, element) of each cell element of a row."""
    c = 0
    for el in cells_of(row):
        n = repeat(el, COLS_REPEATED)
        yield c, n, el
        c += n


def row_at(table: etree._Element, r: int) -> etree._Element | None:
    """Return the element holding 0-based row r (shared with its repeats), or None."""
    return next((el for start, n, el in row_runs(table) if start <= r < start + n), None)


def cell_at(row: etree._Element, c: int) -> etree._Element | None:
    """Return the element holding 0-based column c (shared with its repeats), or None."""
    return next((el for start, n, el in cell_runs(row) if start <= c < start + n), None)


def _split(
    runs: list[tuple[int, int, etree._Element]], wanted: list[int], attr: str
) -> dict[int, etree._Element]:
    """Split the runs holding `wanted` (sorted 0-based positions) so each has an element of
    its own; return them. Positions past the last run are left out."""
    out: dict[int, etree._Element] = {}
    for start, n, el in runs:
        lo = bisect.bisect_left(wanted, start)
        hi = bisect.bisect_left(wanted, start + n)
        if lo == hi:
            continue
        if n == 1:
            out[start] = el
            continue
        pieces: list[tuple[int, int]] = []  # (first, count) in order
        at = start
        for pos in wanted[lo:hi]:
            if pos > at:
                pieces.append((at, pos - at))
            pieces.append((pos, 1))
            at = pos + 1
        if at < start + n:
            pieces.append((at, start + n - at))
        for first, count in pieces:
            piece = copy.deepcopy(el)
            _set_repeat(piece, attr, count)
            el.addprevious(piece)
            if count == 1 and first in wanted[lo:hi]:
                out[first] = piece
        detach(el)
    return out


def split_rows(table: etree._Element, wanted: set[int]) -> dict[int, etree._Element]:
    """Return an element of its own for each wanted 0-based row, adding rows past the end."""
    order = sorted(wanted)
    runs = list(row_runs(table))
    out = _split(runs, order, ROWS_REPEATED)
    end = runs[-1][0] + runs[-1][1] if runs else 0
    after = runs[-1][2] if runs else None
    for r in order:
        if r < end:
            continue
        if r > end:  # empty rows up to it
            gap = _empty_row(r - end)
            _place_after(table, after, gap)
            after = gap
        row = _empty_row(1)
        _place_after(table, after, row)
        after, end = row, r + 1
        out[r] = row
    return out


def _place_after(table: etree._Element, after: etree._Element | None, el: etree._Element) -> None:
    """Put a row after `after` (or after the table's columns when it has no rows)."""
    if after is not None:
        after.addnext(el)
        return
    columns = [c for c in table if c.tag in COLUMN_TAGS]
    if columns:
        columns[-1].addnext(el)
    else:
        table.append(el)


def _empty_row(n: int) -> etree._Element:
    row = etree.Element(ROW)
    _set_repeat(row, ROWS_REPEATED, n)
    etree.SubElement(row, CELL)
    return row


def split_cells(row: etree._Element, wanted: set[int]) -> dict[int, etree._Element]:
    """Return an element of its own for each wanted 0-based column, adding cells past the
    row's end."""
    order = sorted(wanted)
    runs = list(cell_runs(row))
    out = _split(runs, order, COLS_REPEATED)
    end = runs[-1][0] + runs[-1][1] if runs else 0
    for c in order:
        if c < end:
            continue
        if c > end:
            gap = etree.SubElement(row, CELL)
            _set_repeat(gap, COLS_REPEATED, c - end)
        out[c] = etree.SubElement(row, CELL)
        end = c + 1
    return out


def last_column(row: etree._Element, skip: AbstractSet[int] = frozenset()) -> int:
    """Return the 1-based last column of a row holding a value (`skip`: 1-based columns to
    pass over), or 0."""
    last = 0
    for c, n, el in cell_runs(row):
        if not holds_value(el):
            continue
        col = c + n  # the run's last column, or the last one before it that is not skipped
        while col > c and col in skip:
            col -= 1
        if col > c:
            last = max(last, col)
    return last


def text_cell(cell: etree._Element, text: str) -> None:
    """Add a text to a cell as <text:p> paragraphs: one per line, runs of spaces as <text:s>."""
    for line in text.split("\n"):
        p = etree.SubElement(cell, f"{{{NS_TEXT}}}p")
        last: etree._Element | None = None
        for k, piece in enumerate(re.split(r"( {2,}|^ | $|\t)", line)):
            if not piece:
                continue
            if k % 2 == 1:  # a run of spaces or a tab
                if piece == "\t":
                    node = etree.SubElement(p, f"{{{NS_TEXT}}}tab")
                else:
                    node = etree.SubElement(p, f"{{{NS_TEXT}}}s")
                    if len(piece) > 1:
                        node.set(f"{{{NS_TEXT}}}c", str(len(piece)))
                last = node
            elif last is None:
                p.text = piece
            else:
                last.tail = piece


Value = str | date | int | float | bool | None


def new_cell(value: Value, style: str | None, parent: etree._Element) -> etree._Element:
    """Return a new last cell of `parent` holding a value, in a style (None: no style; an
    empty cell for no value). Made in place: an element moved into a document is walked
    to settle its namespaces, one made there is not."""
    cell = etree.SubElement(parent, CELL)
    if style:
        cell.set(t("style-name"), style)
    if value is None or value == "":
        return cell
    if isinstance(value, bool):
        kind, attr, shown = "boolean", o("boolean-value"), "TRUE" if value else "FALSE"
        cell.set(attr, "true" if value else "false")
    elif isinstance(value, datetime):
        kind, shown = "date", value.strftime("%Y-%m-%d %H:%M")
        cell.set(o("date-value"), value.replace(microsecond=0).isoformat())
    elif isinstance(value, date):
        kind, shown = "date", value.isoformat()
        cell.set(o("date-value"), value.isoformat())
    elif isinstance(value, int | float):
        kind, shown = "float", repr(value) if isinstance(value, float) else str(value)
        cell.set(o("value"), shown)
    else:
        kind, shown = "string", str(value)
    cell.set(o("value-type"), kind)
    cell.set(f"{{{NS_CALCEXT}}}value-type", kind)
    text_cell(cell, shown)
    return cell


_ADDRESS = re.compile(
    r"\$?(?:'((?:[^']|'')+)'|([^.:']+))\.\$?([A-Za-z]{1,3})\$?(\d+)"
    r"(?::(?:\$?(?:'(?:[^']|'')+'|[^.:']+))?\.\$?([A-Za-z]{1,3})\$?(\d+))?"
)


def parse_address(text: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """Return (table, (row1, col1, row2, col2), 1-based) of a range address, or None."""
    m = _ADDRESS.fullmatch((text or "").strip())
    if m is None:
        return None
    table = m[1].replace("''", "'") if m[1] else m[2]
    r1, c1 = int(m[4]), col_index(m[3].upper())
    r2, c2 = (int(m[6]), col_index(m[5].upper())) if m[5] else (r1, c1)
    return table, (r1, c1, r2, c2)


def address(table: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    """Return an absolute range address as LibreOffice writes it ("$Due.$A$1:.$J$5")."""
    quoted = table if re.fullmatch(r"\w+", table) else "'" + table.replace("'", "''") + "'"
    out = f"${quoted}.${col_letter(c1)}${r1}"
    if r2 is not None and c2 is not None and (r2, c2) != (r1, c1):
        out += f":.${col_letter(c2)}${r2}"
    return out


@dataclass(frozen=True)
class NamedRange:
    """A workbook-wide named range: its name, table and 1-based area."""

    name: str
    table: str
    area: tuple[int, int, int, int]


class Content:
    """content.xml parsed: the spreadsheet's tables, named ranges and automatic styles."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self.root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise WriteError(f"{name}: its content.xml is not well-formed ({exc})") from exc
        sheet = self.root.find(f"{o('body')}/{o('spreadsheet')}")
        if sheet is None:
            raise WriteError(f"{name} holds no spreadsheet (its content.xml has no tables)")
        self.spreadsheet = sheet

    def tables(self) -> list[etree._Element]:
        """Return the spreadsheet's tables in order."""
        return self.spreadsheet.findall(TABLE)

    def table(self, name: str) -> etree._Element | None:
        """Return the table of a name (any case), or None."""
        key = name.casefold()
        return next((x for x in self.tables() if x.get(t("name"), "").casefold() == key), None)

    def named_ranges(self) -> list[NamedRange]:
        """Return the workbook-wide named ranges that point at a range."""
        names = self.spreadsheet.find(t("named-expressions"))
        out = []
        for el in [] if names is None else names.findall(t("named-range")):
            got = parse_address(el.get(t("cell-range-address"), ""))
            if got is not None:
                out.append(NamedRange(el.get(t("name"), ""), got[0], got[1]))
        return out

    def set_named_ranges(self, prefix: str, wanted: list[tuple[str, str]]) -> None:
        """Replace the named ranges whose names start with `prefix` by `wanted` (name,
        address)."""
        names = self.spreadsheet.find(t("named-expressions"))
        if names is None:
            names = etree.Element(t("named-expressions"))
            self.tables()[-1].addnext(names)
        for el in names.findall(t("named-range")):
            if el.get(t("name"), "").casefold().startswith(prefix.casefold()):
                names.remove(el)
        for name, where in wanted:
            el = etree.SubElement(names, t("named-range"))
            el.set(t("name"), name)
            el.set(t("base-cell-address"), where.split(":")[0])
            el.set(t("cell-range-address"), where)

    def add_table(self, replace: etree._Element | None) -> etree._Element:
        """Return a new empty table in place of `replace`, or after the last table."""
        table = etree.SubElement(self.spreadsheet, TABLE)
        if replace is not None:
            replace.addprevious(table)
            detach(replace)
        else:
            self.tables()[-2].addnext(table)
        return table

    def automatic_styles(self) -> etree._Element:
        """Return <office:automatic-styles>, adding it where the schema puts it."""
        found = self.root.find(o("automatic-styles"))
        if found is None:
            found = etree.Element(o("automatic-styles"))
            body = self.root.find(o("body"))
            if body is None:
                raise WriteError(f"{self.name} holds no spreadsheet (content.xml has no body)")
            body.addprevious(found)
        return found

    def to_bytes(self) -> bytes:
        """Return content.xml as bytes (LibreOffice's declaration)."""
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
            self.root, encoding="UTF-8", xml_declaration=False
        )


#: The tool's cell looks, as in the .xlsx (xlsx/styles.py): a light red fill and dark red text
#: for an overdue mark, a light blue fill for a header.
OVERDUE_FILL, OVERDUE_FONT, HEADER_FILL = "#ffc7ce", "#9c0006", "#d9e1f2"


class Styles:
    """The tool's automatic styles in content.xml, added once each, by name."""

    def __init__(self, content: Content) -> None:
        self.parent = content.automatic_styles()
        self.names = {el.get(f"{{{NS_STYLE}}}name", "") for el in self.parent}
        self.added = 0
        #: (kind, bold, overdue, wrap, top) -> the cell style's name, made once per call
        self.known: dict[tuple, str | None] = {}

    def _add(self, el: etree._Element) -> str:
        name = el.get(f"{{{NS_STYLE}}}name", "")
        if name not in self.names:
            self.parent.append(el)
            self.names.add(name)
            self.added += 1
        return name

    def _date_style(self, with_time: bool) -> str:
        n = f"{{{NS_NUMBER}}}"
        el = etree.Element(n + "date-style")
        el.set(f"{{{NS_STYLE}}}name", f"{STYLE_PREFIX}N{2 if with_time else 1}")
        parts = [("year", "-"), ("month", "-"), ("day", None)]
        if with_time:
            parts[-1] = ("day", " ")
            parts += [("hours", ":"), ("minutes", None)]
        for part, sep in parts:
            etree.SubElement(el, n + part).set(n + "style", "long")
            if sep:
                etree.SubElement(el, n + "text").text = sep
        return self._add(el)

    def cell(self, value: Value, *, bold: bool = False, overdue: bool = False,
             wrap: bool = False, top: bool = False) -> str | None:  # fmt: skip
        """Return the name of the cell style for a value (None: the default look)."""
        kind = "dt" if isinstance(value, datetime) else "d" if isinstance(value, date) else ""
        key = (kind, bold, overdue, wrap, top)
        if key not in self.known:
            self.known[key] = self._cell(kind, bold=bold, overdue=overdue, wrap=wrap, top=top)
        return self.known[key]

    def _cell(self, kind: str, *, bold: bool, overdue: bool, wrap: bool, top: bool) -> str | None:
        flags = "".join(f for f, on in (("b", bold), ("o", overdue), ("w", wrap), ("t", top)) if on)
        if not kind and not flags:
            return None
        s = f"{{{NS_STYLE}}}"
        el = etree.Element(s + "style")
        el.set(s + "name", f"{STYLE_PREFIX}ce_{kind}{flags}")
        el.set(s + "family", "table-cell")
        el.set(s + "parent-style-name", "Default")
        if kind:
            el.set(s + "data-style-name", self._date_style(kind == "dt"))
        props = etree.SubElement(el, s + "table-cell-properties")
        if overdue or bold:
            props.set(f"{{{NS_FO}}}background-color", OVERDUE_FILL if overdue else HEADER_FILL)
        if wrap:
            props.set(f"{{{NS_FO}}}wrap-option", "wrap")
        if top:
            props.set(s + "vertical-align", "top")
        if bold or overdue:
            text = etree.SubElement(el, s + "text-properties")
            if bold:
                for attr in (f"{{{NS_FO}}}font-weight", s + "font-weight-asian",
                             s + "font-weight-complex"):  # fmt: skip
                    text.set(attr, "bold")
            if overdue:
                text.set(f"{{{NS_FO}}}color", OVERDUE_FONT)
        return self._add(el)

    def column(self, chars: float) -> str:
        """Return the name of a column style `chars` characters wide (as Excel counts them)."""
        s = f"{{{NS_STYLE}}}"
        inches = round(chars * 0.0985, 4)
        el = etree.Element(s + "style")
        el.set(s + "name", f"{STYLE_PREFIX}co{int(chars * 10)}")
        el.set(s + "family", "table-column")
        props = etree.SubElement(el, s + "table-column-properties")
        props.set(f"{{{NS_FO}}}break-before", "auto")
        props.set(s + "column-width", f"{inches}in")
        return self._add(el)


def table_signature(
    table: etree._Element,
    skip: AbstractSet[tuple[int, int]] = frozenset(),
) -> list[Any]:
    """Return what a table holds, independent of how its runs are split: its attributes,
    each child that is no row in canonical form, and its rows as runs of equal rows, `skip`
    (1-based (row, column) cells) left out.

    A row is its serialised XML, repeat count aside; a row holding a skipped cell is
    serialised with those cells blank, its cell runs split at them and the empty cells
    padding its end left out (_cells_key). Both trees of a check are parsed from text lxml
    wrote or read alike, so the same content serialises to the same bytes; serialising an
    element costs its own size (lxml's C14N of one element walks the whole document).
    """
    out: list[Any] = [sorted(table.attrib.items())]
    for child in table:
        if child.tag != ROW and child.tag not in ROW_GROUPS:
            out.append(canonical(child))
    skip_rows = sorted({r - 1 for r, _ in skip})
    skip_cols: dict[int, set[int]] = {}
    for r, c in skip:
        skip_cols.setdefault(r - 1, set()).add(c - 1)
    runs: list[list[Any]] = []

    def add(key: Any, n: int) -> None:
        if runs and runs[-1][0] == key:
            runs[-1][1] += n
        else:
            runs.append([key, n])

    for start, n, el in row_runs(table):
        lo = bisect.bisect_left(skip_rows, start)
        hi = bisect.bisect_left(skip_rows, start + n)
        if lo == hi:
            add(_bytes(el, ROWS_REPEATED), n)
            continue
        at = start
        for r in [*skip_rows[lo:hi], start + n]:
            if r > at:
                add(_bytes(el, ROWS_REPEATED), r - at)
            if r < start + n:
                add(_cells_key(el, skip_cols[r]), 1)
            at = r + 1
    out.append(runs)
    return out


def _bytes(el: etree._Element, attr: str) -> bytes:
    """Return an element serialised without its repeat count `attr` (taken off and put back:
    the check's own tree only)."""
    n = el.get(attr)
    if n is None:
        return etree.tostring(el, with_tail=False)
    del el.attrib[attr]
    try:
        return etree.tostring(el, with_tail=False)
    finally:
        el.set(attr, n)


def canonical(el: etree._Element) -> tuple:
    """Return an element as what canonical XML keeps of it: its name and namespace, its
    attributes in order of name, its text and its children with their tails; not its
    prefixes, nor the order its attributes were written in."""
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        el.text or "",
        tuple((canonical(c), c.tail or "") for c in el if isinstance(c.tag, str)),
    )


def _cells_key(row: etree._Element, skip: set[int]) -> bytes:
    """Return a row serialised with its 0-based `skip` cells blank, its runs split at them
    (so that two rows split there by different writes compare alike) and the empty cells
    padding its end left out."""
    dup = copy.deepcopy(row)  # declares only the namespaces the row uses: short to serialise
    if ROWS_REPEATED in dup.attrib:
        del dup.attrib[ROWS_REPEATED]
    for cell in split_cells(dup, skip).values():
        cell.addprevious(etree.Element(CELL))
        detach(cell)
    for cell in reversed(list(cells_of(dup))):
        if cell.tag != CELL or len(cell) or set(cell.attrib) - {COLS_REPEATED}:
            break
        detach(cell)
    etree.cleanup_namespaces(dup)  # the cells blanked may have used a namespace no other does
    return etree.tostring(dup, with_tail=False)
