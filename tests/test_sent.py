"""The whole week through the real CLI: run, mail, `sent`, run again, call."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from icalendar import Calendar

from factory import make_book, read_values
from followup_xl.cli import main
from followup_xl.manifest import MANIFEST
from followup_xl.xlsx.package import xml_members

MON, TUE, THU = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)
INTERVIEW = {"Interview ID": "HL-1", "Company": "Hart & Lowe Books",
             "Position": "Marketing Coordinator", "Interview Date": datetime(2026, 11, 20, 10, 30),
             "Status": "Interviewed", "Want Job": "Yes", "Decision Expected": date(2026, 12, 18),
             "Callback Expected": date(2026, 12, 4), "Company Street": "12 Market St",
             "Company City": "Boston", "Company State": "MA", "Company ZIP": "02110",
             "Strengths": "ten years of bookshop events"}  # fmt: skip
PERSON = {"Interview ID": "HL-1", "Role": "Interviewer", "Job Title": "Director",
          "Personal Note": "the poetry evenings", "Preferred Channel": "Mail"}  # fmt: skip
CONTACTS = [
    {**PERSON, "Contact ID": "HL-RD", "Honorific": "Ms.", "First Name": "Renée",
     "Last Name": "Dubois-Okafor", "Phone": "617-555-0142"},
    {**PERSON, "Contact ID": "HL-TO", "Honorific": "Mr.", "First Name": "Tom",
     "Last Name": "Osei", "Phone": "617-555-0177", "Personal Note": "the spring catalogue"},
    {**PERSON, "Contact ID": "HL-PR", "Honorific": "Ms.", "First Name": "Priya",
     "Last Name": "Raman", "Email": "priya@example.com", "Preferred Channel": "Email",
     "Personal Note": "the school visits"},
]  # fmt: skip


def cli(*args: str) -> object:
    """Run the real command and return Click's result."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ics_events(path: Path) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def week(tmp_path: Path) -> Path:
    return make_book(tmp_path / "tracker.xlsx", interviews=[INTERVIEW], contacts=CONTACTS)


def test_the_whole_week_run_mail_sent_run_call(tmp_path: Path):
    """Monday's letters, `sent`, then the R12 calls on the call sheet and in the calendar."""
    book = week(tmp_path)
    monday = cli("run", str(book), "--today", MON.isoformat())
    assert monday.exit_code == 0, monday.output
    batch = tmp_path / "followup 2026-11-23"
    assert (batch / MANIFEST).is_file()
    assert f"once mailed, record them: followup-xl sent '{batch}'" in monday.output
    draft = next(batch.glob("*.eml")).name
    assert f"once the email is sent: followup-xl sent '{batch}' --only '{draft}'" in monday.output
    letters = sorted(p.name for p in batch.glob("* Thank-you — *.docx"))
    assert len(letters) == 2

    before = book.read_bytes()
    sent = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert sent.exit_code == 0, sent.output
    assert sent.output.count("recorded: Thank-You Letter Mailed on Mon 23 Nov 2026") == 2
    assert "email draft not recorded" in sent.output
    # only the Log changed: every other part byte for byte, every old value as it was
    old_m, new_m = xml_members(before), xml_members(book.read_bytes())
    changed = {m for m in old_m if old_m[m] != new_m.get(m)}
    assert set(new_m) == set(old_m)
    # the Log, and a date style appended (this Log had no dated row to copy a format from)
    assert changed == {"xl/worksheets/sheet4.xml", "xl/styles.xml"}
    old_v, new_v = read_values(before), read_values(book.read_bytes())
    assert {k: v for k, v in new_v["Log"].items() if k[0] == 1} == old_v["Log"]
    assert {n: v for n, v in new_v.items() if n != "Log"} == {
        n: v for n, v in old_v.items() if n != "Log"}  # fmt: skip
    log = openpyxl.load_workbook(book)["Log"]
    rows = [[c.value for c in row] for row in log.iter_rows(min_row=2, max_col=4)]
    assert sorted(rows) == [[datetime(2026, 11, 23), "HL-1", c, "Thank-You Letter Mailed"]
                            for c in ("HL-RD", "HL-TO")]  # fmt: skip
    assert log["A2"].is_date

    again = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert again.exit_code == 0 and "Nothing new to record" in again.output
    assert xml_members(book.read_bytes()) == new_m

    tuesday = cli("run", str(book), "--today", TUE.isoformat())
    assert tuesday.exit_code == 0, tuesday.output
    tue_events = ics_events(tmp_path / "followup 2026-11-24" / "followup.ics")
    calls = {u: e for u, e in tue_events.items() if str(e["summary"]).startswith("Call ")}
    assert len(calls) == 2  # the R12 calls, planned 48-72 h after Monday's mailing
    mon_events = ics_events(batch / "followup.ics")
    mailed = [u for u, e in mon_events.items() if "thank-you letter to" in str(e["summary"])]
    assert len(mailed) == 2 and all(str(tue_events[u]["status"]) == "CANCELLED" for u in mailed)

    thursday = cli("run", str(book), "--today", THU.isoformat())
    assert thursday.exit_code == 0, thursday.output
    thu_dir = tmp_path / "followup 2026-11-26"
    thu_events = ics_events(thu_dir / "followup.ics")
    assert set(calls) <= set(thu_events)  # the same UIDs: a re-import updates the events
    sheet = Document(str(thu_dir / "2026-11-26 Call sheet.docx"))
    who = [t.rows[0].cells[1].text for t in sheet.tables]
    phones = [t.rows[1].cells[1].text for t in sheet.tables]
    assert sorted(zip(who, phones, strict=True)) == [
        ("Mr. Tom Osei, Director", "617-555-0177"),
        ("Ms. Renée Dubois-Okafor, Director", "617-555-0142"),
    ]
    assert "make the calls on" in thursday.output


