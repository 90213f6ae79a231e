"""The print file from the letters on disk: `followup-xl print`, print order, the direct join.

Real workbooks and the real CLI; the print file, envelopes and PDF reopened and read back.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from docx import Document
from lxml import etree

from factory import make_book
from followup_xl.cli import main
from followup_xl.letters.compose import join

TODAY = "2026-11-25"
DAY = date(2026, 11, 25)
OUT = f"followup {TODAY}"
INTERVIEW = {
    "Interview ID": "HL-1", "Company": "Hart & Lowe Books", "Position": "Store Manager",
    "Interview Date": datetime(2026, 11, 24, 10, 30), "Status": "Interviewed",
    "Want Job": "Yes", "Decision Expected": date(2026, 12, 10), "Company Street": "1 Main St",
    "Company City": "Boston", "Company State": "MA", "Company ZIP": "02110",
    "Strengths": "Eight years running a busy bookshop", "Enclosures": "References",
}  # fmt: skip


def person(cid: str, first: str, last: str, channel: str = "Mail", **more: str) -> dict:
    """Return a Contacts row for someone met at the interview."""
    return {"Contact ID": cid, "Interview ID": "HL-1", "Role": "Interviewer", "Honorific": "Ms.",
            "First Name": first, "Last Name": last, "Organization": "Hart & Lowe Books",
            "Preferred Channel": channel, **more}  # fmt: skip


#: in Due-sheet order: a card, a letter, a fax, a letter
PEOPLE = [
    person("C1", "Ana", "Card", "Handwritten Card", Role="Receptionist"),
    person("C2", "Bea", "First"),
    person("C3", "Cy", "Fax", "Fax", Fax="617-555-0102"),
    person("C4", "Dee", "Second"),
]


def cli(*args: str) -> Any:
    """Run the real CLI in process and return Click's result."""
    return CliRunner().invoke(main, list(args))


def week(tmp_path: Path, *extra: str, people: list[dict] | None = None, **book: Any) -> Path:
    """Run the week on a real workbook and return the letters folder."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=[INTERVIEW],
                     contacts=people or PEOPLE, **book)  # fmt: skip
    result = cli("run", str(path), "--today", TODAY, *extra)
    assert result.exit_code == 0, result.output
    return tmp_path / OUT


def letter(folder: Path, last: str) -> Path:
    """Return the one letter file in the folder for the person of that last name."""
    (found,) = [p for p in folder.glob("*.docx") if p.stem.endswith(f" {last}")]
    return found


def salutations(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.startswith("Dear")]


def sizes(path: Path) -> list[tuple[int, int]]:
    """Return each section's page size in twips."""
    return [(round(s.page_width / 635), round(s.page_height / 635))
            for s in Document(str(path)).sections]  # fmt: skip


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def edit(path: Path, text: str) -> None:
    """Change the salutation of a letter as a user would, with a word processor library."""
    doc = Document(str(path))
    para = next(p for p in doc.paragraphs if p.text.startswith("Dear"))
    para.runs[0].text = text
    for run in para.runs[1:]:
        run.text = ""
    doc.save(str(path))


PRINT = f"{TODAY} Print all letters.docx"
ENVELOPES = f"{TODAY} Envelopes.docx"


# --- print order -------------------------------------------------------------------------------


def test_print_order_letters_then_card_stock_then_faxes(tmp_path):
    """Letters on plain paper first, then the note card, then the fax; envelopes as letters."""
    folder = week(tmp_path)
    assert salutations(folder / PRINT) == [
        "Dear Ms. First:", "Dear Ms. Second:", "Dear Ms. Card,", "Dear Ms. Fax:",
    ]  # fmt: skip
    # each section keeps its letter's own page size (the fax file has two: cover and letter)
    parts = [letter(folder, n) for n in ("First", "Second", "Card", "Fax")]
    assert sizes(folder / PRINT) == [s for p in parts for s in sizes(p)]
    assert len(sizes(folder / PRINT)) == 5
    env = [p.text.split("\n")[0] for p in Document(str(folder / ENVELOPES)).paragraphs
           if p.text.startswith("Ms.")]  # fmt: skip
    assert env == ["Ms. Bea First", "Ms. Dee Second"]


