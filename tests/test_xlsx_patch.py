"""The zip/XML writer: what it owns changes, every other byte of the workbook stays."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import tempfile
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from factory import read_values
from followup_xl.contract import DUE_COLUMNS, MARK_COLUMNS, col_letter
from followup_xl.errors import WriteError
from followup_xl.marks import fingerprint, mark_workbook
from followup_xl.xlsx.columns import ColumnMarks
from followup_xl.xlsx.duesheet import DueTable
from followup_xl.xlsx.package import NS_MAIN, date_serial, ooxml_text, xml_members
from followup_xl.xlsx.patch import PatchResult, patch
from followup_xl.xlsx.workbook import OWNER_PREFIX

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FOLLOWUP_SHARED", REPO.parent / "shared")) / "corpus"
CORPUS_XLSX = sorted(p.name for p in CORPUS.glob("*.xlsx")) if CORPUS.is_dir() else []
#: Corpus files the writer must refuse, and a word its message must contain.
REFUSED = {"calamine_encrypted.xlsx": "password", "roo_windows_phone_utf16.xlsx": "UTF-16"}
#: Workbooks whose first sheet is protected: the marks are refused there (its own test),
#: so the tests that mark every workbook's first sheet leave them out.
PROTECTED = {"php_invoice_images_comments_protranges.xlsx": "Invoice is protected"}
#: Workbooks whose first sheet the corpus tests cannot mark.
UNMARKABLE = {**REFUSED, **PROTECTED}
#: Parts that only list a sheet or a style: checked to be append-only, not byte-identical.
INDEX_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
M = f"{{{NS_MAIN}}}"

DUE = DueTable(
    rows=[
        (
            "OVERDUE",
            date(2026, 11, 20),
            "Thank-you letter",
            "R1",
            '=HYPERLINK("x")',
            "AT&T <Labs>",
            "Engineer",
            "Mail",
            "2026-11-20 AT&T.docx",
            "Interview on 11/19",
        ),
        (
            "DUE",
            date(2026, 11, 25),
            "Phone call",
            "R2",
            "+1 555 0100",
            "Acme",
            "-",
            "Phone",
            None,
            "  leading and trailing spaces  ",
        ),
        (
            "UPCOMING",
            date(2026, 12, 2),
            "Keep-in-touch letter",
            "R14",
            "@handle",
            "Bits_x0041_",
            "Dev",
            "Email",
            None,
            "line one\nline two\x01",
        ),
    ],  # fmt: skip
    overdue=frozenset({0}),
)


# --- helpers shared by the writer tests ---------------------------------------------------


def canonical(el: etree._Element) -> bytes:
    """Return an element as exclusive C14N, for comparing XML regardless of serialisation."""
    return etree.tostring(el, method="c14n", exclusive=True)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(huge_tree=True))


def _ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch.upper()) - 64
    return int("".join(ch for ch in ref if ch.isdigit())), n


def ns(root: etree._Element) -> str:
    """Return the '{namespace}' of a root element (Transitional or Strict)."""
    return f"{{{etree.QName(root).namespace}}}"


def normalised_sheet(data: bytes, owned: set[tuple[int, int]], mark_cols: set[int]) -> bytes:
    """Return a worksheet without the tool-owned cells and bookkeeping, as canonical XML."""
    root = parse(data)
    M = ns(root)
    sheet_data = root.find(f"{M}sheetData")
    prev_row = 0
    for row in list(sheet_data.iter(f"{M}row")):
        r = int(row.get("r") or prev_row + 1)
        row.set("r", str(r))
        prev_row = r
        prev_col = 0
        for c in list(row.iter(f"{M}c")):
            rc = _ref(c.get("r")) if c.get("r") else (r, prev_col + 1)
            c.set("r", f"{col_letter(rc[1])}{r}")
            prev_col = rc[1]
            if rc in owned:
                row.remove(c)
        if r in {rr for rr, _ in owned}:
            row.attrib.pop("spans", None)
            if not len(row) and set(row.attrib) == {"r"}:
                sheet_data.remove(row)  # a row that only held tool-owned cells
    dim = root.find(f"{M}dimension")
    if dim is not None:
        root.remove(dim)
    # column widths compared column by column: a range split around a mark column is equal
    expanded = []
    for cols in root.findall(f"{M}cols"):
        for col in cols.findall(f"{M}col"):
            attrs = {k: v for k, v in col.attrib.items() if k not in ("min", "max")}
            for c in range(int(col.get("min")), int(col.get("max")) + 1):
                if c not in mark_cols:
                    expanded.append((c, sorted(attrs.items())))
        root.remove(cols)
    etree.SubElement(root, "expanded-cols").text = repr(expanded)
    return canonical(root)


def raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """Return a member's stored (compressed) bytes, straight from the zip."""
    fields = struct.unpack(zipfile.structFileHeader, data[info.header_offset :][:30])
    begin = info.header_offset + 30 + fields[10] + fields[11]
    return data[begin : begin + info.compress_size]


def style_sections(data: bytes) -> dict[str, list[bytes]]:
    root = parse(data)
    return {
        etree.QName(sec).localname: [canonical(c) for c in sec if isinstance(c.tag, str)]
        for sec in root
        if isinstance(sec.tag, str)
    }