def test_sent_records_only_what_is_in_the_folder_and_drafts_when_named(tmp_path: Path):
    """A deleted letter is not recorded; an email draft counts when named with --only."""
    book = week(tmp_path)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    batch = tmp_path / "followup 2026-11-23"
    gone = next(batch.glob("* Thank-you — * Osei.docx"))
    gone.unlink()
    result = cli("sent", str(batch), "--date", TUE.isoformat(), "--today", TUE.isoformat())
    assert result.exit_code == 0
    assert f"not in the folder (deleted or renamed), not recorded: {gone.name}" in result.output
    draft = next(batch.glob("*.eml"))
    result = cli("sent", str(batch), "--only", draft.name)
    assert result.exit_code == 0
    day = date.today()
    assert f"recorded: Thank-You Email Sent on {day:%a} {day.day} {day:%b %Y}" in result.output
    actions = [r[3].value for r in openpyxl.load_workbook(book)["Log"].iter_rows(min_row=2)]
    assert sorted(actions) == ["Thank-You Email Sent", "Thank-You Letter Mailed"]


def test_sent_errors_are_located_and_write_nothing(tmp_path: Path):
    """No manifest, an unknown --only file, a bad --date: exit 1 (2 for usage), nothing written."""
    book = week(tmp_path)
    before = book.read_bytes()
    empty = tmp_path / "letters"
    empty.mkdir()
    result = cli("sent", str(empty), "--workbook", str(book))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {empty}: no {MANIFEST} here, so it is not a folder of letters written by "
        "`followup-xl run`; give that folder (e.g. 'followup 2026-11-23')\n"
    )
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    batch = tmp_path / "followup 2026-11-23"
    marked = book.read_bytes()
    assert marked != before
    result = cli("sent", str(batch), "--only", "nope.docx")
    assert result.exit_code == 1 and "'nope.docx' is not a letter of this batch" in result.output
    result = cli("sent", str(batch), "--date", "24/11/2026")
    assert result.exit_code == 2 and "is not a date: use YYYY-MM-DD" in result.output
    assert book.read_bytes() == marked


def test_a_manifest_naming_a_path_elsewhere_is_refused(tmp_path: Path):
    """A tampered manifest cannot make `sent` record a file outside the batch folder."""
    book = week(tmp_path)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    batch = tmp_path / "followup 2026-11-23"
    manifest = batch / MANIFEST
    manifest.write_text(
        manifest.read_text("utf-8").replace(
            '"file": "2026-11-23 Thank-you — Hart', '"file": "../tracker.xlsx", "x": "'
        ),
        "utf-8",
    )
    marked = book.read_bytes()
    result = cli("sent", str(batch))
    assert result.exit_code == 1
    assert "'../tracker.xlsx' is not a file name in this folder" in result.output
    assert book.read_bytes() == marked


def test_a_moved_workbook_is_named_with_workbook(tmp_path: Path):
    """The manifest's workbook is gone: the error says how to name the moved one."""
    book = week(tmp_path)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    batch = tmp_path / "followup 2026-11-23"
    moved = book.rename(tmp_path / "moved.xlsx")
    result = cli("sent", str(batch))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {book}: not found, and the letters in {batch} were written from it; if you "
        "moved or renamed the workbook, name it with --workbook PATH\n"
    )
    result = cli("sent", str(batch), "--workbook", str(moved))
    assert result.exit_code == 0 and "Added 2 row(s) to the Log of" in result.output


