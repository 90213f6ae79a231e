"""xlsx.columns: the mark columns are written into the rows' text; every row the tool does not
write keeps its bytes, whatever XML the sheet is written in."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from test_xlsx_patch import (
    CORPUS_XLSX,
    DUE,
    NS_MAIN,
    UNMARKABLE,
    first_sheet_marks,
    hand_package,
)

from factory import read_values
from followup_xl.errors import WriteError
from followup_xl.xlsx import sheettext
from followup_xl.xlsx.columns import ColumnMarks
from followup_xl.xlsx.package import xml_members
from followup_xl.xlsx.patch import patch

STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
#: A row element of any prefix, empty or not, as a test finds them in a sheet's text.
ROW = re.compile(r"<((?:\w+:)?)row[\s>/](?:[^>]*/>|.*?</\1row>)", re.DOTALL)


def numbered_rows(xml: str) -> list[tuple[int, str]]:
    """Return a sheet's row elements with their numbers, in order (rows without r follow the
    one before)."""
    hidden = re.sub(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", lambda m: "_" * len(m[0]), xml,
                    flags=re.DOTALL)  # fmt: skip
    out = []
    last = 0
    for m in ROW.finditer(hidden):
        number = re.match(r"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d+)", m[0])
        last = int(number[1]) if number else last + 1
        out.append((last, xml[m.start() : m.end()]))
    return out


def rows_by_number(xml: str) -> dict[int, str]:
    """Return a sheet's row elements by number, as text."""
    return dict(numbered_rows(xml))


def assert_other_rows_kept(old: bytes, new: bytes, part: str, written: set[int]) -> None:
    """Every row of `part` outside `written` is in the new sheet with the same bytes."""
    before = rows_by_number(xml_members(old)[part].decode("utf-8"))
    after = rows_by_number(xml_members(new)[part].decode("utf-8"))
    for r, text in before.items():
        if r not in written:
            assert after.get(r) == text, f"row {r} changed"


@pytest.mark.parametrize("name", [n for n in CORPUS_XLSX if n not in UNMARKABLE] or ["<none>"])
def test_corpus_rows_the_tool_does_not_write_keep_their_bytes(corpus_dir: Path, name: str) -> None:
    """Each real workbook, marked twice: only the rows with a mark cell change at all."""
    old = (corpus_dir / name).read_bytes()
    marks = first_sheet_marks(old)
    for _ in range(2):
        result = patch(old, due=DUE, columns=[marks], name=name)
        part = result.mark_parts[marks.sheet]
        written = {r for r, _ in result.owned_cells[marks.sheet]}
        assert_other_rows_kept(old, result.data, part, written)
        old = result.data


def _sheet(rows: str, extra: str = "", root: str = f'<worksheet xmlns="{NS_MAIN}">') -> str:
    name = root[1:].split()[0].rstrip(">")
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}'
        f'<dimension ref="A1:C4"/><sheetData>{rows}</sheetData>{extra}</{name}>'
    )


def _prefixed(xml: str, prefix: str = "x") -> str:
    """Return sheet XML with every element of the main namespace named through `prefix`."""
    return re.sub(r"<(/?)(?=(?:worksheet|dimension|sheetData|row|c|is|t|v|f|extLst)[\s/>])",
                  rf"<\1{prefix}:", xml)  # fmt: skip


