"""Paper, envelopes and cards by the sender's country, measured in LibreOffice's PDFs.

Every expected number comes from a standard, written here in inches or millimetres:
US Letter 8 1/2 × 11 in, folded in three for a #10 envelope (4 1/8 × 9 1/2 in) whose usual
window is 4 1/2 × 1 1/8 in, 7/8 in from the left and 1/2 in from the bottom; A4 210 × 297 mm
folded as DIN 5008 form B (first fold 105 mm from the top) for a DL envelope (220 × 110 mm)
with the DIN 680 window, 90 × 45 mm, 20 mm from the left and 15 mm from the bottom; cards
5 1/2 × 4 1/4 in and A6 (148 × 105 mm).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from test_letters import ANA, INTERVIEW, PROFILE, RENEE, TODAY, action, make_book

from followup_xl import letters
from followup_xl.letters import paper
from followup_xl.letters.render import fit_paper
from followup_xl.model import Kind
from followup_xl.office import convert

IN = 72.0  # PDF points
MM = 72 / 25.4


@dataclass(frozen=True)
class Standard:
    """A sheet, its fold, its envelope with the window, and its card, in PDF points."""

    sheet: tuple[float, float]
    first_fold: float  # from the top edge
    envelope: tuple[float, float]  # width, height
    window: tuple[float, float, float, float]  # from the left, from the bottom, width, height
    card: tuple[float, float]


LETTER_10 = Standard(sheet=(8.5 * IN, 11 * IN), first_fold=11 / 3 * IN,
                     envelope=(9.5 * IN, 4.125 * IN),
                     window=(0.875 * IN, 0.5 * IN, 4.5 * IN, 1.125 * IN),
                     card=(5.5 * IN, 4.25 * IN))  # fmt: skip
A4_DL = Standard(sheet=(210 * MM, 297 * MM), first_fold=105 * MM,
                 envelope=(220 * MM, 110 * MM),
                 window=(20 * MM, 15 * MM, 90 * MM, 45 * MM),
                 card=(148 * MM, 105 * MM))  # fmt: skip


def window_on_sheet(std: Standard, *, resting: str = "bottom") -> tuple[float, ...]:
    """Return the window on the unfolded sheet (left, top, right, bottom, from the top left).

    The top panel (down to the first fold) faces the window. Resting on the envelope's bottom
    edge, the fold lies on it; pushed up, the sheet's top edge touches the envelope's top.
    Sideways the sheet may slide by the envelope's extra width: only the part of the window
    that stays over the sheet wherever it slides counts.
    """
    left, bottom, width, height = std.window
    env_w, env_h = std.envelope
    panel_top = env_h - std.first_fold if resting == "bottom" else 0.0
    top = env_h - bottom - height - panel_top
    play = env_w - std.sheet[0]
    return (left, top, left + width - play, top + height)


LONG = dict(street="Flat 4B, Rosewood Court\n27 Long Lane",
            phone="+44 20 7946 0000", cell="+44 7700 900123",
            email="jordan.ellis.longname@example.co.uk")  # fmt: skip
SENDERS = {
    "US": (dict(), LETTER_10),
    "GB": (dict(city="London", state="", zip="EC1M 5RN"), A4_DL),
    "DE": (dict(city="Berlin", state="", zip="10435"), A4_DL),
}
#: Each sender writes to someone in the same country (the address format is not tested here).
COMPANY = {
    "US": dict(),
    "GB": dict(company_street="12 Clerkenwell Road", company_city="London", company_state="",
               company_zip="EC1M 5PA"),
    "DE": dict(company_street="Friedrichstraße 68", company_city="Berlin", company_state="",
               company_zip="10117"),
}  # fmt: skip


@dataclass
class Line:
    """One line of text in a PDF page, in points from the page's top-left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


