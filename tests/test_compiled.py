"""A template compiled once per batch (letters/compiled.py) writes what docxtpl writes.

The oracle is docxtpl itself, called here on the same template and context, then given the
same country transforms; its text is read back with python-docx by this file's own walk.
"""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docxtpl import DocxTemplate

from followup_xl import localize
from followup_xl.errors import TemplateError
from followup_xl.letters import render_letters
from followup_xl.letters.context import LetterData, letter_context
from followup_xl.letters.pagefit import Fonts
from followup_xl.letters.render import Renderer, fit_country, set_properties
from followup_xl.letters.shipped import default_template_dir
from followup_xl.letters.templates import TEMPLATE_NAMES, check_templates, sandbox_environment
from followup_xl.letters.window import fit_blocks
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status
from followup_xl.templatelimits import BoundedEnvironment

TODAY = date(2026, 11, 25)

US = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield", state="IL",
             zip="62704", phone="(217) 555-0143", cell="(217) 555-0199",
             email="jordan.ellis@example.com", country="US")  # fmt: skip
GB = Profile(name="Priya Shah", street="12 Acacia Avenue", city="Leeds", zip="LS1 4AP",
             phone="0113 496 0000", email="priya@example.co.uk",
             country="United Kingdom")  # fmt: skip
IV = Interview(row=2, interview_id="BN-1", company="Barnes & Noble", position="Store Manager",
               interview_date=date(2026, 11, 24), status="Interviewed", want_job="Yes",
               company_street="555 Fifth Avenue", company_city="New York", company_state="NY",
               company_zip="10017", strengths="ten years of retail management; fluent Spanish",
               forgot_to_mention="I ran the holiday pop-up store in 2024",
               enclosures=("List of references", "Writing sample"))  # fmt: skip
RENEE = Contact(row=2, contact_id="C-1", interview_id="BN-1", honorific="Ms.",
                first_name="Renée", last_name="Dubois-Okafor", job_title="District Manager",
                personal_note="the children's reading hour", email="renee@example.com",
                fax="212-555-0100", preferred_channel="Mail")  # fmt: skip

#: name -> (profile, interview, contact): the cases every shipped template is rendered with
CASES = {
    "us": (US, IV, RENEE),
    "gb": (GB, IV, RENEE),
    "xml-escaping": (
        US,
        Interview(
            row=2,
            interview_id="BN-1",
            company="A & B <Books> \"Q\" 'R'",
            position="Clerk & <Cashier>",
            interview_date=date(2026, 11, 24),
            strengths="pricing \"fast\" & <accurate>; 'loyal' service",
            forgot_to_mention="I know {{ braces }} and {% tags %} & more",
            enclosures=("Résumé & <cover>",),
        ),  # fmt: skip
        Contact(
            row=2,
            contact_id="C-1",
            interview_id="BN-1",
            honorific="Dr.",
            first_name="O'Brien",
            last_name='<Lee> & "Sons"',
            personal_note="the 5 < 6 > 4 joke & 'quotes'",
        ),  # fmt: skip
    ),
    "newlines": (
        US,
        Interview(
            row=2,
            interview_id="BN-1",
            company="Acme",
            interview_date=date(2026, 11, 24),
            strengths="first line\nsecond line",
            forgot_to_mention="one\ttab\nand a break",
            company_street="Building 4\nFloor 2",
        ),  # fmt: skip
        Contact(
            row=2,
            contact_id="C-1",
            interview_id="BN-1",
            honorific="Mr.",
            first_name="Tom",
            last_name="Ng",
            personal_note="the garden\nand the bees",
        ),  # fmt: skip
    ),
    "emoji": (
        GB,
        Interview(
            row=2,
            interview_id="BN-1",
            company="Café 🎉 Zoë",
            interview_date=date(2026, 11, 24),
            strengths="smiles 😀; 日本語 support",
        ),  # fmt: skip
        Contact(
            row=2,
            contact_id="C-1",
            interview_id="BN-1",
            honorific="Ms.",
            first_name="Zoë",
            last_name="Ångström",
            personal_note="the 🐕 called Biscuit",
        ),  # fmt: skip
    ),
    "long": (
        US,
        Interview(
            row=2,
            interview_id="BN-1",
            company="Long Company " * 20,
            interview_date=date(2026, 11, 24),
            strengths="; ".join(["patience"] * 300),
            forgot_to_mention="word " * 2000,
        ),  # fmt: skip
        Contact(
            row=2,
            contact_id="C-1",
            interview_id="BN-1",
            honorific="Ms.",
            first_name="Ann",
            last_name="Lee",
            personal_note="note " * 1000,
        ),  # fmt: skip
    ),
}