_HEAD = ('<row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t>Interview ID</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>Company</t></is></c></row>')  # fmt: skip
_A2 = '<row r="2" spans="1:2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c></row>'
#: Rows as other programs write them.
ODD = {
    "a user's cell right of the marks": _HEAD + (
        '<row r="2" spans="1:8"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c>'
        '<c r="H2"><v>7</v></c></row>'),
    "an empty row, and rows to add between": _HEAD + _A2 + (
        '<row r="3"/><row r="6"><c r="A6" t="inlineStr"><is><t>A-6</t></is></c></row>'),
    "a row's own extension after its cells": _HEAD + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c><extLst><ext uri="u">'
        '<q:x xmlns:q="urn:q"/></ext></extLst></row>'),
    "rows laid out on lines": "\n  " + _HEAD.replace("><c", ">\n    <c").replace(
        "</row>", "\n  </row>") + '\n  <row r="2">\n    <c r="A2"><v>1</v></c>\n  </row>\n',
    "values Excel escapes": _HEAD + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a&amp;b&lt;c </t></is>'
        '</c><c r="B2" t="str"><v>x&gt;y</v></c></row>'),
    "cells placed by position": _HEAD + '<row r="2"><c><v>1</v></c><c t="inlineStr"><is>'
        "<t>Acme</t></is></c></row><row><c><v>3</v></c></row>",
    "rows without numbers": "<row>" + _HEAD[_HEAD.index("><c") + 1:] + "<row><c><v>1</v></c></row>",
    "comments between and inside rows": _HEAD + "<!-- <row r='5'> -->" + (
        '<row r="2"><c r="A2"><v>1</v></c><!-- <c r="C2"><v>9</v></c> --></row>'),
    "a processing instruction": _HEAD + '<?mso-thing <row r="9"/>?><row r="2"><c r="A2">'
        "<v>1</v></c></row>",
    "CDATA that looks like rows": _HEAD + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        '<![CDATA[<row r="9"><c r="C9">]]></t></is></c></row>',
    "rows out of order": _A2 + _HEAD,
    "a reference after a style": _HEAD + '<row r="2"><c s="0" r="A2"><v>1</v></c></row>',
    "rich text in colour, an end tag with a space": _HEAD + (
        '<row r="2"><c r="A2" s="0"><v>2</v></c\n><c r="B2" t="inlineStr"><is><r><rPr>'
        '<color rgb="FFFF0000"></color></rPr><t>Acme</t></r></is></c ></row>'),
    "single quotes and spaces in tags": _HEAD + (
        "<row spans = '1:2' r = '2' ><c t='inlineStr' r='A2' ><is><t>A-1</t></is></c ></row >"),
}  # fmt: skip
ROOTS = {
    "default namespace": f'<worksheet xmlns="{NS_MAIN}">',
    "a prefix": None,  # every element named x:...
    "two names for the main namespace": f'<worksheet xmlns="{NS_MAIN}" xmlns:x="{NS_MAIN}">',
    "Strict": f'<worksheet xmlns="{STRICT_MAIN}">',
}


def _odd_sheet(label: str, root: str) -> str:
    if ROOTS[root] is None:
        return _prefixed(_sheet(ODD[label], root=f'<worksheet xmlns:x="{NS_MAIN}">'))
    rows = ODD[label]
    if root == "two names for the main namespace":  # row 2 named through the prefix
        found = rows_by_number(rows).get(2)
        if found is not None:
            element = re.sub(r"^<row|</row>$", lambda m: m[0].replace("row", "x:row"), found)
            rows = rows.replace(found, element, 1)
    return _sheet(rows, root=ROOTS[root] or "")


@pytest.mark.parametrize("root", sorted(ROOTS))
@pytest.mark.parametrize("label", sorted(ODD))
def test_odd_xml_is_marked_and_its_other_rows_keep_their_bytes(label: str, root: str) -> None:
    """Prefixes, Strict, rows and cells without numbers, comments, CDATA, instructions, odd
    quoting: the marks read back, every value stays, rows not written keep their bytes."""
    sheet = _odd_sheet(label, root)
    etree.fromstring(sheet.encode())  # the test's own XML is well-formed
    old = hand_package(sheet)
    if root == "Strict":  # a Strict package names its relationships in Strict too
        members = xml_members(old)
        members = {n: b.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/"
                                b"relationships", b"http://purl.oclc.org/ooxml/officeDocument/"
                                b"relationships").replace(NS_MAIN.encode(), STRICT_MAIN.encode())
                   for n, b in members.items()}  # fmt: skip
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for n, b in members.items():
                zf.writestr(n, b)
        old = out.getvalue()
    values = {2: ("Call", date(2026, 12, 1), "DUE"), 5: ("Letter", date(2026, 11, 30), "OVERDUE")}
    marks = [ColumnMarks("Interviews", 1, 2, (2, 3, 4, 5, 6), values)]
    before = read_values(old)
    result = patch(old, due=DUE, columns=marks, name="book.xlsx")
    after = read_values(result.data)
    assert before is not None and after is not None
    a, d, s = result.mark_columns["Interviews"]
    got = after["Interviews"]
    assert [got.get((1, c)) for c in (a, d, s)] == ["Next Action", "Next Due", "Follow-up Status"]
    assert (got.get((2, a)), got.get((2, d)), got.get((2, s))) == values[2]
    assert (got.get((5, a)), got.get((5, s))) == ("Letter", "OVERDUE")
    owned = result.owned_cells["Interviews"]
    assert {k: v for k, v in got.items() if k not in owned} == before["Interviews"]
    part = result.mark_parts["Interviews"]
    if label not in ("rows out of order", "rows without numbers"):
        assert_other_rows_kept(old, result.data, part, {r for r, _ in owned})
    new = xml_members(result.data)[part]
    assert (b"purl.oclc.org" in new) == (root == "Strict")
    numbers = [r for r, _ in numbered_rows(new.decode())]
    assert numbers == sorted(set(numbers)), "rows doubled or out of order"
    # marking again changes nothing
    again = patch(result.data, due=DUE, columns=marks, name="book.xlsx")
    assert xml_members(again.data) == xml_members(result.data)


