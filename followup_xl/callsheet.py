"""The call sheet: one printable page block per phone call due this week, to talk from (R10-R13).

For each call, sorted by due date: who, their phone number, the company and position, when
you last spoke and what they said (the Log's Outcome), what to restate (the Strengths), the
question to ask, and lines to note the answer. Built with python-docx; the same calls on the
same day give the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from io import BytesIO
from typing import Any

from . import localize
from .letters.context import clean
from .model import Action, Book, Contact, Interview, Kind, LogEntry
from .timezones import CallPlanner, CallTime, place_name

CALL_SHEET_NAME = "Call sheet.docx"
_DOCUMENT = "word/document.xml"
CALL_KINDS = frozenset({Kind.PHONE_CALL, Kind.REFERENCE_CALL})
_ANSWER_LINES = 3
#: Log actions of a conversation on the phone, either way.
_SPOKEN = frozenset({"Phone Call", "Call Received"})


def _question(action: Action, interview: Interview | None) -> str:
    """Return the question to ask on this call, in our own words for each rule."""
    position = (interview.position if interview else action.position) or "the position"
    if action.kind is Kind.REFERENCE_CALL:
        return (
            "I have interviewed recently and gave your name as a reference. May they call you, "
            "and is there anything you would like to know about the roles first?"
        )
    if action.rule == "R12":
        return (
            f"Did my letter reach you? Where do things stand with the {position} role, and "
            "when do you expect to decide?"
        )
    return (
        f"Has anything moved on the {position} role since we last spoke? Is there anything "
        "more I can send you?"
    )


def _last_contact(entries: list[LogEntry], dates: localize.Dates) -> str:
    """Return when you last spoke (or wrote) and what they said, from the Log."""
    calls = [e for e in entries if e.action in _SPOKEN]
    pick = calls or entries
    if not pick:
        return "nothing logged yet"
    last = max(pick, key=lambda e: (e.date, e.row))
    when = dates.weekday(last.date)
    what = last.outcome.strip()
    said = f': "{what}"' if what else " (no outcome noted)"
    return f"{when}, {last.action}{said}"


def call_sheet(book: Book, actions: Iterable[Action], *, today: date) -> bytes | None:
    """Return the call sheet .docx for the calls among the actions, or None when none."""
    calls = sorted(
        (a for a in actions if a.kind in CALL_KINDS),
        key=lambda a: (a.due, a.who, a.contact_id, a.interview_id, a.rule),
    )
    if not calls:
        return None
    from docx import Document
    from docx.shared import Pt

    from .letters.render import fit_paper, set_properties  # the letters' ways
    from .zipwrite import normalize_zip

    country = book.profile.country
    contacts = {c.contact_id: c for c in book.contacts}
    interviews = {i.interview_id: i for i in book.interviews}
    log: dict[str, list[LogEntry]] = {}
    for entry in book.log:
        if entry.contact_id:
            log.setdefault(entry.contact_id, []).append(entry)
    document = Document()
    fit_paper(document, country)
    document.styles["Normal"].font.size = Pt(10)
    dates = localize.Dates(country, today)
    document.add_heading(f"Calls for the week of {dates.long(today)}", 1)
    document.add_paragraph(
        f"{len(calls)} call(s), earliest first. Keep it short and friendly, restate what you "
        "bring, and never call the same person more than once a week (R13). Log each call "
        "(Phone Call, with what they said) so the next run plans from it."
    )
    blocks = _Blocks(document)
    filled = []
    planner = CallPlanner(book)
    whens: dict[CallTime, str] = {}  # thousands of calls share a few moments
    for action in calls:
        contact = contacts.get(action.contact_id)
        interview = interviews.get(action.interview_id)
        moment = planner.moment(action.due, contact, interview)
        if moment not in whens:
            whens[moment] = clean(_when(moment, dates))
        heading, rows = _call_rows(action, contact, interview, log, dates)
        rows.insert(2, ("When", whens[moment]))
        filled.append(blocks.fill(heading, rows))
    blocks.place(document.element.body[-1])  # before the body's sectPr
    set_properties(document, today, "Call sheet", book.profile.name)
    raw = BytesIO()
    document.save(raw)
    with zipfile.ZipFile(raw) as zf:
        xml = zf.read(_DOCUMENT).decode("utf-8")
    body = blocks.expand(xml, filled)
    return bytes(normalize_zip(raw.getvalue(), today, {_DOCUMENT: body}))


def _when(moment: CallTime, dates: localize.Dates) -> str:
    """Return when to call, in the callee's time and, where it differs, in the user's."""
    at = f"{moment.theirs:%H:%M}"
    if not moment.their_zone:
        return at
    mine = dates.weekday(moment.mine.date())
    text = f"{at} {place_name(moment.their_zone)} time ({mine}, {moment.mine:%H:%M} your time)"
    return f"{text}; {moment.note}" if moment.note else text


def _call_rows(
    action: Action,
    contact: Contact | None,
    interview: Interview | None,
    log: dict[str, list[LogEntry]],
    dates: localize.Dates,
) -> tuple[str, list[tuple[str, str]]]:
    """Return one call's heading (the day and person) and its table rows (label, text)."""
    who = (contact.display_name if contact else "") or action.who or action.contact_id
    day = dates.weekday(action.due)
    heading = clean(f"{day} ({action.status.value}): {who}")
    phone = (contact.phone if contact else "") or "no phone number in Contacts"
    company = action.company or (interview.company if interview else "")
    position = action.position or (interview.position if interview else "")
    title = ", ".join(p for p in (contact.job_title, contact.organization) if p) if contact else ""
    rows = [
        ("Who", ", ".join(p for p in (who, title) if p)),
        ("Phone", phone),
        ("Company and position", " - ".join(p for p in (company, position) if p) or "-"),
        ("Why now", f"{action.rule}: {action.why}"),
        ("Last contact", _last_contact(log.get(action.contact_id, []), dates)),
        ("Restate", (interview.strengths if interview else "") or "-"),
        ("Ask", _question(action, interview)),
        ("Their answer", "\n".join(["_" * 48] * _ANSWER_LINES)),
    ]
    if action.kind is Kind.REFERENCE_CALL:  # a reference hears about the interviews instead
        rows = [row for row in rows if row[0] != "Restate"]
    return heading, [(label, clean(text)) for label, text in rows]


