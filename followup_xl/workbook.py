"""Read the user's workbook into typed, frozen records, reporting every problem at once.

Users type dates, names and numbers by hand for months, in Excel or LibreOffice. This module
accepts what they really type where the meaning is certain, and reports everything else as a
located, fixable Problem (file, sheet, cell, column, and what to do). It never guesses a date.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from . import contract as C
from .contract import col_letter
from .errors import Problem, WorkbookError
from .model import Book, Contact, Interview, LogEntry, Profile, SheetLayout
from .sheets import BadSerial, Grid, check_members, ensure_regular_file, read_sheets

#: How many leading rows are searched for a misplaced header row.
HEADER_SEARCH_ROWS = 30
#: The reader: "stream" reads only the contract sheets' cells that hold data (sheets.py);
#: "calamine" and "openpyxl" read every sheet through pandas (benchmarks/bench_read.py).
#: No cell text counts as missing ("NA", "None", "N/A" are text a user typed).
NO_NA: list[str] = []
#: The readers: "stream" (sheets.py) or one of pandas' engines.
PandasEngine = Literal["calamine", "openpyxl"]
Engine = Literal["stream", "calamine", "openpyxl"]
DEFAULT_ENGINE: Engine = "stream"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = "open it in Excel or LibreOffice Calc and use File > Save As > Excel Workbook (.xlsx)"

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:\s+(\d{1,2}):(\d{2}))?$")
_MONTH_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%d %b. %Y",
    "%b. %d, %Y",
)
_TIME_SUFFIX = re.compile(r"^(.*?)[ T,]+(\d{1,2}):(\d{2})\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_X000D = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Longer text is not looked at as a typed date (the longest real one has ~30 characters).
MAX_DATE_TEXT = 64


# --- public API ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadResult:
    """A book and the non-blocking warnings found while reading it."""

    book: Book
    warnings: list[Problem] = field(default_factory=list)


def read_workbook(path: Path, *, engine: Engine = DEFAULT_ENGINE) -> ReadResult:
    """Read and check a workbook; raise WorkbookError listing every blocking problem."""
    path = Path(path)
    sniff(path)
    if engine == "stream":
        wanted = {C.norm_header(s) for s in C.SHEETS}
        read = read_sheets(path, wanted, C.norm_header)
        grids, names, date1904 = read.grids, read.sheet_names, read.date1904
    else:
        frames, date1904 = _load_frames(path, engine)
        grids = {n: Grid.from_frame(f) for n, f in frames.items()}
        names = list(frames)
        read = None
    reader = _Reader(path.name, grids, names)
    if read is not None:
        reader.problems.extend(read.problems)
    book = reader.build(str(path), date1904)
    blocking = [p for p in reader.problems if p.blocking]
    if blocking:
        raise WorkbookError(reader.problems)
    return ReadResult(book=book, warnings=reader.problems)


def check_workbook(path: Path, *, engine: Engine = DEFAULT_ENGINE) -> list[Problem]:
    """Return every problem (blocking and warnings) in a workbook; never raise for its content."""
    try:
        return read_workbook(path, engine=engine).warnings
    except WorkbookError as exc:
        return exc.problems


def sniff(path: Path) -> None:
    """Raise WorkbookError when the file is missing or not an .xlsx workbook, saying the fix."""
    name = path.name
    ensure_regular_file(path)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        raise WorkbookError(f"is an OpenDocument spreadsheet: {_SAVE_AS}", file=name)
    if suffix == ".csv":
        raise WorkbookError(f"is a CSV file, not a workbook: {_SAVE_AS}", file=name)
    with path.open("rb") as fh:
        head = fh.read(8)
        rest = fh.read(1 << 20) if head == _OLE_MAGIC else b""
    if not head:
        raise WorkbookError(
            "is empty (0 bytes) — restore it from a backup or create one with `followup-xl init`",
            file=name,
        )
    if head == _OLE_MAGIC:
        if _ENCRYPTION_MARK in rest:
            raise WorkbookError(
                "is protected with a password, so it cannot be read — open it, remove the "
                "password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear "
                "it; LibreOffice: File > Save As without 'Save with password') and save",
                file=name,
            )
        raise WorkbookError(f"is an old Excel 97-2003 (.xls) workbook: {_SAVE_AS}", file=name)
    if head[:4] != _ZIP_MAGIC:
        kind = "a text or CSV file" if _looks_like_text(head) else "not an Excel workbook"
        raise WorkbookError(
            f"is {kind}, although it is named {suffix or 'without a suffix'}: {_SAVE_AS}", file=name
        )
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf, name)
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                raise WorkbookError(f"is an OpenDocument spreadsheet: {_SAVE_AS}", file=name)
            if not any(n.endswith("workbook.xml") for n in names):
                raise WorkbookError(
                    f"is a ZIP file but not an Excel workbook: {_SAVE_AS}", file=name
                )
            bad = zf.testzip()
            if bad:
                raise WorkbookError(
                    f"is damaged ({bad} is corrupt) — restore it from a backup", file=name
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            "is damaged or incomplete (perhaps a copy that did not finish) — restore it from a "
            "backup, or open it in Excel or LibreOffice, which may repair it, and save it again",
            file=name,
        ) from exc


# --- loading -------------------------------------------------------------------------------


def _looks_like_text(head: bytes) -> bool:
    """Return True when the first bytes look like text (a CSV renamed to .xlsx)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 9 for b in head)


