"""The sparse sheet reader gives the values pandas' calamine engine gives, cell for cell."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_xlsx_patch import REFUSED

from factory import make_book, write_sheets
from followup_xl.contract import col_letter
from followup_xl.read.formats import format_kind
from followup_xl.read.frames import load_frames
from followup_xl.read.stream import BadSerial, Grid, NoResult, read_sheets, serial_value


def _totals_rows(path: Path) -> dict[str, set[int]]:
    """Return the 0-based rows of each sheet that an Excel table shows as its totals row
    (the reader leaves them out: they sum the records, they are none), read by openpyxl."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    out: dict[str, set[int]] = {}
    try:
        wb = openpyxl.load_workbook(path)
    except Exception:  # a file openpyxl cannot open has no tables it could tell of
        return out
    for ws in wb.worksheets:
        for table in ws.tables.values():
            count = table.totalsRowCount or 0
            if count:
                last = range_boundaries(table.ref)[3]
                out.setdefault(ws.title, set()).update(range(last - count, last))
    return out


def _differences(path: Path) -> list[tuple]:
    frames, date1904 = load_frames(path, "calamine")
    book = read_sheets(path, set(frames), lambda n: n)
    assert book.date1904 == date1904
    totals = _totals_rows(path)
    out = []
    for name, frame in frames.items():
        want = Grid.from_frame(frame).cells
        for r in totals.get(name, set()):
            want.pop(r, None)
        got = book.grids[name].cells
        for r in set(want) | set(got):
            for c in set(want.get(r, {})) | set(got.get(r, {})):
                a, b = want.get(r, {}).get(c), got.get(r, {}).get(c)
                if a is None and isinstance(b, NoResult):
                    continue  # a formula never calculated: calamine reads it as empty
                if a != b or type(a) is not type(b):
                    out.append((path.name, name, r, c, a, b))
    return out


def test_corpus_reads_as_calamine_reads_it(corpus_dir: Path) -> None:
    """Every readable corpus workbook gives the same values, types and date system."""
    paths = [p for p in sorted(corpus_dir.glob("*.xlsx")) if p.name not in REFUSED]
    assert len(paths) > 20
    assert [d for p in paths for d in _differences(p)] == []


def test_typed_values_read_as_calamine_reads_them(tmp_path: Path) -> None:
    """Dates, date-times, times, durations, booleans, numbers, text, 1904 dates agree."""
    import xlsxwriter

    for date1904 in (False, True):
        path = tmp_path / f"types{int(date1904)}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
        ws = wb.add_worksheet("S")
        formats = ["yyyy-mm-dd", "hh:mm", "[h]:mm:ss", "d-mmm-yy", "0.00", "General",
                   "yyyy-mm-dd hh:mm", "m/d/yyyy h:mm AM/PM", '"Total" 0', "mmm yyyy"]  # fmt: skip
        last = 2957003 if date1904 else 2958465  # 9999-12-31 in either system
        values = [46349.4166666666, 1.25, 45000, 3.14159, 7, 45000.999999, 61, 59, last]
        for i, f in enumerate(formats):
            fmt = wb.add_format({"num_format": f})
            for j, v in enumerate(values):
                ws.write_number(j, i, v, fmt)
        ws.write_boolean(20, 0, True)
        ws.write_formula(20, 1, '="a"&"b"', None, "ab")
        ws.write_string(20, 2, "  spaced  ")
        ws.write_string(20, 3, "emoji 😀 and _x000D_ escape")
        wb.close()
        assert _differences(path) == []
    assert _differences(make_book(tmp_path / "book.xlsx", interviews=[{"Interview ID": "A"}])) == []


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
    """Sheets that are not asked for are listed but never parsed."""
    path = write_sheets(tmp_path / "t.xlsx", {"A": [["x"]], "B": [["y"]]})
    book = read_sheets(path, {"a"}, str.lower)
    assert book.sheet_names == ["A", "B"]
    assert list(book.grids) == ["A"]
    assert book.grids["A"].cells == {0: {0: "x"}}


def test_cells_without_references_and_comments_in_rows(tmp_path: Path) -> None:
    """Cells without an r attribute follow each other; comments inside a row are skipped."""
    from hostile import add_cells

    path = write_sheets(tmp_path / "t.xlsx", {"S": [["head"]]})
    add_cells(path, 0, '<row r="5"><!-- note --><c t="inlineStr"><is><t>a</t></is></c>'
              '<c t="inlineStr"><is><t>b</t></is></c></row><row><c><v>7</v></c></row>')  # fmt: skip
    grid = read_sheets(path, {"S"}, lambda n: n).grids["S"]
    assert grid.cells == {0: {0: "head"}, 4: {0: "a", 1: "b"}, 5: {0: 7}}


# The scanner: the common cells read by pattern, checked against the streaming lxml reader.

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
    # attributes in other orders and kinds, quotes, a > in a value, $ and lower-case refs
    '<row r="4"><c t="inlineStr" r="A4"><is><t>t first</t></is></c>'
    '<c r="B4" s="1" t="n" cm="1"><v>46351</v></c>'
    "<c r='C4' t='inlineStr'><is><t>single</t></is></c>"
    '<c r="D4" odd="a&gt;b>c" t="inlineStr"><is><t>gt</t></is></c>'
    '<c r="$E$4" t="inlineStr"><is><t>dollars</t></is></c>'
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


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, int]:
    """Return (scanned, streamed, scanned sheets): read_some and read_sheets, both ways."""
    from followup_xl.read import stream

    out = []
    scanned = 0
    real = stream._scan

    def counting(*args: Any) -> None:
        nonlocal scanned
        scanned += 1
        real(*args)

    monkeypatch.setattr(stream, "_scan", counting)
    for scan in (True, False):
        monkeypatch.setattr(stream, "SCAN", scan)
        try:
            values = stream.read_some(path.read_bytes(), None)
            book = stream.read_sheets(path, {"S"}, lambda n: n)
            got: Any = (values, {n: (g.cells, g.far) for n, g in book.grids.items()},
                        [str(p) for p in book.problems])  # fmt: skip
        except Exception as exc:  # the same refusal, whichever way (lxml words it its way)
            got = type(exc).__name__
        out.append(got)
    return out[0], out[1], scanned


