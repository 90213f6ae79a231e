"""Letters: real .docx/.eml files rendered from records, read back with python-docx and email."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from email import policy
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches

from followup_xl import letters
from followup_xl.errors import FollowupError, TemplateError
from followup_xl.letters.printing import make_pdf
from followup_xl.model import (
    Action,
    Book,
    Contact,
    Interview,
    Kind,
    LogEntry,
    Profile,
    Status,
)

TODAY = date(2026, 11, 25)

PROFILE = Profile(
    name="Jordan Ellis",
    street="42 Maple Street",
    city="Springfield",
    state="IL",
    zip="62704",
    phone="(217) 555-0143",
    cell="(217) 555-0199",
    email="jordan.ellis@example.com",
    country="US",
)
INTERVIEW = Interview(
    row=2,
    interview_id="BN-1",
    company="Barnes & Noble",
    position="Store Manager",
    interview_date=date(2026, 11, 24),
    status="Interviewed",
    want_job="Yes",
    company_street="555 Fifth Avenue",
    company_city="New York",
    company_state="NY",
    company_zip="10017",
    strengths="ten years of retail management; fluent Spanish",
    forgot_to_mention="I ran the holiday pop-up store in 2024",
    enclosures=("List of references", "Writing sample"),
)
RENEE = Contact(
    row=2,
    contact_id="C-1",
    interview_id="BN-1",
    honorific="Ms.",
    first_name="Renée",
    last_name="Dubois-Okafor",
    job_title="District Manager",
    personal_note="the children's reading hour",
    preferred_channel="Mail",
)
TOM = Contact(
    row=3,
    contact_id="C-2",
    interview_id="BN-1",
    honorific="Mr.",
    first_name="Tom",
    last_name="O'Neil",
    job_title="HR Lead",
    email="tom@example.com",
    personal_note="the new café",
    preferred_channel="Email",
)
ANA = Contact(
    row=4,
    contact_id="C-3",
    interview_id="BN-1",
    role="Receptionist",
    honorific="Ms.",
    first_name="Ana",
    last_name="Lee",
    personal_note="her rescue dog",
    preferred_channel="Handwritten Card",
)


def make_book(*contacts: Contact, interview: Interview = INTERVIEW, **kw) -> Book:
    """Return a Book with the profile, one interview and the given contacts."""
    contacts = contacts or (RENEE,)
    return Book(path="tracker.xlsx", profile=kw.pop("profile", PROFILE),
                interviews=(interview,), contacts=contacts, **kw)  # fmt: skip


def action(contact: Contact, kind: Kind = Kind.THANK_YOU_LETTER, iv: Interview = INTERVIEW):
    """Return the due action of one letter to one contact."""
    return Action(
        rule="R14" if kind is Kind.KEEP_IN_TOUCH else "R3",
        kind=kind,
        status=Status.DUE,
        due=TODAY,
        why="thank-you within 24 h",
        channel=contact.preferred_channel,
        interview_id=iv.interview_id,
        company=iv.company,
        position=iv.position,
        contact_id=contact.contact_id,
        who=contact.display_name,
    )


def paragraphs(path: Path) -> list[str]:
    """Return the non-empty paragraph texts of a .docx, read with python-docx."""
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def render(tmp_path: Path, book: Book, *actions: Action, **kw) -> letters.LetterBatch:
    """Render into tmp_path/out."""
    return letters.render_letters(book, actions, today=TODAY, out_dir=tmp_path / "out", **kw)


# --- the thank-you letter ----------------------------------------------------------------------


def test_thank_you_letter_has_the_business_layout_in_order(tmp_path):
    """R9: date, sender, recipient, salutation, body, Sincerely, name, enclosures, cc."""
    batch = render(tmp_path, make_book(RENEE), action(RENEE))
    path = batch.files[action(RENEE).key]
    assert path.name == "2026-11-25 Thank-you — Barnes & Noble — Renée Dubois-Okafor.docx"
    text = paragraphs(path)
    assert text[0] == "November 25, 2026"
    assert text[1] == (
        "Jordan Ellis\n42 Maple Street\nSpringfield, IL 62704\n"
        "Phone: (217) 555-0143 · Cell: (217) 555-0199\njordan.ellis@example.com"
    )
    assert text[2] == (
        "Ms. Renée Dubois-Okafor\nDistrict Manager\nBarnes & Noble\n555 Fifth Avenue\n"
        "NEW YORK, NY 10017"
    )
    assert text[3] == "Dear Ms. Dubois-Okafor:"
    assert re.search(r"\b(Thank you|appreciated|grateful)\b", text[4])
    assert "Tuesday, November 24" in text[4]
    assert "the children's reading hour" in text[4]
    assert len(text) == 11  # three body paragraphs
    assert re.search(r"\binterest(ed)?\b", text[5])
    assert "ten years of retail management and fluent Spanish" in text[5]
    assert text[5].endswith(": I ran the holiday pop-up store in 2024.")
    assert ": my list of references and writing sample." in text[6]
    assert text[-5:] == [
        text[-5],  # the closing sentence
        "Sincerely,",
        "Jordan Ellis",
        "Enclosures: List of references; Writing sample",
        "cc: file",
    ]
    assert batch.findings == []


def test_thank_you_letter_leaves_room_to_sign(tmp_path):
    """R9: room for the signature between Sincerely, and the typed name."""
    batch = render(tmp_path, make_book(RENEE), action(RENEE))
    doc = Document(str(batch.files[action(RENEE).key]))
    close = next(p for p in doc.paragraphs if p.text == "Sincerely,")
    assert close.paragraph_format.space_after.pt >= 36


HOSTILE = Contact(
    row=2,
    contact_id="C-9",
    interview_id="AT-1",
    honorific="Dr.",
    first_name="Zoë 😀",
    last_name="O'Brien-Müller",
    job_title='Head of "R&D" <Labs>',
    organization="AT&T <Labs> & Co's",
    street="Building 5\nFloor 2",
    city="Zürich",
    personal_note="the 'Tom & Jerry' <remake> {_{ x }_} {_% y %_} &amp;",
)
HOSTILE_IV = replace(
    INTERVIEW,
    interview_id="AT-1",
    company="AT&T <Labs> & Co's",
    position="R&D Engineer",
    strengths="C++ & Rust; {{ not a tag }} and {% raw %}",
    forgot_to_mention="",
    enclosures=(),
)


def test_cells_come_out_exactly_as_typed(tmp_path):
    """&, <>, quotes, apostrophes, umlauts, emoji and Jinja-looking text are not lost."""
    act = action(HOSTILE, iv=HOSTILE_IV)
    batch = render(tmp_path, make_book(HOSTILE, interview=HOSTILE_IV), act)
    text = paragraphs(batch.files[act.key])
    assert text[2] == (
        "Dr. Zoë 😀 O'Brien-Müller\nHead of \"R&D\" <Labs>\nAT&T <Labs> & Co's\n"
        "Building 5\nFloor 2\nZÜRICH"  # the town in the post's capitals
    )
    assert text[3] == "Dear Dr. O'Brien-Müller:"
    body = "\n".join(text)
    assert "the 'Tom & Jerry' <remake> {_{ x }_} {_% y %_} &amp;" in body
    # the serial comma keeps "C++ & Rust" one item: never "… and … and …"
    assert "C++ & Rust, and {{ not a tag }} and {% raw %}" in body
    assert "the R&D Engineer position at AT&T <Labs> & Co's" in body


def test_line_break_in_a_cell_is_a_real_line_break(tmp_path):
    """A line break typed in a cell becomes <w:br/>, not a space or lost text."""
    act = action(HOSTILE, iv=HOSTILE_IV)
    batch = render(tmp_path, make_book(HOSTILE, interview=HOSTILE_IV), act)
    xml = zipfile.ZipFile(batch.files[act.key]).read("word/document.xml").decode()
    assert re.search(r"Building 5</w:t>\s*<w:br/>\s*<w:t[^>]*>Floor 2", xml)


def test_want_job_no_thanks_without_claiming_interest(tmp_path):
    """R4: the letter still thanks, wishes to stay in touch, and claims no interest."""
    iv = replace(INTERVIEW, want_job="No")
    batch = render(tmp_path, make_book(RENEE, interview=iv), action(RENEE, iv=iv))
    body = " ".join(paragraphs(batch.files[action(RENEE, iv=iv).key]))
    assert "interested" not in body
    assert "my interest" not in body
    assert re.search(r"(stay|keep) in touch|paths cross", body)
    assert "Thank" in body or "appreciated" in body
    assert "I look forward to hearing from you" not in body
    assert batch.findings == []


@pytest.mark.parametrize("status", ["Position Filled", "Not Selected", "Withdrawn"])
def test_thank_you_after_a_no_claims_no_interest(tmp_path, status):
    """A thank-you written after the position went elsewhere thanks without asking for it."""
    iv = replace(INTERVIEW, want_job="Yes", status=status)
    batch = render(tmp_path, make_book(RENEE, interview=iv), action(RENEE, iv=iv))
    body = " ".join(paragraphs(batch.files[action(RENEE, iv=iv).key]))
    assert "interested" not in body
    assert "my interest" not in body
    assert "a decision is expected" not in body
    assert re.search(r"(stay|keep) in touch|paths cross", body)
    assert batch.findings == []


def test_no_enclosures_means_no_enclosure_line(tmp_path):
    """R9: the Enclosures line only when something is enclosed; its paragraph disappears."""
    iv = replace(INTERVIEW, enclosures=())
    batch = render(tmp_path, make_book(RENEE, interview=iv), action(RENEE, iv=iv))
    text = paragraphs(batch.files[action(RENEE, iv=iv).key])
    assert text[-3:] == ["Sincerely,", "Jordan Ellis", "cc: file"]
    assert not any("enclosed" in t for t in text)
    doc = Document(str(batch.files[action(RENEE, iv=iv).key]))
    assert "" not in [p.text for p in doc.paragraphs]


def test_single_enclosure_is_singular(tmp_path):
    """One enclosure: "Enclosure: …"."""
    iv = replace(INTERVIEW, enclosures=("Portfolio of store layouts",))
    batch = render(tmp_path, make_book(RENEE, interview=iv), action(RENEE, iv=iv))
    text = paragraphs(batch.files[action(RENEE, iv=iv).key])
    assert "Enclosure: Portfolio of store layouts" in text


def test_enclosures_read_as_a_sentence_but_the_line_keeps_them_as_typed(tmp_path):
    """Common words are lower-cased inside the sentence; names and acronyms stay as typed."""
    iv = replace(INTERVIEW, enclosures=("References", "A copy of my license", "SQL report",
                                        "Python code sample"))  # fmt: skip
    batch = render(tmp_path, make_book(RENEE, interview=iv), action(RENEE, iv=iv))
    text = paragraphs(batch.files[action(RENEE, iv=iv).key])
    # "my" for each item without an article, since one of them has its own ("a copy")
    assert (": my references, a copy of my license, my SQL report, and my Python code sample."
            in text[6])  # fmt: skip
    assert "Enclosures: References; A copy of my license; SQL report; Python code sample" in text


def test_contact_address_wins_over_company_address(tmp_path):
    """The contact's own address is used when recorded; organization defaults to the company."""
    c = RENEE._replace(street="1 Side Road", city="Newark", state="NJ", zip="07102")
    batch = render(tmp_path, make_book(c), action(c))
    assert paragraphs(batch.files[action(c).key])[2] == (
        "Ms. Renée Dubois-Okafor\nDistrict Manager\nBarnes & Noble\n1 Side Road\nNEWARK, NJ 07102"
    )


