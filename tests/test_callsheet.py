"""The call sheet: built from a real workbook by the real rules, read back with python-docx."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from test_ics import MAILED, MON, book_of

from followup_xl import callsheet
from followup_xl.letters import docx_paragraphs
from followup_xl.model import Kind
from followup_xl.rules import due_actions

CALL_LOG = {"Date": date(2026, 11, 16), "Interview ID": "HL-1", "Contact ID": "HL-RD",
            "Action": "Phone Call", "Outcome": "board meets 10 Dec; still keen"}  # fmt: skip


def tables(data: bytes) -> list[dict[str, str]]:
    """Return each call's table as {label: text}."""
    doc = Document(BytesIO(data))
    return [{r.cells[0].text: r.cells[1].text for r in t.rows} for t in doc.tables]


def test_each_call_has_who_phone_last_contact_restate_question_and_answer_lines(tmp_path):
    """A call block holds everything needed to make the call, earliest first."""
    book = book_of(tmp_path, MAILED + [CALL_LOG])
    actions = due_actions(book, MON)
    data = callsheet.call_sheet(book, actions, today=MON)
    calls = [a for a in actions if a.kind in callsheet.CALL_KINDS]
    got = tables(data)
    assert len(got) == len(calls) == 3
    renee = next(t for t in got if t["Who"].startswith("Ms. Renée Dubois-Okafor"))
    assert renee["Phone"] == "+1 617 555 0142"
    assert renee["Company and position"] == "Hart & Lowe Books - Marketing Coordinator"
    assert renee["Last contact"] == (
        'Monday, November 16, Phone Call: "board meets 10 Dec; still keen"'
    )
    assert renee["Restate"] == "ten years of bookshop events"
    assert "Marketing Coordinator role" in renee["Ask"]
    assert renee["Their answer"].count("\n") == 2
    tom = next(t for t in got if t["Who"].startswith("Mr. Tom O'Brien"))
    assert tom["Last contact"] == "Friday, November 20, Thank-You Letter Mailed (no outcome noted)"
    ref = next(t for t in got if t["Who"].startswith("Dr. Ada Quist"))
    assert "Restate" not in ref and "reference" in ref["Ask"]
    # earliest first: the headings follow the calls' due dates
    heads = [p for p in docx_paragraphs(data) if "):" in p]
    first = {"HL-RD": "Renée", "HL-TO": "Tom", "REF-1": "Ada"}
    order = [first[a.contact_id] for a in sorted(calls, key=lambda a: (a.due, a.who))]
    assert [next(n for n in first.values() if n in h) for h in heads] == order
    assert len({a.due for a in calls}) > 1  # the order is really by date, not by chance


def test_no_calls_no_sheet(tmp_path):
    """A week without calls writes no call sheet."""
    book = book_of(tmp_path, [])
    actions = [a for a in due_actions(book, MON) if a.kind not in callsheet.CALL_KINDS]
    assert callsheet.call_sheet(book, actions, today=MON) is None


def test_same_calls_same_day_same_bytes(tmp_path):
    """The call sheet is deterministic."""
    book = book_of(tmp_path, MAILED)
    actions = due_actions(book, MON)
    assert any(a.kind is Kind.PHONE_CALL for a in actions)
    assert callsheet.call_sheet(book, actions, today=MON) == callsheet.call_sheet(
        book, actions, today=MON
    )


@pytest.mark.parametrize(
    "text",
    ["plain", "  spaced  ", "tab\there", "a\nb\r\nc\rd", "\t\n", "", " ", "x\t", "_" * 48,
     "Renée 😀 \t 日本"],
)  # fmt: skip
def test_call_text_goes_into_runs_as_python_docx_puts_it(text: str) -> None:
    """Tabs, line breaks, spaces at the ends: the same w:t, w:tab and w:br as run.text."""
    from docx import Document
    from lxml import etree

    from followup_xl.callsheet import _add_text, _run_xml

    document = Document()
    ours, theirs = (document.add_paragraph()._p.add_r() for _ in range(2))
    theirs.text = text
    _add_text(ours, text, etree.SubElement)
    assert etree.tostring(ours) == etree.tostring(theirs)
    # and the run as text, as it is written into the call sheet's document.xml
    # (standalone, lxml declares on the run the namespaces the document declares above it)
    raw = etree.tostring(theirs, encoding="utf-8", xml_declaration=False)  # as in the part
    in_place = re.sub(rb' xmlns:\w+="[^"]*"', b"", raw)
    assert _run_xml(text).encode() == in_place


def test_what_a_user_typed_reads_back_from_the_call_sheet(tmp_path):
    """Ampersands, angle brackets, tabs, line breaks, spaces and emoji in the Log's outcome
    and the Strengths come out of the call sheet's tables as typed."""
    from test_ics import INTERVIEW, REFERENCE, RENEE, TOM

    from factory import make_book
    from followup_xl.read.reader import read_workbook

    odd = "AT&T <R&D>\tteam \U0001f600\nsecond line  "
    interview = {**INTERVIEW, "Strengths": odd}
    log = [*MAILED, {**CALL_LOG, "Outcome": "said: a > b & c"}]
    path = make_book(tmp_path / "odd.xlsx", interviews=[interview],
                     contacts=[RENEE, TOM, REFERENCE], log=log)  # fmt: skip
    book = read_workbook(path).book
    data = callsheet.call_sheet(book, due_actions(book, MON), today=MON)
    assert data is not None
    blocks = tables(data)
    restate = [b["Restate"] for b in blocks if "Restate" in b]
    assert restate and all(r == odd.strip() for r in restate)
    assert any("said: a > b & c" in b["Last contact"] for b in blocks)


def test_no_call_block_is_split_across_pages(tmp_path, soffice):
    """Eighteen calls on several pages of LibreOffice's PDF: each block, from its heading to
    its answer lines, is on one page."""
    from test_paper import pdf_pages

    from followup_xl.office import convert

    book = book_of(tmp_path, MAILED + [CALL_LOG])
    calls = [a for a in due_actions(book, MON) if a.kind in callsheet.CALL_KINDS]
    data = callsheet.call_sheet(book, calls * 6, today=MON)
    path = tmp_path / "Call sheet.docx"
    path.write_bytes(data)
    pages = pdf_pages(convert(path, "pdf", tmp_path / "pdf"))
    assert len(pages) > 2
    seen = [(n, ln.text) for n, (_, _, lines) in enumerate(pages) for ln in lines]
    starts = [i for i, (_, text) in enumerate(seen) if re.search(r"\((due|overdue)\):", text, re.I)]
    assert len(starts) == 18
    for i, end in zip(starts, [*starts[1:], len(seen)], strict=True):
        block = seen[i:end]
        assert sum(text.startswith("Their answer") for _, text in block) == 1
        assert {n for n, _ in block} == {block[0][0]}, block[0]