def _load_frames(path: Path, engine: PandasEngine) -> tuple[dict[str, Any], bool]:
    """Return {sheet name: DataFrame of raw cell values from A1} and the 1904 flag."""
    import pandas as pd

    try:
        frames = pd.read_excel(
            path,
            sheet_name=None,
            header=None,
            dtype=object,
            keep_default_na=False,  # "NA", "None", "N/A" are text a user typed, not blanks
            na_values=NO_NA,
            engine=engine,
        )
    except WorkbookError:
        raise
    except Exception as exc:  # the engines raise many types for broken packages
        raise WorkbookError(
            f"cannot be read as a workbook ({type(exc).__name__}: {exc}) — open it in Excel or "
            "LibreOffice Calc and save it again as .xlsx",
            file=path.name,
        ) from exc
    return frames, _is_1904(path)


def _is_1904(path: Path) -> bool:
    """Return True for a workbook in the 1904 date system (the engines already convert)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.endswith("workbook.xml")), None)
            xml = zf.read(name)[:4000] if name else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return re.search(rb"date1904\s*=\s*[\"'](1|true)[\"']", xml) is not None


# --- cell conversion -----------------------------------------------------------------------


def _blank(value: Any) -> bool:
    """Return True for an empty cell."""
    if type(value) is str:
        return not value or value.isspace()
    if value is None:
        return True
    return isinstance(value, float) and value != value  # NaN


def clean_text(value: Any) -> str:
    """Return a cell as trimmed text, undoing Excel's _xHHHH_ escapes and CR/LF pairs."""
    if type(value) is str and "_x" not in value and "\r" not in value:
        return value.strip()  # the common case, kept fast for big workbooks
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = _X000D.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):  # Excel escapes an emoji as two halves: join them again
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def excerpt(text: str, limit: int = 60) -> str:
    """Return text for a message: whole when short, else its start and its length."""
    if _SURROGATE.search(text):  # printable, and as Excel stores it
        text = _SURROGATE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if len(text) <= limit:
        return text
    return f"{' '.join(text[:limit].split())}… ({len(text):,} characters)"


def check_encodable(text: str) -> str:
    """Return text unchanged; raise CellError when it holds half of a character."""
    if _SURROGATE.search(text):
        raise CellError(
            "holds half of a character (a lone surrogate, stored as _xD83D_ or similar): an "
            "emoji or symbol was cut in two — delete it or type the character again"
        )
    return text


class CellError(ValueError):
    """A cell value that cannot be converted; the message says how to fix it."""


