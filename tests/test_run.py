"""The weekly run end to end: a real workbook, the real CLI, the workbook and letters reopened."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory import make_book
from followup_xl.cli import main

TODAY = "2026-11-25"  # a Wednesday; Thanksgiving is Thu 26 Nov 2026

PANEL = [
    {
        "Interview ID": "HL-1",
        "Company": "Hart & Lowe <Books>",
        "Position": "Store Manager",
        "Interview Date": datetime(2026, 11, 24, 10, 30),
        "Status": "Interviewed",
        "Want Job": "Yes",
        "Decision Expected": date(2026, 12, 10),
        "Company Street": "1 Main St",
        "Company City": "Boston",
        "Company State": "MA",
        "Company ZIP": "02110",
        "Strengths": "Eight years running a busy bookshop",
        "Enclosures": "References",
    },
]
PEOPLE = [
    {
        "Contact ID": "C1",
        "Interview ID": "HL-1",
        "Role": "Interviewer",
        "Honorific": "Ms.",
        "First Name": "Renée",
        "Last Name": "Dubois-Okafor",
        "Job Title": "Director",
        "Organization": "Hart & Lowe <Books>",
        "Preferred Channel": "Mail",
        "Personal Note": "We compared notes on author events for children.",
    },
    {
        "Contact ID": "C2",
        "Interview ID": "HL-1",
        "Role": "Receptionist",
        "Honorific": "Mr.",
        "First Name": "Sam",
        "Last Name": "Ng",
        "Preferred Channel": "Handwritten Card",
    },
]


def run(*args: str) -> object:
    """Run the real CLI and return Click's result."""
    return CliRunner().invoke(main, list(args))


def digest(path: Path) -> str:
    """Return a file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A small workbook with a panel interview the day before TODAY."""
    return make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)


def test_run_prints_the_table_marks_the_workbook_and_writes_letters(workbook: Path) -> None:
    """One run: summary table on stdout, Due sheet and marks in the workbook, letters on disk."""
    import openpyxl

    result = run("run", str(workbook), "--today", TODAY)
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0].split() == ["Status", "Due", "Rule", "Action", "Who", "Company", "Channel"]
    assert "1 overdue" not in result.output
    assert "0 overdue, 2 due" in result.output
    folder = workbook.parent / f"followup {TODAY}"
    letters = sorted(p.name for p in folder.iterdir())
    assert f"{TODAY} Thank-you — Hart & Lowe -Books — Renée Dubois-Okafor.docx" in letters
    assert f"{TODAY} Note card — Hart & Lowe -Books — Sam Ng.docx" in letters

    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames[0] == "Due"
    due = [r for r in wb["Due"].iter_rows(values_only=True)]
    assert due[0] == (
        "Status",
        "Due Date",
        "Action",
        "Rule",
        "Who",
        "Company",
        "Position",
        "Channel",
        "Letter",
        "Why",
    )
    rules = sorted(r[3] for r in due[1:])
    assert rules == ["R3", "R8"]
    letter_names = {r[8] for r in due[1:]}
    assert f"{TODAY} Thank-you — Hart & Lowe -Books — Renée Dubois-Okafor.docx" in letter_names
    head = [c.value for c in wb["Contacts"][1]]
    assert head[-3:] == ["Next Action", "Next Due", "Follow-up Status"]
    renee = [c.value for c in wb["Contacts"][2]]
    assert renee[-1] == "DUE"
    assert renee[-2] == datetime(2026, 11, 25)


def test_dry_run_writes_nothing(workbook: Path) -> None:
    """--dry-run prints the table and leaves the folder exactly as it was."""
    before = digest(workbook)
    result = run("run", str(workbook), "--today", TODAY, "--dry-run")
    assert result.exit_code == 0
    assert result.output.endswith("Dry run: nothing was written.\n")
    assert digest(workbook) == before
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["tracker.xlsx"]