def assert_preserved(old: bytes, new: bytes, result: PatchResult) -> None:
    """Assert the new package equals the old one outside what the writer owns."""
    old_m, new_m = xml_members(old), xml_members(new)
    old_order = [i.filename for i in zipfile.ZipFile(io.BytesIO(old)).infolist()]
    new_infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(new)).infolist()}
    owned = {result.due_part} | {
        p for p in result.changed_members if p.startswith("xl/worksheets/")
    }
    added = set(new_m) - set(old_m)
    new_styles = set() if "xl/styles.xml" in old_m else {"xl/styles.xml"}
    assert added <= {result.due_part} | new_styles, added
    assert set(old_m) - set(new_m) == result.removed_members
    # every member the writer does not own: byte for byte, same order, same zip method
    kept = [n for n in old_order if n in new_m]
    assert [n for n in new_infos if n in set(old_m)] == kept
    old_infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(old)).infolist()}
    for name in kept:
        if name in owned or name in INDEX_PARTS or name == "xl/styles.xml":
            continue
        assert new_m[name] == old_m[name], f"{name} changed"
        assert raw_member(new, new_infos[name]) == raw_member(old, old_infos[name]), name
        assert new_infos[name].compress_type == old_infos[name].compress_type, name
        assert new_infos[name].date_time == old_infos[name].date_time, name
    # index parts: every original entry is still there, unchanged
    for name in INDEX_PARTS & set(old_m):
        o, n = parse(old_m[name]), parse(new_m[name])
        if name == "xl/workbook.xml":
            M = ns(n)
            sheets = n.find(f"{M}sheets")
            due_index = [s.get("name") for s in sheets].index(result.due_sheet)
            had_names = o.find(f"{M}definedNames") is not None
            # a sheet-local name names the same sheet as before, wherever it now is
            for tree in (o, n):
                order = [s.get("name") for s in tree.find(f"{M}sheets")]
                for dn in tree.iter(f"{M}definedName"):
                    if dn.get("localSheetId") is not None:
                        dn.set("localSheetId", order[int(dn.get("localSheetId"))])
            for tree in (o, n):  # the Due sheet's filter range is the tool's to change
                for dn in list(tree.iter(f"{M}definedName")):
                    if (
                        dn.get("name") == "_xlnm._FilterDatabase"
                        and dn.get("localSheetId") == result.due_sheet
                        or dn.get("name", "").startswith(OWNER_PREFIX)
                    ):
                        dn.getparent().remove(dn)
            # a new Due sheet is first in the tab order; the workbook opens where it did
            tabs = []
            for tree in (o, n):
                order = [s.get("name") for s in tree.find(f"{M}sheets")]
                for view in tree.iter(f"{M}workbookView"):
                    tabs.append(order[int(view.attrib.pop("activeTab", "0"))])
                    view.attrib.pop("firstSheet", None)
            assert tabs[: len(tabs) // 2] == tabs[len(tabs) // 2 :]
            if result.created_due_sheet:
                assert due_index == 0
                sheets.remove(sheets[due_index])
            names = n.find(f"{M}definedNames")
            if names is not None and not len(names) and not had_names:
                n.remove(names)
            assert canonical(o) == canonical(n), "workbook.xml changed beyond the Due sheet"
        else:
            old_children = {canonical(c) for c in o}
            new_children = {canonical(c) for c in n}
            missing = {c for c in old_children - new_children if b"calcChain" not in c}
            assert not missing, f"{name} lost entries: {missing}"
    # styles: every section's old entries keep their index; nothing else changes
    if "xl/styles.xml" in old_m:
        so, sn = style_sections(old_m["xl/styles.xml"]), style_sections(new_m["xl/styles.xml"])
        assert set(so) <= set(sn)
        for sec, items in so.items():
            assert sn[sec][: len(items)] == items, f"styles {sec} renumbered or changed"
            if sec not in ("fonts", "fills", "cellXfs"):
                assert sn[sec] == items, f"styles {sec} changed"
    # the marked sheets: everything but the owned cells is the same
    for sheet, cells in result.owned_cells.items():
        part = result.mark_parts[sheet]
        cols = set(result.mark_columns[sheet])
        assert normalised_sheet(old_m[part], cells, cols) == normalised_sheet(
            new_m[part], cells, cols
        ), f"{sheet} changed outside the tool's cells"


def assert_values_kept(old: bytes, new: bytes, result: PatchResult) -> None:
    """Assert every sheet's values (python-calamine) are unchanged outside owned cells."""
    before, after = read_values(old), read_values(new)
    assert before is not None and after is not None
    for sheet, cells in before.items():
        owned = result.owned_cells.get(sheet, set())
        assert {k: v for k, v in cells.items() if k not in owned} == {
            k: v for k, v in after[sheet].items() if k not in owned
        }, sheet


def first_sheet_marks(data: bytes) -> ColumnMarks:
    """Return marks for three new columns right of the first sheet's used range."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    name = book.sheet_names[0]
    sheet = book.get_sheet_by_name(name)
    r0, c0 = sheet.start or (0, 0)
    header = r0 + 1
    last_col = c0 + sheet.width
    last_row = r0 + max(sheet.height, 1)
    # one row past the data too (a new <row>), and always at least two rows
    rows = tuple(range(header + 1, max(last_row, header + 1) + 2))
    values = {
        rows[0]: ("Thank-you letter", date(2026, 11, 20), "OVERDUE"),
        rows[-1]: ("=cmd|' /C calc'!A0", date(2026, 12, 1), "UPCOMING"),
    }
    return ColumnMarks(name, header, last_col, rows, values)


def check_marks_read_back(data: bytes, result: PatchResult, marks: ColumnMarks) -> None:
    after = read_values(data)
    cells = after[result.due_sheet]
    assert [cells.get((1, c)) for c in range(1, len(DUE_COLUMNS) + 1)] == list(DUE_COLUMNS)
    for i, row in enumerate(DUE.rows):
        got = [cells.get((i + 2, c + 1)) for c in range(len(DUE_COLUMNS))]
        want = [None if v in (None, "") else v for v in row]
        want[9] = want[9] if i != 2 else "line one\nline two\x01"
        assert got == want, (got, want)
    sheet = after[marks.sheet]
    a, d, s = result.mark_columns[marks.sheet]
    assert [sheet.get((marks.header_row, c)) for c in (a, d, s)] == list(MARK_COLUMNS)
    for r, (action, due, status) in marks.values.items():
        assert (sheet.get((r, a)), sheet.get((r, d)), sheet.get((r, s))) == (action, due, status)
    for r in set(marks.data_rows) - set(marks.values):
        assert all(sheet.get((r, c)) is None for c in (a, d, s))


# --- the corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_XLSX or ["<no corpus>"])
def test_corpus_workbook_is_byte_identical_outside_the_marks(
    corpus_dir: Path, name: str, tmp_path: Path
):
    """Every real-world workbook keeps every part, cell, style and extension it had."""
    old = (corpus_dir / name).read_bytes()
    if name in REFUSED:
        with pytest.raises(WriteError, match=REFUSED[name]):
            patch(old, due=DUE, columns=[], name=name)
        return
    marks = first_sheet_marks(old)
    if name in PROTECTED:  # the marks are refused; the Due sheet alone is written as ever
        with pytest.raises(WriteError, match=PROTECTED[name]):
            patch(old, due=DUE, columns=[marks], name=name)
        result = patch(old, due=DUE, columns=[], name=name)
        assert_preserved(old, result.data, result)
        assert_values_kept(old, result.data, result)
        return
    result = patch(old, due=DUE, columns=[marks], name=name)
    assert result.created_due_sheet
    assert_preserved(old, result.data, result)
    assert_values_kept(old, result.data, result)
    check_marks_read_back(result.data, result, marks)
    # a second run replaces the marks: same bytes, no second Due sheet, no new styles
    again = patch(result.data, due=DUE, columns=[marks], name=name)
    assert not again.created_due_sheet and again.appended_styles == 0
    assert xml_members(again.data) == xml_members(result.data)
    # the whole safe path (verification by reading every sheet back) accepts it too
    path = tmp_path / name
    path.write_bytes(old)
    marked = mark_workbook(path, due=DUE, columns=[marks], expected=fingerprint(path),
                           now=datetime(2026, 11, 25, 9))  # fmt: skip
    assert path.read_bytes() == result.data and marked.backup.read_bytes() == old


def test_corpus_has_the_files_the_tests_expect(corpus_dir: Path):
    """The corpus test cannot pass by finding nothing to test."""
    assert len(CORPUS_XLSX) >= 25
    assert set(REFUSED) <= set(CORPUS_XLSX)
    assert "calamine_pivots_mac.xlsx" in CORPUS_XLSX


def test_unknown_parts_survive_in_the_pivot_workbook_openpyxl_cannot_load(corpus_dir: Path):
    """The Mac Excel pivot workbook keeps its pivot caches, custom XML and calc chain."""
    old = (corpus_dir / "calamine_pivots_mac.xlsx").read_bytes()
    result = patch(old, due=DUE, columns=[first_sheet_marks(old)], name="pivots")
    new = xml_members(result.data)
    for part in ("xl/pivotCache/pivotCacheRecords1.xml", "customXml/item1.xml",
                 "xl/calcChain.xml", "xl/pivotTables/pivotTable5.xml"):  # fmt: skip
        assert new[part] == xml_members(old)[part]


def test_extension_lists_of_the_marked_sheet_stay(corpus_dir: Path):
    """x14 data bars, sparklines and cross-sheet drop-downs of the marked sheet survive."""
    for name, needle in (
        ("php_cf_databar_x14.xlsx", b"x14:dataBar"),
        ("php_sparklines.xlsx", b"x14:sparklineGroup"),
        ("php_dataValidation2Test.xlsx", b"x14:dataValidation"),
    ):
        old = (corpus_dir / name).read_bytes()
        result = patch(old, due=DUE, columns=[first_sheet_marks(old)], name=name)
        part = next(p for p in result.changed_members if p.endswith("sheet1.xml"))
        old_ext = parse(xml_members(old)[part]).find(f"{M}extLst")
        new_ext = parse(xml_members(result.data)[part]).find(f"{M}extLst")
        assert needle in etree.tostring(old_ext)
        assert canonical(old_ext) == canonical(new_ext)


def test_the_comparison_catches_a_changed_user_cell(corpus_dir: Path):
    """The fidelity check is not vacuous: one altered user cell makes it fail."""
    old = (corpus_dir / "php_table.xlsx").read_bytes()
    marks = first_sheet_marks(old)
    result = patch(old, due=DUE, columns=[marks], name="t")
    members = xml_members(result.data)
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b"<v>2010</v>", b"<v>2011</v>", 1
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in [i.filename for i in zipfile.ZipFile(io.BytesIO(result.data)).infolist()]:
            zf.writestr(name, members[name])
    with pytest.raises(AssertionError):
        assert_preserved(old, out.getvalue(), result)
    with pytest.raises(AssertionError):
        assert_values_kept(old, out.getvalue(), result)


def test_libreoffice_opens_every_marked_corpus_workbook(corpus_dir: Path, soffice: str, tmp_path):
    """Real LibreOffice loads each marked workbook and sees the Due sheet and the marks."""
    marked = tmp_path / "marked"
    marked.mkdir()
    expected = {}
    for name in CORPUS_XLSX:
        if name in UNMARKABLE:
            continue
        old = (corpus_dir / name).read_bytes()
        marks = first_sheet_marks(old)
        result = patch(old, due=DUE, columns=[marks], name=name)
        (marked / name).write_bytes(result.data)
        expected[name] = (marks, result)
    assert expected
    out = tmp_path / "lo"
    _soffice_convert(soffice, sorted(marked.iterdir()), out, "xlsx")
    for name, (marks, result) in expected.items():
        converted = out / name
        assert converted.exists(), f"LibreOffice could not open {name}"
        values = read_values(converted.read_bytes())
        assert values is not None, name
        due = values[result.due_sheet]
        assert [due.get((1, c)) for c in range(1, 11)] == list(DUE_COLUMNS), name
        assert due.get((2, 5)) == '=HYPERLINK("x")', name  # text, not a formula
        sheet = values[marks.sheet]
        a, d, s = result.mark_columns[marks.sheet]
        r = min(marks.values)
        assert (sheet.get((r, a)), sheet.get((r, s))) == ("Thank-you letter", "OVERDUE"), name


def _soffice_convert(soffice: str, files: list[Path], out: Path, fmt: str) -> None:
    """Convert many files in one LibreOffice start (a private profile, like office.convert)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="followup-lo-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             "--norestore", "--convert-to", fmt, "--outdir", str(out), *map(str, files)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip


# --- workbooks built here: XlsxWriter features and a LibreOffice round trip ---------------


def tiny_png() -> bytes:
    """Return a valid 2x2 PNG, so tests need no image files."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))  # fmt: skip

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))  # fmt: skip


def rich_workbook(path: Path, *, rows: int = 6, date1904: bool = False) -> Path:
    """Write a contract-shaped workbook full of what openpyxl would lose, with XlsxWriter."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    # a fixed creation time: two books built either side of a second are the same bytes
    wb.set_properties({"created": datetime(2026, 11, 1, 9, 0, 0)})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    iv = wb.add_worksheet("Interviews")
    ct = wb.add_worksheet("Contacts")
    log = wb.add_worksheet("Log")
    lists = wb.add_worksheet("Lists")
    lists.write_column(0, 0, ["Scheduled", "Interviewed", "Offer"])
    headers = ["Interview ID", "Company", "Position", "Interview Date", "Status", "Score"]
    iv.write_row(0, 0, headers, bold)
    for i in range(rows):
        r = i + 1
        iv.write_string(r, 0, f"ACME-{i + 1}")
        iv.write_string(r, 1, "AT&T" if i == 0 else f"Company {i}")
        iv.write_string(r, 2, "Engineer")
        iv.write_datetime(r, 3, datetime(2026, 11, 1 + i % 28), dfmt)
        iv.write_string(r, 4, "Interviewed")
        iv.write_formula(r, 5, f"=LEN(B{r + 1})*2", None, len("AT&T" if i == 0 else
                         f"Company {i}") * 2)  # fmt: skip
    iv.add_table(0, 0, rows, 5, {"name": "Jobs", "columns": [{"header": h} for h in headers]})
    iv.data_validation(1, 4, rows, 4, {"validate": "list", "source": "=Lists!$A$1:$A$3"})
    iv.conditional_format(1, 5, rows, 5, {"type": "data_bar", "data_bar_2010": True})
    iv.add_sparkline(0, 7, {"range": f"Interviews!F2:F{rows + 1}"})
    iv.write_comment(1, 1, "Met the CTO")
    iv.insert_image(rows + 3, 1, "dot.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": f"=Interviews!$F$2:$F${rows + 1}"})
    iv.insert_chart(rows + 3, 3, chart)
    iv.freeze_panes(1, 0)
    iv.write_url(rows + 2, 0, "https://example.com", string="link")
    iv.merge_range(rows + 12, 0, rows + 12, 3, "merged note")
    ct.write_row(0, 0, ["Contact ID", "Interview ID", "First Name", "Last Name"], bold)
    for i in range(3):
        ct.write_row(i + 1, 0, [f"C{i + 1}", f"ACME-{i + 1}", "Pat", "Lee"])
    ct.autofilter(0, 0, 3, 3)
    log.write_row(0, 0, ["Date", "Interview ID", "Contact ID", "Action", "Outcome"], bold)
    log.write_datetime(1, 0, datetime(2026, 11, 2), dfmt)
    log.write_row(1, 1, ["ACME-1", "C1", "Thank-You Letter Mailed", "ok"])
    wb.define_name("Companies", f"=Interviews!$B$2:$B${rows + 1}")
    wb.close()
    return path