def test_sent_checks_its_write_by_the_rows_it_added(tmp_path: Path, monkeypatch):
    """`sent` proves its write without reading every sheet twice: the other parts are the old
    bytes, and the Log is compared row by row; a changed old Log value or another sheet's part
    is caught and nothing is written."""
    import re
    import zipfile
    from io import BytesIO

    from followup_xl.xlsx import append as append_mod

    applied = {"Date": date(2026, 11, 2), "Interview ID": "HL-1", "Action": "Application Sent"}
    books = []
    for name in ("ok", "log", "profile"):
        folder = tmp_path / name
        folder.mkdir()
        book = make_book(folder / "tracker.xlsx", interviews=[INTERVIEW], contacts=CONTACTS,
                         log=[applied])  # fmt: skip
        assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
        books.append((book, folder / "followup 2026-11-23"))

    book, batch = books[0]
    done = cli("sent", str(batch), "--date", TUE.isoformat(), "--today", TUE.isoformat())
    assert done.exit_code == 0, done.output
    log = read_values(book.read_bytes())["Log"]
    assert log[(2, 4)] == "Application Sent" and log[(3, 4)] == "Thank-You Letter Mailed"

    real = append_mod.append_rows

    def spoiled(member: str, change):
        def append_rows(data, **kw):
            result = real(data, **kw)
            with zipfile.ZipFile(BytesIO(result.data)) as zf:
                members = [(i, zf.read(i)) for i in zf.infolist()]
            out = BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for info, body in members:
                    zf.writestr(info, change(body) if info.filename == member else body)
            result.data = out.getvalue()
            return result

        return append_rows

    def older(body: bytes) -> bytes:  # the old row 2's date a day later
        row = re.search(rb'<row r="2".*?</row>', body, re.DOTALL)[0]
        serial = re.search(rb"<v>([0-9]+)</v>", row)
        later = row.replace(serial[0], b"<v>%d</v>" % (int(serial[1]) + 1), 1)
        return body.replace(row, later, 1)

    for (book, batch), member, change, message in (
        (books[1], "xl/worksheets/sheet4.xml", older,
         "Log would change outside the tool's cells (['A2'])"),
        (books[2], "xl/worksheets/sheet1.xml", lambda b: b.replace(b"</sheetData>",
         b"</sheetData>\n", 1), "the new file changed xl/worksheets/sheet1.xml"),
    ):  # fmt: skip
        before = book.read_bytes()
        monkeypatch.setattr(append_mod, "append_rows", spoiled(member, change))
        result = cli("sent", str(batch), "--date", TUE.isoformat(), "--today", TUE.isoformat())
        assert result.exit_code == 1 and message in result.output, result.output
        assert book.read_bytes() == before


def fill_new_workbook(path: Path) -> None:
    """Type an interview, a contact and the Profile into an `init` workbook (as in Excel)."""
    wb = openpyxl.load_workbook(path)
    mine = {"Name": "Alex Rivera", "Street": "12 Elm Street", "City": "Boston", "State": "MA",
            "ZIP": "02134", "Country": "US"}  # fmt: skip
    for row in wb["Profile"].iter_rows(min_row=2):
        row[1].value = mine.get(row[0].value, row[1].value)
    for name, record in (("Interviews", INTERVIEW), ("Contacts", CONTACTS[0])):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        for c, title in enumerate(header, start=1):
            if title in record:
                ws.cell(row=2, column=c, value=record[title])
    wb.save(path)


def test_the_first_sent_on_a_new_workbook_writes_real_dates(tmp_path: Path):
    """The empty Log of an `init` workbook: the new Date cells are dates, not the header's
    style, so the next `check` and `run` read them (the README's own first week)."""
    book = tmp_path / "tracker.xlsx"
    assert cli("init", str(book)).exit_code == 0
    fill_new_workbook(book)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    sent = cli(
        "sent",
        str(tmp_path / "followup 2026-11-23"),
        "--date",
        MON.isoformat(),
        "--today",
        MON.isoformat(),
    )
    assert sent.exit_code == 0, sent.output
    log = openpyxl.load_workbook(book)["Log"]
    assert log["A2"].value == datetime(2026, 11, 23) and log["A2"].is_date
    assert not log["A2"].font.b  # not the header's bold
    check = cli("check", str(book))
    assert check.exit_code == 0, check.output
    assert cli("run", str(book), "--today", TUE.isoformat()).exit_code == 0


