"""LibreOffice's own format: .ods workbooks saved by LibreOffice are read, marked and
recorded in like the .xlsx they were converted from."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import in_ci

from followup_xl.cli import main
from followup_xl.errors import WorkbookError
from followup_xl.newbook import write_workbook
from followup_xl.ods.precheck import scan_content
from followup_xl.office import convert, find_soffice
from followup_xl.read.reader import read_workbook

TODAY = date(2026, 12, 3)


def as_ods(xlsx: Path, folder: Path) -> Path:
    """Return the .xlsx saved as .ods by headless LibreOffice (in `folder`)."""
    return convert(xlsx, "ods", folder)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example workbook as .xlsx and as LibreOffice saves it as .ods (made once)."""
    if find_soffice() is None:
        if in_ci():
            pytest.fail("LibreOffice is required under CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed: it makes the .ods files")
    folder = tmp_path_factory.mktemp("example")
    xlsx = folder / "tracker.xlsx"
    write_workbook(xlsx, example=True, today=TODAY)
    return xlsx, as_ods(xlsx, folder / "ods")


def example(tmp_path: Path, saved: tuple[Path, Path]) -> tuple[Path, Path]:
    """Return copies of the example .xlsx and .ods in their own folders under tmp_path."""
    out = []
    for src, sub in zip(saved, ("xlsx", "ods"), strict=True):
        (tmp_path / sub).mkdir()
        out.append(tmp_path / sub / src.name)
        shutil.copy(src, out[-1])
    return out[0], out[1]


def with_content(ods: Path, edit, target: Path) -> Path:
    """Write a copy of an .ods whose content.xml is edit(text), all else as it was."""
    with zipfile.ZipFile(ods) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return target


def problems(path: Path) -> list[str]:
    """Return the blocking problems reading a workbook gives."""
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    return [str(p) for p in info.value.problems if p.blocking]


# reading


