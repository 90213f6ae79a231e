"""mark_workbook end to end: real workbooks on disk, the public API the run command calls."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from test_xlsx_patch import DUE, assert_preserved, contract_marks, rich_workbook

from factory import read_values
from followup_xl import marks as marks_mod
from followup_xl.contract import DUE_COLUMNS, MARK_COLUMNS
from followup_xl.errors import WriteError
from followup_xl.marks import (
    ColumnMarks,
    DueTable,
    MarkResult,
    fingerprint,
    mark_workbook,
    preflight,
)
from followup_xl.office import convert
from followup_xl.safewrite import list_backups
from followup_xl.xlsx.package import date_serial, xml_members
from followup_xl.xlsx.patch import PatchResult, patch

NOW = datetime(2026, 11, 25, 9, 30, 0)


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """Return a contract-shaped workbook full of charts, tables, comments and formulas."""
    return rich_workbook(tmp_path / "tracker.xlsx")


def mark(path: Path, **kw) -> MarkResult:
    kw.setdefault("due", DUE)
    kw.setdefault("columns", contract_marks())
    kw.setdefault("now", NOW)
    return mark_workbook(path, expected=fingerprint(path), **kw)


def test_marking_writes_due_sheet_and_columns_and_keeps_a_backup(tracker: Path):
    """The Due sheet and three columns appear; the old version is kept as a backup."""
    old = tracker.read_bytes()
    result = mark(tracker)
    # the workbook as it was before the tool first wrote to it is kept apart, never rotated
    assert result.backup == (
        tracker.parent / "tracker.backups" / "tracker.original.2026-11-25_09-30-00.xlsx"
    )
    assert result.backup.read_bytes() == old
    assert result.created_due_sheet and result.due_rows == 3
    values = read_values(tracker.read_bytes())
    assert [values["Due"][(1, c)] for c in range(1, 11)] == list(DUE_COLUMNS)
    assert values["Due"][(2, 1)] == "OVERDUE"
    assert [values["Interviews"][(1, c)] for c in (7, 8, 9)] == list(MARK_COLUMNS)
    assert values["Interviews"][(2, 9)] == "OVERDUE"
    assert values["Contacts"][(4, 5)] == "-note"
    # the rest of the workbook is untouched
    again = patch(old, due=DUE, columns=contract_marks(), name="tracker.xlsx")
    assert xml_members(again.data) == xml_members(tracker.read_bytes())
    assert_preserved(old, tracker.read_bytes(), again)


def test_second_run_replaces_the_first_runs_marks(tracker: Path):
    """Running twice leaves one Due sheet, one set of columns, the second run's values."""
    mark(tracker)
    second = [
        ColumnMarks("Interviews", 1, 6, tuple(range(2, 8)), {7: ("Note card", None, "DUE")}),
        ColumnMarks("Contacts", 1, 4, (2, 3, 4), {}),
    ]
    result = mark(tracker, due=DueTable(rows=[DUE.rows[1]]), columns=second,
                  now=datetime(2026, 12, 2, 9, 0))  # fmt: skip
    assert not result.created_due_sheet and result.appended_styles == 0
    values = read_values(tracker.read_bytes())
    assert list(values) == ["Due", "Interviews", "Contacts", "Log", "Lists"]
    assert max(r for r, _ in values["Due"]) == 2
    iv = values["Interviews"]
    assert [c for (r, c), v in iv.items() if r == 1 and v in MARK_COLUMNS] == [7, 8, 9]
    assert iv.get((2, 9)) is None and iv[(7, 7)] == "Note card"
    assert not any(c > 4 for (_, c) in values["Contacts"] if _ > 1)


