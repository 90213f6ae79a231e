"""writecheck: two versions of a marked sheet compared, reading only the rows that changed.

Every expectation is checked two ways: against the cells the test itself changed, and against
an oracle written here: both versions parsed whole by lxml, every cell in canonical XML.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree
from test_xlsx_patch import DUE, contract_marks, rich_workbook

from factory import read_values
from followup_xl.errors import WriteError
from followup_xl.writecheck import Block, SheetWrite, changed_cells, check_write, styles_grew
from followup_xl.xlsx.patch import PatchResult, patch

ROWS = 40
PART = "xl/worksheets/sheet1.xml"  # Interviews


@pytest.fixture(scope="module")
def patched(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, PatchResult]:
    """The workbook before, and the patch that marks it (40 interviews, charts and all)."""
    path = rich_workbook(tmp_path_factory.mktemp("rowdiff") / "rich.xlsx", rows=ROWS)
    old = path.read_bytes()
    return old, patch(old, due=DUE, columns=contract_marks(ROWS), name="rich.xlsx")


def edited(data: bytes, edit: Callable[[str], str], part: str = PART) -> bytes:
    """Return the package with one part's XML passed through edit."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == part:
                new = edit(body.decode("utf-8"))
                assert new != body.decode("utf-8"), "test bug: the edit changed nothing"
                body = new.encode("utf-8")
            zout.writestr(info, body)
    return out.getvalue()


def sheet_xml(data: bytes, part: str = PART) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(part)


def whole_sheet_diff(old: bytes, new: bytes, skip: set) -> list[tuple[int, int]]:
    """The oracle: both versions parsed whole, every cell outside skip compared as canonical XML
    (its reference aside), and each row's attributes (the spans hint aside) as column 0."""

    def cells(data: bytes) -> dict[tuple[int, int], bytes]:
        root = etree.fromstring(sheet_xml(data))
        out = {}
        for r, row in enumerate(root.iter("{*}row"), start=1):
            r = int(row.get("r", r))
            attrs = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
            if attrs:
                out[r, 0] = repr(sorted(attrs.items())).encode()
            col = 0
            for c in row.iterchildren("{*}c"):
                ref = c.get("r")
                col = _column(ref) if ref else col + 1
                c.attrib.pop("r", None)
                out[r, col] = etree.tostring(c, method="c14n", exclusive=True)
        return out

    a, b = cells(old), cells(new)
    return sorted(k for k in a.keys() | b.keys() if k not in skip and a.get(k) != b.get(k))


def _column(ref: str) -> int:
    col = 0
    for ch in re.match(r"[A-Z]+", ref)[0]:  # type: ignore[index]
        col = col * 26 + ord(ch) - 64
    return col


def pieces(data: bytes, size: int = 97) -> Callable[[], list[bytes]]:
    """Return a version of a part read in small pieces (a row is cut across several)."""
    return lambda: [data[i : i + size] for i in range(0, len(data), size)]


def found(old: bytes, new: bytes, skip: set) -> list[tuple[int, int]]:
    return changed_cells(pieces(sheet_xml(old)), sheet_xml(new), skip).cells


def check(old: bytes, new: bytes, result: PatchResult, expected: list[tuple[int, int]]) -> None:
    skip = result.owned_cells["Interviews"]
    assert whole_sheet_diff(old, new, skip) == expected  # the test's own claim
    assert found(old, new, skip) == expected
    values_before, values_after = read_values(old)["Interviews"], read_values(new)["Interviews"]  # type: ignore[index]
    by_value = {k for k in values_before.keys() | values_after.keys()
                if k not in skip and values_before.get(k) != values_after.get(k)}  # fmt: skip
    assert by_value <= set(expected)  # a change a spreadsheet shows is always found


