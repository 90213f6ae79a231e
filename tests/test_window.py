"""Every address line in the window: tall and wide blocks measured in LibreOffice's PDFs.

A nine-line address abroad on A4 for a DL envelope and on Letter for a #10, an organisation
name 170 mm long, an eight-line sender block; the windows and reading zones are test_paper's,
from the standards.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_letters import INTERVIEW, PROFILE, RENEE, TODAY, action, make_book
from test_paper import A4_DL, IN, LETTER_10, MM, Line, pdf_pages, window_on_sheet

from followup_xl import letters
from followup_xl.office import convert

#: Nine lines to Southampton from the US: name, title, organisation, three street lines, post
#: town, postcode, country.
SOUTHAMPTON = dict(job_title="District Manager", organization="Barnes & Noble Europe Ltd",
                   street="Flat 4B, Rosewood Court\n27 Long Lane\nHedle End",
                   city="Southampton", zip="so31 4ng", country="GB")  # fmt: skip
#: Nine lines to Dublin from the UK: the Irish layout puts town, county and Eircode on lines
#: of their own.
DUBLIN = dict(job_title="Head of People", organization="Liffey Analytics DAC",
              street="Unit 5, Block B\nDocklands Innovation Park\n128 East Wall Road",
              city="Dublin 3", zip="D03 X2K7", country="IE")  # fmt: skip
#: About 170 mm of organisation name at 11 pt.
LONG_ORG = ("Northern Regional Association of Independent Booksellers, Publishers and "
            "Literary Festival Organisers Ltd")  # fmt: skip
US_SENDER = replace(PROFILE, street="Suite 1200, Riverside Plaza\n400 North Water Street\n"
                    "Building C", country="US")  # fmt: skip
GB_SENDER = replace(PROFILE, street="Flat 4B, Rosewood Court\n27 Long Lane", city="London",
                    state="", zip="EC1M 5RN", phone="+44 20 7946 0000",
                    cell="+44 7700 900123", country="GB")  # fmt: skip


def _render(tmp_path: Path, sender, **where: str):
    """Render the letter and envelope to RENEE at `where`; return their PDFs and the batch."""
    contact = RENEE._replace(**where)
    book = make_book(contact, interview=INTERVIEW, profile=sender)
    act = action(contact)
    batch = letters.render_letters(book, [act], today=TODAY, out_dir=tmp_path / "out")
    pdf = tmp_path / "pdf"
    return (convert(batch.files[act.key], "pdf", pdf), convert(batch.envelopes, "pdf", pdf),
            batch)  # fmt: skip


def _between(lines: list[Line], first: str, last: str) -> list[Line]:
    """Return the lines from the one containing `first` to the one containing `last`."""
    start = next(i for i, ln in enumerate(lines) if first in ln.text)
    end = next(i for i, ln in enumerate(lines) if last in ln.text and i >= start)
    return lines[start : end + 1]


def _words(lines: list[Line]) -> str:
    return " ".join(" ".join(ln.text for ln in lines).split())


CASES = {
    "US sender, nine lines to the UK (Letter, #10)": (US_SENDER, SOUTHAMPTON, LETTER_10,
                                                      "UNITED KINGDOM"),
    "GB sender, nine lines to Ireland (A4, DL)": (GB_SENDER, DUBLIN, A4_DL, "IRELAND"),
    "US sender, a 170 mm organisation (Letter, #10)": (
        US_SENDER, {**SOUTHAMPTON, "organization": LONG_ORG}, LETTER_10, "UNITED KINGDOM"),
    "GB sender, a 170 mm organisation (A4, DL)": (
        GB_SENDER, {**DUBLIN, "organization": LONG_ORG}, A4_DL, "IRELAND"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_every_address_line_shows_in_the_window(tmp_path, soffice, case):
    """Each line of the inside address, wrapped and set tighter as it must be, is behind the
    window of the folded sheet; nothing of it is lost; no other line is in the window."""
    sender, where, std, country = CASES[case]
    letter_pdf, _, batch = _render(tmp_path, sender, **where)
    assert not [f for f in batch.findings if f.check == "window"]
    (page,) = pdf_pages(letter_pdf)
    lines = page[2]
    address = _between(lines, "Renée Dubois-Okafor", country)
    left, top, right, bottom = window_on_sheet(std)
    for line in address:
        assert left <= line.left and line.right <= right, line
        assert top <= line.top and line.bottom <= bottom, line
    said = _words(address)
    for part in (where["organization"], *where["street"].split("\n"), where["zip"].upper()):
        assert " ".join(part.split()) in said, said
    if std is A4_DL:  # DIN 5008 form B's address field
        for line in address:
            assert line.top >= 45 * MM and line.bottom <= 90 * MM, line
            assert line.left >= 20 * MM and line.right <= 105 * MM, line
    # the sender block (and anything else) stays out of the window
    others = [ln for ln in lines if ln not in address and ln.bottom > top and ln.top < bottom
              and ln.left < right]  # fmt: skip
    assert others == []


@pytest.mark.parametrize("case", CASES)
def test_the_envelope_block_stays_in_the_reading_zone(tmp_path, soffice, case):
    """The printed recipient block, however tall or wide, stays in the post's reading zone."""
    sender, where, std, country = CASES[case]
    _, envelope_pdf, _ = _render(tmp_path, sender, **where)
    width, height, lines = pdf_pages(envelope_pdf)[0]
    address = _between(lines, "Renée Dubois-Okafor", country)
    if std is LETTER_10:  # USPS OCR read area
        zone = (1 * IN, height - 2.75 * IN, width - 1 * IN, height - 0.625 * IN)
    else:  # Deutsche Post: 15 mm from the sides and the bottom, 40 mm below the top
        zone = (15 * MM, 40 * MM, width - 15 * MM, height - 15 * MM)
    for line in address:
        assert zone[0] <= line.left and line.right <= zone[2], line
        assert zone[1] <= line.top and line.bottom <= zone[3], line
    assert " ".join(where["organization"].split()) in _words(address)


