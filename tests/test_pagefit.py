"""Page fit: the estimate against LibreOffice, the overflow warning, page 2's line, fax pages."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from factory import make_book
from followup_xl import letters
from followup_xl.cli import main
from followup_xl.letters import pagefit
from followup_xl.letters import templates as T
from followup_xl.letters.render import Renderer
from followup_xl.model import Action, Contact, Interview, Kind, Profile, Status
from followup_xl.office import convert

TODAY = "2026-11-25"
DAY = "November 25, 2026"
#: what a user might type as Strengths: long, but real words (proofreading stays quiet);
#: with the note and six enclosures the letter runs a few lines onto page 2
STRENGTHS = "; ".join(
    [
        "eight years running a busy independent bookshop with a staff of twelve",
        "a children's reading hour that doubled weekday visits within one season",
        "careful stock planning that cut returns to publishers by a fifth",
        "monthly author evenings with local writers and a waiting list for seats",
        "training new booksellers in customer service and the point of sale system",
        "a loyalty scheme that brought back regular customers after the road works",
        "school book fairs organized with teachers across the whole district",
        "weekly sales reports that the owners used to choose new titles",
        "a window display rota that kept the front of the shop fresh every fortnight",
        "a second-hand corner that turned donated books into steady monthly income",
        "calm handling of the busiest weeks before the holidays with extra temporary staff",
        "an online order service that local customers now use for gifts and school lists",
        "a friendly working relationship with the sales representatives of many publishers",
        "regular stock counts that kept the shelves accurate and the shrinkage low",
        "a quiet study corner that students from the nearby college now use every afternoon",
        "a book club for teenagers that has met every month for the last three years",
        "a rota for the café counter that kept queues short on busy Saturday mornings",
        "storytelling sessions in the library garden during the long summer holidays",
        "a tidy stockroom where every delivery was checked and shelved on the same day",
        "a notice board for local clubs that brought new faces into the shop each week",
    ]
)
NOTE = (
    "We talked about the plans for a larger children's corner, the new café beside the "
    "poetry shelves, the reading group that meets on Thursday evenings, and how the shop "
    "could host the regional book prize ceremony next spring."
)
IV = {
    "Interview ID": "HL-1",
    "Company": "Hart & Lowe Books",
    "Position": "Store Manager",
    "Interview Date": datetime(2026, 11, 24, 10, 30),
    "Status": "Interviewed",
    "Want Job": "Yes",
    "Company Street": "1 Main St",
    "Company City": "Boston",
    "Company State": "MA",
    "Company ZIP": "02110",
    "Strengths": "Eight years running a busy bookshop",
    "Enclosures": "References",
}
RENEE = {
    "Contact ID": "C1",
    "Interview ID": "HL-1",
    "Role": "Interviewer",
    "Honorific": "Ms.",
    "First Name": "Renée",
    "Last Name": "Dubois-Okafor",
    "Job Title": "Director",
    "Organization": "Hart & Lowe Books",
    "Preferred Channel": "Mail",
    "Personal Note": "We compared notes on author events for children.",
}
TOM = dict(
    RENEE,
    **{
        "Contact ID": "C2",
        "Honorific": "Mr.",
        "First Name": "Tom",
        "Last Name": "Okoro",
        "Preferred Channel": "Fax",
        "Fax": "617-555-0142",
    },
)
LONG_IV = dict(
    IV,
    Strengths=STRENGTHS,
    Enclosures="References; Writing sample; Store plan; "
    "Sales report; Training guide; Book fair flyer",
)
LONG_RENEE = dict(RENEE, **{"Personal Note": NOTE})


def run_letters(tmp_path: Path, interviews: list[dict], contacts: list[dict], *extra: str):
    """Run the real CLI on a real workbook; return (result, letters folder)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    book = make_book(tmp_path / "tracker.xlsx", interviews=interviews, contacts=contacts)
    out = tmp_path / "letters"
    result = CliRunner().invoke(
        main, ["run", str(book), "--today", TODAY, "--out", str(out), *extra]
    )
    return result, out


