"""`init`: the new workbook follows the contract, the example shows every situation."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from followup_xl import contract as C
from followup_xl.errors import FollowupError
from followup_xl.example import example_rows
from followup_xl.newbook import LAST_ROW, write_workbook

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "workbook_template.xlsx"
TODAY = date(2026, 11, 25)  # a Wednesday
CONTRACT_SHEETS = [
    C.GUIDE_SHEET,
    C.PROFILE_SHEET,
    C.INTERVIEWS_SHEET,
    C.CONTACTS_SHEET,
    C.LOG_SHEET,
]


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    """Return a blank workbook written by init."""
    path = tmp_path / "tracker.xlsx"
    write_workbook(path)
    return path


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """Return an example workbook written by init --example --today TODAY."""
    path = tmp_path / "practice.xlsx"
    write_workbook(path, example=True, today=TODAY)
    return path


def headers(ws) -> list[str]:
    """Return the non-empty header cells of row 1."""
    return [c.value for c in ws[1] if c.value is not None]


def column(ws, index: int):
    """Return the column settings covering a 1-based column (Excel groups equal neighbours)."""
    for dim in ws.column_dimensions.values():
        if dim.min <= index <= dim.max:
            return dim
    raise AssertionError(f"{ws.title}: column {get_column_letter(index)} has no settings")


def validations(ws) -> dict[str, object]:
    """Return each data validation by the header of the column it covers."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found[ws.cell(1, rng.min_col).value] = dv
    return found


def list_choices(dv) -> tuple[str, ...]:
    """Return the values of an inline list validation ("a,b,c")."""
    return tuple(dv.formula1.strip('"').split(","))


# --- the blank workbook ---------------------------------------------------------------------


def test_init_writes_contract_sheets_in_order(blank: Path) -> None:
    """The guide comes first, then the four sheets the user edits; no Due sheet before a run."""
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == CONTRACT_SHEETS
    assert C.DUE_SHEET not in wb.sheetnames
    assert wb.active.title == C.GUIDE_SHEET


def test_init_writes_exact_headers_bold_filled_frozen(blank: Path) -> None:
    """Every contract header, in contract order, in a styled header row that stays in view."""
    wb = openpyxl.load_workbook(blank)
    for sheet, columns in C.SHEETS.items():
        ws = wb[sheet]
        assert headers(ws) == [col.name for col in columns], sheet
        for cell in ws[1][: len(columns)]:
            assert cell.font.b and cell.fill.fill_type == "solid", (sheet, cell.coordinate)
        assert ws.freeze_panes in {"A2", "B2"}, sheet
    assert wb[C.INTERVIEWS_SHEET].freeze_panes == "B2"  # the ID stays visible to the right


def test_columns_have_the_contract_widths(blank: Path) -> None:
    """Widths come from Column.width (Excel adds a little padding)."""
    wb = openpyxl.load_workbook(blank)
    for sheet, columns in C.SHEETS.items():
        for i, col in enumerate(columns, start=1):
            width = column(wb[sheet], i).width
            assert abs(width - col.width) < 1, (sheet, col.name, width)


def test_profile_lists_the_nine_fields_with_country_us(blank: Path) -> None:
    """Profile names every field, so the user only fills in the values."""
    ws = openpyxl.load_workbook(blank)[C.PROFILE_SHEET]
    rows = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2)]
    assert [f for f, _ in rows] == list(C.PROFILE_FIELDS)
    assert dict(rows)["Country"] == "US"
    assert all(v is None for f, v in rows if f != "Country")
    assert column(ws, 2).number_format == "@"  # ZIP 02134 stays text