def contract_marks(rows: int = 6) -> list[ColumnMarks]:
    return [
        ColumnMarks(
            "Interviews", 1, 6, tuple(range(2, rows + 2)),
            {2: ("Thank-you letter", date(2026, 11, 2), "OVERDUE"),
             3: ("Phone call", date(2026, 12, 1), "UPCOMING")},
        ),
        ColumnMarks("Contacts", 1, 4, (2, 3, 4), {4: ("-note", None, "DUE")}),
    ]  # fmt: skip


def test_xlsxwriter_workbook_keeps_charts_images_comments_tables_and_formulas(tmp_path):
    """Charts, images, comments, sparklines, tables, validations and cached formulas stay."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    result = patch(old, due=DUE, columns=contract_marks(), name="rich.xlsx")
    assert_preserved(old, result.data, result)
    assert_values_kept(old, result.data, result)
    new = xml_members(result.data)
    sheet = new["xl/worksheets/sheet1.xml"]
    for needle in (b"<f>LEN(B2)*2</f><v>8</v>", b"x14:sparklineGroup", b"x14:dataBar",
                   b"<tableParts", b"<legacyDrawing", b"<drawing", b"<hyperlinks"):  # fmt: skip
        assert needle in sheet, needle
    assert result.mark_columns == {"Interviews": (7, 8, 9), "Contacts": (5, 6, 7)}
    # a second run with other values replaces, never duplicates
    marks = contract_marks()
    marks[0] = ColumnMarks("Interviews", 1, 6, marks[0].data_rows,
                           {5: ("Note card", date(2026, 12, 3), "DUE")})  # fmt: skip
    again = patch(result.data, due=DueTable(rows=[]), columns=marks, name="rich.xlsx")
    assert again.mark_columns == result.mark_columns and again.appended_styles == 0
    values = read_values(again.data)
    iv = values["Interviews"]
    assert [iv.get((1, c)) for c in range(7, 11)] == [*MARK_COLUMNS, None]
    assert iv.get((2, 7)) is None and iv.get((5, 7)) == "Note card"
    assert values["Due"] == {(1, c + 1): h for c, h in enumerate(DUE_COLUMNS)}
    wb = parse(xml_members(again.data)["xl/workbook.xml"])
    assert [s.get("name") for s in wb.iter(f"{M}sheet")].count("Due") == 1
    filters = [d for d in wb.iter(f"{M}definedName") if d.get("name") == "_xlnm._FilterDatabase"]
    order = [s.get("name") for s in wb.iter(f"{M}sheet")]
    assert order[0] == "Due"  # put first when it was made; the user's sheets in their order
    assert sorted(order[int(d.get("localSheetId"))] for d in filters) == ["Contacts", "Due"]


def test_marks_reuse_the_columns_already_headed_next_action(tmp_path):
    """When the three headers exist (anywhere in the header row) their columns are reused."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    first = patch(old, due=DUE, columns=contract_marks(), name="r")
    # the reader now counts the old mark columns as user columns: still no duplicates
    marks = [ColumnMarks(m.sheet, 1, m.last_user_column + 3, m.data_rows, m.values)
             for m in contract_marks()]  # fmt: skip
    again = patch(first.data, due=DUE, columns=marks, name="r")
    assert again.mark_columns == first.mark_columns
    assert xml_members(again.data) == xml_members(first.data)


