"""read.rowdiff: two versions of a marked sheet compared by value, reading only what changed.

Every expectation is checked two ways: against the cells the test itself changed, and against
the whole-sheet comparison (both versions read in full by read.stream).
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

from followup_xl.marks import read_values
from followup_xl.read.rowdiff import changed_cells, row_values
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


def whole_sheet_diff(old: bytes, new: bytes, sheet: str, skip: set) -> list[tuple[int, int]]:
    """The oracle: both versions read in full, every cell outside skip compared."""
    a, b = read_values(old)[sheet], read_values(new)[sheet]  # type: ignore[index]
    return sorted(k for k in a.keys() | b.keys() if k not in skip and a.get(k) != b.get(k))


def check(old: bytes, new: bytes, result: PatchResult, expected: list[tuple[int, int]]) -> None:
    skip = result.owned_cells["Interviews"]
    assert whole_sheet_diff(old, new, "Interviews", skip) == expected  # the test's own claim
    assert changed_cells(old, new, PART, skip) == expected


def test_the_tools_own_cells_are_the_only_difference(patched: tuple[bytes, PatchResult]) -> None:
    """Unchanged: nothing differs outside the tool's cells; inside them, only what it wrote."""
    old, result = patched
    for sheet, part in result.mark_parts.items():
        owned = result.owned_cells[sheet]
        assert changed_cells(old, result.data, part, owned) == []
        written = changed_cells(old, result.data, part, set())
        assert written and set(written) <= owned
        assert written == whole_sheet_diff(old, result.data, sheet, set())
    header = row_values(result.data, PART, 1)
    assert header is not None and [header[c] for c in (7, 8, 9)] == [
        "Next Action", "Next Due", "Follow-up Status"
    ]  # fmt: skip


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
        [(8, c) for c in range(1, 7)]),
    "two rows swapped": (_swap_rows, [(9, c) for c in (1, 2, 4)] + [(10, c) for c in (1, 2, 4)]),
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
    cells = [m for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml)]
    found = 0
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
        if read_values(new) is None:  # the edit broke the XML: lxml refuses it either way
            with pytest.raises(etree.XMLSyntaxError):
                changed_cells(old, new, PART, skip)
            continue
        expected = whole_sheet_diff(old, new, "Interviews", skip)
        assert changed_cells(old, new, PART, skip) == expected, m.group(0)
        found += bool(expected)
    assert found > 50


@pytest.mark.parametrize(
    ("label", "edit"),
    [
        ("rows without numbers", lambda x: re.sub(r'<row r="\d+"', "<row", x)),
        ("two rows with one number", lambda x: x.replace('<row r="12"', '<row r="11"', 1)),
        ("a row whose cells name another", lambda x: x.replace('<row r="12"', '<row r="99"', 1)),
        ("a comment", lambda x: x.replace("<sheetData>", "<sheetData><!-- mine -->", 1)),
    ],
)
def test_xml_it_cannot_pair_is_left_to_the_whole_read(
    patched: tuple[bytes, PatchResult], label: str, edit: Callable[[str], str]
) -> None:
    """Rows it cannot pair, or XML the scanner does not read: None, so both are read whole."""
    old, result = patched
    assert changed_cells(old, edited(result.data, edit), PART, set()) is None, label


def test_styles_that_changed_rather_than_grew_are_left_to_the_whole_read(
    patched: tuple[bytes, PatchResult],
) -> None:
    """A style that now means a date where it meant a number: the row bytes cannot be trusted."""
    old, result = patched

    def date_everywhere(xml: str) -> str:
        return re.sub(r'numFmtId="0"', 'numFmtId="14"', xml)

    new = edited(result.data, date_everywhere, "xl/styles.xml")
    assert changed_cells(old, new, PART, set()) is None
