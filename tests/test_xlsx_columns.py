"""xlsx.splice: marks spliced into the rows' text read as the tree's, and are its very bytes
wherever lxml writes the user's rows back unchanged; rows the tool does not write keep theirs.

The reference is SheetMarker, which parses the whole sheet (splice.SPLICE = False).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from test_xlsx_patch import (
    CORPUS_XLSX,
    DUE,
    NS_MAIN,
    UNMARKABLE,
    contract_marks,
    first_sheet_marks,
    hand_package,
    rich_workbook,
)

from followup_xl.errors import WriteError
from followup_xl.marks import read_values
from followup_xl.xlsx import splice
from followup_xl.xlsx.columns import ColumnMarks
from followup_xl.xlsx.package import xml_members
from followup_xl.xlsx.patch import PatchResult, patch


def both(old: bytes, columns: list[ColumnMarks], monkeypatch: pytest.MonkeyPatch,
         **kw: Any) -> tuple[PatchResult, PatchResult, int]:  # fmt: skip
    """Return the patch spliced, the patch through the tree, and how many sheets were spliced."""
    spliced = 0
    real = splice.SpliceMarker._save

    def counting(self: splice.SpliceMarker) -> None:
        nonlocal spliced
        spliced += 1
        real(self)

    monkeypatch.setattr(splice.SpliceMarker, "_save", counting)
    out = []
    for on in (True, False):
        monkeypatch.setattr(splice, "SPLICE", on)
        out.append(patch(old, due=DUE, columns=columns, name="book.xlsx", **kw))
    monkeypatch.setattr(splice, "SPLICE", True)
    return out[0], out[1], spliced


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def assert_same_workbook(a: PatchResult, b: PatchResult, *, same_bytes: bool) -> None:
    """The same values everywhere; the same XML (or bytes) in every part."""
    assert read_values(a.data) == read_values(b.data)
    assert (a.owned_cells, a.mark_columns, a.had_owner_marks) == (
        b.owned_cells, b.mark_columns, b.had_owner_marks)  # fmt: skip
    ma, mb = xml_members(a.data), xml_members(b.data)
    assert ma.keys() == mb.keys()
    for name in ma:
        if same_bytes or name not in a.mark_parts.values():
            assert ma[name] == mb[name], name
        else:
            assert canonical(ma[name]) == canonical(mb[name]), name
    if same_bytes:
        assert a.data == b.data


@pytest.mark.parametrize("name", [n for n in CORPUS_XLSX if n not in UNMARKABLE] or ["<none>"])
def test_corpus_marks_read_as_the_trees(
    corpus_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus workbook, marked and marked again: the same workbook either way."""
    old = (corpus_dir / name).read_bytes()
    marks = [first_sheet_marks(old)]
    spliced, tree, _ = both(old, marks, monkeypatch)
    assert_same_workbook(spliced, tree, same_bytes=False)
    again_spliced, again_tree, _ = both(spliced.data, marks, monkeypatch)
    assert_same_workbook(again_spliced, again_tree, same_bytes=False)


def test_most_of_the_corpus_is_spliced(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The splicer is not bypassed: it writes the sheets of most real-world workbooks."""
    names = [n for n in CORPUS_XLSX if n not in UNMARKABLE]
    count = 0
    for name in names:
        old = (corpus_dir / name).read_bytes()
        count += both(old, [first_sheet_marks(old)], monkeypatch)[2]
    assert count >= len(names) - 3, f"{count} of {len(names)} spliced"


def test_workbooks_excel_writers_make_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XlsxWriter's and the tool's own workbooks: the tree's very bytes, first run and rerun."""
    from followup_xl.template import write_workbook

    rich = rich_workbook(tmp_path / "rich.xlsx", rows=30).read_bytes()
    spliced, tree, n = both(rich, contract_marks(30), monkeypatch)
    assert n == 2
    assert_same_workbook(spliced, tree, same_bytes=True)
    marks = contract_marks(30)
    marks[0] = ColumnMarks("Interviews", 1, 6, marks[0].data_rows,
                           {5: ("Note card", date(2026, 12, 3), "DUE")})  # fmt: skip
    again = both(spliced.data, marks, monkeypatch)
    assert again[2] == 2
    assert_same_workbook(again[0], again[1], same_bytes=True)
    write_workbook(tmp_path / "example.xlsx", example=True, today=date(2026, 11, 26))
    example = (tmp_path / "example.xlsx").read_bytes()
    from followup_xl.read.reader import read_workbook
    from followup_xl.rules import due_actions
    from followup_xl.run import column_marks

    book = read_workbook(tmp_path / "example.xlsx").book
    actions = due_actions(book, date(2026, 11, 26))
    for _ in range(2):
        spliced, tree, n = both(example, column_marks(book, actions), monkeypatch)
        assert n == 2
        assert_same_workbook(spliced, tree, same_bytes=True)
        example = spliced.data


def _sheet(rows: str, extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}">'
        f'<dimension ref="A1:C4"/><sheetData>{rows}</sheetData>{extra}</worksheet>'
    )