def test_sent_writes_a_date_under_a_text_formatted_date_and_into_a_styled_empty_row(
    tmp_path: Path,
):
    """The last Log date typed into a text-formatted cell, then a row the user formatted
    ahead as text: the recorded dates are still dates."""
    book = week(tmp_path)
    wb = openpyxl.load_workbook(book)
    log = wb["Log"]
    log.append(["2026-11-10", "HL-1", None, "Application Sent"])  # typed as text
    log["A2"].number_format = "@"
    for c in range(1, 6):
        log.cell(row=3, column=c).number_format = "@"
    wb.save(book)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    sent = cli(
        "sent",
        str(tmp_path / "followup 2026-11-23"),
        "--date",
        MON.isoformat(),
        "--today",
        MON.isoformat(),
    )
    assert sent.exit_code == 0, sent.output
    log = openpyxl.load_workbook(book)["Log"]
    new = [row[0] for row in log.iter_rows(min_row=3) if row[0].value is not None]
    assert len(new) == 2
    assert all(c.is_date and c.value == datetime(2026, 11, 23) for c in new)
    assert cli("check", str(book)).exit_code == 0


def monday_batch(tmp_path: Path) -> tuple[Path, Path]:
    """Return the workbook and Monday's batch folder (two letters, one email draft)."""
    book = week(tmp_path)
    assert cli("run", str(book), "--today", MON.isoformat()).exit_code == 0
    return book, tmp_path / "followup 2026-11-23"


def test_a_mailing_day_in_the_wrong_year_is_refused_until_forced(tmp_path: Path):
    """`--date 2025-11-23` (meant 2026) and a date weeks from today are refused with the
    reason; nothing is written; --force records a day the user insists on."""
    book, batch = monday_batch(tmp_path)
    marked = book.read_bytes()
    early = cli("sent", str(batch), "--date", "2025-11-23", "--today", TUE.isoformat())
    assert early.exit_code == 1
    assert early.output == (
        "Error: --date 2025-11-23 is before the day the letters were written (2026-11-23): "
        "check the year; give the day you mailed them (or add --force if it is right)\n"
    )
    late = cli("sent", str(batch), "--date", "2026-12-20", "--today", TUE.isoformat())
    assert late.exit_code == 1
    assert "--date 2026-12-20 is 26 days from today (2026-11-24): check the year" in late.output
    assert book.read_bytes() == marked
    forced = cli("sent", str(batch), "--date", "2026-12-20", "--today", TUE.isoformat(),
                 "--force")  # fmt: skip
    assert forced.exit_code == 0, forced.output
    assert "recorded: Thank-You Letter Mailed on Sun 20 Dec 2026" in forced.output


def test_letters_whose_ids_the_workbook_no_longer_has_are_refused(tmp_path: Path):
    """A Contact ID renamed after the run: the letter's row would point at nobody, so `sent`
    lists it and writes nothing."""
    book, batch = monday_batch(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["Contacts"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "HL-RD":
            row[0].value = "HL-RENEE"
    wb.save(book)
    before = book.read_bytes()
    result = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert result.exit_code == 1
    assert (
        "tracker.xlsx: has no row for 1 letter(s) of" in result.output
        and "Renée Dubois-Okafor.docx (Interview ID HL-1, Contact ID HL-RD)" in result.output
        and "nothing was written" in result.output
    ), result.output
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    ("named", "why"),
    [("/etc/passwd.xlsx", "names the workbook by an absolute path"),
     ("../notes.txt", "which is not a workbook")],
)  # fmt: skip
def test_a_manifest_naming_an_absolute_or_odd_workbook_is_refused(
    tmp_path: Path, named: str, why: str
):
    """The manifest's workbook must be a relative path to an .xlsx or .ods, else --workbook."""
    book, batch = monday_batch(tmp_path)
    doc = json.loads((batch / MANIFEST).read_text("utf-8"))
    doc["workbook"] = named
    (batch / MANIFEST).write_text(json.dumps(doc), "utf-8")
    marked = book.read_bytes()
    result = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert result.exit_code == 1 and why in result.output and "--workbook PATH" in result.output
    assert book.read_bytes() == marked
    named_here = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat(),
                     "--workbook", str(book))  # fmt: skip
    assert named_here.exit_code == 0 and "Added 2 row(s)" in named_here.output