def test_the_tools_own_cells_are_the_only_difference(patched: tuple[bytes, PatchResult]) -> None:
    """Unchanged: nothing differs outside the tool's cells; inside them, only what it wrote."""
    old, result = patched
    sheets = []
    for sheet, part in result.mark_parts.items():
        owned = result.owned_cells[sheet]
        assert found_in(old, result.data, part, owned) == []
        written = found_in(old, result.data, part, set())
        assert written and {(r, c) for r, c in written if c} <= owned
        names = ("Next Action", "Next Due", "Follow-up Status")
        reads = {(1, c): h for c, h in zip(result.mark_columns[sheet], names, strict=True)}
        sheets.append(SheetWrite(part, sheet, owned=owned, reads=reads))
    check_write(result.data, old=old, changed=result.changed_members, sheets=sheets,
                own={result.due_part}, name="rich.xlsx")  # fmt: skip
    first = result.mark_columns["Interviews"][0]
    wrong = [SheetWrite(s.part, s.sheet, owned=s.owned, reads={(1, first): "Next Due"})
             if s.sheet == "Interviews" else s for s in sheets]  # fmt: skip
    with pytest.raises(WriteError, match="follow-up columns did not read back"):
        check_write(result.data, old=old, changed=result.changed_members, sheets=wrong,
                    own={result.due_part}, name="rich.xlsx")  # fmt: skip


def found_in(old: bytes, new: bytes, part: str, skip: set) -> list[tuple[int, int]]:
    return changed_cells(pieces(sheet_xml(old, part)), sheet_xml(new, part), skip).cells


def _swap_rows(xml: str) -> str:
    """Swap rows 9 and 10, their cells' references with them."""
    a = re.search(r'<row r="9".*?</row>', xml)
    b = re.search(r'<row r="10".*?</row>', xml)
    assert a and b
    nine = re.sub(r'([rA-Z])(=?"?)9"', r'\g<1>\g<2>10"', a.group(0))
    ten = re.sub(r'([rA-Z])(=?"?)10"', r'\g<1>\g<2>9"', b.group(0))
    return xml[: a.start()] + ten + nine + xml[b.end() :]


EDITS: dict[str, tuple[Callable[[str], str], list[tuple[int, int]]]] = {
    "a user's text left of the marks": (
        lambda x: x.replace('<c r="B6" t="s"><v>19<', '<c r="B6" t="s"><v>17<', 1), [(6, 2)]),
    "a cached formula result": (
        lambda x: re.sub(r'(<c r="F3"[^>]*><f>[^<]*</f><v>)\d+', r"\g<1>99", x), [(3, 6)]),
    "a number turned into a date by its style": (
        lambda x: re.sub(r'<c r="F4"( s="\d+")?', '<c r="F4" s="' + re.search(
            r'<c r="D2" s="(\d+)"', x)[1] + '"', x, count=1), [(4, 6)]),  # type: ignore[index]
    "a user's cell deleted": (
        lambda x: re.sub(r'<c r="C6"[^>]*>.*?</c>', "", x, count=1), [(6, 3)]),
    "a user's cell right of the marks": (
        lambda x: x.replace("</row>", '<c r="Z7"><v>1</v></c></row>', 7)
        .replace('<c r="Z7"><v>1</v></c></row>', "</row>", 6), [(7, 26)]),
    "a new row": (
        lambda x: x.replace("</sheetData>", '<row r="300"><c r="A300"><v>5</v></c></row>'
                            "</sheetData>"), [(300, 1)]),
    "a row deleted": (
        lambda x: re.sub(r'<row r="8".*?</row>', "", x, count=1),
        [(8, c) for c in range(0, 7)]),  # column 0: the row's own attributes
    "two rows swapped": (  # F holds a formula naming its own row
        _swap_rows, [(9, c) for c in (1, 2, 4, 6)] + [(10, c) for c in (1, 2, 4, 6)]),
}  # fmt: skip


@pytest.mark.parametrize("label", sorted(EDITS))
def test_a_changed_user_cell_is_found(patched: tuple[bytes, PatchResult], label: str) -> None:
    """Whatever the change to the user's cells, the cells found are the ones changed."""
    old, result = patched
    edit, expected = EDITS[label]
    check(old, edited(result.data, edit), result, expected)