def test_the_run_says_the_print_order(tmp_path):
    """The summary names each paper group with its letters, and the envelopes' order."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=[INTERVIEW], contacts=PEOPLE)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (
        f'Print order of "{PRINT}", one letter after the other:\n'
        "  1-2. plain paper: 2 letters to Ms. Bea First, Ms. Dee Second\n"
        "  3. card stock: 1 note card to Ms. Ana Card\n"
        "  4. plain paper, to fax (cover sheet first), not to mail: 1 fax to Ms. Cy Fax\n"
        f'  then "{ENVELOPES}": 2 envelopes in the same order as their letters, envelope 1 for '
        "Ms. Bea First, the last for Ms. Dee Second\n"
    ) in result.output


def test_a4_letter_keeps_its_size_next_to_a_card(tmp_path):
    """A British sender's A4 letters stay A4 in the print file beside the card's own size."""
    profile = {"Country": "GB", "City": "London", "State": "", "ZIP": "EC1M 5RN"}
    folder = week(tmp_path, people=PEOPLE[:2], profile=profile)
    a4 = (11906, 16838)
    card = sizes(letter(folder, "Card"))
    assert card != [a4]
    assert sizes(folder / PRINT) == [a4, *card]


# --- the letters as they are on disk --------------------------------------------------------


def test_print_command_prints_an_edited_letter(tmp_path):
    """Edit a letter after the run, run `print`: the print file holds the edited text."""
    folder = week(tmp_path)
    edit(letter(folder, "Second"), "Dear Dee, as promised:")
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    assert salutations(folder / PRINT) == [
        "Dear Ms. First:", "Dear Dee, as promised:", "Dear Ms. Card,", "Dear Ms. Fax:",
    ]  # fmt: skip
    assert f"Print file: {folder / PRINT}" in result.output
    assert "1-2. plain paper: 2 letters to Ms. Bea First, Ms. Dee Second" in result.output
    assert not (folder / f"{TODAY} Print all letters (2).docx").exists()  # its own file


def test_rerun_prints_the_letter_the_user_corrected_and_says_so(tmp_path):
    """A same-day rerun keeps a corrected letter and prints it as corrected, with a note."""
    folder = week(tmp_path)
    mine = letter(folder, "First")
    edit(mine, "Dear Bea (corrected):")
    result = cli("run", str(tmp_path / "tracker.xlsx"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert salutations(mine) == ["Dear Bea (corrected):"]
    assert salutations(folder / PRINT)[0] == "Dear Bea (corrected):"
    new = mine.with_name(mine.stem + " (2).docx")
    assert salutations(new) == ["Dear Ms. First:"]
    assert f"{mine.name} was changed after followup-xl wrote it" in " ".join(result.output.split())
    # deleting the corrected one prints the run's own version instead
    mine.unlink()
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    assert salutations(folder / PRINT)[0] == "Dear Ms. First:"


def test_a_rerun_with_unchanged_letters_prints_the_new_ones(tmp_path):
    """A letter the tool wrote and nobody touched is not mistaken for a user's correction."""
    folder = week(tmp_path)
    before = listing(folder)
    result = cli("run", str(tmp_path / "tracker.xlsx"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "was changed after followup-xl wrote it" not in result.output
    assert listing(folder)[PRINT] == before[PRINT]


def test_deleted_letter_is_left_out_with_a_note(tmp_path):
    """A letter the user deleted leaves the print file and the envelopes, and `print` says so."""
    folder = week(tmp_path)
    gone = letter(folder, "First")
    gone.unlink()
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        f"note: {gone.name} is no longer in the folder, so it (and its envelope) is left out of "
        "the print file" in said
    )
    assert salutations(folder / PRINT) == ["Dear Ms. Second:", "Dear Ms. Card,", "Dear Ms. Fax:"]
    env = Document(str(folder / ENVELOPES))
    assert len(env.sections) == 1
    assert [p.text.split("\n")[0] for p in env.paragraphs if p.text.startswith("Ms.")] == [
        "Ms. Dee Second"
    ]
    plan = json.loads((folder / "followup-batch.json").read_text("utf-8"))["print"]
    assert gone.name in [e["file"] for e in plan["order"]]  # a later restore prints it again


def test_stray_docx_files_are_not_printed(tmp_path):
    """Only the run's letters go into the print file, not a .docx the user put there."""
    folder = week(tmp_path)
    stray = Document()
    stray.add_paragraph("Dear diary, not a letter")
    stray.save(str(folder / "my notes.docx"))
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    text = [p.text for p in Document(str(folder / PRINT)).paragraphs]
    assert "Dear diary, not a letter" not in text


def test_print_twice_gives_the_same_bytes(tmp_path):
    """The same letters on the same day give a byte-identical print file and envelopes file,
    whether joined as the run rendered them or read back from the folder by `print`."""
    folder = week(tmp_path)
    first = (folder / PRINT).read_bytes()
    envelopes = (folder / ENVELOPES).read_bytes()
    assert cli("print", str(folder)).exit_code == 0
    assert (folder / PRINT).read_bytes() == first
    assert (folder / ENVELOPES).read_bytes() == envelopes


def test_print_never_replaces_a_file_the_tool_did_not_write(tmp_path):
    """A print file the user changed is kept; the new one takes the next free name."""
    folder = week(tmp_path)
    edit(folder / PRINT, "Dear all, my annotated copy")
    kept = (folder / PRINT).read_bytes()
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / PRINT).read_bytes() == kept
    new = folder / f"{TODAY} Print all letters (2).docx"
    assert salutations(new)[0] == "Dear Ms. First:"
    assert f"Print file: {new}" in result.output