def test_every_list_column_has_a_dropdown_with_the_exact_choices(blank: Path) -> None:
    """Drop-down lists on rows 2..1000 offer exactly the contract's values and name them."""
    wb = openpyxl.load_workbook(blank)
    for sheet, columns in C.SHEETS.items():
        found = validations(wb[sheet])
        for i, col in enumerate(columns, start=1):
            if col.kind != C.LIST:
                continue
            dv, letter = found[col.name], get_column_letter(i)
            assert dv.type == "list"
            assert list_choices(dv) == col.choices, (sheet, col.name)
            assert str(dv.sqref) == f"{letter}2:{letter}{LAST_ROW}"
            # a list with other spellings (Honorific: "Dr", "Professor") only warns on them
            want = "warning" if col.aliases else "stop"
            assert dv.showErrorMessage and (dv.errorStyle or "stop") == want, col.name
            assert all(choice in dv.error for choice in col.choices)


def test_hiring_timeline_accepts_whole_numbers_only(blank: Path) -> None:
    """The integer column has a whole-number check and a whole-number format."""
    ws = openpyxl.load_workbook(blank)[C.INTERVIEWS_SHEET]
    dv = validations(ws)["Hiring Timeline Days"]
    assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_id_columns_offer_the_ids_of_the_other_sheet(blank: Path) -> None:
    """Interview ID and Contact ID drop-downs list the IDs already entered, warning only."""
    wb = openpyxl.load_workbook(blank)
    contacts = validations(wb[C.CONTACTS_SHEET])
    log = validations(wb[C.LOG_SHEET])
    assert contacts["Interview ID"].formula1 == f"'Interviews'!$A$2:$A${LAST_ROW}"
    assert log["Interview ID"].formula1 == f"'Interviews'!$A$2:$A${LAST_ROW}"
    assert log["Contact ID"].formula1 == f"'Contacts'!$A$2:$A${LAST_ROW}"
    for dv in (contacts["Interview ID"], log["Interview ID"], log["Contact ID"]):
        assert dv.errorStyle == "warning" and dv.allow_blank


def test_the_checks_are_exactly_these_ranges_and_lists(blank: Path) -> None:
    """Read back, each check covers one column's rows 2..LAST_ROW with the contract's values,
    allows a blank cell and shows its message; nothing else is checked."""
    expected = {}
    for sheet, columns in C.SHEETS.items():
        for i, col in enumerate(columns, start=1):
            letter = get_column_letter(i)
            sqref = f"{letter}2:{letter}{LAST_ROW}"
            if col.kind == C.LIST:
                expected[sheet, sqref] = ("list", '"' + ",".join(col.choices) + '"', None)
            elif col.kind == C.INTEGER:
                expected[sheet, sqref] = ("whole", "0", "greaterThanOrEqual")
    interview_ids = ("list", f"'Interviews'!$A$2:$A${LAST_ROW}", None)
    expected[C.CONTACTS_SHEET, f"B2:B{LAST_ROW}"] = interview_ids
    expected[C.LOG_SHEET, f"B2:B{LAST_ROW}"] = interview_ids
    expected[C.LOG_SHEET, f"C2:C{LAST_ROW}"] = ("list", f"'Contacts'!$A$2:$A${LAST_ROW}", None)
    expected[C.PROFILE_SHEET, "B10"] = ("textLength", "2", "equal")  # Country: two letters
    wb = openpyxl.load_workbook(blank)
    found = {}
    for sheet in C.SHEETS:
        for dv in wb[sheet].data_validations.dataValidation:
            found[sheet, str(dv.sqref)] = (dv.type, dv.formula1, dv.operator)
            assert dv.allow_blank and dv.showErrorMessage and dv.showInputMessage, dv.sqref
            assert dv.errorTitle and dv.error, (sheet, dv.sqref)
            assert len(dv.formula1) <= 255  # Excel refuses a longer list
    assert found == expected
    assert wb[C.PROFILE_SHEET]["A10"].value == "Country"
    assert wb[C.INTERVIEWS_SHEET]["A1"].value == wb[C.LOG_SHEET]["B1"].value == "Interview ID"
    assert wb[C.CONTACTS_SHEET]["A1"].value == wb[C.LOG_SHEET]["C1"].value == "Contact ID"


