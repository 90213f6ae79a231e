"""Write a new, empty (or example) workbook in the contract: what `followup-xl init` makes.

The workbook is built from contract.py alone, so it is exactly the workbook the reader
expects. Output is deterministic: the same arguments give a byte-identical file (fixed
creation date, fixed zip timestamps), which lets a test prove that workbook_template.xlsx
at the repo root is what `init` writes.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from . import contract as C
from .errors import WriteError

#: Rows 2..LAST_ROW get the drop-down lists and whole-number checks.
LAST_ROW = 1000
#: Creation date stored in a blank workbook, so that it never changes between runs.
BLANK_CREATED = datetime(2026, 1, 1)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
INTEGER_FORMAT = "0"
HEADER_FILL = "#DCE6F1"

#: Sheets whose first column (the ID) stays in view when scrolling right.
_FREEZE_FIRST_COLUMN = frozenset({C.INTERVIEWS_SHEET, C.CONTACTS_SHEET})
#: Text columns that hold an ID from another sheet: (sheet, column) -> (sheet, ID column).
_ID_LISTS = {
    (C.CONTACTS_SHEET, "Interview ID"): (C.INTERVIEWS_SHEET, "Interview ID"),
    (C.LOG_SHEET, "Interview ID"): (C.INTERVIEWS_SHEET, "Interview ID"),
    (C.LOG_SHEET, "Contact ID"): (C.CONTACTS_SHEET, "Contact ID"),
}


# --- the guide ---------------------------------------------------------------------------

_TITLE, _HEADING, _TEXT, _CODE = "title", "heading", "text", "code"

GUIDE: tuple[tuple[str, str], ...] = (
    (_TITLE, "Your job-search follow-up workbook"),
    (
        _TEXT,
        "This workbook holds your whole job search in one place: every interview, every "
        "person you met, and everything you did afterwards. Once a week followup-xl reads "
        "it, lists the thank-you notes, calls and letters that are due, and drafts the "
        "letters for you to check, sign and send.",
    ),
    (_HEADING, "The sheets"),
    (
        _TEXT,
        "Profile - about you. Your name, address, phone, cell and email head every letter. "
        "Country is a two-letter code (US, GB, DE ...) so that calls are never planned on a "
        "weekend or a public holiday.",
    ),
    (
        _TEXT,
        "Interviews - one row per interview. A second round is a new row with its own ID "
        "(for example HLB-1, then HLB-2). Write down the dates you were given for the "
        "decision and for a call about a second interview; if you were told '30 to 60 days', "
        "put 45 in Hiring Timeline Days. Strengths, Forgot To Mention and Enclosures go into "
        "your letters: write Strengths as short phrases separated by ; that finish the "
        "sentence 'I would bring ...' (for example: five years of customer service; fluent "
        "Spanish), Forgot To Mention as a whole sentence, and Enclosures as the things they "
        "asked you to send, separated by ;. Notes stay private.",
    ),
    (
        _TEXT,
        "Contacts - one row per person: everyone who interviewed you, the receptionist or "
        "assistant who looked after you, your references and your network. Copy names and "
        "titles exactly from their business cards. Interview ID links a person to an "
        "interview; leave it blank for references and network contacts. Leave the address "
        "blank to use the company's address from the interview. Personal Note is what you "
        "talked about with this person, so that each letter is their own: a topic that "
        "finishes 'our conversation about ...' (for example: your plans for the spring book "
        "fair), or a whole sentence of your own ending with a period.",
    ),
    (
        _TEXT,
        "Log - one row per thing you did: an application sent, a letter mailed, an email, a "
        "call (with what you heard under Outcome), a reference told. The tool reads the Log "
        "to know what is already done, so keep it up to date.",
    ),
    (
        _TEXT,
        "Due - made by the tool on every run: what to do now, overdue first, then due, then "
        "coming up. There is no Due sheet until the first run. Do not edit it: it is "
        "rewritten each time.",
    ),
    (_HEADING, "Filling it in"),
    (
        _TEXT,
        "Start under the header row. Keep the header names as they are; you may add columns "
        "of your own, the tool ignores them.",
    ),
    (
        _TEXT,
        "Type dates as 2026-11-24, and an interview time as 2026-11-24 14:30. For Status, "
        "Want Job, Role, Honorific, Preferred Channel and Action, pick a value from the cell's "
        "drop-down arrow.",
    ),
    (
        _TEXT,
        "ZIP codes and phone numbers are kept as text, so a leading zero such as 02134 stays "
        "where it is.",
    ),
    (_HEADING, "Every Sunday (about 20 minutes)"),
    (
        _TEXT,
        "1. Bring the workbook up to date: new interviews, the people you met there, and in "
        "the Log every letter mailed, call made and application sent this week.",
    ),
    (_TEXT, "2. Save and close the workbook, then run (with your own file name):"),
    (_CODE, "followup-xl run tracker.xlsx"),
    (
        _TEXT,
        "The run lists what is due on screen, overdue first, and stops without changing "
        "anything if the workbook has a problem to fix (it names the cell). To look without "
        "writing anything, add --dry-run; followup-xl check tracker.xlsx only checks the "
        "workbook.",
    ),
    (
        _TEXT,
        "3. Open the workbook and read the Due sheet: overdue items first, then what is due "
        "now and what is coming. The same status shows in the columns Next Action, Next Due "
        "and Follow-up Status at the right of Interviews and Contacts.",
    ),
    (
        _TEXT,
        "4. The letters are in a folder named after the date, next to the workbook. Read "
        "each one, print, sign and mail them (or send the emails), and make the calls listed "
        "for this week.",
    ),
    (_TEXT, "5. Log what you did, so that next Sunday's list starts from the real dates."),
    (_TEXT, "followup-xl --help lists every command and option."),
    (_HEADING, "The habits behind the list"),
    (
        _TEXT,
        "Before you leave an interview, ask when they will decide and when they might call "
        "about a second interview, and ask the receptionist how each interviewer prefers to "
        "be reached.",
    ),
    (
        _TEXT,
        "Thank every interviewer within 24 hours, each with a letter of their own, and the "
        "receptionist with a handwritten card - even when you no longer want the job. That "
        "cannot wait for Sunday: on the evening after an interview, add it and its people, "
        "and run followup-xl then too.",
    ),
    (
        _TEXT,
        "Phone two or three days after your letters went out, then about once a week until "
        "the position is filled - never every day.",
    ),
    (
        _TEXT,
        "Tell your references that they may get a call. Keep applying while you wait. If the "
        "answer is no, stay in touch and ask for the names of others you could talk to.",
    ),
    (_HEADING, "What the tool changes"),
    (
        _TEXT,
        "Only the Due sheet and the three columns at the right end of Interviews and Contacts "
        "(Next Action, Next Due, Follow-up Status); overdue cells are highlighted. Your rows, "
        "colors, comments, extra columns and extra sheets stay exactly as you left them.",
    ),
    (_HEADING, "Backups"),
    (
        _TEXT,
        "Keep a copy. Before the weekly run, copy the file (for example "
        "tracker-2026-11-22.xlsx), or keep it in a synced folder that keeps older versions. "
        "If something looks wrong after a run, you can always go back to last week's copy.",
    ),
)


# --- the example ---------------------------------------------------------------------------


def example_rows(today: date) -> dict[str, list[dict[str, object]]]:
    """Return a small, realistic job search dated relative to `today`, keyed by contract header.

    Situations (calendar days from `today`; for a Wednesday every event falls on a weekday):
    HLB-1 panel interview yesterday 10:30, three interviewers and a receptionist, nothing sent
    yet: thank-yous and a note card due today (R3, R8), one channel unknown (R5).
    GRV-1 five days ago, Want Job = No, nothing sent: thank-you overdue (R4).
    MBH-1 23 days ago, letter and card mailed that day, calls 21, 14 and 7 days ago, the
    expected dates passed (board postponed): next weekly call due today, or on the next
    working day (R12, R13).
    NPL-1 position filled after two calls: keep-in-touch letter due (R14).
    Two references, one told 40 days ago: calling the other is overdue (R10).
    An application sent two days ago, so no "keep searching" warning (R11).
    """

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def at(offset: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day(offset), time(hour, minute))

    profile = {
        "Name": "Jordan A. Whitfield",
        "Street": "48 Linden Street, Apt. 3",
        "City": "Boston",
        "State": "MA",
        "ZIP": "02134",
        "Phone": "617-555-0142",
        "Cell": "617-555-0187",
        "Email": "jordan.whitfield@example.com",
        "Country": "US",
    }
    interviews: list[dict[str, object]] = [
        {
            "Interview ID": "HLB-1",
            "Company": "Hart & Lowe Books",
            "Position": "Marketing Coordinator",
            "Interview Date": at(-1, 10, 30),
            "Status": "Interviewed",
            "Want Job": "Yes",
            "Decision Expected": day(13),
            "Callback Expected": day(6),
            "Hiring Timeline Days": 21,
            "Company Street": "210 Harbor Street",
            "Company City": "Boston",
            "Company State": "MA",
            "Company ZIP": "02110",
            "Strengths": "three years running the author-event calendar at Copperline Café; "
            "a newsletter I grew from 400 to 2,300 readers in a year",
            "Forgot To Mention": "I can design and lay out the quarterly catalog myself, as I "
            "did for the seasonal menus at Copperline Café.",
            "Enclosures": "References; Writing samples",
            "Notes": "Panel of three in the loft meeting room. Garage on Harbor St validates.",
        },
        {
            "Interview ID": "GRV-1",
            "Company": "Greenvale Property Management",
            "Position": "Leasing Consultant",
            "Interview Date": at(-5, 15),
            "Status": "Interviewed",
            "Want Job": "No",
            "Decision Expected": day(2),
            "Company Street": "75 Waverley Oaks Road",
            "Company City": "Waltham",
            "Company State": "MA",
            "Company ZIP": "02453",
            "Strengths": "three years of calm complaint handling at a busy front desk; "
            "fluent Spanish",
            "Notes": "Every weekend on duty and a 70-minute commute: not for me. Thank him anyway.",
        },
        {
            "Interview ID": "MBH-1",
            "Company": "Mill Brook Health",
            "Position": "Patient Communications Specialist",
            "Interview Date": at(-23, 9),
            "Status": "Interviewed",
            "Want Job": "Yes",
            "Decision Expected": day(-9),
            "Callback Expected": day(-16),
            "Hiring Timeline Days": 45,
            "Company Street": "1 Mill Brook Way",
            "Company City": "Framingham",
            "Company State": "MA",
            "Company ZIP": "01701",
            "Strengths": "plain-language writing; experience rewriting an allergy leaflet "
            "with a health inspector's advice",
            "Forgot To Mention": "I completed a patient-privacy training course in October.",
            "Enclosures": "Writing samples",
            "Notes": "Board approves hires once a month; told 30 to 60 days. No call about a "
            "second round yet.",
        },
        {
            "Interview ID": "NPL-1",
            "Company": "Northgate Public Library",
            "Position": "Community Programs Assistant",
            "Interview Date": at(-41, 14),
            "Status": "Position Filled",
            "Want Job": "Yes",
            "Decision Expected": day(-26),
            "Company Street": "9 Northgate Square",
            "Company City": "Cambridge",
            "Company State": "MA",
            "Company ZIP": "02139",
            "Strengths": "experience organizing a monthly reading night for 30 to 50 guests",
            "Notes": "Filled by an internal candidate.",
        },
    ]
    contacts: list[dict[str, object]] = [
        {
            "Contact ID": "HLB-DUBOIS",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Renée",
            "Last Name": "Dubois-Okafor",
            "Job Title": "Director of Marketing",
            "Organization": "Hart & Lowe Books",
            "Email": "r.dubois-okafor@hartlowebooks.example",
            "Phone": "617-555-0110",
            "Preferred Channel": "Mail",
            "Personal Note": "bringing younger readers to poetry nights, and the small-town "
            "libraries we both grew up in",
        },
        {
            "Contact ID": "HLB-OBRIEN",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Daniel",
            "Last Name": "O'Brien",
            "Job Title": "Events Manager",
            "Organization": "Hart & Lowe Books",
            "Phone": "617-555-0111",
            "Personal Note": "a bilingual story hour on Saturday mornings",
            "Notes": "Ask Maggie whether he prefers mail or email.",
        },
        {
            "Contact ID": "HLB-RAMAN",
            "Interview ID": "HLB-1",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Priya",
            "Last Name": "Raman",
            "Job Title": "Human Resources Generalist",
            "Organization": "Hart & Lowe Books",
            "Email": "p.raman@hartlowebooks.example",
            "Preferred Channel": "Email",
            "Personal Note": "the three-month onboarding plan and the mentor program for new staff",
        },
        {
            "Contact ID": "HLB-CHEN",
            "Interview ID": "HLB-1",
            "Role": "Receptionist",
            "Honorific": "Ms.",
            "First Name": "Maggie",
            "Last Name": "Chen",
            "Job Title": "Receptionist",
            "Organization": "Hart & Lowe Books",
            "Preferred Channel": "Handwritten Card",
            "Personal Note": "The lemon scones you recommended were every bit as good as you "
            "promised.",
        },
        {
            "Contact ID": "GRV-ORTEGA",
            "Interview ID": "GRV-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Luis",
            "Last Name": "Ortega",
            "Job Title": "Leasing Manager",
            "Organization": "Greenvale Property Management",
            "Phone": "781-555-0123",
            "Fax": "781-555-0124",
            "Preferred Channel": "Fax",
            "Personal Note": "the new rooftop garden and your years as a building superintendent",
        },
        {
            "Contact ID": "MBH-FERNANDEZ",
            "Interview ID": "MBH-1",
            "Role": "Interviewer",
            "Honorific": "Dr.",
            "First Name": "Alicia",
            "Last Name": "Fernández-Webb",
            "Job Title": "Director of Patient Experience",
            "Organization": "Mill Brook Health",
            "Email": "afernandezwebb@millbrookhealth.example",
            "Phone": "508-555-0131",
            "Preferred Channel": "Mail",
            "Personal Note": "discharge letters that a twelve-year-old could follow",
        },
        {
            "Contact ID": "MBH-KOWALSKI",
            "Interview ID": "MBH-1",
            "Role": "Receptionist",
            "Honorific": "Mr.",
            "First Name": "Piotr",
            "Last Name": "Kowalski",
            "Job Title": "Front Desk Coordinator",
            "Organization": "Mill Brook Health",
            "Preferred Channel": "Handwritten Card",
            "Personal Note": "Walking me to the east wing when the elevator was out was a "
            "real kindness.",
        },
        {
            "Contact ID": "NPL-ASANTE",
            "Interview ID": "NPL-1",
            "Role": "Interviewer",
            "Honorific": "Mr.",
            "First Name": "Kwame",
            "Last Name": "Asante",
            "Job Title": "Branch Manager",
            "Organization": "Northgate Public Library",
            "Email": "kasante@northgatelibrary.example",
            "Preferred Channel": "Mail",
            "Personal Note": "the summer reading program and the Friends of the Library board",
        },
        {
            "Contact ID": "REF-MARSH",
            "Role": "Reference",
            "Honorific": "Prof.",
            "First Name": "Helen",
            "Last Name": "Marsh",
            "Job Title": "Professor of English",
            "Organization": "Bayside Community College",
            "Street": "400 Shoreline Drive",
            "City": "Quincy",
            "State": "MA",
            "ZIP": "02169",
            "Email": "hmarsh@baysidecc.example",
            "Phone": "617-555-0150",
            "Preferred Channel": "Email",
            "Personal Note": "my capstone project on community newsletters",
        },
        {
            "Contact ID": "REF-VILLANUEVA",
            "Role": "Reference",
            "Honorific": "Mr.",
            "First Name": "Jorge",
            "Last Name": "Villanueva",
            "Job Title": "Owner",
            "Organization": "Copperline Café",
            "Street": "31 Centre Street",
            "City": "Brookline",
            "State": "MA",
            "ZIP": "02446",
            "Phone": "617-555-0163",
            "Preferred Channel": "Mail",
            "Personal Note": "the event calendar and the newsletter I ran at the café",
        },
    ]
    log: list[dict[str, object]] = [
        {
            "Date": day(-40),
            "Contact ID": "REF-MARSH",
            "Action": "Reference Notified",
            "Outcome": "Happy to be a reference; prefers an email first",
        },
        {
            "Date": day(-40),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Thank-You Letter Mailed",
        },
        {
            "Date": day(-37),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Phone Call",
            "Outcome": "Still interviewing; decision in about two weeks",
        },
        {
            "Date": day(-27),
            "Interview ID": "NPL-1",
            "Contact ID": "NPL-ASANTE",
            "Action": "Phone Call",
            "Outcome": "Position filled by an internal candidate; he will keep my résumé",
        },
        {
            "Date": day(-23),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Thank-You Letter Mailed",
            "Outcome": "Enclosed two writing samples",
        },
        {
            "Date": day(-23),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-KOWALSKI",
            "Action": "Note Card Mailed",
        },
        {
            "Date": day(-21),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Letter arrived; board meets at the end of the month",
        },
        {
            "Date": day(-14),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Two candidates left; call again next week",
        },
        {
            "Date": day(-7),
            "Interview ID": "MBH-1",
            "Contact ID": "MBH-FERNANDEZ",
            "Action": "Phone Call",
            "Outcome": "Board meeting postponed to next month; still a strong candidate",
        },
        {
            "Date": day(-2),
            "Action": "Application Sent",
            "Outcome": "Riverside Arts Council, Program Coordinator: applied online with "
            "cover letter",
        },
    ]
    return {
        C.PROFILE_SHEET: [{"Field": k, "Value": v} for k, v in profile.items()],
        C.INTERVIEWS_SHEET: interviews,
        C.CONTACTS_SHEET: contacts,
        C.LOG_SHEET: log,
    }


def _blank_rows() -> dict[str, list[dict[str, object]]]:
    """Return the rows of a blank workbook: the Profile fields, Country defaulting to US."""
    values = {"Country": "US"}
    profile: list[dict[str, object]] = [
        {"Field": f, "Value": values.get(f, "")} for f in C.PROFILE_FIELDS
    ]
    return {C.PROFILE_SHEET: profile}


# --- writing -------------------------------------------------------------------------------


def write_workbook(path: Path, *, example: bool = False, today: date | None = None) -> None:
    """Write a new contract workbook (optionally with the example) to `path`; never overwrite.

    `today` dates the example (the system date when None); a blank workbook does not depend
    on it. The file is written to a temporary name in the same folder, then moved into place.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WriteError(f"{path}: the workbook's name must end in .xlsx, e.g. tracker.xlsx")
    _refuse_existing(path)
    if not path.parent.is_dir():
        raise WriteError(f"{path}: the folder {path.parent} does not exist: create it first")
    if example:
        today = today or date.today()
        rows, created = example_rows(today), datetime.combine(today, time())
    else:
        rows, created = _blank_rows(), BLANK_CREATED
    data = _build(rows, created)
    # A fresh name (not mkstemp) so the file gets the user's usual permissions.
    # A short one, so that a workbook name near the 255-byte limit still fits.
    from .safewrite import short_name

    tmp = path.with_name(f".{short_name(path.name, 100)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _refuse_existing(path)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write the workbook: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise WriteError(
            f"{path} already exists: choose another name or delete it first "
            "(init never overwrites a workbook)"
        )


