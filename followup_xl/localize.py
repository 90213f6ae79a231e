"""Dates, lists and paper in the style of the user's country (Profile Country).

Letters are written in English; only the order of the parts follows the country: Babel's
English locale for that country ("en_US", "en_GB", "en_DE", …) gives the date and list style,
falling back to international English ("en_001") for countries Babel has no English locale for.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from functools import lru_cache

#: Countries that print on US Letter paper (with #10 envelopes and US cards: letters/paper.py);
#: everyone else uses A4 (with DL envelopes and A6 cards).
LETTER_PAPER = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR"})


def country_code(country: str) -> str:
    """Return the upper-case ISO code of a country ("us" -> "US", "Germany" -> "DE"; blank -> "US").

    An English name is looked up in Babel's territory names and their everyday forms ("Hong
    Kong", "Saint Helena", "Cote d'Ivoire", "The Netherlands"); an unknown one comes back as
    typed (upper case), so the caller can say it is unknown.
    """
    code = " ".join((country or "").split()).upper()
    if len(code) > 2:
        code = _english_names().get(_fold_name(code), code)
    return "GB" if code == "UK" else (code or "US")


def _fold_name(name: str) -> str:
    """Fold a country name for look-up: case, accents, apostrophes, "&", a leading "The"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("\u2019", "'").replace("&", " and ").replace(".", " ")
    plain = " ".join(plain.split())
    return plain.removeprefix("the ")


#: Everyday names Babel's English list writes otherwise (ISO 3166 short names, older names).
_OTHER_NAMES = {
    "usa": "US", "united states of america": "US", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "great britain": "GB", "holland": "NL",
    "czech republic": "CZ", "turkey": "TR", "ivory coast": "CI",
    "democratic republic of the congo": "CD", "dr congo": "CD", "republic of the congo": "CG",
    "korea": "KR", "republic of korea": "KR", "south korea": "KR", "north korea": "KP",
    "palestine": "PS", "uae": "AE", "swaziland": "SZ", "viet nam": "VN", "cabo verde": "CV",
    "east timor": "TL", "macau": "MO", "vatican": "VA", "vatican city": "VA",
    "saint vincent and the grenadines": "VC", "russian federation": "RU",
}  # fmt: skip


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """Return {folded country name: ISO code}: Babel's English names, their parts ("Myanmar
    (Burma)" is also "Myanmar" and "Burma", "Hong Kong SAR China" also "Hong Kong",
    "St. Helena" also "Saint Helena"), and a few everyday names."""
    from babel import Locale

    names: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if len(code) != 2 or not code.isalpha():
            continue
        forms = {name, re.sub(r"\s+SAR China$", "", name)}
        for parts in re.findall(r"^(.*?) \((.*)\)$", name):  # "Myanmar (Burma)"
            forms.update(parts)
        for form in forms:
            folded = _fold_name(form)
            names.setdefault(folded, code)
            if folded.startswith("st "):  # Babel's "St. Helena": "Saint Helena" too
                names.setdefault("saint " + folded[3:], code)
    names.update(_OTHER_NAMES)
    return names


@lru_cache(maxsize=64)
def locale_for(country: str) -> str:
    """Return the Babel locale that writes English the way `country` does."""
    from babel import Locale, UnknownLocaleError

    code = country_code(country)
    try:
        Locale.parse(f"en_{code}")
    except (UnknownLocaleError, ValueError):
        return "en_001"
    return f"en_{code}"


def long_date(day: date, country: str) -> str:
    """Return the date line of a letter: "November 25, 2026" (US), "25 November 2026" (GB)."""
    from babel.dates import format_date

    return format_date(day, "long", locale=locale_for(country))


@functools.lru_cache(maxsize=4096)
def weekday_date(day: date, country: str, today: date | None = None) -> str:
    """Return "Tuesday, November 24" (US) or "Tuesday 24 November" (GB); the year only when
    it is not the year of `today`."""
    from babel import Locale
    from babel.dates import format_date

    locale = locale_for(country)
    if today is not None and day.year != today.year:
        return format_date(day, "full", locale=locale)
    pattern = Locale.parse(locale).date_formats["full"].pattern
    without_year = re.sub(r"[,.\s]*\by+\b[,.]?", "", pattern).strip(" ,")
    return format_date(day, without_year, locale=locale)


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