def test_date_and_text_columns_carry_their_formats(blank: Path) -> None:
    """Dates show as yyyy-mm-dd (with hh:mm for the interview), ZIP and phones stay text."""
    wb = openpyxl.load_workbook(blank)
    expected = {C.DATE: "yyyy-mm-dd", C.DATETIME: "yyyy-mm-dd hh:mm", C.INTEGER: "0"}
    checked = 0
    for sheet, columns in C.SHEETS.items():
        for i, col in enumerate(columns, start=1):
            fmt = column(wb[sheet], i).number_format
            if col.kind in expected:
                assert fmt == expected[col.kind], (sheet, col.name)
                checked += 1
            elif col.keep_text:
                assert fmt == "@", (sheet, col.name)
                checked += 1
    assert checked == 9  # 5 on Interviews, 3 on Contacts, 1 on Log


def test_text_columns_show_no_number_stored_as_text_warning(blank: Path) -> None:
    """Excel draws no green triangle on a ZIP or phone typed with its leading zero."""
    parts = dict(zip_parts(blank))
    contacts = parts["xl/worksheets/sheet4.xml"].decode()
    assert 'sqref="L2:L1000 O2:O1000 P2:P1000" numberStoredAsText="1"' in contacts


def test_guide_explains_the_weekly_run_and_what_the_tool_writes(blank: Path) -> None:
    """The first sheet tells a newcomer the routine and what the tool may change."""
    ws = openpyxl.load_workbook(blank)[C.GUIDE_SHEET]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert "followup-xl run tracker.xlsx" in text
    assert "Sunday" in text and "backup" in text.lower()
    for name in (*C.SHEETS, C.DUE_SHEET, *C.MARK_COLUMNS):
        assert name in text, name


def test_blank_workbook_does_not_depend_on_today(tmp_path: Path) -> None:
    """`init` without --example writes the same bytes on any day."""
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(a, today=date(2026, 1, 5))
    write_workbook(b, today=date(2031, 7, 9))
    assert a.read_bytes() == b.read_bytes()


def zip_parts(path: Path) -> list[tuple[str, bytes]]:
    """Return every part of an .xlsx in order, uncompressed (zlib builds differ in bytes)."""
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def test_template_at_repo_root_is_what_init_writes(blank: Path) -> None:
    """workbook_template.xlsx holds exactly the parts a fresh `init` writes."""
    assert zip_parts(TEMPLATE) == zip_parts(blank), (
        "workbook_template.xlsx is stale: run "
        "`python -m followup_xl.newbook workbook_template.xlsx`"
    )


def test_dates_inside_the_file_are_fixed(blank: Path, example: Path) -> None:
    """The document's dates are the blank's fixed day or the example's day, never the clock,
    and every zip member is dated 1980-01-01, as Excel dates them."""
    for path, day in ((blank, datetime(2026, 1, 1)), (example, datetime(2026, 11, 25))):
        props = openpyxl.load_workbook(path).properties
        assert (props.created, props.modified) == (day, day), path.name
        assert (props.creator, props.title) == ("followup-xl", "Job-search follow-up workbook")
        with zipfile.ZipFile(path) as zf:
            assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_blank_workbook_is_byte_identical_on_every_write(tmp_path: Path, blank: Path) -> None:
    """Fixed creation date and zip times: writing again gives the very same bytes."""
    again = tmp_path / "again.xlsx"
    write_workbook(again)
    assert again.read_bytes() == blank.read_bytes()


# --- refusing and failing safely ---------------------------------------------------------


def test_init_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    """An existing file is never replaced; the message names it and says what to do."""
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"my precious job search")
    with pytest.raises(FollowupError) as err:
        write_workbook(path, example=True, today=TODAY)
    assert str(err.value) == (
        f"{path} already exists: choose another name or delete it first "
        "(init never overwrites a workbook)"
    )
    assert path.read_bytes() == b"my precious job search"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]


