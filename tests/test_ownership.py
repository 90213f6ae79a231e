"""What the tool owns: its own Due sheet and columns, recognised again; nothing of the user's.

Every test starts from `followup-xl init --example`, types into the workbook as a user would
(openpyxl stands in for Excel), runs the real CLI and reopens the real workbook.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS, in_ci
from test_xlsx_patch import UNMARKABLE, rich_workbook

from factory import read_values
from followup_xl.cli import main
from followup_xl.contract import MARK_COLUMNS
from followup_xl.office import convert
from followup_xl.xlsx.package import xml_members

TODAY = "2026-11-25"
#: a prefix lxml makes up when a namespace has none in scope (ns0, ns1, …)
GENERATED_PREFIX = re.compile(rb"(?:xmlns:|<|</|\s)ns\d+:")


def cli(*args: str) -> Any:
    """Run the real CLI and return Click's result."""
    return CliRunner().invoke(main, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def example(folder: Path, name: str = "tracker.xlsx") -> Path:
    """Write the example workbook a new user starts from."""
    path = folder / name
    result = cli("init", str(path), "--example", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return path


def type_cells(path: Path, sheet: str, cells: dict[str, object]) -> None:
    """Type values and formulas into a sheet and save, as a user would in Excel."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


def cell(path: Path, sheet: str, ref: str) -> object:
    """Return what a cell holds (a formula as its text), read back with openpyxl."""
    import openpyxl

    return openpyxl.load_workbook(path)[sheet][ref].value


def headers(path: Path, sheet: str) -> list[object]:
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for c in ws[1]]


def nothing_written(folder: Path, path: Path, before: str) -> None:
    """Assert the workbook is as it was and no backup, letter or temporary file appeared."""
    assert digest(path) == before
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


# --- case 1: cells without a header --------------------------------------------------------


def test_cells_right_of_the_headers_are_never_under_the_tool_columns(tmp_path: Path):
    """A memo, a formula and a number right of the last header survive every run."""
    path = example(tmp_path)
    # the last header of Interviews is S (Application), of Contacts R
    typed = {"T2": "my memo", "T3": "=1+2", "U4": 42, "T40": "far below"}
    type_cells(path, "Interviews", typed)
    type_cells(path, "Contacts", {"T2": "call after 5"})
    for day in (TODAY, "2026-11-27"):
        result = cli("run", str(path), "--today", day)
        assert result.exit_code == 0, result.output
        for ref, value in typed.items():
            assert cell(path, "Interviews", ref) == value, (day, ref)
        assert cell(path, "Contacts", "T2") == "call after 5"
        values = read_values(path.read_bytes())
        assert values["Interviews"][(4, 21)] == 42  # a number, not turned into a date
        # the three columns start right after the last column holding anything (U, T)
        assert headers(path, "Interviews")[21:24] == ["Next Action", "Next Due", "Follow-up Status"]
        assert headers(path, "Contacts")[20:23] == ["Next Action", "Next Due", "Follow-up Status"]
        assert cell(path, "Interviews", "V2")  # a mark was written, in its own column


def test_a_cell_typed_right_of_the_tool_columns_later_is_kept(tmp_path: Path):
    """After the first run the tool's columns stay where they are; a note beside them stays."""
    path = example(tmp_path)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0
    assert headers(path, "Interviews")[19:22] == ["Next Action", "Next Due", "Follow-up Status"]
    type_cells(path, "Interviews", {"W2": "beside the marks"})
    result = cli("run", str(path), "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert headers(path, "Interviews")[19:22] == ["Next Action", "Next Due", "Follow-up Status"]
    assert cell(path, "Interviews", "W2") == "beside the marks"
    assert headers(path, "Interviews").count("Next Action") == 1


# --- case 2: the user's own Next Action column -----------------------------------------------


@pytest.mark.parametrize("header", ["Next Action", "next due", "Follow-up Status "])
def test_a_users_own_mark_column_is_refused_then_handed_over(tmp_path: Path, header: str):
    """A column the user headed like a tool column is theirs: refused, located, nothing written."""
    path = example(tmp_path)
    type_cells(path, "Interviews", {"T1": header, "T2": "ask Dana about it"})
    before = digest(path)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.startswith(
        f'Error: tracker.xlsx: Interviews!T1: the column "{header.strip()}" was not made by '
        "followup-xl, which writes its own "
    )
    assert "rename the header" in result.output and "--take-over" in result.output
    assert "Traceback" not in result.output
    nothing_written(tmp_path, path, before)
    # check says the same, and does not call the workbook ready
    checked = cli("check", str(path))
    assert checked.exit_code == 1
    assert "Interviews!T1: the column" in checked.output and "ready to run" not in checked.output
    # handed over: the tool takes the column and recognises it as its own from then on
    taken = cli("run", str(path), "--today", TODAY, "--take-over")
    assert taken.exit_code == 0, taken.output
    canonical = next(h for h in MARK_COLUMNS if h.casefold() == header.strip().casefold())
    assert cell(path, "Interviews", "T1") == canonical
    assert cell(path, "Interviews", "T2") != "ask Dana about it"
    again = cli("run", str(path), "--today", "2026-11-27")
    assert again.exit_code == 0, again.output


# --- case 3: the user's own Due sheet --------------------------------------------------------


@pytest.mark.parametrize("name", ["Due", "DUE", "due"])
def test_a_users_own_due_sheet_is_refused(tmp_path: Path, name: str):
    """A sheet named Due that the user made is theirs: refused with the way out."""
    import openpyxl

    path = example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet(name)["A1"] = "my list of dues"
    wb.save(path)
    before = digest(path)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: tracker.xlsx: {name}: this sheet was not made by followup-xl, which writes its "
        "list of due follow-ups to its own sheet named Due and would replace this one: rename "
        f'your sheet (e.g. "My {name}"), or pass --take-over to hand it over to the tool\n'
    )
    nothing_written(tmp_path, path, before)
    assert cli("check", str(path)).exit_code == 1
    assert cli("run", str(path), "--today", TODAY, "--take-over").exit_code == 0
    assert cell(path, name, "A1") == "Status"


def test_every_refusal_is_listed_at_once(tmp_path: Path):
    """A user's Due sheet and two user columns: one message lists all three."""
    import openpyxl

    path = example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Due")
    wb["Interviews"]["R1"] = "Next Due"
    wb["Contacts"]["S1"] = "Next Action"
    wb.save(path)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    assert "Due: this sheet" in lines[0]
    assert "Interviews!R1" in lines[1] and "Contacts!S1" in lines[2]


# --- the marker survives a re-save --------------------------------------------------------


def test_the_tools_own_columns_and_sheet_survive_an_openpyxl_save(tmp_path: Path):
    """After a save by another program the next run still knows its own sheet and columns."""
    path = example(tmp_path)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0
    type_cells(path, "Log", {"F1": "my column"})  # any edit: openpyxl rewrites every part
    result = cli("run", str(path), "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert headers(path, "Interviews").count("Next Action") == 1


def test_the_tools_own_columns_and_sheet_survive_a_libreoffice_save(tmp_path: Path, soffice: str):
    """A workbook opened and saved in LibreOffice Calc is still recognised as marked."""
    path = example(tmp_path)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0
    saved = convert(path, "xlsx", tmp_path / "lo")
    shutil.copyfile(saved, path)
    shutil.rmtree(tmp_path / "lo")
    result = cli("run", str(path), "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert headers(path, "Interviews").count("Next Action") == 1
    assert read_values(path.read_bytes())["Due"][(1, 1)] == "Status"


# --- case 13: the prefixes Excel writes -----------------------------------------------------


def _workbooks(tmp_path: Path) -> list[tuple[str, bytes]]:
    """Return the corpus workbooks and the tests' own, including one last saved by openpyxl."""
    found = []
    if CORPUS.is_dir():
        for p in sorted(CORPUS.glob("*.xlsx")):
            if p.name not in UNMARKABLE:
                found.append((p.name, p.read_bytes()))
    found.append(("rich.xlsx", rich_workbook(tmp_path / "rich.xlsx").read_bytes()))
    ex = example(tmp_path, "example.xlsx")
    found.append(("example.xlsx", ex.read_bytes()))
    type_cells(ex, "Log", {"F1": "x"})  # last saved by openpyxl: xmlns:r on each <sheet>
    found.append(("openpyxl.xlsx", ex.read_bytes()))
    return found


#: Patches each workbook in a fresh process: python-docx and openpyxl register the "r" prefix
#: with lxml when imported, which hides the bug that a plain `run --no-letters` shows.
PATCH_CHILD = textwrap.dedent(
    """
    import io, sys
    from datetime import date
    from pathlib import Path
    import python_calamine
    from followup_xl.xlsx.columns import ColumnMarks
    from followup_xl.xlsx.duesheet import DueTable
    from followup_xl.xlsx.patch import patch
    due = DueTable(rows=[("DUE", date(2026, 11, 25), "Thank-you letter", "R3", "Ana",
                          "Acme", "Clerk", "Mail", "", "why")])
    for src in sys.argv[1:]:
        data = Path(src).read_bytes()
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = book.sheet_names[0]
        sheet = book.get_sheet_by_name(name)
        r0, c0 = sheet.start or (0, 0)
        rows = tuple(range(r0 + 2, r0 + max(sheet.height, 1) + 2))
        marks = ColumnMarks(name, r0 + 1, c0 + sheet.width, rows,
                            {rows[0]: ("Call", date(2026, 11, 27), "DUE")})
        Path(src + ".out").write_bytes(patch(data, due=due, columns=[marks], name=src).data)
    """
)


def test_no_rewritten_part_has_a_generated_namespace_prefix(tmp_path: Path):
    """Every part the tool writes uses the file's or Excel's own prefixes, never ns0:."""
    books = _workbooks(tmp_path)
    assert len(books) >= 3
    files = []
    for i, (name, data) in enumerate(books):
        path = tmp_path / f"{i}.xlsx"
        path.write_bytes(data)
        files.append((name, path))
    proc = subprocess.run([sys.executable, "-c", PATCH_CHILD, *(str(p) for _, p in files)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for name, path in files:
        old = xml_members(path.read_bytes())
        new = xml_members(Path(f"{path}.out").read_bytes())
        for member, content in new.items():
            if old.get(member) == content:
                continue  # copied, not rewritten
            found = GENERATED_PREFIX.findall(content)
            assert not found, f"{name}: {member} has {found[:3]}"


def run_in_a_fresh_process(path: Path) -> None:
    """Mark the workbook from a new Python, where python-docx has not registered "r" yet."""
    proc = subprocess.run(
        [sys.executable, "-c", "from followup_xl.cli import main; main()", "run", str(path),
         "--today", TODAY, "--no-letters"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_a_plain_run_on_an_openpyxl_workbook_writes_r_id(tmp_path: Path):
    """The Due sheet's entry in workbook.xml says r:id, as Excel writes it."""
    path = example(tmp_path)
    type_cells(path, "Log", {"F1": "x"})  # last saved by openpyxl: xmlns:r on each <sheet>
    run_in_a_fresh_process(path)
    workbook_xml = xml_members(path.read_bytes())["xl/workbook.xml"]
    (due,) = re.findall(rb'<sheet [^>]*name="Due"[^>]*>', workbook_xml)
    assert b' r:id="rId' in due and not GENERATED_PREFIX.search(workbook_xml), due


EXCELJS_READ = """
const ExcelJS = require('exceljs');
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(process.argv[2]);
  const out = {};
  wb.eachSheet((ws) => {
    const rows = [];
    ws.eachRow((row) => rows.push(row.values.slice(1).map((v) => (v && v.text) || v)));
    out[ws.name] = rows;
  });
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def _exceljs() -> str:
    """Return the node executable when ExcelJS can be loaded, else skip with the reason."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the ExcelJS check needs it")
    probe = subprocess.run([node, "-e", "require('exceljs')"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        if in_ci():  # .ci/run installs exceljs wherever Node.js and npm are present
            pytest.fail("Node.js is here but exceljs cannot be loaded (.ci/run installs it)")
        pytest.skip("the exceljs package is not installed for Node.js (npm install exceljs, "
                    "then set NODE_PATH to its node_modules)")  # fmt: skip
    return node


def test_exceljs_lists_the_due_sheet_of_an_openpyxl_workbook(tmp_path: Path):
    """ExcelJS, which matches r:id literally, sees the Due sheet and reads its rows."""
    node = _exceljs()
    path = example(tmp_path)
    type_cells(path, "Log", {"F1": "x"})  # last saved by openpyxl
    run_in_a_fresh_process(path)
    script = tmp_path / "read.js"
    script.write_text(EXCELJS_READ)
    proc = subprocess.run([node, str(script), str(path)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    sheets = json.loads(proc.stdout)
    assert "Due" in sheets, list(sheets)
    due = sheets["Due"]
    assert due[0][:3] == ["Status", "Due Date", "Action"]
    expected = read_values(path.read_bytes())["Due"]
    assert len(due) == max(r for r, _ in expected)
    assert sheets["Interviews"][0][-3:] == ["Next Action", "Next Due", "Follow-up Status"]


def test_the_generated_prefix_pattern_finds_ns0():
    """The prefix test cannot pass by matching nothing."""
    assert GENERATED_PREFIX.search(b'<sheet xmlns:ns0="x" ns0:id="rId7"/>')
    assert not GENERATED_PREFIX.search(b'<sheet r:id="rId7"/><x14:ext/>')
    assert date(2026, 11, 25).isoformat() == TODAY
    assert zipfile and io  # the workbooks above are real zips


# --- protected sheets and structure; a Due sheet only in name -------------------------------


def protect(path: Path, sheet: str | None) -> None:
    """Protect a sheet (or, with None, the workbook's structure) with a password, in Excel's
    way (openpyxl writes the same elements)."""
    import openpyxl
    from openpyxl.workbook.protection import WorkbookProtection

    wb = openpyxl.load_workbook(path)
    if sheet is None:
        wb.security = WorkbookProtection(workbookPassword="secret", lockStructure=True)
    else:
        wb[sheet].protection.sheet = True
        wb[sheet].protection.password = "secret"
    wb.save(path)


@pytest.mark.parametrize(
    ("sheet", "words"),
    [("Interviews", "Interviews is protected, so the tool cannot write its follow-up columns"),
     ("Contacts", "Contacts is protected, so the tool cannot write its follow-up columns"),
     (None, "the workbook's structure is protected, so the tool cannot add its Due sheet")],
)  # fmt: skip
def test_a_protected_sheet_or_structure_is_refused_not_written_around(
    tmp_path: Path, sheet: str | None, words: str
):
    """The run says which protection stops it and how to lift it; nothing is written."""
    path = example(tmp_path)
    protect(path, sheet)
    before = digest(path)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert words in result.output and "unprotect it" in result.output
    nothing_written(tmp_path, path, before)


def test_sent_refuses_a_protected_log(tmp_path: Path):
    """A protected Log gets no rows: `sent` names it and writes nothing."""
    path = example(tmp_path)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0
    protect(path, "Log")
    before = digest(path)
    result = cli("sent", str(tmp_path / f"followup {TODAY}"), "--date", TODAY, "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert "Log is protected, so the tool cannot write the new rows" in result.output
    assert digest(path) == before


def test_a_users_due_sheet_under_a_leftover_marker_is_theirs(tmp_path: Path):
    """The tool's Due sheet deleted by a program that kept the workbook's defined names, then
    a sheet of the user's named Due: the marker alone does not hand it to the tool."""
    import openpyxl

    path = example(tmp_path)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0
    wb = openpyxl.load_workbook(path)
    kept = [n for n in wb.defined_names if n.lower().startswith("_followup")]
    assert kept  # the tool's markers, kept by openpyxl when the sheet goes
    del wb["Due"]
    mine = wb.create_sheet("Due")
    mine.append(["Bill", "Amount"])
    mine.append(["Rent", 900])
    wb.save(path)
    assert [n for n in openpyxl.load_workbook(path).defined_names if n in kept] == kept
    before = digest(path)
    result = cli("run", str(path), "--today", "2026-11-26")
    assert result.exit_code == 1, result.output
    assert "Due: this sheet was not made by followup-xl" in result.output
    assert digest(path) == before
    assert cell(path, "Due", "A2") == "Rent"