# --- errors -----------------------------------------------------------------------------------


def test_folder_without_manifest_is_a_located_error(tmp_path):
    """A folder the run did not write: exit 1, the folder named, nothing written."""
    folder = tmp_path / "letters"
    folder.mkdir()
    Document().save(str(folder / "a letter.docx"))
    before = listing(folder)
    result = cli("print", str(folder))
    assert result.exit_code == 1
    assert f"Error: {folder}: no followup-batch.json here" in result.output
    assert listing(folder) == before


def test_a_letter_that_is_no_docx_is_a_located_error(tmp_path):
    """A letter overwritten with something else: exit 1, the file named, nothing written."""
    folder = week(tmp_path)
    broken = letter(folder, "Second")
    broken.write_bytes(b"not a document")
    before = listing(folder)
    result = cli("print", str(folder))
    assert result.exit_code == 1
    assert f"Error: {broken}: is not a Word document any more" in result.output
    assert listing(folder) == before


# --- PDF ---------------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def test_print_pdf_has_a_page_per_letter_page(tmp_path, soffice):
    """`print --pdf` with real LibreOffice: 5 pages (2 letters, a card, fax cover and letter)."""
    folder = week(tmp_path)
    edit(letter(folder, "First"), "Dear Bea, edited:")
    result = cli("print", str(folder), "--pdf")
    assert result.exit_code == 0, result.output
    pdf = folder / f"{TODAY} Print all letters.pdf"
    assert f"PDF: {pdf}" in result.output
    assert _pdf_pages(pdf) == 5


# --- the direct join --------------------------------------------------------------------------