def test_init_refuses_a_name_excel_would_not_open(tmp_path: Path) -> None:
    """A .xls or .csv name would make Excel complain: ask for .xlsx instead."""
    with pytest.raises(FollowupError, match=r"must end in \.xlsx"):
        write_workbook(tmp_path / "tracker.xls")
    assert list(tmp_path.iterdir()) == []


def test_init_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    """A missing folder is a clear error, not a traceback."""
    with pytest.raises(FollowupError, match="does not exist: create it first"):
        write_workbook(tmp_path / "nowhere" / "tracker.xlsx")


def test_init_leaves_no_temporary_file(blank: Path) -> None:
    """The atomic write cleans up after itself."""
    assert [p.name for p in blank.parent.iterdir()] == [blank.name]


def test_importing_the_module_does_not_load_the_writer() -> None:
    """The CLI's --help stays instant: openpyxl loads only when a workbook is written."""
    code = "import sys, followup_xl.newbook; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the example ---------------------------------------------------------------------------


def by_id(rows: list[dict[str, object]], key: str) -> dict[str, dict[str, object]]:
    """Index rows by an ID column."""
    return {str(r[key]): r for r in rows}


def test_example_has_a_panel_interview_yesterday_with_a_receptionist() -> None:
    """Thank-yous to three interviewers and a card to the receptionist are due today (R3)."""
    rows = example_rows(TODAY)
    panel = by_id(rows[C.INTERVIEWS_SHEET], "Interview ID")["HLB-1"]
    assert isinstance(panel["Interview Date"], datetime)
    assert panel["Interview Date"].date() == TODAY - timedelta(days=1)
    people = [c for c in rows[C.CONTACTS_SHEET] if c.get("Interview ID") == "HLB-1"]
    roles = sorted(str(c["Role"]) for c in people)
    assert roles == ["Interviewer", "Interviewer", "Interviewer", "Receptionist"]
    assert not [e for e in rows[C.LOG_SHEET] if e.get("Interview ID") == "HLB-1"]
    assert panel["Enclosures"] == "References; Writing samples"


def test_example_has_an_unwanted_job_still_owed_a_thank_you() -> None:
    """Want Job = No, interviewed days ago and nothing sent: overdue (R4)."""
    rows = example_rows(TODAY)
    unwanted = [i for i in rows[C.INTERVIEWS_SHEET] if i["Want Job"] == "No"]
    assert len(unwanted) == 1
    assert unwanted[0]["Interview Date"].date() <= TODAY - timedelta(days=3)
    assert not [
        e for e in rows[C.LOG_SHEET] if e.get("Interview ID") == unwanted[0]["Interview ID"]
    ]


def test_example_has_letters_mailed_weeks_ago_and_weekly_calls() -> None:
    """Letter mailed 3+ weeks ago, first call 48-72 h later, then calls a week apart (R12, R13)."""
    rows = example_rows(TODAY)
    log = [e for e in rows[C.LOG_SHEET] if e.get("Interview ID") == "MBH-1"]
    mailed = [e["Date"] for e in log if e["Action"] == "Thank-You Letter Mailed"]
    calls = sorted(e["Date"] for e in log if e["Action"] == "Phone Call")
    assert mailed and mailed[0] <= TODAY - timedelta(days=21)
    assert 2 <= (calls[0] - mailed[0]).days <= 3
    assert [(b - a).days for a, b in zip(calls, calls[1:], strict=False)] == [7, 7]
    assert calls[-1] == TODAY - timedelta(days=7)  # next weekly call is due now
    interview = by_id(rows[C.INTERVIEWS_SHEET], "Interview ID")["MBH-1"]
    assert interview["Hiring Timeline Days"] == 45