def test_second_run_replaces_the_marks(workbook: Path) -> None:
    """Running twice gives one Due sheet and one set of mark columns, not two."""
    import openpyxl

    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames.count("Due") == 1
    head = [c.value for c in wb["Interviews"][1]]
    assert head.count("Next Action") == 1
    assert wb["Due"].max_row == 3


def test_blocking_problem_writes_nothing(tmp_path: Path) -> None:
    """A workbook with a blocking problem: exit 1, every problem listed, no file written."""
    path = make_book(
        tmp_path / "tracker.xlsx",
        interviews=[dict(PANEL[0], **{"Decision Expected": "10/12/2026"})],
        contacts=PEOPLE,
    )
    before = digest(path)
    result = run("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert 'Interviews!G2: Decision Expected "10/12/2026" could be' in result.output
    assert "1 problem(s) to fix; nothing was written." in result.output
    assert "Traceback" not in result.output
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]


def test_open_workbook_is_refused_unless_forced(workbook: Path) -> None:
    """A LibreOffice lock file beside the workbook stops the run before anything is written."""
    lock = workbook.parent / f".~lock.{workbook.name}#"
    lock.write_text("someone,host,2026-11-25")
    before = digest(workbook)
    result = run("run", str(workbook), "--today", TODAY)
    assert result.exit_code == 1
    assert "open in LibreOffice" in result.output
    assert digest(workbook) == before
    assert not (workbook.parent / f"followup {TODAY}").exists()
    assert run("run", str(workbook), "--today", TODAY, "--force").exit_code == 0
    assert digest(workbook) != before