def test_british_profile_gets_british_dates_addresses_and_a4(tmp_path):
    """Dates and addresses follow the Profile Country; A4 paper outside US Letter countries."""
    profile = replace(PROFILE, country="GB", city="London", state="", zip="SW1A 1AA",
                      street="10 Downing Street")  # fmt: skip
    c = RENEE._replace(street="Unter den Linden 5", city="Berlin", zip="10117", state="",
                country="DE")  # fmt: skip
    batch = render(tmp_path, make_book(c, profile=profile), action(c))
    path = batch.files[action(c).key]
    text = paragraphs(path)
    assert text[0] == "25 November 2026"
    # the sender's own (UK) format, naming the sender's country for a reply from abroad
    assert (
        "10 Downing Street\nLondon\nSW1A 1AA\nUNITED KINGDOM\n"
        "Phone: (217) 555-0143 · Mobile: (217) 555-0199" in text[1]
    )
    # the German format for a German address, and the country line
    assert text[2].endswith("Unter den Linden 5\n10117 BERLIN\nGERMANY")
    assert "24 November" in text[4]
    section = Document(str(path)).sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1


@pytest.mark.parametrize(
    "country, date_line",
    [
        ("US", "November 25, 2026"),
        ("GB", "25 November 2026"),
        ("DE", "25 November 2026"),
        ("", "November 25, 2026"),
        ("XX", "25 November 2026"),
    ],
)
def test_dates_follow_the_country(country, date_line):
    """Babel's English for the Profile Country gives the date (addresses: test_address.py)."""
    from followup_xl import localize

    assert localize.Dates(country, TODAY).long(TODAY) == date_line


# --- the other kinds ---------------------------------------------------------------------------


def test_email_is_an_unsent_draft_the_email_package_reads(tmp_path):
    """R5: an .eml draft with To, Subject and plain text, marked unsent, never sent."""
    act = action(TOM, Kind.THANK_YOU_EMAIL)
    batch = render(tmp_path, make_book(RENEE, TOM), act)
    path = batch.files[act.key]
    assert path.name == "2026-11-25 Thank-you email — Barnes & Noble — Tom O'Neil.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["To"] == "Tom O'Neil <tom@example.com>"
    assert msg["From"] == "Jordan Ellis <jordan.ellis@example.com>"
    assert msg["Subject"] == "Thank you — Store Manager interview"
    assert msg["X-Unsent"] == "1"
    assert msg.get_content_type() == "text/plain"
    body = msg.get_content().replace("\r\n", "\n")  # .eml files use CRLF line ends
    assert body.startswith("Dear Mr. O'Neil:\n\n")
    assert "Barnes & Noble" in body and "the new café" in body
    assert "attached" in body and "enclosed" not in body
    assert "Sincerely,\nJordan Ellis\n(217) 555-0143\njordan.ellis@example.com" in body
    assert body.rstrip().endswith("Attachments: List of references; Writing sample")
    assert batch.print_file is None  # nothing to print
    assert batch.envelopes is None