_HEAD = ('<row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t>Interview ID</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>Company</t></is></c></row>')  # fmt: skip
HAND = {
    "a user's cell right of the marks": _HEAD + (
        '<row r="2" spans="1:8"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c>'
        '<c r="H2"><v>7</v></c></row>'),
    "an empty row, and rows to add between": _HEAD + (
        '<row r="3"/><row r="6"><c r="A6" t="inlineStr"><is><t>A-6</t></is></c></row>'),
    "a row's own extension after its cells": _HEAD + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c><extLst><ext uri="u">'
        '<q:x xmlns:q="urn:q"/></ext></extLst></row>'),
    "rows laid out on lines": "\n  " + _HEAD.replace("><c", ">\n    <c").replace(
        "</row>", "\n  </row>") + '\n  <row r="2">\n    <c r="A2"><v>1</v></c>\n  </row>\n',
    "marks of an earlier run, a formula among them": _HEAD.replace("</row>", (
        '<c r="C1" t="inlineStr"><is><t>Next Action</t></is></c><c r="D1" t="inlineStr"><is>'
        '<t>Next Due</t></is></c><c r="E1" t="inlineStr"><is><t>Follow-up Status</t></is></c>'
        "</row>")) + ('<row r="2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c><c r="C2">'
        '<f>1+1</f><v>2</v></c><c r="E2" t="inlineStr"><is><t>DUE</t></is></c></row>'),
    "values Excel escapes": _HEAD + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a&amp;b&lt;c </t></is>'
        '</c><c r="B2" t="str"><v>x&gt;y</v></c></row>'),
}  # fmt: skip