def pdf_pages(path: Path) -> list[tuple[float, float, list[Line]]]:
    """Return each page's width, height and text lines, read with pdfminer.six."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextLine

    pages = []
    for page in extract_pages(str(path)):
        found: list[Line] = []

        def walk(item, height=page.height, found=found):
            for child in item:
                if isinstance(child, LTTextLine):
                    found.append(Line(child.get_text().strip(), child.x0, height - child.y1,
                                      child.x1, height - child.y0))  # fmt: skip
                elif hasattr(child, "__iter__"):
                    walk(child)

        walk(page)
        pages.append((page.width, page.height, sorted(found, key=lambda ln: ln.top)))
    return pages


def recipient_lines(lines: list[Line]) -> list[Line]:
    """Return the inside address: from the recipient's name down to the salutation."""
    start = next(i for i, ln in enumerate(lines)
                 if "Dubois-Okafor" in ln.text and not ln.text.startswith("Dear"))  # fmt: skip
    end = next(i for i, ln in enumerate(lines) if ln.text.startswith("Dear"))
    return lines[start:end]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Path]]:
    """Render a letter, an envelope and a card for each sender, short and long, as PDFs."""
    from followup_xl.office import find_soffice

    if find_soffice() is None:  # the soffice fixture's rule, for a module-wide fixture
        from conftest import in_ci

        if in_ci():
            pytest.fail("LibreOffice is required under CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("paper")
    out: dict[tuple[str, str], dict[str, Path]] = {}
    for country, (place, _) in SENDERS.items():
        iv = replace(INTERVIEW, **COMPANY[country])
        for size in ("short", "long"):
            profile = replace(PROFILE, country=country, **place, **(LONG if size == "long" else {}))
            book = make_book(RENEE, ANA, interview=iv, profile=profile)
            acts = [action(RENEE, iv=iv), action(ANA, Kind.NOTE_CARD, iv=iv)]
            batch = letters.render_letters(book, acts, today=TODAY, out_dir=root / country / size)
            files = {"letter": batch.files[acts[0].key], "envelope": batch.envelopes}
            if size == "long":
                files["card"] = batch.files[acts[1].key]
            out[country, size] = {
                kind: convert(path, "pdf", root / country / size / "pdf")
                for kind, path in files.items()
            }
    return out


CASES = [(c, s) for c in SENDERS for s in ("short", "long")]


@pytest.mark.parametrize("country, size", CASES)
def test_letter_paper_follows_the_sender_country(pdfs, country, size):
    """Letter in the US, A4 in GB and DE, one page."""
    pages = pdf_pages(pdfs[country, size]["letter"])
    width, height = SENDERS[country][1].sheet
    assert len(pages) == 1
    assert pages[0][:2] == (pytest.approx(width, abs=1), pytest.approx(height, abs=1))


@pytest.mark.parametrize("country, size", CASES)
def test_inside_address_shows_in_the_envelope_window(pdfs, country, size):
    """Folded for the country's envelope, the whole inside address is behind the window."""
    std = SENDERS[country][1]
    lines = pdf_pages(pdfs[country, size]["letter"])[0][2]
    address = recipient_lines(lines)
    assert len(address) >= 5
    left, top, right, bottom = window_on_sheet(std)
    for line in address:
        assert left <= line.left and line.right <= right, line
        assert top <= line.top and line.bottom <= bottom, line
    # pushed up to the envelope's top, the sheet still shows the city line, read by machines
    _, top_up, _, bottom_up = window_on_sheet(std, resting="top")
    assert top_up <= address[-1].top and address[-1].bottom <= bottom_up
    if std is A4_DL:  # DIN 5008 form B: address field 45 mm down, 20 mm in, 85 × 45 mm
        for line in address:
            assert line.top >= 45 * MM and line.bottom <= 90 * MM, line
            assert line.left >= 20 * MM and line.right <= 105 * MM, line
            assert top_up <= line.top  # the DL window shows it wherever the sheet slides
    # no other line of the letter starts in the window (on A4 the right-aligned sender
    # block's longest lines may reach its top right corner)
    middle = (left + right) / 2
    seen = [ln for ln in lines if ln.bottom > top and ln.top < bottom and ln.left < middle]
    assert seen == address


@pytest.mark.parametrize("country", SENDERS)
def test_a_long_sender_block_does_not_move_the_inside_address(pdfs, country):
    """A two-line street, phone, cell and a long email leave the inside address in place."""
    short = recipient_lines(pdf_pages(pdfs[country, "short"]["letter"])[0][2])
    long = recipient_lines(pdf_pages(pdfs[country, "long"]["letter"])[0][2])
    assert [(ln.text, round(ln.top, 1), round(ln.left, 1)) for ln in long] == [
        (ln.text, round(ln.top, 1), round(ln.left, 1)) for ln in short
    ]
    head = pdf_pages(pdfs[country, "long"]["letter"])[0][2]
    assert any("Rosewood Court" in ln.text for ln in head)  # the long block is printed
    assert any("longname@example.co.uk" in ln.text for ln in head)


@pytest.mark.parametrize("country", SENDERS)
def test_envelope_size_and_address_zone_follow_the_country(pdfs, country):
    """#10 in the US, DL in GB and DE; the recipient block where the post's reader looks."""
    std = SENDERS[country][1]
    width, height, lines = pdf_pages(pdfs[country, "long"]["envelope"])[0]
    assert (width, height) == (pytest.approx(std.envelope[0], abs=1),
                               pytest.approx(std.envelope[1], abs=1))  # fmt: skip
    address = [ln for ln in lines if ln.top > lines[0].top and ln.left > width / 3]
    assert address[0].text.endswith("Renée Dubois-Okafor")
    assert lines[0].text == "Jordan Ellis" and lines[0].left < 0.5 * IN  # return address
    if std is LETTER_10:  # USPS OCR read area: 1 in from the sides, 5/8 in above the bottom,
        zone = (1 * IN, height - 2.75 * IN, width - 1 * IN, height - 0.625 * IN)  # top ≤ 2 3/4
    else:  # Deutsche Post: 15 mm from the sides and the bottom, 40 mm below the top
        zone = (15 * MM, 40 * MM, width - 15 * MM, height - 15 * MM)
    for line in address:
        assert zone[0] <= line.left and line.right <= zone[2], line
        assert zone[1] <= line.top and line.bottom <= zone[3], line


@pytest.mark.parametrize("country", SENDERS)
def test_note_card_size_follows_the_country(pdfs, country):
    """The US card (5 1/2 × 4 1/4 in) in the US, A6 (148 × 105 mm) in GB and DE."""
    std = SENDERS[country][1]
    pages = pdf_pages(pdfs[country, "long"]["card"])
    assert len(pages) == 1
    assert pages[0][:2] == (pytest.approx(std.card[0], abs=1), pytest.approx(std.card[1], abs=1))


# --- without LibreOffice: which documents are changed ----------------------------------------


def test_stationery_by_country():
    """The LETTER_PAPER countries get Letter, #10 and the US card; the rest A4, DL and A6."""
    for country in ("US", "CA", "us", "Canada", "MX"):
        s = paper.stationery(country)
        assert (s.paper, s.envelope.name) == ("letter", "#10")
    for country in ("GB", "DE", "FR", "Germany", "XX"):
        s = paper.stationery(country)
        assert (s.paper, s.envelope.name) == ("a4", "DL")
        assert (round(s.card[0] / paper.MM), round(s.card[1] / paper.MM)) == (148, 105)


def test_a_users_own_layout_only_changes_paper_size(tmp_path):
    """A template whose frame the user moved keeps it; only the page becomes A4."""
    from docx.oxml.ns import qn

    doc = Document(str(letters.templates.template_paths(None)["thank_you_letter.docx"]))
    frames = [p._p.pPr.find(qn("w:framePr")) for p in doc.paragraphs[:2]]
    for frame in frames:
        frame.set(qn("w:y"), "2000")  # moved by hand in Word
    fit_paper(doc, "GB")
    assert round(doc.sections[0].page_width.mm) == 210
    assert [f.get(qn("w:y")) for f in frames] == ["2000", "2000"]
    assert doc.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT  # not moved to the right


def test_shipped_layout_moves_to_a4_and_back():
    """The shipped frame moves to its A4 place for GB and back for the US; callsheet-style
    documents without the layout only change size."""
    from docx.oxml.ns import qn

    path = letters.templates.template_paths(None)["thank_you_letter.docx"]
    doc = Document(str(path))
    fit_paper(doc, "DE")
    frame = doc.paragraphs[1]._p.pPr.find(qn("w:framePr"))
    assert round(int(frame.get(qn("w:y"))) / paper.MM) == 12
    assert round((int(frame.get(qn("w:y"))) + int(frame.get(qn("w:h")))) / paper.MM, 1) == 62.7
    assert round(doc.sections[0].left_margin.mm) == 25
    fit_paper(doc, "US")
    assert Document(str(path)).paragraphs[1]._p.pPr.xml == doc.paragraphs[1]._p.pPr.xml
    assert doc.sections[0].page_width.inches == pytest.approx(8.5, abs=0.01)
    plain = Document()
    fit_paper(plain, "GB")
    assert round(plain.sections[0].page_height.mm) == 297
