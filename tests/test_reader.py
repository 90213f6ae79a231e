"""Reading what users really type: tests build real .xlsx files and read them back."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest

from factory import contract_sheets, make_book, write_sheets
from followup_xl.errors import WorkbookError
from followup_xl.office import convert
from followup_xl.read.cells import clean_text
from followup_xl.read.reader import check_workbook, read_workbook

IV = {
    "Interview ID": "ACME-1",
    "Company": "Acme",
    "Position": "Clerk",
    "Interview Date": datetime(2026, 11, 23, 10, 0),
    "Status": "Interviewed",
}
CT = {
    "Contact ID": "C1",
    "Interview ID": "ACME-1",
    "Role": "Interviewer",
    "Honorific": "Ms.",
    "First Name": "Ann",
    "Last Name": "Lee",
    "Job Title": "Manager",
}


def messages(path: Path) -> list[str]:
    """Return every problem of a workbook as the user sees it."""
    return [str(p) for p in check_workbook(path)]


def blocking(path: Path) -> list[str]:
    """Return the blocking problems, as raised by read_workbook."""
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    return [str(p) for p in info.value.problems if p.blocking]


def test_reads_a_clean_contract_workbook(tmp_path: Path) -> None:
    """A workbook in the contract's shape becomes typed records with their Excel rows."""
    path = make_book(
        tmp_path / "t.xlsx",
        interviews=[IV],
        contacts=[CT],
        log=[
            {
                "Date": date(2026, 11, 24),
                "Interview ID": "ACME-1",
                "Contact ID": "C1",
                "Action": "Thank-You Letter Mailed",
            }
        ],
    )
    book = read_workbook(path).book
    assert book.profile.name == "Alex Rivera"
    assert book.profile.zip == "02134"
    (iv,) = book.interviews
    assert (iv.interview_id, iv.row) == ("ACME-1", 2)
    assert iv.interview_date == date(2026, 11, 23)
    assert iv.interview_time == time(10, 0)
    (c,) = book.contacts
    assert (c.display_name, c.row) == ("Ms. Ann Lee", 2)
    (entry,) = book.log
    assert entry.action == "Thank-You Letter Mailed"
    assert entry.date == date(2026, 11, 24)
    assert book.layouts["Interviews"].last_column == 19


def test_headers_in_any_case_and_spacing_extra_columns_and_sheets(tmp_path: Path) -> None:
    """Headers match ignoring case and spaces; extra columns and sheets are the user's."""
    sheets = contract_sheets(interviews=[IV], contacts=[CT])
    head = sheets["Interviews"][0]
    head[0] = "  interview   ID "
    head[1] = "COMPANY"
    head.append("My Own Column")
    sheets["Interviews"][1].append("kept")
    sheets["interviews"] = sheets.pop("Interviews")  # sheet names match like headers
    sheets["Salary research"] = [["Company", "Pay"], ["Acme", 50000]]
    book = read_workbook(write_sheets(tmp_path / "t.xlsx", sheets)).book
    assert book.interviews[0].company == "Acme"
    layout = book.layouts["Interviews"]
    assert layout.name == "interviews"
    assert layout.last_column == 20  # the user's extra column counts: marks go right of it


def test_blank_rows_in_the_middle_are_skipped(tmp_path: Path) -> None:
    """Blank rows between records are skipped and later rows keep their real row numbers."""
    sheets = contract_sheets(
        contacts=[CT, {}, {}, dict(CT, **{"Contact ID": "C2"})], interviews=[IV]
    )
    book = read_workbook(write_sheets(tmp_path / "t.xlsx", sheets)).book
    assert [(c.contact_id, c.row) for c in book.contacts] == [("C1", 2), ("C2", 5)]
    assert book.layouts["Contacts"].data_rows == (2, 5)


