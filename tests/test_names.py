"""Names: honorifics as people write them, each with its salutation, through the real CLI."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from factory import make_book
from followup_xl.cli import main
from followup_xl.model import Contact
from followup_xl.names import naming

TODAY = "2026-11-25"

#: (typed, sender country, name line, salutation greeting)
TABLE = [
    ("Mr", "US", "Mr. Anthony Blackwood", "Mr. Blackwood"),
    ("Mr.", "GB", "Mr Anthony Blackwood", "Mr Blackwood"),
    ("Mrs", "US", "Mrs. Judith Ellis", "Mrs. Ellis"),
    ("Mrs.", "GB", "Mrs Judith Ellis", "Mrs Ellis"),
    ("Ms", "GB", "Ms Judith Ellis", "Ms Ellis"),
    ("Miss", "US", "Miss Judith Ellis", "Miss Ellis"),
    ("Mx", "US", "Mx. Sam Ellis", "Mx. Ellis"),
    ("Mx.", "GB", "Mx Sam Ellis", "Mx Ellis"),
    ("Dr", "US", "Dr. Amara Lee", "Dr. Lee"),
    ("Dr.", "GB", "Dr Amara Lee", "Dr Lee"),
    ("Prof", "US", "Prof. Amara Lee", "Professor Lee"),
    ("Prof.", "GB", "Professor Amara Lee", "Professor Lee"),
    ("Professor", "AU", "Professor Amara Lee", "Professor Lee"),
    ("Prof. Dr.", "GB", "Prof. Dr. Hans Müller", "Professor Müller"),
    ("Prof Dr", "US", "Prof. Dr. Hans Müller", "Professor Müller"),
    ("Rev", "US", "The Reverend Grace Okoro", "Reverend Okoro"),
    ("Rev.", "GB", "The Reverend Grace Okoro", "Reverend Okoro"),
    ("Sir", "GB", "Sir Anthony Blackwood", "Sir Anthony"),
    ("sir", "US", "Sir Anthony Blackwood", "Sir Anthony"),
    ("Dame", "GB", "Dame Judith Ellis", "Dame Judith"),
    ("Lord", "GB", "Lord Sugar", "Lord Sugar"),
    ("Lady", "GB", "Lady Hale", "Lady Hale"),
]
FIRST = {"Blackwood": "Anthony", "Ellis": "Judith", "Lee": "Amara", "Müller": "Hans",
         "Okoro": "Grace", "Sugar": "Alan", "Hale": "Brenda"}  # fmt: skip


def _person(line: str) -> tuple[str, str]:
    """Return the (first, last) name a table row is about."""
    last = line.split()[-1]
    return ("Sam" if "Sam" in line else FIRST[last]), last


@pytest.mark.parametrize(("typed", "country", "line", "greeting"), TABLE)
def test_every_honorific_is_read_and_greets_by_its_own_rule(
    tmp_path: Path, typed: str, country: str, line: str, greeting: str
) -> None:
    """Typed with or without its dot, each honorific stops nothing and reads as its owner
    expects: "Dear Sir Anthony", never "Dear Sir Anthony Blackwood"."""
    first, last = _person(line)
    profile = {"Country": country} | (
        {"Street": "1 High Street", "City": "London", "State": "", "ZIP": "EC1A 1BB"}
        if country == "GB"
        else {}
    )
    path = make_book(
        tmp_path / "tracker.xlsx",
        profile=profile,
        interviews=[
            {
                "Interview ID": "X-1",
                "Company": "Acme",
                "Position": "Analyst",
                "Interview Date": datetime(2026, 11, 24, 10),
                "Status": "Interviewed",
                "Want Job": "Yes",
                "Company Street": "1 Main St",
                "Company City": "Boston",
                "Company State": "MA",
                "Company ZIP": "02110",
                "Company Country": "US",
                "Strengths": "ten years of audit work",
            }
        ],  # fmt: skip
        contacts=[
            {
                "Contact ID": "C1",
                "Interview ID": "X-1",
                "Role": "Interviewer",
                "Honorific": typed,
                "First Name": first,
                "Last Name": last,
                "Job Title": "Partner",
                "Preferred Channel": "Mail",
                "Personal Note": "the audit calendar",
            }
        ],  # fmt: skip
    )
    result = CliRunner().invoke(main, ["run", str(path), "--today", TODAY])
    assert result.exit_code == 0, result.output
    folder = tmp_path / f"followup {TODAY}"
    (letter,) = [p for p in folder.glob("*Thank-you*.docx")]
    text = [p.text for p in Document(str(letter)).paragraphs]
    block = next(p for p in text if "Partner" in p)
    assert block.splitlines()[0] == line
    punctuation = ":" if country == "US" else ","
    assert f"Dear {greeting}{punctuation}" in text
    report = (folder / f"{TODAY} Proofreading.txt").read_text("utf-8")
    assert "honorific" not in report


def test_a_knight_without_a_first_name_is_greeted_formally() -> None:
    """ "Dear Sir," and "Yours faithfully": never "Dear Sir Blackwood"."""
    called = naming("Sir", "", "Blackwood", country="GB")
    assert (called.name, called.addressee, called.named) == ("Sir Blackwood", "Sir", False)
    assert naming("Dame", "", "Ellis", country="GB").addressee == "Madam"


def _docx_text(path: Path) -> str:
    """Return a .docx's paragraphs and table cells, one per line."""
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("country", ["US", "GB"])
def test_a_contact_without_a_name_is_addressed_by_title_never_by_its_id(
    tmp_path: Path, country: str
) -> None:
    """A "Hiring Committee" row: "Dear Hiring Committee" in the letter, its title and
    organisation on the envelope, in the file name and the calendar; "SPR-HR" nowhere."""
    path = make_book(
        tmp_path / "tracker.xlsx",
        profile={"Country": country},
        interviews=[{"Interview ID": "SPR-1", "Company": "Spruce Analytics",
                     "Position": "Data Analyst", "Interview Date": datetime(2026, 11, 24, 10),
                     "Status": "Interviewed", "Want Job": "Yes", "Company Street": "8 Pine Road",
                     "Company City": "Boston", "Company State": "MA", "Company ZIP": "02110",
                     "Company Country": "US", "Strengths": "SQL; Power BI",
                     "Hiring Timeline Days": 30}],  # fmt: skip
        contacts=[{"Contact ID": "SPR-HR", "Interview ID": "SPR-1", "Role": "Interviewer",
                   "Job Title": "Hiring Committee", "Organization": "Spruce Analytics",
                   "Preferred Channel": "Mail", "Personal Note": "the quarterly dashboards"}],
    )  # fmt: skip
    result = CliRunner().invoke(main, ["run", str(path), "--today", TODAY])
    assert result.exit_code == 0, result.output
    folder = tmp_path / f"followup {TODAY}"
    names = sorted(p.name for p in folder.iterdir())
    assert f"{TODAY} Thank-you — Spruce Analytics — Hiring Committee.docx" in names
    assert not [n for n in names if "SPR-HR" in n]
    letter = _docx_text(folder / f"{TODAY} Thank-you — Spruce Analytics — Hiring Committee.docx")
    assert f"Dear Hiring Committee{':' if country == 'US' else ','}" in letter.splitlines()
    assert "Hiring Committee\nSpruce Analytics\n8 Pine Road" in letter
    assert ("Sincerely," if country == "US" else "Yours faithfully,") in letter.splitlines()
    envelopes = _docx_text(folder / f"{TODAY} Envelopes.docx")
    assert "Hiring Committee\nSpruce Analytics\n8 Pine Road" in envelopes
    calendar = (folder / "followup.ics").read_text("utf-8")
    assert "Hiring Committee" in calendar
    for text in (letter, envelopes, calendar, result.output.split("Letters:")[1]):
        assert "SPR-HR" not in text
    report = (folder / f"{TODAY} Proofreading.txt").read_text("utf-8")
    assert "honorific" not in report and "SPR-HR" not in report


