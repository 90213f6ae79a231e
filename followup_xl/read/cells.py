"""Turn one typed cell into a value: text, dates as users type them, emails, numbers, choices.

It accepts what users really type where the meaning is certain and raises CellError, saying
what to do, otherwise. It never guesses a date.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from .. import contract as C
from ..ooxml import unify_line_breaks
from .precheck import BadSerial
from .sniff import MAX_CELL_CHARS

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
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Excel's escape of half a character (a UTF-16 surrogate), which calamine leaves as typed.
_ESCAPED_HALF = re.compile(r"_x(D[89A-Fa-f][0-9A-Fa-f]{2})_", re.IGNORECASE)
#: Longer text is not looked at as a typed date (the longest real one has ~30 characters).
MAX_DATE_TEXT = 64


def is_blank(value: Any) -> bool:
    """Return True for an empty cell."""
    if type(value) is str:
        return not value or value.isspace()
    if value is None:
        return True
    return isinstance(value, float) and value != value  # NaN


def clean_text(value: Any) -> str:
    """Return a cell as trimmed text, joining escaped emoji halves and CR/LF pairs.

    calamine undoes Excel's _xHHHH_ escapes except those of half a character (a surrogate),
    which it leaves as typed: two halves in a row make one character again here.
    """
    if type(value) is str and "_x" not in value and "\r" not in value:
        return value.strip()  # the common case, kept fast for big workbooks
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = _ESCAPED_HALF.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):  # Excel escapes an emoji as two halves: join them again
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    text = unify_line_breaks(text)
    return text.strip()


def excerpt(text: str, limit: int = 60) -> str:
    """Return text for a message: whole when short, else its start and its length."""
    if _SURROGATE.search(text):  # printable, and as Excel stores it
        text = _SURROGATE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if len(text) <= limit:
        return text
    return f"{' '.join(text[:limit].split())}… ({len(text):,} characters)"


def plain_text_column(values: list[Any]) -> bool:
    """Return True when every cell is text that reading only trims: no escape or CR to undo,
    none longer than a cell may be, no half of a character (one test for a whole column)."""
    if not set(map(type, values)) <= {str}:
        return False
    joined = "\n".join(values)
    if "_x" in joined or "\r" in joined or max(map(len, values), default=0) > MAX_CELL_CHARS:
        return False
    return joined.isascii() or not _SURROGATE.search(joined)


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


def choice_index(col: C.Column) -> dict[str, str]:
    """Return {normalised value: allowed value} for a list column, its aliases included."""
    return {C.choice_key(k): c for k, c in (*col.aliases, *((c, c) for c in col.choices))}
