"""Appending Log rows: the only change to the sheet, in its own formats, ranges grown to match."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from factory import read_values
from followup_xl.errors import WriteError
from followup_xl.newbook import write_workbook
from followup_xl.xlsx.append import append_rows
from followup_xl.xlsx.package import xml_members

TODAY = date(2026, 11, 25)
ROWS = [
    {1: date(2026, 11, 24), 2: "HL-1", 3: "HL-RD", 4: "Thank-You Letter Mailed"},
    {1: date(2026, 11, 24), 2: "HL-1", 3: "HL-TO", 4: "Thank-You Letter Mailed",
     5: "=not a formula"},
]  # fmt: skip


def unchanged_except(old: bytes, new: bytes, allowed: set[str]) -> None:
    """Every zip member outside `allowed` is byte-identical, and none is lost or added."""
    a, b = xml_members(old), xml_members(new)
    assert set(a) == set(b)
    assert {m for m in a if a[m] != b[m]} <= allowed


def test_rows_go_after_the_last_log_row_as_real_dates_in_the_logs_format(tmp_path: Path):
    """In the example workbook the two rows land under the last entry, dates formatted alike."""
    path = tmp_path / "t.xlsx"
    write_workbook(path, example=True, today=TODAY)
    old = path.read_bytes()
    before = openpyxl.load_workbook(path)["Log"]
    last = before.max_row
    result = append_rows(old, sheet="Log", rows=ROWS, after=1, name="t.xlsx")
    assert result.rows == (last + 1, last + 2)
    unchanged_except(old, result.data, {"xl/worksheets/sheet5.xml"})
    path.write_bytes(result.data)
    log = openpyxl.load_workbook(path)["Log"]
    for r in range(1, last + 1):  # every old cell as it was
        for c in range(1, 6):
            assert log.cell(r, c).value == before.cell(r, c).value
    new = log.cell(last + 1, 1)
    assert new.value == datetime(2026, 11, 24)
    assert new.number_format == before.cell(last, 1).number_format
    assert [log.cell(last + 2, c).value for c in range(2, 6)] == [
        "HL-1", "HL-TO", "Thank-You Letter Mailed", "=not a formula"]  # fmt: skip
    assert log.cell(last + 2, 5).data_type == "s"  # text, never a formula
    assert str(log.data_validations.dataValidation[0].sqref) == "B2:B1000"  # already covered


def _log_with_table(path: Path, rows: int, *, date1904: bool = False) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    ws = wb.add_worksheet("Log")
    fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    data = [[datetime(2026, 11, 2 + i), f"IV-{i}", "", "Phone Call", f"call {i}"]
            for i in range(rows)]  # fmt: skip
    ws.add_table(0, 0, rows, 4, {"name": "MyLog", "data": data, "columns": [
        {"header": "Date", "format": fmt}, {"header": "Interview ID"}, {"header": "Contact ID"},
        {"header": "Action"}, {"header": "Outcome"}]})  # fmt: skip
    ws.data_validation(1, 3, rows, 3, {"validate": "list", "source": ["Phone Call", "Other"]})
    ws.conditional_format(1, 4, rows, 4, {"type": "text", "criteria": "containing",
                                          "value": "call", "format": fmt})  # fmt: skip
    wb.add_worksheet("Chart data").write("A1", "keep me")
    wb.close()
    return path


@pytest.mark.parametrize("date1904", [False, True])
def test_a_table_validation_and_conditional_format_grow_over_the_new_rows(tmp_path, date1904):
    """Ranges that end on the last row cover the appended rows; dates keep the column format."""
    path = _log_with_table(tmp_path / "t.xlsx", rows=3, date1904=date1904)
    old = path.read_bytes()
    result = append_rows(old, sheet="Log", rows=ROWS, after=1, name="t.xlsx")
    assert result.rows == (5, 6)
    path.write_bytes(result.data)
    wb = openpyxl.load_workbook(path)
    log = wb["Log"]
    assert log.tables["MyLog"].ref == "A1:E6"
    assert str(log.data_validations.dataValidation[0].sqref) == "D2:D6"
    assert [str(r.sqref) for r in log.conditional_formatting] == ["E2:E6"]
    assert log.cell(5, 1).value == datetime(2026, 11, 24)
    assert log.cell(5, 1).number_format == "dd/mm/yyyy"
    assert wb["Chart data"]["A1"].value == "keep me"
    unchanged_except(old, result.data, {"xl/worksheets/sheet1.xml", "xl/tables/table1.xml"})


def test_rows_go_below_anything_typed_further_down_and_fill_preformatted_rows(tmp_path):
    """A note typed far below (in any column) comes first; styled empty rows are filled."""
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Log")
    yellow = wb.add_format({"bg_color": "#FFFF00", "num_format": "yyyy-mm-dd"})
    for c, h in enumerate(["Date", "Interview ID", "Contact ID", "Action", "Outcome"]):
        ws.write(0, c, h)
    ws.write_datetime(1, 0, datetime(2026, 11, 2), yellow)
    ws.write(9, 6, "my own note")  # G10, no header
    for r in range(10, 20):
        ws.write_blank(r, 0, None, yellow)  # pre-formatted, empty
    wb.close()
    result = append_rows(path.read_bytes(), sheet="Log", rows=ROWS[:1], after=1, name="t.xlsx")
    assert result.rows == (11,)
    path.write_bytes(result.data)
    log = openpyxl.load_workbook(path)["Log"]
    assert log["G10"].value == "my own note"
    assert log["A11"].value == datetime(2026, 11, 24)
    assert log["A11"].fill.fgColor.rgb.endswith("FFFF00")
    assert log["A12"].value is None and log["A12"].fill.fgColor.rgb.endswith("FFFF00")


def test_no_such_sheet_is_a_clear_error(tmp_path):
    """Appending to a sheet that is not there says so."""
    path = tmp_path / "t.xlsx"
    write_workbook(path, example=False, today=TODAY)
    with pytest.raises(WriteError, match="there is no worksheet 'Journal'"):
        append_rows(path.read_bytes(), sheet="Journal", rows=ROWS, name="t.xlsx")


#: Corpus workbooks whose first sheet's table has a totals row on its last row: appending
#: there is refused (test_a_totals_row_is_refused), so the corpus loops leave them out.
TOTALS_ROW = {"php_table.xlsx": "the table SalesData has a totals row"}


def test_a_totals_row_is_refused(corpus_dir: Path):
    """Rows are never added under a table's totals row: refused, with how to make room."""
    from test_xlsx_patch import first_sheet_marks

    for name, why in TOTALS_ROW.items():
        old = (corpus_dir / name).read_bytes()
        with pytest.raises(WriteError, match=why):
            append_rows(old, sheet=first_sheet_marks(old).sheet, rows=ROWS, name=name)