def test_libreoffice_round_trip_workbook_is_preserved_and_reopens(tmp_path, soffice: str):
    """A workbook last saved by LibreOffice keeps everything and reopens in LibreOffice."""
    (tmp_path / "src").mkdir()
    src = rich_workbook(tmp_path / "src" / "rich.xlsx")
    _soffice_convert(soffice, [src], tmp_path / "lo", "xlsx")
    old = (tmp_path / "lo" / "rich.xlsx").read_bytes()
    assert b"LibreOffice" in xml_members(old)["docProps/app.xml"]
    result = patch(old, due=DUE, columns=contract_marks(), name="rich.xlsx")
    assert_preserved(old, result.data, result)
    assert_values_kept(old, result.data, result)
    (tmp_path / "marked").mkdir()
    (tmp_path / "marked" / "rich.xlsx").write_bytes(result.data)
    _soffice_convert(soffice, [tmp_path / "marked" / "rich.xlsx"], tmp_path / "lo2", "xlsx")
    values = read_values((tmp_path / "lo2" / "rich.xlsx").read_bytes())
    assert values["Interviews"][(2, 9)] == "OVERDUE"
    assert values["Interviews"][(2, 8)] == date(2026, 11, 2)
    assert values["Due"][(2, 5)] == '=HYPERLINK("x")'