def test_sent_never_writes_under_a_merged_range(tmp_path: Path):
    """An empty merged block the user left below the Log's header: the new rows would hide
    under it, so `sent` refuses."""
    book, batch = monday_batch(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Log"].merge_cells("B3:E4")
    wb.save(book)
    before = book.read_bytes()
    result = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert result.exit_code == 1, result.output
    assert "Log!B3:E4 is a merged range where the new rows go (rows 2-3)" in result.output
    assert book.read_bytes() == before


def test_sent_removes_what_a_killed_run_left_beside_the_workbook(tmp_path: Path):
    """A temporary copy of the workbook from a run killed mid-write goes at the next `sent`,
    under the same lock (it held a full copy of the user's data)."""
    from followup_xl.safewrite import TEMP_SUFFIX

    book, batch = monday_batch(tmp_path)
    stale = tmp_path / f".tracker.xlsx.k1ll3d{TEMP_SUFFIX}"
    stale.write_bytes(book.read_bytes())
    other = tmp_path / f".other.xlsx.k1ll3d{TEMP_SUFFIX}"
    other.write_bytes(b"another workbook's")
    result = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert result.exit_code == 0, result.output
    assert not stale.exists() and other.exists()


def test_sent_refuses_to_add_rows_under_a_tables_totals_row(tmp_path: Path):
    """A Log table with its totals row on: new rows would land under the totals (and a grown
    table would total the wrong rows), so `sent` says how to make room and writes nothing."""
    from openpyxl.worksheet.table import Table

    book, batch = monday_batch(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["Log"]
    ws.append([date(2026, 11, 10), "HL-1", None, "Application Sent"])
    ws.cell(row=3, column=1, value="Total")
    ws.add_table(Table(displayName="MyLog", ref="A1:E3", totalsRowCount=1))
    wb.save(book)
    before = book.read_bytes()
    result = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert result.exit_code == 1, result.output
    assert "the table MyLog has a totals row" in result.output
    assert book.read_bytes() == before


def test_a_draft_recorded_with_only_is_not_called_unrecorded_again(tmp_path: Path):
    """`sent --only draft.eml`, then `sent` for the letters: the draft is in the Log, so the
    second `sent` no longer says "email draft not recorded"."""
    book, batch = monday_batch(tmp_path)
    draft = next(batch.glob("*.eml")).name
    first = cli("sent", str(batch), "--only", draft, "--date", MON.isoformat(),
                "--today", MON.isoformat())  # fmt: skip
    assert first.exit_code == 0, first.output
    second = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert second.exit_code == 0, second.output
    assert "email draft not recorded" not in second.output
    assert second.output.count("recorded: Thank-You Letter Mailed") == 2


def test_sent_undo_takes_back_exactly_its_own_rows(tmp_path: Path):
    """Recorded with the wrong date (forced): `sent --undo` removes those Log rows and only
    them (another row typed since stays), then the right date can be recorded; a row the
    user changed meanwhile stops the undo, with the row named."""
    book, batch = monday_batch(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Log"].append([date(2026, 11, 10), "HL-1", None, "Application Sent"])
    wb.save(book)
    wrong = cli("sent", str(batch), "--date", "2026-12-20", "--today", MON.isoformat(), "--force")
    assert wrong.exit_code == 0, wrong.output
    before_undo = read_values(book.read_bytes())["Log"]
    undone = cli("sent", str(batch), "--undo")
    assert undone.exit_code == 0, undone.output
    assert "Took back 2 Log row(s)" in undone.output and "(rows 3, 4)" in undone.output
    log = read_values(book.read_bytes())["Log"]
    assert {k: v for k, v in before_undo.items() if k[0] <= 2} == log  # the header and row 2
    right = cli("sent", str(batch), "--date", MON.isoformat(), "--today", MON.isoformat())
    assert right.exit_code == 0 and "Added 2 row(s)" in right.output, right.output
    # the user edits one of the recorded rows: undo refuses, naming it
    wb = openpyxl.load_workbook(book)
    wb["Log"]["E3"] = "Mailed with the brochure"
    wb["Log"]["A3"] = date(2026, 11, 24)
    wb.save(book)
    before = book.read_bytes()
    refused = cli("sent", str(batch), "--undo")
    assert refused.exit_code == 1
    assert "Log row(s) 3 no longer hold what `sent` recorded" in refused.output
    assert book.read_bytes() == before
    nothing = cli("sent", str(batch), "--undo", "--only", "x.docx")
    assert nothing.exit_code == 2
