"""How a letter names its recipient: the name line of the address and the salutation.

Honorifics are read as people write them (contract.HONORIFICS and its aliases); each has its
own salutation ("Dear Sir Anthony", "Dear Professor Müller", "Dear Lord Sugar") and is
written the British way (Dr Lee) or the American way (Dr. Lee) by the sender's country.
"""

from __future__ import annotations

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


def naming(honorific: str, first: str, last: str, *, title: str = "", country: str) -> Naming:
    """Return how a letter from a sender in `country` names a person (cells on one line).

    A contact without a name (a "Hiring Committee" row) is named by its job title: "Dear
    Hiring Committee,"; with no title either, "Dear Sir or Madam,".
    """
    if not first and not last:
        return Naming("", title, title or "Sir or Madam", False)
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
