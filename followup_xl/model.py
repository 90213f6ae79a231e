"""Typed, frozen records of the workbook and of the actions computed from it.

The data flows one way: read/ builds these records, rules.py turns them into Actions,
marks.py and letters/ consume Actions. Nothing here does I/O.

Contact and LogEntry, the records of the sheets with the most rows, are named tuples; the
others are frozen dataclasses. A big workbook has hundreds of thousands of Log and Contacts
rows, and a named tuple is made in half the time of a frozen dataclass with the same fields
(a Contact in a fifth), while a dataclass's fields are read faster, which the rules do most
with Interviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import NamedTuple

# --- what the rules make of the contract's lists (contract.py holds the lists) -------------

#: Outcomes that end calls about a position and start R14.
TERMINAL_STATUSES = frozenset(
    {"Hired", "Not Selected", "Position Filled", "Withdrawn", "Offer Declined"}
)
#: "Hired" means the user accepted this job: the search is over (R11 stops warning).
ACCEPTED_STATUSES = frozenset({"Hired"})


# --- records read from the workbook --------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """The user: sender block of every letter, and the country for working days."""

    name: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""
    cell: str = ""
    email: str = ""
    country: str = "US"


@dataclass(frozen=True)
class Interview:
    """One interview (a second round is a new row); `row` is its Excel row number."""

    row: int
    interview_id: str
    company: str = ""
    position: str = ""
    interview_date: date | None = None
    interview_time: time | None = None
    status: str = "Scheduled"
    want_job: str = "Yes"
    decision_expected: date | None = None
    callback_expected: date | None = None
    hiring_timeline_days: int | None = None
    company_street: str = ""
    company_city: str = ""
    company_state: str = ""
    company_zip: str = ""
    company_country: str = ""
    strengths: str = ""
    forgot_to_mention: str = ""
    enclosures: tuple[str, ...] = ()
    notes: str = ""
    #: what makes rows rounds of one application when typed (else company and position)
    application: str = ""

    @property
    def terminal(self) -> bool:
        """Return True when the position is decided (R14 territory)."""
        return self.status in TERMINAL_STATUSES


class Contact(NamedTuple):
    """One person; `row` is its Excel row number on the Contacts sheet."""

    row: int
    contact_id: str
    #: the first interview the row names (the one its letters default to)
    interview_id: str = ""
    role: str = "Interviewer"
    honorific: str = ""
    first_name: str = ""
    last_name: str = ""
    job_title: str = ""
    organization: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""
    preferred_channel: str = ""
    personal_note: str = ""
    notes: str = ""
    #: every interview the row names ("BANK-1; BANK-2": one person on two panels)
    interview_ids: tuple[str, ...] = ()

    @property
    def interviews(self) -> tuple[str, ...]:
        """Return the IDs of every interview this person was at (or none)."""
        return self.interview_ids or ((self.interview_id,) if self.interview_id else ())

    @property
    def full_name(self) -> str:
        """Return 'First Last' (whatever parts are known)."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        """Return 'Ms. First Last'; without a name, the job title ("Hiring Committee"), else
        the organisation, else the role: never the contact ID, which is not a name."""
        if self.full_name:
            return " ".join(p for p in (self.honorific, self.first_name, self.last_name) if p)
        return self.job_title or self.organization or self.role


def contact_country(contact: Contact, interview: Interview | None) -> str:
    """Return the country a contact is in, as typed: their own Country, else their company's
    (the interview's Company Country); "" when neither is filled in."""
    for country in (contact.country, interview.company_country if interview else ""):
        if country and country.strip():
            return " ".join(country.split())
    return ""


def contact_region(contact: Contact, interview: Interview | None) -> str:
    """Return the state or region a contact is in: their own State when they have an
    address of their own, else the company's (the interview's Company State)."""
    if contact.street or contact.city or contact.state or contact.zip:
        return contact.state
    return interview.company_state if interview else ""


class LogEntry(NamedTuple):
    """One thing the user did; `row` is its Excel row number on the Log sheet."""

    row: int
    date: date
    action: str
    interview_id: str = ""
    contact_id: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class SheetLayout:
    """Where a sheet's table sits, so marks can be written next to the user's columns."""

    name: str
    #: canonical column name -> 1-based column index, for the columns that were found
    columns: dict[str, int] = field(default_factory=dict)
    last_column: int = 0
    #: 1-based Excel rows that hold a record (blank rows skipped)
    data_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Book:
    """Everything read from one workbook."""

    path: str
    profile: Profile
    interviews: tuple[Interview, ...] = ()
    contacts: tuple[Contact, ...] = ()
    log: tuple[LogEntry, ...] = ()
    layouts: dict[str, SheetLayout] = field(default_factory=dict)
    date1904: bool = False
    #: the book's one ID index, built with it: the first row of a duplicated ID wins, whatever
    #: the order of the tuples
    interviews_by_id: dict[str, Interview] = field(init=False, repr=False, compare=False)
    contacts_by_id: dict[str, Contact] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        interviews: dict[str, Interview] = {}
        for iv in sorted(self.interviews, key=lambda i: (i.row, i.interview_id)):
            interviews.setdefault(iv.interview_id, iv)
        contacts: dict[str, Contact] = {}
        for c in sorted(self.contacts, key=lambda c: (c.row, c.contact_id)):
            contacts.setdefault(c.contact_id, c)
        object.__setattr__(self, "interviews_by_id", interviews)
        object.__setattr__(self, "contacts_by_id", contacts)

    def interview(self, interview_id: str) -> Interview | None:
        """Return the interview with this ID, or None."""
        return self.interviews_by_id.get(interview_id)


# --- actions computed by the rules ---------------------------------------------------------


class Kind(str, Enum):
    """What the user has to do."""

    THANK_YOU_LETTER = "Thank-you letter"
    THANK_YOU_EMAIL = "Thank-you email"
    THANK_YOU_FAX = "Thank-you fax"
    NOTE_CARD = "Note card"
    PHONE_CALL = "Phone call"
    REFERENCE_CALL = "Reference call"
    KEEP_IN_TOUCH = "Keep-in-touch letter"
    DATA_GAP = "Data gap"
    WARNING = "Warning"


#: Kinds that produce a document in the output folder.
LETTER_KINDS = frozenset(
    {
        Kind.THANK_YOU_LETTER,
        Kind.THANK_YOU_EMAIL,
        Kind.THANK_YOU_FAX,
        Kind.NOTE_CARD,
        Kind.KEEP_IN_TOUCH,
    }
)


class Status(str, Enum):
    """How urgent an action is; the order is the order of the Due sheet."""

    OVERDUE = "OVERDUE"
    DUE = "DUE"
    UPCOMING = "UPCOMING"


STATUS_ORDER = {Status.OVERDUE: 0, Status.DUE: 1, Status.UPCOMING: 2}


@dataclass(frozen=True)
class Action:
    """One open follow-up: a row of the Due sheet, and maybe a letter."""

    rule: str
    kind: Kind
    status: Status
    due: date
    why: str
    channel: str = ""
    interview_id: str = ""
    company: str = ""
    position: str = ""
    contact_id: str = ""
    who: str = ""
    window_start: date | None = None
    window_end: date | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Return the identity used to never list the same action twice."""
        return (self.rule, self.kind.value, self.interview_id, self.contact_id)

    @property
    def makes_letter(self) -> bool:
        """Return True when this action produces a document to print or send."""
        return self.kind in LETTER_KINDS

    def sort_key(self) -> tuple:
        """Return the Due sheet's order: overdue first, then due, then upcoming, by date."""
        return (
            STATUS_ORDER[self.status],
            self.due,
            self.company,
            self.who,
            self.rule,
            self.kind.value,
            self.contact_id,
            self.interview_id,
        )