@pytest.mark.parametrize(
    ("honorific", "first", "last", "country", "line"),
    [
        ("Ms.", "花子", "佐藤", "JP", "佐藤 花子 様"),
        ("Mr.", "太郎", "山田", "JP", "山田 太郎 様"),
        ("", "伟", "王", "CN", "王伟 收"),
        ("Ms.", "丽", "李", "CN", "李丽女士"),
        ("Mr.", "伟", "王", "CN", "王伟先生"),
        ("Prof.", "伟", "王", "CN", "王伟教授"),
        ("", "민준", "김", "KR", "김민준 님"),
        ("Dr.", "민준", "김", "KR", "김민준 박사님"),
    ],
)
def test_a_name_in_family_name_first_script_keeps_its_order_and_its_honorific(
    tmp_path: Path, honorific: str, first: str, last: str, country: str, line: str
) -> None:
    """ "Ms. 花子 佐藤" and "Dear Mr. 王:" never: the address prints the name as its owner
    writes it; the salutation greets by title, and R2 asks for the name in Latin letters."""
    path = make_book(
        tmp_path / "tracker.xlsx",
        profile={"Country": "GB", "Street": "1 High Street", "City": "London", "State": "",
                 "ZIP": "EC1A 1BB"},  # fmt: skip
        interviews=[{"Interview ID": "X-1", "Company": "Kaisha", "Position": "Analyst",
                     "Interview Date": datetime(2026, 11, 24, 10), "Status": "Interviewed",
                     "Want Job": "Yes", "Company Country": country,
                     "Strengths": "ten years of audit work"}],  # fmt: skip
        contacts=[{"Contact ID": "C1", "Interview ID": "X-1", "Role": "Interviewer",
                   "Honorific": honorific, "First Name": first, "Last Name": last,
                   "Job Title": "Hiring Manager", "Preferred Channel": "Email",
                   "Email": "c1@example.com", "Personal Note": "the audit calendar"}],
    )  # fmt: skip
    result = CliRunner().invoke(main, ["run", str(path), "--today", TODAY])
    assert result.exit_code == 0, result.output
    folder = tmp_path / f"followup {TODAY}"
    report = (folder / f"{TODAY} Proofreading.txt").read_text("utf-8")
    assert ("R2 name: the name in Contacts!E2 (First Name), Contacts!F2 (Last Name) is written "
            "in") in report  # fmt: skip
    assert (folder / f"{TODAY} Thank-you email — Kaisha — {last} {first}.eml").is_file()
    assert "not in the dictionary" not in report and "honorific" not in report
    (draft,) = folder.glob("*.eml")
    text = draft.read_text("utf-8")
    assert "Dear Hiring Manager," in text and "Dear Ms" not in text and "Dear Mr" not in text
    message = email.message_from_string(text, policy=email.policy.default)
    assert str(message["To"]).startswith(f"{last} {first}")
    contact = Contact(row=2, contact_id="C1", honorific=honorific, first_name=first,
                      last_name=last)  # fmt: skip
    assert naming(contact.honorific, first, last, title="", country="GB", to=country).name == line