def pdf_pages(pdf: Path) -> list[str]:
    """Return the text of each page of a PDF, as pdfminer reads it."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return [
        "".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
        for page in extract_pages(pdf)
    ]


def letter(out: Path, who: str, kind: str = "Thank-you") -> Path:
    (path,) = out.glob(f"* {kind} — * — {who}.docx")
    return path


def test_a_long_letter_is_a_warning_naming_the_cells_to_shorten(tmp_path):
    """Long Strengths, a long note and six enclosures: a page-fit finding naming both cells."""
    result, out = run_letters(tmp_path, [LONG_IV], [LONG_RENEE])
    assert result.exit_code == 0, result.output
    found = [line for line in result.output.splitlines() if "page fit" in line]
    name = letter(out, "Renée Dubois-Okafor").name
    assert len(found) == 1, result.output
    assert found[0].startswith(f"  {name}: R9 page fit: runs to 2 pages (about ")
    assert f"shorten Interviews!O2 (Strengths, {len(STRENGTHS):,} characters) or " in found[0]
    assert f"Contacts!R2 (Personal Note, {len(NOTE)} characters)" in found[0]
    report = next(out.glob("* Proofreading.txt")).read_text(encoding="utf-8")
    assert "page fit: runs to 2 pages" in report
    strict, _ = run_letters(tmp_path / "strict", [LONG_IV], [LONG_RENEE], "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output


def test_a_long_letter_prints_page_two_with_the_continuation_line(tmp_path, soffice):
    """In LibreOffice the long letter has 2 pages; only page 2 names recipient, date, page."""
    result, out = run_letters(tmp_path, [LONG_IV], [LONG_RENEE])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(convert(letter(out, "Renée Dubois-Okafor"), "pdf", tmp_path / "pdf"))
    assert len(pages) == 2
    line = f"Ms. Renée Dubois-Okafor · {DAY} · page 2"
    assert line in pages[1]
    assert "· page" not in pages[0] and pages[0].startswith(DAY)


def test_a_normal_letter_has_one_page_no_warning_and_no_continuation_line(tmp_path, soffice):
    """The everyday letter: no finding, one page, nothing from the continuation header."""
    result, out = run_letters(tmp_path, [IV], [RENEE], "--strict")
    assert result.exit_code == 0, result.output
    assert "page fit" not in result.output
    pages = pdf_pages(convert(letter(out, "Renée Dubois-Okafor"), "pdf", tmp_path / "pdf"))
    assert len(pages) == 1
    assert "· page" not in pages[0] and "Dubois-Okafor ·" not in pages[0]


def _cover_pages(path: Path) -> str:
    """Return the Pages: cell of a fax file's cover sheet."""
    table = Document(str(path)).tables[0]
    (row,) = [r for r in table.rows if r.cells[0].text == "Pages:"]
    return row.cells[1].text


def test_the_fax_cover_counts_the_letters_real_pages(tmp_path, soffice):
    """A two-page letter by fax: the cover says 3, and LibreOffice prints 3 pages."""
    result, out = run_letters(tmp_path / "long", [LONG_IV], [dict(TOM, **{"Personal Note": NOTE})])
    assert result.exit_code == 0, result.output
    fax = letter(out, "Tom Okoro", "Thank-you fax")
    assert _cover_pages(fax) == "3 (including this cover sheet)"
    pages = pdf_pages(convert(fax, "pdf", tmp_path / "pdf"))
    assert len(pages) == 3
    assert "· page" not in pages[0] + pages[1]
    assert f"Mr. Tom Okoro · {DAY} · page 2" in pages[2]  # page 2 of the letter
    short, out = run_letters(tmp_path / "short", [IV], [TOM])
    assert short.exit_code == 0, short.output
    assert (
        _cover_pages(letter(out, "Tom Okoro", "Thank-you fax")) == "2 (including this cover sheet)"
    )