def test_an_ods_reads_to_the_same_records_as_its_xlsx(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """Dates, times, numbers, ZIP codes and text of the example read the same from the .ods
    LibreOffice saves as from the .xlsx it was made from."""
    xlsx, ods = example(tmp_path, saved)
    a, b = read_workbook(xlsx).book, read_workbook(ods).book
    assert a.interviews and a.contacts and a.log
    assert (a.profile, a.interviews, a.contacts, a.log) == (
        b.profile, b.interviews, b.contacts, b.log)  # fmt: skip
    assert a.layouts == b.layouts


def test_check_and_dry_runs_say_the_same_for_ods_and_xlsx(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """`run --dry-run` and `run --no-letters --dry-run` print the same week for the .ods;
    nothing is written beside it."""
    xlsx, ods = example(tmp_path, saved)
    before = ods.read_bytes()
    for extra in ([], ["--no-letters"]):
        outs = []
        for path in (xlsx, ods):
            got = CliRunner().invoke(main, ["run", str(path), "--dry-run", "--today",
                                            TODAY.isoformat(), *extra])  # fmt: skip
            assert got.exit_code == 0, got.output
            outs.append(got.output.replace(path.name, "BOOK"))
        assert outs[0] == outs[1]
        assert "OVERDUE" in outs[1] and "Dry run: nothing was written." in outs[1]
    assert ods.read_bytes() == before
    assert sorted(p.name for p in ods.parent.iterdir()) == [ods.name]


def test_typed_cells_read_as_from_the_xlsx(tmp_path: Path, soffice: str) -> None:
    """A time, a percentage, a date and a date-time read the same through both formats; a
    duration of 24 hours or more and a boolean too (calamine reads them otherwise in an
    .ods: the pre-check puts them right)."""
    import xlsxwriter

    from followup_xl.read.frames import read_frames
    from followup_xl.read.precheck import precheck

    xlsx = tmp_path / "typed.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx))
    ws = wb.add_worksheet("Typed")
    fmt = {k: wb.add_format({"num_format": v}) for k, v in (
        ("t", "hh:mm"), ("p", "0%"), ("d", "yyyy-mm-dd"), ("dt", "yyyy-mm-dd hh:mm"),
        ("h", "[h]:mm"))}  # fmt: skip
    from datetime import datetime, time

    ws.write_datetime(0, 0, time(10, 30), fmt["t"])
    ws.write_number(0, 1, 0.25, fmt["p"])
    ws.write_datetime(0, 2, datetime(2026, 1, 2), fmt["d"])
    ws.write_datetime(0, 3, datetime(2026, 1, 2, 9, 15, 30), fmt["dt"])
    ws.write_number(0, 4, 1.5, fmt["h"])
    ws.write_string(0, 5, "02134")
    ws.write_string(0, 6, "two  spaces\nand a line")
    ws.write_number(0, 7, 2)
    wb.close()
    ods = with_content(as_ods(xlsx, tmp_path / "ods"), lambda t: t.replace(
        '<table:table-cell office:value-type="float" office:value="2" calcext:value-type="float">'
        "<text:p>2</text:p>",
        '<table:table-cell office:value-type="boolean" office:boolean-value="true" '
        'calcext:value-type="boolean"><text:p>TRUE</text:p>'), tmp_path / "typed.ods")  # fmt: skip
    from followup_xl.ods.precheck import precheck_ods

    rows = []
    for path, check in ((xlsx, precheck), (ods, precheck_ods)):
        checked = check(path, {"typed"}, str.casefold)
        rows.append(read_frames(path, checked)["Typed"].rows[0])
    assert rows[1][:7] == rows[0][:7]
    assert rows[1][4] == timedelta(hours=36)
    assert rows[1][7] is True


def test_a_value_repeated_down_a_million_rows_is_refused_naming_its_cell(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """A row of data that content.xml repeats 2,000,000 times would make pandas build a grid
    of millions of cells: the run refuses before reading, naming the cell."""
    _, ods = example(tmp_path, saved)
    big = (
        '<table:table-row table:number-rows-repeated="2000000"><table:table-cell '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )

    def edit(text: str) -> str:
        start = text.index('table:name="Log"')
        end = text.index("</table:table-row>", start) + len("</table:table-row>")
        return text[:end] + big + text[end:]

    bad = with_content(ods, edit, tmp_path / "bad.ods")
    (msg,) = problems(bad)
    assert msg == (
        "bad.ods: Log!A2: has a value repeated or placed beyond the last row or column a "
        "sheet has (row 1,048,576, column XFD) — delete what that cell repeats beyond your "
        "table and save"
    )


def test_a_value_repeated_across_columns_is_refused_naming_its_cell(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """One cell repeated over 16,000 columns in each of 300 rows: refused, its cell named."""
    _, ods = example(tmp_path, saved)
    wide = (
        '<table:table-row table:number-rows-repeated="300"><table:table-cell '
        'table:number-columns-repeated="16000" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )

    def edit(text: str) -> str:
        start = text.index('table:name="Contacts"')
        end = text.index("</table:table-row>", start) + len("</table:table-row>")
        return text[:end] + wide + text[end:]

    bad = with_content(ods, edit, tmp_path / "wide.ods")
    (msg,) = problems(bad)
    rows = len(read_workbook(ods).book.contacts) + 301
    assert msg.startswith(
        f"wide.ods: Contacts!A2: holds a value repeated or placed far from the rest of the "
        f"sheet: reading it would mean a grid of {rows * 16000:,} cells ({rows:,} rows by "
        "16,000 columns) for "
    ), msg
    assert msg.endswith(" cells that hold data — delete what that cell repeats (or move it "
                        "next to your table) and save")  # fmt: skip


def test_empty_repeats_as_libreoffice_saves_them_are_not_refused(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """LibreOffice pads every table with empty cells repeated to column XFD and rows to the
    last row: that is no data, and reads."""
    _, ods = example(tmp_path, saved)
    content = zipfile.ZipFile(ods).read("content.xml")
    assert b'table:number-columns-repeated="16' in content
    assert read_workbook(ods).book.interviews


def test_broken_content_xml_is_refused_with_its_place(
    tmp_path: Path, saved: tuple[Path, Path]
) -> None:
    """A content.xml cut short or with a broken tag names the part and the place."""
    _, ods = example(tmp_path, saved)
    bad = with_content(ods, lambda t: t.replace("</table:table-row>", "</table:table-rw>", 40),
                       tmp_path / "broken.ods")  # fmt: skip
    (msg,) = problems(bad)
    assert re.fullmatch(
        r"broken\.ods: its cells \(content\.xml\) are damaged \(Opening and ending tag mismatch: "
        r"table-row line \d+ and table-rw at line \d+, column \d+\), so they cannot be read — "
        r"open it in LibreOffice Calc, let it repair the file, check it and save it again",
        msg,
    ), msg


def test_the_scan_keeps_memory_flat_over_a_long_table() -> None:
    """200,000 rows stream through the pre-check; its count and extent come out right."""
    row = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="3"/>'
        "</table:table-row>"
    )
    xml = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:'
        '1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:'
        'oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Log">' + row * 200_000 + "</table:table><table:table "
        'table:name="Other"/></office:spreadsheet></office:body></office:document-content>'
    ).encode()
    checked = scan_content(io.BytesIO(xml), {"log"}, str.casefold, "t.ods")
    assert checked.sheet_names == ["Log", "Other"] and not checked.problems
    assert list(checked.sheets) == ["Log"]


def test_a_password_protected_ods_is_refused_with_how_to_remove_it(corpus_dir: Path) -> None:
    """LibreOffice's encrypted .ods: one message, how to save it without the password."""
    (msg,) = problems(corpus_dir / "roo_encrypted_letmein.ods")
    assert msg.startswith("roo_encrypted_letmein.ods: is protected with a password")


def test_every_corpus_ods_gets_a_located_answer(corpus_dir: Path, tmp_path: Path) -> None:
    """OpenDocument files from LibreOffice, Symphony, Excel and Google (one with no mimetype)
    are read: none is in the contract's shape, so each says which sheet is missing, exits 1
    and writes nothing."""
    odss = sorted(corpus_dir.glob("*.ods"))
    assert len(odss) >= 15
    for ods in odss:
        path = tmp_path / ods.name
        path.write_bytes(ods.read_bytes())
        result = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-25"])
        assert result.exit_code == 1, (ods.name, result.output)
        assert "Traceback" not in result.output and path.read_bytes() == ods.read_bytes()
        assert (
            f'{ods.name}: has no sheet named "Profile" (sheets found: ' in result.output
            or f"{ods.name}: is protected with a password" in result.output
        ), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in odss]


# marking in place


def lo_values(path: Path, folder: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Return every sheet's cells as LibreOffice itself opens the file (saved as .xlsx by it,
    read by python-calamine)."""
    from factory import read_values

    out = convert(path, "xlsx", folder)
    got = read_values(out.read_bytes())
    assert got is not None, f"LibreOffice could not open {path.name}"
    return got


def run(path: Path, *extra: str, today: date = TODAY) -> str:
    """Run the week on a workbook without letters; return what it printed."""
    got = CliRunner().invoke(main, ["run", str(path), "--no-letters", "--today",
                                    today.isoformat(), *extra])  # fmt: skip
    assert got.exit_code == 0, got.output
    return got.output


def members(path: Path) -> list[tuple[str, int, bytes]]:
    """Return each zip member's name, compression and bytes, in order."""
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, i.compress_type, zf.read(i)) for i in zf.infolist()]


def test_a_run_marks_the_ods_as_it_marks_the_xlsx(tmp_path: Path, saved) -> None:
    """The Due sheet and the three columns read back the same from the .ods as from the
    .xlsx; only content.xml changed, `mimetype` is still first and stored, and LibreOffice
    opens the file with every user cell as it was."""
    from followup_xl.read.reader import read_due_sheet

    xlsx, ods = example(tmp_path, saved)
    before = lo_values(ods, tmp_path / "before")
    old = members(ods)
    for path in (xlsx, ods):
        assert "Marked" in run(path)
    assert read_due_sheet(ods) == read_due_sheet(xlsx) and len(read_due_sheet(ods)) > 3
    new = members(ods)
    assert [m[:2] for m in new] == [m[:2] for m in old]
    assert new[0][:2] == ("mimetype", zipfile.ZIP_STORED)
    assert [m for m in new if m[0] != "content.xml"] == [m for m in old if m[0] != "content.xml"]
    after = lo_values(ods, tmp_path / "after")
    marks_x = lo_values(xlsx, tmp_path / "x")
    assert after["Due"] == marks_x["Due"]
    for sheet, cells in before.items():
        kept = {k: v for k, v in after[sheet].items() if k[1] < 20 or sheet not in (
            "Interviews", "Contacts")}  # fmt: skip
        assert kept == cells, sheet
        tool = {k: v for k, v in after[sheet].items() if k not in kept}
        assert tool == {k: v for k, v in marks_x[sheet].items() if k not in cells}, sheet
    assert after["Interviews"][1, 20] == "Next Action"


def test_the_second_run_knows_its_own_sheet_and_columns(tmp_path: Path, saved) -> None:
    """Run twice the same day: the second writes nothing; a day later it rewrites its own
    Due sheet and columns in place (no new columns, no refusal)."""
    _, ods = example(tmp_path, saved)
    run(ods)
    first = ods.read_bytes()
    assert "nothing changed since the last run" in run(ods)
    assert ods.read_bytes() == first
    assert "Marked" in run(ods, today=TODAY + timedelta(days=1))
    values = lo_values(ods, tmp_path / "lo")
    assert values["Interviews"][1, 20] == "Next Action" and (1, 23) not in values["Interviews"]
    assert list(values) == ["How to use", "Profile", "Interviews", "Contacts", "Log", "Due"]


def test_a_run_after_libreoffice_saved_the_marked_file_again(tmp_path: Path, saved) -> None:
    """Mark, let LibreOffice open and save the file (it renames styles, rewrites the XML),
    mark a week later: the tool still knows its own sheet and columns by its named ranges."""
    _, ods = example(tmp_path, saved)
    run(ods)
    resaved = convert(ods, "ods", tmp_path / "resaved")
    week = resaved.parent / "tracker.ods"
    assert b"_FollowupXL_Due" in zipfile.ZipFile(week).read("content.xml")
    before = lo_values(week, tmp_path / "before")
    assert "Marked" in run(week, today=TODAY + timedelta(days=7))
    after = lo_values(week, tmp_path / "after")
    assert list(after) == list(before)
    for sheet in ("Profile", "Log", "How to use"):
        assert after[sheet] == before[sheet]
    for sheet in ("Interviews", "Contacts"):
        assert {k: v for k, v in after[sheet].items() if k[1] < 20} == {
            k: v for k, v in before[sheet].items() if k[1] < 20}  # fmt: skip
        assert after[sheet][1, 20] == "Next Action" and (1, 23) not in after[sheet]


def test_a_users_own_due_sheet_and_columns_are_refused(tmp_path: Path, saved) -> None:
    """A sheet named Due and a column headed Next Due that the tool did not make: the run
    refuses, names them, and writes nothing."""
    _, ods = example(tmp_path, saved)

    def edit(text: str) -> str:
        text = text.replace('table:name="How to use"', 'table:name="Due"', 1)
        start = text.index('table:name="Interviews"')
        # before the empty cells that pad the header row to the last column
        pad = re.compile(r'<table:table-cell[^>]*number-columns-repeated="\d+"[^>]*/>'
                         r"</table:table-row>")  # fmt: skip
        at = pad.search(text, start).start()
        return text[:at] + ('<table:table-cell office:value-type="string"><text:p>Next Due'
                            "</text:p></table:table-cell>") + text[at:]  # fmt: skip

    mine = with_content(ods, edit, tmp_path / "mine.ods")
    before = mine.read_bytes()
    got = CliRunner().invoke(main, ["run", str(mine), "--no-letters", "--today", "2026-12-03"])
    assert got.exit_code == 1
    assert "mine.ods: Due: this sheet was not made by followup-xl" in got.output
    assert 'the column "Next Due" was not made by followup-xl' in got.output
    assert mine.read_bytes() == before


def test_the_libreoffice_lock_file_stops_the_run(tmp_path: Path, saved) -> None:
    """The .~lock.tracker.ods# LibreOffice keeps beside an open file: nothing is written."""
    _, ods = example(tmp_path, saved)
    (ods.parent / f".~lock.{ods.name}#").write_text("user,host,,;")
    before = ods.read_bytes()
    got = CliRunner().invoke(main, ["run", str(ods), "--no-letters", "--today", "2026-12-03"])
    assert got.exit_code == 1 and "is open in LibreOffice" in got.output
    assert ods.read_bytes() == before


def test_check_plans_the_marks_of_an_ods(tmp_path: Path, saved) -> None:
    """`check` on a LibreOffice .ods says it is ready to run."""
    _, ods = example(tmp_path, saved)
    got = CliRunner().invoke(main, ["check", str(ods)])
    assert got.exit_code == 0 and "is ready to run" in got.output, got.output


def test_a_write_that_touches_a_user_cell_is_caught(tmp_path: Path, saved) -> None:
    """The write check compares every user table but the tool's cells: a patch that also
    changed a user's cell is refused."""
    from followup_xl.errors import WriteError
    from followup_xl.ods.marks import patch_ods, verify_ods
    from followup_xl.rules import due_actions
    from followup_xl.run import _due_table, column_marks

    _, ods = example(tmp_path, saved)
    book = read_workbook(ods).book
    actions = due_actions(book, TODAY)
    old = ods.read_bytes()
    due = _due_table(actions, {})
    result = patch_ods(old, due=due, columns=column_marks(book, actions), name=ods.name)
    verify_ods(result.data, old=old, result=result, due=due, name=ods.name)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        content = zf.read("content.xml").replace(b"Mill Brook Health", b"Mill Brook Healht", 1)
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(result.data)) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, content if info.filename == "content.xml" else zin.read(info))
    with pytest.raises(WriteError, match="would change cells that are not the tool's"):
        verify_ods(tampered.getvalue(), old=old, result=result, due=due, name=ods.name)