def _png() -> bytes:
    """Return a 2 x 2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))  # fmt: skip


def test_user_template_with_an_image_still_prints_it(tmp_path):
    """A logo in the user's letter template is in every letter of the print file."""
    mine = tmp_path / "mine"
    mine.mkdir()
    doc = Document()
    doc.add_picture(BytesIO(_png()))
    doc.add_paragraph("{{ salutation }}")
    doc.add_paragraph("Thank you for meeting me at {{ company }}.")
    doc.save(str(mine / "thank_you_letter.docx"))
    people = [PEOPLE[1], PEOPLE[3]]
    folder = week(tmp_path, "--templates", str(mine), people=people)
    joined = Document(str(folder / PRINT))
    assert salutations(folder / PRINT) == ["Dear Ms. First:", "Dear Ms. Second:"]
    blips = joined.element.body.findall(
        ".//" + "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    )
    assert len(blips) == 2
    for blip in blips:
        rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        assert joined.part.related_parts[rid].blob == _png()


def _doc(text: str, header: str | None = None, landscape: bool = False) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    if landscape:
        sec = doc.sections[0]
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_join_carries_each_letters_header_and_no_other(tmp_path):
    """A letter's header (its continuation line) stays its own; one without shows none."""
    data, merged = join([_doc("one", "Ann, page 2"), _doc("two"), _doc("three", "Cy, page 2")],
                        DAY)  # fmt: skip
    assert merged == 0
    doc = Document(BytesIO(data))
    headers = [s.header.paragraphs[0].text if s.header.paragraphs else "" for s in doc.sections]
    assert headers == ["Ann, page 2", "", "Cy, page 2"]
    assert [p.text for p in doc.paragraphs if p.text] == ["one", "two", "three"]


def test_join_takes_a_letter_with_other_styles_in_its_place_and_keeps_page_sizes():
    """A letter with a style sheet of its own (saved by another program) joins in its place;
    it is counted, as its styles of a name the others have now look as theirs do."""
    ours = [_doc("one"), _doc("three", landscape=True)]
    other = Document()
    other.styles["Normal"].font.size = 2 * 127000  # 20 pt: another style sheet
    other.add_paragraph("two")
    other.add_paragraph("a quote", style="Intense Quote")  # a style the others lack
    buf = BytesIO()
    other.save(buf)
    data, restyled = join([ours[0], buf.getvalue(), ours[1]], DAY)
    assert restyled == 1
    doc = Document(BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.text] == ["one", "two", "a quote", "three"]
    assert doc.paragraphs[2].style.name == "Intense Quote"
    assert doc.styles["Intense Quote"].base_style.name == "Normal"
    widths = [round(s.page_width.inches, 1) for s in doc.sections]
    assert widths == [8.5, 8.5, 11.0]
    assert join([ours[0], buf.getvalue(), ours[1]], DAY)[0] == data  # deterministic
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert zf.testzip() is None


def _listed(text: str, style: str = "") -> bytes:
    """A letter with a two-item numbered list: Word's numPr on each item, or the list style's
    (python-docx's List Number numbers its paragraphs, as Word's does)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_paragraph(f"Dear {text}:")
    for item in (f"{text}'s references", f"{text}'s samples"):
        para = doc.add_paragraph(item, style=style or None)
        if not style:
            numpr = OxmlElement("w:numPr")
            for tag, value in (("w:ilvl", "0"), ("w:numId", "5")):  # 5: a decimal list
                el = OxmlElement(tag)
                el.set(qn("w:val"), value)
                numpr.append(el)
            para._p.get_or_add_pPr().append(numpr)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _list_numbers(data: bytes) -> list[list[str]]:
    """Return, per letter (section), the numIds of its list items."""
    doc = Document(BytesIO(data))
    out: list[list[str]] = [[]]
    for p in doc.element.body.iter(qn_w("p")):
        num = p.find(f"{qn_w('pPr')}/{qn_w('numPr')}/{qn_w('numId')}")
        if num is not None:
            out[-1].append(num.get(qn_w("val")))
        if p.find(f"{qn_w('pPr')}/{qn_w('sectPr')}") is not None:
            out.append([])
    return out


def qn_w(tag: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{tag}"


def test_each_letters_lists_are_its_own_and_the_file_the_same_every_time():
    """A list in each letter, as Word writes one on the items or as the list's style says:
    every letter's list is a list of its own (so it starts at 1 there), the items of one
    list stay one list, every list definition has an nsid of its own (Word tells lists apart
    by it), and the same letters make the same bytes."""
    names = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus"]
    parts = [_doc(n) if n in ("Di", "Gus") else _listed(n) for n in names]
    parts[4] = _listed("Ed", style="List Number")
    data, restyled = join(parts, DAY)
    assert restyled == 0
    doc = Document(BytesIO(data))
    texts = [[n] if n in ("Di", "Gus") else [f"Dear {n}:", f"{n}'s references", f"{n}'s samples"]
             for n in names]  # fmt: skip
    assert [p.text for p in doc.paragraphs if p.text] == [t for ts in texts for t in ts]
    lists = _list_numbers(data)
    assert [len(ids) for ids in lists] == [2, 2, 2, 0, 2, 2, 0]
    assert all(len(set(ids)) == 1 for ids in lists if ids)  # one list per letter …
    firsts = [ids[0] for ids in lists if ids]
    assert len(set(firsts)) == len(firsts)  # … and each letter's its own
    assert join(parts, DAY)[0] == data
    with zipfile.ZipFile(BytesIO(data)) as zf:
        numbering = zf.read("word/numbering.xml").decode()
    nsids = re.findall(r'<w:nsid w:val="([0-9A-F]{8})"', numbering)
    assert len(nsids) == len(set(nsids)) > 5


def test_numbered_lists_count_from_1_in_every_letter_of_the_print_file(tmp_path, soffice):
    """Numbered lists (the List Number style, or Word's numbering on the items) count from 1
    in every letter of the print file as LibreOffice prints it, not on from the letter
    before."""
    from followup_xl.office import convert

    names = ["Ann", "Bo", "Cy"]
    parts = [_listed("Ann", style="List Number"), _listed("Bo"), _listed("Cy", "List Number")]
    joined = tmp_path / "joined.docx"
    joined.write_bytes(join(parts, DAY)[0])
    text = convert(joined, "txt:Text (encoded):UTF8", tmp_path / "txt").read_text("utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == [line for n in names for line in (f"Dear {n}:", f"1. {n}'s references",
                                                      f"2. {n}'s samples")]  # fmt: skip


def _noted(name: str, note: str) -> bytes:
    """A letter with a logo in its header and a footnote saying `note`, as Word saves them."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].add_run().add_picture(BytesIO(_png()))
    doc.add_paragraph(f"Dear {name}:")
    run = doc.add_paragraph("See the note.").add_run()._r
    ref = run.makeelement(qn_w("footnoteReference"), {qn_w("id"): "1"})
    run.append(ref)
    buf = BytesIO()
    doc.save(buf)
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    footnotes = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="'
        'http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote '
        'w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{note}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    out = BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument'
                                    b'.wordprocessingml.footnotes+xml"/></Types>')  # fmt: skip
            if info.filename == "word/_rels/document.xml.rels":
                rel = f'<Relationship Id="rIdF1" Target="footnotes.xml" Type="{kind}"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            dst.writestr(info, data)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def test_join_keeps_each_letters_header_logo_and_footnotes():
    """Letters with a logo in the header and a footnote: every letter's header shows the
    logo (one copy of the image), and each footnote reference reads its own letter's note."""
    data, _ = join([_noted("Ann", "Ann's note"), _noted("Bo", "Bo's note")], DAY)
    doc = Document(BytesIO(data))
    for section in doc.sections:
        header = section.header
        blips = header._element.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/"
                                        "main}blip")  # fmt: skip
        assert len(blips) == 1
        rid = blips[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                           "relationships}embed")  # fmt: skip
        assert header.part.related_parts[rid].blob == _png()
    with zipfile.ZipFile(BytesIO(data)) as zf:
        images = [n for n in zf.namelist() if n.startswith("word/media/")]
        notes = {n.get(qn_w("id")): "".join(n.itertext())
                 for n in etree.fromstring(zf.read("word/footnotes.xml"))}  # fmt: skip
    assert len(images) == 1
    refs = [r.get(qn_w("id")) for r in doc.element.body.iter(qn_w("footnoteReference"))]
    assert [notes[r] for r in refs] == ["Ann's note", "Bo's note"]
    assert len(set(refs)) == 2