def test_random_changes_are_found_as_a_whole_read_finds_them(
    patched: tuple[bytes, PatchResult],
) -> None:
    """200 random edits of values, styles and cells: the same cells as reading both in full."""
    old, result = patched
    skip = result.owned_cells["Interviews"]
    rng = random.Random(14)
    xml = zipfile.ZipFile(io.BytesIO(result.data)).read(PART).decode()
    own = {result.due_part, *result.mark_parts.values()}
    cells = [m for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml)]
    hits = 0
    for _ in range(200):
        m = rng.choice(cells)
        how = rng.randrange(3)
        if how == 0:  # a digit or letter inside the cell changed
            body = m.group(0)
            spots = [i for i, ch in enumerate(body) if ch.isalnum() and i > body.find(">")]
            if not spots:
                continue
            i = rng.choice(spots)
            body = body[:i] + ("7" if body[i] != "7" else "3") + body[i + 1 :]
        elif how == 1:  # the cell deleted
            body = ""
        else:  # another style
            body = re.sub(r'^<c r="(\w+)"( s="\d+")?', rf'<c r="\1" s="{rng.randrange(1, 4)}"',
                          m.group(0))  # fmt: skip
        new_xml = xml[: m.start()] + body + xml[m.end() :]
        if new_xml == xml:
            continue
        new = edited(result.data, lambda _: new_xml)  # noqa: B023 - used at once
        try:
            etree.fromstring(new_xml.encode())
        except etree.XMLSyntaxError:  # the edit broke the XML: the package check refuses it
            with pytest.raises(WriteError, match="did not verify"):
                check_write(new, old=old, changed=result.changed_members, sheets=[],
                            own=own, name="rich.xlsx")  # fmt: skip
            continue
        expected = whole_sheet_diff(old, new, skip)
        assert found(old, new, skip) == expected, m.group(0)
        hits += bool(expected)
    assert hits > 50


@pytest.mark.parametrize(
    ("label", "edit"),
    [
        ("rows without numbers", lambda x: re.sub(r'<row r="\d+"', "<row", x)),
        ("two rows with one number", lambda x: x.replace('<row r="12"', '<row r="11"', 1)),
        ("a comment", lambda x: x.replace("<sheetData>", "<sheetData><!-- mine -->", 1)),
    ],
)
def test_xml_written_in_other_ways_is_compared_all_the_same(
    patched: tuple[bytes, PatchResult], label: str, edit: Callable[[str], str]
) -> None:
    """Rows without numbers, a duplicated number, a comment: what differs is still found, and
    XML that only looks different (a comment) is no difference."""
    old, result = patched
    skip = result.owned_cells["Interviews"]
    new = edited(result.data, edit)
    expected = whole_sheet_diff(result.data, new, set())
    if label == "two rows with one number":  # no spreadsheet writes it: any finding refuses it
        assert found(result.data, new, set())
    else:
        assert found(result.data, new, set()) == expected, label
    if label == "a comment":
        assert expected == [] and found(old, new, skip) == []


def test_styles_that_changed_rather_than_grew_are_refused(
    patched: tuple[bytes, PatchResult],
) -> None:
    """A style that now means a date where it meant a number: the same cell XML would show
    another value, so the write is refused."""
    old, result = patched

    def date_everywhere(xml: str) -> str:
        return re.sub(r'numFmtId="0"', 'numFmtId="14"', xml)

    new = edited(result.data, date_everywhere, "xl/styles.xml")
    styles = "xl/styles.xml"
    assert styles_grew(sheet_xml(old, styles), sheet_xml(result.data, styles))
    assert not styles_grew(sheet_xml(old, styles), sheet_xml(new, styles))
    with pytest.raises(WriteError, match="changed a cell format"):
        own = {result.due_part, *result.mark_parts.values()}
        changed = result.changed_members | {styles}
        check_write(new, old=old, changed=changed, sheets=[], own=own, name="rich.xlsx")


def test_a_changed_relationships_part_of_the_users_is_refused(
    patched: tuple[bytes, PatchResult],
) -> None:
    """Only the Due sheet's relationships part is the tool's: a change to Interviews' (its
    drawing's link) is refused like any part the write never writes."""
    old, result = patched
    part = "xl/worksheets/_rels/sheet1.xml.rels"
    new = edited(result.data, lambda x: x.replace("drawing1.xml", "drawing9.xml"), part)
    own = {result.due_part, result.due_rels_part, *result.mark_parts.values()}
    check_write(result.data, old=old, changed=result.changed_members, sheets=[], own=own,
                name="rich.xlsx")  # fmt: skip
    with pytest.raises(WriteError, match=f"changed {part}, which it never writes"):
        check_write(new, old=old, changed=result.changed_members | {part}, sheets=[], own=own,
                    name="rich.xlsx")  # fmt: skip