def test_example_has_a_filled_position_and_two_references() -> None:
    """One position filled (R14), two references, one not yet told (R10), one application."""
    rows = example_rows(TODAY)
    assert [i["Status"] for i in rows[C.INTERVIEWS_SHEET]].count("Position Filled") == 1
    refs = [c for c in rows[C.CONTACTS_SHEET] if c["Role"] == "Reference"]
    assert len(refs) == 2 and all(not c.get("Interview ID") for c in refs)
    told = {e.get("Contact ID") for e in rows[C.LOG_SHEET] if e["Action"] == "Reference Notified"}
    assert len(told & {c["Contact ID"] for c in refs}) == 1
    assert any(e["Action"] == "Application Sent" for e in rows[C.LOG_SHEET])


def test_example_rows_use_only_contract_headers_and_values() -> None:
    """Every key is a contract header and every list value is allowed, so tests can reuse it."""
    rows = example_rows(TODAY)
    assert set(rows) == set(C.SHEETS)
    for sheet, columns in C.SHEETS.items():
        by_name = {col.name: col for col in columns}
        for row in rows[sheet]:
            assert set(row) <= set(by_name), sheet
            for name, value in row.items():
                if by_name[name].kind == C.LIST:
                    assert value in by_name[name].choices, (sheet, name, value)
    for sheet, key in ((C.INTERVIEWS_SHEET, "Interview ID"), (C.CONTACTS_SHEET, "Contact ID")):
        ids = [r[key] for r in rows[sheet]]
        assert len(ids) == len(set(ids)), sheet
    interview_ids = {r["Interview ID"] for r in rows[C.INTERVIEWS_SHEET]}
    contact_ids = {r["Contact ID"] for r in rows[C.CONTACTS_SHEET]}
    for row in rows[C.CONTACTS_SHEET] + rows[C.LOG_SHEET]:
        assert row.get("Interview ID", "") in interview_ids | {""}
    for row in rows[C.LOG_SHEET]:
        assert row.get("Contact ID", "") in contact_ids | {""}


def test_example_happens_on_weekdays_for_a_wednesday() -> None:
    """Seen on a Wednesday, no interview, call or letter of the example falls on a weekend."""
    for sheet, rows in example_rows(TODAY).items():
        for row in rows:
            for name, value in row.items():
                if isinstance(value, date):
                    assert value.weekday() < 5, (sheet, name, value)


def test_example_personal_notes_differ_per_person() -> None:
    """Letters read as individual only when every note is specific (R3)."""
    notes = [c["Personal Note"] for c in example_rows(TODAY)[C.CONTACTS_SHEET]]
    assert all(notes) and len(set(notes)) == len(notes)


def test_example_workbook_keeps_names_dates_and_leading_zeros(example: Path) -> None:
    """Accents, hyphens and & survive; dates are real Excel dates; ZIP 02134 stays text."""
    wb = openpyxl.load_workbook(example)
    profile = {r[0].value: r[1].value for r in wb[C.PROFILE_SHEET].iter_rows(min_row=2)}
    assert profile["ZIP"] == "02134" and profile["Country"] == "US"
    contacts = wb[C.CONTACTS_SHEET]
    last_names = [r[5].value for r in contacts.iter_rows(min_row=2)]
    assert "Dubois-Okafor" in last_names
    assert any(r[4].value == "Renée" for r in contacts.iter_rows(min_row=2))
    interviews = wb[C.INTERVIEWS_SHEET]
    assert interviews["B2"].value == "Hart & Lowe Books"
    date_cell, zip_cell = interviews["D2"], interviews["M2"]
    assert isinstance(date_cell.value, datetime) and date_cell.number_format == "yyyy-mm-dd hh:mm"
    assert date_cell.value == datetime(2026, 11, 24, 10, 30)
    assert zip_cell.value == "02110" and zip_cell.number_format == "@"
    log_date = wb[C.LOG_SHEET]["A2"]
    assert isinstance(log_date.value, datetime) and log_date.number_format == "yyyy-mm-dd"


