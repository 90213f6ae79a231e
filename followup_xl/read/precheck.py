"""Check the contract sheets' XML before pandas reads them, in one pass of byte patterns.

pandas and calamine build a dense grid of a sheet from A1 to its furthest cell, and read a
few cells differently from Excel. Before they read anything, this module looks at each
contract sheet's XML once and finds:

- the furthest cell holding a value: a sheet whose grid would be far larger than its data (a
  stray value at XFA1048576 means 17 billion cells) is refused, naming that cell, and so is a
  row or column beyond Excel's own sheet size;
- date-formatted numbers that are no day (serial 60, the non-existent 1900-02-29, which
  calamine reads as 1900-02-28; day 0, negative serials, after 9999-12-31): each becomes a
  BadSerial that the reader reports at its cell;
- formulas without a saved result (calamine reads them as empty): each becomes a NoResult;
- the rows an Excel table shows as its totals row (they sum records, they are none).

The patterns only ever find candidates; each candidate's cell is then read exactly, so the cost
follows the sheet's bytes and the few odd cells, never the grid.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..errors import Problem, WorkbookError
from ..ooxml import check_well_formed, is_date1904
from ..opc import Package, Rel, local_name, parse
from ..xlsx.package import parse_ref
from .formats import DURATION, TIME, load_kinds, style_kind
from .sniff import check_members

#: Excel's sheet size: the last row and column any workbook can hold.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
#: A sheet's grid (rows x columns up to its furthest value) may be this many cells, or
#: DENSE_RATIO times the cells that hold a value, whichever is larger; beyond that it is refused.
DENSE_FLOOR = 2_000_000
DENSE_RATIO = 8

_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31
_MAX_SERIAL_1904 = 2_957_003

#: An optional namespace prefix on an element name (<x:c>, as some generators write).
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_ROOT = re.compile(rb"<(" + _P + rb")worksheet[\s>]")
_ROW_ANY = re.compile(rb"<" + _P + rb"""row(?=[\s/>])([^>]*)>""")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
#: A reference whose column has two or three letters (AA and beyond): the only cells that
#: can stretch a grid sideways past column Z.
_WIDE_REF = re.compile(rb"""r=["']([A-Z]{2,3})([0-9]{1,7})["']""")
#: An empty value: <v/> or <v></v>.
_EMPTY_VALUE = re.compile(rb"<" + _P + rb"v\s*(?:/>|></)")


@dataclass(frozen=True)
class _Patterns:
    """The patterns for one sheet, its elements' prefix written out: a pattern that starts
    with a literal is searched for at C speed, one that starts with a choice is tried at
    every "<" of the sheet."""

    row: re.Pattern[bytes]
    #: a cell value that may be a serial Excel cannot mean: negative, 0, 0.x, 60, 60.x,
    #: seven or more digits, or an exponent
    odd_number: re.Pattern[bytes]
    #: a formula whose cell ends with no result, or an empty one
    no_result: re.Pattern[bytes]

    @classmethod
    def of(cls, prefix: bytes) -> _Patterns:
        p = re.escape(prefix)
        return cls(
            row=re.compile(rb"<" + p + rb'row r="([0-9]+)"'),
            odd_number=re.compile(
                rb"<" + p + rb"v>(-[^<]*|0(?:\.[0-9]*)?|60(?:\.[0-9]*)?|[0-9]{7,}(?:\.[0-9]*)?"
                rb"|[0-9.]*[Ee][^<]*)</" + p + rb"v>"
            ),
            no_result=re.compile(
                rb"<" + p + rb"f(?:\s[^>]*)?(?:/>|>[^<]*</" + p + rb"f>)(?:<" + p + rb"v\s*/>|<"
                + p + rb"v></" + p + rb"v>)?</" + p + rb"c>"
            ),
        )  # fmt: skip


_CELL_START = re.compile(rb"<" + _P + rb"c(?=[\s>/])([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class BadSerial:
    """A date-formatted number that is no real day; `why` completes "... is/has ..."."""

    serial: float
    why: str

    def __str__(self) -> str:
        return str(int(self.serial)) if self.serial.is_integer() else repr(self.serial)


@dataclass(frozen=True)
class NoResult:
    """A formula cell without a saved result: what it shows is unknown until a spreadsheet
    program calculates it (a script such as openpyxl writes formulas so)."""

    why: str = (
        "holds a formula whose result was never saved (a program wrote it without "
        "calculating it) — open the workbook in Excel or LibreOffice and save it, or type "
        "the value"
    )


@dataclass
class SheetCheck:
    """What the pre-check found on one contract sheet."""

    part: str
    #: 0-based (row, column) -> the value the reader takes instead of calamine's (a
    #: boolean or duration only from an .ods: ods/precheck.py)
    odd: dict[tuple[int, int], BadSerial | NoResult | bool | timedelta] = field(
        default_factory=dict
    )
    #: 0-based rows that an Excel table shows as its totals row
    totals: set[int] = field(default_factory=set)


@dataclass
class Checked:
    """The workbook's sheet names, date system and the contract sheets' pre-check."""

    sheet_names: list[str]
    date1904: bool
    sheets: dict[str, SheetCheck] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def precheck(
    path: Path,
    wanted: Iterable[str],
    match: Any,
    ready: Callable[[str, SheetCheck], None] | None = None,
) -> Checked:
    """Check the sheets whose names `match` one of `wanted`; raise WorkbookError when unreadable.

    `match(name) -> key` maps a sheet name to the wanted key it stands for. `ready(name,
    found)` is called for each sheet as soon as it passed, while no blocking problem was found.
    """
    name = path.name
    wanted = set(wanted)
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf, name)
        return _check(Package(path.read_bytes(), name), wanted, match, ready)
    except WorkbookError:
        raise
    except Exception as exc:  # zipfile, lxml and int() raise many types on a damaged package
        raise WorkbookError(unreadable(exc), file=name) from exc


def unreadable(exc: BaseException) -> str:
    """Say that a file cannot be read as a workbook, and how to repair it."""
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + "…"
    return (
        f"cannot be read as a workbook ({type(exc).__name__}: {text}) — open it in Excel or "
        "LibreOffice Calc and save it again as .xlsx"
    )


def workbook_parts(pkg: Package) -> tuple[list[tuple[str, str, str]], dict[str, Rel], bool]:
    """Return the sheets (name, relationship type, part), the workbook's relationships and
    whether it counts dates from 1904; raise WorkbookError when the zip is no workbook."""
    root_rels = pkg.relationships("")
    wb_part = next(
        (r.target for r in root_rels.values() if r.type.endswith("/officeDocument")), None
    ) or next((n for n in pkg.members.infos if n.endswith("workbook.xml")), None)
    if wb_part is None or pkg.find(wb_part) is None:
        raise WorkbookError(
            "is a ZIP file but not an Excel workbook: open it in Excel or LibreOffice Calc and "
            "use File > Save As > Excel Workbook (.xlsx)",
            file=pkg.name,
        )
    wb = parse(_without_dtd(pkg, wb_part))
    rels = {k: r for k, r in pkg.relationships(wb_part).items() if not r.external}
    date1904 = False
    sheets: list[tuple[str, str, str]] = []  # name, rel type, part
    for el in wb.iter():
        tag = local_name(el.tag)
        if tag == "workbookPr":
            date1904 = is_date1904(el.get("date1904"))
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local_name(k) == "id"), "")
            rel = rels.get(rid, Rel("", ""))
            sheets.append((el.get("name", ""), rel.type, rel.target))
    return sheets, rels, date1904


