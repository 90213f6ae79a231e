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

import posixpath
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from .contract import col_letter
from .errors import Problem, WorkbookError

#: Excel's own limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
#: Rows holding data on one contract sheet (a job search has hundreds).
MAX_ROWS = 100_000
#: Columns read on a contract sheet; cells further right are never headers or contract data.
MAX_COLUMNS = 1_000
#: Largest member of the package once decompressed.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
#: Largest total of all members once decompressed.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Largest compression ratio of a member bigger than RATIO_FLOOR (zip bombs reach ~1000).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024

_MIB = 1024 * 1024
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
#: Excel's built-in number formats: dates and times (14-22, 45, 47) and durations (46).
_BUILTIN_DATE = {14, 15, 16, 17, 22}
_BUILTIN_TIME = {18, 19, 20, 21, 45, 47}
_BUILTIN_DURATION = {46}
_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31
_MAX_SERIAL_1904 = 2_957_003


@dataclass(frozen=True)
class BadSerial:
    """A date-formatted number that is no real day; `why` completes "... is/has ..."."""

    serial: float
    why: str

    def __str__(self) -> str:
        return str(int(self.serial)) if self.serial.is_integer() else repr(self.serial)


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


# --- the file before it is opened ------------------------------------------------------------


def ensure_regular_file(path: Path) -> None:
    """Raise WorkbookError unless path is a regular file (not a FIFO, device or folder)."""
    name = path.name
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise WorkbookError(
            f"no such file: {path} — check the name and folder", file=name
        ) from None
    except OSError as exc:
        raise WorkbookError(f"cannot be read: {exc.strerror}", file=name) from None
    if stat.S_ISDIR(mode):
        raise WorkbookError(
            "is a folder, not a workbook — give the .xlsx file inside it", file=name
        )
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise WorkbookError(
            f"is {kind}, not a workbook file — save the workbook as an .xlsx file and give "
            "that file",
            file=name,
        )


def check_members(zf: zipfile.ZipFile, name: str) -> None:
    """Raise WorkbookError when a member would inflate beyond the size or ratio limits."""
    total = 0
    for info in zf.infolist():
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        what = f"its part {info.filename}"
        if size > MAX_MEMBER_BYTES:
            raise WorkbookError(
                f"{what} unpacks to {size / _MIB:,.0f} MiB, more than the limit of "
                f"{MAX_MEMBER_BYTES // _MIB} MiB for one part — this is not a workbook typed "
                "by hand: delete what bloats it (a huge sheet or picture) or restore a backup",
                file=name,
            )
        if size > RATIO_FLOOR and size / packed > MAX_RATIO:
            raise WorkbookError(
                f"{what} unpacks {size / packed:,.0f} times bigger than it is stored, more than "
                f"the limit of {MAX_RATIO} (a zip bomb?) — restore the workbook from a backup",
                file=name,
            )
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError(
                f"unpacks to more than the limit of {MAX_TOTAL_BYTES // _MIB:,} MiB in all — "
                "this is not a workbook typed by hand: restore it from a backup",
                file=name,
            )


# --- the package -----------------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class _Package:
    """The parts of an .xlsx that the contract needs, read on demand with limits."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        self.lower = {n.lower(): n for n in zf.namelist()}

    def member(self, part: str) -> str | None:
        return self.lower.get(part.lstrip("/").lower())

    def open(self, part: str) -> IO[bytes]:
        name = self.member(part)
        if name is None:
            raise KeyError(part)
        with self.zf.open(name) as fh:
            head = fh.read(2048)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise WorkbookError(
                f"its part {name} declares a DTD (<!DOCTYPE>), which Excel never writes — the "
                "file was made by another program or tampered with: open it in Excel or "
                "LibreOffice Calc and save it again",
                file=self.name,
            )
        return self.zf.open(name)

    def xml(self, part: str) -> Any:
        from lxml import etree

        with self.open(part) as fh:
            return etree.parse(fh, _parser()).getroot()

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Return {rId: (type, target part)} of a part's relationships."""
        folder, base = posixpath.split(part.lstrip("/"))
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if self.member(rels_part) is None:
            return {}
        out = {}
        for rel in self.xml(rels_part):
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), full)
        return out


