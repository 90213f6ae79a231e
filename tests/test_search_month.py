"""A month of one job search, run week by week through the real CLI on one workbook that
LibreOffice saves again between the runs (issue 21).

The user lives in Boston (US, MA). Harbour Bank interviews twice for one position (round 1
Mon 16 Nov 2026, round 2 Mon 23 Nov); Ms. Ana Bree sits on both panels and has one Contacts
row naming both interviews. Beta Corp (Tue 17 Nov) is a job the user does not want. Fax Co
(Tue 24 Nov 10:00) decides the next day, and Mr. Hal Ito's fax number is on file. Dr. Ida
Jones, a reference, is told about the search once, without an Interview ID, on Tue 17 Nov.

Every expectation below was worked out by hand from docs/followup-rules.md and a 2026
calendar (Thanksgiving Thu 26 Nov), never read off the code.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from icalendar import Calendar

from factory import make_book
from followup_xl.cli import main
from followup_xl.office import convert

BANK = {"Company": "Harbour Bank", "Position": "Branch Manager", "Want Job": "Yes",
        "Decision Expected": date(2026, 12, 18), "Company Street": "1 State St",
        "Company City": "Boston", "Company State": "MA", "Company ZIP": "02109",
        "Strengths": "eight years of branch operations"}  # fmt: skip
INTERVIEWS = [
    {**BANK, "Interview ID": "BANK-1", "Interview Date": datetime(2026, 11, 16, 10, 0),
     "Status": "Interviewed"},
    {**BANK, "Interview ID": "BANK-2", "Interview Date": datetime(2026, 11, 23, 14, 0),
     "Status": "Scheduled"},
    {"Interview ID": "BETA-1", "Company": "Beta Corp", "Position": "Analyst",
     "Interview Date": datetime(2026, 11, 17, 9, 30), "Status": "Interviewed", "Want Job": "No",
     "Decision Expected": date(2026, 12, 30), "Company Street": "9 Elm St",
     "Company City": "Cambridge", "Company State": "MA", "Company ZIP": "02139",
     "Strengths": "reporting"},
    {"Interview ID": "FAX-1", "Company": "Fax Co", "Position": "Clerk",
     "Interview Date": datetime(2026, 11, 24, 10, 0), "Status": "Scheduled", "Want Job": "Yes",
     "Decision Expected": date(2026, 11, 25), "Company Street": "5 Main St",
     "Company City": "Quincy", "Company State": "MA", "Company ZIP": "02169",
     "Strengths": "careful filing"},
]  # fmt: skip
PANEL = {"Role": "Interviewer", "Preferred Channel": "Mail", "Personal Note": "the new branch"}
CONTACTS = [
    {**PANEL, "Contact ID": "ANA", "Interview ID": "BANK-1; BANK-2", "Honorific": "Ms.",
     "First Name": "Ana", "Last Name": "Bree", "Job Title": "Branch Manager",
     "Phone": "617-555-0101"},
    {**PANEL, "Contact ID": "CARL", "Interview ID": "BANK-1", "Honorific": "Mr.",
     "First Name": "Carl", "Last Name": "Dunn", "Job Title": "Operations Lead",
     "Phone": "617-555-0102"},
    {**PANEL, "Contact ID": "EVE", "Interview ID": "BANK-2", "Honorific": "Ms.",
     "First Name": "Eve", "Last Name": "Fox", "Job Title": "Regional Director",
     "Phone": "617-555-0103"},
    {**PANEL, "Contact ID": "GUS", "Interview ID": "BETA-1", "Honorific": "Mr.",
     "First Name": "Gus", "Last Name": "Hale", "Job Title": "Team Lead", "Phone": "617-555-0104"},
    {**PANEL, "Contact ID": "HAL", "Interview ID": "FAX-1", "Honorific": "Mr.",
     "First Name": "Hal", "Last Name": "Ito", "Job Title": "Office Manager",
     "Phone": "617-555-0105", "Fax": "+1 617 555 0199"},
    {"Contact ID": "IDA", "Role": "Reference", "Honorific": "Dr.", "First Name": "Ida",
     "Last Name": "Jones", "Job Title": "Professor", "Phone": "617-555-0106"},
]  # fmt: skip
PROFILE = {"State": "MA"}


def cli(*args: str) -> Any:
    """Run the real command; assert it worked."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def resave(path: Path, tmp: Path) -> None:
    """Open and save the workbook in real LibreOffice, as a Calc user between two runs."""
    saved = convert(path, "xlsx", tmp / "lo")
    shutil.copyfile(saved, path)
    shutil.rmtree(tmp / "lo")


