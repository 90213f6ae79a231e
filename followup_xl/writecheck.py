"""Check a workbook the tool is about to write: it opens, and only the tool's own cells changed.

One check serves every write (the marks of `run`, the Log rows of `sent` and of `sent --undo`):

- the package: every member's CRC is right, every member the write changed parses, every
  other member is the old one byte for byte;
- each sheet the write changed: its rows are paired by number, and a row whose bytes are the
  same outside the tool's own cells is the same row (the shared strings are never rewritten and
  the styles only grow, so the same cell XML means the same value); a row that differs
  otherwise is compared cell by cell in canonical XML, which forgives attribute order and
  namespace declarations but nothing a spreadsheet would show;
- each sheet the write changed, around its rows (merges, conditional formats, validations,
  links, page set-up, views, sparklines and every other extension): the same in canonical
  XML, but for the dimension (a hint), the widths of the tool's own columns, and ranges that
  grew down over the rows a write added (the Log's validations, formats and filter);
- the tool's own cells read back: each cell it wrote is in the new file, its headers read as
  the contract names them.

The bytes before the first difference are compared at C speed and never split into rows, so a
few rows added to a Log of 200,000 cost a few rows. The old version of a sheet is read a
megabyte at a time while its rows are compared, so the two versions of a big sheet are never
both held whole.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from lxml import etree

from .alongside import alongside
from .contract import col_letter
from .errors import WriteError
from .ooxml import check_well_formed
from .opc import PARSER, read_through
from .xlsx.package import col_index, parse_range
from .zipwrite import stored

#: Parts a write may change besides the sheets it writes: none of them holds a value (shared
#: strings are never rewritten, styles only grow).
INDEX_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[content_types].xml",
               "xl/styles.xml", "xl/calcchain.xml")  # fmt: skip

_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_ROW_START = re.compile(rb"<(" + _P + rb"row)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*["'][^"']*["']""")
_ROOT = re.compile(rb"<(" + _P + rb"worksheet)(?=[\s>])[^>]*>")
_TABLE_START = re.compile(rb"<" + _P + rb"sheetData(?=[\s/>])[^>]*>")
_TABLE_END = re.compile(rb"</" + _P + rb"sheetData\s*>")
#: Elements whose ranges a write may grow down over new rows (append.py): the attribute that
#: holds them ("" for the element's text)
_GROWING = {"dataValidation": "sqref", "conditionalFormatting": "sqref", "autoFilter": "ref",
            "sqref": ""}  # fmt: skip
_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
_CHUNK = 1 << 20
#: A version of a part, a piece at a time: each call reads it again from its start.
Pieces = Callable[[], Iterable[bytes]]


_T = TypeVar("_T")


class Block(AbstractSet[tuple[int, int]]):
    """The cells at every (row, column) of some rows and columns (the mark columns' cells):
    held as the rows and the columns, where a set of every pair takes about 100 bytes a cell."""

    __slots__ = ("cols", "rows")

    def __init__(self, rows: Iterable[int], cols: Iterable[int]) -> None:
        self.rows = frozenset(rows)
        self.cols = tuple(cols)

    def __contains__(self, cell: object) -> bool:
        return (
            isinstance(cell, tuple) and len(cell) == 2 and cell[0] in self.rows
            and cell[1] in self.cols
        )  # fmt: skip

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return ((r, c) for r in self.rows for c in self.cols)

    def __len__(self) -> int:
        return len(self.rows) * len(self.cols)

    @classmethod
    def _from_iterable(cls, it: Iterable[_T]) -> frozenset[_T]:
        return frozenset(it)  # what `|`, `&` and `-` make is a plain set of cells


@dataclass(frozen=True)
class SheetWrite:
    """One worksheet part a write changed, and the cells that are the tool's own."""

    part: str
    sheet: str
    #: 1-based (row, column) cells the tool wrote or cleared
    owned: AbstractSet[tuple[int, int]] = frozenset()
    #: 1-based (row, column) -> text each must read in the new file (the tool's headers)
    reads: dict[tuple[int, int], str] = field(default_factory=dict)
    #: 1-based (row, column) cells that must hold a value in the new file
    filled: AbstractSet[tuple[int, int]] = frozenset()
    #: 1-based (row, column) cells that must be empty or gone in the new file
    emptied: AbstractSet[tuple[int, int]] = frozenset()