def test_a_row_is_skipped_only_when_every_contract_cell_is_blank(tmp_path: Path) -> None:
    """Cells of spaces count as blank; a row whose only value is in a later column (a Log
    row with an Outcome and nothing else) is a record, reported for what it lacks."""
    log = [
        {"Date": date(2026, 11, 24), "Action": "Phone Call", "Contact ID": "C1"},
        {"Date": "   ", "Action": " ", "Contact ID": "\t"},
        {},
        {"Outcome": "left a message"},
        {"Date": date(2026, 11, 25), "Action": "Phone Call", "Contact ID": "C1"},
    ]
    sheets = contract_sheets(interviews=[IV], contacts=[CT], log=log)
    msgs = blocking(write_sheets(tmp_path / "t.xlsx", sheets))
    assert msgs == [
        "t.xlsx: Log!A5: Date is empty, but every row needs a Date",
        "t.xlsx: Log!D5: Action is empty, but every row needs an Action",
    ]


def test_header_not_in_row_1_names_the_row(tmp_path: Path) -> None:
    """A header row further down is an error saying which row looks like the header."""
    sheets = contract_sheets(interviews=[IV])
    sheets["Interviews"] = [["My job search"], []] + sheets["Interviews"]
    msgs = blocking(write_sheets(tmp_path / "t.xlsx", sheets))
    assert msgs == [
        "t.xlsx: Interviews!A3: row 3 looks like the header row, but headers must be "
        "in row 1 — delete the 2 row(s) above it"
    ]


def test_missing_required_column_lists_what_was_found(tmp_path: Path) -> None:
    """A missing required column is named, with the columns that were found."""
    sheets = {
        "Profile": [["Field", "Value"], ["Name", "A"]],
        "Interviews": [["Company", "Position"], ["Acme", "Clerk"]],
        "Contacts": [["Contact ID"]],
        "Log": [["Date", "Action"]],
    }
    msgs = blocking(write_sheets(tmp_path / "t.xlsx", sheets))
    # every column a rule reads is required (issue 11); docs/workbook.md lists the optional ones
    assert msgs == [
        't.xlsx: Interviews!1:1: has no columns "Interview ID", "Interview Date", "Status", '
        '"Want Job", "Decision Expected", "Callback Expected", "Hiring Timeline Days", '
        '"Enclosures" in row 1 (found: Company, Position) — add them; `followup-xl init '
        "new.xlsx` shows every header",
        't.xlsx: Contacts!1:1: has no columns "Interview ID", "Role", "Honorific", "First Name", '
        '"Last Name", "Job Title", "Preferred Channel" in row 1 (found: Contact ID) — add them; '
        "`followup-xl init new.xlsx` shows every header",
        't.xlsx: Log!1:1: has no columns "Interview ID", "Contact ID" in row 1 (found: Date, '
        "Action) — add them; `followup-xl init new.xlsx` shows every header",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (datetime(2026, 11, 23, 21, 30), (date(2026, 11, 23), time(21, 30))),
        (date(2026, 11, 23), (date(2026, 11, 23), None)),
        ("2026-11-23", (date(2026, 11, 23), None)),
        ("2026-11-23 09:05", (date(2026, 11, 23), time(9, 5))),
        ("2026-11-23T14:00", (date(2026, 11, 23), time(14, 0))),
        ("23/11/2026", (date(2026, 11, 23), None)),
        ("November 23, 2026", (date(2026, 11, 23), None)),
        ("23 Nov 2026 2:30 pm", (date(2026, 11, 23), time(14, 30))),
    ],
)
def test_dates_as_users_type_them(tmp_path: Path, typed: object, expected: tuple) -> None:
    """Real dates, date-times, ISO text and unambiguous text dates are read exactly."""
    path = make_book(tmp_path / "t.xlsx", interviews=[dict(IV, **{"Interview Date": typed})])
    iv = read_workbook(path).book.interviews[0]
    assert (iv.interview_date, iv.interview_time) == expected


def test_1904_date_system(tmp_path: Path) -> None:
    """A workbook in the 1904 date system gives the same calendar dates."""
    path = make_book(
        tmp_path / "t.xlsx",
        date1904=True,
        interviews=[dict(IV, **{"Decision Expected": date(2026, 12, 31)})],
    )
    book = read_workbook(path).book
    assert book.date1904
    assert book.interviews[0].interview_date == date(2026, 11, 23)
    assert book.interviews[0].decision_expected == date(2026, 12, 31)