def context(case: str, kind: Kind = Kind.THANK_YOU_LETTER) -> tuple[dict, str]:
    """Return one case's letter context and the sender's country code."""
    profile, iv, contact = CASES[case]
    act = Action(rule="R3", kind=kind, status=Status.DUE, due=TODAY, why="",
                 interview_id=iv.interview_id, contact_id=contact.contact_id)  # fmt: skip
    return letter_context(LetterData(act, profile, contact, iv), TODAY), localize.country_code(
        profile.country
    )


def shipped(name: str) -> bytes:
    """Return a shipped template's bytes, as installed."""
    return (default_template_dir() / name).read_bytes()


def text_of(data: bytes) -> tuple[list[str], list[str]]:
    """Return (body paragraphs with table cells, header and footer paragraphs) of a .docx."""
    doc = Document(BytesIO(data))
    body: list[str] = []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    done = []
                    for cell in row.cells:
                        if not any(cell._tc is d for d in done):
                            done.append(cell._tc)
                            walk(cell)
            else:
                body.append(block.text)

    walk(doc)
    margins = []
    for section in doc.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                margins += [p.text for p in part.paragraphs]
    return body, margins


def oracle(template: bytes, ctx: dict, country: str, name: str, title: str = "t") -> bytes:
    """Return docxtpl's own rendering of the template, given the country's transforms and
    the letter's core properties."""
    tpl = DocxTemplate(BytesIO(template))
    tpl.render(ctx, sandbox_environment(), autoescape=True)
    fit_country(tpl.docx, country, name)
    joinable = (ctx.get("recipient_title", ""), ctx.get("recipient_organization", ""))
    fit_blocks(tpl.docx.element.body, country, Fonts(), joinable)
    set_properties(tpl.docx, TODAY, title, ctx["sender_name"])
    buf = BytesIO()
    tpl.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(check_templates(None))


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_shipped_template_renders_as_docxtpl_does(renderer, name: str, case: str) -> None:
    """Paragraphs, table cells, headers and footers read the same as docxtpl's letter; the
    file is no larger; and the bytes are those of the docxtpl path the tool used before."""
    ctx, country = context(case)
    expected = oracle(shipped(name), ctx, country, name, "Thank-you to Ms. Lee")
    got = renderer.letter(name, ctx, TODAY, country, "Thank-you to Ms. Lee")
    assert renderer.refused == {}
    assert text_of(got.data) == text_of(expected)
    assert got.paragraphs == text_of(expected)[0]
    assert len(got.data) <= len(expected)
    title = "Thank-you to Ms. Lee"
    assert got.data == renderer.render_docxtpl(name, ctx, TODAY, country, title).data
    props = Document(BytesIO(got.data)).core_properties
    assert (props.title, props.author, props.created.date()) == (
        "Thank-you to Ms. Lee", ctx["sender_name"], TODAY)  # fmt: skip


def test_escaped_characters_and_line_breaks_read_as_typed(renderer) -> None:
    """What a user typed comes out as typed: escaped XML, braces, a tab, real line breaks."""
    ctx, country = context("xml-escaping")
    got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
    text = "\n".join(got.paragraphs)
    assert "A & B <Books> \"Q\" 'R'" in text
    assert "I know {{ braces }} and {% tags %} & more" in text
    ctx, country = context("newlines")
    got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
    assert any("one\ttab\nand a break" in p for p in got.paragraphs), got.paragraphs