def test_the_scanner_reads_odd_cells_as_the_streaming_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entities, runs, formulas, types, attribute orders, far cells: the same values."""
    scanned, streamed, n = _both(_book(tmp_path, _sheet(_ODD_ROWS)), monkeypatch)
    assert n > 0, "the scanner was not used"
    assert scanned == streamed
    cells = streamed[1]["S"][0]
    assert cells[0][0] == "Tom & Ann <3 \nx😀" and cells[0][1] == "  kept  "
    assert cells[0][2] == "trimmed" and cells[0][3] == "a\rb\nc"
    assert cells[1][0] == "bold" and cells[1][1] == "line\rbreak 😀"
    assert cells[2][7] == datetime(2026, 11, 24) and cells[2][11] == "zero"
    assert cells[3][0] == "t first" and cells[3][4] == "dollars" and cells[3][5] == "lower"


_PREFIXED = (
    f'<?xml version="1.0"?><x:worksheet xmlns:x="{_MAIN}"><x:sheetData><x:row r="1">'
    '<x:c r="A1" t="inlineStr"><x:is><x:t>p</x:t></x:is></x:c></x:row></x:sheetData>'
    "</x:worksheet>"
).encode()
_LEFT_TO_LXML = {
    "positional cells": _sheet(
        '<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>'
    ),
    "prefixed elements": _PREFIXED,
    "a prefix for the main namespace too": _sheet(
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>p</x:t></x:is></x:c></x:row>'
        '<row r="2"><c r="A2"><v>2</v></c></row>',
        root=f'<worksheet xmlns="{_MAIN}" xmlns:x="{_MAIN}">',
    ),
    "a cell in another namespace": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c><q:c xmlns:q="urn:q" r="B1"><q:v>2</q:v></q:c></row>'
    ),
    "a comment": _sheet('<row r="1"><!-- <c r="A1"><v>1</v></c> --><c r="B1"><v>2</v></c></row>'),
    "CDATA": _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<c r="Z9">]]></t></is></c></row>'
    ),
    "a cell in a cell": _sheet(
        '<row r="1"><c r="A1"><extLst><ext><c r="B1" xmlns="urn:x"><v>9</v></c></ext>'
        "</extLst><v>1</v></c></row>"
    ),
    "a default namespace redeclared": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        head='<extLst><ext uri="u"><q xmlns="urn:q"><c r="B1"><v>5</v></c></q></ext></extLst>',
    ),
    "UTF-16": _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>ü</t></is></c></row>')
    .decode()
    .replace("UTF-8", "UTF-16")
    .encode("utf-16"),
    "not well-formed": _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row>'),
    "an undefined entity": _sheet('<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>'),
    "a DTD": _sheet("").replace(b"\n<worksheet", b'\n<!DOCTYPE w [<!ENTITY e "x">]><worksheet'),
}


@pytest.mark.parametrize("label", sorted(_LEFT_TO_LXML))
def test_xml_the_scanner_does_not_read_goes_to_lxml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    """Whatever the scanner leaves (or refuses) reads, or is refused, as the streaming reader."""
    scanned, streamed, _ = _both(_book(tmp_path, _LEFT_TO_LXML[label]), monkeypatch)
    assert scanned == streamed, label


def test_the_scanner_keeps_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Too long a cell, a header past the last column read: the same located problems."""
    from followup_xl.read.sniff import MAX_CELL_CHARS, MAX_COLUMNS

    far = col_letter(MAX_COLUMNS + 2)
    rows = (f'<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c><c r="{far}1" '
            f't="inlineStr"><is><t>far header</t></is></c></row><row r="2"><c r="A2" '
            f'>_</c><c r="B2" t="inlineStr"><is><t>{"x" * (MAX_CELL_CHARS + 1)}</t></is></c>'
            f'<c r="{far}2"><v>1</v></c></row>')  # fmt: skip
    scanned, streamed, n = _both(_book(tmp_path, _sheet(rows)), monkeypatch)
    assert n > 0 and scanned == streamed
    problems = streamed[2]
    assert len(problems) == 2 and "32,767" in problems[1] and "header beyond" in problems[0]


def test_the_scanner_reads_the_corpus_as_the_streaming_reader(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus workbook, every sheet: the same values and problems either way."""
    paths = [p for p in sorted(corpus_dir.glob("*.xlsx")) if p.name not in REFUSED]
    total = 0
    for path in paths:
        from followup_xl.read import stream

        monkeypatch.setattr(stream, "SCAN", True)
        names = stream.read_some(path.read_bytes(), None)[0]
        for scan in (True, False):
            monkeypatch.setattr(stream, "SCAN", scan)
            got = stream.read_some(path.read_bytes(), None)
            book = stream.read_sheets(path, set(names), lambda n: n)
            if scan:
                first = (got, {n: g.cells for n, g in book.grids.items()}, book.problems)
                total += sum(len(v) for v in got[1].values())
            else:
                assert first == (got, {n: g.cells for n, g in book.grids.items()}, book.problems)
    assert total > 1000
