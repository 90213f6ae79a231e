"""One week of a UK job seeker writing to the US, Germany and France, through the real CLI.

The workbook: a London sender, a five-person panel at a Boston company, one interviewer in
Berlin and one in Paris. The expectations are the countries' own conventions, written here
from them (Royal Mail / UPU addressing, British letter forms), not read off the code.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from itertools import combinations
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from factory import make_book
from followup_xl.cli import main

TODAY = "2026-11-26"
SENDER = {"Name": "Priya Shah", "Street": "3 Clerkenwell Road", "City": "London",
          "State": "", "ZIP": "EC1M 5RN", "Phone": "020 7946 0018", "Cell": "07700 900123",
          "Email": "priya.shah@example.co.uk", "Country": "GB"}  # fmt: skip


def _interview(iid: str, company: str, street: str, city: str, state: str, zip_code: str,
               country: str) -> dict:  # fmt: skip
    """An interview held yesterday, thank-you letters due today."""
    return {
        "Interview ID": iid, "Company": company, "Position": "Editorial Manager",
        "Interview Date": datetime(2026, 11, 25, 10, 0), "Status": "Interviewed",
        "Want Job": "Yes", "Decision Expected": date(2026, 12, 18),
        "Company Street": street, "Company City": city, "Company State": state,
        "Company ZIP": zip_code, "Company Country": country,
        "Strengths": "ten years of trade publishing and fluent German",
        "Enclosures": "Writing samples",
    }  # fmt: skip


INTERVIEWS = [
    _interview("US-1", "Harbor Light Press", "1 Federal Street", "Boston", "MA", "02110", "US"),
    _interview("DE-1", "Nordwind Verlag", "Kastanienallee 12", "Berlin", "", "10435", "DE"),
    _interview("FR-1", "Éditions Soleil", "12 rue de Rivoli", "Paris", "", "75001", "France"),
]
PANEL = [("Dr.", "Amy", "Lee"), ("Mr.", "Tom", "Osei"), ("Ms.", "Ruth", "Hale"),
         ("Mr.", "Ken", "Sato"), ("Ms.", "Lina", "Diaz")]  # fmt: skip
NOTES = ["the spring catalogue", "audiobook rights", "the new translation list",
         "author tours in the Midwest", "reissuing older titles"]  # fmt: skip


def _contacts() -> list[dict]:
    """Five interviewers in Boston, one in Berlin, one in Paris; all by mail."""
    people = [
        {"Contact ID": f"US-{n}", "Interview ID": "US-1", "Role": "Interviewer",
         "Honorific": hon, "First Name": first, "Last Name": last, "Job Title": "Editor",
         "Organization": "Harbor Light Press", "Preferred Channel": "Mail",
         "Personal Note": note}
        for n, ((hon, first, last), note) in enumerate(zip(PANEL, NOTES, strict=True), 1)
    ]  # fmt: skip
    people.append({"Contact ID": "DE-1", "Interview ID": "DE-1", "Role": "Interviewer",
                   "Honorific": "Dr.", "First Name": "Jonas", "Last Name": "Weber",
                   "Job Title": "Verlagsleiter", "Organization": "Nordwind Verlag",
                   "Preferred Channel": "Mail", "Personal Note": "the autumn fair",
                   "Country": "DE"})  # fmt: skip
    people.append({"Contact ID": "FR-1", "Interview ID": "FR-1", "Role": "Interviewer",
                   "Honorific": "Ms.", "First Name": "Claire", "Last Name": "Martin",
                   "Job Title": "Directrice éditoriale", "Organization": "Éditions Soleil",
                   "Preferred Channel": "Mail", "Personal Note": "the poetry series"})  # fmt: skip
    return people


def _run(tmp_path: Path) -> Path:
    """Run the week through the real CLI and return the letters folder."""
    path = make_book(tmp_path / "tracker.xlsx", profile=SENDER, interviews=INTERVIEWS,
                     contacts=_contacts())  # fmt: skip
    result = CliRunner().invoke(main, ["run", str(path), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return tmp_path / f"followup {TODAY}"


def _letter(folder: Path, last_name: str) -> Path:
    """The thank-you letter file to the person of that last name."""
    (found,) = [p for p in folder.glob(f"{TODAY} Thank-you — *{last_name}.docx")]
    return found


def _lines(path: Path) -> list[str]:
    """The letter's non-empty lines, as Word shows them (a paragraph's breaks split it)."""
    return [ln.strip() for p in Document(str(path)).paragraphs for ln in p.text.splitlines()
            if ln.strip()]  # fmt: skip


def _body_sentences(path: Path) -> set[str]:
    """The sentences between the salutation and the close."""
    lines = _lines(path)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Dear "))
    end = next(i for i, ln in enumerate(lines) if ln == "Yours sincerely,")
    text = " ".join(lines[start + 1 : end])
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()}


def test_a_uk_sender_writes_to_each_country_in_its_own_form(tmp_path: Path) -> None:
    """Addresses end with the destination's country line; salutation and close are British."""
    folder = _run(tmp_path)
    expected = {
        "Lee": ["Dr Amy Lee", "Editor", "Harbor Light Press", "1 Federal Street",
                "BOSTON, MA 02110", "UNITED STATES"],
        "Weber": ["Dr Jonas Weber", "Verlagsleiter", "Nordwind Verlag", "Kastanienallee 12",
                  "10435 BERLIN", "GERMANY"],
        "Martin": ["12 rue de Rivoli", "75001 PARIS", "FRANCE"],
    }  # fmt: skip
    salutations = {"Lee": "Dear Dr Lee,", "Weber": "Dear Dr Weber,", "Martin": "Dear Ms Martin,"}
    for last, block in expected.items():
        lines = _lines(_letter(folder, last))
        joined = "\n".join(lines)
        assert "\n".join(block) in joined, joined
        # the sender's own block names the sender's country when the letter goes abroad
        assert "EC1M 5RN\nUNITED KINGDOM" in joined, joined
        assert salutations[last] in lines and "Yours sincerely," in lines, joined
        assert "Sincerely," not in lines and not any(ln.endswith(":") and ln.startswith("Dear")
                                                     for ln in lines)  # fmt: skip
        with zipfile.ZipFile(_letter(folder, last)) as z:
            styles = z.read("word/styles.xml").decode()
        assert 'w:val="en-GB"' in styles