def test_note_card_is_card_sized_and_short(tmp_path):
    """R8: a short note for the receptionist on a card-sized page, to copy by hand."""
    act = action(ANA, Kind.NOTE_CARD)
    batch = render(tmp_path, make_book(RENEE, ANA), act)
    path = batch.files[act.key]
    assert path.name == "2026-11-25 Note card — Barnes & Noble — Ana Lee.docx"
    doc = Document(str(path))
    assert doc.sections[0].page_width == Inches(5.5)
    assert doc.sections[0].page_height == Inches(4.25)
    text = paragraphs(path)
    assert text[0] == "Dear Ms. Lee,"
    assert "her rescue dog" in text[1] and "Barnes & Noble" in text[1]
    assert len(text[1].split()) < 60
    assert text[-2:] == ["With thanks,", "Jordan Ellis"]
    assert batch.envelopes is None  # addressed by hand


def test_keep_in_touch_letter_asks_for_referrals(tmp_path):
    """R14: after a terminal status, thanks, network and a referral request."""
    iv = replace(INTERVIEW, status="Position Filled", enclosures=())
    act = action(RENEE, Kind.KEEP_IN_TOUCH, iv=iv)
    batch = render(tmp_path, make_book(RENEE, interview=iv), act)
    path = batch.files[act.key]
    assert path.name == "2026-11-25 Keep in touch — Barnes & Noble — Renée Dubois-Okafor.docx"
    text = paragraphs(path)
    assert text[3] == "Dear Ms. Dubois-Okafor:"
    body = " ".join(text)
    assert "position has now been filled" in body
    assert "network" in body and "referral" in body
    assert text[-3:] == ["Sincerely,", "Jordan Ellis", "cc: file"]
    assert batch.envelopes is not None


def test_fax_is_a_cover_sheet_then_the_letter(tmp_path):
    """A fax: a one-page cover sheet, then the letter on its own page."""
    tom = TOM._replace(fax="+1 212 555 0100", preferred_channel="Fax")
    act = action(tom, Kind.THANK_YOU_FAX)
    batch = render(tmp_path, make_book(RENEE, tom), act)
    doc = Document(str(batch.files[act.key]))
    assert len(doc.sections) == 2
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert cells[:6] == ["To:", "Mr. Tom O'Neil", "Organization:", "Barnes & Noble", "Fax:",
                         "+1 212 555 0100"]  # fmt: skip
    text = [p.text for p in doc.paragraphs if p.text.strip()]
    assert text[0] == "Fax"
    assert text.index("Dear Mr. O'Neil:") > text.index("November 25, 2026")
    assert text[-1] == "cc: file"


# --- the batch ---------------------------------------------------------------------------------


def test_panel_letters_read_differently(tmp_path):
    """R3: each interviewer of one panel gets different phrasing, deterministically."""
    members = [
        RENEE._replace(
            contact_id=f"P-{i}",
            row=10 + i,
            first_name=f"Person{i}",
            last_name=name,
            personal_note=note,
        )  # fmt: skip
        for i, (name, note) in enumerate(
            [
                ("Adams", "inventory software"),
                ("Baker", "the staff rota"),
                ("Clark", "weekend events"),
                ("Diaz", "the loyalty programme"),
            ]  # fmt: skip
        )
    ]
    acts = [action(c) for c in members]
    batch = render(tmp_path, make_book(*members), *acts)
    bodies = [paragraphs(batch.files[a.key])[4:7] for a in acts]
    for i, a in enumerate(bodies):
        for b in bodies[i + 1 :]:
            assert all(x != y for x, y in zip(a, b, strict=True))
    assert [f for f in batch.findings if f.rule == "R3"] == []
    again = render(tmp_path / "again", make_book(*members), *acts)
    assert [paragraphs(again.files[a.key]) for a in acts] == [
        paragraphs(batch.files[a.key]) for a in acts
    ]


def test_same_day_rerun_gives_the_same_files(tmp_path):
    """Reruns are idempotent: byte-identical files, no copies."""
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD), action(TOM, Kind.THANK_YOU_EMAIL)]
    book = make_book(RENEE, TOM, ANA)
    first = render(tmp_path, book, *acts)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    second = render(tmp_path, book, *acts)
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert before == after
    assert first.files == second.files and first.print_file == second.print_file
    assert second.notes == []


def test_core_properties_stay_in_their_namespace(tmp_path):
    """Word reads a letter's "last modified by" in the core properties' namespace: docxtpl's
    import of docxcompose must not move it into the custom properties' one."""
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD)]
    batch = render(tmp_path, make_book(RENEE, ANA), *acts)
    for path in [*batch.files.values(), batch.print_file]:
        core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
        assert "officeDocument/2006/custom-properties" not in core
        assert "<cp:lastModifiedBy>Jordan Ellis</cp:lastModifiedBy>" in core


def test_different_existing_file_is_never_overwritten(tmp_path):
    """A letter edited by hand stays; the new version gets the next free name and a note."""
    first = render(tmp_path, make_book(RENEE), action(RENEE))
    path = first.files[action(RENEE).key]
    path.write_bytes(b"edited by hand")
    second = render(tmp_path, make_book(RENEE), action(RENEE))
    new = second.files[action(RENEE).key]
    assert path.read_bytes() == b"edited by hand"
    assert new.name == "2026-11-25 Thank-you — Barnes & Noble — Renée Dubois-Okafor (2).docx"
    assert any("already exists" in n for n in second.notes)


def test_logged_action_makes_no_letter(tmp_path):
    """An action the Log records as done produces no letter."""
    log = (LogEntry(row=2, date=TODAY, action="Thank-You Letter Mailed", interview_id="BN-1",
                    contact_id="C-1"),)  # fmt: skip
    batch = render(tmp_path, make_book(RENEE, log=log), action(RENEE))
    assert batch.files == {} and batch.skipped == [action(RENEE)]
    assert batch.print_file is None


def test_print_file_and_envelopes_follow_the_letters(tmp_path):
    """One print file with every printable letter (letters first, then the note card), one #10
    envelope per mailed letter in the same order."""
    iv2 = replace(INTERVIEW, interview_id="LIB-1", company="City Library", status="Not Selected")
    kit = TOM._replace(contact_id="C-7", interview_id="LIB-1", first_name="Kim", last_name="Wu",
                  honorific="Dr.", preferred_channel="Mail")  # fmt: skip
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD), action(kit, Kind.KEEP_IN_TOUCH, iv=iv2)]
    book = Book(path="t.xlsx", profile=PROFILE, interviews=(INTERVIEW, iv2),
                contacts=(RENEE, ANA, kit))  # fmt: skip
    batch = render(tmp_path, book, *acts)
    assert batch.print_file.name == "2026-11-25 Print all letters.docx"
    doc = Document(str(batch.print_file))
    assert [round(s.page_width.inches, 2) for s in doc.sections] == [8.5, 8.5, 5.5]
    salutations = [p.text for p in doc.paragraphs if p.text.startswith("Dear")]
    assert salutations == ["Dear Ms. Dubois-Okafor:", "Dear Dr. Wu:", "Dear Ms. Lee,"]
    env = Document(str(batch.envelopes))
    assert [(round(s.page_width.inches, 3), round(s.page_height.inches, 3))
            for s in env.sections] == [(9.5, 4.125)] * 2  # fmt: skip
    blocks = [p.text for p in env.paragraphs if p.text.strip()]
    assert blocks[1].startswith("Ms. Renée Dubois-Okafor\n") and blocks[3].startswith("Dr. Kim Wu")
    assert blocks[0] == "Jordan Ellis\n42 Maple Street\nSpringfield, IL 62704"