def test_example_is_read_back_by_the_tool_without_problems(example: Path) -> None:
    """The example is a workbook the reader accepts: no problem, every row found."""
    from followup_xl.read.reader import check_workbook, read_workbook

    assert check_workbook(example) == []
    book = read_workbook(example).book
    rows = example_rows(TODAY)
    assert len(book.interviews) == len(rows[C.INTERVIEWS_SHEET])
    assert len(book.contacts) == len(rows[C.CONTACTS_SHEET])
    assert len(book.log) == len(rows[C.LOG_SHEET])
    assert book.profile.zip == "02134"


def test_example_is_deterministic(tmp_path: Path, example: Path) -> None:
    """The same --today gives a byte-identical file; another day gives other dates."""
    again, later = tmp_path / "again.xlsx", tmp_path / "later.xlsx"
    write_workbook(again, example=True, today=TODAY)
    write_workbook(later, example=True, today=TODAY + timedelta(days=1))
    assert again.read_bytes() == example.read_bytes()
    assert later.read_bytes() != example.read_bytes()


def test_example_always_has_something_due_and_something_overdue(tmp_path: Path) -> None:
    """On any day (weekends and holidays too) the example's run shows DUE and OVERDUE work."""
    from followup_xl.model import Status
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions

    first = date(2026, 11, 16)  # six weeks over Thanksgiving, Christmas and New Year
    for offset in range(42):
        today = first + timedelta(days=offset)
        path = tmp_path / f"{today}.xlsx"
        write_workbook(path, example=True, today=today)
        actions = due_actions(read_workbook(path).book, today)
        statuses = {a.status for a in actions}
        assert {Status.OVERDUE, Status.DUE} <= statuses, today
        rules = {a.rule for a in actions}
        assert {"R3", "R4", "R5", "R8", "R10", "R13", "R14"} <= rules, (today, rules)


def test_init_command_writes_the_template(tmp_path: Path) -> None:
    """The real `followup-xl init` writes exactly workbook_template.xlsx, whatever the day."""
    from click.testing import CliRunner

    from followup_xl.cli import main

    path = tmp_path / "tracker.xlsx"
    result = CliRunner().invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert zip_parts(path) == zip_parts(TEMPLATE)


# --- real LibreOffice --------------------------------------------------------------------


def test_libreoffice_reads_the_template_headers_back(soffice: str, tmp_path: Path) -> None:
    """LibreOffice opens the template and saves it with the same sheets, headers and lists."""
    from followup_xl.office import convert

    src = tmp_path / "in" / TEMPLATE.name
    src.parent.mkdir()
    shutil.copy(TEMPLATE, src)
    out = convert(src, "xlsx", tmp_path / "out")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == CONTRACT_SHEETS
    for sheet, columns in C.SHEETS.items():
        assert headers(wb[sheet]) == [col.name for col in columns], sheet
        found = validations(wb[sheet])
        for col in columns:
            if col.kind == C.LIST:
                assert list_choices(found[col.name]) == col.choices, (sheet, col.name)
    assert validations(wb[C.LOG_SHEET])["Contact ID"].formula1.endswith(f"$A$2:$A${LAST_ROW}")


def test_libreoffice_keeps_example_dates_and_leading_zeros(
    soffice: str, tmp_path: Path, example: Path
) -> None:
    """After a LibreOffice round trip, dates are still dates and ZIP codes keep their zero."""
    from followup_xl.office import convert

    out = convert(example, "xlsx", tmp_path / "out")
    wb = openpyxl.load_workbook(out)
    assert wb[C.INTERVIEWS_SHEET]["D2"].value == datetime(2026, 11, 24, 10, 30)
    assert wb[C.INTERVIEWS_SHEET]["M2"].value == "02110"
    profile = {r[0].value: r[1].value for r in wb[C.PROFILE_SHEET].iter_rows(min_row=2)}
    assert profile["ZIP"] == "02134"
