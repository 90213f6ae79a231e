"""The pre-check: one pass over the contract sheets' XML before pandas reads them.

It refuses a grid that would explode and finds the cells calamine reads differently from
Excel (serials that are no day, formulas never calculated); what pandas then reads is checked
against what a user would see in the cell.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from test_xlsx_patch import REFUSED

from factory import write_sheets
from followup_xl.read.formats import format_kind
from followup_xl.read.frames import read_frames
from followup_xl.read.precheck import BadSerial, NoResult, precheck, serial_value


def _read(path: Path, sheet: str = "S") -> tuple[list[list[object]], list[str]]:
    """Return a sheet as the reader has it, and the pre-check's problems."""
    checked = precheck(path, {sheet}, lambda name: name)
    problems = [str(p) for p in checked.problems]
    if problems:
        return [], problems
    return read_frames(path, checked)[sheet].rows, []


def test_corpus_workbooks_pass_the_precheck_without_a_false_finding(corpus_dir: Path) -> None:
    """Every readable corpus workbook: no refusal, no odd cell; only php_table's totals row."""
    paths = [p for p in sorted(corpus_dir.glob("*.xlsx")) if p.name not in REFUSED]
    assert len(paths) > 20
    found = {}
    for path in paths:
        checked = precheck(path, {"*"}, lambda name: "*")
        assert checked.problems == [], path.name
        assert checked.sheets, path.name
        for name, sheet in checked.sheets.items():
            if sheet.odd or sheet.totals:
                found[path.name, name] = (sheet.odd, sheet.totals)
    assert found == {("php_table.xlsx", "Worksheet"): ({}, {15})}


@pytest.mark.parametrize(
    ("serial", "kind", "expected"),
    [
        (1, "date", datetime(1900, 1, 1)),
        (59, "date", datetime(1900, 2, 28)),
        (61, "date", datetime(1900, 3, 1)),
        (2958465, "date", datetime(9999, 12, 31)),
        (46349.75, "date", datetime(2026, 11, 23, 18, 0)),
        (0.5, "time", time(12, 0)),
        (1.5, "duration", timedelta(hours=36)),
    ],
)
def test_serials_in_excels_range(serial: float, kind: str, expected: object) -> None:
    """Every serial Excel shows as a real day converts to that day."""
    assert serial_value(serial, kind, False) == expected


@pytest.mark.parametrize(
    ("serial", "why"),
    [
        (60, "1900-02-29, a day that never existed"),
        (0, "day 0 of Excel's calendar"),
        (0.25, "day 0 of Excel's calendar"),
        (-1, "negative date serial"),
        (2958466, "after 9999-12-31"),
    ],
)
def test_serials_outside_excels_calendar_say_why(serial: float, why: str) -> None:
    """Serial 60, 0 and below, and after 9999-12-31 are no day: the value says why."""
    value = serial_value(serial, "date", False)
    assert isinstance(value, BadSerial)
    assert why in value.why


def test_1904_serials() -> None:
    """In the 1904 system serial 0 is 1904-01-01 and 60 is an ordinary day."""
    assert serial_value(0, "date", True) == datetime(1904, 1, 1)
    assert serial_value(60, "date", True) == datetime(1904, 3, 1)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("yyyy-mm-dd", "date"),
        ("[$-409]mmmm d, yyyy;@", "date"),
        ("h:mm AM/PM", "time"),
        ("mm:ss", "time"),
        ("[h]:mm", "duration"),
        ('0.00 "days"', None),
        ("#,##0;[Red]-#,##0", None),
        ("General", None),
        ("0.00E+00", None),
    ],
)
def test_number_format_kinds(code: str, kind: str | None) -> None:
    """Date, time and duration formats are told apart; quoted text and colours are not dates."""
    assert format_kind(code) == kind


def test_only_the_sheets_asked_for_are_read(tmp_path: Path) -> None:
    """Sheets that are not asked for are listed but never read."""
    path = write_sheets(tmp_path / "t.xlsx", {"A": [["x"]], "B": [["y"]]})
    checked = precheck(path, {"a"}, str.lower)
    assert checked.sheet_names == ["A", "B"]
    assert list(checked.sheets) == ["A"]
    assert {n: g.rows for n, g in read_frames(path, checked).items()} == {"A": [["x"]]}