def _check(
    pkg: Package, wanted: set[str], match: Any, ready: Callable[[str, SheetCheck], None] | None
) -> Checked:
    sheets, rels, date1904 = workbook_parts(pkg)
    checked = Checked([s[0] for s in sheets if s[1].endswith("/worksheet")], date1904)
    chosen = [(n, p) for n, typ, p in sheets if match(n) in wanted and typ.endswith("/worksheet")]
    if not chosen:
        return checked
    # the parts calamine reads besides the sheets: each refused if it declares a DTD
    for rel in rels.values():
        if rel.type.endswith(("/styles", "/sharedStrings")) and pkg.find(rel.target) is not None:
            _without_dtd(pkg, rel.target)
    kinds = load_kinds(pkg, rels)
    for sheet, part in chosen:
        if pkg.find(part) is None:
            raise WorkbookError(
                f"the sheet {sheet!r} is missing from the file ({part})", file=pkg.name
            )
        data = _without_dtd(pkg, part)
        held = well_formed(data, sheet, part, pkg.name) // 2
        found = SheetCheck(part, totals=_totals_rows(pkg, part))
        _scan(data, sheet, pkg.name, found, kinds, date1904, held, checked.problems)
        checked.sheets[sheet] = found
        if ready is not None and not any(p.blocking for p in checked.problems):
            ready(sheet, found)
    return checked