def parse_date(value: Any, *, allow_time: bool = False) -> tuple[date, time | None]:
    """Return (date, time or None) from a cell; raise CellError for anything uncertain."""
    if isinstance(value, datetime):
        t = value.time()
        return value.date(), (t.replace(microsecond=0) if allow_time and t != time(0) else None)
    if isinstance(value, date):
        return value, None
    if isinstance(value, time):
        raise CellError(
            "is a time of day without a date — type the date too, e.g. 2026-11-23 10:00"
        )
    if isinstance(value, timedelta):
        raise CellError("is a duration, not a date — type it as YYYY-MM-DD")
    if isinstance(value, BadSerial):
        raise CellError(f"{value.why} — type the real date as YYYY-MM-DD (e.g. 2026-11-23)")
    if isinstance(value, (bool, int | float)):
        raise CellError(
            "is a plain number, not a date — format the cell as a date or type it as YYYY-MM-DD"
        )
    text = clean_text(value)
    day, at = _parse_date_text(text, allow_time=allow_time)
    if day.year < 1900:  # Excel's dates start in 1900; 0226-11-23 is a typo for 2026
        raise CellError(
            "is before 1900, where Excel's dates begin — check the year and type it as "
            "YYYY-MM-DD (e.g. 2026-11-23)"
        )
    return day, at


def _parse_date_text(text: str, *, allow_time: bool) -> tuple[date, time | None]:
    """Parse a typed date: ISO, or with an English month name; never guess day/month order."""
    hint = "type it as YYYY-MM-DD (e.g. 2026-11-23) or pick it from the calendar"
    if len(text) > MAX_DATE_TEXT:  # and the patterns below never see a 32,767-character cell
        raise CellError(f"is not a date — {hint}")
    m = _ISO_DATE.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = date(y, mo, d)
        except ValueError:
            raise CellError(f"is not a real date ({_impossible(y, mo, d)}) — {hint}") from None
        if m[4] is None:
            return day, None
        return day, _checked_time(int(m[4]), int(m[5]), allow_time)
    m = _SLASH_DATE.match(text)
    if m:
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4:  # 2026/11/23 is year-month-day everywhere
            try:
                day = date(int(a), int(b), int(c))
            except ValueError:
                raise CellError(f"is not a real date — {hint}") from None
        else:
            first, second, year = int(a), int(b), int(c)
            if len(c) != 4:
                raise CellError(f"has a two-digit year — {hint}")
            readings = []
            for dd, mm in ((first, second), (second, first)):
                with contextlib.suppress(ValueError):
                    readings.append(date(year, mm, dd))
            if not readings:
                raise CellError(f"is not a real date — {hint}")
            if len(set(readings)) > 1:
                raise CellError(f"could be {readings[0]:%d %B} or {readings[1]:%d %B} — {hint}")
            # Unambiguous (e.g. 23/11/2026), but only one reading is valid; still ask for
            # clarity when one part is impossible as a month: accept it.
            day = readings[0]
        t = _checked_time(int(m[4]), int(m[5]), allow_time) if m[4] else None
        return day, t
    body, t = text, None
    tm = _TIME_SUFFIX.match(text)
    if tm and allow_time:
        body = tm[1]
        hour, minute = int(tm[2]), int(tm[3])
        if tm[4]:
            pm = tm[4].lower().startswith("p")
            if not 1 <= hour <= 12:
                raise CellError(f"has an impossible time — {hint}")
            hour = hour % 12 + (12 if pm else 0)
        t = _checked_time(hour, minute, allow_time)
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(body, fmt).date(), t
        except ValueError:
            continue
    raise CellError(f"is not a date — {hint}")