class _Blocks:
    """Call blocks: a heading, a two-column table and an empty paragraph.

    python-docx builds one block per set of row labels (its styles and widths), with a
    marker in each run that gets text; the document is saved with each such prototype after
    a marker paragraph, and every call's block is that prototype's text with the call's
    text put into its runs, as python-docx's run.text puts it (w:t, w:tab, w:br), so the
    document's tree never holds a block per call.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        #: row labels -> the prototype's elements, in the order they were first met
        self.prototypes: dict[tuple[str, ...], list[Any]] = {}
        #: row labels -> the prototype's XML around its runs that get text
        self.texts: dict[tuple[str, ...], list[str]] = {}

    def _prototype(self, labels: tuple[str, ...]) -> list[Any]:
        """Build a block with these row labels through python-docx and take it out again."""
        from docx.shared import Inches
        from lxml.etree import SubElement

        document = self.document
        heading = document.add_heading("", 2)
        heading.paragraph_format.keep_with_next = True
        runs = [heading._p.add_r()]  # as add_heading(text, 2) adds it
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        for label in labels:
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = ""
            cells[0].paragraphs[0].runs[0].bold = True
            cells[0].width, cells[1].width = Inches(1.5), Inches(4.9)
        table.columns[0].width, table.columns[1].width = Inches(1.5), Inches(4.9)
        _keep_together(table)
        runs += [tr.tc_lst[1].p_lst[0].r_lst[0] for tr in table._tbl.tr_lst]
        for i, run in enumerate(runs):
            _add_text(run, _slot(i), SubElement)
        gap = document.add_paragraph()
        block = [heading._p, table._tbl, gap._p]
        for element in block:
            element.getparent().remove(element)
        return block

    def fill(self, heading: str, rows: list[tuple[str, str]]) -> tuple[tuple[str, ...], list[str]]:
        """Return one call's block as (its row labels, the texts of its runs)."""
        labels = tuple(label for label, _ in rows)
        if labels not in self.prototypes:
            self.prototypes[labels] = self._prototype(labels)
        return labels, [heading, *(text for _, text in rows)]

    def place(self, end: Any) -> None:
        """Put each prototype before `end`, after a paragraph that marks where it starts."""
        from lxml.etree import SubElement

        for k, block in enumerate([*self.prototypes.values(), []]):
            marker = self.document.add_paragraph()._p
            _add_text(marker.add_r(), _mark(k), SubElement)
            for element in [marker, *block]:
                end.addprevious(element)

    def expand(self, xml: str, filled: list[tuple[tuple[str, ...], list[str]]]) -> Iterator[bytes]:
        """Return the saved document.xml with the prototypes replaced by every call's block,
        as pieces of bytes in order (the whole part is tens of megabytes for a career
        centre's week: it is deflated piece by piece, never held whole)."""
        spots = []
        for k in range(len(self.prototypes) + 1):
            paragraph = f"<w:p><w:r><w:t>{_mark(k)}</w:t></w:r></w:p>"
            at = xml.find(paragraph)
            if at < 0 or xml.count(paragraph) != 1:
                raise AssertionError(f"the call sheet lost its marker {k}")
            spots.append((at, at + len(paragraph)))
        for k, labels in enumerate(self.prototypes):
            text = xml[spots[k][1] : spots[k + 1][0]]
            pieces = []
            for i in range(len(labels) + 1):
                slot = f"<w:r><w:t>{_slot(i)}</w:t></w:r>"
                if text.count(slot) != 1:
                    raise AssertionError(f"the call block lost its run {i}")
                before, text = text.split(slot)
                pieces.append(before)
            self.texts[labels] = [*pieces, text]
        return self._pieces(xml[: spots[0][0]], filled, xml[spots[-1][1] :])

    def _pieces(
        self, head: str, filled: list[tuple[tuple[str, ...], list[str]]], tail: str
    ) -> Iterator[bytes]:
        """Yield document.xml's bytes: its head, each call's block, its tail."""
        yield head.encode("utf-8")
        for labels, texts in filled:
            pieces = self.texts[labels]
            out: list[str] = []
            for piece, value in zip(pieces, texts, strict=False):
                out += (piece, _run_xml(value))
            out.append(pieces[-1])
            yield "".join(out).encode("utf-8")
        yield tail.encode("utf-8")