def test_join_copes_with_documents_without_page_setup():
    """A hand-made template with no section properties still joins, one page each."""
    from io import BytesIO

    from docx.oxml.ns import qn

    parts = []
    for text in ("one", "two", "three"):
        doc = Document()
        doc.add_paragraph(text)
        doc.element.body.remove(doc.element.body.find(qn("w:sectPr")))
        buf = BytesIO()
        doc.save(buf)
        parts.append(buf.getvalue())
    joined = Document(BytesIO(letters.join(parts, TODAY)[0]))
    assert [p.text for p in joined.paragraphs if p.text] == ["one", "two", "three"]
    assert len(joined.sections) == 3


def test_progress_reports_each_letter(tmp_path):
    """The progress callback sees every letter (the CLI draws a bar with it)."""
    seen = []
    render(tmp_path, make_book(RENEE, ANA), action(RENEE), action(ANA, Kind.NOTE_CARD),
           progress=lambda i, n: seen.append((i, n)))  # fmt: skip
    assert seen == [(1, 2), (2, 2)]


# --- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "company, person, expected",
    [
        ("../../x", "A B", "2026-11-25 Thank-you — x — A B.docx"),
        ("CON", "NUL", "2026-11-25 Thank-you — _CON — _NUL.docx"),
        ("AC/DC", 'Bon "Angus" Scott', "2026-11-25 Thank-you — AC-DC — Bon -Angus- Scott.docx"),
        ("Ben & Jerry's: <Ice>?", "Zoë", "2026-11-25 Thank-you — Ben & Jerry's- -Ice — Zoë.docx"),
    ],
)
def test_hostile_names_make_safe_file_names(tmp_path, company, person, expected):
    """File names are safe on Windows, macOS and Linux and stay inside the folder."""
    iv = replace(INTERVIEW, company=company)
    c = RENEE._replace(first_name=person, last_name="")
    act = action(c, iv=iv)
    batch = render(tmp_path, make_book(c, interview=iv), act)
    path = batch.files[act.key]
    assert path.name == expected
    assert path.parent == tmp_path / "out" and path.is_file()


def test_very_long_names_are_cut_to_a_portable_length(tmp_path):
    """300-character names give a file name under 255 bytes that still ends in .docx."""
    iv = replace(INTERVIEW, company="Ä" * 300)
    c = RENEE._replace(first_name="😀" * 300, last_name="")
    act = action(c, iv=iv)
    batch = render(tmp_path, make_book(c, interview=iv), act)
    path = batch.files[act.key]
    assert len(path.name.encode("utf-8")) <= 255 and path.suffix == ".docx"
    assert path.name.startswith("2026-11-25 Thank-you — ÄÄÄ")
    assert path.is_file()


def test_two_letters_with_the_same_name_get_distinct_files(tmp_path):
    """Two people with the same name at one company: the second file is "(2)"."""
    twin = RENEE._replace(contact_id="C-1b", row=9)
    batch = render(tmp_path, make_book(RENEE, twin), action(RENEE), action(twin))
    names = sorted(p.name for p in batch.files.values())
    assert names == [
        "2026-11-25 Thank-you — Barnes & Noble — Renée Dubois-Okafor (2).docx",
        "2026-11-25 Thank-you — Barnes & Noble — Renée Dubois-Okafor.docx",
    ]


# --- templates ---------------------------------------------------------------------------------


def write_template(path: Path, *texts: str) -> Path:
    """Write a .docx whose paragraphs hold the given texts (with tags)."""
    doc = Document()
    for t in texts:
        doc.add_paragraph(t)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def test_unknown_variables_are_all_reported_at_once(tmp_path):
    """Every unknown variable of every template, with the template's name, before rendering."""
    mine = tmp_path / "mine"
    write_template(mine / "thank_you_letter.docx", "{{ salutation }}", "{{ compnay }} {{ nmae }}")
    write_template(mine / "note_card.docx", "{{ sender.name }} {{ card_mesage }}")
    with pytest.raises(TemplateError) as err:
        render(tmp_path, make_book(RENEE), action(RENEE), template_dir=mine)
    msg = str(err.value)
    assert (
        "thank_you_letter.docx: unknown variables {{ compnay }} (did you mean {{ company }}?), "
        "{{ nmae }}; the variables a template can use are listed in docs/templates.md "
        "(Template variables)"
    ) in msg
    assert (
        "note_card.docx: unknown variables {{ card_mesage }} (did you mean {{ card_message }}?), "
        "{{ sender }}"
    ) in msg
    assert not (tmp_path / "out").exists()


def test_attribute_of_a_known_variable_is_an_error_not_blank_text(tmp_path):
    """StrictUndefined: {{ company.name }} fails the check instead of rendering nothing."""
    mine = tmp_path / "mine"
    write_template(mine / "thank_you_letter.docx", "{{ company.nmae }}")
    with pytest.raises(TemplateError, match=r"thank_you_letter\.docx: template error"):
        letters.check_templates(mine)