def test_the_print_file_keeps_each_letters_own_continuation_line(tmp_path, soffice):
    """Joined into the print file, each letter's page 2 names its own recipient."""
    ana = dict(
        RENEE,
        **{
            "Contact ID": "C3",
            "First Name": "Ana",
            "Last Name": "Lee",
            "Role": "Receptionist",
            "Preferred Channel": "Handwritten Card",
        },
    )
    more = " We also spoke about the summer festival and longer opening hours in December."
    tom = dict(TOM, **{"Preferred Channel": "Mail", "Personal Note": NOTE + more})
    result, out = run_letters(tmp_path, [LONG_IV], [LONG_RENEE, tom, ana])
    assert result.exit_code == 0, result.output
    (print_file,) = out.glob("* Print all letters.docx")
    pages = pdf_pages(convert(print_file, "pdf", tmp_path / "pdf"))
    assert len(pages) == 5  # two 2-page letters and a card
    heads = [re.findall(r"(?m)^.* · page \d+$", p) for p in pages]
    salutations = [re.findall(r"(?m)^Dear .*[:,]$", p) for p in pages]
    assert sorted(h for found in heads for h in found) == [
        f"Mr. Tom Okoro · {DAY} · page 2",
        f"Ms. Renée Dubois-Okafor · {DAY} · page 2",
    ]
    own = {
        "Mr. Tom Okoro": ["Dear Mr. Okoro:"],
        "Ms. Renée Dubois-Okafor": ["Dear Ms. Dubois-Okafor:"],
    }
    for i, found in enumerate(heads):
        if found:  # a letter's page 2 comes right after its own page 1
            assert salutations[i - 1] == own[found[0].split(" · ")[0]]
    assert ["Dear Ms. Lee,"] in salutations
    assert all(not h for h, s in zip(heads, salutations, strict=True) if s)  # no page 1 has one


# --- the estimate against LibreOffice ---------------------------------------------------------

TEXT = (
    "steady planning of seasonal staffing across busy branch stores with careful attention "
    "to customer service standards and weekly sales reports for the owners"
)
WORDS = TEXT.split()
#: the variable of each template that carries its bulk text, grown word by word
BULK = {
    T.THANK_YOU_LETTER: "qualifications",
    T.KEEP_IN_TOUCH: "referral",
    T.NOTE_CARD: "card_message",
    T.THANK_YOU_EMAIL: "opening",
    T.KEEP_IN_TOUCH_EMAIL: "network",
    T.FAX_COVER: "fax_message",
    T.ENVELOPE: "recipient_block",
}
STEP = 16  # words added per document of a series
#: an early warning may come up to this many words before LibreOffice's own page break
MARGIN_WORDS = 48


#: a sender block of eight lines or more: the letter head's frame grows past its minimum
#: height by about a line and a half, on Letter and on A4
LONG_SENDER = dict(
    street="c/o Hart\nFlat 4B\nRosewood Court\n27 Long Lane",
    phone="+1 217 555 0100",
    cell="+1 217 555 0199",
    email="jordan.ellis.longname@example.com",
)


def _context(country: str, **sender: str) -> dict:
    profile = Profile(
        name="Jordan Ellis",
        street=sender.get("street", "42 Maple Street"),
        city="Springfield",
        state="IL",
        zip="62704",
        phone=sender.get("phone", ""),
        cell=sender.get("cell", ""),
        email=sender.get("email", "jordan@example.com"),
        country=country,
    )
    iv = Interview(
        row=2,
        interview_id="S-1",
        company="Sample Co",
        position="Clerk",
        interview_date=date(2026, 11, 24),
        strengths="patience",
        enclosures=("References",),
    )
    contact = Contact(
        row=2,
        contact_id="C-1",
        interview_id="S-1",
        honorific="Ms.",
        first_name="Ann",
        last_name="Lee",
        personal_note="books",
    )
    action = Action(
        rule="R3",
        kind=Kind.THANK_YOU_LETTER,
        status=Status.DUE,
        due=date(2026, 11, 25),
        why="",
        interview_id="S-1",
        contact_id="C-1",
    )
    return letters.letter_context(
        letters.LetterData(action, profile, contact, iv), date(2026, 11, 25)
    )