@dataclass
class Workbook:
    """The contract sheets of a workbook, read sparsely, with the problems found reading them."""

    sheet_names: list[str]
    grids: dict[str, Grid]
    date1904: bool
    problems: list[Problem] = field(default_factory=list)


def read_all(data: bytes) -> dict[str, dict[tuple[int, int], Any]]:
    """Return every worksheet's values by 1-based (row, column), read sparsely (no limits)."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_members(zf, "workbook")
        book = _read(_Package(zf, "workbook"), None, lambda n: n, limits=False)
    return {
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
            pkg = _Package(zf, name)
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


def _read(pkg: _Package, wanted: set[str] | None, match: Any, limits: bool = True) -> Workbook:
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
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            typ, part = rels.get(rid, ("", ""))
            sheets.append((el.get("name", ""), typ, part))
    book = Workbook([s[0] for s in sheets], {}, date1904)
    chosen = [
        (n, p)
        for n, typ, p in sheets
        if (wanted is None or match(n) in wanted) and typ.endswith("/worksheet")
    ]
    if not chosen:
        return book
    styles = _Styles.load(pkg, rels)
    strings = _SharedStrings(pkg, rels)
    for sheet, part in chosen:
        if pkg.member(part) is None:
            raise WorkbookError(
                f"the sheet {sheet!r} is missing from the file ({part})", file=pkg.name
            )
        book.grids[sheet] = _read_sheet(
            pkg, part, sheet, styles, strings, date1904, book.problems, limits
        )
    return book


# --- styles and strings ----------------------------------------------------------------------

DATE, TIME, DURATION = "date", "time", "duration"


def format_kind(code: str) -> str | None:
    """Return DATE, TIME, DURATION or None for a number format code (its first section)."""
    first = []
    for m in re.finditer(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|;|.', code, re.DOTALL):
        if m.group(0) == ";":
            break
        first.append(m.group(0))
    section = "".join(first)
    if re.search(r"\[(h+|m+|s+)\]", section, re.IGNORECASE):
        return DURATION
    plain = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", section).lower()
    plain = re.sub(r"am/pm|a/p|general", "", plain)
    if re.search(r"[dy]", plain):
        return DATE
    if re.search(r"[hs]", plain):
        return TIME
    return DATE if "m" in plain else None


class _Styles:
    """The date kind (or None) of each cell format index."""

    def __init__(self, kinds: list[str | None]) -> None:
        self.kinds = kinds

    @classmethod
    def load(cls, pkg: _Package, rels: dict[str, tuple[str, str]]) -> _Styles:
        part = next((t for typ, t in rels.values() if typ.endswith("/styles")), None)
        if part is None or pkg.member(part) is None:
            return cls([])
        root = pkg.xml(part)
        custom: dict[int, str] = {}
        kinds: list[str | None] = []
        for el in root:
            tag = _local(el.tag)
            if tag == "numFmts":
                for f in el:
                    if _local(f.tag) == "numFmt" and (f.get("numFmtId") or "").isdigit():
                        custom[int(f.get("numFmtId"))] = f.get("formatCode", "")
            elif tag == "cellXfs":
                for xf in el:
                    if _local(xf.tag) != "xf":
                        continue
                    raw = xf.get("numFmtId") or "0"
                    fid = int(raw) if raw.isdigit() else 0
                    if fid in custom:
                        kinds.append(format_kind(custom[fid]))
                    elif fid in _BUILTIN_DATE:
                        kinds.append(DATE)
                    elif fid in _BUILTIN_TIME:
                        kinds.append(TIME)
                    elif fid in _BUILTIN_DURATION:
                        kinds.append(DURATION)
                    else:
                        kinds.append(None)
        return cls(kinds)

    def kind(self, s: str | None) -> str | None:
        if not s or not s.isdigit():
            return None
        i = int(s)
        return self.kinds[i] if i < len(self.kinds) else None


class _SharedStrings:
    """The shared strings, parsed on first use."""

    def __init__(self, pkg: _Package, rels: dict[str, tuple[str, str]]) -> None:
        self.pkg = pkg
        self.part = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None)
        self.items: list[str] | None = None

    def get(self, index: str) -> str:
        if self.items is None:
            self.items = self._load()
        try:
            return self.items[int(index)]
        except (ValueError, IndexError):
            return ""

    def _load(self) -> list[str]:
        from lxml import etree

        if self.part is None or self.pkg.member(self.part) is None:
            return []
        out: list[str] = []
        with self.pkg.open(self.part) as fh:
            for _, el in etree.iterparse(
                fh, events=("end",), tag="{*}si", resolve_entities=False, no_network=True,
                load_dtd=False,
            ):  # fmt: skip
                out.append(_rich_text(el))
                el.clear(keep_tail=False)
        return out


_SPACE_ATTR = "{http://www.w3.org/XML/1998/namespace}space"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _t(el: Any) -> str:
    text = el.text or ""
    return text if el.get(_SPACE_ATTR) == "preserve" else text.strip(" \t\r\n")


def unescape(text: str) -> str:
    """Undo Excel's _xHHHH_ escapes, joining the two halves of an escaped emoji."""
    if "_x" not in text:
        return text
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _rich_text(el: Any) -> str:
    """Return the text of an <si> or <is>: its <t>, or its runs' <t>, phonetic runs left out."""
    parts = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(_t(child))
        elif tag == "r":
            parts.extend(_t(t) for t in child if _local(t.tag) == "t")
    return unescape("".join(parts))