def check_package(
    data: bytes,
    *,
    old: bytes,
    changed: AbstractSet[str],
    removed: AbstractSet[str] = frozenset(),
    name: str,
    look: Callable[[str, bytes], None] | None = None,
) -> None:
    """Raise WriteError unless new bytes open with every member's CRC right, every changed
    member parses, and every other member is the old one byte for byte.

    `look` is given each changed member's bytes while the parser proves them well-formed on
    a second core (alongside: the parser works outside Python's lock), so that the caller's
    own check of a member reads it once and overlaps its parse.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as znew, zipfile.ZipFile(io.BytesIO(old)) as zold:
            kept = set(zold.namelist())
            names = list(dict.fromkeys(znew.namelist()))
            for member in names:
                if member in changed or member not in kept:
                    continue
                if not _same_member(znew, zold, member, data, old):
                    raise WriteError(f"{name}: the new file changed {member}; nothing was written")
            # every member is read to its end once, so zipfile checks every CRC: the members
            # not parsed here a megabyte at a time on a second core (a big Log sheet is never
            # held), each changed one while the parser proves it well-formed
            unparsed = [m for m in names if m not in changed]
            with alongside(partial(_read_through, data, unparsed)):
                for member in names:
                    if member not in changed:
                        continue
                    body = znew.read(member)
                    with alongside(partial(check_well_formed, body, huge_tree=True)):  # no tree
                        if look is not None:
                            look(member, body)
                    del body
            gone = sorted(kept - set(names) - set(changed) - set(removed))
            if gone:
                raise WriteError(f"{name}: the new file changed {gone[0]}; nothing was written")
    except (zipfile.BadZipFile, zlib.error, KeyError, etree.XMLSyntaxError) as exc:
        raise WriteError(
            f"{name}: the new file did not verify ({exc}); nothing was written"
        ) from exc


def _read_through(data: bytes, members: list[str]) -> None:
    """Read members of a zip to their ends, so that zipfile checks their CRCs."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for member in members:
            read_through(zf, member)


def _same_member(
    znew: zipfile.ZipFile, zold: zipfile.ZipFile, member: str, new: bytes, old: bytes
) -> bool:
    """Return True when a member reads the same in both packages: stored alike (the writer
    copies a member it keeps as it was stored, and the same stored bytes decompress to the
    same bytes), or else compared decompressed, a chunk at a time."""
    a, b = stored(new, znew.getinfo(member)), stored(old, zold.getinfo(member))
    same = (a.crc, a.size, a.method, a.deflated) if a is not None else None
    if same is not None and b is not None and same == (b.crc, b.size, b.method, b.deflated):
        return True
    return _same_content(znew, zold, member)


def _same_content(znew: zipfile.ZipFile, zold: zipfile.ZipFile, member: str) -> bool:
    """Return True when a member decompresses to the same bytes in both packages."""
    with znew.open(member) as fa, zold.open(member) as fb:
        while True:
            got = fa.read(_CHUNK)
            if got != fb.read(_CHUNK):
                return False
            if not got:
                return True


def check_write(
    data: bytes,
    *,
    old: bytes,
    changed: AbstractSet[str],
    removed: AbstractSet[str] = frozenset(),
    sheets: list[SheetWrite],
    own: AbstractSet[str] = frozenset(),
    name: str,
) -> None:
    """Raise WriteError unless the new bytes pass every check of this module.

    `own` are the parts that are the tool's alone (its Due sheet and the sheet's
    relationships part, which holds its hyperlinks), which the caller checks.
    """
    with zipfile.ZipFile(io.BytesIO(old)) as zold:
        before = set(zold.namelist())
        looked: set[str] = set()

        def look(member: str, after: bytes) -> None:
            """Check the sheets written to this member, on the bytes the package check read."""
            for sheet in sheets:
                if sheet.part == member:
                    looked.add(member)
                    _check_sheet(sheet, _pieces(zold, member, before), after, name)

        check_package(data, old=old, changed=changed, removed=removed, name=name, look=look)
        written = {s.part for s in sheets} | set(own)
        for member in changed | removed:
            folded = member.casefold()
            if member in written or folded in INDEX_PARTS:
                continue
            if folded.startswith("xl/tables/"):
                continue  # a table's range grows with the rows added to it
            raise WriteError(f"{name}: the write changed {member}, which it never writes")
        with zipfile.ZipFile(io.BytesIO(data)) as znew:
            styles = next((m for m in changed if m.casefold() == "xl/styles.xml"), None)
            kept = styles is not None and styles in before
            if (
                styles is not None
                and kept
                and not styles_grew(zold.read(styles), znew.read(styles))
            ):
                raise WriteError(
                    f"{name}: the write changed a cell format the workbook already had; "
                    "nothing was written"
                )
            for sheet in sheets:  # a sheet the write did not change reads back all the same
                if sheet.part not in looked:
                    old_xml = _pieces(zold, sheet.part, before)
                    _check_sheet(sheet, old_xml, znew.read(sheet.part), name)


