"""Read only the contract's sheets of an .xlsx, cell by cell, bounded by the cells that hold data.

A workbook may come from anywhere: one stray cell at XFD1048576, a sheet nobody uses that is
a million rows long, a member that inflates to gigabytes. pandas and calamine build a dense
grid of every sheet from A1 to its last cell; this reader streams the XML of the few sheets
the contract names and keeps only the cells that hold a value, so time and memory follow the
data, and every limit it enforces is a located error that names the limit.

Cell values come out as pandas' calamine engine gives them (str, int, float, bool, datetime,
time, timedelta), except that a date serial Excel cannot mean (negative, day 0, the
non-existent 1900-02-29, after 9999-12-31) is a BadSerial that says why.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..contract import col_letter
from ..errors import Problem, WorkbookError
from ..ooxml import ANY_CELL, MAIN_NAMESPACES, check_well_formed, is_date1904, plain_worksheet
from .formats import DURATION, TIME, SharedStrings, Styles, rich_text, unescape
from .parts import Package, local_name, parser
from .sniff import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, check_members

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31
_MAX_SERIAL_1904 = 2_957_003


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
class Grid:
    """The cells of one sheet that hold a value: {0-based row: {0-based column: value}}."""

    cells: dict[int, dict[int, Any]] = field(default_factory=dict)
    #: (row, column) of the cell furthest right that holds a value, (-1, -1) when none
    far: tuple[int, int] = (-1, -1)

    @property
    def nrows(self) -> int:
        """Return one more than the last row that holds a value (0 when empty)."""
        return max(self.cells, default=-1) + 1

    def row(self, r: int) -> list[Any]:
        """Return row r as a dense list up to its last value ("" for empty cells)."""
        found = self.cells.get(r)
        if not found:
            return []
        out: list[Any] = [""] * (max(found) + 1)
        for c, v in found.items():
            out[c] = v
        return out

    def data_rows(self) -> Iterator[tuple[int, dict[int, Any]]]:
        """Yield (0-based row, {column: value}) below the header, in order."""
        for r in sorted(self.cells):
            if r:
                yield r, self.cells[r]

    @classmethod
    def from_frame(cls, frame: Any) -> Grid:
        """Return the grid of a pandas DataFrame read with header=None (the pandas engines)."""
        grid = cls()
        for r, row in enumerate(frame.itertuples(index=False, name=None)):
            values = {c: v for c, v in enumerate(row) if not _empty(v)}
            if values:
                grid.cells[r] = values
                if max(values) > grid.far[1]:
                    grid.far = (r, max(values))
        return grid


def _empty(v: Any) -> bool:
    return v is None or (type(v) is str and not v) or (isinstance(v, float) and v != v)


@dataclass
class Workbook:
    """The contract sheets of a workbook, read sparsely, with the problems found reading them."""

    sheet_names: list[str]
    grids: dict[str, Grid]
    date1904: bool
    problems: list[Problem] = field(default_factory=list)


def read_all(data: bytes) -> dict[str, dict[tuple[int, int], Any]]:
    """Return every worksheet's values by 1-based (row, column), read sparsely (no limits)."""
    return read_some(data, None)[1]


def read_some(
    data: bytes, only: set[str] | None
) -> tuple[list[str], dict[str, dict[tuple[int, int], Any]]]:
    """Return every sheet's name, and the values of the worksheets named in `only` (or all)."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_members(zf, "workbook")
        book = _read(Package(zf, "workbook"), only, lambda n: n, limits=False)
    return book.sheet_names, {
        name: {
            (r + 1, c + 1): _as_calamine(v) for r, row in grid.cells.items() for c, v in row.items()
        }
        for name, grid in book.grids.items()
    }


def _as_calamine(value: Any) -> Any:
    """Return a value as python-calamine's to_python has it: a date for a midnight datetime."""
    if type(value) is datetime and value.time() == time(0):
        return value.date()
    return value


def read_sheets(path: Path, wanted: Iterable[str], match: Any) -> Workbook:
    """Read the sheets whose names `match` one of `wanted`; raise WorkbookError when unreadable.

    `match(name) -> key or None` maps a sheet name to the wanted key it stands for.
    """
    name = path.name
    wanted = set(wanted)
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf, name)
            pkg = Package(zf, name)
            return _read(pkg, wanted, match)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise WorkbookError(_unreadable(exc), file=name) from exc
    except Exception as exc:  # lxml raises XMLSyntaxError and friends on a damaged part
        raise WorkbookError(_unreadable(exc), file=name) from exc