# --- cells, dates and limits --------------------------------------------------------------


def test_formula_looking_values_are_text_with_a_quote_prefix(tmp_path):
    """`=`, `+`, `-`, `@` values are stored as text, never as formulas."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    result = patch(old, due=DUE, columns=contract_marks(), name="r")
    due_xml = xml_members(result.data)[result.due_part]
    root = parse(due_xml)
    assert root.find(f".//{M}f") is None
    styles = parse(xml_members(result.data)["xl/styles.xml"])
    xfs = styles.find(f"{M}cellXfs").findall(f"{M}xf")
    for c in root.iter(f"{M}c"):
        text = "".join(c.itertext())
        if text[:1] in "=+-@" and text:
            assert c.get("t") == "inlineStr"
            assert xfs[int(c.get("s"))].get("quotePrefix") == "1", text


def test_dates_use_the_workbooks_date_system(tmp_path):
    """Next Due reads back as the same date in a 1904 workbook and a 1900 one."""
    for flag in (False, True):
        old = rich_workbook(tmp_path / f"d{flag}.xlsx", date1904=flag).read_bytes()
        result = patch(old, due=DUE, columns=contract_marks(), name="d")
        values = read_values(result.data)
        assert values["Interviews"][(2, 8)] == date(2026, 11, 2)
        assert values["Due"][(2, 2)] == date(2026, 11, 20)
    assert date_serial(date(1900, 2, 28), False) == 59
    assert date_serial(date(1900, 3, 1), False) == 61
    assert date_serial(date(1904, 1, 2), True) == 1
    assert date_serial(date(1899, 1, 1), False) is None


def test_text_escapes_round_trip():
    """Control characters and literal _x0041_ text are escaped the way Excel expects."""
    assert ooxml_text("a\x01b") == "a_x0001_b"
    assert ooxml_text("Bits_x0041_") == "Bits_x005F_x0041_"


def test_the_last_excel_row_can_be_marked_but_not_one_past_it(tmp_path):
    """Row 1,048,576 is fine; 1,048,577 and a 16,385th column are refused, nothing written."""
    import xlsxwriter

    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Interviews")
    ws.write_row(0, 0, ["Interview ID", "Company"])
    ws.write_row(1048574, 0, ["ACME-1", "Acme"])
    ws.write_row(1048575, 0, ["ACME-2", "Beta"])
    wb.add_worksheet("Neighbour").write(1048575, 16383, "corner")
    wb.close()
    old = path.read_bytes()
    last = 1048576
    marks = ColumnMarks("Interviews", 1, 2, (last - 1, last),
                        {last: ("Phone call", date(2026, 12, 1), "DUE")})  # fmt: skip
    result = patch(old, due=DUE, columns=[marks], name="big")
    assert_preserved(old, result.data, result)
    # read in the XML: a dense reader would need a grid of 17 billion cells for "Neighbour"
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        interviews = zf.read("xl/worksheets/sheet1.xml")
        neighbour = zf.read("xl/worksheets/sheet2.xml")
    assert re.search(rb'<c r="E1048576"[^>]*t="inlineStr"><is><t>DUE</t>', interviews)
    assert b'<c r="XFD1048576"' in neighbour
    with pytest.raises(WriteError, match="outside Excel"):
        patch(old, due=DUE, columns=[ColumnMarks("Interviews", 1, 2, (last + 1,), {})])
    with pytest.raises(WriteError, match="no room"):
        patch(old, due=DUE, columns=[ColumnMarks("Interviews", 1, 16383, (2,), {})])


def test_unknown_sheet_and_not_a_workbook_are_refused(tmp_path):
    """Located messages: the sheet list, or what the file is."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    with pytest.raises(WriteError, match=r"has no sheet 'Interview' \(sheets: Interviews, "):
        patch(old, due=DUE, columns=[ColumnMarks("Interview", 1, 2, (), {})], name="t.xlsx")
    with pytest.raises(WriteError, match="not a readable .xlsx"):
        patch(b"PK\x03\x04 nonsense", due=DUE, columns=[], name="t.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(WriteError, match="not an Excel workbook"):
        patch(buf.getvalue(), due=DUE, columns=[], name="t.ods")


def test_merged_cell_in_the_mark_columns_is_refused(tmp_path):
    """A merged range where marks go would hide them: refuse with the range named."""
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Interviews")
    ws.write_row(0, 0, ["Interview ID", "Company"])
    ws.write_row(1, 0, ["A-1", "Acme"])
    ws.merge_range("C2:E2", "")  # empty, so the marks go to C:E, right through it
    wb.close()
    marks = ColumnMarks("Interviews", 1, 2, (2,), {2: ("x", None, "DUE")})
    with pytest.raises(WriteError, match=r"Interviews!C2:E2 is a merged range"):
        patch(path.read_bytes(), due=DUE, columns=[marks], name="merged.xlsx")


def test_replacing_a_formula_cell_drops_the_calc_chain(corpus_dir: Path):
    """Excel repairs a calc chain that names a cell without a formula: drop it instead."""
    old = (corpus_dir / "php_table.xlsx").read_bytes()
    marks = ColumnMarks("Worksheet", 17, 4, (18, 19), {18: ("x", None, "DUE")})
    first = patch(old, due=DUE, columns=[marks], name="t")
    assert not first.dropped_calc_chain
    # the user types a formula into the tool's Next Due column, row 18
    action, due_col = (col_letter(c) for c in first.mark_columns["Worksheet"][:2])
    members = xml_members(first.data)
    part = first.mark_parts["Worksheet"]
    sheet = members[part].decode()
    at = sheet.index("</c>", sheet.index(f'<c r="{action}18"')) + len("</c>")
    sheet = sheet[:at] + f'<c r="{due_col}18"><f>1+2</f><v>3</v></c>' + sheet[at:]
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(first.data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = sheet.encode() if info.filename == part else src.read(info)
            dst.writestr(info, data)
    result = patch(buf.getvalue(), due=DUE, columns=[marks], name="t")
    assert result.dropped_calc_chain
    new = xml_members(result.data)
    assert "xl/calcChain.xml" not in new
    assert b"calcChain" not in new["[Content_Types].xml"]
    assert b"calcChain" not in new["xl/_rels/workbook.xml.rels"]


def test_datetime_values_keep_their_time():
    """A datetime becomes a serial with its fraction of a day."""
    assert (
        date_serial(datetime(2026, 1, 1, 12, 0), False)
        == date_serial(date(2026, 1, 1), False) + 0.5
    )


# --- unusual but valid packages, written by hand ------------------------------------------


def hand_package(sheet_xml: str, *, styles: bool = True, absolute: bool = False) -> bytes:
    """Return a minimal workbook with one sheet 'Interviews', as other producers write it."""
    target = "/xl/worksheets/sheet1.xml" if absolute else "worksheets/sheet1.xml"
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/>'
        + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
           'officedocument.spreadsheetml.styles+xml"/>' if styles else "")
        + "</Types>"
    )  # fmt: skip
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        f'<x:workbook xmlns:x="{NS_MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><x:sheets><x:sheet name="Interviews" sheetId="7" '
        'r:id="rId1"/></x:sheets></x:workbook>'
    )
    wb_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="{target}"/>'
        + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/styles" Target="styles.xml"/>' if styles else "")
        + "</Relationships>"
    )  # fmt: skip
    style_xml = (
        f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="10"/><name val="Arial"/>'
        '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border/>'
        '</borders><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellXfs></styleSheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if styles:
            zf.writestr("xl/styles.xml", style_xml)
    return out.getvalue()


POSITIONAL_SHEET = f"""<?xml version="1.0"?>
<x:worksheet xmlns:x="{NS_MAIN}">
  <x:sheetData>
    <x:row>
      <x:c t="inlineStr"><x:is><x:t>Interview ID</x:t></x:is></x:c>
      <x:c t="inlineStr"><x:is><x:t>Company</x:t></x:is></x:c>
    </x:row>
    <x:row>
      <x:c t="inlineStr"><x:is><x:t>ACME-1</x:t></x:is></x:c>
      <x:c t="inlineStr"><x:is><x:t>Acme</x:t></x:is></x:c>
    </x:row>
    <x:row r="4">
      <x:c t="inlineStr"><x:is><x:t>ACME-2</x:t></x:is></x:c>
      <x:c><x:v>42</x:v></x:c>
    </x:row>
  </x:sheetData>
</x:worksheet>
"""


@pytest.mark.parametrize("styles", [True, False])
@pytest.mark.parametrize("absolute", [True, False])
def test_prefixed_positional_pretty_printed_sheet(styles: bool, absolute: bool):
    """Cells without references, a prefixed namespace, no styles part: all handled."""
    old = hand_package(POSITIONAL_SHEET, styles=styles, absolute=absolute)
    marks = ColumnMarks("interviews", 1, 2, (2, 3, 4), {4: ("Call", date(2026, 1, 5), "DUE")})
    result = patch(old, due=DUE, columns=[marks], name="hand.xlsx")
    assert result.mark_columns == {"Interviews": (3, 4, 5)}
    values = read_values(result.data)
    assert values["Interviews"] == {
        (1, 1): "Interview ID", (1, 2): "Company", (1, 3): "Next Action", (1, 4): "Next Due",
        (1, 5): "Follow-up Status", (2, 1): "ACME-1", (2, 2): "Acme", (4, 1): "ACME-2",
        (4, 2): 42.0, (4, 3): "Call", (4, 4): date(2026, 1, 5), (4, 5): "DUE",
    }  # fmt: skip
    assert values["Due"][(2, 1)] == "OVERDUE"
    assert_preserved(old, result.data, result)
    new = xml_members(result.data)
    assert ("xl/styles.xml" in new) and (styles or b"styles" in new["[Content_Types].xml"])
    wb = parse(new["xl/workbook.xml"])
    assert [(s.get("name"), s.get("sheetId")) for s in wb.iter(f"{M}sheet")] == [
        ("Due", "8"), ("Interviews", "7")
    ]  # fmt: skip
    again = patch(result.data, due=DUE, columns=[marks], name="hand.xlsx")
    assert xml_members(again.data) == new


def test_a_due_sheet_handed_over_is_replaced_whole(tmp_path):
    """A sheet called Due handed over with take_over (formulas, a comment): replaced."""
    import xlsxwriter

    path = tmp_path / "due.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Interviews").write_row(0, 0, ["Interview ID", "Company"])
    due = wb.add_worksheet("due")
    due.write_formula(0, 0, "=1+1", None, 2)
    due.write_comment(0, 0, "old note")
    wb.add_worksheet("After").write(0, 0, "kept")
    wb.close()
    old = path.read_bytes()
    with pytest.raises(WriteError, match=r"^due.xlsx: due: this sheet was not made by"):
        patch(old, due=DUE, columns=[], name="due.xlsx")
    result = patch(old, due=DUE, columns=[], name="due.xlsx", take_over=True)
    assert not result.created_due_sheet and result.due_sheet == "due"
    assert result.dropped_calc_chain is False  # XlsxWriter writes no calc chain
    new = xml_members(result.data)
    assert "xl/worksheets/_rels/sheet2.xml.rels" not in new
    values = read_values(result.data)
    assert values["due"][(1, 1)] == "Status" and values["After"] == {(1, 1): "kept"}
    names = [(d.get("name"), d.get("localSheetId"), d.text)
             for d in parse(new["xl/workbook.xml"]).iter(f"{M}definedName")]  # fmt: skip
    assert names == [("_xlnm._FilterDatabase", "1", "due!$A$1:$J$4"),
                     ("_FollowupXL_Due", None, "due!$A$1")]  # fmt: skip
    # from now on the sheet is the tool's: no take_over needed
    assert patch(result.data, due=DUE, columns=[], name="due.xlsx").data == result.data


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
) | st.sampled_from(["=1+1", "+44 20", "-", "@x", "_x0041_", " a ", "a\r\nb", "\t", "\x00"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_TEXT, min_size=3, max_size=3),
    # from 1904-01-02: serial 0 (1904-01-01 in a 1904 workbook) reads back as a time of day
    due=st.dates(min_value=date(1904, 1, 2), max_value=date(9999, 12, 31)),
    date1904=st.booleans(),
)
def test_any_text_and_date_reads_back_exactly(texts: list[str], due: date, date1904: bool):
    """Whatever text and date the tool writes, a reader gets the same back."""
    sheet = POSITIONAL_SHEET
    old = hand_package(sheet)
    if date1904:
        members = xml_members(old)
        members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
            b"<x:sheets>", b'<x:workbookPr date1904="1"/><x:sheets>'
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, body in members.items():
                zf.writestr(name, body)
        old = out.getvalue()
    row = (texts[0], due, "Email", "R1", texts[1], "", None, texts[2], None, "why")
    marks = ColumnMarks("Interviews", 1, 2, (2,), {2: (texts[0], due, texts[2] or None)})
    result = patch(old, due=DueTable(rows=[row]), columns=[marks], name="h")
    values = read_values(result.data)
    got = [values["Due"].get((2, c)) for c in range(1, 11)]
    want = [v if v not in ("", None) else None for v in row]
    assert got == want
    assert values["Interviews"].get((2, 3)) == (texts[0] or None)
    assert values["Interviews"].get((2, 4)) == due


