"""Build the shipped letter templates (letter_templates/*.docx) with python-docx.

Run `python tools/make_letter_templates.py` after changing this file and commit both. The
templates are ordinary Word documents with docxtpl/Jinja tags ({{ variable }}, and {%p if %}
paragraphs that disappear when empty); docs/templates.md lists every variable. The output is
byte-identical on every run (fixed dates and zip timestamps).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from followup_xl.letters import paper  # noqa: E402
from followup_xl.zipwrite import normalize_zip  # noqa: E402

OUT = REPO / "letter_templates"
STAMP = date(2026, 1, 1)
FONT = "Times New Roman"  # LibreOffice substitutes the metric-compatible Liberation Serif


def new_document(width: float, height: float, margins: tuple[float, float, float, float],
                 size: float = 12, title: str = "") -> Document:  # fmt: skip
    """Return an empty document with one page size, margins (top, right, bottom, left), font."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(width), Inches(height)
    section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
    top, right, bottom, left = margins
    section.top_margin, section.right_margin = Inches(top), Inches(right)
    section.bottom_margin, section.left_margin = Inches(bottom), Inches(left)
    section.header_distance = section.footer_distance = Inches(0.4)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = True

    # every template has the same styles, so the print file joins them without merging styles
    layout_styles(doc)

    props = doc.core_properties
    props.title = title
    props.author = "followup_xl"
    props.last_modified_by = "followup_xl"
    props.comments = (
        "Letter template of followup_xl; the variables are listed in README.md "
        "(Template variables)"
    )
    props.created = props.modified = datetime(STAMP.year, STAMP.month, STAMP.day)
    props.revision = 1
    # the default document starts with one empty paragraph: drop it
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    return doc


def para(doc, text: str = "", *, after: float = 0, before: float = 0, bold: bool = False,
         size: float | None = None, indent: float = 0, keep: bool = False,
         align: str = "left") -> None:  # fmt: skip
    """Add one paragraph; `text` may hold Jinja tags."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if indent:
        fmt.left_indent = Inches(indent)
    if keep:
        fmt.keep_with_next = True
    fmt.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)


def optional(doc, variable: str, **kw) -> None:
    """Add a paragraph that disappears when `variable` is empty."""
    para(doc, f"{{%p if {variable} %}}")
    para(doc, f"{{{{ {variable} }}}}", **kw)
    para(doc, "{%p endif %}")


# The body of a thank-you: three paragraphs (thanks; interest and what you bring; enclosures
# and the close), each sentence a variable so that a panel's letters can differ (R3).
INTEREST_AND_QUALIFICATIONS = (
    "{{ interest }}{% if qualifications %} {{ qualifications }}{% endif %}"
)
ENCLOSURES_AND_CLOSING = (
    "{% if enclosure_sentence %}{{ enclosure_sentence }} {% endif %}{{ closing }}"
)


def letter_head(doc) -> None:
    """Date, sender block, recipient block and salutation (R9's order), laid out by paper.py."""
    styled(doc, "{{ date }}", paper.DATE_STYLE, after=12)
    styled(doc, "{{ sender_block }}", paper.SENDER_STYLE)
    # 28 pt below the inside address: from four lines on, the salutation starts below the
    # envelope window, so no line of the letter shows in it under the address
    styled(doc, "{{ recipient_block }}", paper.INSIDE_ADDRESS_STYLE, after=28)
    para(doc, "{{ salutation }}", after=12)
    paper.lay_out(doc, "US")


# --- the paper layout: styles paper.py recognises the shipped layout by --------------------------

LAYOUT_STYLES = {
    paper.DATE_STYLE: ("Date", None),
    paper.SENDER_STYLE: ("Sender Address", None),
    paper.INSIDE_ADDRESS_STYLE: ("Inside Address", 11),  # six lines fit an envelope window
    "EnvelopeReturn": ("Envelope Return", 10),
    paper.ENVELOPE_ADDRESS_STYLE: ("Envelope Address", None),
}


def layout_styles(doc) -> None:
    """Add the paragraph styles of the letter head and the envelope (based on Normal)."""
    from docx.enum.style import WD_STYLE_TYPE

    for style_id, (name, size) in LAYOUT_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        if size:
            style.font.size = Pt(size)


def styled(doc, text: str, style_id: str, **kw) -> None:
    """Add a paragraph (as para does) in one of the layout styles."""
    para(doc, text, **kw)
    p = doc.paragraphs[-1]
    p.style = next(s for s in doc.styles if s.style_id == style_id)


def signature(doc, enclosures: bool = True) -> None:
    """Complimentary close, room to sign, typed name, enclosures, cc (R9)."""
    # about four lines of room for the signature
    para(doc, "{{ complimentary_close }}", after=48, keep=True)
    para(doc, "{{ sender_name }}", after=12, keep=True)
    if enclosures:
        optional(doc, "enclosures_line", keep=True)
    para(doc, "cc: file")


def _page_field(paragraph) -> None:
    """Append a PAGE field (the page number within the letter) to a paragraph."""
    run = paragraph.add_run()
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                        ("end", None)):  # fmt: skip
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif instr == " PAGE ":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instr
            run._r.append(text)
        else:
            run._r.append(run._r.makeelement(qn("w:t"), {}))
            run._r[-1].text = instr