def refuse_dtd(head: bytes, part: str, name: str) -> None:
    """Raise WorkbookError when the start of a part declares a DTD, which no spreadsheet
    program writes (a DTD can make a parser fetch or expand entities)."""
    head = head[:2048].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise WorkbookError(
            f"its part {part} declares a DTD (<!DOCTYPE>), which Excel and LibreOffice never "
            "write — the file was made by another program or tampered with: open it in Excel "
            "or LibreOffice Calc and save it again",
            file=name,
        )


def _without_dtd(pkg: Package, part: str) -> bytes:
    """Return a part's bytes; refuse it when it declares a DTD."""
    data = pkg.read(part) or b""
    refuse_dtd(data, pkg.find(part) or part, pkg.name)
    return data


def _ref(ref: str) -> tuple[int, int] | None:
    """Return a cell reference as 0-based (row, column), or None."""
    try:
        row, col = parse_ref(ref)
    except ValueError:
        return None
    return row - 1, col - 1


def _totals_rows(pkg: Package, part: str) -> set[int]:
    """Return the 0-based rows that Excel tables on a sheet show as their totals rows."""
    rows: set[int] = set()
    for rel in pkg.relationships(part).values():
        if rel.external or not rel.type.endswith("/table") or pkg.find(rel.target) is None:
            continue
        table = parse(_without_dtd(pkg, rel.target))
        count = table.get("totalsRowCount") or "0"
        end = _ref((table.get("ref") or "").split(":")[-1])
        if count.isdigit() and int(count) > 0 and end is not None:
            rows.update(range(end[0] - int(count) + 1, end[0] + 1))
    return rows


def well_formed(data: bytes, sheet: str, part: str, book: str) -> int:
    """Raise WorkbookError naming the sheet and the place when its XML is broken; else return
    the number of end tags (about two for each cell that holds a value).

    calamine reads past a broken tag, so a damaged sheet would be read wrong without a word.
    Counting the tags tells most damage (a save cut off, a hand edit) at C speed: in
    well-formed XML every start tag that is not empty has its end tag. Only when the counts
    disagree (or a comment, CDATA or processing instruction makes them uncertain) does lxml
    parse the part, to name the line and column.
    """
    from lxml import etree

    ends = data.count(b"</")
    declaration = data.count(b"<?", 0, 256)
    if data.count(b"<") - ends - declaration - data.count(b"/>") == ends:
        return ends
    try:
        check_well_formed(data, huge_tree=True)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(Problem(book, damaged(part, exc), sheet)) from exc
    return ends


def damaged(part: str, exc: Any) -> str:
    """Say that a sheet's XML is broken, where in the part, and how to repair it."""
    what = " ".join(str(getattr(exc, "msg", "") or exc).split()).removesuffix(" (<string>)")
    what = re.sub(r",? line [0-9]+, column [0-9]+$", "", what)
    line, column = getattr(exc, "position", None) or (getattr(exc, "lineno", 0), 0)
    if len(what) > 160:
        what = what[:160] + "…"
    at = f" at line {line}, column {column} of {part}" if line else f" in {part}"
    return (
        f"this sheet's file inside the workbook is damaged ({what}{at}), so its cells cannot "
        "be read — open the workbook in Excel or LibreOffice Calc, let it repair the file, "
        "check this sheet and save it again as .xlsx"
    )


def _scan(
    data: bytes,
    sheet: str,
    book: str,
    found: SheetCheck,
    kinds: list[str | None],
    date1904: bool,
    held: int,
    problems: list[Problem],
) -> None:
    """Fill `found` from one sheet's XML; add a problem when its grid would be too large for
    the (about) `held` cells that hold a value."""
    start = max(data.find(b"sheetData"), 0)
    end = data.rfind(b"sheetData")
    end = len(data) if end <= start else end
    root = _ROOT.search(data, 0, start or len(data))
    patterns = _Patterns.of(root[1] if root else b"")
    rows, far_row = _last_row(data, start, end, patterns, root[1] if root else b"")
    cols, far_col = 26, ""
    for m in _WIDE_REF.finditer(data, start, end):
        at = _ref((m[1] + m[2]).decode("ascii"))
        if at is not None and at[1] + 1 > cols and _holds_value(data, m.end()):
            cols, far_col = at[1] + 1, (m[1] + m[2]).decode("ascii")
    where = far_col or far_row
    if rows > EXCEL_ROWS or cols > EXCEL_COLUMNS:
        problems.append(Problem(book, (
            "has a cell beyond the last row or column Excel has (row 1,048,576, column XFD) — "
            "the file was not saved by Excel or LibreOffice: open it in one of them and save it "
            "again"
        ), sheet, where or None))  # fmt: skip
        return
    if rows * cols > max(DENSE_FLOOR, DENSE_RATIO * held):
        problems.append(Problem(book, (
            f"holds a value far from the rest of the sheet: reading it would mean a grid of "
            f"{rows * cols:,} cells ({rows:,} rows by {cols:,} columns) for about {held:,} "
            "cells that hold data — delete that cell's content (or move it next to your table) and "
            "save"
        ), sheet, where or None))  # fmt: skip
        return
    for m in patterns.odd_number.finditer(data, start, end):
        cell = _cell_at(data, m.start())
        if cell is None or cell[2].get(b"t", b"n") != b"n":
            continue
        kind = style_kind(kinds, cell[2].get(b"s", b"").decode("ascii", "replace"))
        if kind is None:
            continue
        try:
            number = float(m[1])
        except ValueError:
            continue
        value = serial_value(number, kind, date1904)
        if isinstance(value, BadSerial):
            found.odd[cell[0], cell[1]] = value
    for m in patterns.no_result.finditer(data, start, end):
        cell = _cell_at(data, m.start())
        if cell is not None and cell[2].get(b"t") not in (b"str", b"inlineStr"):
            found.odd[cell[0], cell[1]] = NoResult()