def _series(
    renderer: Renderer, name: str, country: str, out: Path, upto: int, **sender: str
) -> list[Path]:
    """Render one template with its bulk text growing by STEP words; return the files."""
    ctx = _context(country, **sender)
    tag = "-long" if sender else ""
    files = []
    for n in range(0, upto, STEP):
        text = " ".join(WORDS[i % len(WORDS)] for i in range(n))
        if name == T.ENVELOPE:  # an address grows by lines, not words
            text = "\n".join(WORDS[i % len(WORDS)].title() for i in range(n // STEP))
        data = renderer.render(name, ctx | {BULK[name]: text}, date(2026, 11, 25), country, "t")
        path = out / f"{name[:-5]}-{country}{tag}-{n:04d}.docx"
        path.write_bytes(data)
        files.append(path)
    return files


def _libreoffice_pages(soffice: str, files: Sequence[Path], out: Path) -> dict[str, int]:
    """Convert many files with few LibreOffice starts; return pages per file stem."""
    profile = (out / "lo-profile").as_uri()
    for i in range(0, len(files), 100):
        chunk = [str(f) for f in files[i : i + 100]]
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out / "pdf"), *chunk],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        missing = [f for f in chunk if not (out / "pdf" / f"{Path(f).stem}.pdf").exists()]
        assert not missing, f"LibreOffice made no PDF of {missing[:3]}: {done.stderr[-500:]}"
    pdfs = {f.stem: (out / "pdf" / f"{f.stem}.pdf").read_bytes() for f in files}
    return {stem: len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) for stem, pdf in pdfs.items()}