def test_same_day_same_bytes_and_another_day_other_bytes() -> None:
    """Two batches render the same letter byte for byte; the date is in the file."""
    ctx, country = context("us")
    name = "thank_you_letter.docx"
    first = Renderer(check_templates(None)).render(name, ctx, TODAY, country, "t")
    again = Renderer(check_templates(None)).render(name, ctx, TODAY, country, "t")
    later = Renderer(check_templates(None)).render(name, ctx, date(2026, 11, 26), country, "t")
    assert first == again != later
    assert zipfile.ZipFile(BytesIO(first)).testzip() is None


# --- user templates: docxtpl's tags, headers and footers, and what falls back ------------------


def user_template(folder: Path, *paragraphs: str, header: str = "", footer: str = "",
                  table: list[list[str]] | None = None) -> Path:  # fmt: skip
    """Write a thank-you letter template of these paragraphs (a real .docx) into folder."""
    folder.mkdir(exist_ok=True)
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    doc.add_paragraph("{{ complimentary_close }}")
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(str(folder / "thank_you_letter.docx"))
    return folder


def test_docxtpl_tags_headers_and_footers_render_as_docxtpl_does(tmp_path: Path) -> None:
    """{%p %}, {%tr %} loops, {{r }}, a merged-looking table, header and footer variables."""
    mine = user_template(
        tmp_path / "mine",
        "{{ date }}",
        "{%p if personal %}",
        "{{ personal }}",
        "{%p endif %}",
        "Dear {{r recipient_name }}, {# a comment #}{{ opening }}",
        "{% for e in enclosures %}{{ e }}{% if not loop.last %}; {% endif %}{% endfor %}",
        header="{{ sender_name }} to {{ company }}",
        footer="{{ sender_email }} · {{ sender_phone }}",
        table=[
            ["{%tr for e in enclosures %}", ""],
            ["{{ e }}", "{{ loop.index }}"],
            ["{%tr endfor %}", ""],
        ],  # fmt: skip
    )
    renderer = Renderer(check_templates(mine))
    for case in ("newlines", "xml-escaping", "gb", "us"):
        ctx, country = context(case)
        expected = oracle((mine / "thank_you_letter.docx").read_bytes(), ctx, country,
                          "thank_you_letter.docx")  # fmt: skip
        got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
        assert renderer.refused == {}
        assert text_of(got.data) == text_of(expected), case
        assert got.paragraphs == text_of(expected)[0]
        assert got.data == renderer.render_docxtpl("thank_you_letter.docx", ctx, TODAY, country,
                                                   "t").data  # fmt: skip
    body, margins = text_of(got.data)
    assert margins[0] == f"{ctx['sender_name']} to {ctx['company']}"
    assert "List of references" in body and "2" in body


def test_a_template_writing_raw_xml_is_rendered_by_docxtpl(tmp_path: Path) -> None:
    """|safe could write any XML, even a language tag the country transform must see: such a
    template is rendered by docxtpl letter by letter, decided once, with the same text."""
    mine = user_template(tmp_path / "mine", "{{ salutation|safe }}", "{{ opening }}")
    renderer = Renderer(check_templates(mine))
    ctx, country = context("us")
    got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
    assert renderer.refused == {"thank_you_letter.docx": "thank_you_letter.docx marks text as "
                                "safe XML (|safe)"}  # fmt: skip
    expected = oracle((mine / "thank_you_letter.docx").read_bytes(), ctx, country,
                      "thank_you_letter.docx")  # fmt: skip
    assert text_of(got.data) == text_of(expected)
    assert renderer.compiled("note_card.docx", country) is not None  # the others stay fast


# --- the sandbox, per letter -------------------------------------------------------------------

#: 150,000 loop steps per letter of the last name (Jinja's sandbox allows ranges up to
#: 100,000): "Lee" and the check's sample pass, three such letters together would not, and
#: a 13-letter name takes 1,950,000 steps, over the 1,000,000 of one letter
LOOP = (
    "{% for i in range(recipient_last_name|length * 1000) %}{% for j in range(149) %}"
    "{% endfor %}{% endfor %}{{ salutation }}"
)