def test_a_file_changed_since_it_was_read_is_not_written(tracker: Path):
    """If Excel saved the workbook after the tool read it, the tool writes nothing."""
    expected = fingerprint(tracker)
    tracker.write_bytes(tracker.read_bytes() + b"\0")
    before = tracker.read_bytes()
    with pytest.raises(WriteError, match=r"tracker.xlsx changed on disk since the tool read it"):
        mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=expected, now=NOW)
    assert tracker.read_bytes() == before
    assert not (tracker.parent / "tracker.backups").exists()


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("xl/worksheets/sheet3.xml", "the write changed xl/worksheets/sheet3.xml, which it never"),
        ("xl/worksheets/sheet1.xml", r"Interviews would change outside the tool's cells \(\['D"),
    ],
    ids=["a sheet it never writes", "a user cell of a marked sheet"],
)
def test_a_failed_verification_writes_nothing(tracker: Path, monkeypatch, part: str,
                                              message: str):  # fmt: skip
    """A writer bug that altered a user cell is caught before the file is replaced."""
    real_patch = marks_mod.patch

    def bad_patch(data: bytes, **kw) -> PatchResult:
        result = real_patch(data, **kw)
        if not result.data:  # the plan of a run with letters: no file yet, nothing to spoil
            return result
        import io
        import zipfile

        members = xml_members(result.data)
        serial = b"<v>%d</v>" % date_serial(date(2026, 11, 2), False)
        xml = members[part]
        assert serial in xml
        members[part] = xml.replace(serial, b"<v>1</v>")
        result.changed_members.add(part)  # past the byte-for-byte check
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, body in members.items():
                zf.writestr(name, body)
        result.data = out.getvalue()
        return result

    monkeypatch.setattr(marks_mod, "patch", bad_patch)
    old = tracker.read_bytes()
    with pytest.raises(WriteError, match=f"tracker.xlsx: {message}"):
        mark(tracker)
    assert tracker.read_bytes() == old
    assert sorted(p.name for p in tracker.parent.iterdir()) == ["tracker.xlsx"]


def test_preflight_refuses_an_open_workbook_before_any_work(tracker: Path):
    """The exact message names the lock file and the two ways out."""
    (tracker.parent / ".~lock.tracker.xlsx#").write_text("alex,host,01.01.2026;")
    with pytest.raises(WriteError) as err:
        preflight(tracker)
    assert str(err.value) == (
        "tracker.xlsx is open in LibreOffice (.~lock.tracker.xlsx# beside it): close it and "
        "run again, or pass --force if it is not really open"
    )
    preflight(tracker, force=True)
    result = mark(tracker, force=True)
    assert result.backup.exists()


def test_permissions_are_kept(tracker: Path):
    """The marked workbook keeps the file mode it had."""
    tracker.chmod(0o640)
    mark(tracker)
    assert stat.S_IMODE(tracker.stat().st_mode) == 0o640


def test_every_version_of_the_last_two_weeks_is_kept(tracker: Path):
    """Five changing runs in five days leave the original and each version they replaced."""
    versions = []
    for day in range(1, 6):
        versions.append(tracker.read_bytes())
        rows = [(*DUE.rows[0][:8], f"letter {day}.docx", DUE.rows[0][9])]
        mark(tracker, due=DueTable(rows=rows), now=datetime(2026, 12, day, 8, 0))
    kept = list_backups(tracker)
    assert [b.path.name for b in kept] == ["tracker.original.2026-12-01_08-00-00.xlsx"] + [
        f"tracker.2026-12-0{d}_08-00-00.xlsx" for d in (2, 3, 4, 5)
    ]
    assert [b.path.read_bytes() for b in kept] == versions


def test_marked_workbook_opens_in_libreoffice(tracker: Path, soffice: str, tmp_path: Path):
    """Real LibreOffice converts the marked workbook and sees the marks as text and dates."""
    mark(tracker)
    out = convert(tracker, "xlsx", tmp_path / "lo")
    values = read_values(out.read_bytes())
    assert values["Due"][(2, 2)] == date(2026, 11, 20)
    assert values["Due"][(2, 5)] == '=HYPERLINK("x")'
    assert values["Interviews"][(2, 8)] == date(2026, 11, 2)
    assert values["Interviews"][(2, 6)] == 8  # a formula's result, recalculated by LibreOffice