def test_corpus_workbooks_keep_every_other_part(corpus_dir: Path):
    """Rows appended to the first sheet of each real workbook change that sheet only."""
    from test_xlsx_patch import UNMARKABLE, first_sheet_marks

    done = 0
    for path in sorted(corpus_dir.glob("*.xlsx")):
        if path.name in UNMARKABLE or path.name in TOTALS_ROW:
            continue
        old = path.read_bytes()
        sheet = first_sheet_marks(old).sheet
        result = append_rows(old, sheet=sheet, rows=ROWS, name=path.name)
        allowed = {m for m in xml_members(old) if m.startswith(("xl/worksheets/", "xl/tables/"))}
        allowed |= {"xl/workbook.xml", "xl/styles.xml"}
        unchanged_except(old, result.data, allowed)
        before, after = read_values(old), read_values(result.data)
        if before is not None:  # every old value kept; the new ones read back
            added = {k: v for k, v in after[sheet].items() if k not in before[sheet]}
            assert {k: v for k, v in after[sheet].items() if k not in added} == before[sheet]
            assert {k for k in added} == result.owned_cells, path.name
            assert {n: c for n, c in after.items() if n != sheet} == {
                n: c for n, c in before.items() if n != sheet}  # fmt: skip
        done += 1
    assert done >= 20