def test_the_step_limit_holds_for_each_letter_and_restarts_for_the_next(tmp_path: Path) -> None:
    mine = user_template(tmp_path / "mine", LOOP)
    renderer = Renderer(check_templates(mine))
    profile, iv, _ = CASES["us"]
    for first in ("Amy", "Bob", "Cy"):  # 450,000 steps each: fine one by one
        lee = Contact(row=2, contact_id="C-1", interview_id="BN-1", honorific="Ms.",
                      first_name=first, last_name="Lee")  # fmt: skip
        act = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE, due=TODAY,
                     why="", interview_id="BN-1", contact_id="C-1")  # fmt: skip
        ctx = letter_context(LetterData(act, profile, lee, iv), TODAY)
        got = renderer.letter("thank_you_letter.docx", ctx, TODAY, "US", "t")
        assert got.paragraphs[0] == "Dear Ms. Lee:"
    assert renderer.compiled("thank_you_letter.docx", "US") is not None
    ctx, country = context("us")  # Dubois-Okafor: 1,950,000 steps
    with pytest.raises(TemplateError, match="takes more than 1,000,000 loop steps"):
        renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")


# --- work counts -------------------------------------------------------------------------------


def _book(letters: int, extra_contacts: int = 0) -> tuple[Book, list[Action]]:
    contacts, actions = [], []
    for i in range(letters + extra_contacts):
        contacts.append(Contact(row=i + 2, contact_id=f"C-{i}", interview_id="BN-1",
                                honorific="Ms.", first_name=f"Ann{chr(97 + i % 26)}",
                                last_name=f"Lee{i}", personal_note=f"topic {i}"))  # fmt: skip
        if i < letters:
            kind = (Kind.THANK_YOU_LETTER, Kind.NOTE_CARD, Kind.THANK_YOU_EMAIL)[i % 3]
            actions.append(Action(rule="R3", kind=kind, status=Status.DUE, due=TODAY, why="",
                                  channel="Email" if kind is Kind.THANK_YOU_EMAIL else "Mail",
                                  interview_id="BN-1", contact_id=f"C-{i}"))  # fmt: skip
    return Book(path="t.xlsx", profile=US, interviews=(IV,), contacts=tuple(contacts)), actions


def test_templates_compile_once_per_batch_whatever_the_letter_count(tmp_path, monkeypatch):
    """Jinja parses the same number of templates for 3 letters as for 12 (checks included)."""
    parsed: list[str] = []
    original = BoundedEnvironment._parse

    def counting(self, source, name, filename):
        parsed.append(source)
        return original(self, source, name, filename)

    monkeypatch.setattr(BoundedEnvironment, "_parse", counting)
    counts = []
    for n in (3, 12):
        parsed.clear()
        book, actions = _book(n)
        batch = render_letters(book, actions, today=TODAY, out_dir=tmp_path / f"out{n}")
        assert len(batch.files) == n
        counts.append(len(parsed))
    assert counts[0] == counts[1] > 0, counts


def test_proofreading_reads_the_workbook_words_once_per_batch(tmp_path, monkeypatch):
    """The workbook's words are normalised once per batch: 4x the letters add only their own."""
    from followup_xl import proofread

    read: list[int] = []
    original = proofread.words_of

    def counting(texts):
        texts = list(texts)
        read.append(len(texts))
        return original(texts)

    monkeypatch.setattr(proofread, "words_of", counting)
    totals = []
    for n in (3, 12):
        read.clear()
        book, actions = _book(n, extra_contacts=600)
        render_letters(book, actions, today=TODAY, out_dir=tmp_path / f"out{n}")
        totals.append(sum(read))
    workbook = totals[0]
    assert workbook > 600 * 3  # the 600 extra contacts' names and the like were read …
    assert totals[1] - totals[0] < 600, totals  # … once: 9 more letters add a few words each