def test_join_keeps_each_letters_comments_on_its_own_text():
    """A comment in each letter (one the user left in Word): the print file has both, and
    each is anchored on its own letter's text."""
    parts = []
    for name in ("Ann", "Bo"):
        doc = Document()
        para = doc.add_paragraph(f"Dear {name}:")
        doc.add_comment(para.runs, text=f"check {name}'s title", author="Me")
        buf = BytesIO()
        doc.save(buf)
        parts.append(buf.getvalue())
    doc = Document(BytesIO(join(parts, DAY)[0]))
    comments = {c.comment_id: c.text for c in doc.comments}
    anchored = [
        (p.text, comments[int(ref.get(qn_w("id")))])
        for p in doc.paragraphs
        for ref in p._p.iter(qn_w("commentReference"))
    ]
    assert anchored == [("Dear Ann:", "check Ann's title"), ("Dear Bo:", "check Bo's title")]


def test_print_pdf_without_libreoffice_is_a_warning(tmp_path, monkeypatch):
    """No LibreOffice: `print --pdf` still rebuilds the print file, warns, and exits 0."""
    from followup_xl import office

    folder = week(tmp_path)
    edit(letter(folder, "First"), "Dear Bea, edited:")
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    result = CliRunner().invoke(main, ["print", str(folder), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "warning: no PDF was made: " in result.output
    assert "LibreOffice is not installed" in result.output
    assert salutations(folder / PRINT)[0] == "Dear Bea, edited:"
    assert not list(folder.glob("*.pdf"))


def test_letter_saved_by_another_program_prints_in_its_place(tmp_path, soffice):
    """The first letter saved again by LibreOffice (its own style sheet) prints in its place."""
    import subprocess

    folder = week(tmp_path)
    first = letter(folder, "First")
    saved = tmp_path / "saved"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), str(first)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    first.write_bytes((saved / first.name).read_bytes())
    result = cli("print", str(folder), "--pdf")
    assert result.exit_code == 0, result.output
    assert "1 letter(s) have styles of their own" in result.output
    assert salutations(folder / PRINT) == [
        "Dear Ms. First:", "Dear Ms. Second:", "Dear Ms. Card,", "Dear Ms. Fax:",
    ]  # fmt: skip
    assert _pdf_pages(folder / f"{TODAY} Print all letters.pdf") == 5


def test_print_pdf_replaces_the_runs_own_pdf(tmp_path, soffice):
    """`run --pdf`, an edit, `print --pdf`: the tool's own PDF is replaced, not doubled."""
    folder = week(tmp_path, "--pdf")
    pdf = folder / f"{TODAY} Print all letters.pdf"
    assert pdf.is_file()
    edit(letter(folder, "Second"), "Dear Dee, with a much longer greeting than before:")
    result = cli("print", str(folder), "--pdf")
    assert result.exit_code == 0, result.output
    assert f"PDF: {pdf}" in result.output
    assert sorted(p.name for p in folder.glob("*.pdf")) == [pdf.name]


def test_a_print_file_that_cannot_be_written_stops_the_run_before_the_workbook(
    tmp_path, monkeypatch
):
    """A full disk at the print file: the run stops before the workbook is marked, and no
    letter, folder or backup is left (all or nothing); the next run makes everything."""
    from followup_xl.errors import WriteError
    from followup_xl.outbox import Outbox

    real_put = Outbox.put

    def full(self: Outbox, name: str, data: bytes, **kwargs: Any) -> Any:
        if name.endswith(PRINT):
            raise WriteError(f"{self.folder / name}: cannot write: No space left on device")
        return real_put(self, name, data, **kwargs)

    monkeypatch.setattr(Outbox, "put", full)
    path = make_book(tmp_path / "tracker.xlsx", interviews=[INTERVIEW], contacts=PEOPLE)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["run", str(path), "--today", TODAY])
    assert result.exit_code == 1, result.output
    assert "cannot write: No space left on device" in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]
    monkeypatch.setattr(Outbox, "put", real_put)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert salutations(tmp_path / OUT / PRINT) == [
        "Dear Ms. First:", "Dear Ms. Second:", "Dear Ms. Card,", "Dear Ms. Fax:",
    ]  # fmt: skip