def test_old_rows_keep_their_bytes_and_new_rows_follow_them(tmp_path: Path):
    """The Log's new rows are written into its text after the last row: every old row keeps
    the bytes it was written with, the new ones come after, and rows formatted ahead where
    they go are filled, not doubled."""
    example = tmp_path / "example.xlsx"
    write_workbook(example, example=True, today=TODAY)
    ahead = tmp_path / "ahead.xlsx"
    wb = xlsxwriter.Workbook(str(ahead))
    ws = wb.add_worksheet("Log")
    ws.write_row(0, 0, ["Date", "Interview ID", "Contact ID", "Action", "Outcome"])
    ws.write_row(1, 1, ["HL-1", "HL-RD", "Phone Call"])
    yellow = wb.add_format({"bg_color": "#FFFF00"})
    for r in range(2, 6):
        ws.write_blank(r, 0, None, yellow)
    wb.close()
    cases = {
        "example": example.read_bytes(),
        "table": _log_with_table(tmp_path / "t.xlsx", rows=3).read_bytes(),
        "1904": _log_with_table(tmp_path / "u.xlsx", rows=2, date1904=True).read_bytes(),
        "formatted ahead": ahead.read_bytes(),
    }
    for label, old in cases.items():
        result = append_rows(old, sheet="Log", rows=ROWS, after=1, name="t.xlsx")
        before = xml_members(old)[result.part].decode()
        after = xml_members(result.data)[result.part].decode()
        rows = {int(m[1]): m[0] for m in re.finditer(r'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)',
                                                       before, re.DOTALL)}  # fmt: skip
        for r, text in rows.items():
            if r not in result.rows:
                assert text in after, (label, r)
        numbers = [int(x) for x in re.findall(r'<row r="(\d+)"', after)]
        assert numbers == sorted(set(numbers)), label
        values = read_values(result.data)["Log"]
        assert values[(result.rows[0], 2)] == "HL-1" and values[(result.rows[1], 3)] == "HL-TO"
        if label == "formatted ahead":
            assert result.rows == (3, 4)


def test_an_empty_value_is_no_value(tmp_path: Path):
    """A cell with an empty <v/> holds nothing, as Excel, LibreOffice and calamine read it:
    the new rows go right after the last row with a value, into the row of empty cells."""
    import python_calamine
    from test_xlsx_patch import hand_package

    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
        '<row r="2"><c r="A2"><v>46000</v></c></row><row r="3"><c r="A3" s="0"><v/></c>'
        '<c r="B3"><v></v></c></row></sheetData></worksheet>'
    )
    old = hand_package(sheet)
    read = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(old))
    assert read.get_sheet_by_name("Interviews").to_python() == [["Date"], [46000.0]]
    result = append_rows(old, sheet="Interviews", rows=ROWS[:1], after=1, name="t.xlsx")
    assert result.rows == (3,)
    after = xml_members(result.data)[result.part].decode()
    assert after.count('<row r="3"') == 1 and "<v/>" not in after
    assert read_values(result.data)["Interviews"][(3, 2)] == "HL-1"


def test_rows_taken_back_leave_the_others_as_they_were(tmp_path: Path):
    """`sent --undo` removes exactly the cells it added, and a row left empty goes with them."""
    from followup_xl.xlsx.append import clear_rows

    path = _log_with_table(tmp_path / "t.xlsx", rows=3)
    old = path.read_bytes()
    added = append_rows(old, sheet="Log", rows=ROWS, after=1, name="t.xlsx")
    back = clear_rows(added.data, sheet="Log", cells=added.owned_cells, name="t.xlsx")
    assert read_values(back.data)["Log"] == read_values(old)["Log"]
    assert xml_members(back.data)[back.part].count(b"<row ") == 4