def test_paragraph_text_is_read_as_python_docx_reads_it() -> None:
    """Tabs, line, page and column breaks, hyphens, hyperlinks, empty runs: the fast walk's
    list equals python-docx's; a body with a table is left to python-docx (None)."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from lxml import etree

    from followup_xl.letters.compiled import body_paragraphs

    doc = Document()
    p = doc.add_paragraph("one")
    run = p.add_run("two")
    run.add_tab()
    run.add_break()
    run.add_text("three")
    run.add_break(WD_BREAK.PAGE)
    run.add_break(WD_BREAK.COLUMN)
    run._r.append(OxmlElement("w:noBreakHyphen"))
    run._r.append(OxmlElement("w:cr"))
    run._r.append(OxmlElement("w:ptab"))
    link = OxmlElement("w:hyperlink")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = " linked "
    inner.append(text)
    link.append(inner)
    p._p.append(link)
    p._p.append(OxmlElement("w:r"))
    doc.add_paragraph("")
    doc.add_paragraph("  spaced  ").runs[0]._r.append(OxmlElement("w:lastRenderedPageBreak"))
    buf = BytesIO()
    doc.save(buf)
    body = etree.fromstring(zipfile.ZipFile(BytesIO(buf.getvalue())).read("word/document.xml"))
    walked = body_paragraphs(body.find(qn("w:body")))
    assert walked == text_of(buf.getvalue())[0]
    assert walked[0] == "onetwo\t\nthree-\n\t linked "
    doc.add_table(rows=1, cols=1)
    buf = BytesIO()
    doc.save(buf)
    body = etree.fromstring(zipfile.ZipFile(BytesIO(buf.getvalue())).read("word/document.xml"))
    assert body_paragraphs(body.find(qn("w:body"))) is None


def _with_footnotes(path: Path, text: str) -> None:
    """Add a footnotes part holding `text` to a .docx, as Word saves one."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument'
                                    b'.wordprocessingml.footnotes+xml"/></Types>')  # fmt: skip
            if name == "word/_rels/document.xml.rels":
                kind = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
                rel = (
                    b'<Relationship Id="rIdF1" Target="footnotes.xml" Type="%s/footnotes"/>' % kind
                )
                data = data.replace(b"</Relationships>", rel + b"</Relationships>")
            zf.writestr(name, data)
        zf.writestr("word/footnotes.xml", footnotes)


def _footnote_text(data: bytes) -> str:
    return zipfile.ZipFile(BytesIO(data)).read("word/footnotes.xml").decode("utf-8")


@pytest.mark.parametrize("sections", [1, 2])
def test_footnotes_render_as_docxtpl_renders_them(tmp_path: Path, sections: int) -> None:
    """Footnotes are rendered once per letter; in a template of several sections docxtpl
    renders them once per section, so such a template falls back to docxtpl."""
    mine = user_template(tmp_path / "mine", "{{ salutation }}", "{{ opening }}")
    path = mine / "thank_you_letter.docx"
    if sections == 2:
        doc = Document(str(path))
        doc.add_section()
        doc.add_paragraph("{{ closing }}")
        doc.save(str(path))
    _with_footnotes(path, "Written by {{ sender_name }} &amp; sent to {{ company }}")
    renderer = Renderer(check_templates(mine))
    ctx, country = context("xml-escaping")
    got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
    expected = oracle(path.read_bytes(), ctx, country, "thank_you_letter.docx")
    assert text_of(got.data) == text_of(expected)
    assert _footnote_text(got.data) == _footnote_text(expected)
    assert f"Written by {ctx['sender_name']} &amp; sent to A &amp; B &lt;Books&gt;" in (
        _footnote_text(got.data))  # fmt: skip
    if sections == 1:
        assert renderer.refused == {}
        assert got.data == renderer.render_docxtpl("thank_you_letter.docx", ctx, TODAY, country,
                                                   "t").data  # fmt: skip
    else:
        assert renderer.refused == {"thank_you_letter.docx": "footnotes in a template of "
                                    "several sections"}  # fmt: skip


