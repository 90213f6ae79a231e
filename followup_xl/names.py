"""How a letter names its recipient: the name line of the address and the salutation.

Honorifics are read as people write them (contract.HONORIFICS and its aliases); each has its
own salutation ("Dear Sir Anthony", "Dear Professor Müller", "Dear Lord Sugar") and is
written the British way (Dr Lee) or the American way (Dr. Lee) by the sender's country.

A name typed in Japanese, Chinese or Korean characters is printed family name first, with the
honorific the script's readers put after a name (佐藤 花子 様, 王伟女士, 김민준 님). An English
salutation cannot be made from those characters: until the workbook records the name in Latin
letters, the letter greets the contact by job title ("Dear Hiring Manager,") and the batch
reports an R2 finding asking for the Latin form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import localize


@dataclass(frozen=True)
class Honorific:
    """How one honorific is written: in the name line and the salutation, US and British."""

    line_us: str
    line_gb: str
    greet_us: str
    greet_gb: str
    #: the name the salutation takes: "last" (Dr. Lee), "first" (Sir Anthony) or "peer"
    #: (Lord Sugar: the title's name in the name line and the salutation alike)
    by: str = "last"


#: Every honorific of the contract's list (its values as the reader returns them).
HONORIFICS: dict[str, Honorific] = {
    "Mr.": Honorific("Mr.", "Mr", "Mr.", "Mr"),
    "Ms.": Honorific("Ms.", "Ms", "Ms.", "Ms"),
    "Mrs.": Honorific("Mrs.", "Mrs", "Mrs.", "Mrs"),
    "Miss": Honorific("Miss", "Miss", "Miss", "Miss"),
    "Mx.": Honorific("Mx.", "Mx", "Mx.", "Mx"),
    "Dr.": Honorific("Dr.", "Dr", "Dr.", "Dr"),
    # a professor is greeted in full on both sides of the Atlantic: "Dear Professor Lee"
    "Prof.": Honorific("Prof.", "Professor", "Professor", "Professor"),
    # German and Austrian academics write their two titles with their full stops
    "Prof. Dr.": Honorific("Prof. Dr.", "Prof. Dr.", "Professor", "Professor"),
    "Rev.": Honorific("The Reverend", "The Reverend", "Reverend", "Reverend"),
    "Sir": Honorific("Sir", "Sir", "Sir", "Sir", by="first"),
    "Dame": Honorific("Dame", "Dame", "Dame", "Dame", by="first"),
    "Lord": Honorific("Lord", "Lord", "Lord", "Lord", by="peer"),
    "Lady": Honorific("Lady", "Lady", "Lady", "Lady", by="peer"),
}
#: A knight or dame whose first name is not recorded is greeted formally.
_FORMAL = {"Sir": "Sir", "Dame": "Madam"}
#: Every word a salutation may greet someone by (what proofreading accepts as an honorific).
SALUTATION_WORDS = frozenset(
    word
    for h in HONORIFICS.values()
    for form in (h.greet_us, h.greet_gb, h.line_us, h.line_gb)
    for word in (form, form.removeprefix("The "))
) | {"Madam"}


_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: Chinese address honorifics by the contact's honorific; 收 ("to be received by") when the
#: workbook says nothing of gender or title: 先生 would call every woman "Mr".
_CHINESE = {"Mr.": "先生", "Ms.": "女士", "Mrs.": "女士", "Miss": "女士", "Dr.": "博士",
            "Prof.": "教授", "Prof. Dr.": "教授"}  # fmt: skip
_KOREAN = {"Dr.": "박사님", "Prof.": "교수님", "Prof. Dr.": "교수님"}


def family_first(text: str, to: str = "") -> str:
    """Return the script of a name written family name first ("ja", "zh" or "ko"), or "".

    Kana is Japanese and Hangul Korean; Chinese characters alone are read by the country the
    letter goes to (Japanese in JP, Korean in KR, else Chinese).
    """
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return {"JP": "ja", "KR": "ko"}.get(to, "zh")
    return ""


def plain_name(first: str, last: str) -> str:
    """Return a name without honorific as its owner orders it: "Renée Dubois", "佐藤 花子"."""
    order = (last, first) if family_first(first + last) else (first, last)
    return " ".join(p for p in order if p)


def native_name(honorific: str, first: str, last: str, script: str) -> str:
    """Return a name in its own order with its script's honorific (佐藤 花子 様, 王伟女士)."""
    if script == "ja":
        return f"{' '.join(p for p in (last, first) if p)} 様"
    if script == "ko":
        return f"{last}{first} {_KOREAN.get(honorific, '님')}"
    title = _CHINESE.get(honorific)
    return f"{last}{first}{title}" if title else f"{last}{first} 收"


@dataclass(frozen=True)
class Naming:
    """How one letter names its recipient."""

    #: the honorific as the salutation writes it ("Dr", "Professor"), or ""
    honorific: str
    #: the name line of the address ("Dr Amara Lee", "Lord Sugar"; the job title of a
    #: contact without a name)
    name: str
    #: who the salutation greets ("Dr Lee", "Sir Anthony"); "Sir or Madam" when nobody
    addressee: str
    #: the salutation greets a person by name (British letters then close "Yours sincerely")
    named: bool


def naming(
    honorific: str, first: str, last: str, *, title: str = "", country: str, to: str = ""
) -> Naming:
    """Return how a letter from a sender in `country` to a contact in `to` names a person
    (cells on one line).

    A contact without a name (a "Hiring Committee" row) is named by its job title: "Dear
    Hiring Committee,"; with no title either, "Dear Sir or Madam,". So is one whose name is
    written in Chinese, Japanese or Korean characters in the salutation, with the name itself
    in the name line.
    """
    if not first and not last:
        return Naming("", title, title or "Sir or Madam", False)
    script = family_first(first + last, localize.country_code(to) if to else "")
    if script:
        return Naming("", native_name(honorific, first, last, script),
                      title or "Sir or Madam", False)  # fmt: skip
    british = localize.british(country)
    style = HONORIFICS.get(honorific)
    if not honorific or style is None:  # none, or one a library caller typed themselves
        name = " ".join(p for p in (honorific, first, last) if p)
        addressee = f"{honorific} {last}" if honorific and last else " ".join(
            p for p in (first, last) if p)  # fmt: skip
        return Naming(honorific, name, addressee, True)
    line = style.line_gb if british else style.line_us
    greet = style.greet_gb if british else style.greet_us
    if style.by == "peer":
        return Naming(greet, f"{line} {last or first}", f"{greet} {last or first}", True)
    name = " ".join(p for p in (line, first, last) if p)
    if style.by == "first":
        if first:
            return Naming(greet, name, f"{greet} {first}", True)
        return Naming(greet, name, _FORMAL[honorific], False)
    return Naming(greet, name, f"{greet} {last}" if last else first, True)