def test_cells_without_references_and_comments_in_rows(tmp_path: Path) -> None:
    """Cells without an r attribute follow each other; comments inside a row are skipped."""
    from hostile import add_cells

    path = write_sheets(tmp_path / "t.xlsx", {"S": [["head"]]})
    add_cells(path, 0, '<row r="5"><!-- note --><c t="inlineStr"><is><t>a</t></is></c>'
              '<c t="inlineStr"><is><t>b</t></is></c></row><row><c><v>7</v></c></row>')  # fmt: skip
    rows, problems = _read(path)
    assert problems == []
    assert rows == [["head", ""], ["", ""], ["", ""], ["", ""], ["a", "b"], [7, ""]]


# Odd cells: what Excel, LibreOffice, openpyxl and XlsxWriter write, and what none of them do.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ODD_ROWS = (
    # entities, numeric references, raw CR LF, a preserved and an unpreserved <t>
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Tom &amp; Ann &lt;3 &#10;x&#x1F600;</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>  trimmed\r\n  </t></is></c>'
    '<c r="D1" t="str"><v>a&#13;b\r\nc</v></c><c r="E1" t="inlineStr"><is><t></t></is></c></row>'
    # rich text and phonetic runs, Excel's escapes, a broken emoji half
    '<row r="2"><c r="A2" t="inlineStr"><is><r><t>bo</t></r><r><rPr><b/></rPr><t>ld</t></r>'
    "<rPh><t>no</t></rPh></is></c>"
    '<c r="B2" t="inlineStr"><is><t>line_x000D_break _xD83D__xDE00_</t></is></c>'
    '<c r="C2" t="inlineStr"><v>ignored</v></c><c r="D2" t="inlineStr"/></row>'
    # formulas, booleans, errors, ISO dates, empty values, dates by style, numbers
    '<row r="3"><c r="A3"><f>1+1</f><v>2</v></c><c r="B3"><f t="shared" ref="B3:B4" si="0">A3</f>'
    '<v>2.5</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="e"><v>#N/A</v></c>'
    '<c r="E3" t="d"><v>2026-11-26T10:30:00</v></c><c r="F3"><v></v></c><c r="G3" s="1"/>'
    '<c r="H3" s="1"><v>46350</v></c><c r="I3" s="1"><v>46350.75</v></c><c r="J3"><v> 7 </v></c>'
    '<c r="K3" t="n"><v>1e3</v></c><c r="L3" t="s"><v>0</v></c><c r="M3"><v>abc</v></c></row>'
    # attributes in other orders and kinds, quotes, a > in a value, a lower-case ref
    '<row r="4"><c t="inlineStr" r="A4"><is><t>t first</t></is></c>'
    '<c r="B4" s="1" t="n" cm="1"><v>46351</v></c>'
    "<c r='C4' t='inlineStr'><is><t>single</t></is></c>"
    '<c r="D4" odd="a&gt;b>c" t="inlineStr"><is><t>gt</t></is></c>'
    '<c r="f4" t="inlineStr"><is><t>lower</t></is></c>'
    '<c r="G4" t="inlineStr" ><is><t>space</t></is></c ></row>'
    # far cells
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row>'
)


def _sheet(rows: str, *, head: str = "", root: str = f'<worksheet xmlns="{_MAIN}">') -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}{head}<sheetData>'
        f"{rows}</sheetData></worksheet>"
    ).encode()