def _checked_time(hour: int, minute: int, allow_time: bool) -> time | None:
    """Return a valid time of day, or raise CellError."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise CellError("has an impossible time — type it as YYYY-MM-DD HH:MM")
    return time(hour, minute) if allow_time else None


def _impossible(y: int, mo: int, d: int) -> str:
    """Explain why year-month-day is impossible."""
    if not 1 <= y <= 9999:
        return f"there is no year {y}; Excel's dates run from 1900 to 9999"
    if not 1 <= mo <= 12:
        return f"there is no month {mo}"
    return f"{date(y, mo, 1):%B} {y} has no day {d}"


def parse_email(value: Any) -> str:
    """Return one email address from a cell; raise CellError for anything else."""
    from email.headerregistry import Address

    text = check_encodable(clean_text(value))
    problem = CellError(
        "is not one email address — type a single address such as ann.lee@example.com, "
        "without a name or a second address"
    )
    if len(text) > 254:
        raise problem
    try:
        address = Address(addr_spec=text)
    except Exception:  # the parser raises several kinds for malformed addresses
        raise problem from None
    domain = address.domain
    if '"' in text or "." not in domain or domain.startswith("[") or domain.endswith("."):
        raise problem
    return text


def parse_int(value: Any) -> int:
    """Return a whole number from a cell; raise CellError for text or fractions."""
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a number of days")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("is not a whole number — type whole days, e.g. 45")
        n = int(value)
    else:
        text = clean_text(value)
        rng = re.match(r"^(\d+)\s*(?:-|–|to)\s*(\d+)", text)
        if rng:
            mid = (int(rng[1]) + int(rng[2])) // 2
            raise CellError(f"is a range — type one number of days, e.g. {mid} for {text}")
        if not re.fullmatch(r"\d+", text):
            raise CellError("is text, not a number — type a whole number of days, e.g. 45")
        if len(text) > 9:  # int() refuses 4,300 digits and more; no timeline is that long
            raise CellError("is far too large — type a whole number of days, e.g. 45")
        n = int(text)
    if n < 0:
        raise CellError("is negative — type a number of days, e.g. 45")
    return n


def closest(value: str, choices: Sequence[str]) -> str | None:
    """Return the allowed value closest to what was typed, or None."""
    lowered = {c.casefold(): c for c in choices}
    hit = difflib.get_close_matches(value.casefold(), list(lowered), n=1, cutoff=0.5)
    if hit:
        return lowered[hit[0]]
    for c in choices:  # "filled" -> "Position Filled", "yes please" -> "Yes"
        if value.casefold() in c.casefold() or c.casefold() in value.casefold().split():
            return c
    return None


@functools.cache
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    """Return {normalised value: allowed value} for a list column."""
    return {C.norm_header(c): c for c in choices}


# --- the reader ----------------------------------------------------------------------------


class _Reader:
    """Collect records and problems from the raw frames of one workbook."""

    def __init__(self, file: str, grids: dict[str, Grid], names: Sequence[str]) -> None:
        self.file = file
        self.grids = grids
        self.names = list(names)
        self.problems: list[Problem] = []
        self.layouts: dict[str, SheetLayout] = {}
        self.country = "US"
        self.profile_sheet: str | None = None

    def problem(
        self, message: str, sheet: str | None = None, cell: str | None = None, blocking: bool = True
    ) -> None:
        """Record one located problem."""
        self.problems.append(Problem(self.file, message, sheet, cell, blocking))

    # sheets and headers

    def sheet(self, canonical: str) -> tuple[str, Grid] | None:
        """Return (actual name, grid) of a contract sheet, matched like headers."""
        for name, grid in self.grids.items():
            if C.norm_header(name) == C.norm_header(canonical):
                return name, grid
        found = ", ".join(self.names) or "none"
        self.problem(
            f'has no sheet named "{canonical}" (sheets found: {found}) — add it, or rename the '
            f"sheet that holds it; `followup-xl init new.xlsx` shows the expected layout"
        )
        return None

    def header(
        self, sheet: str, frame: Any, columns: Sequence[C.Column]
    ) -> tuple[dict[str, int], int] | None:
        """Map canonical column names to 0-based positions in row 1; report a misplaced header."""
        wanted = {C.norm_header(c.name): c.name for c in columns}
        nrows = frame.nrows
        row0 = [C.norm_header(v) if not _blank(v) else "" for v in frame.row(0)]
        if not any(h in wanted for h in row0):
            for r in range(1, min(nrows, HEADER_SEARCH_ROWS)):
                cells = [C.norm_header(v) for v in frame.row(r) if not _blank(v)]
                if sum(1 for h in cells if h in wanted) >= 2:
                    self.problem(
                        f"row {r + 1} looks like the header row, but headers must be in row 1 — "
                        f"delete the {r} row(s) above it",
                        sheet,
                        f"A{r + 1}",
                    )
                    return None
            expected = ", ".join(c.name for c in columns)
            self.problem(
                f"row 1 has none of the expected headers ({expected}) — type them in row 1",
                sheet,
                "A1",
            )
            return None
        positions: dict[str, int] = {}
        last = 0
        marks = {C.norm_header(m) for m in C.MARK_COLUMNS}
        for i, h in enumerate(row0):
            if not h:
                continue
            if h not in marks:
                last = i + 1
            if h in wanted:
                name = wanted[h]
                if name in positions:
                    first = col_letter(positions[name] + 1)
                    self.problem(
                        f'column "{name}" appears twice ({first}1 and '
                        f"{col_letter(i + 1)}1) — delete or rename one",
                        sheet,
                        f"{col_letter(i + 1)}1",
                    )
                    continue
                positions[name] = i
        found = ", ".join(excerpt(clean_text(v), 40) for v in frame.row(0) if not _blank(v))
        # Every column a rule reads must be there; an optional one (README) reads as empty.
        missing = [c.name for c in columns if c.name not in positions and not c.optional]
        if len(missing) == 1:
            self.problem(
                f'has no column "{missing[0]}" in row 1 (found: {found}) — add it', sheet, "1:1"
            )
        elif missing:
            names = ", ".join(f'"{m}"' for m in missing)
            self.problem(
                f"has no columns {names} in row 1 (found: {found or 'none'}) — add them; "
                "`followup-xl init new.xlsx` shows every header",
                sheet,
                "1:1",
            )
        for col in columns:
            if col.optional and col.name not in positions:
                self.problem(
                    f'has no column "{col.name}"; it is treated as empty — add it to use it',
                    sheet,
                    "1:1",
                    blocking=False,
                )
        if missing:
            return None
        return positions, last

    def rows(
        self, sheet: str, frame: Any, positions: dict[str, int]
    ) -> Iterable[tuple[int, dict[str, Any]]]:
        """Yield (Excel row, {column: raw value}) for each non-blank data row."""
        for r, cells in frame.data_rows():
            raw = {name: cells.get(i, "") for name, i in positions.items()}
            if all(_blank(v) for v in raw.values()):
                continue
            yield r + 1, raw

    # typed cells

    def convert(self, sheet: str, row: int, pos: int, col: C.Column, value: Any) -> Any:
        """Convert one cell by its contract type, recording a problem when it cannot."""
        try:
            if _blank(value):
                if col.required:
                    raise CellError(f"is empty, but every row needs a {col.name}")
                return None
            if col.kind == C.DATE:
                return parse_date(value)[0]
            if col.kind == C.DATETIME:
                return parse_date(value, allow_time=True)
            if col.kind == C.INTEGER:
                return parse_int(value)
            if col.kind == C.LIST:
                return self.choice(value, col)
            if col.kind == C.EMAIL:
                return parse_email(value)
            return check_encodable(self.text(value, col))
        except CellError as exc:
            label = col.name if _blank(value) else f'{col.name} "{excerpt(clean_text(value))}"'
            self.problem(f"{label} {exc}", sheet, f"{col_letter(pos + 1)}{row}")
            return None

    def choice(self, value: Any, col: C.Column) -> str:
        """Return the allowed value typed (any case), or raise CellError with a suggestion."""
        text = check_encodable(clean_text(value))
        hit = _choice_index(col.choices).get(C.norm_header(text))
        if hit:
            return hit
        near = closest(text, col.choices)
        allowed = ", ".join(col.choices)
        tip = f'did you mean "{near}"? Pick' if near else "pick"
        raise CellError(f"is not in the list — {tip} one of: {allowed}")

    def text(self, value: Any, col: C.Column) -> str:
        """Return text, restoring the leading zeros of ZIP codes stored as numbers."""
        if isinstance(value, datetime | date | time) and col.keep_text:
            raise CellError(
                "was turned into a date by the spreadsheet — format the column as "
                "Text and type it again"
            )
        text = clean_text(value)
        if (
            col.keep_text
            and "ZIP" in col.name
            and isinstance(value, int | float)
            and self.country == "US"
            and text.isdigit()
            and len(text) < 5
        ):
            text = text.zfill(5)
        return text

    def typed_rows(
        self, canonical: str, sheet: str, frame: Any, columns: Sequence[C.Column]
    ) -> list[tuple[int, dict[str, Any]]]:
        """Return (row, {column: typed value}) for a contract sheet, recording problems."""
        head = self.header(sheet, frame, columns)
        if head is None:
            return []
        positions, last = head
        by_name = {c.name: c for c in columns}
        out = []
        for row, raw in self.rows(sheet, frame, positions):
            typed = {
                name: self.convert(sheet, row, positions[name], by_name[name], v)
                for name, v in raw.items()
            }
            out.append((row, typed))
        self.layouts[canonical] = SheetLayout(
            name=sheet,
            header_row=1,
            columns={name: i + 1 for name, i in positions.items()},
            last_column=last,
            data_rows=tuple(r for r, _ in out),
        )
        return out

    # the four sheets

    def profile(self) -> Profile:
        """Read the Field/Value Profile sheet."""
        found = self.sheet(C.PROFILE_SHEET)
        if not found:
            return Profile()
        name, frame = found
        head = self.header(name, frame, C.PROFILE_COLUMNS)
        if head is None:
            return Profile()
        positions, _ = head
        fields = {C.norm_header(f): f for f in C.PROFILE_FIELDS}
        values: dict[str, str] = {}
        value_pos = positions.get("Value")
        for row, raw in self.rows(name, frame, positions):
            key = C.norm_header(clean_text(raw["Field"]))
            if key not in fields:
                continue
            v = raw.get("Value")
            if isinstance(v, datetime | date) and fields[key] in {"ZIP", "Phone", "Cell"}:
                self.problem(
                    f"{fields[key]} was turned into a date by the spreadsheet — format "
                    "the cell as Text and type it again",
                    name,
                    f"{col_letter((value_pos or 0) + 1)}{row}",
                )
                continue
            text = clean_text(v)
            try:
                check_encodable(text)
                values[fields[key]] = parse_email(text) if fields[key] == "Email" and text else text
            except CellError as exc:
                cell = f"{col_letter((value_pos or 0) + 1)}{row}"
                self.problem(f'{fields[key]} "{excerpt(text)}" {exc}', name, cell)
        country = (values.get("Country") or "US").upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            self.problem(
                f'Country "{values.get("Country")}" is not a two-letter ISO code '
                "(US, GB, DE, …) — US is used",
                name,
                None,
                blocking=False,
            )
            country = "US"
        self.country = country
        zip_code = values.get("ZIP", "")
        if country == "US" and zip_code.isdigit() and len(zip_code) < 5:
            zip_code = zip_code.zfill(5)
        self.profile_sheet = name
        return Profile(
            name=values.get("Name", ""),
            street=values.get("Street", ""),
            city=values.get("City", ""),
            state=values.get("State", ""),
            zip=zip_code,
            phone=values.get("Phone", ""),
            cell=values.get("Cell", ""),
            email=values.get("Email", ""),
            country=country,
        )

    def interviews(self) -> list[Interview]:
        """Read the Interviews sheet."""
        found = self.sheet(C.INTERVIEWS_SHEET)
        if not found:
            return []
        name, frame = found
        out = []
        for row, v in self.typed_rows(C.INTERVIEWS_SHEET, name, frame, C.INTERVIEW_COLUMNS):
            when = v.get("Interview Date") or (None, None)
            enclosures = tuple(
                e.strip() for e in re.split(r"[;\n]", v.get("Enclosures") or "") if e.strip()
            )
            out.append(
                Interview(
                    row=row,
                    interview_id=v.get("Interview ID") or "",
                    company=v.get("Company") or "",
                    position=v.get("Position") or "",
                    interview_date=when[0],
                    interview_time=when[1],
                    status=v.get("Status") or "Scheduled",
                    want_job=v.get("Want Job") or "Yes",
                    decision_expected=v.get("Decision Expected"),
                    callback_expected=v.get("Callback Expected"),
                    hiring_timeline_days=v.get("Hiring Timeline Days"),
                    company_street=v.get("Company Street") or "",
                    company_city=v.get("Company City") or "",
                    company_state=v.get("Company State") or "",
                    company_zip=v.get("Company ZIP") or "",
                    strengths=v.get("Strengths") or "",
                    forgot_to_mention=v.get("Forgot To Mention") or "",
                    enclosures=enclosures,
                    notes=v.get("Notes") or "",
                )
            )
        self.unique(C.INTERVIEWS_SHEET, [(iv.row, iv.interview_id) for iv in out], "Interview ID")
        return out

    def contacts(self) -> list[Contact]:
        """Read the Contacts sheet."""
        found = self.sheet(C.CONTACTS_SHEET)
        if not found:
            return []
        name, frame = found
        out = []
        for row, v in self.typed_rows(C.CONTACTS_SHEET, name, frame, C.CONTACT_COLUMNS):
            out.append(
                Contact(
                    row=row,
                    contact_id=v.get("Contact ID") or "",
                    interview_id=v.get("Interview ID") or "",
                    role=v.get("Role") or "Interviewer",
                    honorific=v.get("Honorific") or "",
                    first_name=v.get("First Name") or "",
                    last_name=v.get("Last Name") or "",
                    job_title=v.get("Job Title") or "",
                    organization=v.get("Organization") or "",
                    street=v.get("Street") or "",
                    city=v.get("City") or "",
                    state=v.get("State") or "",
                    zip=v.get("ZIP") or "",
                    email=v.get("Email") or "",
                    phone=v.get("Phone") or "",
                    fax=v.get("Fax") or "",
                    preferred_channel=v.get("Preferred Channel") or "",
                    personal_note=v.get("Personal Note") or "",
                    notes=v.get("Notes") or "",
                )
            )
        self.unique(C.CONTACTS_SHEET, [(c.row, c.contact_id) for c in out], "Contact ID")
        return out

    def log(self) -> list[LogEntry]:
        """Read the Log sheet."""
        found = self.sheet(C.LOG_SHEET)
        if not found:
            return []
        name, frame = found
        out = []
        for row, v in self.typed_rows(C.LOG_SHEET, name, frame, C.LOG_COLUMNS):
            if v.get("Date") is None or v.get("Action") is None:
                continue  # already reported
            out.append(
                LogEntry(
                    row=row,
                    date=v["Date"],
                    action=v["Action"],
                    interview_id=v.get("Interview ID") or "",
                    contact_id=v.get("Contact ID") or "",
                    outcome=v.get("Outcome") or "",
                )
            )
        return out

    # cross-sheet checks

    def unique(self, canonical: str, ids: list[tuple[int, str]], column: str) -> None:
        """Report an ID used by more than one row."""
        seen: dict[str, int] = {}
        layout = self.layouts.get(canonical)
        if layout is None:
            return
        sheet, pos = layout.name, layout.columns[column]
        for row, ident in ids:
            if not ident:
                continue
            key = ident.casefold()
            if key in seen:
                self.problem(
                    f'{column} "{excerpt(ident)}" is already used in row {seen[key]} — IDs must '
                    "be unique; rename one",
                    sheet,
                    f"{col_letter(pos)}{row}",
                )
            else:
                seen[key] = row

    def links(
        self, interviews: list[Interview], contacts: list[Contact], log: list[LogEntry]
    ) -> None:
        """Report contacts and log rows that point at IDs that do not exist."""
        iv_ids = {iv.interview_id for iv in interviews}
        ct_ids = {c.contact_id for c in contacts}

        def check(
            canonical: str, row: int, column: str, ident: str, known: set[str], target: str
        ) -> None:
            if not ident or ident in known:
                return
            layout = self.layouts[canonical]
            sheet, pos = layout.name, layout.columns.get(column, 1)
            near = closest(ident, sorted(known))
            tip = f'did you mean "{excerpt(near)}"? ' if near else ""
            self.problem(
                f'{column} "{excerpt(ident)}" is not on the {target} sheet — {tip}Fix the ID or '
                f"add that row to {target}",
                sheet,
                f"{col_letter(pos)}{row}",
            )

        for c in contacts:
            check(
                C.CONTACTS_SHEET, c.row, "Interview ID", c.interview_id, iv_ids, C.INTERVIEWS_SHEET
            )
        for e in log:
            check(C.LOG_SHEET, e.row, "Interview ID", e.interview_id, iv_ids, C.INTERVIEWS_SHEET)
            check(C.LOG_SHEET, e.row, "Contact ID", e.contact_id, ct_ids, C.CONTACTS_SHEET)

    def build(self, path: str, date1904: bool) -> Book:
        """Read every sheet and cross-check them."""
        profile = self.profile()
        interviews = self.interviews()
        contacts = self.contacts()
        log = self.log()
        self.links(interviews, contacts, log)
        if interviews and not profile.name and self.profile_sheet:
            self.problem(
                "has no Name — type your name in the Value column beside Name; every letter "
                "is signed with it",
                self.profile_sheet,
            )
        return Book(
            path=path,
            profile=profile,
            interviews=tuple(interviews),
            contacts=tuple(contacts),
            log=tuple(log),
            layouts=dict(self.layouts),
            date1904=date1904,
        )
