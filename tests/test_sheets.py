"""The sparse sheet reader gives the values pandas' calamine engine gives, cell for cell."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from factory import make_book, write_sheets
from followup_xl.read.formats import format_kind
from followup_xl.read.frames import load_frames
from followup_xl.read.stream import BadSerial, Grid, read_sheets, serial_value


def _differences(path: Path) -> list[tuple]:
    frames, date1904 = load_frames(path, "calamine")
    book = read_sheets(path, set(frames), lambda n: n)
    assert book.date1904 == date1904
    out = []
    for name, frame in frames.items():
        want = Grid.from_frame(frame).cells
        got = book.grids[name].cells
        for r in set(want) | set(got):
            for c in set(want.get(r, {})) | set(got.get(r, {})):
                a, b = want.get(r, {}).get(c), got.get(r, {}).get(c)
                if a != b or type(a) is not type(b):
                    out.append((path.name, name, r, c, a, b))
    return out


def test_corpus_reads_as_calamine_reads_it(corpus_dir: Path) -> None:
    """Every readable corpus workbook gives the same values, types and date system."""
    paths = [p for p in sorted(corpus_dir.glob("*.xlsx")) if "encrypted" not in p.name]
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