# sent


def test_sent_records_the_same_log_rows_in_the_ods_and_undo_takes_them_back(
    tmp_path: Path, saved
) -> None:
    """After a run with letters, `sent` appends to the .ods's Log the rows it appends to the
    .xlsx's (dates shown as the Log's dates); LibreOffice reads every other cell as before;
    `sent --undo` empties them again."""
    xlsx, ods = example(tmp_path, saved)
    logs = []
    for path in (xlsx, ods):
        got = CliRunner().invoke(main, ["run", str(path), "--today", TODAY.isoformat()])
        assert got.exit_code == 0, got.output
        batch = path.parent / f"followup {TODAY.isoformat()}"
        before = lo_values(path, tmp_path / f"before-{path.suffix[1:]}")
        got = CliRunner().invoke(main, ["sent", str(batch), "--today", TODAY.isoformat()])
        assert got.exit_code == 0 and "Added 5 row(s) to the Log" in got.output, got.output
        after = lo_values(path, tmp_path / f"after-{path.suffix[1:]}")
        new = {k: v for k, v in after["Log"].items() if k not in before["Log"]}
        assert {k: v for k, v in after["Log"].items() if k in before["Log"]} == before["Log"]
        assert {s: v for s, v in after.items() if s != "Log"} == {
            s: v for s, v in before.items() if s != "Log"}  # fmt: skip
        logs.append(new)
        got = CliRunner().invoke(main, ["sent", str(batch), "--undo"])
        assert got.exit_code == 0 and "Took back 5 Log row(s)" in got.output, got.output
        assert lo_values(path, tmp_path / f"undone-{path.suffix[1:]}") == before
    assert logs[0] == logs[1] and len(logs[1]) == 20
    assert date(2026, 12, 3) in {v.date() if hasattr(v, "date") else v for v in logs[1].values()}