def _page_sizes_mm(path: Path) -> set[tuple[int, int]]:
    """The (width, height) in whole millimetres of every section of a .docx."""
    return {(round(s.page_width.mm), round(s.page_height.mm))
            for s in Document(str(path)).sections}  # fmt: skip


def test_a_uk_sender_prints_on_a4_with_dl_envelopes(tmp_path: Path) -> None:
    """ISO 216 A4 (210 x 297 mm) letters; DL envelopes (220 x 110 mm), one per letter."""
    folder = _run(tmp_path)
    for _, _, last in PANEL:
        assert _page_sizes_mm(_letter(folder, last)) == {(210, 297)}
    (envelopes,) = folder.glob("* Envelopes.docx")
    assert _page_sizes_mm(envelopes) == {(220, 110)}
    text = "\n".join(p.text for p in Document(str(envelopes)).paragraphs)
    for country in ("UNITED STATES", "GERMANY", "FRANCE"):
        assert country in text, text


def test_five_letters_to_one_panel_share_no_sentence(tmp_path: Path) -> None:
    """Apart from salutation, close and shared facts, no two panel letters repeat a sentence."""
    folder = _run(tmp_path)
    bodies = {last: _body_sentences(_letter(folder, last)) for _, _, last in PANEL}
    for (a, sa), (b, sb) in combinations(bodies.items(), 2):
        assert not (sa & sb), f"{a} and {b} share: {sa & sb}"


def test_the_week_proofreads_clean(tmp_path: Path) -> None:
    """Correct British letters to three countries raise no proofreading finding."""
    folder = _run(tmp_path)
    (report,) = folder.glob("* Proofreading.txt")
    assert "No findings." in report.read_text(encoding="utf-8"), report.read_text("utf-8")


def test_a_letter_corrected_in_word_prints_as_corrected(tmp_path: Path) -> None:
    """Edit one panel letter after the run; `print` rebuilds the print file with the edit."""
    folder = _run(tmp_path)
    path = _letter(folder, "Osei")
    doc = Document(str(path))
    salutation = next(p for p in doc.paragraphs if p.text == "Dear Mr Osei,")
    salutation.runs[0].text = "Dear Tom,"
    doc.save(str(path))
    result = CliRunner().invoke(main, ["print", str(folder)])
    assert result.exit_code == 0, result.output
    (print_file,) = folder.glob("* Print all letters.docx")
    lines = [p.text for p in Document(str(print_file)).paragraphs]
    assert "Dear Tom," in lines and "Dear Mr Osei," not in lines
    assert lines.count("Yours sincerely,") == 7  # every letter once, each on its own page


def test_each_envelope_page_carries_its_own_address(tmp_path: Path, soffice: str) -> None:
    """In LibreOffice's PDF of the envelopes file, every page holds one letter's address.

    (An address frame closing a section once slid onto the next envelope's page.)
    """
    from test_pagefit import pdf_pages

    from followup_xl import office

    folder = _run(tmp_path)
    (envelopes,) = folder.glob("* Envelopes.docx")
    pages = pdf_pages(office.convert(envelopes, "pdf", tmp_path / "pdf"))
    names = [f"{hon.rstrip('.')} {first} {last}" for hon, first, last in PANEL]
    names += ["Dr Jonas Weber", "Ms Claire Martin"]
    found = []
    for page in pages:
        assert "Priya Shah" in page, page
        on_page = [n for n in names if n in page]
        assert len(on_page) == 1, page
        found += on_page
    assert sorted(found) == sorted(names)


def test_the_address_abroad_sits_in_the_dl_window(tmp_path: Path, soffice: str) -> None:
    """GB to Boston, six lines with the country line: all inside DIN 5008's address field.

    The field of form B: 45 mm from the top edge, 20 mm from the left, 85 x 45 mm, which the
    DL window shows once the A4 sheet is folded at 105 and 210 mm.
    """
    from test_paper import MM, pdf_pages

    from followup_xl import office

    folder = _run(tmp_path)
    pdf = office.convert(_letter(folder, "Lee"), "pdf", tmp_path / "pdf")
    width, height, lines = pdf_pages(pdf)[0]
    assert (round(width / MM), round(height / MM)) == (210, 297)
    start = next(i for i, ln in enumerate(lines) if ln.text == "Dr Amy Lee")
    end = next(i for i, ln in enumerate(lines) if ln.text.startswith("Dear "))
    address = lines[start:end]
    assert [ln.text for ln in address][-2:] == ["BOSTON, MA 02110", "UNITED STATES"]
    for line in address:
        assert line.top >= 45 * MM and line.bottom <= 90 * MM, line
        assert line.left >= 20 * MM and line.right <= 105 * MM, line