def _book(tmp_path: Path, sheet_xml: bytes, name: str = "odd.xlsx") -> Path:
    """Return a workbook whose one sheet S is the given XML (style 1 is a date, string 0 "zero")."""
    import xlsxwriter
    from hostile import rewrite

    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_datetime(0, 0, datetime(2026, 1, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_string(0, 1, "zero")
    wb.close()
    return rewrite(path, {"xl/worksheets/sheet1.xml": sheet_xml})


def test_odd_cells_read_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    """Entities, runs, escapes, formulas, types, attribute orders: what the cell shows."""
    rows, problems = _read(_book(tmp_path, _sheet(_ODD_ROWS.split('<row r="1048576">')[0])))
    assert problems == []
    assert rows[0][:5] == ["Tom & Ann <3 \nx😀", "  kept  ", "trimmed", "a\rb\nc", ""]
    assert rows[1][0] == "bold" and rows[1][1].startswith("line\rbreak")  # type: ignore[union-attr]
    assert rows[2][:3] == [2, 2.5, True]
    assert rows[2][4] == datetime(2026, 11, 26, 10, 30)
    assert rows[2][7:9] == [datetime(2026, 11, 24), datetime(2026, 11, 24, 18, 0)]
    assert rows[3][0] == "t first" and rows[3][2] == "single" and rows[3][3] == "gt"


def test_a_far_value_is_refused_naming_its_cell(tmp_path: Path) -> None:
    """One value at XFD1048576 would mean 17 billion cells: refused at once, the cell named."""
    _, problems = _read(_book(tmp_path, _sheet(_ODD_ROWS)))
    assert len(problems) == 1
    assert problems[0].startswith("odd.xlsx: S!XFD1048576: has a cell beyond") or (
        "S!XFD1048576: holds a value far from the rest of the sheet" in problems[0]
    )


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ('<c r="A2" s="1"><v>60</v></c>', "1900-02-29"),
        ('<c r="A2" s="1"><v>0</v></c>', "day 0"),
        ('<c r="A2" s="1"><v>-3</v></c>', "negative"),
        ('<c r="A2" s="1"><v>2958466</v></c>', "after 9999-12-31"),
        ('<c r="A2" s="1"><v>1E+7</v></c>', "after 9999-12-31"),
        ('<c r="A2"><f>TODAY()</f></c>', None),
        ('<c r="A2"><f>TODAY()</f><v/></c>', None),
    ],
)
def test_cells_calamine_reads_otherwise_are_found(
    tmp_path: Path, cell: str, why: str | None
) -> None:
    """A date serial that is no day is a BadSerial (calamine would show 1900-02-28, or a time);
    a formula never calculated is a NoResult (calamine would read it as empty)."""
    for prefix in ("", "x:"):
        xml = _sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
                     f"<row r=\"2\">{cell}</row>")  # fmt: skip
        if prefix:
            xml = xml.replace(b"<", b"<x:").replace(b"<x:/", b"</x:").replace(b"<x:?", b"<?")
            xml = xml.replace(b"</x:", b"</x:").replace(b"xmlns=", b"xmlns:x=")
        rows, problems = _read(_book(tmp_path, xml, f"odd{len(prefix)}.xlsx"))
        assert problems == []
        value = rows[1][0]
        if why is None:
            assert isinstance(value, NoResult), (prefix, value)
        else:
            assert isinstance(value, BadSerial) and why in value.why, (prefix, value)


def test_a_number_in_a_plain_cell_is_no_date(tmp_path: Path) -> None:
    """60, 0 and -3 without a date format are numbers: nothing is put in their place."""
    xml = _sheet('<row r="1"><c r="A1"><v>60</v></c><c r="B1"><v>0</v></c>'
                 '<c r="C1"><v>-3</v></c><c r="D1" t="s"><v>0</v></c></row>')  # fmt: skip
    rows, problems = _read(_book(tmp_path, xml))
    assert (rows[0], problems) == ([60, 0, -3, "zero"], [])


def test_a_long_log_is_no_far_grid(tmp_path: Path) -> None:
    """50,000 rows in five columns: every row holds data, so nothing is refused."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="E{r}"><v>1</v></c></row>'
                   for r in range(1, 50_001))  # fmt: skip
    rows, problems = _read(_book(tmp_path, _sheet(body)))
    assert problems == [] and len(rows) == 50_000 and rows[-1][0] == 50_000


def test_a_row_beyond_excels_last_is_refused(tmp_path: Path) -> None:
    """Row 1,048,577 cannot exist in a file Excel or LibreOffice saved: refused at once."""
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>'
                 '<row r="1048577"><c r="A1048577"><v>1</v></c></row>')  # fmt: skip
    _, problems = _read(_book(tmp_path, xml))
    assert problems == [
        "odd.xlsx: S!1048577:1048577: has a cell beyond the last row or column Excel has "
        "(row 1,048,576, column XFD) — the file was not saved by Excel or LibreOffice: open it "
        "in one of them and save it again"
    ]