def test_a_prefix_bound_both_to_the_sheet_and_to_another_namespace_is_refused() -> None:
    """A row that binds the sheet's prefix to another namespace hides its cells: refused."""
    rows = _HEAD + '<row r="2" xmlns="urn:other"><c r="C2"><v>1</v></c></row>'
    old = hand_package(_sheet(rows))
    marks = [ColumnMarks("Interviews", 1, 2, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
    with pytest.raises(WriteError, match=r"Interviews binds a namespace prefix both to"):
        patch(old, due=DUE, columns=marks, name="book.xlsx")


def test_rows_the_tool_does_not_write_keep_their_bytes() -> None:
    """lxml would rewrite an empty <t></t> and a character reference; the rows keep them."""
    kept = ('<row r="3"><c r="A3" t="inlineStr"><is><t></t></is></c><c r="B3" t="inlineStr">'
            "<is><t>caf&#233;</t></is></c></row>")  # fmt: skip
    old = hand_package(_sheet(_HEAD + kept))
    marks = [ColumnMarks("Interviews", 1, 2, (2, 3), {2: ("Call", date(2026, 12, 1), "DUE")})]
    result = patch(old, due=DUE, columns=marks, name="book.xlsx")
    assert kept.encode() in xml_members(result.data)[result.mark_parts["Interviews"]]


def test_a_sheet_in_another_encoding_is_marked_in_utf8() -> None:
    """A sheet declared ISO-8859-1 (or UTF-16) reads the same after marking, now in UTF-8."""
    for encoding in ("ISO-8859-1", "UTF-16"):
        sheet = _sheet(_HEAD + '<row r="2"><c r="A2" t="inlineStr"><is><t>café</t></is></c></row>')
        data = sheet.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode(encoding)
        buf = io.BytesIO()
        source = io.BytesIO(hand_package(_sheet("")))
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                body = data if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
                dst.writestr(info, body)
        marks = [ColumnMarks("Interviews", 1, 2, (2,), {2: ("Relancé", None, "DUE")})]
        result = patch(buf.getvalue(), due=DUE, columns=marks, name="book.xlsx")
        sheet_xml = xml_members(result.data)[result.mark_parts["Interviews"]]
        assert sheet_xml.startswith(b'<?xml version="1.0" encoding="UTF-8"'), encoding
        assert "<t>café</t>".encode() in sheet_xml and "Relancé".encode() in sheet_xml
        assert read_values(result.data)["Interviews"][(2, 3)] == "Relancé"


def test_a_shared_formula_in_a_mark_column_is_refused() -> None:
    """A cell of a formula shared with other cells is not replaced: the sharing would break."""
    rows = _HEAD.replace("</row>", (
        '<c r="C1" t="inlineStr"><is><t>Next Action</t></is></c><c r="D1" t="inlineStr"><is>'
        '<t>Next Due</t></is></c><c r="E1" t="inlineStr"><is><t>Follow-up Status</t></is></c>'
        "</row>")) + ('<row r="2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c><c r="C2">'
        '<f t="shared" ref="C2:C3" si="0">1+1</f><v>2</v></c></row>')  # fmt: skip
    old = hand_package(_sheet(rows))
    marks = [ColumnMarks("Interviews", 1, 2, (2,), {2: ("Call", date(2026, 12, 1), "DUE")})]
    with pytest.raises(WriteError, match=r"Interviews!C2 holds a formula shared with C2:C3"):
        patch(old, due=DUE, columns=marks, name="book.xlsx", take_over=True)


def test_the_sheet_is_never_held_as_a_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the sheet without its rows is parsed: the tree's size does not follow the rows'."""
    rows = _HEAD + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>A-{r}</t></is></c></row>'
        for r in range(2, 2002)
    )
    old = hand_package(_sheet(rows))
    sizes = []
    real = sheettext.SheetText.__init__

    def measured(self: sheettext.SheetText, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        sizes.append(sum(1 for _ in self.tree.iter()))

    monkeypatch.setattr(sheettext.SheetText, "__init__", measured)
    values = {r: ("Call", date(2026, 12, 1), "DUE") for r in range(2, 2002)}
    result = patch(old, due=DUE, columns=[ColumnMarks("Interviews", 1, 2, tuple(values), values)],
                   name="book.xlsx")  # fmt: skip
    assert sizes and max(sizes) < 10, sizes
    assert read_values(result.data)["Interviews"][(2001, 3)] == "Call"