def _rezipped(data: bytes, *, stored: str = "", drop: str = "", body: dict | None = None) -> bytes:
    """Return the package written again: `stored` without compression, `drop` left out,
    `body` members' new bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            got = (body or {}).get(info.filename, zin.read(info))
            info.compress_type = zipfile.ZIP_STORED if info.filename == stored else (
                zipfile.ZIP_DEFLATED)  # fmt: skip
            zout.writestr(info, got)
    return out.getvalue()


@pytest.mark.parametrize("case", ["changed", "missing", "bad CRC"])
def test_a_member_the_write_never_touches_must_come_through_whole(
    patched: tuple[bytes, PatchResult], case: str
) -> None:
    """A member outside the write that reads otherwise, is missing, or is damaged in the new
    file (its CRC wrong) is refused; the package check reads every member to its end."""
    old, result = patched
    member = "docProps/core.xml"
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        assert member in zf.namelist() and member not in result.changed_members
        xml = zf.read(member)
    own = {result.due_part, result.due_rels_part, *result.mark_parts.values()}

    def verify(data: bytes) -> None:
        check_write(data, old=old, changed=result.changed_members, sheets=[], own=own,
                    name="rich.xlsx")  # fmt: skip

    verify(_rezipped(result.data))  # written again, the same members: it passes
    if case == "changed":
        new = _rezipped(result.data, body={member: xml.replace(b"<", b" <", 1)})
        expected = f"the new file changed {member}"
    elif case == "missing":
        new = _rezipped(result.data, drop=member)
        expected = f"the new file changed {member}"
    else:
        new = bytearray(_rezipped(result.data, stored=member))
        at = bytes(new).find(xml)
        assert at > 0
        new[at + len(xml) // 2] ^= 0x20  # one letter's case flipped: the CRC no longer fits
        expected = "the new file did not verify"
    with pytest.raises(WriteError, match=expected):
        verify(bytes(new))


def test_the_mark_cells_held_as_a_block_are_the_set_of_their_pairs(
    patched: tuple[bytes, PatchResult],
) -> None:
    """The marked cells are held as their rows and columns: they compare, combine and count
    as the set of every (row, column), and the check finds the same differences with either."""
    old, result = patched
    block = result.owned_cells["Interviews"]
    assert isinstance(block, Block) and block.rows and len(block.cols) == 3
    pairs = {(r, c) for r in block.rows for c in block.cols}
    assert block == pairs and pairs == block and len(block) == len(pairs) == len(list(block))
    assert (min(block.rows), block.cols[-1]) in block
    assert (min(block.rows), min(block.cols) - 1) not in block and "A1" not in block
    assert block | {(0, 0)} == pairs | {(0, 0)} and block - pairs == frozenset()
    swapped = edited(result.data, _swap_rows)
    assert found(old, swapped, block) == found(old, swapped, pairs) != []
    assert found(old, result.data, block) == found(old, result.data, pairs) == []


def _mark_sheets(result: PatchResult) -> list[SheetWrite]:
    """The sheets a run's marks write, each with its own cells, as marks.py states them."""
    return [SheetWrite(part, sheet, owned=result.owned_cells[sheet])
            for sheet, part in result.mark_parts.items()]  # fmt: skip


#: Changes outside the rows of a marked sheet, none a cell's: (label, edit, what is named).
OUTSIDE_CHANGES = [
    ("a merge", lambda x: x.replace('<mergeCell ref="A53:D53"/>', '<mergeCell ref="A53:C53"/>'),
     "its mergeCells"),
    ("the sparklines dropped",
     lambda x: re.sub(r'<ext [^>]*uri="\{05C60535[^>]*>.*?</ext>', "", x, flags=re.S),
     "its extLst"),
    ("a hyperlink moved", lambda x: x.replace('<hyperlink ref="A43"', '<hyperlink ref="A44"'),
     "its hyperlinks"),
    ("a page margin", lambda x: x.replace('left="0.7"', 'left="0.9"'), "its pageMargins"),
    ("a validation moved", lambda x: x.replace('sqref="E2:E41"', 'sqref="E3:E41"'),
     "the ranges of its validations"),
    ("a validation shrunk", lambda x: x.replace('sqref="E2:E41"', 'sqref="E2:E40"'),
     "the ranges of its validations"),
    ("a user column's width", lambda x: x.replace("<cols>", '<cols><col min="2" max="2" '
     'width="40" customWidth="1"/>'), "its column widths"),
    ("the frozen header", lambda x: x.replace('state="frozen"', 'state="split"'),
     "its sheetViews"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "edit", "named"), OUTSIDE_CHANGES,
                         ids=[c[0] for c in OUTSIDE_CHANGES])  # fmt: skip