def test_due_sheet_has_frozen_header_filter_widths_and_red_overdue_rows(tmp_path):
    """The Due sheet is readable: frozen header, filter on, widths set, overdue rows red."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    result = patch(old, due=DUE, columns=contract_marks(), name="r")
    new = xml_members(result.data)
    sheet = parse(new[result.due_part])
    pane = sheet.find(f".//{M}pane")
    assert (pane.get("state"), pane.get("ySplit"), pane.get("topLeftCell")) == ("frozen", "1", "A2")
    assert sheet.find(f"{M}autoFilter").get("ref") == "A1:J4"
    widths = [float(c.get("width")) for c in sheet.find(f"{M}cols")]
    # each column as wide as its longest value or header (with the filter button) and a margin
    assert widths == [9, 11, 21, 7, 16, 12, 11, 10, 21, 32]
    styles = parse(new["xl/styles.xml"])
    xfs = styles.find(f"{M}cellXfs").findall(f"{M}xf")
    fills = styles.find(f"{M}fills").findall(f"{M}fill")

    def fill_of(cell: etree._Element) -> str | None:
        fg = fills[int(xfs[int(cell.get("s", "0"))].get("fillId"))].find(f".//{M}fgColor")
        return None if fg is None else fg.get("rgb")

    rows = sheet.find(f"{M}sheetData").findall(f"{M}row")
    assert {fill_of(c) for c in rows[1]} == {"FFFFC7CE"} and len(rows[1]) == 10  # OVERDUE
    assert "FFFFC7CE" not in {fill_of(c) for c in rows[2]}  # DUE
    assert xfs[int(rows[1][1].get("s"))].get("numFmtId") == "14"  # a real date
    iv = parse(new["xl/worksheets/sheet1.xml"])
    status = {c.get("r"): fill_of(c) for c in iv.iter(f"{M}c") if c.get("r") in ("I2", "I3")}
    assert status == {"I2": "FFFFC7CE", "I3": None}
    cols = {c.get("min"): c.get("width") for c in iv.find(f"{M}cols")}
    assert cols["7"] == "22" and cols["9"] == "16"


def test_due_columns_fit_their_values_within_limits_and_long_values_wrap(tmp_path):
    """A long Why and a long name wrap inside a column of at most its limit, with the row
    tall enough for the wrapped lines; wide (CJK) characters count double."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    why = "interview Wed 2 Dec 2026 15:00 → thank-you within 24 h " * 4
    row = ("DUE", date(2026, 12, 7), "Thank-you letter", "R3", "山田太郎 (Yamada Taro)",
           "Co", "P" * 50, "Mail", "x.docx", why)  # fmt: skip
    result = patch(old, due=DueTable(rows=[row]), columns=contract_marks(), name="r")
    new = xml_members(result.data)
    sheet = parse(new[result.due_part])
    widths = [float(c.get("width")) for c in sheet.find(f"{M}cols")]
    # Who: 4 wide characters (8) and 14 more, a margin; Position: 50 cut to its limit 32
    assert widths[4] == 23 and widths[6] == 32 and widths[9] == 60
    styles = parse(new["xl/styles.xml"]).find(f"{M}cellXfs").findall(f"{M}xf")
    data = sheet.find(f"{M}sheetData").findall(f"{M}row")[1]
    wraps = [styles[int(c.get("s", "0"))].find(f"{M}alignment") for c in data]
    wrapped = [a is not None and a.get("wrapText") == "1" for a in wraps]
    assert wrapped == [False] * 6 + [True, False, False, True]
    # the Why's 220 characters in lines of 54: five lines of 15 points
    assert data.get("ht") == "75" and data.get("customHeight") == "1"