def test_same_day_same_letters(workbook: Path, tmp_path: Path) -> None:
    """Two runs on the same day write byte-identical letters."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("run", str(workbook), "--today", TODAY, "--out", str(a)).exit_code == 0
    assert run("run", str(workbook), "--today", TODAY, "--out", str(b)).exit_code == 0
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert digest(a / name) == digest(b / name), name


def test_two_processes_on_two_copies_write_the_same_bytes(tmp_path: Path) -> None:
    """Separate processes, another hash seed, time zone and locale, a second apart, on two
    copies of one workbook: the marked workbooks and every file of the week are the same
    bytes (only the backup's name carries the clock)."""
    import os
    import shutil
    import subprocess
    import sys
    import time

    first = tmp_path / "a"
    first.mkdir()
    book = first / "tracker.xlsx"
    made = run("init", str(book), "--example", "--today", TODAY)
    assert made.exit_code == 0, made.output
    second = tmp_path / "b"
    second.mkdir()
    shutil.copyfile(book, second / "tracker.xlsx")
    outputs = []
    for folder, seed, zone in ((first, "1", "UTC"), (second, "2", "Asia/Tokyo")):
        env = dict(os.environ, PYTHONHASHSEED=seed, TZ=zone, LC_ALL="C.UTF-8")
        proc = subprocess.run(
            [sys.executable, "-c", "from followup_xl.cli import main; main()", "run",
             "tracker.xlsx", "--today", TODAY, "--out", "week"],
            cwd=folder, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs.append(proc.stdout)
        time.sleep(1.1)
    assert (first / "tracker.xlsx").read_bytes() == (second / "tracker.xlsx").read_bytes()
    names = sorted(p.name for p in (first / "week").iterdir())
    assert len(names) > 5 and names == sorted(p.name for p in (second / "week").iterdir())
    for name in names:
        assert digest(first / "week" / name) == digest(second / "week" / name), name
    stamp = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}")
    assert stamp.sub("…", outputs[0]) == stamp.sub("…", outputs[1])


def test_logged_letters_are_not_written_again(tmp_path: Path) -> None:
    """Once the Log says the letters went out, the run writes none and lists no thank-yous."""
    log = [
        {"Date": date(2026, 11, 24), "Interview ID": "HL-1", "Contact ID": cid, "Action": action}
        for cid, action in (("C1", "Thank-You Letter Mailed"), ("C2", "Note Card Mailed"))
    ]
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE, log=log)
    result = run("run", str(path), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Thank-you letter" not in result.output
    # the week's calls are planned (call sheet, calendar), but no letter is written again;
    # the manifest says whose folder it is, and has nothing to record
    written = sorted(p.name for p in (tmp_path / f"followup {TODAY}").iterdir())
    assert written == [f"{TODAY} Call sheet.docx", "followup-batch.json", "followup.ics"]
    assert "Nothing new to record" in run("sent", str(tmp_path / f"followup {TODAY}")).output


def test_conflicting_options_are_rejected_before_any_work(workbook: Path) -> None:
    """--dry-run with --pdf is a usage error (exit 2)."""
    result = run("run", str(workbook), "--dry-run", "--pdf")
    assert result.exit_code == 2
    assert "--dry-run writes nothing" in result.output


def test_demo_creates_and_runs_the_example(tmp_path: Path) -> None:
    """`demo DIR` writes the example workbook, runs it and says where everything is."""
    folder = tmp_path / "demo"
    result = run("demo", str(folder), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"Example workbook: {folder / 'tracker.xlsx'}" in result.output
    assert "overdue" in result.output and "Print file:" in result.output
    assert (folder / f"followup {TODAY}").is_dir()
    again = run("demo", str(folder), "--today", TODAY)
    assert again.exit_code == 1
    assert "already exists" in again.output


@pytest.mark.parametrize("day", ["2026-11-25", "2026-12-24", "2027-03-15"])
def test_the_demo_proofreads_clean_on_any_day(tmp_path: Path, day: str) -> None:
    """The example job search, dated around any day, gives letters without a finding."""
    result = run("demo", str(tmp_path / "demo"), "--today", day)
    assert result.exit_code == 0, result.output
    assert "Letters: " in result.output
    assert "Proofreading: no findings." in result.output, result.output


def test_printed_table_lists_each_action_in_order(workbook: Path) -> None:
    """The summary shows status, due date, rule, action, who, company and channel per row."""
    result = run("run", str(workbook), "--today", TODAY, "--dry-run")
    lines = result.output.splitlines()
    rows = [line for line in lines[2:] if line.startswith(("OVERDUE", "DUE", "UPCOMING"))]
    # Same status and day: ordered by company, then by who ("Mr." sorts before "Ms.").
    assert [r.split()[:7] for r in rows] == [
        ["DUE", "Wed", "25", "Nov", "2026", "R8", "Note"],
        ["DUE", "Wed", "25", "Nov", "2026", "R3", "Thank-you"],
    ]
    assert "Mr. Sam Ng" in rows[0] and "Handwritten Card" in rows[0]
    assert "Ms. Renée Dubois-Okafor" in rows[1] and rows[1].rstrip().endswith("Mail")
    whys = [line.strip() for line in lines if line.strip().startswith("why:")]
    assert len(whys) == 2
    assert all("Tue 24 Nov 2026 10:30" in w and "Wed 25 Nov 2026 10:30" in w for w in whys)
    assert "0 overdue, 2 due, 0 upcoming (2 in all)" in lines


def test_strict_fails_on_a_proofreading_finding(tmp_path: Path) -> None:
    """A misspelt Strength is found by proofreading; --strict turns it into exit 1."""
    path = make_book(
        tmp_path / "tracker.xlsx",
        interviews=[dict(PANEL[0], Strengths="Eight years of bookselling experiance")],
        contacts=PEOPLE[:1],
    )
    loose = run("run", str(path), "--today", TODAY, "--out", str(tmp_path / "a"))
    assert loose.exit_code == 0
    assert '"experiance"' in loose.output
    strict = run("run", str(path), "--today", TODAY, "--out", str(tmp_path / "b"), "--strict")
    assert strict.exit_code == 1
    assert "proofreading found" in strict.output and "--strict" in strict.output
    words = tmp_path / "words.txt"
    words.write_text("experiance\n")
    ok = run(
        "run",
        str(path),
        "--today",
        TODAY,
        "--out",
        str(tmp_path / "c"),
        "--strict",
        "--words",
        str(words),
    )
    assert ok.exit_code == 0, ok.output


def test_pdf_of_the_print_file(workbook: Path, tmp_path: Path, soffice: str) -> None:
    """--pdf converts the print file with real LibreOffice, one page per letter or card."""
    out = tmp_path / "letters"
    result = run("run", str(workbook), "--today", TODAY, "--out", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("*.pdf")
    assert f"PDF: {pdf}" in result.output
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())
    assert len(pages) == 2  # the thank-you letter and the note card


def test_due_sheet_prints_one_page_wide(workbook: Path) -> None:
    """The Due sheet prints landscape, fitted to the page width, with the Why text wrapped."""
    import openpyxl

    assert run("run", str(workbook), "--today", TODAY, "--no-letters").exit_code == 0
    ws = openpyxl.load_workbook(workbook)["Due"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) in ((1, 0), ("1", "0"))
    why = ws.cell(row=2, column=10)
    assert len(why.value) > 60
    assert why.alignment.wrap_text is True
    assert ws.row_dimensions[2].height >= 30  # room for the wrapped lines


def test_a_uk_job_seekers_call_to_boston_skips_us_thanksgiving(tmp_path: Path) -> None:
    """Company Country on Interviews and Country on Contacts reach the call plan."""
    log = [{"Date": date(2026, 11, 24), "Interview ID": "HL-1", "Contact ID": "C1",
            "Action": "Thank-You Letter Mailed"}]  # fmt: skip
    for interviews, people in (
        ([{**PANEL[0], "Company Country": "United States"}], PEOPLE),
        (PANEL, [{**PEOPLE[0], "Country": "US"}, PEOPLE[1]]),
    ):
        path = make_book(tmp_path / "tracker.xlsx", profile={"Country": "GB"},
                         interviews=interviews, contacts=people, log=log)  # fmt: skip
        result = run("run", str(path), "--today", TODAY, "--dry-run")
        assert result.exit_code == 0, result.output
        row = r"UPCOMING  Fri 27 Nov 2026  R12   Phone call"
        assert re.search(row, result.output), result.output
        assert "(moved past Thanksgiving Day in US)" in result.output
        path.unlink()


def test_the_next_list_of_a_fax_only_batch_says_fax_not_mail(tmp_path: Path) -> None:
    """A batch holding only a fax: sign the fax pages and fax them, then record them as
    faxed; nothing to mail."""
    from followup_xl.cli import next_steps
    from followup_xl.run import RunOptions, run_batch

    people = [{**PEOPLE[0], "Preferred Channel": "Fax", "Fax": "+1 617 555 0100"}]
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=people)
    result = run_batch(path, RunOptions(today=date.fromisoformat(TODAY)))
    steps = next_steps(result)
    assert steps[0].endswith("; sign the fax pages"), steps
    assert not [s for s in steps if "mail" in s and "email" not in s], steps
    assert any(s.startswith("once faxed, record them: followup-xl sent") for s in steps), steps


def test_a_today_in_the_wrong_year_is_warned_about(tmp_path: Path) -> None:
    """`--today 2026-01-27` meant as 2027 (the interviews are in November 2026): nothing is
    due, and a warning says the year may be wrong, without looking at the clock."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    early = run("run", str(path), "--today", "2026-01-27", "--dry-run")
    assert early.exit_code == 0, early.output
    # Tue 27 Jan to Tue 24 Nov 2026, the panel's interview: 4 + 273 + 24 = 301 days
    warning = "warning: tracker.xlsx: today is Tue 27 Jan 2026, 301 days before anything the"
    assert warning in early.output, early.output
    late = run("run", str(path), "--today", "2028-01-27", "--dry-run")
    assert "429 days after the last thing the workbook records (Tue 24 Nov 2026)" in late.output
    usual = run("run", str(path), "--today", TODAY, "--dry-run")
    assert "wrong year" not in usual.output


def linked_files(workbook: Path) -> dict[str, Path]:
    """Return each linked Letter's name on the Due sheet -> the file its link opens, read
    with openpyxl and resolved against the workbook's folder as a spreadsheet does."""
    from urllib.parse import unquote

    import openpyxl

    ws = openpyxl.load_workbook(workbook)["Due"]
    return {
        c.value: (workbook.parent / unquote(c.hyperlink.target)).resolve()
        for c in ws["I"][1:]
        if c.hyperlink is not None
    }


def test_each_letter_on_the_due_sheet_opens_its_file(workbook: Path) -> None:
    """The Letter names are links relative to the workbook, blue and underlined, each to the
    letter it names; moving the folder with its letters keeps them working."""
    import openpyxl

    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    folder = workbook.parent / f"followup {TODAY}"
    links = linked_files(workbook)
    assert links == {name: folder / name for name in links}
    assert len(links) == 2 and all(path.is_file() for path in links.values())
    ws = openpyxl.load_workbook(workbook)["Due"]
    target = ws["I2"].hyperlink.target
    assert target.startswith("followup%202026-11-25/") and "%E2%80%94" in target  # "—"
    assert (ws["I2"].font.u, ws["I2"].font.color.rgb) == ("single", "FF0563C1")
    moved = workbook.parent / "moved"
    moved.mkdir()
    workbook.rename(moved / workbook.name)
    folder.rename(moved / folder.name)
    assert all(path.is_file() for path in linked_files(moved / workbook.name).values())


def test_letters_written_elsewhere_are_linked_by_a_relative_path(tmp_path: Path) -> None:
    """--out beside the workbook's folder: the links climb out of it ("../")."""
    (tmp_path / "book").mkdir()
    path = make_book(tmp_path / "book" / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    out = tmp_path / "letters"
    assert run("run", str(path), "--today", TODAY, "--out", str(out)).exit_code == 0
    links = linked_files(path)
    assert len(links) == 2 and links == {name: out / name for name in links}
    import openpyxl

    assert openpyxl.load_workbook(path)["Due"]["I2"].hyperlink.target.startswith("../letters/")


def test_a_run_without_letters_leaves_no_links_behind(workbook: Path) -> None:
    """The next run writes the Due sheet's links whole: without letters there are none, and
    its relationships part is gone, every other part as the first run left it."""
    import zipfile

    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    with zipfile.ZipFile(workbook) as z:
        rels = [n for n in z.namelist() if n.startswith("xl/worksheets/_rels/")]
    assert len(rels) == 1
    assert run("run", str(workbook), "--today", TODAY, "--no-letters").exit_code == 0
    assert linked_files(workbook) == {}
    with zipfile.ZipFile(workbook) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/worksheets/_rels/")]
    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    assert len(linked_files(workbook)) == 2


def test_libreoffice_follows_the_due_sheets_links(workbook: Path, soffice: str) -> None:
    """LibreOffice opens the marked workbook and keeps each link; saved as .ods, every link
    resolves, from the workbook's folder, to the letter it names."""
    import subprocess
    import zipfile
    from urllib.parse import unquote, urljoin, urlparse

    assert run("run", str(workbook), "--today", TODAY).exit_code == 0
    profile = (workbook.parent / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(workbook.parent), str(workbook)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    ods = workbook.with_suffix(".ods")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    hrefs = re.findall(r'xlink:href="([^"]*)"', content)
    # an .ods names a file relative to the package's inside, hence its leading "../"
    found = {Path(unquote(urlparse(urljoin(ods.as_uri() + "/", h)).path)) for h in hrefs}
    folder = workbook.parent / f"followup {TODAY}"
    assert found == {folder / name for name in linked_files(workbook)}
    assert len(found) == 2 and all(path.is_file() for path in found)


def book_with_local_names(path: Path) -> Path:
    """A workbook whose sheets carry names of their own: a print area on Contacts, a filter on
    Interviews (Excel's hidden _xlnm._FilterDatabase), a name local to Log; it opens on Log."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    make_book(path, interviews=PANEL, contacts=PEOPLE)
    wb = openpyxl.load_workbook(path)
    wb["Contacts"].print_area = "A1:D3"
    wb["Interviews"].auto_filter.ref = "A1:F2"
    wb["Log"].defined_names["Mailed"] = DefinedName("Mailed", attr_text="Log!$A$1:$A$9")
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Log"
    wb.active = wb.sheetnames.index("Log")
    wb.save(path)
    return path


def test_a_new_due_sheet_comes_first_and_the_users_sheets_stay_as_they_were(
    tmp_path: Path,
) -> None:
    """The Due sheet is made first in the tab order; the user's sheets keep their order, the
    workbook opens on the tab the user left it on (no sheet of theirs is touched to change
    the selection), and every name of one sheet (print area, filter) stays on it."""
    import openpyxl

    path = book_with_local_names(tmp_path / "tracker.xlsx")
    before = openpyxl.load_workbook(path).sheetnames
    assert run("run", str(path), "--today", TODAY).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Due", *before]
    assert wb.active.title == "Log"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Log"]
    assert wb["Contacts"].print_area == "'Contacts'!$A$1:$D$3"
    assert wb["Interviews"].auto_filter.ref == "A1:F2"
    assert wb["Log"].defined_names["Mailed"].attr_text == "Log!$A$1:$A$9"
    # openpyxl keeps _FilterDatabase apart: the workbook's own text says where each one is
    import zipfile

    book = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    filters = re.findall(r'name="_xlnm._FilterDatabase" localSheetId="(\d+)"[^>]*>([^<]*)<', book)
    assert {(wb.sheetnames[int(i)], text) for i, text in filters} == {
        ("Interviews", "'Interviews'!$A$1:$F$2"), ("Due", "Due!$A$1:$J$3")}  # fmt: skip


def test_a_due_sheet_moved_by_the_user_stays_where_it_is(tmp_path: Path) -> None:
    """The next run rewrites the Due sheet where the user put it, the workbook still opening
    on the sheet the user left it on."""
    import openpyxl

    path = book_with_local_names(tmp_path / "tracker.xlsx")
    assert run("run", str(path), "--today", TODAY).exit_code == 0
    wb = openpyxl.load_workbook(path)
    wb.move_sheet("Due", offset=len(wb.sheetnames) - 1)  # to the end
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Contacts"
    wb.active = wb.sheetnames.index("Contacts")
    wb.save(path)
    order = wb.sheetnames
    assert order[-1] == "Due"
    assert run("run", str(path), "--today", TODAY).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == order and wb.active.title == "Contacts"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Contacts"]
    assert wb["Contacts"].print_area == "'Contacts'!$A$1:$D$3"


def test_libreoffice_reads_the_due_sheet_first_with_every_name_on_its_sheet(
    tmp_path: Path, soffice: str
) -> None:
    """LibreOffice reads the marked workbook: Due is its first sheet, the others in their
    order; the print area is Contacts', the filter Interviews', the local name Log's. (A
    headless conversion keeps no view, so which tab it opens on is read with openpyxl above.)"""
    import subprocess
    import zipfile

    path = book_with_local_names(tmp_path / "tracker.xlsx")
    assert run("run", str(path), "--today", TODAY, "--no-letters").exit_code == 0
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    content = zipfile.ZipFile(path.with_suffix(".ods")).read("content.xml").decode()
    tables = re.findall(r"<table:table table:name=\"([^\"]*)\"([^>]*)>", content)
    assert [name for name, _ in tables] == ["Due", "Profile", "Interviews", "Contacts", "Log"]
    attrs = dict(tables)
    assert 'table:print-ranges="Contacts.A1:Contacts.D3"' in attrs["Contacts"]
    assert all("print-ranges" not in a for name, a in tables if name != "Contacts")
    ranges = re.findall(r'table:target-range-address="([^"]*)"', content)
    assert "Interviews.A1:Interviews.F2" in ranges
    local = re.search(r'table:name="Log".*?</table:table>', content, re.S)
    assert local is not None and 'table:name="Mailed"' in local.group(0)
