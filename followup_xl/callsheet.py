"""The call sheet: one printable page block per phone call due this week, to talk from (R10-R13).

For each call, sorted by due date: who, their phone number, the company and position, when
you last spoke and what they said (the Log's Outcome), what to restate (the Strengths), the
question to ask, and lines to note the answer. Built with python-docx; the same calls on the
same day give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from . import localize
from .letters.context import clean
from .model import Action, Book, Contact, Interview, Kind, LogEntry

CALL_SHEET_NAME = "Call sheet.docx"
CALL_KINDS = frozenset({Kind.PHONE_CALL, Kind.REFERENCE_CALL})
_ANSWER_LINES = 3
_CALL_LOG = "Phone Call"


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


def _last_contact(entries: list[LogEntry], country: str, today: date) -> str:
    """Return when you last spoke (or wrote) and what they said, from the Log."""
    calls = [e for e in entries if e.action == _CALL_LOG]
    pick = calls or entries
    if not pick:
        return "nothing logged yet"
    last = max(pick, key=lambda e: (e.date, e.row))
    when = localize.weekday_date(last.date, country, today)
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

    from .letters.render import fit_paper, save_docx, set_properties  # the letters' page and stamps

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
    document.add_heading(f"Calls for the week of {localize.long_date(today, country)}", 1)
    document.add_paragraph(
        f"{len(calls)} call(s), earliest first. Keep it short and friendly, restate what you "
        "bring, and never call the same person more than once a week (R13). Log each call "
        "(Phone Call, with what they said) so the next run plans from it."
    )
    blocks = _Blocks(document)
    end = document.element.body[-1]  # the body's sectPr: every block goes before it
    for action in calls:
        contact = contacts.get(action.contact_id)
        interview = interviews.get(action.interview_id)
        heading, rows = _call_rows(action, contact, interview, log, country, today)
        for element in blocks.block(heading, rows):
            end.addprevious(element)
    set_properties(document, today, "Call sheet", book.profile.name)
    return bytes(save_docx(document, today))


def _call_rows(
    action: Action,
    contact: Contact | None,
    interview: Interview | None,
    log: dict[str, list[LogEntry]],
    country: str,
    today: date,
) -> tuple[str, list[tuple[str, str]]]:
    """Return one call's heading (the day and person) and its table rows (label, text)."""
    who = (contact.display_name if contact else "") or action.who or action.contact_id
    day = localize.weekday_date(action.due, country, today)
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
        ("Last contact", _last_contact(log.get(action.contact_id, []), country, today)),
        ("Restate", (interview.strengths if interview else "") or "-"),
        ("Ask", _question(action, interview)),
        ("Their answer", "\n".join(["_" * 48] * _ANSWER_LINES)),
    ]
    if action.kind is Kind.REFERENCE_CALL:  # a reference hears about the interviews instead
        rows = [row for row in rows if row[0] != "Restate"]
    return heading, [(label, clean(text)) for label, text in rows]


class _Blocks:
    """Call blocks: a heading, a two-column table and an empty paragraph.

    python-docx builds one block per set of row labels (its styles and widths); every call
    is a copy with its own text, put into the copy's runs as python-docx's run.text would
    (w:t, w:tab and w:br), but without its per-character state machine and look-ups: 30,000
    calls took 9.5 s that way. Adding each block through python-docx also cost a walk of
    the whole body per insert (n² in the calls).
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        #: row labels -> the block's elements, and where its runs to fill are in them
        self.prototypes: dict[tuple[str, ...], tuple[list[Any], list[tuple[int, ...]]]] = {}

    def _prototype(self, labels: tuple[str, ...]) -> tuple[list[Any], list[tuple[int, ...]]]:
        """Build a block with these row labels through python-docx and take it out again."""
        from docx.shared import Inches

        document = self.document
        heading = document.add_heading("", 2)
        heading.paragraph_format.keep_with_next = True
        heading_run = heading._p.add_r()  # as add_heading(text, 2) adds it
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
        gap = document.add_paragraph()
        block = [heading._p, table._tbl, gap._p]
        for element in block:
            element.getparent().remove(element)
        runs = [_path(heading._p, heading_run)]
        runs += [_path(table._tbl, tr.tc_lst[1].p_lst[0].r_lst[0]) for tr in table._tbl.tr_lst]
        return block, runs

    def block(self, heading: str, rows: list[tuple[str, str]]) -> list[Any]:
        """Return a new block's elements, filled in."""
        from copy import deepcopy

        from lxml.etree import SubElement

        labels = tuple(label for label, _ in rows)
        found = self.prototypes.get(labels)
        if found is None:
            found = self.prototypes[labels] = self._prototype(labels)
        prototype, runs = found
        head, table, gap = (deepcopy(element) for element in prototype)
        _add_text(_at(head, runs[0]), heading, SubElement)
        for path, (_, text) in zip(runs[1:], rows, strict=True):
            _add_text(_at(table, path), text, SubElement)
        return [head, table, gap]


def _path(top: Any, element: Any) -> tuple[int, ...]:
    """Return the child indexes that lead from top down to element."""
    out = []
    while element is not top:
        parent = element.getparent()
        out.append(parent.index(element))
        element = parent
    return tuple(reversed(out))


def _at(top: Any, path: tuple[int, ...]) -> Any:
    for i in path:
        top = top[i]
    return top


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