def test_strict_open_xml_is_marked_in_its_own_namespaces(corpus_dir: Path):
    """A Strict workbook gets Strict markup: no Transitional names mixed in."""
    old = (corpus_dir / "calamine_strict_ooxml.xlsx").read_bytes()
    result = patch(old, due=DUE, columns=[first_sheet_marks(old)], name="strict")
    for part in result.changed_members:
        body = xml_members(result.data)[part]
        assert b"schemas.openxmlformats.org/spreadsheetml" not in body, part
        assert b"schemas.openxmlformats.org/officeDocument/2006/relationships" not in body, part
    rels = xml_members(result.data)["xl/_rels/workbook.xml.rels"]
    assert b"purl.oclc.org/ooxml/officeDocument/relationships/worksheet" in rels


def test_a_mark_on_a_row_the_user_emptied_is_cleared(tmp_path):
    """The mark columns are the tool's all the way down: stale marks below the data go."""
    old = rich_workbook(tmp_path / "rich.xlsx").read_bytes()
    marks = contract_marks()
    first = patch(old, due=DUE, columns=marks, name="r")
    assert read_values(first.data)["Interviews"][(3, 9)] == "UPCOMING"
    # the user emptied rows 3-7; the reader now reports only row 2 as data
    shorter = ColumnMarks("Interviews", 1, 6, (2,), {2: ("Call", None, "DUE")})
    second = patch(first.data, due=DUE, columns=[shorter], name="r")
    iv = read_values(second.data)["Interviews"]
    assert {k: v for k, v in iv.items() if k[1] >= 7} == {
        (1, 7): "Next Action", (1, 8): "Next Due", (1, 9): "Follow-up Status",
        (2, 7): "Call", (2, 9): "DUE",
    }  # fmt: skip
    assert (3, 9) in second.owned_cells["Interviews"]
    assert_preserved(first.data, second.data, second)