def _pieces(zf: zipfile.ZipFile, member: str, names: AbstractSet[str]) -> Pieces:
    """Return a member's bytes a megabyte at a time, each time asked (none when absent)."""

    def read() -> Iterator[bytes]:
        if member not in names:
            return
        with zf.open(member) as fh:
            while piece := fh.read(_CHUNK):
                yield piece

    return read


def _check_sheet(sheet: SheetWrite, old: Pieces, new: bytes, name: str) -> None:
    """Raise WriteError unless a sheet changed only in the tool's cells, which read back."""
    diff = changed_cells(old, new, sheet.owned)
    if diff.cells:
        cells = [f"{col_letter(c)}{r}" for r, c in diff.cells[:3]]
        raise WriteError(
            f"{name}: {sheet.sheet} would change outside the tool's cells ({cells}); "
            "nothing was written"
        )
    if diff.outside:
        raise WriteError(
            f"{name}: {sheet.sheet} would change outside its cells ({diff.outside}); "
            "nothing was written"
        )
    _read_back(new, diff.rows, sheet, name)


@dataclass
class SheetDiff:
    """How the new version of a sheet differs from the old outside the tool's cells."""

    #: the 1-based (row, column) cells that differ, in order
    cells: list[tuple[int, int]]
    #: where the new version's rows lie from the first difference on (_rows)
    rows: dict[int, tuple[int, int]]
    #: what differs outside the rows ("the merged cells"), "" when nothing does
    outside: str = ""


def changed_cells(old: Pieces, new: bytes, owned: AbstractSet[tuple[int, int]]) -> SheetDiff:
    """Return what differs between two versions of a sheet outside the tool's `owned` cells:
    its cells, and anything outside its rows (_outside_change).

    The old version is read a piece at a time (each call of `old()` gives its pieces from the
    start), so the two versions of a big sheet are never both held whole. A row's attributes
    count as its first cell (column 0), the spans hint aside.
    """
    start, old_root = _common_start(old, new), _old_root(old)
    new_rows = _rows(new, start)
    columns, every = _columns_by_row(owned)
    letters = {c: col_letter(c).encode() for c in every}
    differ: set[tuple[int, int]] = set()
    new_root = _root(new)

    def compare(r: int, a: bytes, b: bytes) -> None:
        if a == b:
            return
        cols = columns(r)
        number = b"%d" % r
        refs = [letters[c] + number for c in cols]
        if _skeleton(a, refs) == _skeleton(b, refs):
            return
        cells_a, cells_b = _cells(a, r, old_root), _cells(b, r, new_root)
        for c in cells_a.keys() | cells_b.keys():
            if c not in cols and cells_a.get(c) != cells_b.get(c):
                differ.add((r, c))

    seen = set()
    old_outside = _Outside(old())  # the old version, a piece at a time
    for r, buf, a, b in _row_spans(old_outside, start):
        seen.add(r)
        compare(r, buf[a:b], _row_at(new, new_rows.get(r)))
    for r in new_rows.keys() - seen:
        compare(r, b"", _row_at(new, new_rows[r]))
    outside = _outside_change(old_outside.shell(), _Outside((new,)).shell(), every)
    return SheetDiff(sorted(differ), new_rows, outside)