def _keep_together(table: Any) -> None:
    """Keep a call's table on one page with its heading: no row splits (w:cantSplit), and
    each row's paragraphs keep with the next row (Word and LibreOffice move the whole table
    to the next page rather than break it)."""
    from docx.oxml.ns import qn

    rows = table.rows
    for n, row in enumerate(rows, 1):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        if n < len(rows):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _slot(i: int) -> str:
    """Return the text that marks the i-th run of a prototype that gets text."""
    return f"\ue000{i}\ue001"


def _mark(k: int) -> str:
    """Return the text of the paragraph that marks where the k-th prototype starts."""
    return f"\ue002{k}\ue003"


def _run_xml(text: str) -> str:
    """Return a run holding text, serialized as lxml writes what _add_text builds."""
    if not text:
        return "<w:r/>"
    out = ["<w:r>"]
    # escaping leaves tabs, line breaks and spaces alone: the pieces are split after it
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for piece in _PIECES.findall(escaped):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece[0].isspace() or piece[-1].isspace():
            out.append(f'<w:t xml:space="preserve">{piece}</w:t>')
        else:
            out.append(f"<w:t>{piece}</w:t>")
    out.append("</w:r>")
    return "".join(out)


_PIECES = re.compile(r"[^\t\r\n]+|[\t\r\n]")


def _add_text(run: Any, text: str, sub: Any) -> None:
    """Append text to an empty run as python-docx's run.text does: w:t for text (keeping
    spaces at its ends), w:tab for a tab, w:br for each line break character. `sub` is
    lxml's SubElement."""
    for piece in _PIECES.findall(text):
        if piece == "\t":
            sub(run, _W_TAB)
        elif piece in ("\r", "\n"):
            sub(run, _W_BR)
        else:
            t = sub(run, _W_T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_XML_SPACE, "preserve")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_T, _W_TAB, _W_BR = f"{_W}t", f"{_W}tab", f"{_W}br"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