def test_a_column_range_covering_the_marks_is_split_not_lost():
    """LibreOffice's one <col> for columns 1-1024 is split; every other column keeps its width."""
    sheet = POSITIONAL_SHEET.replace(
        "<x:sheetData>",
        '<x:cols><x:col min="1" max="1024" width="11.5" style="0" customWidth="false"/>'
        "</x:cols><x:sheetData>",
    )
    old = hand_package(sheet)
    marks = ColumnMarks("Interviews", 1, 2, (2, 4), {})
    result = patch(old, due=DUE, columns=[marks], name="h")
    cols = parse(xml_members(result.data)["xl/worksheets/sheet1.xml"]).find(f"{M}cols")
    got = [(c.get("min"), c.get("max"), c.get("width"), c.get("style")) for c in cols]
    assert got == [
        ("1", "2", "11.5", "0"), ("3", "3", "22", "0"), ("4", "4", "12", "0"),
        ("5", "5", "16", "0"), ("6", "1024", "11.5", "0"),
    ]  # fmt: skip
    assert_preserved(old, result.data, result)
    again = patch(result.data, due=DUE, columns=[marks], name="h")
    assert xml_members(again.data) == xml_members(result.data)


def test_a_patch_that_differs_only_in_its_due_sheet_reuses_the_marked_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run plans its patch, renders the letters, then writes a Due sheet that lists them:
    the marked sheets handed over are not made twice, and the workbook is the one made from
    scratch; sheets marked from another workbook or other marks are never used."""
    from followup_xl.xlsx import patch as patch_mod

    old = rich_workbook(tmp_path / "rich.xlsx", rows=30).read_bytes()
    marks = contract_marks(30)
    made = []
    real = patch_mod.SheetMarker
    monkeypatch.setattr(patch_mod, "SheetMarker", lambda *a: made.append(1) or real(*a))
    planned = patch(old, due=None, columns=marks, name="book.xlsx")
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


def test_a_packed_part_is_held_compressed_and_reads_and_writes_as_put(tmp_path: Path) -> None:
    """The plan holds its marked sheets as the zip stores them: a package given one reads it
    back as the sheet and writes the same bytes as a package given the sheet itself."""
    from followup_xl.xlsx.package import Package

    old = rich_workbook(tmp_path / "rich.xlsx", rows=200).read_bytes()
    planned = patch(old, due=None, columns=contract_marks(200), name="book.xlsx")
    assert planned.marked is not None
    for part, future in planned.marked.parts.items():
        member = future.result()
        body = zlib.decompress(member.deflated, -15)
        assert len(member.deflated) < len(body) and b"Follow-up Status" in body
        unpacked, packed = Package(old, "book.xlsx"), Package(old, "book.xlsx")
        unpacked.put(part, body)
        packed.put_packed(part, future)
        assert packed.read(part) == body and packed.changed == unpacked.changed == {part}
        assert packed.to_bytes() == unpacked.to_bytes()
        packed.put(part, b"<worksheet/>")  # written again: the new bytes win
        assert packed.read(part) == b"<worksheet/>"
        with zipfile.ZipFile(io.BytesIO(packed.to_bytes())) as zf:
            assert zf.read(part) == b"<worksheet/>"