def test_templates_saved_by_libreoffice_render_as_docxtpl_does(tmp_path: Path, soffice) -> None:
    """Each shipped template saved again by LibreOffice Writer (other XML, settings, fonts)
    still takes the fast path, with docxtpl's text and bytes."""
    import subprocess

    mine = tmp_path / "mine"
    names = [str(default_template_dir() / n) for n in TEMPLATE_NAMES]
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(mine), *names],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    renderer = Renderer(check_templates(mine))
    for case in ("gb", "newlines"):
        ctx, country = context(case)
        for name in TEMPLATE_NAMES:
            got = renderer.letter(name, ctx, TODAY, country, "t")
            expected = oracle((mine / name).read_bytes(), ctx, country, name)
            assert text_of(got.data) == text_of(expected), name
            assert got.paragraphs == text_of(expected)[0], name
            assert got.data == renderer.render_docxtpl(name, ctx, TODAY, country, "t").data, name
    assert renderer.refused == {}


#: docxtpl's own test templates (../shared/corpus) and contexts of plain values for them
CORPUS_CONTEXTS = {
    "docxtpl_escape_tpl.docx": {
        "myvar": "<R> & 'run' \"text\"", "myescvar": "a < b & c", "nlnp": "line\nnext\tafter",
        "mylisting": "one\ntwo\tthree", "page_break": "before\fafter",
        "new_listing": "x\ay", "some_html": "<b>bold</b> & more",
    },
    "docxtpl_escape_tpl_auto.docx": {
        "autoescape": "<tag> & \"quotes\"", "autoescape_unicode": "é ü — & 😀",
        "nested_dict": {"a": "<1> & 2", "b": "x\ny"}, "iteritems": lambda d: list(d.items()),
    },
    "docxtpl_header_footer_entities_tpl.docx": {"title": "Tom & Jerry <3", "unknowvar": "& <"},
}  # fmt: skip


@pytest.mark.parametrize("name", list(CORPUS_CONTEXTS))
@pytest.mark.parametrize("country", ["US", "GB"])
def test_docxtpl_own_test_templates_render_as_docxtpl_does(corpus_dir, name, country) -> None:
    """docxtpl's escaping, listing and header/footer test templates, with plain values: the
    compiled template gives docxtpl's text, headers and footers, and its bytes."""
    from followup_xl.letters.compiled import CompiledTemplate
    from followup_xl.letters.render import save_docx

    data = (corpus_dir / name).read_bytes()
    ctx = CORPUS_CONTEXTS[name]
    tpl = DocxTemplate(BytesIO(data))
    tpl.render(ctx, sandbox_environment(), autoescape=True)
    fit_country(tpl.docx, country, name)
    set_properties(tpl.docx, TODAY, "t", "Ann")
    expected = save_docx(tpl.docx, TODAY)
    got = CompiledTemplate(name, data, lambda doc: fit_country(doc, country, name)).render(
        ctx, TODAY, "t", "Ann"
    )
    assert text_of(got.data) == text_of(expected)
    assert got.paragraphs == text_of(expected)[0]
    assert got.data == expected


def test_core_properties_render_as_docxtpl_renders_them(tmp_path: Path) -> None:
    """docxtpl renders the subject, comments and the like as templates; so does the fast path
    (the property is not an XML part: no line is added before a "<w:p" in it)."""
    mine = user_template(tmp_path / "mine", "{{ salutation }}")
    path = mine / "thank_you_letter.docx"
    doc = Document(str(path))
    doc.core_properties.subject = "For {{ company }} <w:p> {{ position }}"
    doc.core_properties.comments = "{% if wants_job %}keen{% endif %}"
    doc.save(str(path))
    renderer = Renderer(check_templates(mine))
    ctx, country = context("xml-escaping")
    got = renderer.letter("thank_you_letter.docx", ctx, TODAY, country, "t")
    assert renderer.refused == {}
    name = "thank_you_letter.docx"
    assert got.data == renderer.render_docxtpl(name, ctx, TODAY, country, "t").data
    props = Document(BytesIO(got.data)).core_properties
    assert (
        props.subject
        == "For A &amp; B &lt;Books&gt; &#34;Q&#34; &#39;R&#39; <w:p> Clerk &amp; &lt;Cashier&gt;"
    )
    assert props.comments == "keen"
