"""Linear in everything: each stage's work on a 4x workbook is at most ~4.5x its work on 1x.

Work is counted, never timed: calls of a stage's inner function (cells parsed, values
converted, cells written, words normalised, Log look-ups), every Book record a stage visits
(the Book's tuples count their own iteration, so a scan per action shows up as n²), and for the
print file every Python call made while joining the letters.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from factory import contract_sheets, write_sheets
from followup_xl.model import Book

TODAY = date(2026, 11, 25)
#: Interviews in the 1x workbook; each has 5 contacts and 20 Log rows, every 4th is due.
UNIT = 12
LIMIT = 4.5


def build(path: Path, n: int) -> Path:
    """Write a workbook of n interviews (1 : 5 : 20), every 4th held yesterday."""
    interviews, contacts, log = [], [], []
    for i in range(n):
        due = i % 4 == 0
        held = datetime(2026, 11, 24, 10) if due else datetime(2026, 10, 1, 9) - timedelta(i)
        interviews.append({
            "Interview ID": f"IV-{i}", "Company": f"Company {i}", "Position": "Analyst",
            "Interview Date": held, "Status": "Interviewed", "Want Job": "Yes",
            "Decision Expected": held.date() + timedelta(30), "Hiring Timeline Days": 45,
            "Company Street": f"{100 + i} Main Street", "Company City": "Springfield",
            "Company State": "IL", "Company ZIP": "62704",
            "Strengths": "clear writing and ten years of customer service",
        })  # fmt: skip
        for k in range(5):
            role = ("Interviewer", "Interviewer", "Interviewer", "Receptionist", "Network")[k]
            tied = k < 4
            if k == 4 and i % 2:  # every other interview has a reference of its own (R10)
                role, tied = "Reference", True
            contacts.append({
                "Contact ID": f"C-{i}-{k}", "Interview ID": f"IV-{i}" if tied else "",
                "Role": role, "Honorific": "Ms.", "First Name": "Ann", "Last Name": f"Lee{k}",
                "Job Title": "Manager", "Phone": "617-555-0142",
                "Preferred Channel": "Mail" if k < 3 else "Handwritten Card",
                "Personal Note": f"the spring catalogue and the {k + 2} new stores",
            })  # fmt: skip
        for k in range(20):
            day = held.date() + timedelta(1 + k)
            action = "Thank-You Letter Mailed" if k < 3 and not due else "Phone Call"
            if due:
                action, day = "Referral Requested", held.date() - timedelta(k + 1)
            log.append({"Date": day, "Interview ID": f"IV-{i}", "Contact ID": f"C-{i}-{k % 3}",
                        "Action": action})  # fmt: skip
    sheets = contract_sheets(interviews=interviews, contacts=contacts, log=log)
    return write_sheets(path, sheets)


class _Seen(tuple):
    """A tuple that counts the items anyone iterates over."""

    visits = 0

    def __iter__(self) -> Iterator[Any]:
        for item in tuple.__iter__(self):
            _Seen.visits += 1
            yield item


def counting(book: Book) -> Book:
    """Return the book with its records in _Seen tuples."""
    return replace(book, interviews=_Seen(book.interviews), contacts=_Seen(book.contacts),
                   log=_Seen(book.log))  # fmt: skip


class Calls:
    """Counts calls of functions replaced on their modules (monkeypatch undoes it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mp = monkeypatch
        self.n: dict[str, int] = {}

    def count(self, owner: Any, name: str) -> None:
        inner = getattr(owner, name)
        self.n[name] = 0

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.n[name] += 1
            return inner(*args, **kwargs)

        self.mp.setattr(owner, name, wrapper)


def python_calls(fn: Callable[[], Any]) -> int:
    """Return how many Python and C function calls fn makes, in every thread it starts (the
    sheets are read on worker threads)."""
    counter = itertools.count()  # next() on it is atomic: the threads lose no count

    def prof(frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            next(counter)

    sys.setprofile(prof)
    threading.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return next(counter)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The 1x and 4x workbooks."""
    folder = tmp_path_factory.mktemp("scaling")
    return {k: build(folder / f"x{k}.xlsx", UNIT * k) for k in (1, 4)}


def assert_linear(counts: dict[int, dict[str, int]]) -> None:
    """Every count on 4x is at most LIMIT times its count on 1x (and something was counted).

    The counts are printed (`pytest -s tests/test_scaling.py` shows them) for the notes.
    """
    for what, one in counts[1].items():
        four = counts[4][what]
        print(f"{what}: {one:,} on 1x, {four:,} on 4x ({four / max(one, 1):.2f}x)")
        assert one > 0, f"{what}: nothing counted on 1x"
        assert four <= LIMIT * one, f"{what}: {one} on 1x but {four} on 4x ({four / one:.1f}x)"


def test_reading_is_linear(books: dict[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The calls reading makes grow with the workbook; each contract sheet is pre-checked once
    and read by pandas once."""
    import pandas as pd

    from followup_xl.read import precheck, reader

    counts = {}
    for k, path in books.items():
        calls = Calls(monkeypatch)
        calls.count(precheck, "_scan")
        calls.count(pd, "read_excel")
        counts[k] = {"python calls": python_calls(lambda: reader.read_workbook(path))}  # noqa: B023
        assert (calls.n["_scan"], calls.n["read_excel"]) == (4, 4)
        monkeypatch.undo()
    assert_linear(counts)


def test_rules_are_linear(books: dict[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules visit each record a bounded number of times: no scan of a sheet per action."""
    from followup_xl import logbook
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    counts = {}
    for k, path in books.items():
        book = counting(read_workbook(path).book)
        calls = Calls(monkeypatch)
        calls.count(logbook.LogIndex, "logged")
        _Seen.visits = 0
        actions = due_actions(book, TODAY)
        assert actions
        assert any(a.kind.value == "Reference call" for a in actions)  # R10 is in the count
        counts[k] = {"records visited": _Seen.visits, **calls.n}
        monkeypatch.undo()
        # every Python call, past the records: a loop over the interviews per reference shows
        counts[k]["python calls"] = python_calls(lambda b=book: due_actions(b, TODAY))
    assert_linear(counts)


def test_references_are_linear_in_references_and_interviews() -> None:
    """R10 with a reference for each interview: each reference looks at its own interview,
    not at every interview (that was 0.3 s for 2,000 and 4.3 s for 8,000)."""
    from followup_xl.model import Contact, Interview, Profile
    from followup_xl.rules import due_actions

    def book(n: int) -> Book:
        held = TODAY - timedelta(days=3)
        ivs = tuple(Interview(row=i + 2, interview_id=f"I{i}", company=f"Co{i}",
                              interview_date=held, status="Interviewed")
                    for i in range(n))  # fmt: skip
        refs = tuple(Contact(row=i + 2, contact_id=f"R{i}", interview_id=f"I{i}",
                             role="Reference", first_name="Sam", last_name=f"Ito{i}")
                     for i in range(n))  # fmt: skip
        return Book(path=Path("x.xlsx"), profile=Profile(name="Alex Rivera"), interviews=ivs,
                    contacts=refs)  # fmt: skip

    due_actions(book(2), TODAY)  # first-call setup (calendars, caches) is not counted
    counts = {}
    for k in (1, 4):
        b = book(100 * k)
        calls = [0]
        n = python_calls(lambda b=b, c=calls: c.__setitem__(0, len(due_actions(b, TODAY))))
        assert calls[0] >= 100 * k  # a reference call each, at least
        counts[k] = {"python calls (R10)": n}
    assert_linear(counts)


def test_is_done_answers_without_a_scan_per_action(books: dict[int, Path]) -> None:
    """The batch's index, asked for every due letter of one book, visits each record ~once."""
    from followup_xl.letters.batch import BookIndex
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    counts = {}
    for k, path in books.items():
        book = counting(read_workbook(path).book)
        letters = [a for a in due_actions(book, TODAY) if a.makes_letter]
        assert letters
        _Seen.visits = 0
        index = BookIndex(book)
        assert not any(index.done(a) for a in letters)
        counts[k] = {"records visited": _Seen.visits}
    assert_linear(counts)


def _counting(f: Callable[..., Any], made: list[int]) -> Callable[..., Any]:
    """Return f, adding the Python calls each call of it makes to made[0]."""

    def counted(*args: Any, **kw: Any) -> Any:
        got: list = []
        made[0] += python_calls(lambda: got.append(f(*args, **kw)))
        return got[0]

    return counted


def test_marking_is_linear_and_reads_each_workbook_once(
    books: dict[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning, writing and verifying the marks: the calls they make, the rows written and
    read back grow linearly; each sheet written is compared with the original once."""
    from followup_xl import marks, writecheck
    from followup_xl.run import RunOptions, run_batch
    from followup_xl.xlsx import patch, sheettext

    counts = {}
    for k, source in books.items():
        path = tmp_path / f"m{k}.xlsx"
        path.write_bytes(source.read_bytes())
        calls = Calls(monkeypatch)
        calls.count(patch, "patch")
        calls.count(writecheck, "_common_start")
        calls.count(writecheck, "_skeleton")
        calls.count(sheettext.SheetText, "edit")
        monkeypatch.setattr(marks, "patch", patch.patch)  # marks' own name for it, counted
        made = [0]
        for step in ("plan_marks", "mark_workbook"):  # the calls planning and writing make
            monkeypatch.setattr(marks, step, _counting(getattr(marks, step), made))
        result = run_batch(path, RunOptions(today=TODAY, letters=False))
        assert result.marked is not None and result.marked.backup is not None
        counts[k] = {"calls marking": made[0], "rows compared": calls.n["_skeleton"],
                     "rows written": calls.n["edit"]}  # fmt: skip
        assert calls.n["_common_start"] == 2, "Interviews and Contacts, each compared once"
        assert calls.n["patch"] == 2, "planned (the refusals), then written and verified"
        monkeypatch.undo()
    assert_linear(counts)


def test_letters_lookups_and_proofreading_words_are_linear(
    books: dict[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering a batch visits each record a bounded number of times in all (not once per
    letter), and the workbook's words are normalised once per batch, not once per letter."""
    from followup_xl import proofread
    from followup_xl.letters import batch as letters_batch
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    counts = {}
    for k, path in books.items():
        book = counting(read_workbook(path).book)
        actions = due_actions(book, TODAY)
        letters = [a for a in actions if a.makes_letter]
        assert len(letters) >= 3 * k  # the batch grows with the workbook
        calls = Calls(monkeypatch)
        calls.count(proofread, "_norm")
        calls.count(letters_batch, "done_for")
        _Seen.visits = 0
        got = letters_batch.render_letters(book, actions, today=TODAY, out_dir=tmp_path / f"o{k}")
        assert len(got.files) == len(letters)
        counts[k] = {"records visited": _Seen.visits, "words normalised": calls.n["_norm"],
                     "Log look-ups": calls.n["done_for"]}  # fmt: skip
        monkeypatch.undo()
    assert_linear(counts)


def test_print_file_is_linear(books: dict[int, Path], tmp_path: Path) -> None:
    """Joining 4x the letters into the print file makes at most ~4.5x the calls."""
    from followup_xl.letters.batch import render_letters
    from followup_xl.letters.compose import join as join_letters
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    counts = {}
    for k in (1, 4):
        folder = tmp_path / f"p{k}"
        path = tmp_path / f"x{k}.xlsx"
        path.write_bytes(books[k].read_bytes())
        book = read_workbook(path).book
        got = render_letters(book, due_actions(book, TODAY), today=TODAY, out_dir=folder)
        docs = [p.read_bytes() for p in got.files.values() if p.suffix == ".docx"]
        assert len(docs) >= 3 * k
        join = lambda docs=docs: join_letters(docs, TODAY)  # noqa: E731
        counts[k] = {"calls joining the letters": python_calls(join)}
    assert_linear(counts)


def test_call_sheet_is_linear(books: dict[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The call sheet's Python calls and the body elements python-docx walks past per insert.

    python-docx finds the body's sectPr by walking the body's children for every element it
    adds (in C, so only the children count shows it): a growing body made that n².
    """
    from docx.oxml.xmlchemy import BaseOxmlElement

    from followup_xl.callsheet import CALL_KINDS, call_sheet
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    walked = 0
    inner = BaseOxmlElement.insert_element_before

    def counting_insert(self: Any, elm: Any, *tagnames: str) -> Any:
        nonlocal walked
        walked += len(self)
        return inner(self, elm, *tagnames)

    monkeypatch.setattr(BaseOxmlElement, "insert_element_before", counting_insert)
    counts = {}
    for k, path in books.items():
        book = read_workbook(path).book
        actions = due_actions(book, TODAY)
        assert sum(a.kind in CALL_KINDS for a in actions) >= 3 * k
        walked = 0
        calls = python_calls(lambda b=book, a=actions: call_sheet(b, a, today=TODAY))
        counts[k] = {"children walked": walked, "calls making the call sheet": calls}
    assert_linear(counts)


def test_calendar_is_linear(books: dict[int, Path]) -> None:
    """The calendar's Python calls grow with the calls and letters due."""
    from followup_xl.ics import build_calendar
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    counts = {}
    for k, path in books.items():
        book = read_workbook(path).book
        actions = due_actions(book, TODAY)
        calls = python_calls(lambda b=book, a=actions: build_calendar(b, a, today=TODAY))
        counts[k] = {"calls making the calendar": calls}
    assert_linear(counts)


def test_a_big_sent_batch_is_sorted_in_one_pass(tmp_path: Path) -> None:
    """`sent` sorts a batch's letters into present and missing in one pass (it asked each
    letter whether it was among those present: 8,000 letters took 2.7 s)."""
    from followup_xl.manifest import BatchEntry
    from followup_xl.sent import select

    counts: dict[int, dict[str, int]] = {}
    for k in (1, 4):
        out = tmp_path / f"out{k}"
        out.mkdir()
        entries = [BatchEntry(f"{i}.docx", "I1", "C1", "Phone Call") for i in range(200 * k)]
        for e in entries[::2]:
            (out / e.file).write_bytes(b"x")
        got: list = []
        n = python_calls(lambda e=entries, o=out, g=got: g.extend(select(e, o, ())))
        assert [len(x) for x in got] == [100 * k, 100 * k, 0]
        assert got[0] == entries[::2] and got[1] == entries[1::2]
        counts[k] = {"python calls (sent)": n}
    assert_linear(counts)


def test_letters_of_one_name_take_the_next_free_names_at_linear_cost(tmp_path: Path) -> None:
    """Many letters with one file name get name, name (2), … as if each tried them all from
    the first: a file there with other bytes is kept (said once), one with the letter's own
    bytes reused, even when an earlier letter passed it over; the work grows with the letters,
    not with their square (4,000 letters of one name took 3.3 s)."""
    from followup_xl.letters.files import Writer
    from followup_xl.outbox import Outbox

    counts: dict[int, dict[str, int]] = {}
    for k in (1, 4):
        out = tmp_path / f"out{k}"
        out.mkdir()
        (out / "Note.docx").write_bytes(b"letter 2")  # run before; its letter 2 is here
        (out / "Note (3).docx").write_bytes(b"letter 1")
        (out / "Note (4).docx").write_bytes(b"the user's own")
        box = Outbox(out)
        stage = box.stage
        writer = Writer(box)
        paths: list[Path] = []
        n = python_calls(lambda w=writer, p=paths, k=k: p.extend(
            w.write("Note.docx", f"letter {i}".encode()) for i in range(60 * k)))  # fmt: skip
        names = [p.name for p in paths]
        assert names[:4] == ["Note (2).docx", "Note (3).docx", "Note.docx", "Note (5).docx"]
        assert len(set(names)) == len(names) == 60 * k and "Note (4).docx" not in names
        assert [m.split(" already")[0] for m in writer.notes] == ["Note.docx", "Note (4).docx"]
        assert sorted(p.name for p in stage.iterdir()) == sorted(set(names) - {
            "Note (3).docx", "Note.docx"})  # fmt: skip
        counts[k] = {"python calls (writing)": n}
    assert_linear(counts)


def test_cutting_the_envelopes_file_back_copies_each_envelope_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`print` after a letter was deleted cuts the envelopes file back into its envelopes:
    each piece copies its own sections and a body-less shell, never the whole document
    (a copy of the whole per piece would copy n² elements)."""
    import io

    from docx import Document

    from followup_xl.letters import compose

    def envelope(i: int) -> bytes:
        d = Document()
        d.add_paragraph(f"Ms. Ann Lee {i}\nStore Manager\nBarnes & Noble\n12 Main Street")
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    copied = [0]
    real = compose.deepcopy
    monkeypatch.setattr(compose, "deepcopy",
                        lambda el: copied.__setitem__(0, copied[0] + sum(1 for _ in el.iter()))
                        or real(el))  # fmt: skip
    counts: dict[int, dict[str, int]] = {}
    for k in (1, 4):
        n = 20 * k
        joined, _ = compose.join([envelope(i) for i in range(n)], TODAY)
        copied[0] = 0
        parts = compose.split_sections(joined, [1] * n, TODAY)
        assert parts is not None and len(parts) == n
        assert f"Ms. Ann Lee {n - 1}".encode() in zipfile_member(parts[-1], "word/document.xml")
        counts[k] = {"elements copied": copied[0]}
    assert_linear(counts)


def zipfile_member(data: bytes, name: str) -> bytes:
    """Return one member of a zip held in memory."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def test_rows_added_to_a_big_log_are_placed_without_a_walk_each() -> None:
    """`sent` adds its Log rows after the last one, also into rows the user formatted in
    advance: each new row goes after the one before it, never after a walk over every row
    of the sheet, so 4x the Log and 4x the rows cost about 4x the calls."""
    import io
    import zipfile

    import xlsxwriter

    from followup_xl.xlsx.append import append_rows

    def log_book(rows: int, formatted: int) -> bytes:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        wb.set_properties({"created": datetime(2026, 11, 1)})
        ws = wb.add_worksheet("Log")
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, ["Date", "Interview ID", "Contact ID", "Action"])
        for r in range(1, rows + 1):
            ws.write_datetime(r, 0, datetime(2026, 1, 1), day)
            ws.write_row(r, 1, [f"IV-{r}", f"C-{r}", "Phone Call"])
        for r in range(rows + 1, rows + 1 + formatted):  # empty rows with a style, and spans
            for c in range(4):
                ws.write_blank(r, c, None, day)
        wb.close()
        return buf.getvalue()

    counts: dict[int, dict[str, int]] = {}
    for k in (1, 4):
        data = log_book(200 * k, 10 * k)
        new = [{1: date(2026, 11, 23), 2: f"IV-{i}", 3: f"C-{i}", 4: "Thank-You Letter Mailed"}
               for i in range(20 * k)]  # fmt: skip
        got: list = []
        n = python_calls(lambda d=data, r=new, g=got: g.append(
            append_rows(d, sheet="Log", rows=r, after=1)))  # fmt: skip
        result = got[0]
        assert result.rows == tuple(range(200 * k + 2, 220 * k + 2))
        with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
            xml = zf.read("xl/worksheets/sheet1.xml").decode()
        numbers = [int(x) for x in re.findall(r'<row r="([0-9]+)"', xml)]
        assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
        assert numbers[-1] == 220 * k + 1
        counts[k] = {"python calls (rows added)": n}
    assert_linear(counts)