def test_a_change_outside_the_rows_is_refused(
    patched: tuple[bytes, PatchResult], label: str, edit: Callable[[str], str], named: str
) -> None:
    """A write that kept every cell but changed the sheet around them (a merge, the
    sparklines, a link, the page set-up, a validation's range, a user's column, the view) is
    refused, naming what changed, though no row differs."""
    old, result = patched
    new = edited(result.data, edit)
    assert found_in(old, new, PART, result.owned_cells["Interviews"]) == []  # no cell differs
    sheets = _mark_sheets(result)
    check_write(result.data, old=old, changed=result.changed_members, sheets=sheets,
                own={result.due_part}, name="rich.xlsx")  # fmt: skip
    with pytest.raises(WriteError, match=f"Interviews would change outside its cells \\({named}"):
        check_write(new, old=old, changed=result.changed_members, sheets=sheets,
                    own={result.due_part}, name="rich.xlsx")  # fmt: skip


ALLOWED_OUTSIDE = [
    ("the dimension", lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:Z99"/>',
                                       x)),
    ("a validation grown down over new rows",
     lambda x: x.replace('sqref="E2:E41"', 'sqref="E2:E45"')),
    ("a mark column's width", lambda x: x.replace('width="22"', 'width="30"')),
    ("attributes in another order", lambda x: x.replace(
        'left="0.7" right="0.7"', 'right="0.7" left="0.7"')),
]  # fmt: skip


@pytest.mark.parametrize(("label", "edit"), ALLOWED_OUTSIDE, ids=[c[0] for c in ALLOWED_OUTSIDE])
def test_what_a_write_may_change_outside_the_rows_passes(
    patched: tuple[bytes, PatchResult], label: str, edit: Callable[[str], str]
) -> None:
    """The dimension (a hint), a range grown down over appended rows (as `sent` grows the Log's
    validations), the tool's own columns' widths, and XML that only looks different pass."""
    old, result = patched
    new = edited(result.data, edit)
    check_write(new, old=old, changed=result.changed_members, sheets=_mark_sheets(result),
                own={result.due_part}, name="rich.xlsx")  # fmt: skip


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1"/>{cols}{data}<mergeCells count="1"><mergeCell ref="{merge}"/>'
    "</mergeCells></worksheet>"
)
ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>{more}</row>'


def sheet(cols: str = "", data: str = "<sheetData/>", merge: str = "A5:B5") -> bytes:
    return SHEET.format(cols=cols, data=data, merge=merge).encode()


def test_the_sheet_around_the_rows_is_read_across_pieces_and_empty_tables() -> None:
    """An old sheet with no rows (an empty cell table) and a new one with a row; the same
    column settings written as one range or as several; a merge changed: each compared a few
    bytes at a time, the end tag of the cell table cut across pieces."""
    mark = '<c r="C1" t="inlineStr"><is><t>Next Action</t></is></c>'
    owned = {(1, 3)}
    old = sheet(cols='<cols><col min="1" max="4" width="9"/></cols>')
    split = ('<cols><col min="1" max="1" width="9"/><col min="2" max="2" width="9"/>'
             '<col min="3" max="3" width="22"/><col min="4" max="4" width="9"/>'
             "</cols>")  # fmt: skip
    new = sheet(cols=split, data=f"<sheetData>{ROW.format(more=mark)}</sheetData>")
    for size in (1, 7, 97, 10_000):
        diff = changed_cells(pieces(old, size), new, owned)
        assert (diff.cells, diff.outside) == ([(1, 1)], ""), size  # A1 is new: a user cell
    same_row = f"<sheetData>{ROW.format(more='')}</sheetData>"
    old = sheet(data=same_row)
    moved = sheet(data=same_row, merge="A5:C5")
    wider = sheet(cols='<cols><col min="2" max="2" width="30"/></cols>', data=same_row)
    for size in (1, 5, 13, 97):
        assert changed_cells(pieces(old, size), sheet(data=same_row), set()).outside == ""
        assert changed_cells(pieces(old, size), moved, set()).outside == "its mergeCells"
        assert changed_cells(pieces(old, size), wider, set()).outside == "its column widths"
        assert changed_cells(pieces(old, size), wider, {(1, 2)}).outside == ""  # the tool's