def _unreadable(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + "…"
    return (
        f"cannot be read as a workbook ({type(exc).__name__}: {text}) — open it in Excel or "
        "LibreOffice Calc and save it again as .xlsx"
    )


def workbook_parts(pkg: Package) -> tuple[list[tuple[str, str, str]], dict, bool]:
    """Return the sheets (name, relationship type, part), the workbook's relationships and
    whether it counts dates from 1904; raise WorkbookError when the zip is no workbook."""
    root_rels = pkg.rels("")
    wb_part = next(
        (t for typ, t in root_rels.values() if typ.endswith("/officeDocument")), None
    ) or next((n for n in pkg.zf.namelist() if n.endswith("workbook.xml")), None)
    if wb_part is None or pkg.member(wb_part) is None:
        raise WorkbookError(
            "is a ZIP file but not an Excel workbook: open it in Excel or LibreOffice Calc and "
            "use File > Save As > Excel Workbook (.xlsx)",
            file=pkg.name,
        )
    wb = pkg.xml(wb_part)
    rels = pkg.rels(wb_part)
    date1904 = False
    sheets: list[tuple[str, str, str]] = []  # name, rel type, part
    for el in wb.iter():
        tag = local_name(el.tag)
        if tag == "workbookPr":
            date1904 = is_date1904(el.get("date1904"))
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local_name(k) == "id"), "")
            typ, part = rels.get(rid, ("", ""))
            sheets.append((el.get("name", ""), typ, part))
    return sheets, rels, date1904


def _read(pkg: Package, wanted: set[str] | None, match: Any, limits: bool = True) -> Workbook:
    sheets, rels, date1904 = workbook_parts(pkg)
    book = Workbook([s[0] for s in sheets], {}, date1904)
    chosen = [
        (n, p)
        for n, typ, p in sheets
        if (wanted is None or match(n) in wanted) and typ.endswith("/worksheet")
    ]
    if not chosen:
        return book
    styles = Styles.load(pkg, rels)
    strings = SharedStrings(pkg, rels)
    for sheet, part in chosen:
        if pkg.member(part) is None:
            raise WorkbookError(
                f"the sheet {sheet!r} is missing from the file ({part})", file=pkg.name
            )
        grid = _read_sheet(pkg, part, sheet, styles, strings, date1904, book.problems, limits)
        for r in _totals_rows(pkg, part):
            grid.cells.pop(r, None)  # a table's totals row sums the rows: it is no record
        book.grids[sheet] = grid
    return book


def _totals_rows(pkg: Package, part: str) -> set[int]:
    """Return the 0-based rows that Excel tables on a sheet show as their totals rows."""
    rows: set[int] = set()
    for typ, target in pkg.rels(part).values():
        if not typ.endswith("/table") or pkg.member(target) is None:
            continue
        table = pkg.xml(target)
        count = table.get("totalsRowCount") or "0"
        ref = (table.get("ref") or "").split(":")[-1]
        end = _ref(ref)
        if count.isdigit() and int(count) > 0 and end is not None:
            rows.update(range(end[0] - int(count) + 1, end[0] + 1))
    return rows


#: Column letters -> 0-based column, filled as met (at most 18,278 three-letter names per case).
_COLUMNS: dict[str, int] = {}


def _ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    letters = m[1]
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        col = _COLUMNS[letters] = col - 1
    return int(m[2]) - 1, col


class _Store:
    """The cells of one sheet that hold a value, kept within the reader's limits."""

    def __init__(self, book: str, sheet: str, problems: list[Problem], limits: bool) -> None:
        self.grid = Grid()
        self.book, self.sheet, self.problems, self.limits = book, sheet, problems, limits

    def element(self, el: Any, r: int, c: int, ctx: _Context) -> bool:
        """Keep a parsed <c> element's value; return False when the sheet has too many rows."""
        if self.limits and c >= MAX_COLUMNS:
            self.beyond(r, c, _raw_value(el) not in ("", None))
            return True
        return self.put(r, c, _value(el, *ctx))

    def beyond(self, r: int, c: int, held: bool) -> None:
        """Note a cell right of the last column read: it counts only for the far corner."""
        if not held:
            return
        grid = self.grid
        if c > grid.far[1]:
            grid.far = (r, c)
        if r == 0:
            self.problems.append(Problem(self.book, (
                f"has a header beyond column {col_letter(MAX_COLUMNS)}, the last column the "
                f"tool reads ({MAX_COLUMNS:,} columns) — move it left"
            ), self.sheet, f"{col_letter(c + 1)}1"))  # fmt: skip

    def put(self, r: int, c: int, value: Any) -> bool:
        """Keep one value; return False when the sheet has more rows than the tool reads."""
        if _empty(value):
            return True
        grid = self.grid
        if c > grid.far[1]:
            grid.far = (r, c)
        cells = grid.cells
        if not self.limits:
            cells.setdefault(r, {})[c] = value
            return True
        if type(value) is str and len(value) > MAX_CELL_CHARS:
            self.problems.append(Problem(self.book, (
                f"holds {len(value):,} characters, more than Excel's limit of "
                f"{MAX_CELL_CHARS:,} for one cell — shorten it"
            ), self.sheet, f"{col_letter(c + 1)}{r + 1}"))  # fmt: skip
            value = value[:200]
        row = cells.get(r)
        if row is None:
            if len(cells) >= MAX_ROWS + 1:
                self.problems.append(Problem(self.book, (
                    f"has more than {MAX_ROWS:,} rows holding data, the limit the tool "
                    "reads — delete the rows that are not part of your job search"
                ), self.sheet, f"{r + 1}:{r + 1}"))  # fmt: skip
                return False
            row = cells[r] = {}
        row[c] = value
        return True