@pytest.mark.parametrize("sender, std", [(US_SENDER, LETTER_10), (GB_SENDER, A4_DL)])
def test_an_eight_line_sender_block_stays_out_of_the_window(tmp_path, soffice, sender, std):
    """Name, a three-line (US) or two-line (GB) street, town, country, phones and email: no
    line of it where the window may show the folded sheet, however it slides; all printed."""
    letter_pdf, _, _ = _render(tmp_path, sender, **SOUTHAMPTON if std is LETTER_10 else DUBLIN)
    lines = pdf_pages(letter_pdf)[0][2]
    block = _between(lines, "Jordan Ellis", "jordan.ellis@example.com")
    assert len(block) == 8, [ln.text for ln in block]
    _, top, _, bottom = window_on_sheet(std)
    reach = std.window[0] + std.window[2]  # the sheet slid to the envelope's left edge
    for line in block:
        assert line.bottom <= top or line.top >= bottom or line.left >= reach, line


def test_an_address_that_cannot_fit_is_an_r9_finding(tmp_path):
    """Fourteen lines fit no window at 8 pt: one R9 finding, naming the longest cells."""
    where = {**DUBLIN, "street": "\n".join(f"Line {n} of a long street" for n in range(1, 9))}
    book = make_book(RENEE._replace(**where), interview=INTERVIEW, profile=GB_SENDER)
    act = action(RENEE._replace(**where))
    batch = letters.render_letters(book, [act], today=TODAY, out_dir=tmp_path / "out")
    found = [f.message for f in batch.findings if f.check == "window"]
    assert found == [
        "the inside address for Ms Renée Dubois-Okafor has more lines than fits the envelope "
        "window holds, even set in 8 pt with the job title and organisation on one line: "
        "shorten Street of C-1 (191 characters) or Organization of C-1 (20 characters)"
    ]