def continuation_header(doc) -> None:
    """Give pages 2+ a line with the recipient, the date and the page; none on page 1.

    A first-page header of its own (empty) and a default header with a PAGE field; page
    numbers start at 1 in each letter, also inside the print file and a fax.
    """
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    for part in (first, header):
        for p in part.paragraphs:
            ppr = p._p.find(qn("w:pPr"))
            if ppr is not None:
                p._p.remove(ppr)  # python-docx's "Header" style is not in the slimmed styles
    p = header.paragraphs[0]
    p.add_run("{{ recipient_name }} \u00b7 {{ date }} \u00b7 page ")
    _page_field(p)
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    sect = section._sectPr
    later = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:docGrid")
    after = next(el for el in sect if el.tag in {qn(t) for t in later})  # the schema's order
    after.addprevious(numbering)


def thank_you_letter() -> Document:
    """Return the thank-you letter to an interviewer (R3, R7, R9)."""
    doc = new_document(8.5, 11, (1, 1, 0.8, 1), title="Thank-you letter")
    continuation_header(doc)
    letter_head(doc)
    para(doc, "{{ opening }}", after=12)
    para(doc, INTEREST_AND_QUALIFICATIONS, after=12)
    para(doc, ENCLOSURES_AND_CLOSING, after=12, keep=True)
    signature(doc)
    return doc


def keep_in_touch() -> Document:
    """Return the keep-in-touch letter after a terminal status (R14)."""
    doc = new_document(8.5, 11, (1, 1, 0.8, 1), title="Keep-in-touch letter")
    continuation_header(doc)
    letter_head(doc)
    para(doc, "{{ opening }}", after=12)
    para(doc, "{{ network }}", after=12)
    para(doc, "{{ referral }}", after=12)
    para(doc, "{{ closing }}", after=12, keep=True)
    signature(doc, enclosures=False)
    return doc


def thank_you_email() -> Document:
    """Return the email version: its first paragraph gives the subject, the rest is the body."""
    doc = new_document(8.5, 11, (1, 1, 1, 1), size=11, title="Thank-you email")
    para(doc, "Subject: {{ subject }}", after=12)
    para(doc, "{{ salutation }}", after=12)
    para(doc, "{{ opening }}", after=12)
    para(doc, INTEREST_AND_QUALIFICATIONS, after=12)
    para(doc, ENCLOSURES_AND_CLOSING, after=12)
    para(doc, "{{ complimentary_close }}\n{{ email_signature }}", after=12)
    optional(doc, "enclosures_line")
    return doc


def keep_in_touch_email() -> Document:
    """Return the keep-in-touch as an email (R14, to an Email-preferred contact)."""
    doc = new_document(8.5, 11, (1, 1, 1, 1), size=11, title="Keep-in-touch email")
    para(doc, "Subject: {{ subject }}", after=12)
    para(doc, "{{ salutation }}", after=12)
    para(doc, "{{ opening }}", after=12)
    para(doc, "{{ network }}", after=12)
    para(doc, "{{ referral }}", after=12)
    para(doc, "{{ closing }}", after=12)
    para(doc, "{{ complimentary_close }}\n{{ email_signature }}", after=12)
    return doc