def test_the_estimate_agrees_with_libreoffice_on_every_template(tmp_path, soffice):
    """Every shipped template, US Letter and A4, short to over two pages (the letters also
    with an eight-line sender block, taller than the letter head's frame): the
    estimate never misses a page LibreOffice prints, its best guess matches, and its early
    warnings come only within MARGIN_WORDS of LibreOffice's own page break."""
    renderer = Renderer(T.check_templates(None))
    series: dict[tuple[str, str], list[Path]] = {}
    for name in T.TEMPLATE_NAMES:
        for country in ("US", "GB"):
            upto = {T.NOTE_CARD: 300, T.ENVELOPE: 400}.get(name, 720)
            series[(name, country)] = _series(renderer, name, country, tmp_path, upto)
    for name in (T.THANK_YOU_LETTER, T.KEEP_IN_TOUCH):
        for country in ("US", "GB"):
            series[(name, country + "-long")] = _series(
                renderer, name, country, tmp_path, 720, **LONG_SENDER
            )
    lo = _libreoffice_pages(soffice, [f for fs in series.values() for f in fs], tmp_path)
    crossings, early = 0, []
    estimate = pagefit.PageFit()  # the estimates of one batch
    for files in series.values():
        got = [(lo[f.stem], estimate.fit(pagefit.layout(f.read_bytes()))) for f in files]
        crossings += sum(a[0] != b[0] for a, b in zip(got, got[1:], strict=False))
        for i, (pages, fit) in enumerate(got):
            where = f"{files[i].name}: LibreOffice {pages}, estimate {fit}"
            assert fit.pages >= pages, where  # an overflow is never missed
            assert fit.nominal == pages, where
            if fit.pages > pages:  # an early warning: LibreOffice breaks soon after
                later = got[i + 1 : i + 1 + MARGIN_WORDS // STEP]
                assert later and any(p >= fit.pages for p, _ in later), where
                early.append(STEP * next(k + 1 for k, (p, _) in enumerate(later)
                                         if p >= fit.pages))  # fmt: skip
    assert crossings >= 10  # the series really cross page boundaries
    print(f"calibration: {sum(map(len, series.values()))} documents in {len(series)} series, "
          f"{crossings} page boundaries crossed, best guess = LibreOffice on all; "
          f"{len(early)} early warnings, {min(early, default=0)}-{max(early, default=0)} "
          "words before LibreOffice's break")  # fmt: skip


def test_overflow_names_the_longest_cells_first():
    """The warning's advice: the longest cells, each with its length; short ones left out."""
    fit = pagefit.Fit(pages=2, nominal=2, over=40.0, line=13.8)
    cells = [
        ("Interviews!N2 (Enclosures)", "References"),
        ("Contacts!K2 (Personal Note)", "n" * 120),
        ("Interviews!L2 (Strengths)", "s" * 1500),
    ]
    (finding,) = pagefit.overflow("a.docx", fit, cells)
    assert str(finding) == (
        "a.docx: R9 page fit: runs to 2 pages (about 3 lines past page 1, estimated): shorten "
        "Interviews!L2 (Strengths, 1,500 characters) or Contacts!K2 (Personal Note, 120 "
        "characters)"
    )
    assert pagefit.overflow("a.docx", replace(fit, pages=1, nominal=1), cells) == []
    near = pagefit.overflow("a.docx", replace(fit, nominal=1, over=0.0), cells[:1])
    assert near[0].message == (
        "may run onto page 2 (it ends within about a line of the bottom, estimated): shorten "
        "Interviews!N2 (Enclosures, 10 characters)"
    )


def test_pdf_run_checks_the_estimate_against_libreoffice(tmp_path, soffice):
    """--pdf: LibreOffice's page count of the print file agrees with the estimate (no note);
    a PDF that disagrees (the short letter's PDF against the long letter) is named."""
    result, out = run_letters(tmp_path / "long", [LONG_IV], [LONG_RENEE], "--pdf")
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("* Print all letters.pdf")
    assert len(pdf_pages(pdf)) == 2
    assert "LibreOffice printed" not in result.output
    long_letter = letter(out, "Renée Dubois-Okafor")
    short, short_out = run_letters(tmp_path / "short", [IV], [RENEE])
    short_pdf = convert(letter(short_out, "Renée Dubois-Okafor"), "pdf", tmp_path / "pdf")
    assert pagefit.check_pdf(long_letter, short_pdf) == (
        "LibreOffice printed 1 pages where 2 were estimated: a letter runs to fewer pages than "
        "the page-fit check says; look through the PDF for a page with only a few lines"
    )
    assert pagefit.check_pdf(long_letter, pdf) is None


def test_a_full_card_after_a_letter_keeps_its_room_in_the_print_file(tmp_path, soffice):
    """A card that just fits alone still fits right after a letter with a continuation header:
    the empty header that stops it inheriting the letter's line takes no room (a plain empty
    header paragraph would push its last line onto a second card)."""
    renderer = Renderer(T.check_templates(None))
    ctx = _context("US")
    day = date(2026, 11, 25)
    letter_doc = renderer.render(T.THANK_YOU_LETTER, ctx, day, "US", "t")
    text = " ".join(WORDS[i % len(WORDS)] for i in range(108))
    card = renderer.render(T.NOTE_CARD, ctx | {"card_message": text}, day, "US", "t")
    alone, joined = tmp_path / "card.docx", tmp_path / "joined.docx"
    alone.write_bytes(card)
    joined.write_bytes(letters.join([letter_doc, card], day)[0])
    pages = _libreoffice_pages(soffice, [alone, joined], tmp_path)
    assert pages == {"card": 1, "joined": 2}
    longer = renderer.render(T.NOTE_CARD, ctx | {"card_message": text + " " + TEXT}, day, "US", "t")
    # 108 words is near the card's end
    assert pagefit.PageFit().fit(pagefit.layout(longer)).nominal == 2


def _png(path: Path) -> Path:
    """Write a small grey PNG (a stand-in for a logo)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)  # 8 x 8 pixels, 8-bit grey
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    path.write_bytes(png + chunk(b"IEND", b""))
    return path


def test_pictures_count_as_tall_as_they_are_drawn(tmp_path, soffice):
    """A template's inline pictures (a logo, a scanned signature) take their drawn height."""
    from docx.shared import Inches

    png = _png(tmp_path / "logo.png")
    files = []
    for n in (2, 3):  # two 4-inch pictures fit in a 9-inch page body, three do not
        doc = Document()
        section = doc.sections[0]
        section.top_margin = section.bottom_margin = Inches(1)
        for _ in range(n):
            doc.add_picture(str(png), width=Inches(2), height=Inches(4))
        files.append(tmp_path / f"pictures{n}.docx")
        doc.save(str(files[-1]))
    lo = _libreoffice_pages(soffice, files, tmp_path)
    assert lo == {"pictures2": 1, "pictures3": 2}
    assert [pagefit.PageFit().fit(pagefit.layout(f.read_bytes())).nominal for f in files] == [1, 2]


def _letterhead(path: Path, lines: int, title_page: bool) -> Path:
    """Write a document whose header has 8 lines (a tall letterhead) and `lines` body lines."""
    from docx.shared import Inches

    doc = Document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Inches(1)
    section.header_distance = Inches(0.5)
    section.different_first_page_header_footer = title_page
    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "Hart & Lowe Books"
    for i in range(7):
        header.add_paragraph(f"Letterhead line {i + 2}")
    for i in range(lines):
        doc.add_paragraph(f"Body line {i + 1}")
    doc.save(str(path))
    return path


def test_a_tall_letterhead_pushes_the_text_down(tmp_path, soffice):
    """A header taller than the top margin leaves less room on each page it is on (page 2+
    only, with a different first page); the estimate agrees with LibreOffice line by line."""
    files = [
        _letterhead(tmp_path / f"head-{title}-{n}.docx", n, title == "first")
        for title in ("all", "first")
        for n in range(12, 66, 3)
    ]
    lo = _libreoffice_pages(soffice, files, tmp_path)
    assert len(set(lo.values())) >= 3  # the series cross page boundaries
    est = {f.stem: pagefit.PageFit().fit(pagefit.layout(f.read_bytes())).nominal for f in files}
    assert est == lo
    # with the letterhead on page 1 too, page 1 holds fewer lines than with a plain first page
    first_two = {title: min(n for n in range(12, 66, 3) if lo[f"head-{title}-{n}"] == 2)
                 for title in ("all", "first")}  # fmt: skip
    assert first_two["all"] < first_two["first"]


#: w:framePr of the frames a template may hold (twips): the date-and-sender frame's kind at the
#: top, exactly 2 in high 5 in down the page (text above and below it), one text flows around,
#: one anchored to the text, one at the bottom of the margins
FRAMES = {
    "top-exact": dict(w="9360", h="4320", hRule="exact", wrap="notBeside", vAnchor="page",
                      hAnchor="margin", x="0", y="1440"),
    "top-least": dict(w="9360", h="1440", hRule="atLeast", wrap="notBeside", vAnchor="page",
                      hAnchor="margin", x="0", y="720"),
    "middle": dict(w="9360", h="2880", hRule="exact", wrap="notBeside", vAnchor="page",
                   hAnchor="margin", x="0", y="7200"),
    "around": dict(w="2880", h="2880", hRule="exact", wrap="around", vAnchor="page",
                   hAnchor="page", x="7200", y="1440"),
    "in-text": dict(w="9360", h="2880", hRule="exact", wrap="notBeside"),
    "bottom": dict(w="9360", h="2880", hRule="exact", wrap="notBeside", vAnchor="margin",
                   hAnchor="margin", yAlign="bottom"),
}  # fmt: skip


def _framed(path: Path, frame: dict[str, str], lines: int) -> Path:
    """Write three framed lines (one frame) and `lines` body lines, 12 pt Times New Roman."""
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    doc = Document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Inches(1)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    normal.paragraph_format.space_after, normal.paragraph_format.line_spacing = Pt(0), 1.0
    for i in range(3):
        ppr = doc.add_paragraph(f"Framed line {i + 1}")._p.get_or_add_pPr()
        ppr.insert(0, ppr.makeelement(qn("w:framePr"), {qn(f"w:{k}"): v for k, v in frame.items()}))
    for i in range(lines):
        doc.add_paragraph(f"Body line {i + 1}")
    doc.save(str(path))
    return path


def test_frames_leave_the_flow_as_in_libreoffice(tmp_path, soffice):
    """Framed paragraphs are out of the text flow: text that may not go beside a frame goes on
    below it (jumping a frame in the middle of the page), text flows around a narrow one, a
    frame anchored to the text takes its place in it; the estimate agrees line by line."""
    counts = range(30, 100, 3)
    files = [_framed(tmp_path / f"{kind}-{n}.docx", frame, n)
             for kind, frame in FRAMES.items() for n in counts]  # fmt: skip
    lo = _libreoffice_pages(soffice, files, tmp_path)
    for kind in FRAMES:
        assert len({lo[f"{kind}-{n}"] for n in counts}) >= 2  # the series cross a page boundary
    est = {f.stem: pagefit.PageFit().fit(pagefit.layout(f.read_bytes())).nominal for f in files}
    assert est == lo
    # the frame at the top moves page 1's text down: page 1 holds fewer lines than without it
    first_two = {kind: min(n for n in counts if lo[f"{kind}-{n}"] == 2) for kind in FRAMES}
    assert first_two["top-exact"] < first_two["around"]


def test_paragraphs_measured_once_per_batch_measure_as_afresh(tmp_path: Path) -> None:
    """The letters of a batch share their measured paragraphs: every letter of a growing
    series, on Letter and A4, fits the same with the shared measures as measured alone."""
    renderer = Renderer(T.check_templates(None))
    files = [f for country in ("US", "GB")
             for f in _series(renderer, T.THANK_YOU_LETTER, country, tmp_path, 700)]  # fmt: skip
    datas = [f.read_bytes() for f in files]
    batch = pagefit.PageFit()
    # measured with what earlier letters measured
    shared = [batch.fit(pagefit.layout(d)) for d in datas]
    alone = [pagefit.PageFit().fit(pagefit.layout(d)) for d in datas]
    assert shared == alone
    assert {f.nominal for f in alone} >= {1, 2}  # the series crosses a page boundary


def _walked_chain(blocks: list, i: int) -> float:
    """The height a keep-with-next chain from block i needs, by walking it (the definition)."""
    height = 0.0
    for b in blocks[i:]:
        if b.keep_next:
            height += b.before + sum(b.lines) + b.after
            continue
        first = b.lines if not b.split or len(b.lines) < 4 else b.lines[:2]
        return height + b.before + sum(first)
    return height


def test_keep_with_next_chains_are_summed_once_and_as_walked() -> None:
    """Each block's chain height is the walked one, and a template whose every paragraph keeps
    with the next costs work in proportion to its paragraphs, not their square."""
    import random

    rng = random.Random(7)
    blocks = [
        pagefit._Block(before=rng.choice([0.0, 6.0]), after=rng.choice([0.0, 12.0]),
                       lines=tuple(13.8 for _ in range(rng.randint(0, 6))),
                       keep_next=rng.random() < 0.7, split=rng.random() < 0.8)
        for _ in range(400)
    ]  # fmt: skip
    chains = pagefit._chain_heights(blocks)
    assert len(chains) == len(blocks) + 1 and chains[-1] == 0.0
    for i in range(len(blocks)):
        assert abs(chains[i] - _walked_chain(blocks, i)) < 1e-6, i

    calls = []
    link = pagefit._chain_link

    def counted(b, rest):
        calls.append(1)
        return link(b, rest)

    rooms = ((700.0, 72.0), (700.0, 72.0))
    work = []
    for n in (2_000, 8_000):
        chained = [pagefit._Block(before=0.0, lines=(13.8,), after=0.0, keep_next=True)] * n
        calls.clear()
        pagefit._chain_link = counted
        try:
            pages, _ = pagefit._paginate(chained, rooms, 0.0)
        finally:
            pagefit._chain_link = link
        assert pages == -(-n // 50)  # longer than a page, the chain flows on: 50 lines a page
        work.append(len(calls))
    assert work[1] <= 4.5 * work[0], work
