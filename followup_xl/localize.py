"""Dates, lists and paper in the style of the user's country (Profile Country).

Letters are written in English; only the order of the parts follows the country: Babel's
English locale for that country ("en_US", "en_GB", "en_DE", …) gives the date and list style,
falling back to international English ("en_001") for countries Babel has no English locale for.
The tool's own texts (the Why, the console) write dates one way in every country (fmt_date).
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Countries that print on US Letter paper (with #10 envelopes and US cards: letters/paper.py);
#: everyone else uses A4 (with DL envelopes and A6 cards).
LETTER_PAPER = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR"})


def fmt_date(day: date) -> str:
    """Format a date as the tool's own texts write it (the Why, the console, the calendar's
    notes), 'Mon 23 Nov 2026': the same in every locale, no day and month to mistake."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def country_code(country: str) -> str:
    """Return the upper-case ISO code of a country ("us" -> "US", "Germany" -> "DE"; blank -> "US").

    A name or three-letter code is looked up in ISO 3166-1 (data/countries.txt) and a few
    everyday forms ("Saint Helena", "St. Lucia", "Ivory Coast", "The Netherlands"); an unknown
    one comes back as typed (upper case), so the caller can say it is unknown.
    """
    code = " ".join((country or "").split()).upper()
    if len(code) > 2:
        code = _ENGLISH_NAMES.get(_fold_name(code), code)
    return "GB" if code == "UK" else (code or "US")


def iso_name(code: str) -> str:
    """Return the everyday English name ISO 3166-1 gives a country code ("" when unknown)."""
    return _ISO_TABLE.get(code, ("",))[-1]