class _Outside:
    """A sheet's pieces passed on as they are read, keeping the sheet without its rows: the
    bytes up to the end of the cell table's start tag, and those from its end tag on."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self.pieces = pieces
        self.head = b""
        self.tail: bytes | None = None  # None: the cell table's end not met yet
        self.opened = False  # the cell table's start tag met
        self.done = False  # every piece read

    def __iter__(self) -> Iterator[bytes]:
        carry = b""  # the last bytes of the previous piece: an end tag may be cut across two
        for piece in self.pieces:
            yield piece
            if self.tail is not None:
                self.tail += piece
                continue
            at = 0  # where the rows may start in this piece
            if not self.opened:
                text = self.head + piece if self.head else piece
                searched = max(self.head.rfind(b"<"), 0)  # a tag may be cut across two
                start = _TABLE_START.search(text, searched)
                if start is None:
                    self.head = text
                    continue
                self.opened, self.head = True, text[: start.end()]
                if self.head.endswith(b"/>"):  # an empty cell table: the rest is outside
                    self.tail = text[start.end() :]
                    continue
                piece, at = text, start.end()
            if carry:
                joined = carry + piece[at : at + 64]
                end = _table_end(joined)
                if end >= 0:
                    self.tail = joined[end:] + piece[at + 64 :]
                    continue
            end = _table_end(piece, at)
            if end >= 0:
                self.tail = piece[end:]
            else:
                carry = (carry + piece[max(at, len(piece) - 64) :])[-64:]
        self.done = True

    def shell(self) -> bytes:
        """Return the sheet without its rows, reading the pieces not read yet."""
        if not self.done:
            for _ in self:
                pass
        return self.head + (self.tail or b"")


def _table_end(text: bytes, start: int = 0) -> int:
    """Return where the cell table's end tag starts in `text` from `start` on, or -1 (found
    by its name, which a fast search finds: a pattern tried at every "</" takes a fifth of a
    second on a 30 MB sheet)."""
    at = text.find(b"sheetData", start)
    while at >= 0:
        lt = text.rfind(b"<", start, at)
        end = _TABLE_END.match(text, lt) if lt >= 0 else None
        if end is not None and end.end() > at:
            return lt
        at = text.find(b"sheetData", at + 1)
    return -1


def _outside_change(old: bytes, new: bytes, owned_cols: AbstractSet[int]) -> str:
    """Return what differs between two sheets without their rows, or "": in canonical XML,
    the dimension (a hint) aside, the tool's own columns' widths aside, and ranges allowed to
    grow down over new rows (the Log's validations, formats and filter, append.py)."""
    if old == new:
        return ""
    try:
        a, b = etree.fromstring(old, PARSER), etree.fromstring(new, PARSER)
    except etree.XMLSyntaxError:
        return "its XML"
    widths_a, widths_b = _take_widths(a), _take_widths(b)
    ranges_a, ranges_b = _take_ranges(a), _take_ranges(b)
    for tree in (a, b):
        for el in list(tree.iter("{*}dimension")):
            _remove(el)
    kids_a = [etree.tostring(x, method="c14n", exclusive=True) for x in a]
    kids_b = [etree.tostring(x, method="c14n", exclusive=True) for x in b]
    if kids_a != kids_b or _attrs(a) != _attrs(b):
        for x, y, el in zip(kids_a, kids_b, [*a], strict=False):
            if x != y and isinstance(el.tag, str):
                return f"its {etree.QName(el).localname}"
        return "its settings"
    # the same elements: each range where it was, or grown down over new rows
    if not all(_grew(x, y) for x, y in zip(ranges_a, ranges_b, strict=True)):
        return "the ranges of its validations, conditional formats or filter"
    if _widths_at(widths_a, owned_cols) != _widths_at(widths_b, owned_cols):
        return "its column widths"
    return ""


def _attrs(el: etree._Element) -> list[tuple[str, str]]:
    """Return an element's attributes, sorted, but for a column setting's first and last."""
    return sorted((str(k), str(v)) for k, v in el.attrib.items() if k not in ("min", "max"))


def _take_widths(root: etree._Element) -> list[tuple[int, int, list[tuple[str, str]]]]:
    """Remove the sheet's column settings; return each as (first, last, its other attributes)."""
    out = []
    for cols in list(root.iter("{*}cols")):
        for col in cols:
            if isinstance(col.tag, str):
                out.append((int(col.get("min", "0")), int(col.get("max", "0")), _attrs(col)))
        _remove(cols)
    return out


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _widths_at(
    widths: list[tuple[int, int, list[tuple[str, str]]]], skip: AbstractSet[int]
) -> list[tuple[int, int, list[tuple[str, str]]]]:
    """Return the column settings as runs of columns with the same settings, the columns in
    `skip` left out, so two ways of writing the same settings compare equal."""
    cuts = sorted({x for lo, hi, _ in widths for x in (lo, hi + 1)} | {x for c in skip
                  for x in (c, c + 1)})  # fmt: skip
    starts = sorted(widths, key=lambda w: w[0])
    firsts = [w[0] for w in starts]
    runs: list[tuple[int, int, list[tuple[str, str]]]] = []
    for lo, nxt in zip(cuts, cuts[1:], strict=False):
        if lo in skip:
            continue
        at = bisect.bisect_right(firsts, lo) - 1
        setting = starts[at][2] if at >= 0 and starts[at][1] >= lo else []
        if runs and runs[-1][2] == setting and runs[-1][1] == lo - 1:
            runs[-1] = (runs[-1][0], nxt - 1, setting)
        elif setting:
            runs.append((lo, nxt - 1, setting))
    return runs


def _take_ranges(root: etree._Element) -> list[str]:
    """Blank the ranges a write may grow (_GROWING); return them in document order."""
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        attr = _GROWING.get(etree.QName(el).localname)
        if attr is None:
            continue
        if attr:
            out.append(el.get(attr, ""))
            if attr in el.attrib:
                el.set(attr, "")
        else:
            out.append(el.text or "")
            el.text = ""
    return out


def _grew(old: str, new: str) -> bool:
    """Return True when a range list is the same, or the same with ranges grown down."""
    if old == new:
        return True
    a, b = old.split(), new.split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        try:
            r1, c1, r2, c2 = parse_range(x)
            s1, d1, s2, d2 = parse_range(y)
        except ValueError:
            return False
        if (r1, c1, c2) != (s1, d1, d2) or s2 < r2:
            return False
    return True


def _columns_by_row(
    owned: AbstractSet[tuple[int, int]],
) -> tuple[Callable[[int], Sequence[int]], set[int]]:
    """Return the owned cells' columns in a row (a function of the row) and all of their
    columns: a Block answers from its rows and columns, any other set is grouped once."""
    if isinstance(owned, Block):
        cols, rows = owned.cols, owned.rows
        return (lambda r: cols if r in rows else ()), set(cols) if rows else set()
    by_row: dict[int, list[int]] = {}
    for r, c in owned:
        by_row.setdefault(r, []).append(c)
    return (lambda r: by_row.get(r, ())), {c for _, c in owned}


def _common_start(old: Pieces, new: bytes) -> int:
    """Return where the row holding the first byte where old and new differ starts (0: from
    the start).

    The row must be numbered and its start tag the same in both, else 0: an unnumbered row
    takes its number from the rows before it.
    """
    at = 0
    for piece in old():
        if new.startswith(piece, at):
            at += len(piece)
            continue
        lo, hi = 0, min(len(piece), len(new) - at)
        while lo < hi:  # the first differing byte is at + lo, lo in [lo, hi]
            mid = (lo + hi) // 2
            if new.startswith(piece[lo : mid + 1], at + lo):
                lo = mid + 1
            else:
                hi = mid
        at += lo
        break
    # the bytes before `at` are the same in both: the row start is looked for in the new
    row = max(new.rfind(b"<row", 0, at), new.rfind(b":row", 0, at))
    if row > 0 and new[row] != ord("<"):
        row = new.rfind(b"<", 0, row)
    m = _ROW_START.match(new, row) if row > 0 else None
    if m is None or m.end() > at or not _R_ATTR.search(m[2]):
        return 0
    return row


def _old_root(old: Pieces) -> tuple[bytes, bytes]:
    """Return the old version's root start and end tags (_root), read from its first pieces."""
    head = b""
    for piece in old():
        head += piece
        if _ROOT.search(head):
            break
    return _root(head)


def _row_spans(pieces: Iterable[bytes], start: int) -> Iterator[tuple[int, bytes, int, int]]:
    """Yield each row of a part from byte `start` on, read a piece at a time: its 1-based
    number (an unnumbered row follows the one before it), the bytes read that hold it, and
    where it lies in them (a row never closed runs to the end)."""
    pieces = iter(pieces)
    buf, at, pos = b"", 0, 0  # buf holds the part from byte `at` on
    for piece in pieces:
        if at + len(piece) > start:
            buf, pos = piece, start - at
            break
        at += len(piece)
    r = 0
    while True:
        m = _ROW_START.search(buf, pos)
        end = -1
        if m is not None and m[3]:
            end = m.end()
        elif m is not None:
            close = buf.find(b"</" + m[1], m.end())
            end = buf.find(b">", close) + 1 if close >= 0 else -1
        if end <= 0:  # no row, or not all of it, in what was read: read on
            piece = next(pieces, b"")
            if piece:
                at, buf, pos = at + pos, buf[pos:] + piece, 0
                continue
            end = len(buf)
        if m is None:
            return
        got = _R_ATTR.search(m[2])
        r = int(got[1]) if got and got[1].isdigit() else r + 1
        yield r, buf, m.start(), end
        pos = end


def _rows(xml: bytes, start: int) -> dict[int, tuple[int, int]]:
    """Return where each row lies (its first byte and the byte after it) from byte `start`
    on, by 1-based number: a row's bytes are cut out when compared, never all held twice."""
    return {r: (a, b) for r, _, a, b in _row_spans((xml,), start)}


def _row_at(xml: bytes, span: tuple[int, int] | None) -> bytes:
    """Return the bytes of the row at `span` (b"" for none)."""
    return xml[span[0] : span[1]] if span else b""


def _skeleton(row: bytes, refs: list[bytes]) -> bytes:
    """Return a row's bytes without the cells of these references (b"B7") and without its
    spans hint."""
    for ref in refs:
        at = row.find(b'r="' + ref + b'"')
        if at < 0:
            at = row.find(b"r='" + ref + b"'")
            if at < 0:
                continue
        begin = row.rfind(b"<", 0, at)
        close = row.find(b">", at)
        if row[close - 1 : close] == b"/":
            end = close + 1
        else:
            end_tag = row.find(b"c>", close)
            end = len(row) if end_tag < 0 else end_tag + 2
        row = row[:begin] + row[end:]
    head_end = row.find(b">") + 1
    return _SPANS.sub(b"", row[:head_end]) + row[head_end:]


def _root(xml: bytes) -> tuple[bytes, bytes]:
    """Return the sheet's root start tag and end tag, to parse one row in its namespaces."""
    m = _ROOT.search(xml)
    if m is None:
        return b"<worksheet>", b"</worksheet>"
    return m[0], b"</" + m[1] + b">"


def _cells(row: bytes, r: int, root: tuple[bytes, bytes]) -> dict[int, bytes]:
    """Return a row's cells by 1-based column as canonical XML, its attributes as column 0."""
    if not row:
        return {}
    el = _row_element(row, root)
    attrs = {k: v for k, v in sorted(el.attrib.items()) if k not in ("spans", "r")}
    out: dict[int, bytes] = {0: repr(attrs).encode()} if attrs else {}
    for col, c in _by_column(el).items():
        if "r" in c.attrib:
            del c.attrib["r"]
        out[col] = etree.tostring(c, method="c14n", exclusive=True)
    return out


def _row_element(row: bytes, root: tuple[bytes, bytes]) -> etree._Element:
    """Parse one row's XML in the namespaces of its sheet's root."""
    return etree.fromstring(root[0] + row + root[1], PARSER)[0]


def _by_column(row: etree._Element) -> dict[int, etree._Element]:
    """Return a parsed row's cell elements by 1-based column (a cell without r follows)."""
    out: dict[int, etree._Element] = {}
    col = 0
    for c in row:
        if not isinstance(c.tag, str) or etree.QName(c).localname != "c":
            continue
        ref = _REF.match(c.get("r") or "")
        col = col_index(ref[1]) if ref else col + 1
        out[col] = c
    return out


def _read_back(xml: bytes, rows: dict[int, tuple[int, int]], sheet: SheetWrite, name: str) -> None:
    """Raise WriteError unless the tool's cells read as it wrote them (`rows`: those known)."""
    wanted = set(sheet.reads) | set(sheet.filled) | set(sheet.emptied)
    missing = {(r, c) for r, c in wanted if r not in rows}
    if missing:
        rows = {**rows, **_some_rows(xml, missing)}
    root = _root(xml)
    parsed: dict[int, dict[int, etree._Element]] = {}
    for r in {r for r, _ in wanted}:
        parsed[r] = _elements(_row_at(xml, rows.get(r)), root)
    for (r, c), text in sheet.reads.items():
        el = parsed[r].get(c)
        if el is None or _text(el) != text:
            raise WriteError(f"{name}: {sheet.sheet}'s follow-up columns did not read back")
    for r, c in sheet.filled:
        el = parsed[r].get(c)
        if el is None or not _text(el):
            raise WriteError(f"{name}: the new cells of {sheet.sheet} did not read back")
    for r, c in sheet.emptied:
        el = parsed[r].get(c)
        if el is not None and _text(el):
            raise WriteError(f"{name}: {sheet.sheet}!{col_letter(c)}{r} was not cleared")


def _some_rows(xml: bytes, wanted: set[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Return where the rows holding `wanted` cells lie, found by their numbers."""
    out: dict[int, tuple[int, int]] = {}
    for r in {r for r, _ in wanted}:
        for quote in ('"', "'"):
            at = xml.find(f" r={quote}{r}{quote}".encode())
            while at >= 0:
                begin = xml.rfind(b"<", 0, at)
                m = _ROW_START.match(xml, begin)
                if m is not None:
                    if m[3]:
                        out[r] = (begin, m.end())
                    else:
                        close = xml.find(b"</" + m[1], m.end())
                        out[r] = (begin, xml.find(b">", close) + 1)
                    break
                at = xml.find(f" r={quote}{r}{quote}".encode(), at + 1)
            if r in out:
                break
        else:
            return _rows(xml, 0)  # a row placed by position: read them all
    return out


def _elements(row: bytes, root: tuple[bytes, bytes]) -> dict[int, etree._Element]:
    """Return a row's cell elements by 1-based column."""
    return _by_column(_row_element(row, root)) if row else {}


def _text(c: etree._Element) -> str:
    """Return what a cell the tool wrote holds: its inline text or its value."""
    if c.get("t") == "inlineStr":
        return "".join(t.text or "" for t in c.iter("{*}t"))
    return c.findtext("{*}v") or ""


def styles_grew(old: bytes, new: bytes) -> bool:
    """Return True when every list of the old styles part starts the new one unchanged: the
    write only added formats, so every style index a cell names means what it meant."""
    a = etree.fromstring(old, PARSER)
    b = {etree.QName(el).localname: el for el in etree.fromstring(new, PARSER)}
    for el in a:
        if not isinstance(el.tag, str):
            continue
        other = b.get(etree.QName(el).localname)
        if other is None:
            return False
        before = [etree.tostring(x, method="c14n", exclusive=True) for x in el]
        after = [etree.tostring(x, method="c14n", exclusive=True) for x in other][: len(before)]
        if before != after:
            return False
    return True


def due_sheet_shape(xml: bytes) -> tuple[int, list[str]]:
    """Return the number of rows of the tool's Due sheet and its header row's texts."""
    rows = _rows(xml, 0)
    if not rows:
        return 0, []
    header = _elements(_row_at(xml, rows.get(1)), _root(xml))
    texts = [_text(header[c]) if c in header else "" for c in range(1, max(header, default=0) + 1)]
    return max(rows), texts


def due_sheet_links(xml: bytes, rels: bytes | None) -> dict[str, str]:
    """Return the Due sheet's hyperlinks as cell reference -> target, read through its
    relationships part (a link naming no relationship has the target "").

    Only the sheet's <hyperlinks> element is parsed, in the namespaces of its root: the
    sheet is the tool's own, written without prefixes, and check_package has parsed it
    whole (cell text cannot hold a "<", so the element's tags are found as bytes).
    """
    targets = {}
    if rels is not None:
        for rel in etree.fromstring(rels, PARSER):
            if rel.get("TargetMode") == "External" and rel.get("Type", "").endswith("/hyperlink"):
                targets[rel.get("Id", "")] = rel.get("Target", "")
    start = xml.rfind(b"<hyperlinks>")
    end = xml.find(b"</hyperlinks>", start)
    if start < 0 or end < 0:
        return {}
    root = _root(xml)
    links = etree.fromstring(root[0] + xml[start : end + len(b"</hyperlinks>")] + root[1], PARSER)
    out = {}
    for el in links.iter("{*}hyperlink"):
        rid = next((v for k, v in el.attrib.items() if etree.QName(k).localname == "id"), "")
        out[el.get("ref", "")] = targets.get(rid, "")
    return out