def edit(
    path: Path, tmp: Path, *, log: tuple[list[Any], ...] = (), status: dict[str, str] | None = None
) -> None:
    """Type Log rows and statuses as the user does, then let LibreOffice save the file."""
    status = status or {}
    wb = openpyxl.load_workbook(path)
    for row in log:
        wb["Log"].append(row)
    ws = wb["Interviews"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        iid = row[header.index("Interview ID")].value
        if iid in status:
            row[header.index("Status")].value = status[iid]
    wb.save(path)
    resave(path, tmp)


def due(path: Path) -> list[tuple[str, str, str, str]]:
    """Return the Due sheet as the user reads it: (status, rule, who, company) per row."""
    ws = openpyxl.load_workbook(path)["Due"]
    header = [c.value for c in ws[1]]
    rows = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            continue
        got = dict(zip(header, row, strict=False))
        rows.append((got["Status"], got["Rule"], str(got["Who"] or ""), got["Company"]))
    return rows


def calls_of(rows: list[tuple[str, str, str, str]], company: str) -> list[tuple[str, str, str]]:
    """Return the (status, rule, who) of the call rows (R10, R12, R13) for a company."""
    return [(s, r, w) for s, r, w, c in rows if c == company and r in ("R10", "R12", "R13")]


def who(rows: list[tuple[str, str, str, str]], rule: str) -> list[str]:
    """Return the Who of every row of one rule, by first name."""
    names = ("Ana", "Carl", "Eve", "Gus", "Hal", "Ida")
    return sorted(next((n for n in names if n in w), w) for _, r, w, _ in rows if r == rule)


def test_a_month_of_one_search_week_by_week(tmp_path: Path, soffice: str) -> None:
    """Rounds, a person on both panels, a job not wanted, an imminent decision, a reference
    told once, an offer then a hire: the right actions every week, nothing after the matter
    is settled, nobody called twice in a week."""
    book = make_book(tmp_path / "tracker.xlsx", interviews=INTERVIEWS, contacts=CONTACTS,
                     profile=PROFILE)  # fmt: skip
    resave(book, tmp_path)

    # Mon 16 Nov, the evening after round 1: a thank-you to each interviewer by Tue 10:00;
    # the reference has not heard of the search yet (due on the first interview's day)
    cli("run", str(book), "--today", "2026-11-16")
    week1 = due(book)
    assert who(week1, "R3") == ["Ana", "Carl"]
    assert [(s, r) for s, r, *_ in week1 if r == "R10"] == [("DUE", "R10")]
    cli("sent", str(tmp_path / "followup 2026-11-16"), "--date", "2026-11-17",
        "--today", "2026-11-17")  # fmt: skip
    edit(book, tmp_path, log=([datetime(2026, 11, 17), None, "IDA", "Reference Notified"],),
         status={"BANK-2": "Interviewed"})  # fmt: skip

    # Mon 23 Nov, the evening after round 2 (no run since Monday last week):
    # - Beta Corp (Tue 17 Nov 09:30): its thank-you is late; no calls about a job not wanted
    # - Carl (round 1 only): the 48-72 h call after Tue 17 Nov (Thu 19-Fri 20) is overdue
    # - Ana sat on round 2 too: her calls wait for round 2's thank-you, none from round 1
    # - round 2: a thank-you to Ana (again, for this round) and to Eve, by Tue 24 Nov 14:00
    # - Ida was told on Tue 17 Nov of Harbour Bank and Beta Corp: only Fax Co (Tue 24 Nov)
    #   is new, an UPCOMING call
    cli("run", str(book), "--today", "2026-11-23")
    week2 = due(book)
    beta = sorted((s, r, "Gus" in w) for s, r, w, c in week2 if c == "Beta Corp")
    # the late thank-you to Gus, and the line on withdrawing (no person: it is about the job)
    assert beta == [("DUE", "R4", False), ("OVERDUE", "R4", True)], beta
    assert calls_of(week2, "Harbour Bank") == [
        ("OVERDUE", "R12", next(w for _, r, w, _ in week2 if r == "R12" and "Carl" in w))
    ]
    assert who(week2, "R3") == ["Ana", "Eve"]
    assert [(s, c) for s, r, _, c in week2 if r == "R10"] == [("UPCOMING", "Fax Co")]
    cli("sent", str(tmp_path / "followup 2026-11-23"), "--date", "2026-11-24",
        "--today", "2026-11-24")  # fmt: skip
    edit(book, tmp_path, log=([datetime(2026, 11, 24), "BANK-1", "CARL", "Phone Call"],),
         status={"FAX-1": "Interviewed"})  # fmt: skip

    # Wed 25 Nov, the day after Fax Co, which decides today: the letter, and the thank-you
    # by fax as well (a letter mailed now arrives about Fri 27 Nov); Ana's and Eve's first
    # call is Fri 27 Nov (48 h after Tue 24 Nov is Thanksgiving), one call each; Carl's next
    # call is a week after Tue 24 Nov: Tue 1 Dec; Ida's call about Fax Co is overdue
    cli("run", str(book), "--today", "2026-11-25")
    week3 = due(book)
    assert sorted((r, s) for s, r, w, c in week3 if c == "Fax Co" and "Hal" in w) == [
        ("R3", "DUE"), ("R8", "DUE")
    ]  # fmt: skip
    bank_calls = calls_of(week3, "Harbour Bank")
    assert sorted((r, s) for s, r, _ in bank_calls) == [
        ("R12", "UPCOMING"), ("R12", "UPCOMING"), ("R13", "UPCOMING")]  # fmt: skip
    assert sorted(next(n for n in ("Ana", "Carl", "Eve") if n in w) for *_, w in bank_calls) == [
        "Ana", "Carl", "Eve"]  # fmt: skip
    events = Calendar.from_ical((tmp_path / "followup 2026-11-25" / "followup.ics").read_bytes())
    starts = {
        str(e["summary"]): e.decoded("dtstart")
        for e in events.walk("VEVENT")
        if str(e["summary"]).startswith("Call ") and str(e.get("status")) != "CANCELLED"
    }
    ana = next(v for k, v in starts.items() if "Ana Bree" in k)
    assert ana.date() == date(2026, 11, 27)  # one call, from round 2
    assert sum("Ana Bree" in k for k in starts) == 1
    edit(book, tmp_path, status={"BANK-2": "Offer"})

    # Fri 27 Nov: an offer on round 2: no more "any news?" calls to anyone at the bank
    cli("run", str(book), "--today", "2026-11-27")
    assert calls_of(due(book), "Harbour Bank") == []
    edit(book, tmp_path, status={"BANK-2": "Hired"})

    # Mon 30 Nov: hired. Round 1 need not be set by hand: no call, no keep-in-touch letter
    # for anyone at the bank, and no "keep searching" warning (R11)
    cli("run", str(book), "--today", "2026-11-30")
    final = due(book)
    assert [r for _, r, _, c in final if c == "Harbour Bank"] == []
    assert not [r for _, r, _, _ in final if r == "R11"]