@pytest.mark.parametrize("label", sorted(HAND))
def test_hand_made_rows_get_the_trees_bytes(label: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Odd but plain rows: the same bytes as the tree writes, marks and all."""
    old = hand_package(_sheet(HAND[label]))
    values = {2: ("Call", date(2026, 12, 1), "DUE"), 5: ("Letter", date(2026, 11, 30), "OVERDUE")}
    marks = [ColumnMarks("Interviews", 1, 2, (2, 3, 4, 5, 6), values)]
    spliced, tree, n = both(old, marks, monkeypatch, take_over=True)
    assert n == 1, "not spliced"
    assert_same_workbook(spliced, tree, same_bytes=True)


def test_rows_the_tool_does_not_write_keep_their_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """lxml would rewrite an empty <t></t> and a character reference; the splicer keeps them."""
    kept = '<row r="3"><c r="A3" t="inlineStr"><is><t></t></is></c><c r="B3" t="inlineStr"><is><t>caf&#233;</t></is></c></row>'  # noqa: E501
    old = hand_package(_sheet(_HEAD + kept))
    marks = [ColumnMarks("Interviews", 1, 2, (2, 3), {2: ("Call", date(2026, 12, 1), "DUE")})]
    spliced, tree, n = both(old, marks, monkeypatch)
    assert n == 1
    assert_same_workbook(spliced, tree, same_bytes=False)
    part = spliced.mark_parts["Interviews"]
    assert kept.encode() in xml_members(spliced.data)[part]
    assert kept.encode() not in xml_members(tree.data)[part]


@pytest.mark.parametrize(
    ("label", "sheet_xml"),
    [
        ("cells placed by position", _sheet(_HEAD + '<row r="2"><c><v>1</v></c></row>')),
        ("a comment", _sheet(_HEAD + "<!-- note -->")),
        ("rows out of order", _sheet('<row r="2"><c r="A2"><v>1</v></c></row>' + _HEAD)),
        ("a reference after a style",
         _sheet(_HEAD + '<row r="2"><c s="0" r="A2"><v>1</v></c></row>')),
        ("a prefix for the main namespace", _sheet(_HEAD + '<x:row r="2"><x:c r="C2"><x:v>1</x:v>'
         "</x:c></x:row>").replace(f'<worksheet xmlns="{NS_MAIN}">',
                                   f'<worksheet xmlns="{NS_MAIN}" xmlns:x="{NS_MAIN}">')),
    ],
)  # fmt: skip
def test_sheets_it_cannot_splice_go_through_the_tree(
    label: str, sheet_xml: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XML the patterns do not describe exactly is marked through the tree."""
    old = hand_package(sheet_xml)
    marks = [ColumnMarks("Interviews", 1, 2, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
    spliced, tree, n = both(old, marks, monkeypatch)
    assert n == 0, label
    assert spliced.data == tree.data


def test_a_shared_formula_in_a_mark_column_is_refused_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The splicer checks the cells it replaces as the tree does."""
    rows = HAND["marks of an earlier run, a formula among them"].replace(
        "<f>1+1</f>", '<f t="shared" ref="C2:C3" si="0">1+1</f>'
    )
    old = hand_package(_sheet(rows))
    marks = [ColumnMarks("Interviews", 1, 2, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
    for on in (True, False):
        monkeypatch.setattr(splice, "SPLICE", on)
        with pytest.raises(WriteError, match=r"Interviews!C2 holds a formula shared with C2:C3"):
            patch(old, due=DUE, columns=marks, name="book.xlsx", take_over=True)


def test_the_splicer_never_holds_the_sheet_as_a_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the sheet without its rows is parsed: its size does not follow the rows'."""
    from followup_xl.xlsx import columns

    rows = _HEAD + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>A-{r}</t></is></c></row>'
        for r in range(2, 2002)
    )
    old = hand_package(_sheet(rows))
    sizes = []
    real = splice.SpliceMarker._load

    def measured(self: splice.SpliceMarker) -> etree._ElementTree:
        tree = real(self)
        sizes.append(sum(1 for _ in tree.iter()))
        return tree

    monkeypatch.setattr(splice.SpliceMarker, "_load", measured)
    values = {r: ("Call", date(2026, 12, 1), "DUE") for r in range(2, 2002)}
    result = patch(old, due=DUE, columns=[ColumnMarks("Interviews", 1, 2, tuple(values), values)],
                   name="book.xlsx")  # fmt: skip
    assert sizes and max(sizes) < 10, sizes
    assert read_values(result.data)["Interviews"][(2001, 3)] == "Call"
    assert columns  # the tree marker stays the reference
    assert zipfile.ZipFile(io.BytesIO(result.data)).testzip() is None


def test_a_patch_that_differs_only_in_its_due_sheet_reuses_the_marked_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run plans its patch, renders the letters, then writes a Due sheet that lists them:
    the marked sheets handed over are not made twice, and the workbook is the one made from
    scratch; sheets marked from another workbook or other marks are never used."""
    from followup_xl.xlsx.duesheet import DueTable

    old = rich_workbook(tmp_path / "rich.xlsx", rows=30).read_bytes()
    marks = contract_marks(30)
    made = []
    real = splice.marker
    monkeypatch.setattr(splice, "marker", lambda *a: made.append(1) or real(*a))
    planned = patch(old, due=DUE, columns=marks, name="book.xlsx", remember=True)
    assert len(made) == 2
    # the plan says what will be marked but builds no Due sheet and no file: the write does
    assert planned.data == b"" and not planned.due_part and planned.marked is not None
    assert set(planned.mark_parts) == {"Interviews", "Contacts"} and planned.owned_cells
    listed = DueTable(rows=[(*row[:8], "2026-11-25 Thank-you letter to Pat Lee.docx", row[9])
                            for row in DUE.rows], overdue=DUE.overdue)  # fmt: skip
    reused = patch(old, due=listed, columns=marks, name="book.xlsx", marked=planned.marked)
    assert len(made) == 2, "the marked sheets were made again"
    fresh = patch(old, due=listed, columns=marks, name="book.xlsx")
    assert len(made) == 4
    assert reused.data == fresh.data
    assert (reused.owned_cells, reused.mark_columns) == (fresh.owned_cells, fresh.mark_columns)
    other = contract_marks(29)
    assert patch(old, due=listed, columns=other, name="book.xlsx", marked=planned.marked).data == (
        patch(old, due=listed, columns=other, name="book.xlsx").data)  # fmt: skip
    assert len(made) == 8
    changed = rich_workbook(tmp_path / "other.xlsx", rows=31).read_bytes()
    patch(changed, due=listed, columns=marks, name="book.xlsx", marked=planned.marked)
    assert len(made) == 10
