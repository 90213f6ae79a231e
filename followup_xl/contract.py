"""The workbook contract (docs/workbook-contract.md) as data: sheets, columns, types, lists.

Both the reader (read/reader.py) and the new-workbook writer (newbook.py) use these names, so the
workbook a user gets from `init` is exactly the workbook the tool can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- the lists a user picks from (drop-downs in the workbook) ------------------------------

INTERVIEW_STATUSES = (
    "Scheduled",
    "Interviewed",
    "Second Interview",
    "Offer",
    "Hired",
    "Not Selected",
    "Position Filled",
    "Withdrawn",
    "Offer Declined",
)
WANT_JOB = ("Yes", "No", "Unsure")
ROLES = ("Interviewer", "Receptionist", "Assistant", "Reference", "Network")
HONORIFICS = ("Mr.", "Ms.", "Mrs.", "Miss", "Mx.", "Dr.", "Prof.", "Prof. Dr.", "Rev.", "Sir",
              "Dame", "Lord", "Lady")  # fmt: skip
#: Honorifics written out, read as the list's value (full stops never matter: "Dr" is "Dr.").
HONORIFIC_ALIASES = (("Professor", "Prof."), ("Professor Dr.", "Prof. Dr."), ("Doctor", "Dr."),
                     ("Reverend", "Rev."), ("The Reverend", "Rev."), ("Revd", "Rev."),
                     ("The Rev.", "Rev."), ("Mister", "Mr."))  # fmt: skip
CHANNELS = ("Mail", "Email", "Fax", "Handwritten Card")
LOG_ACTIONS = (
    "Application Sent",
    "Thank-You Letter Mailed",
    "Thank-You Email Sent",
    "Thank-You Fax Sent",
    "Note Card Mailed",
    "Phone Call",
    "Call Received",
    "Reference Notified",
    "Referral Requested",
    "Keep-In-Touch Sent",
)


TEXT = "text"
DATE = "date"
DATETIME = "datetime"  # a date, optionally with a time of day
INTEGER = "integer"
LIST = "list"
EMAIL = "email"  # one address, checked with the standard library


@dataclass(frozen=True)
class Column:
    """One contract column: its header, its type, and its allowed values for a list."""

    name: str
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    required: bool = False
    width: float = 16
    #: text columns that must keep leading zeros (ZIP codes, phone numbers)
    keep_text: bool = False
    note: str = ""
    #: the header may be missing: no rule needs the column (docs/workbook.md lists these)
    optional: bool = False
    #: a missing optional column is said in a warning (not for a column the contract gained
    #: later, which every older workbook lacks without anything being wrong)
    warn_missing: bool = True
    #: (other spelling, list value) pairs a list column also accepts; Excel only warns on them
    aliases: tuple[tuple[str, str], ...] = ()


PROFILE_SHEET = "Profile"
INTERVIEWS_SHEET = "Interviews"
CONTACTS_SHEET = "Contacts"
LOG_SHEET = "Log"
DUE_SHEET = "Due"
GUIDE_SHEET = "How to use"
#: The row of column names on every table sheet; records start on the next row.
HEADER_ROW = 1

PROFILE_FIELDS = ("Name", "Street", "City", "State", "ZIP", "Phone", "Cell", "Email", "Country")
PROFILE_COLUMNS = (Column("Field", required=True, width=14), Column("Value", width=40))

INTERVIEW_COLUMNS = (
    Column("Interview ID", required=True, width=14, note="unique, e.g. ACME-1"),
    Column("Company", required=True, width=24),
    Column("Position", width=24),
    Column("Interview Date", DATETIME, width=18, note="date, or date and time"),
    Column("Status", LIST, INTERVIEW_STATUSES, width=16),
    Column("Want Job", LIST, WANT_JOB, width=10),
    Column("Decision Expected", DATE, width=14),
    Column("Callback Expected", DATE, width=14),
    Column("Hiring Timeline Days", INTEGER, width=12),
    Column("Company Street", width=24, optional=True),
    Column("Company City", width=16, optional=True),
    Column("Company State", width=10, optional=True),
    Column("Company ZIP", keep_text=True, width=10, optional=True),
    Column(
        "Company Country",
        width=12,
        optional=True,
        note="ISO code or English name; blank: the Profile's Country",
    ),  # fmt: skip
    Column("Strengths", width=40, optional=True),
    Column("Forgot To Mention", width=40, optional=True),
    Column("Enclosures", width=28, note="separate several with ;"),
    Column("Notes", width=30, optional=True),
    Column(
        "Application",
        width=14,
        optional=True,
        warn_missing=False,
        note="rows with the same text are rounds of one application; blank: same Company "
        "and Position",
    ),
)

CONTACT_COLUMNS = (
    Column("Contact ID", required=True, width=12),
    Column("Interview ID", width=14),
    Column("Role", LIST, ROLES, width=13),
    Column("Honorific", LIST, HONORIFICS, width=10, aliases=HONORIFIC_ALIASES),
    Column("First Name", width=14),
    Column("Last Name", width=16),
    Column("Job Title", width=24),
    Column("Organization", width=24, optional=True),
    Column("Street", width=24, optional=True),
    Column("City", width=16, optional=True),
    Column("State", width=8, optional=True),
    Column("ZIP", keep_text=True, width=10, optional=True),
    Column(
        "Country",
        width=12,
        optional=True,
        note="ISO code or English name; blank: the company's, then the Profile's",
    ),  # fmt: skip
    Column("Email", EMAIL, width=28, optional=True),
    Column("Phone", keep_text=True, width=16, optional=True),
    Column("Fax", keep_text=True, width=16, optional=True),
    Column("Preferred Channel", LIST, CHANNELS, width=17),
    Column("Personal Note", width=40, optional=True),
    Column("Notes", width=30, optional=True),
)

LOG_COLUMNS = (
    Column("Date", DATE, required=True, width=12),
    Column("Interview ID", width=14),
    Column("Contact ID", width=12),
    Column("Action", LIST, LOG_ACTIONS, required=True, width=24),
    Column("Outcome", width=40, optional=True),
)

#: Columns the tool owns at the right end of Interviews and Contacts.
MARK_COLUMNS = ("Next Action", "Next Due", "Follow-up Status")
#: Columns of the tool-owned Due sheet, in order.
DUE_COLUMNS = (
    "Status",
    "Due Date",
    "Action",
    "Rule",
    "Who",
    "Company",
    "Position",
    "Channel",
    "Letter",
    "Why",
)

SHEETS: dict[str, tuple[Column, ...]] = {
    PROFILE_SHEET: PROFILE_COLUMNS,
    INTERVIEWS_SHEET: INTERVIEW_COLUMNS,
    CONTACTS_SHEET: CONTACT_COLUMNS,
    LOG_SHEET: LOG_COLUMNS,
}


def norm_header(text: object) -> str:
    """Return a header as matched: case-folded, trimmed, inner spaces collapsed."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def choice_key(text: object) -> str:
    """Return a list value as matched: a header's form, full stops read as spaces ("Dr" is
    "Dr.", "Prof.Dr." is "Prof. Dr.")."""
    return norm_header(str(text).replace(".", " "))


def col_letter(index: int) -> str:
    """Return the Excel column letters of a 1-based column index (1 -> A, 28 -> AB)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