def note_card() -> Document:
    """Return the note card for a receptionist or assistant, to copy by hand (R8)."""
    doc = new_document(5.5, 4.25, (0.5, 0.55, 0.4, 0.55), size=12, title="Note card")
    para(doc, "{{ card_salutation }}", after=10)
    para(doc, "{{ card_message }}", after=10)
    para(doc, "With thanks,", after=4, keep=True)
    para(doc, "{{ sender_name }}")
    return doc


def _cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(6)
    run = p.add_run(text)
    run.bold = bold or None


def fax_cover() -> Document:
    """Return the one-page fax cover sheet that goes before a faxed letter."""
    doc = new_document(8.5, 11, (1, 1, 1, 1), title="Fax cover sheet")
    para(doc, "Fax", bold=True, size=32, after=18)
    rows = [
        ("To:", "{{ recipient_name }}"),
        ("Organization:", "{{ recipient_organization }}"),
        ("Fax:", "{{ recipient_fax }}"),
        ("From:", "{{ sender_name }}"),
        ("Phone:", "{{ sender_phone }}"),
        ("Email:", "{{ sender_email }}"),
        ("Date:", "{{ date }}"),
        ("Pages:", "{{ fax_pages }} (including this cover sheet)"),
        ("Re:", "{{ subject }}"),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Inches(1.5), Inches(5.0)
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = Inches(1.5), Inches(5.0)
        _cell(row.cells[0], label, bold=True)
        _cell(row.cells[1], value)
    para(doc, "{{ fax_message }}", before=24, after=12)
    return doc


def envelope() -> Document:
    """Return a #10 envelope (9.5 × 4.125 in): return address top left, the recipient block
    where the post reads it (paper.py moves both to a DL envelope outside the Letter countries).
    """
    doc = new_document(9.5, 4.125, (0.4, 0.4, 0.3, 0.4), size=12, title="Envelope")
    styled(doc, "{{ sender_return_address }}", "EnvelopeReturn")
    styled(doc, "{{ recipient_block }}", paper.ENVELOPE_ADDRESS_STYLE)
    paper.lay_out(doc, "US")
    return doc


def slim(doc) -> None:
    """Drop what python-docx's default document carries but a letter does not need.

    Its thumbnail (a picture of python-docx's sample page, shown by file browsers), the
    Word 2010 stylesWithEffects copy, customXml, and ~160 unused style definitions make each
    template 800 kB and every letter slow to render; Word re-adds built-in styles on demand.
    """
    drop = ("thumbnail", "stylesWithEffects", "customXml")
    for rels in (doc.part.package.rels, doc.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in drop:
                rels.pop(r_id)
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    used = {s for s, el in by_id.items() if el.get(qn("w:default")) in ("1", "true")}
    used |= set(LAYOUT_STYLES)  # kept in every template: one style sheet for the print file
    for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
        used |= {el.get(qn("w:val")) for el in doc.element.body.iter(qn(tag))}
    todo = list(used)
    while todo:
        el = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = el.find(qn(tag)) if el is not None else None
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for style_id, el in by_id.items():
        if style_id not in used:
            styles.remove(el)


TEMPLATES = {
    "thank_you_letter.docx": thank_you_letter,
    "thank_you_email.docx": thank_you_email,
    "note_card.docx": note_card,
    "keep_in_touch.docx": keep_in_touch,
    "keep_in_touch_email.docx": keep_in_touch_email,
    "fax_cover.docx": fax_cover,
    "envelope.docx": envelope,
}


def main() -> None:
    """Write every template into letter_templates/."""
    from io import BytesIO

    OUT.mkdir(exist_ok=True)
    for name, build in TEMPLATES.items():
        buf = BytesIO()
        doc = build()
        slim(doc)
        doc.save(buf)
        (OUT / name).write_bytes(normalize_zip(buf.getvalue(), STAMP))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
