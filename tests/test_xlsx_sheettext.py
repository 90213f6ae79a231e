"""xlsx.sheettext: which cells hold a value, and a sheet read and written back as text."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from test_xlsx_patch import DUE, NS_MAIN, hand_package

from followup_xl.errors import WriteError
from followup_xl.xlsx.columns import ColumnMarks
from followup_xl.xlsx.package import Package
from followup_xl.xlsx.patch import patch
from followup_xl.xlsx.sheettext import SheetText, holds_value


@pytest.mark.parametrize(
    ("cell", "held"),
    [
        ('<c r="A1"><v>0</v></c>', True),
        ('<c r="A1" t="s"><v>12</v></c>', True),
        ('<c r="A1"><f>1+1</f></c>', True),  # a formula not yet calculated
        ('<c r="A1"><f/></c>', True),
        ('<c r="A1" t="inlineStr"><is><t>x</t></is></c>', True),
        ('<x:c r="A1"><x:v xml:space="preserve"> </x:v></x:c>', True),
        ('<c r="A1"><v><!-----------></v></c>', True),  # CDATA, masked
        ('<c r="A1" s="3"/>', False),  # a style only
        ('<c r="A1" s="3"><v/></c>', False),
        ('<c r="A1"><v></v></c>', False),
        ('<c r="A1"><v /></c>', False),
        ('<x:c r="A1"><x:v/></x:c>', False),
    ],
)
def test_which_cells_hold_a_value(cell: str, held: bool) -> None:
    """A value, formula or inline text is a value; a style or an empty <v/> is none."""
    assert holds_value(cell) is held


def _package(rows: str) -> bytes:
    return hand_package(
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS_MAIN}"><sheetData>'
        f"{rows}</sheetData></worksheet>"
    )


def test_a_sheet_saved_unchanged_is_its_own_rows() -> None:
    """Read and written back without an edit, the rows are the same text, in the same place."""
    rows = ('\n  <row r="1"><c r="A1"><v>1</v></c></row>\n  <!-- kept -->\n  <row><c><v>2</v></c>'
            '</row>\n  <row r="5" spans="1:1"/>\n')  # fmt: skip
    pkg = Package(_package(rows), "t.xlsx")
    text = SheetText(pkg, "xl/worksheets/sheet1.xml", "t.xlsx: Interviews")
    assert text.numbers() == [1, 2, 5]
    assert [c.col for c in text.cells_from_right(2)] == [1]
    text.save()
    assert f"<sheetData>{rows}</sheetData>".encode() in pkg.members["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ('<row r="2"/><row r="2"/>', "has two rows numbered 2"),
        ('<row r="x"/>', "has a row numbered 'x'"),
        ('<row r="2"><c r="2B"><v>1</v></c></row>', "row 2 has a damaged cell reference '2B'"),
        ("</sheetData><sheetData>", "has more than one cell table"),
    ],
)
def test_rows_the_tool_cannot_place_are_refused_by_name(rows: str, message: str) -> None:
    """Rows numbered twice or not at all, or a cell with a broken reference: a located refusal."""
    marks = [ColumnMarks("Interviews", 1, 1, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
    with pytest.raises(WriteError, match=f"^book.xlsx: Interviews {message}"):
        patch(_package(rows), due=DUE, columns=marks, name="book.xlsx")


def test_a_sheet_that_is_not_well_formed_is_refused() -> None:
    """XML that does not parse is never written into: the message says where."""
    old = _package('<row r="1"><c r="A1"><v>1</v></c></row><row>')
    marks = [ColumnMarks("Interviews", 1, 1, (2,), {})]
    with pytest.raises(WriteError, match=r"xl/worksheets/sheet1.xml is not well-formed XML"):
        patch(old, due=DUE, columns=marks, name="book.xlsx")


_REFUSE = """
import sys
from datetime import date
from followup_xl.errors import WriteError
from followup_xl.xlsx.columns import ColumnMarks
from followup_xl.xlsx.patch import patch
marks = [ColumnMarks("Interviews", 1, 1, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
try:
    patch(open(sys.argv[1], "rb").read(), due=None, columns=marks, name="book.xlsx")
except WriteError as exc:
    print(exc)
"""


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="{n}"><c r="A{n}"><v>1</v></c>',  # rows never closed
        '<row r="{n}"><c r="A{n}"><v>1</v></c></row><!--',  # comments never closed
        '<row r="{n}"><c r="A{n}"><v>1</v></c></row><?x',  # instructions never closed
        '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t><![CDATA[1</t></is></c></row>',
    ],
)
def test_a_big_sheet_left_unclosed_everywhere_is_refused_without_hanging(
    rows: str, tmp_path: Path
) -> None:
    """The rows are found while the parser checks the sheet, so every pattern must take time
    linear in the text even when it is not XML: 100,000 openings never closed are refused as
    not well-formed, not searched from each to the end (hours)."""
    body = "".join(rows.format(n=n) for n in range(1, 100_001))
    book = tmp_path / "book.xlsx"
    book.write_bytes(_package(body))
    done = subprocess.run([sys.executable, "-c", _REFUSE, str(book)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "xl/worksheets/sheet1.xml is not well-formed XML" in done.stdout