def test_the_planned_patch_is_written_byte_for_byte(tmp_path: Path):
    """A run plans and verifies its patch, then writes it: the file it writes has exactly the
    bytes of a patch made afresh, apart, by a workbook never planned; and a different Due
    table after the plan (the letters' files) is patched anew, not taken from the plan."""
    from dataclasses import replace

    from followup_xl.marks import plan_marks

    planned, direct, later = (rich_workbook(tmp_path / f"{n}.xlsx") for n in ("p", "d", "l"))
    assert planned.read_bytes() == direct.read_bytes() == later.read_bytes()
    old = direct.read_bytes()
    mark(direct)  # no plan before it: patched and verified on its own
    fresh = patch(old, due=DUE, columns=contract_marks(), name="d.xlsx").data
    assert direct.read_bytes() == fresh
    plan_marks(planned, planned.read_bytes(), columns=contract_marks())
    mark(planned)  # the plan's patch, reused
    assert planned.read_bytes() == fresh
    plan_marks(later, later.read_bytes(), columns=contract_marks())
    other = replace(DUE, rows=DUE.rows[:1])
    mark(later, due=other)
    assert later.read_bytes() == patch(old, due=other, columns=contract_marks()).data != fresh


def test_the_plan_hands_its_marked_sheets_to_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run plans (the refusals), then writes a Due sheet listing its letters: given the
    plan's marked sheets, the write marks no sheet again and writes what a fresh patch
    writes; without them, a workbook is marked afresh."""
    from dataclasses import replace

    from followup_xl.marks import plan_marks
    from followup_xl.xlsx import patch as patch_mod

    made = []
    real = patch_mod.SheetMarker
    monkeypatch.setattr(patch_mod, "SheetMarker", lambda *a: made.append(1) or real(*a))
    planned, other = rich_workbook(tmp_path / "p.xlsx"), rich_workbook(tmp_path / "o.xlsx", rows=7)
    old = planned.read_bytes()
    listed = replace(DUE, rows=DUE.rows[:1])
    plan = plan_marks(planned, old, columns=contract_marks())
    assert len(made) == 2 and plan.data == b"" and plan.marked is not None
    mark(planned, due=listed, marked=plan.marked)
    assert len(made) == 2, "the write marked the sheets again"
    assert planned.read_bytes() == patch(old, due=listed, columns=contract_marks()).data
    plan_marks(planned, old, columns=contract_marks())
    mark(other, due=listed)  # another workbook: marked afresh
    assert len(made) == 2 + 2 + 2 + 2  # the plan, the fresh patch above, a plan, the other


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("sheet", b'<hyperlink ref="I2"', b'<hyperlink ref="I3"'),
        ("rels", b"letters/2026-11-20%20AT%26T.docx", b"letters/other.docx"),
        ("sheet", b"<hyperlinks>", b"<hyperlinks><hyperlink ref='A1' r:id='rId1'/>"),
    ],
    ids=["a link moved to another row", "a link to another file", "a link too many"],
)
def test_the_due_sheets_links_must_read_back_as_planned(tracker: Path, part: str, old: bytes,
                                                         new: bytes) -> None:  # fmt: skip
    """The Letter column's links are read back from the file about to be written: one that
    moved, leads elsewhere or was added is refused."""
    import dataclasses
    import io
    import zipfile

    due = dataclasses.replace(DUE, links={0: "letters/2026-11-20%20AT%26T.docx"})
    before = tracker.read_bytes()
    result = patch(before, due=due, columns=contract_marks(), name="tracker.xlsx")
    marks_mod.verify_bytes(result.data, old=before, result=result, due=due, name="tracker.xlsx")
    target = result.due_part if part == "sheet" else result.due_rels_part
    members = xml_members(result.data)
    assert old in members[target], members[target][-600:]
    members[target] = members[target].replace(old, new)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    with pytest.raises(WriteError, match="the Due sheet's links did not read back"):
        marks_mod.verify_bytes(out.getvalue(), old=before, result=result, due=due,
                               name="tracker.xlsx")  # fmt: skip