# --- one sheet -------------------------------------------------------------------------------


def _ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def _read_sheet(
    pkg: _Package,
    part: str,
    sheet: str,
    styles: _Styles,
    strings: _SharedStrings,
    date1904: bool,
    problems: list[Problem],
    limits: bool = True,
) -> Grid:
    from lxml import etree

    grid = Grid()
    cells = grid.cells
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
                if limits and c >= MAX_COLUMNS:
                    if _raw_value(el) not in ("", None):
                        if c > grid.far[1]:
                            grid.far = (r, c)
                        if r == 0:
                            problems.append(Problem(pkg.name, (
                                f"has a header beyond column {col_letter(MAX_COLUMNS)}, the "
                                f"last column the tool reads ({MAX_COLUMNS:,} columns) — move "
                                "it left"
                            ), sheet, f"{col_letter(c + 1)}1"))  # fmt: skip
                    continue
                value = _value(el, styles, strings, date1904)
                if _empty(value):
                    continue
                if c > grid.far[1]:
                    grid.far = (r, c)
                if not limits:
                    cells.setdefault(r, {})[c] = value
                    continue
                if type(value) is str and len(value) > MAX_CELL_CHARS:
                    problems.append(Problem(pkg.name, (
                        f"holds {len(value):,} characters, more than Excel's limit of "
                        f"{MAX_CELL_CHARS:,} for one cell — shorten it"
                    ), sheet, f"{col_letter(c + 1)}{r + 1}"))  # fmt: skip
                    value = value[:200]
                row = cells.get(r)
                if row is None:
                    if len(cells) >= MAX_ROWS + 1:
                        problems.append(Problem(pkg.name, (
                            f"has more than {MAX_ROWS:,} rows holding data, the limit the tool "
                            "reads — delete the rows that are not part of your job search"
                        ), sheet, f"{r + 1}:{r + 1}"))  # fmt: skip
                        return grid
                    row = cells[r] = {}
                row[c] = value
            row_el.clear(keep_tail=False)
            parent = row_el.getparent()
            while parent is not None and row_el.getprevious() is not None:
                del parent[0]
    return grid


def _raw_value(el: Any) -> str | None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag[-2:] == "}v" or tag == "v":
            return child.text
        if tag[-3:] == "}is" or tag == "is":
            return _rich_text(child)
    return None


def _value(el: Any, styles: _Styles, strings: _SharedStrings, date1904: bool) -> Any:
    """Return a cell's value as pandas' calamine engine would, or a BadSerial."""
    t = el.get("t") or "n"
    if t == "inlineStr":
        child = next((x for x in el if _local(x.tag) == "is"), None)
        return _rich_text(child) if child is not None else ""
    raw = _raw_value(el)
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
    kind = styles.kind(el.get("s"))
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