def _last_row(
    data: bytes, start: int, end: int, patterns: _Patterns, prefix: bytes
) -> tuple[int, str]:
    """Return the number of rows up to the last one, and that row's reference ("12:12")."""
    numbers = patterns.row.findall(data, start, end)
    count = data.count(b"<" + prefix + b"row", start, end)
    if len(numbers) == count:
        last = max(map(int, numbers), default=0)
    else:  # rows with other attributes first, prefixed, or without a number
        last, r = 0, 0
        for m in _ROW_ANY.finditer(data, start, end):
            got = _R_ATTR.search(m[1])
            r = int(got[1]) if got and got[1].isdigit() else r + 1
            last = max(last, r)
    return last, f"{last}:{last}" if last else ""


def _holds_value(data: bytes, after: int) -> bool:
    """Return True unless the cell whose start tag is open at `after` is empty (`<c/>`,
    `<c></c>`, `<c><v/></c>`): an empty cell, however far, stretches no grid."""
    close = data.find(b">", after)
    if close < 0 or data[close - 1] == ord("/"):
        return False
    child = data.find(b"<", close + 1)
    if child < 0 or data.startswith(b"</", child):
        return False
    return _EMPTY_VALUE.match(data, child) is None


def _cell_at(data: bytes, pos: int) -> tuple[int, int, dict[bytes, bytes]] | None:
    """Return the 0-based (row, column) and attributes of the cell holding position `pos`."""
    begin = max(data.rfind(b"<c ", 0, pos), data.rfind(b":c ", 0, pos))
    if begin < 0:
        return None
    if data[begin] != ord("<"):
        begin = data.rfind(b"<", 0, begin)
    m = _CELL_START.match(data, begin)
    if m is None:
        return None
    attrs = dict(_ATTR.findall(m[1]))
    at = _ref(attrs.get(b"r", b"").decode("ascii", "replace"))
    if at is None:
        return None  # a cell placed by its position alone: calamine's value stands
    return at[0], at[1], attrs


def serial_value(serial: float, kind: str, date1904: bool) -> Any:
    """Return a date-formatted number as datetime, time or timedelta, or a BadSerial."""
    if kind == DURATION:
        return timedelta(milliseconds=round(serial * 86_400_000))
    if serial < 0:
        return BadSerial(serial, "is a negative date serial number, which is no day at all")
    day, frac = divmod(serial, 1)
    ms = round(frac * 86_400_000)
    if ms >= 86_400_000:
        day, ms = day + 1, 0
    if day == 0 and not date1904:
        if kind == TIME:
            return (datetime.min + timedelta(milliseconds=ms)).time()
        return BadSerial(
            serial, "is day 0 of Excel's calendar (shown as 1900-01-00), which is no real day"
        )
    if not date1904 and day == 60:
        return BadSerial(serial, "is 1900-02-29, a day that never existed (an old Excel bug)")
    if day > (_MAX_SERIAL_1904 if date1904 else _MAX_SERIAL_1900):
        return BadSerial(serial, "is after 9999-12-31, the last day Excel knows")
    # 1900 system: serial 1 is 1900-01-01, and serials after the phantom 60 are one day off
    epoch = date(1904, 1, 1) if date1904 else date(1899, 12, 31 if day < 60 else 30)
    return datetime.combine(epoch + timedelta(days=int(day)), time()) + timedelta(milliseconds=ms)