def _fold_name(name: str) -> str:
    """Fold a country name for look-up: case, accents, apostrophes, "&", "St", a leading "The"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("\u2019", "'").replace("&", " and ").replace(".", " ")
    plain = " ".join(plain.split()).removeprefix("the ")
    return re.sub(r"^st ", "saint ", plain)


#: Everyday names ISO 3166-1 writes otherwise (older names, short forms).
_OTHER_NAMES = {
    "usa": "US", "united states of america": "US", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "great britain": "GB", "holland": "NL",
    "turkey": "TR", "ivory coast": "CI", "dr congo": "CD", "korea": "KR",
    "north korea": "KP", "palestine": "PS", "uae": "AE", "swaziland": "SZ", "cabo verde": "CV",
    "east timor": "TL", "macau": "MO", "vatican": "VA", "vatican city": "VA", "burma": "MM",
    "russia": "RU", "laos": "LA", "syria": "SY", "iran": "IR", "moldova": "MD",
    "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE", "brunei": "BN", "micronesia": "FM",
    "hong kong sar china": "HK", "macao sar china": "MO",
}  # fmt: skip


def _read_iso_table() -> dict[str, tuple[str, ...]]:
    """Return {alpha-2 code: (alpha-3 code, ISO's English names...)} from data/countries.txt."""
    text = files("followup_xl").joinpath("data/countries.txt").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if not line.startswith("#"))
    return {row[0]: tuple(row[1:]) for row in rows if len(row) > 2}


def _english_names(iso_table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Return {folded country name: ISO code}: ISO 3166-1's names and alpha-3 codes, their
    inverted forms read the usual way ("Korea, Republic of" is also "Republic of Korea"), the
    part before a comma where only one country has it ("Saint Helena"), and everyday names."""
    names: dict[str, str] = {}
    first_parts: dict[str, set[str]] = {}
    for code, (alpha3, *iso_names) in iso_table.items():
        names[alpha3.casefold()] = code
        for name in iso_names:
            names.setdefault(_fold_name(name), code)
            head, comma, tail = name.partition(", ")
            if not comma:
                continue
            if re.search(r"\bof( the)?$", tail):  # "Congo, The Democratic Republic of the"
                names.setdefault(_fold_name(f"{tail} {head}"), code)
            first_parts.setdefault(_fold_name(head), set()).add(code)
    for head, codes in first_parts.items():
        owners = codes | ({names[head]} if head in names else set())
        if len(owners) == 1:
            names[head] = owners.pop()
        else:  # "Congo" and "Korea" name two countries: the user must say which
            names.pop(head, None)
    names.update(_OTHER_NAMES)
    return names


#: The package's country tables, read once when the module is imported (a few milliseconds):
#: constants of the install, the same for every run.
_ISO_TABLE = _read_iso_table()
_ENGLISH_NAMES = _english_names(_ISO_TABLE)


def locale_for(country: str) -> str:
    """Return the Babel locale that writes English the way `country` does: "en_" and its
    code where Babel has that locale, else international English, "en_001"."""
    from babel import localedata

    name = f"en_{country_code(country)}"
    try:
        return name if localedata.exists(name) else "en_001"
    except ValueError:  # a typed country Babel refuses as a file name ("../x")
        return "en_001"


class Dates:
    """Days written in one country's style for one run (a call sheet, a batch of letters),
    each day once: a call sheet names thousands of calls on a few days, and Babel takes a
    third of a millisecond a date."""

    def __init__(self, country: str, today: date) -> None:
        from babel import Locale

        self.today = today
        self.locale = Locale.parse(locale_for(country))
        full = self.locale.date_formats["full"].pattern
        #: the full date's pattern without its year ("EEEE, MMMM d" in the US)
        self._this_year = re.sub(r"[,.\s]*\by+\b[,.]?", "", full).strip(" ,")
        self._written: dict[date, str] = {}

    def long(self, day: date) -> str:
        """Return the date line of a letter: "November 25, 2026" (US), "25 November 2026" (GB)."""
        from babel.dates import format_date

        return format_date(day, "long", locale=self.locale)

    def weekday(self, day: date) -> str:
        """Return "Tuesday, November 24" (US) or "Tuesday 24 November" (GB); the year only
        when it is not the year of today."""
        written = self._written.get(day)
        if written is None:
            from babel.dates import format_date

            pattern = "full" if day.year != self.today.year else self._this_year
            written = self._written[day] = format_date(day, pattern, locale=self.locale)
        return written


def join_list(items: list[str] | tuple[str, ...], country: str) -> str:
    """Join items as a sentence does: "a, b, and c" (US) or "a, b and c" (GB)."""
    from babel.lists import format_list

    items = [i for i in items if i]
    if not items:
        return ""
    return format_list(list(items), locale=locale_for(country))


#: Senders who write English the British way: "Dear Dr Lee," / "Yours sincerely,", British
#: spelling, documents tagged en-GB. Everyone else writes as in the US: "Dear Dr. Lee:" /
#: "Sincerely,", en-US.
BRITISH_STYLE = frozenset(
    {
        "GB", "IE", "AU", "NZ", "ZA", "IN", "SG", "HK", "MY", "MT", "CY", "KE", "NG", "GH", "UG",
        "TZ", "ZM", "ZW", "BW", "NA", "JM", "TT", "BB", "BS", "JE", "GG", "IM", "GI", "FK", "PK",
        "LK", "BD",
    }
)  # fmt: skip


def british(country: str) -> bool:
    """Return True when the sender's country writes English letters the British way."""
    return country_code(country) in BRITISH_STYLE


def language_tag(country: str) -> str:
    """Return the language a letter is tagged with for Word's spelling: "en-GB" or "en-US"."""
    return "en-GB" if british(country) else "en-US"


def cell_label(country: str) -> str:
    """Return what the country calls a cell phone in a sender block: "Cell" or "Mobile"."""
    return "Cell" if country_code(country) in {"US", "CA", "PR", "PH", "MX"} else "Mobile"


def paper_size(country: str) -> str:
    """Return "letter" or "a4" for the country's usual paper."""
    return "letter" if country_code(country) in LETTER_PAPER else "a4"