def _grid(path: Path, sheet: str) -> list[list[object]]:
    """Return one sheet as the reader has it: pre-checked, then read by pandas with calamine."""
    from followup_xl.read.frames import read_frames
    from followup_xl.read.precheck import precheck

    return read_frames(path, precheck(path, {sheet}, lambda name: name))[sheet].rows


def test_1904_corpus_file_agrees_with_openpyxl(corpus_dir: Path) -> None:
    """The real Mac-Excel 1904 file reads the same dates through the reader as with openpyxl."""
    import openpyxl

    src = corpus_dir / "php_1904_dates.xlsx"
    ws = openpyxl.load_workbook(src, data_only=True)["Sheet1"]
    expected = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    got = _grid(src, "Sheet1")
    assert got == expected
    assert got[0][0] == datetime(2022, 1, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("03/04/2026", '"03/04/2026" could be 03 April or 04 March'),
        ("31/02/2026", '"31/02/2026" is not a real date'),
        ("2026-02-30", '"2026-02-30" is not a real date (February 2026 has no day 30)'),
        ("2026-13-01", "there is no month 13"),
        ("next Tuesday", '"next Tuesday" is not a date'),
        (46000, '"46000" is a plain number, not a date'),
    ],
)
def test_uncertain_or_impossible_dates_are_errors(
    tmp_path: Path, typed: object, message: str
) -> None:
    """A date the tool would have to guess is an error naming the cell, never a guess."""
    path = make_book(tmp_path / "t.xlsx", interviews=[dict(IV, **{"Decision Expected": typed})])
    (msg,) = blocking(path)
    assert msg.startswith("t.xlsx: Interviews!G2: Decision Expected ")
    assert message in msg
    assert "YYYY-MM-DD" in msg


def test_na_none_stay_text_and_spaces_are_trimmed(tmp_path: Path) -> None:
    """'NA', 'None' and 'N/A' are what the user typed, not missing values."""
    path = make_book(
        tmp_path / "t.xlsx", interviews=[dict(IV, Company="NA", Position="  None  ", Notes="N/A")]
    )
    iv = read_workbook(path).book.interviews[0]
    assert (iv.company, iv.position, iv.notes) == ("NA", "None", "N/A")


def test_numbers_typed_into_text_columns(tmp_path: Path) -> None:
    """A US ZIP stored as a number gets its leading zero back; phone numbers stay digits."""
    path = make_book(
        tmp_path / "t.xlsx",
        profile={"ZIP": 2134},
        interviews=[dict(IV, **{"Company ZIP": 2134})],
        contacts=[dict(CT, ZIP=501, Phone=6175550100, **{"Job Title": 42.0})],
    )
    book = read_workbook(path).book
    assert book.profile.zip == "02134"
    assert book.interviews[0].company_zip == "02134"
    c = book.contacts[0]
    assert (c.zip, c.phone, c.job_title) == ("00501", "6175550100", "42")


def test_zip_numbers_outside_the_us_are_not_padded(tmp_path: Path) -> None:
    """Only US ZIP codes are padded to five digits."""
    path = make_book(
        tmp_path / "t.xlsx",
        profile={"Country": "DE", "ZIP": 1067},
        contacts=[dict(CT, ZIP=1067)],
        interviews=[IV],
    )
    book = read_workbook(path).book
    assert (book.profile.zip, book.contacts[0].zip) == ("1067", "1067")