def test_envelopes_changed_beyond_recognition_stop_the_print(tmp_path):
    """A deleted letter, but an envelopes file that no longer cuts back: `print` says why."""
    folder = week(tmp_path)
    letter(folder, "First").unlink()
    mine = Document()
    mine.add_paragraph("my own envelopes")
    mine.save(str(folder / ENVELOPES))
    before = listing(folder)
    result = cli("print", str(folder))
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert (
        f"{folder / ENVELOPES}: no longer holds the 2 envelopes followup-xl wrote (changed in "
        "Word?), so its envelopes cannot be matched to the letters left: put it back as it "
        "was, or delete it to print without envelopes; nothing was printed"
    ) in said
    assert listing(folder) == before
    (folder / ENVELOPES).unlink()
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    assert f"{ENVELOPES} is no longer in the folder, so there are no envelopes" in result.output
    assert "envelope 1" not in result.output
    assert salutations(folder / PRINT) == ["Dear Ms. Second:", "Dear Ms. Card,", "Dear Ms. Fax:"]


def test_envelopes_the_user_changed_are_kept_while_they_match(tmp_path):
    """An edited envelopes file and no letter deleted: kept as it is, the order still said."""
    folder = week(tmp_path)
    doc = Document(str(folder / ENVELOPES))
    doc.add_paragraph("Fragile")
    doc.save(str(folder / ENVELOPES))
    kept = (folder / ENVELOPES).read_bytes()
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / ENVELOPES).read_bytes() == kept
    said = " ".join(result.output.split())
    assert f"{ENVELOPES} was changed after followup-xl wrote it, so it is left as it is" in said
    assert "2 envelopes in the same order as their letters" in said