#: What turns a cell's XML into a value: styles, shared strings, the 1904 date system.
_Context = tuple[Styles, SharedStrings, bool]


def _read_sheet(
    pkg: Package,
    part: str,
    sheet: str,
    styles: Styles,
    strings: SharedStrings,
    date1904: bool,
    problems: list[Problem],
    limits: bool = True,
) -> Grid:
    from lxml import etree

    try:
        return _read_sheet_xml(pkg, part, sheet, (styles, strings, date1904), problems, limits)
    except etree.XMLSyntaxError as exc:
        problem = Problem(file=pkg.name, sheet=sheet, message=_damaged(part, exc))
        raise WorkbookError(problem) from exc


def _damaged(part: str, exc: Any) -> str:
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


def _read_sheet_xml(
    pkg: Package,
    part: str,
    sheet: str,
    ctx: _Context,
    problems: list[Problem],
    limits: bool,
) -> Grid:
    scannable = _scannable(pkg, part)
    if scannable is not None:
        found: list[Problem] = []
        store = _Store(pkg.name, sheet, found, limits)
        try:
            _scan(*scannable, store, ctx)
        except _NotScannable:
            pass
        else:
            problems.extend(found)
            return store.grid
    store = _Store(pkg.name, sheet, problems, limits)
    _stream(pkg, part, store, ctx)
    return store.grid


def _stream(pkg: Package, part: str, store: _Store, ctx: _Context) -> None:
    """Read a sheet part through lxml, a row at a time (any XML a worksheet may hold)."""
    from lxml import etree

    r = -1
    with pkg.open(part) as fh:
        # Whole rows at their end: a row's cells are complete then, and one event per row
        # (not two per cell) keeps a 10,000-row sheet fast.
        for _, row_el in etree.iterparse(
            fh, events=("end",), tag="{*}row", resolve_entities=False, no_network=True,
            load_dtd=False,
        ):  # fmt: skip
            raw = row_el.get("r")
            r = int(raw) - 1 if raw and raw.isdigit() else r + 1
            c = -1
            for el in row_el:
                tag = el.tag
                if not isinstance(tag, str) or (tag[-2:] != "}c" and tag != "c"):
                    continue  # a comment or processing instruction
                pos = _ref(el.get("r") or "")
                if pos is None:
                    c += 1
                else:
                    r, c = pos
                if not store.element(el, r, c, ctx):
                    return
            row_el.clear(keep_tail=False)
            parent = row_el.getparent()
            while parent is not None and row_el.getprevious() is not None:
                del parent[0]


#: A sheet part larger than this (uncompressed) is streamed through lxml, never held whole.
SCAN_MAX_BYTES = 256 << 20
#: False reads every sheet through lxml (the reference the scanner is tested against).
SCAN = True