# a workbook with everything LibreOffice keeps


def rich_ods(tmp_path: Path, saved) -> Path:
    """Return the example with a styled cell, a validation list, a conditional format, a
    comment, a hidden sheet of formulas and a chart, saved as .ods by LibreOffice."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    xlsx, _ = example(tmp_path, saved)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Interviews"]
    ws["B2"].font = Font(bold=True, color="FF0000")
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B2"].comment = Comment("Ask about parking", "Alex")
    valid = DataValidation(type="list", formula1='"Yes,No,Maybe"', allow_blank=True)
    ws.add_data_validation(valid)
    valid.add("F2:F40")
    ws.conditional_formatting.add(
        "I2:I40", CellIsRule(operator="greaterThan", formula=["30"], fill=PatternFill(
            "solid", fgColor="FFC7CE")))  # fmt: skip
    notes = wb.create_sheet("Notes")
    notes.append(["Interviews", "=COUNTA(Interviews!A:A)-1"])
    notes.append(["Contacts", "=COUNTA(Contacts!A:A)-1"])
    notes.append(["Log rows", "=COUNTA(Log!A:A)-1"])
    notes.sheet_state = "hidden"
    stats = wb.create_sheet("Stats")
    stats.append(["Sheet", "Rows"])
    for r in range(1, 4):
        stats.append([f"=Notes!A{r}", f"=Notes!B{r}"])
    chart = BarChart()
    chart.add_data(Reference(stats, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(stats, min_col=1, min_row=2, max_row=4))
    stats.add_chart(chart, "D2")
    rich = tmp_path / "rich" / "tracker.xlsx"
    rich.parent.mkdir()
    wb.save(rich)
    return as_ods(rich, tmp_path / "rich-ods")


def test_run_and_sent_keep_everything_libreoffice_saved(tmp_path: Path, saved) -> None:
    """Styles, a validation list, a conditional format, a comment, a hidden sheet of formulas
    and a chart survive `run`, a second run and `sent`: every member but content.xml is the
    same bytes, content.xml still holds each of them, and LibreOffice re-opens the file with
    every user cell as it was (the formulas counting the new Log rows)."""
    ods = rich_ods(tmp_path, saved)
    content = zipfile.ZipFile(ods).read("content.xml")
    kept = [b"table:content-validation ", b"calcext:conditional-format ", b"office:annotation",
            b'table:display="false"', b'table:formula="of:=COUNTA', b"draw:object"]  # fmt: skip
    assert all(k in content for k in kept), [k for k in kept if k not in content]
    assert any(n.startswith("Object ") for n in zipfile.ZipFile(ods).namelist())
    before = lo_values(ods, tmp_path / "before")
    old = members(ods)
    for _ in range(2):
        got = CliRunner().invoke(main, ["run", str(ods), "--today", TODAY.isoformat()])
        assert got.exit_code == 0, got.output
    assert "nothing changed since the last run" in got.output
    got = CliRunner().invoke(main, ["sent", str(ods.parent / f"followup {TODAY.isoformat()}"),
                                    "--today", TODAY.isoformat()])  # fmt: skip
    assert got.exit_code == 0 and "Added 5 row(s)" in got.output, got.output
    new = members(ods)
    assert [m for m in new if m[0] != "content.xml"] == [m for m in old if m[0] != "content.xml"]
    content = zipfile.ZipFile(ods).read("content.xml")
    assert all(k in content for k in kept), [k for k in kept if k not in content]
    after = lo_values(ods, tmp_path / "after")
    assert set(after) == set(before) | {"Due"}
    for sheet, cells in before.items():
        if sheet in ("Interviews", "Contacts"):
            assert {k: v for k, v in after[sheet].items() if k[1] < 20} == cells, sheet
        elif sheet == "Log":
            assert {k: v for k, v in after[sheet].items() if k in cells} == cells
            assert len(after[sheet]) == len(cells) + 20
        elif sheet in ("Notes", "Stats"):
            assert {k: v for k, v in after[sheet].items() if k[1] == 1} == {
                k: v for k, v in cells.items() if k[1] == 1}  # fmt: skip
        else:
            assert after[sheet] == cells, sheet
    assert after["Notes"][3, 2] == before["Notes"][3, 2] + 5  # the Log's 5 new rows counted
    lo = tmp_path / "after" / "tracker.xlsx"
    names = zipfile.ZipFile(lo).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)
    assert any(n.startswith("xl/comments") for n in names)


def test_a_newer_sibling_of_the_other_format_is_named(tmp_path: Path, saved) -> None:
    """tracker.ods saved after tracker.xlsx beside it: a run on the .xlsx warns that the
    .ods is newer; on the .ods, nothing is said."""
    import os

    xlsx, ods = example(tmp_path, saved)
    shutil.copy(ods, xlsx.with_suffix(".ods"))
    os.utime(xlsx, (1_700_000_000, 1_700_000_000))
    warned = [str(p) for p in read_workbook(xlsx).warnings]
    assert warned[-1] == (
        "tracker.xlsx: tracker.ods beside it was saved after it — if that is the workbook you "
        "keep now, run the tool on tracker.ods instead"
    )
    assert not any("beside it" in str(p) for p in read_workbook(xlsx.with_suffix(".ods")).warnings)