def _envelope_names(path: Path) -> list[str]:
    """Return the recipient's last name on each envelope of an envelopes file, in its order."""
    return [p.text.split("\n")[0].split()[-1] for p in Document(str(path)).paragraphs
            if p.text.startswith("Ms.")]  # fmt: skip


def _letter_names(path: Path) -> list[str]:
    """Return whom each mailed letter of the print file greets, in print order."""
    return [s.split()[-1].rstrip(":") for s in salutations(path) if "Mail" in s]


def test_envelopes_match_the_letters_after_every_print(tmp_path):
    """Three rounds of delete-and-print, one with nothing deleted and one with a letter back:
    each time the n-th envelope is for the n-th letter and the summary says so."""
    mailed = [person(f"M{n}", name, f"Mail{n}") for n, name in enumerate("ABCDEFG", 1)]
    folder = week(tmp_path, people=[PEOPLE[0], *mailed, PEOPLE[2]])
    everyone = [f"Mail{i}" for i in range(1, 8)]
    assert _envelope_names(folder / ENVELOPES) == _letter_names(folder / PRINT) == everyone
    backup = {}
    for last in ("Mail2", "Mail5", "Mail7"):
        gone = letter(folder, last)
        backup[last] = (gone, gone.read_bytes())
        gone.unlink()
        result = cli("print", str(folder))
        assert result.exit_code == 0, result.output
        left = [w for w in everyone if w not in backup]
        assert _letter_names(folder / PRINT) == left
        assert _envelope_names(folder / ENVELOPES) == left
        said = " ".join(result.output.split())
        assert (
            f'then "{ENVELOPES}": {len(left)} envelopes in the same order as their letters, '
            f"envelope 1 for Ms. A Mail1, the last for Ms. {'ABCDEFG'[int(left[-1][4:]) - 1]} "
            f"{left[-1]}"
        ) in said
        assert "could not" not in said and "left as it is" not in said
    again = cli("print", str(folder))  # nothing deleted this time
    assert again.exit_code == 0, again.output
    assert _envelope_names(folder / ENVELOPES) == _letter_names(folder / PRINT) == left
    path, data = backup["Mail5"]
    path.write_bytes(data)  # the user puts a letter back: it prints, its envelope is gone
    result = cli("print", str(folder))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"{path.name} is back, but its envelope left the envelopes file" in said
    assert _letter_names(folder / PRINT) == sorted([*left, "Mail5"])
    assert _envelope_names(folder / ENVELOPES) == left
    assert f"{len(left)} envelopes in the same order as their letters" in said