#: The cells Excel, LibreOffice, openpyxl and XlsxWriter write, and (last group) any other
#: cell start, which is parsed on its own.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")?'
    r"(?:/>|>(?:(?:<f>[^<]*</f>|<f [^<>]*/>|<f [^<>]*>[^<]*</f>)?<v>([^<]*)</v>"
    r"|<is><t>([^<]*)</t></is>)?</c>)"
    r"|(<c(?=[\s/>]))"
)
_START = re.compile(r"""<c(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _NotScannable(Exception):
    """The sheet holds XML the scanner does not read: lxml reads it instead."""


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))


def xml_text(raw: str) -> str:
    """Return character data as an XML parser gives it: line ends normalised, entities undone."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _scannable(pkg: Package, part: str) -> tuple[str, str] | None:
    """Return a sheet part's text and root tag when the scanner can read it, else None.

    The scanner reads UTF-8 parts in the main namespace with no prefix, no DTD, comment,
    CDATA section or processing instruction, and only after lxml found them well-formed.
    """
    name = pkg.member(part)
    if not SCAN or name is None or pkg.zf.getinfo(name).file_size > SCAN_MAX_BYTES:
        return None
    with pkg.open(part) as fh:  # refuses a DTD, as the streaming reader does
        data = fh.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    root = plain_worksheet(text, MAIN_NAMESPACES)
    if root is None:
        return None
    # well-formed, or lxml's error, as the streaming reader would raise it (no tree is built)
    check_well_formed(data)
    return text, root[0]


def _scan(text: str, root: str, store: _Store, ctx: _Context) -> None:
    """Read a sheet's cells from its text, the common forms by pattern, others one by one."""
    styles, strings, date1904 = ctx
    limits, put, grid = store.limits, store.put, store.grid
    cells = grid.cells
    columns = _COLUMNS
    for m in _CELL.finditer(text):
        letters, digits, s, t, v, inline, other = m.groups()
        if other is not None:
            el = _odd_cell(text, m.start(), root)
            pos = _ref(el.get("r") or "")
            if pos is None:
                raise _NotScannable  # a cell placed by its position in the row
            if not store.element(el, *pos, ctx):
                return
            continue
        r = int(digits) - 1
        c = columns.get(letters)
        if c is None:
            c = _ref(letters + digits)[1]  # type: ignore[index]
        # raw: what the cell's first <v> or <is> reads, as _raw_value has it
        if v:
            raw = xml_text(v) if "&" in v or "\r" in v else v
        elif inline is not None:
            raw = (xml_text(inline) if "&" in inline or "\r" in inline else inline).strip(_SPACE)
            if "_x" in raw:
                raw = unescape(raw)
        else:
            raw = None
        if t == "inlineStr":
            value: Any = "" if inline is None else raw
        elif t == "s":
            value = None if raw is None else strings.get(raw)
        elif not raw and t != "str" and "<f" in m.group(0):
            value = NoResult()  # a formula never calculated (no result, or an empty one)
        else:
            value = _convert(t or "n", raw, s, styles, strings, date1904)
        if limits and c >= MAX_COLUMNS:
            store.beyond(r, c, raw not in ("", None))
            continue
        if type(value) is str and 0 < len(value) <= MAX_CELL_CHARS and c <= grid.far[1]:
            row = cells.get(r)
            if row is not None:  # the common case, as put would keep it
                row[c] = value
                continue
        if not put(r, c, value):
            return


#: The white space a <t> loses unless it says xml:space="preserve".
_SPACE = " \t\r\n"


def _odd_cell(text: str, start: int, root: str) -> Any:
    """Parse the one cell starting at `start` with lxml, in the sheet's namespaces."""
    from lxml import etree

    m = _START.match(text, start)
    if m is None:
        raise _NotScannable
    end = m.end()
    if not m[1]:
        close = text.find("</c>", end)
        if close < 0 or ANY_CELL.search(text, end, close):
            raise _NotScannable  # a cell inside a cell: not SpreadsheetML's own
        end = close + 4
    return etree.fromstring(f"{root}{text[start:end]}</worksheet>", parser())[0]


def _raw_value(el: Any) -> str | None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag[-2:] == "}v" or tag == "v":
            return child.text
        if tag[-3:] == "}is" or tag == "is":
            return rich_text(child)
    return None


def _value(el: Any, styles: Styles, strings: SharedStrings, date1904: bool) -> Any:
    """Return a cell's value as pandas' calamine engine would, or a BadSerial (or a NoResult
    for a formula without a saved result, which calamine reads as empty)."""
    t = el.get("t") or "n"
    if (
        t not in ("str", "inlineStr")
        and not _raw_value(el)
        and any(
            type(child.tag) is str and (child.tag[-2:] == "}f" or child.tag == "f") for child in el
        )
    ):
        return NoResult()  # a formula never calculated (no result, or an empty one)
    if t == "inlineStr":
        for child in el:
            tag = child.tag
            if type(tag) is str and (tag[-3:] == "}is" or tag == "is"):
                return rich_text(child)
        return ""
    return _convert(t, _raw_value(el), el.get("s"), styles, strings, date1904)


def _convert(
    t: str, raw: str | None, s: str | None, styles: Styles, strings: SharedStrings, date1904: bool
) -> Any:
    """Return the value of a cell of type `t`, style `s`, whose <v> (or <is>) reads `raw`."""
    if raw is None:
        return None
    if t == "s":
        return strings.get(raw)
    if t in ("str", "e"):
        return unescape(raw) if t == "str" else None
    if t == "b":
        return raw.strip() in ("1", "true")
    if t == "d":
        try:
            return datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    kind = styles.kind(s)
    if kind is not None and number == number and abs(number) != float("inf"):
        return serial_value(number, kind, date1904)
    if number.is_integer():
        return int(number)
    return number


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