def _build(rows: dict[str, list[dict[str, object]]], created: datetime) -> bytes:
    """Return the whole workbook as .xlsx bytes (XlsxWriter in memory: fixed zip times)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_properties(
        {
            "title": "Job-search follow-up workbook",
            "subject": "Interviews, contacts and follow-ups",
            "author": "followup-xl",
            "comments": "Made by followup-xl init; see the sheet 'How to use'.",
            "created": created,
        }
    )
    fmt = _Formats(wb)
    _write_guide(wb, fmt)
    for sheet, columns in C.SHEETS.items():
        _write_table(wb, fmt, sheet, columns, rows.get(sheet, []))
    wb.close()
    return buf.getvalue()


class _Formats:
    """The workbook's few cell formats, made once."""

    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": HEADER_FILL,
                "bottom": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.field = wb.add_format({"bold": True, "num_format": TEXT_FORMAT})
        # Dates keep Excel's right alignment: a typed date that stays left is text, a hint.
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.datetime = wb.add_format({"num_format": DATETIME_FORMAT})
        self.text = wb.add_format({"num_format": TEXT_FORMAT})
        self.integer = wb.add_format({"num_format": INTEGER_FORMAT})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "bg_color": HEADER_FILL})
        self.para = wb.add_format({"text_wrap": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Courier New", "indent": 2})

    def for_column(self, col: C.Column) -> Any:
        """Return the number format a column's cells get, or None for General."""
        if col.kind == C.DATE:
            return self.date
        if col.kind == C.DATETIME:
            return self.datetime
        if col.kind == C.INTEGER:
            return self.integer
        if col.keep_text:
            return self.text
        return None


def _write_guide(wb: Any, fmt: _Formats) -> None:
    ws = wb.add_worksheet(C.GUIDE_SHEET)
    ws.set_column(0, 0, 100)
    ws.hide_gridlines(2)
    ws.fit_to_pages(1, 0)
    styles = {_TITLE: fmt.title, _HEADING: fmt.heading, _TEXT: fmt.para, _CODE: fmt.code}
    row = 0
    for kind, text in GUIDE:
        if kind == _HEADING:
            row += 1  # a blank line before each heading
        if kind == _TEXT:
            # Give each paragraph its lines rather than rely on the app to grow the row.
            ws.set_row(row, 15 * max(1, -(-len(text) // 95)))
        ws.write_string(row, 0, text, styles[kind])
        row += 1
    ws.activate()


def _write_table(
    wb: Any,
    fmt: _Formats,
    sheet: str,
    columns: tuple[C.Column, ...],
    rows: list[dict[str, object]],
) -> None:
    from xlsxwriter.utility import xl_col_to_name

    ws = wb.add_worksheet(sheet)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1 if sheet in _FREEZE_FIRST_COLUMN else 0)
    ws.set_landscape()
    ws.repeat_rows(0)  # the header row on every printed page
    text_ranges = []
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width, fmt.for_column(col))
        ws.write_string(0, c, col.name, fmt.header)
        _add_validation(ws, sheet, c, col)
        if col.keep_text or sheet == C.PROFILE_SHEET:
            text_ranges.append(f"{xl_col_to_name(c)}2:{xl_col_to_name(c)}{LAST_ROW}")
    if text_ranges:
        # No green "number stored as text" triangles on ZIP codes and phone numbers.
        ws.ignore_errors({"number_stored_as_text": " ".join(text_ranges)})
    if sheet == C.PROFILE_SHEET:
        # Field names are labels, every value (ZIP, phones) is text.
        ws.set_column(0, 0, columns[0].width, fmt.field)
        ws.set_column(1, 1, columns[1].width, fmt.text)
        ws.data_validation(
            1 + C.PROFILE_FIELDS.index("Country"),
            1,
            1 + C.PROFILE_FIELDS.index("Country"),
            1,
            {
                "validate": "length",
                "criteria": "==",
                "value": 2,
                "input_title": "Country",
                "input_message": "Two-letter code: US, GB, DE ... (working days, holidays)",
                "error_title": "Country",
                "error_message": "Use a two-letter country code such as US, GB or DE.",
            },
        )
    for r, record in enumerate(rows, start=1):
        for c, col in enumerate(columns):
            _write_cell(ws, fmt, r, c, col, record.get(col.name), sheet)


def _write_cell(
    ws: Any, fmt: _Formats, r: int, c: int, col: C.Column, value: object, sheet: str
) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        has_time = value.time() != time()
        ws.write_datetime(r, c, value, fmt.datetime if has_time else fmt.date)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime.combine(value, time()), fmt.date)
    elif isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt.integer)
    else:
        if sheet == C.PROFILE_SHEET:
            style = fmt.field if c == 0 else fmt.text
        else:
            style = fmt.text if col.keep_text else None
        ws.write_string(r, c, str(value), style)


def _add_validation(ws: Any, sheet: str, c: int, col: C.Column) -> None:
    """Add the drop-down list or whole-number check of one column, rows 2..LAST_ROW."""
    from xlsxwriter.utility import xl_col_to_name

    first, last = 1, LAST_ROW - 1
    if col.kind == C.LIST:
        allowed = ", ".join(col.choices)
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": list(col.choices),
                "error_title": col.name[:32],
                "error_message": f"Pick a {col.name} from the drop-down list: {allowed}"[:255],
            },
        )
    elif col.kind == C.INTEGER:
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 0,
                "error_title": col.name[:32],
                "error_message": f"{col.name} is a whole number of days, e.g. 45 when told "
                "'30 to 60 days'.",
            },
        )
    elif (sheet, col.name) in _ID_LISTS:
        src_sheet, src_col = _ID_LISTS[(sheet, col.name)]
        letter = xl_col_to_name([other.name for other in C.SHEETS[src_sheet]].index(src_col))
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": f"='{src_sheet}'!${letter}$2:${letter}${LAST_ROW}",
                # A warning, not a stop: the user may type a row here before the other one.
                "error_type": "warning",
                "error_title": f"Unknown {col.name}"[:32],
                "error_message": f"This {col.name} is not on the {src_sheet} sheet yet. "
                f"Add it there, or leave this cell blank.",
            },
        )


def main(argv: list[str] | None = None) -> int:
    """Regenerate the blank template: python -m followup_xl.template workbook_template.xlsx."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m followup_xl.template OUT.xlsx (overwrites OUT)\n")
        return 2
    out = Path(args[0])
    out.unlink(missing_ok=True)
    write_workbook(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