def test_sandbox_blocks_unsafe_template_code(tmp_path):
    """Jinja runs sandboxed: a template cannot reach Python internals."""
    mine = tmp_path / "mine"
    write_template(mine / "thank_you_letter.docx", "{{ date.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="thank_you_letter.docx"):
        letters.check_templates(mine)


def test_broken_template_syntax_names_the_template(tmp_path, corpus_dir):
    """docxtpl's own broken template: a syntax error located in thank_you_letter.docx."""
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(corpus_dir / "docxtpl_template_error_tpl.docx", mine / "thank_you_letter.docx")
    with pytest.raises(TemplateError, match=r"thank_you_letter\.docx: template syntax error"):
        letters.check_templates(mine)


def test_corpus_escape_template_reports_its_variables(tmp_path, corpus_dir):
    """docxtpl's escaping template uses variables we do not have: all are listed."""
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(corpus_dir / "docxtpl_escape_tpl_auto.docx", mine / "note_card.docx")
    with pytest.raises(TemplateError, match=r"note_card\.docx: unknown variables? \{\{"):
        letters.check_templates(mine)


def test_not_a_docx_is_a_clear_error(tmp_path):
    """A template that is not a Word file is named."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "envelope.docx").write_text("hello")
    with pytest.raises(TemplateError, match=r"envelope\.docx: it is not a Word document: open"):
        letters.check_templates(mine)


def test_an_odt_renamed_docx_is_named_as_one(tmp_path):
    """An OpenDocument text saved under a .docx name: said so, with how to save it as Word
    (it was "There is no item named '[Content_Types].xml'")."""
    import zipfile

    mine = tmp_path / "mine"
    mine.mkdir()
    with zipfile.ZipFile(mine / "envelope.docx", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(TemplateError, match=r"envelope\.docx: it is an OpenDocument \(\.odt\) file "
                       r"renamed \.docx: open it in Word or LibreOffice Writer"):  # fmt: skip
        letters.check_templates(mine)


def test_folder_without_templates_is_an_error(tmp_path):
    """--templates pointing at a folder with none of the template names says which it wants."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(TemplateError, match="no letter templates in this folder"):
        letters.check_templates(tmp_path / "empty")


def test_user_template_is_used_and_others_fall_back(tmp_path):
    """A user's own thank-you template renders; the rest come from the shipped set."""
    mine = tmp_path / "mine"
    write_template(mine / "thank_you_letter.docx", "{{ salutation }}", "My own words for "
                   "{{ company }}.", "Sincerely,", "{{ sender_name }}")  # fmt: skip
    batch = render(tmp_path, make_book(RENEE, ANA), action(RENEE), action(ANA, Kind.NOTE_CARD),
                   template_dir=mine)  # fmt: skip
    assert paragraphs(batch.files[action(RENEE).key]) == [
        "Dear Ms. Dubois-Okafor:", "My own words for Barnes & Noble.", "Sincerely,",
        "Jordan Ellis",
    ]  # fmt: skip
    assert paragraphs(batch.files[action(ANA, Kind.NOTE_CARD).key])[0] == "Dear Ms. Lee,"


def test_tags_split_across_runs_still_render(tmp_path):
    """Word and Writer split a tag into several runs when it is edited: it still works."""
    mine = tmp_path / "mine"
    mine.mkdir()
    doc = Document()
    p = doc.add_paragraph()
    for piece, bold in (("Dear ", False), ("{", False), ("{ recipient", True), ("_name ", False),
                        ("}}", True), (":", False)):  # fmt: skip
        p.add_run(piece).bold = bold
    doc.save(str(mine / "thank_you_letter.docx"))
    batch = render(tmp_path, make_book(RENEE), action(RENEE), template_dir=mine)
    assert paragraphs(batch.files[action(RENEE).key]) == ["Dear Ms. Renée Dubois-Okafor:"]


def test_context_has_exactly_the_documented_variables():
    """letter_context gives every variable of VARIABLES and no other."""
    data = letters.LetterData(action(RENEE), PROFILE, RENEE, INTERVIEW)
    assert sorted(letters.letter_context(data, TODAY)) == sorted(letters.VARIABLES)


def test_every_template_variable_is_documented():
    """docs/templates.md lists every variable a template can use."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "templates.md").read_text("utf-8")
    missing = [v for v in letters.VARIABLES if f"`{v}`" not in doc]
    assert missing == []


def test_shipped_templates_are_what_the_script_builds(tmp_path):
    """letter_templates/*.docx are the output of tools/make_letter_templates.py."""
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "tools" / "make_letter_templates.py"
    spec = importlib.util.spec_from_file_location("make_letter_templates", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT = tmp_path
    module.main()
    for name in letters.TEMPLATE_NAMES:
        shipped = letters.default_template_dir() / name
        assert (tmp_path / name).read_bytes() == shipped.read_bytes()


# --- LibreOffice -------------------------------------------------------------------------------


def test_templates_saved_again_by_libreoffice_still_render(tmp_path, soffice):
    """Each template, opened and saved again in LibreOffice Writer, still renders."""
    mine = tmp_path / "mine"
    shipped = [str(letters.default_template_dir() / n) for n in letters.TEMPLATE_NAMES]
    profile = (tmp_path / "lo-profile").as_uri()
    # one LibreOffice start for all six templates: open each and save it again as Word 2007+
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(mine), *shipped],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    assert sorted(p.name for p in mine.iterdir()) == sorted(letters.TEMPLATE_NAMES)
    for name in letters.TEMPLATE_NAMES:  # really rewritten by LibreOffice
        assert (mine / name).read_bytes() != (letters.default_template_dir() / name).read_bytes()
    letters.check_templates(mine)
    tom = TOM._replace(fax="555-0100")
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD), action(tom, Kind.THANK_YOU_EMAIL),
            action(tom, Kind.THANK_YOU_FAX)]  # fmt: skip
    batch = render(tmp_path, make_book(RENEE, tom, ANA), *acts, template_dir=mine)
    text = paragraphs(batch.files[acts[0].key])
    assert text[3] == "Dear Ms. Dubois-Okafor:"
    assert text[-1] == "cc: file"
    assert "Dear Ms. Lee," in paragraphs(batch.files[acts[1].key])
    assert "Barnes & Noble" in batch.files[acts[2].key].read_text()
    assert [f for f in batch.findings if f.rule != "R5"] == []


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def test_print_file_converts_to_pdf_with_one_page_per_letter(tmp_path, soffice):
    """--pdf: real LibreOffice turns the print file into a PDF, one page per letter."""
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD), action(RENEE._replace(contact_id="C-1x",
            first_name="Max", last_name="Moe", row=8))]  # fmt: skip
    max_moe = RENEE._replace(contact_id="C-1x", first_name="Max", last_name="Moe", row=8)
    batch = render(tmp_path, make_book(RENEE, ANA, max_moe), *acts)
    pdf, note = make_pdf(batch.print_file, {})
    assert note is None
    assert pdf.suffix == ".pdf" and pdf.parent == tmp_path / "out"
    assert _pdf_pages(pdf) == 3


def test_a_full_letter_fits_on_one_page(tmp_path, soffice):
    """A letter with every field filled generously still prints on one page."""
    from followup_xl import office

    iv = replace(
        INTERVIEW,
        strengths="ten years of retail management across three flagship stores; fluent Spanish "
        "and conversational French; a record of growing event attendance by 40 percent",
        forgot_to_mention="I also led the regional rollout of the new inventory system, which "
        "cut stock-outs by a third in its first year",
        enclosures=("List of references", "Writing sample", "Store layout portfolio"),
        decision_expected=date(2026, 12, 4),
    )
    c = RENEE._replace(personal_note="the plans for a children's reading corner and the "
                "monthly author evenings with local writers")  # fmt: skip
    batch = render(tmp_path, make_book(c, interview=iv), action(c, iv=iv))
    pdf = office.convert(batch.files[action(c, iv=iv).key], "pdf", tmp_path / "pdf")
    assert _pdf_pages(pdf) == 1


def test_pdf_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    """No LibreOffice: a clear FollowupError, not a traceback."""
    from followup_xl import office

    batch = render(tmp_path, make_book(RENEE), action(RENEE))
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(FollowupError, match="LibreOffice is not installed"):
        make_pdf(batch.print_file, {})


# --- letter conventions by country (issue 12) -------------------------------------------------

GB_PROFILE = replace(PROFILE, country="GB", city="London", state="", zip="EC1M 5RN",
                     street="3 Clerkenwell Road", phone="020 7946 0018", cell="")  # fmt: skip
DR_LEE = RENEE._replace(honorific="Dr.", first_name="Amy", last_name="Lee",
                 personal_note="the loyalty programme and the colour of the new signs")  # fmt: skip


def _lang(path: Path) -> set[str]:
    """Return every w:lang value in a .docx's styles and body."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/styles.xml").decode() + z.read("word/document.xml").decode()
    return set(re.findall(r'<w:lang w:val="([^"]+)"', xml))


def test_british_sender_writes_dear_dr_lee_comma_and_yours_sincerely(tmp_path):
    """A GB sender: "Dear Dr Lee," and "Yours sincerely,"; the .docx is tagged en-GB."""
    act = action(DR_LEE)
    batch = render(tmp_path, make_book(DR_LEE, profile=GB_PROFILE), act)
    path = batch.files[act.key]
    text = paragraphs(path)
    assert text[2].startswith("Dr Amy Lee\n")
    assert text[3] == "Dear Dr Lee,"
    assert "Yours sincerely," in text and "Sincerely," not in text
    assert _lang(path) == {"en-GB"}
    assert [f for f in batch.findings if f.check in ("spelling", "salutation", "closing")] == []


@pytest.mark.parametrize("country", ["US", "CA"])
def test_north_american_sender_writes_dear_dr_dot_lee_colon_and_sincerely(tmp_path, country):
    """US and Canadian senders: "Dear Dr. Lee:" and "Sincerely,"; tagged en-US."""
    act = action(DR_LEE)
    profile = replace(PROFILE, country=country)
    batch = render(tmp_path, make_book(DR_LEE, profile=profile), act)
    path = batch.files[act.key]
    text = paragraphs(path)
    assert text[3] == "Dear Dr. Lee:"
    assert "Sincerely," in text
    assert _lang(path) == {"en-US"}


@pytest.mark.parametrize("country", ["GB", "IE", "AU", "NZ"])
def test_commonwealth_senders_write_the_british_way(tmp_path, country):
    """IE, AU and NZ senders write as GB ones do, in every kind of letter."""
    from followup_xl import localize

    assert localize.british(country) and localize.language_tag(country) == "en-GB"
    iv = replace(INTERVIEW, status="Not Selected", enclosures=())
    act = action(DR_LEE, Kind.KEEP_IN_TOUCH, iv=iv)
    profile = replace(GB_PROFILE, country=country)
    batch = render(tmp_path, make_book(DR_LEE, interview=iv, profile=profile), act)
    text = paragraphs(batch.files[act.key])
    assert text[3] == "Dear Dr Lee," and "Yours sincerely," in text


def test_british_spelling_is_not_flagged_for_a_british_sender():
    """British spellings ("programme", "colour") pass in en-GB letters, not in en-US ones."""
    from followup_xl.proofread import LetterText, proofread_letter

    def spelling(language: str) -> list[str]:
        letter = LetterText(file="x.docx", kind="card", language=language,
                            paragraphs=("Dear Dr Lee,", "The programme of your organisation "
                                        "and the colour of the centre impressed me.",
                                        "With thanks,", "Jo"), sender_name="Jo")  # fmt: skip
        return [f.message for f in proofread_letter(letter) if f.check == "spelling"]

    assert spelling("en-GB") == []
    us = spelling("en-US")
    assert len(us) >= 3 and not any("programmed" in m for m in spelling("en-GB"))


# --- panel variety for any panel size (issue 12) ----------------------------------------------


def _panel(n: int) -> list[Contact]:
    """Return n interviewers of one panel, each with a Personal Note."""
    names = [
        "Adams",
        "Baker",
        "Clark",
        "Diaz",
        "Evans",
        "Fox",
        "Gray",
        "Hill",
        "Ito",
        "Jones",
        "King",
        "Lopez",
        "Moore",
        "Nash",
        "Owens",
        "Park",
        "Quinn",
        "Reyes",
        "Shaw",
        "Tran",
    ]
    notes = ["inventory software", "the staff rota", "weekend events", "the loyalty scheme",
             "the reading corner", "store layouts", "the café menu", "author signings",
             "the school visits", "the returns desk", "gift wrapping", "the poetry shelf",
             "late openings", "the window displays", "the book club", "used books",
             "the children's corner", "staff training", "the online shop",
             "local authors"]  # fmt: skip
    return [RENEE._replace(contact_id=f"P-{i}", row=10 + i, first_name=f"Sam{i}",
                    last_name=names[i], personal_note=notes[i]) for i in range(n)]  # fmt: skip


def _body_sentences(path: Path) -> set[str]:
    """Return the sentences between the salutation and the close, names removed."""
    from followup_xl.proofread import sentences

    text = paragraphs(path)
    start = next(i for i, t in enumerate(text) if t.startswith("Dear ")) + 1
    end = next(i for i, t in enumerate(text) if t in ("Sincerely,", "Yours sincerely,"))
    return {s for t in text[start:end] for s in sentences(t)}


@pytest.mark.parametrize("kind, status, want", [
    (Kind.THANK_YOU_LETTER, "Interviewed", "Yes"),
    (Kind.THANK_YOU_LETTER, "Interviewed", "Unsure"),
    (Kind.THANK_YOU_LETTER, "Interviewed", "No"),
    (Kind.KEEP_IN_TOUCH, "Not Selected", "Yes"),
])  # fmt: skip
def test_eight_person_panel_shares_no_sentence(tmp_path, kind, status, want):
    """R3: no two letters of a panel (five, even eight people) share a sentence, any kind."""
    iv = replace(INTERVIEW, status=status, want_job=want, decision_expected=date(2026, 12, 4))
    members = _panel(8)
    acts = [action(c, kind, iv=iv) for c in members]
    batch = render(tmp_path, make_book(*members, interview=iv), *acts)
    bodies = [_body_sentences(batch.files[a.key]) for a in acts]
    for i, a in enumerate(bodies):
        for b in bodies[i + 1 :]:
            assert a & b == set()
    assert batch.findings == []


@pytest.mark.parametrize("want, notes, facts", [
    ("Keep in touch", True, True),
    ("Yes", True, True),
    ("Unsure", True, True),
    ("No", True, True),
    ("Yes", False, True),   # the thanks alone in its paragraph
    ("Yes", False, False),  # no Strengths, Forgot To Mention, enclosures or decision: one
                            # sentence in each paragraph
])  # fmt: skip
def test_twenty_person_panel_shares_no_sentence(tmp_path, want, notes, facts):
    """R3 with any panel size: past the phrasebook's eight phrasings a letter joins its
    sentences in pairs, so no two of twenty letters share a sentence, pair by pair."""
    kind = Kind.KEEP_IN_TOUCH if want == "Keep in touch" else Kind.THANK_YOU_LETTER
    iv = replace(INTERVIEW, want_job="Yes" if kind is Kind.KEEP_IN_TOUCH else want,
                 status="Not Selected" if kind is Kind.KEEP_IN_TOUCH else "Interviewed",
                 decision_expected=date(2026, 12, 4))  # fmt: skip
    if not facts:
        iv = replace(iv, strengths="", forgot_to_mention="", enclosures=(), decision_expected=None)
    members = [m if notes else m._replace(personal_note="") for m in _panel(20)]
    acts = [action(c, kind, iv=iv) for c in members]
    batch = render(tmp_path, make_book(*members, interview=iv), *acts)
    bodies = [_body_sentences(batch.files[a.key]) for a in acts]
    for i, a in enumerate(bodies):
        for j in range(i + 1, len(bodies)):
            assert a & bodies[j] == set(), (i, j, a & bodies[j])
    for body in bodies:
        for sentence in body:
            assert sentence[:1].isupper() and sentence.endswith("."), sentence
            assert not re.search(r"; [A-Z][a-z]+ ", sentence.replace("; I ", "; i ")), sentence
    # nothing but what the cells lack (no Personal Note, no Strengths); no two letters alike
    expected = {"no Personal Note", "no qualifications restated"}
    assert [f for f in batch.findings if not f.message.startswith(tuple(expected))] == []
    if notes and facts:
        assert batch.findings == []


def test_first_and_fifth_letter_of_a_five_person_panel_differ(tmp_path):
    """The 1st and 5th letters used to be word for word the same (variants cycled % 4)."""
    members = _panel(5)
    acts = [action(c) for c in members]
    batch = render(tmp_path, make_book(*members), *acts)
    first, fifth = (_body_sentences(batch.files[a.key]) for a in (acts[0], acts[4]))
    assert first & fifth == set()


# --- sentences that read naturally with any cell text (issue 12) ------------------------------


def test_a_single_enclosure_is_one_plain_sentence(tmp_path):
    """One enclosure reads "… my CV." and never "what you asked me to send: CV."."""
    iv = replace(INTERVIEW, enclosures=("CV",))
    members = _panel(8)
    acts = [action(c, iv=iv) for c in members]
    batch = render(tmp_path, make_book(*members, interview=iv), *acts)
    for a in acts:
        body = " ".join(paragraphs(batch.files[a.key]))
        assert "my CV" in body and ": CV." not in body
    assert "As you requested, I have enclosed my CV." in [
        s for a in acts for s in _body_sentences(batch.files[a.key])
    ]


def test_cell_fragments_are_lower_cased_mid_sentence_but_names_are_not(tmp_path):
    """ "Degree certificate" reads "degree certificate"; AT&T, CV and Python stay as typed."""
    iv = replace(INTERVIEW, enclosures=("Two sample edits", "Degree certificate",
                                        "Rights database report", "Book fair flyer", "CV",
                                        "Python notebook"),
                 strengths="Ten years of retail management; AT&T billing systems")  # fmt: skip
    c = RENEE._replace(personal_note="The new cover sheets")
    batch = render(tmp_path, make_book(c, interview=iv), action(c, iv=iv))
    body = " ".join(paragraphs(batch.files[action(c, iv=iv).key]))
    assert (
        ": two sample edits, my degree certificate, my rights database report, my book fair "
        "flyer, my CV, and my Python notebook." in body
    )
    assert "ten years of retail management and AT&T billing systems" in body
    assert "the new cover sheets" in body and "The new cover" not in body
    assert "Enclosures: Two sample edits; Degree certificate;" in body


def test_want_job_unsure_states_interest_without_overstatement(tmp_path):
    """Want Job = Unsure: interest restated plainly in every variant, never "very interested"."""
    iv = replace(INTERVIEW, want_job="Unsure")
    members = _panel(8)
    acts = [action(c, iv=iv) for c in members]
    batch = render(tmp_path, make_book(*members, interview=iv), *acts)
    for a in acts:
        body = " ".join(paragraphs(batch.files[a.key]))
        assert "interest" in body
        assert not re.search(r"very interested|even more|eager|enthusias|keen|all the more", body)
    assert batch.findings == []


# --- channels (issue 12) ----------------------------------------------------------------------


def test_keep_in_touch_to_an_email_contact_is_an_email_draft(tmp_path):
    """R5, R14: the Due sheet says Email, so the keep-in-touch is an unsent .eml draft."""
    iv = replace(INTERVIEW, status="Not Selected", enclosures=())
    act = replace(action(TOM, Kind.KEEP_IN_TOUCH, iv=iv), channel="Email")
    batch = render(tmp_path, make_book(RENEE, TOM, interview=iv), act)
    path = batch.files[act.key]
    assert path.name == "2026-11-25 Keep in touch email — Barnes & Noble — Tom O'Neil.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["To"] == "Tom O'Neil <tom@example.com>" and msg["X-Unsent"] == "1"
    assert msg["Subject"] == "Keeping in touch — Barnes & Noble"
    body = msg.get_content().replace("\r\n", "\n")
    assert body.startswith("Dear Mr. O'Neil:") and "network" in body and "referral" in body
    assert "Sincerely,\nJordan Ellis" in body
    assert batch.envelopes is None and batch.print_file is None
    assert batch.findings == []


def test_fax_cover_counts_its_pages(tmp_path):
    """The fax cover says how many pages follow: the cover and the one-page letter."""
    tom = TOM._replace(fax="+1 212 555 0100", preferred_channel="Fax")
    act = action(tom, Kind.THANK_YOU_FAX)
    batch = render(tmp_path, make_book(RENEE, tom), act)
    cells = [
        c.text for row in Document(str(batch.files[act.key])).tables[0].rows for c in row.cells
    ]
    assert cells[cells.index("Pages:") + 1] == "2 (including this cover sheet)"


# --- `followup-xl templates`: the shipped set, copied to edit ---------------------------------


def test_templates_command_copies_a_set_that_renders_as_the_shipped_one(tmp_path):
    """The copies are the installed files byte for byte, and as --templates they give the
    same letters as the shipped set."""
    from click.testing import CliRunner

    from followup_xl.cli import main
    from followup_xl.letters.shipped import default_template_dir

    folder = tmp_path / "my templates"
    result = CliRunner().invoke(main, ["templates", str(folder)])
    assert result.exit_code == 0, result.output
    shipped = default_template_dir()
    names = sorted(p.name for p in folder.iterdir())
    assert "phrasebook.txt" in names and "thank_you_letter.docx" in names
    for name in names:
        assert (folder / name).read_bytes() == (shipped / name).read_bytes(), name
    book = make_book(RENEE, ANA)
    acts = [action(RENEE), action(ANA, Kind.NOTE_CARD), action(RENEE, Kind.KEEP_IN_TOUCH)]
    ours = render(tmp_path / "a", book, *acts)
    theirs = render(tmp_path / "b", book, *acts, template_dir=folder)
    for a in acts:
        assert ours.files[a.key].read_bytes() == theirs.files[a.key].read_bytes()


def test_templates_command_never_overwrites(tmp_path):
    """A folder already holding one of the files: exit 1, nothing copied, the file untouched."""
    from click.testing import CliRunner

    from followup_xl.cli import main

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "phrasebook.txt").write_text("[closing]\nMy own words.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", str(folder)])
    assert result.exit_code == 1
    assert "already holds phrasebook.txt; nothing was copied" in result.output
    assert [p.name for p in folder.iterdir()] == ["phrasebook.txt"]
    assert (folder / "phrasebook.txt").read_text(encoding="utf-8") == "[closing]\nMy own words.\n"


# --- sentences grammatical whatever the cells hold ----------------------------------------------

#: Twenty Strengths cells from different trades, as people type them.
TRADES = [
    "SQL, Power BI, stakeholder reporting",
    "Six Sigma Black Belt; lean audits on three production lines",
    "ACCA qualification; five years of month-end close in SAP",
    "CDL Class A with HazMat endorsement; 500,000 accident-free miles",
    "Journeyman electrician licence\nNEC code knowledge\nsolar PV installs",
    "Grew branch deposits 18%; trained 12 tellers; member service",
    "fluent Spanish and Portuguese; ten years of ICU nursing",
    "Red Seal chef certification, farm-to-table menus, and a food cost under 28%",
    "Managed a 40-bed ward; cut agency spend by a third",
    "Adobe InDesign; Illustrator; brand guidelines for 30 clients",
    "Certified forklift operator; inventory accuracy of 99.8%.",
    "I rebuilt the dispatch schedule so that drivers lost no hours to overlaps.",
    "Python and Django; AWS; an app with 50,000 users",
    "Montessori diploma; eight years teaching ages 3 to 6",
    "HVAC EPA 608 Universal certification; commercial rooftop units",
    "Paralegal certificate; e-discovery in Relativity; Bluebook citations",
    "The Gold Award for visual merchandising; store openings in Leeds and York",
    "CPR and First Aid instructor; lifeguard training",
    "Launched the loyalty app; doubled weekday covers",
    "IELTS examiner accreditation; curriculum design for adult learners; an MA in TESOL",
]
GB_PROFILE = replace(PROFILE, country="GB", street="1 High Street", city="London", state="",
                     zip="EC1A 1BB")  # fmt: skip


def _sentences_of(text: str) -> list[str]:
    from followup_xl.proofread import sentences

    return sentences(text)


@pytest.mark.parametrize("cell", TRADES)
def test_strengths_of_any_trade_read_as_grammatical_sentences(cell: str) -> None:
    """Every phrasing, both senders' styles, wanted or not: one full stop, a capital first,
    names and acronyms as typed, a proper list, deeds after "I", articles that fit."""
    from followup_xl.letters.context import split_items
    from followup_xl.proofread import article_for

    capitals = {w.strip(".,;") for w in cell.split() if any(c.isupper() for c in w[1:])}
    capitals |= {w.strip(".,;") for w in cell.split()[1:] if w[:1].isupper()}
    for profile in (PROFILE, GB_PROFILE):
        for want, kind in (("Yes", Kind.THANK_YOU_LETTER), ("No", Kind.THANK_YOU_LETTER),
                           ("Yes", Kind.KEEP_IN_TOUCH)):  # fmt: skip
            status = "Not Selected" if kind is Kind.KEEP_IN_TOUCH else "Interviewed"
            iv = replace(INTERVIEW, strengths=cell, want_job=want, status=status)
            for variant in range(8):
                data = letters.LetterData(action(RENEE, kind, iv=iv), profile, RENEE, iv, variant)
                ctx = letters.letter_context(data, TODAY)
                text = ctx["referral"] if kind is Kind.KEEP_IN_TOUCH else ctx["qualifications"]
                for sentence in _sentences_of(text):
                    where = (cell, profile.country, want, variant, sentence)
                    assert sentence[:1].isupper() and sentence.endswith("."), where
                    assert not re.search(r"(?<!\.)\.\.(?!\.)", sentence), where
                    assert not re.search(r"gives me|confident that", sentence), where
                    for m in re.finditer(r"\b(a|an)\s+([^\W_][\w'’-]*)", sentence):
                        assert article_for(m[2]) in ("", m[1]), where
                if kind is Kind.KEEP_IN_TOUCH and not text.rstrip(".").endswith(
                    tuple(split_items(cell)[-1:])
                ):
                    continue  # the plain referral, without the list
                for word in capitals:
                    assert word in text, (word, text)
                items = split_items(cell)
                deeds = any(re.match(r"(?i)(grew|trained|managed|cut|launched|doubled)\b", i)
                            for i in items)  # fmt: skip
                if len(items) >= 3 and " and " not in " ".join(items[:-1]) and not deeds:
                    serial = ", and " in text
                    assert serial == (profile.country == "US"), text
                if re.search(r"\sand\s", " ".join(items[:-1])) and len(items) > 1:
                    assert ", and " in text, text  # "SQL and Power BI, and reporting"


def test_deeds_and_nouns_each_read_in_their_own_sentence() -> None:
    """ "Grew branch deposits 18%" is what the user did: never "I bring grew …"."""
    iv = replace(
        INTERVIEW, strengths="Grew branch deposits 18%; trained 12 tellers; member service"
    )
    for variant in range(8):
        data = letters.LetterData(action(RENEE, iv=iv), PROFILE, RENEE, iv, variant)
        text = letters.letter_context(data, TODAY)["qualifications"]
        assert "member service" in text and "I also grew branch deposits 18% and trained 12 " \
            "tellers." in text, text  # fmt: skip
    iv = replace(INTERVIEW, strengths="Launched the loyalty app; doubled weekday covers")
    text = letters.letter_context(letters.LetterData(action(RENEE, iv=iv), PROFILE, RENEE, iv),
                                  TODAY)["qualifications"]  # fmt: skip
    assert ": I launched the loyalty app and doubled weekday covers." in text, text


def test_a_weekday_date_mid_sentence_takes_its_closing_comma() -> None:
    """US: "on Tuesday, November 24, to talk"; at a sentence's end, no comma."""
    for variant in range(8):
        data = letters.LetterData(action(RENEE), PROFILE, RENEE, INTERVIEW, variant)
        ctx = letters.letter_context(data, TODAY)
        for key in ("appreciation", "card_message"):
            for m in re.finditer(r"November 24(.)", ctx[key]):
                assert m[1] in ",.", ctx[key]
    data = letters.LetterData(action(RENEE), GB_PROFILE, RENEE, INTERVIEW, 4)
    assert "on Tuesday, 24 November, to talk" in letters.letter_context(data, TODAY)["appreciation"]
    data = letters.LetterData(action(RENEE), PROFILE, RENEE, INTERVIEW, 4)
    assert "on Tuesday, November 24, to talk" in letters.letter_context(data, TODAY)["appreciation"]


@pytest.mark.parametrize(
    ("profile", "enclosures", "listed"),
    [
        (GB_PROFILE, ("References", "Writing samples", "Portfolio"),
         "my references, writing samples and portfolio"),
        (PROFILE, ("References", "Writing samples", "Portfolio"),
         "my references, writing samples, and portfolio"),
        (PROFILE, ("The client list", "CV"), "the client list and my CV"),
    ],
)  # fmt: skip
def test_the_enclosure_list_reads_naturally(profile, enclosures, listed) -> None:
    """One "my" for a run of enclosures that take it; "the …" keeps its own article."""
    iv = replace(INTERVIEW, enclosures=enclosures)
    for variant in range(8):
        data = letters.LetterData(action(RENEE, iv=iv), profile, RENEE, iv, variant)
        ctx = letters.letter_context(data, TODAY)
        assert listed in ctx["enclosure_sentence"], ctx["enclosure_sentence"]