def test_x000d_escape_in_corpus_file(corpus_dir: Path) -> None:
    """Excel's _x000D_ escape becomes a plain line break."""
    assert clean_text(_grid(corpus_dir / "calamine_x000D_escape.xlsx", "Sheet1")[0][0]) == (
        "ABC\nDEF"
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Duplicates, dangling IDs, list values, text in numbers: all in one report."""
    path = make_book(
        tmp_path / "t.xlsx",
        interviews=[
            IV,
            dict(IV, Company="Other", **{"Hiring Timeline Days": "30-60 days", "Status": "filled"}),
        ],
        contacts=[
            CT,
            dict(CT, **{"Contact ID": "C2", "Interview ID": "ACME-2", "Role": "Receptionst"}),
        ],
        log=[
            {"Date": date(2026, 11, 24), "Contact ID": "C11", "Action": "Phone Call"},
            {"Date": date(2026, 11, 24), "Action": "Called"},
        ],
    )
    assert messages(path) == [
        't.xlsx: Interviews!E3: Status "filled" is not in the list — did you mean "Position '
        'Filled"? Pick one of: Scheduled, Interviewed, Second Interview, Offer, Hired, Not '
        "Selected, Position Filled, Withdrawn, Offer Declined",
        't.xlsx: Interviews!I3: Hiring Timeline Days "30-60 days" is a range — type one number '
        "of days, e.g. 45 for 30-60 days",
        't.xlsx: Interviews!A3: Interview ID "ACME-1" is already used in row 2 — IDs must be '
        "unique; rename one",
        't.xlsx: Contacts!C3: Role "Receptionst" is not in the list — did you mean '
        '"Receptionist"? Pick one of: Interviewer, Receptionist, Assistant, Reference, Network',
        't.xlsx: Log!D3: Action "Called" is not in the list — did you mean "Call Received"? '
        "Pick one of: Application Sent, "
        "Thank-You Letter Mailed, Thank-You Email Sent, Thank-You Fax Sent, Note Card Mailed, "
        "Phone Call, Call Received, Reference Notified, Referral Requested, Keep-In-Touch Sent",
        't.xlsx: Contacts!B3: Interview ID "ACME-2" is not on the Interviews sheet — did you '
        'mean "ACME-1"? Fix the ID or add that row to Interviews',
        't.xlsx: Log!C2: Contact ID "C11" is not on the Contacts sheet — did you mean "C1"? Fix '
        "the ID or add that row to Contacts",
    ]


def test_ids_listed_in_one_cell_blank_text_and_empty_required_cells(tmp_path: Path) -> None:
    """A contact's cell may name several interviews (split on ; , and line breaks, each once);
    a cell of spaces reads as empty; an empty Date or Action is located, in plain English."""
    two = dict(IV, **{"Interview ID": "ACME-2", "Interview Date": datetime(2026, 11, 24, 9)})
    contacts = [
        dict(CT, **{"Interview ID": "ACME-1; ACME-2,\nACME-1", "First Name": "   "}),
        dict(CT, **{"Contact ID": "C2", "Interview ID": "ACME-2"}),
    ]
    path = make_book(tmp_path / "ok.xlsx", interviews=[IV, two], contacts=contacts)
    c1, c2 = read_workbook(path).book.contacts
    assert (c1.interviews, c1.interview_id, c1.first_name) == (("ACME-1", "ACME-2"), "ACME-1", "")
    assert (c2.interviews, c2.interview_id) == (("ACME-2",), "ACME-2")

    log = [{"Date": date(2026, 11, 24), "Contact ID": "C1"}, {"Action": "Phone Call"}]
    bad = make_book(tmp_path / "t.xlsx", interviews=[IV, two], contacts=contacts, log=log)
    assert blocking(bad) == [
        "t.xlsx: Log!D2: Action is empty, but every row needs an Action",
        "t.xlsx: Log!A3: Date is empty, but every row needs a Date",
    ]


def test_renumbered_ids_get_a_few_tips_at_a_cost_linear_in_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the Interview IDs were renumbered every Log row dangles: each is still located,
    the first few say which ID looks closest, an ID that differs only in case, spaces or
    dashes always does, and the fuzzy search (every ID against every ID) runs a bounded
    number of times, so a big workbook's error comes at once."""
    from followup_xl.read import reader

    calls = []
    real = reader.closest
    monkeypatch.setattr(reader, "closest", lambda *a: calls.append(1) or real(*a))
    counts = []
    for n in (30, 120):
        ivs = [{"Interview ID": f"ACME-{i}", "Company": "Acme", "Position": "Clerk",
                "Interview Date": date(2026, 11, 2)} for i in range(n)]  # fmt: skip
        log = [{"Date": date(2026, 11, 3), "Action": "Phone Call",
                "Interview ID": f"AC-{i}" if i % 2 else f"acme {i}"} for i in range(n)]  # fmt: skip
        calls.clear()
        got = [m for m in blocking(make_book(tmp_path / f"t{n}.xlsx", interviews=ivs, log=log))
               if "is not on the Interviews sheet" in m]  # fmt: skip
        counts.append(len(calls))
        assert len(got) == n
        assert got[0] == (
            't.xlsx: Log!B2: Interview ID "acme 0" is not on the Interviews sheet — did you '
            'mean "ACME-0"? Fix the ID or add that row to Interviews'
        ).replace("t.xlsx", f"t{n}.xlsx")
        tip = 'is not on the Interviews sheet — did you mean "ACME-'
        assert f'Interview ID "acme {n - 2}" {tip}{n - 2}"?' in got[-2]
        assert f'Interview ID "AC-1" {tip}1"?' in got[1]
        assert "did you mean" not in got[-1]  # a fuzzy tip for the first few only
    assert counts == [reader.FUZZY_TIPS, reader.FUZZY_TIPS]


def test_text_in_a_number_column(tmp_path: Path) -> None:
    """Words where a number of days belongs are an error with an example."""
    path = make_book(
        tmp_path / "t.xlsx", interviews=[dict(IV, **{"Hiring Timeline Days": "a month"})]
    )
    assert blocking(path) == [
        't.xlsx: Interviews!I2: Hiring Timeline Days "a month" is text, not '
        "a number — type a whole number of days, e.g. 45"
    ]


def test_missing_sheet_lists_the_sheets_found(tmp_path: Path) -> None:
    """A workbook without a contract sheet says which sheets it does have."""
    sheets = contract_sheets()
    del sheets["Log"]
    msgs = blocking(write_sheets(tmp_path / "t.xlsx", sheets))
    assert msgs == [
        't.xlsx: has no sheet named "Log" (sheets found: Profile, Interviews, '
        "Contacts) — add it, or rename the sheet that holds it; `followup-xl init "
        "new.xlsx` shows the expected layout"
    ]


def one_error(path: Path) -> str:
    """Return the single error message reading a broken file gives."""
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    (problem,) = info.value.problems
    return str(problem)


def test_files_that_are_not_workbooks(tmp_path: Path) -> None:
    """Missing, empty, CSV-renamed, truncated and legacy files get a clear fix."""
    assert one_error(tmp_path / "gone.xlsx").startswith("gone.xlsx: no such file: ")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "is empty (0 bytes)" in one_error(empty)
    csv = tmp_path / "csv.xlsx"
    csv.write_text("Interview ID,Company\nACME-1,Acme\n")
    assert one_error(csv).startswith(
        "csv.xlsx: is a text or CSV file, although it is named "
        ".xlsx: open it in Excel or LibreOffice Calc"
    )
    good = make_book(tmp_path / "good.xlsx", interviews=[IV])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "is damaged or incomplete" in one_error(cut)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "is an old Excel 97-2003 (.xls) workbook" in one_error(xls)


@pytest.mark.parametrize("member", ["docProps/core.xml", "xl/worksheets/sheet2.xml"])
def test_a_member_whose_bytes_do_not_match_its_crc_is_named(tmp_path: Path, member: str) -> None:
    """A copy damaged inside one member (its CRC no longer fits), a sheet read or a part not
    read: the message names the member, whatever the reading of the sheets met meanwhile."""
    good = make_book(tmp_path / "good.xlsx", interviews=[IV])
    out = tmp_path / "flipped.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            info.compress_type = zipfile.ZIP_STORED  # its bytes as they are, to flip one
            zout.writestr(info, body)
    data = bytearray(out.read_bytes())
    with zipfile.ZipFile(out) as zf:
        body = zf.read(member)
    at = bytes(data).find(body) + body.find(b"<", 10) + 1
    data[at] ^= 0x20  # a letter of a tag name changes case: the XML may even still parse
    out.write_bytes(bytes(data))
    assert f"flipped.xlsx: is damaged ({member} is corrupt)" in one_error(out)


def test_password_protected_workbook(corpus_dir: Path) -> None:
    """A real encrypted workbook is refused with how to remove the password."""
    msg = one_error(corpus_dir / "calamine_encrypted.xlsx")
    assert msg.startswith("calamine_encrypted.xlsx: is protected with a password")


def test_a_utf16_workbook_is_refused_with_how_to_save_it_again(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Excel Mobile writes every part in UTF-16, which calamine cannot read: `check` and
    `run` say how to re-save it, exit 1 and write nothing (the marks would need every part
    rewritten)."""
    from click.testing import CliRunner

    from followup_xl.cli import main

    path = tmp_path / "phone.xlsx"
    path.write_bytes((corpus_dir / "roo_windows_phone_utf16.xlsx").read_bytes())
    before = path.read_bytes()
    assert one_error(path) == (
        "phone.xlsx: is written in UTF-16 (as Excel Mobile saves workbooks), which the tool "
        "cannot read: open it in Excel or LibreOffice Calc and use File > Save As > Excel "
        "Workbook (.xlsx)"
    )
    for command in (["check", str(path)], ["run", str(path), "--today", "2026-11-25"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1 and "is written in UTF-16" in result.output, result.output
        assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phone.xlsx"]


def test_strict_ooxml_corpus_file_is_readable(corpus_dir: Path) -> None:
    """Excel's Strict Open XML format is read (it is not the contract's shape, so it errors)."""
    msgs = messages(corpus_dir / "calamine_strict_ooxml.xlsx")
    assert msgs[0].startswith(
        'calamine_strict_ooxml.xlsx: has no sheet named "Profile" (sheets found: ml_out)'
    )


def test_real_xls_from_libreoffice(tmp_path: Path, soffice: str) -> None:
    """A file LibreOffice really writes as .xls is refused with the conversion advice (its
    .ods is read: test_ods.py)."""
    src = make_book(tmp_path / "tracker.xlsx", interviews=[IV])
    for fmt, expected in (("xls", "is an old Excel 97-2003 (.xls) workbook"),):
        out = convert(src, fmt, tmp_path / fmt)
        assert expected in one_error(out)
        renamed = tmp_path / f"renamed-{fmt}.xlsx"
        shutil.copy(out, renamed)
        assert expected in one_error(renamed)


def test_libreoffice_saved_workbook_reads_the_same(tmp_path: Path, soffice: str) -> None:
    """A workbook saved again by LibreOffice Calc reads to the same records."""
    src = make_book(
        tmp_path / "tracker.xlsx", interviews=[IV], contacts=[CT], profile={"ZIP": "02134"}
    )
    again = convert(src, "xlsx", tmp_path / "lo")
    a, b = read_workbook(src).book, read_workbook(again).book
    assert (a.profile, a.interviews, a.contacts) == (b.profile, b.interviews, b.contacts)


def test_profile_name_is_needed_once_there_are_interviews(tmp_path: Path) -> None:
    """A fresh workbook checks clean; with interviews, letters need the user's name."""
    assert messages(make_book(tmp_path / "empty.xlsx", profile={"Name": None})) == []
    path = make_book(tmp_path / "t.xlsx", profile={"Name": None}, interviews=[IV])
    assert blocking(path) == [
        "t.xlsx: Profile: has no Name — type your name in the Value column beside Name; every "
        "letter is signed with it"
    ]


def test_a_formula_without_a_saved_result_is_named_not_called_empty(tmp_path: Path) -> None:
    """A Company typed as a formula by a script (openpyxl saves no results): the message
    says what the cell holds and how to get its result saved, not "Company is empty"."""
    import openpyxl

    from factory import make_book

    path = make_book(tmp_path / "t.xlsx", interviews=[{
        "Interview ID": "A-1", "Company": "Acme", "Position": "Clerk",
        "Interview Date": date(2026, 11, 24), "Status": "Interviewed"}])  # fmt: skip
    wb = openpyxl.load_workbook(path)
    ws = wb["Interviews"]
    col = [c.value for c in ws[1]].index("Company") + 1
    ws.cell(row=2, column=col, value='=UPPER("acme")')
    wb.save(path)
    msgs = messages(path)
    cell = f"{chr(64 + col)}2"
    assert f"t.xlsx: Interviews!{cell}: Company holds a formula whose result was never saved" in (
        "\n".join(msgs)
    ), msgs
    assert not [m for m in msgs if "is empty" in m]
    # in a column no rule needs (Notes) it is a warning, and the cell reads as empty
    ws.cell(row=2, column=col, value="Acme")
    ws.cell(row=2, column=[c.value for c in ws[1]].index("Notes") + 1, value='=UPPER("x")')
    wb.save(path)
    read = read_workbook(path)
    assert read.book.interviews[0].notes == ""
    assert [str(w) for w in read.warnings if "Notes holds a formula" in str(w)], read.warnings


def test_the_totals_row_of_a_log_table_is_not_a_log_row(tmp_path: Path) -> None:
    """The Log formatted as an Excel table with its totals row on: "Total" in the Date
    column is the table's, not a row to read (it used to be 'Date "Total" is not a date')."""
    import openpyxl
    from openpyxl.worksheet.table import Table

    from factory import make_book

    path = make_book(
        tmp_path / "t.xlsx",
        interviews=[{"Interview ID": "A-1", "Company": "Acme", "Position": "Clerk",
                     "Interview Date": date(2026, 11, 24), "Status": "Interviewed"}],
        log=[{"Date": date(2026, 11, 20), "Interview ID": "A-1", "Action": "Application Sent"}],
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    ws = wb["Log"]
    width = ws.max_column
    ws.cell(row=3, column=1, value="Total")
    ws.cell(row=3, column=width, value="=SUBTOTAL(103,E2:E2)")
    last = f"{chr(64 + width)}3"
    ws.add_table(Table(displayName="MyLog", ref=f"A1:{last}", totalsRowCount=1))
    wb.save(path)
    assert messages(path) == []
    book = read_workbook(path).book
    assert [e.action for e in book.log] == ["Application Sent"]


def test_a_contact_row_may_name_several_interviews(tmp_path: Path) -> None:
    """One person on two panels: "BANK-1; BANK-2" in Interview ID is both interviews; an ID
    in the list that is not on Interviews is named like any other."""
    from factory import make_book

    rounds = [{"Interview ID": f"BANK-{n}", "Company": "Harbour Bank", "Position": "Teller",
               "Interview Date": date(2026, 11, 9 + 7 * n), "Status": "Interviewed"}
              for n in (1, 2)]  # fmt: skip
    people = [{"Contact ID": "C1", "Interview ID": "BANK-1; BANK-2", "Role": "Interviewer",
               "Honorific": "Ms.", "First Name": "Ana", "Last Name": "Bree",
               "Job Title": "Branch Manager", "Preferred Channel": "Mail"},
              {"Contact ID": "C2", "Interview ID": "BANK-2, BANK-9", "Role": "Interviewer",
               "Honorific": "Mr.", "First Name": "Bo", "Last Name": "Ek",
               "Job Title": "Teller Lead", "Preferred Channel": "Mail"}]  # fmt: skip
    path = make_book(tmp_path / "t.xlsx", interviews=rounds, contacts=people)
    assert messages(path) == [
        't.xlsx: Contacts!B3: Interview ID "BANK-9" is not on the Interviews sheet — did you '
        'mean "BANK-2"? Fix the ID or add that row to Interviews'
    ]
    people[1]["Interview ID"] = "BANK-2"
    path = make_book(tmp_path / "t2.xlsx", interviews=rounds, contacts=people)
    ana = read_workbook(path).book.contacts[0]
    assert (ana.interview_id, ana.interviews) == ("BANK-1", ("BANK-1", "BANK-2"))
