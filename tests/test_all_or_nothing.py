"""All or nothing: a run that fails leaves the workbook and the letters folder as they were.

Also honest backups, one run at a time, long names, and one answer to "is this done?".
Real workbooks, the real CLI (in process or as a subprocess), the files reopened.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_ownership import digest, example
from test_run import PANEL, PEOPLE

from factory import make_book, read_values
from followup_xl import marks as marks_mod
from followup_xl import safewrite
from followup_xl.cli import main
from followup_xl.safewrite import TEMP_SUFFIX, list_backups

TODAY = "2026-11-25"
OUT = f"followup {TODAY}"
REPO = Path(__file__).resolve().parents[1]


def cli(*args: str) -> Any:
    """Run the real CLI in process and return Click's result."""
    return CliRunner().invoke(main, list(args))


def cli_process(*args: str, limit: int | None = None, env: dict | None = None) -> Any:
    """Run the real CLI as its own process, optionally with a file-size limit (a full disk)."""

    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-c", "from followup_xl.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300, preexec_fn=limited,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def listing(folder: Path) -> list[str]:
    """Return every name in a folder tree, relative, sorted (hidden files included)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- case 4: backups that can always get the user back -------------------------------------


def test_unchanged_reruns_write_nothing_and_the_original_is_kept_apart(tmp_path: Path):
    """Same-day reruns change nothing and make no backup; the pre-tool original never rotates."""
    path = example(tmp_path)
    original = path.read_bytes()
    first = cli("run", str(path), "--today", TODAY)
    assert first.exit_code == 0, first.output
    marked = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    for _ in range(3):
        again = cli("run", str(path), "--today", TODAY)
        assert again.exit_code == 0, again.output
        assert "nothing changed since the last run, so it was not rewritten" in again.output
        assert path.read_bytes() == marked and path.stat().st_mtime_ns == mtime
    (kept,) = list_backups(path)
    assert kept.path.read_bytes() == original and kept.kind == "original"
    # four runs on later days each change the workbook: each keeps the version it replaced
    # (within one second, the backups' names take -2, -3, ...)
    versions = []
    for day in ("2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"):
        versions.append(path.read_bytes())
        result = cli("run", str(path), "--today", day)
        assert result.exit_code == 0, result.output
    backups = list_backups(path)
    assert [b.kind for b in backups] == ["original", "", "", "", ""]
    assert [b.path.read_bytes() for b in backups] == [original, *versions]


# --- case 5: --pdf never replaces a file -----------------------------------------------------


def test_pdf_never_replaces_a_file_the_tool_did_not_write(tmp_path: Path, soffice: str):
    """An existing '… Print all letters.pdf' is kept; the new PDF takes the next free name."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    out = tmp_path / OUT
    out.mkdir()
    mine = out / f"{TODAY} Print all letters.pdf"
    mine.write_bytes(b"%PDF-1.4 my own annotated copy")
    result = cli("run", str(path), "--today", TODAY, "--pdf")
    assert result.exit_code == 0, result.output
    assert mine.read_bytes() == b"%PDF-1.4 my own annotated copy"
    new = out / f"{TODAY} Print all letters (2).pdf"
    assert new.read_bytes().startswith(b"%PDF")
    assert f"PDF: {new}" in result.output
    assert f"{mine.name} already exists and was not written by this run" in result.output


# --- case 6: a failure at any step leaves everything as it was -------------------------------


def _merged(path: Path) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Interviews"].merge_cells("R3:T3")
    wb.save(path)
    return "tracker.xlsx: Interviews!R3:T3 is a merged range where the tool writes its follow-up"


def _no_content_types(path: Path) -> str:
    data = path.read_bytes()
    with zipfile.ZipFile(path, "w") as dst, zipfile.ZipFile(__import__("io").BytesIO(data)) as src:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                dst.writestr(info, src.read(info))
    return "tracker.xlsx is damaged: its part [Content_Types].xml is missing"


def _backups_is_a_file(path: Path) -> str:
    (path.parent / "tracker.backups").write_text("my notes about backups")
    return "tracker.xlsx: tracker.backups beside it is not a folder"


@pytest.mark.parametrize("obstacle", [_merged, _no_content_types, _backups_is_a_file])
def test_an_obstacle_found_by_check_stops_the_run_before_any_letter(tmp_path: Path, obstacle):
    """check names the obstacle; run refuses it before writing a letter, backup or mark."""
    path = example(tmp_path)
    message = obstacle(path)
    before = digest(path)
    names = listing(tmp_path)
    checked = cli("check", str(path))
    assert checked.exit_code == 1 and message in checked.output
    assert "ready to run" not in checked.output
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}"), result.output
    assert "Traceback" not in result.output
    assert digest(path) == before and listing(tmp_path) == names


def test_a_save_during_the_run_leaves_no_letters(tmp_path: Path, monkeypatch):
    """The user saves the workbook while the tool works: exit 1, no letters, the save kept."""
    path = example(tmp_path)
    saved = path.read_bytes() + b"\0"

    def users_save(step: str) -> None:
        if step == "recheck":
            path.write_bytes(saved)

    monkeypatch.setattr(safewrite, "step_hook", users_save)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert "tracker.xlsx changed on disk while the tool was working" in result.output
    assert path.read_bytes() == saved
    assert listing(tmp_path) == ["tracker.xlsx"]


def test_pdf_without_libreoffice_is_a_warning_after_everything_else(tmp_path: Path, monkeypatch):
    """No LibreOffice: the letters and the marks are written, then a warning, exit 0."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    monkeypatch.setenv("PATH", str(tmp_path / "no-office-here"))
    result = cli("run", str(path), "--today", TODAY, "--pdf")
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip().splitlines()
    # after everything written (the summary then ends with what to do next)
    warning = next(i for i, line in enumerate(lines) if line.startswith("warning: no PDF"))
    marked = next(i for i, line in enumerate(lines) if line.startswith("Marked "))
    assert warning > marked and lines[warning + 1 :][:2] == ["", "Next:"]
    last = lines[warning]
    assert last.startswith("warning: no PDF was made: 2026-11-25 Print all letters.docx: ")
    assert "LibreOffice is not installed" in last
    assert (tmp_path / OUT / f"{TODAY} Print all letters.docx").exists()
    assert read_values(path.read_bytes())["Due"][(1, 1)] == "Status"


# --- case 7: letters are written atomically ------------------------------------------------


def test_a_full_disk_leaves_no_half_letter_and_the_next_run_is_clean(tmp_path: Path):
    """A letter write that fails halfway leaves nothing; after space is freed, no '(2)' files."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    before = digest(path)
    full = cli_process("run", str(path), "--today", TODAY, limit=6000)
    assert full.returncode == 1, full.stdout + full.stderr
    assert "cannot write: File too large" in full.stderr
    assert "Traceback" not in full.stderr
    assert digest(path) == before
    assert listing(tmp_path) == ["tracker.xlsx"]  # no letter, no staging folder, no backup
    again = cli("run", str(path), "--today", TODAY)
    assert again.exit_code == 0, again.output
    names = sorted(p.name for p in (tmp_path / OUT).iterdir())
    assert not [n for n in names if "(2)" in n], names
    assert all((tmp_path / OUT / n).stat().st_size > 0 for n in names)


# --- case 8: a lock file beside the target of a link ---------------------------------------


def test_a_lock_file_beside_the_links_target_is_respected(tmp_path: Path):
    """LibreOffice opened real/t.xlsx: running on a link to it is refused."""
    real = tmp_path / "real"
    real.mkdir()
    target = example(real, "t.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    (real / ".~lock.t.xlsx#").write_text("alex,host,25.11.2026;")
    before = digest(target)
    result = cli("run", str(link), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output == (
        "Error: link.xlsx is open in LibreOffice (.~lock.t.xlsx# beside it): close it and run "
        "again, or pass --force if it is not really open\n"
    )
    assert digest(target) == before and link.is_symlink()
    assert sorted(p.name for p in real.iterdir()) == [".~lock.t.xlsx#", "t.xlsx"]


# --- case 9: two runs at once ----------------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import contextlib, sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from followup_xl import safewrite
    path = Path(sys.argv[1])
    # (a tool without a run lock lets run B go ahead: the test then shows what B deletes)
    lock = getattr(safewrite, "run_lock", lambda p: contextlib.nullcontext())
    with lock(path):
        # an in-flight temporary file, as run A has while it writes
        tmp = safewrite.write_temp(path, b"run A's new workbook")
        print(tmp, flush=True)
        time.sleep(float(sys.argv[2]))
        tmp.unlink()
    """
)


def _hold(path: Path, seconds: float) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(repo=str(REPO)), str(path), str(seconds)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return proc, Path(proc.stdout.readline().strip())


def test_a_second_run_waits_or_says_another_run_is_in_progress(tmp_path: Path, monkeypatch):
    """Run B never deletes run A's temporary file: it waits for A, or refuses after a while."""
    path = example(tmp_path)
    before = digest(path)
    monkeypatch.setattr(safewrite, "LOCK_WAIT_SECONDS", 0.5, raising=False)
    proc, in_flight = _hold(path, 30)
    try:
        assert in_flight.exists() and in_flight.name.endswith(TEMP_SUFFIX)
        result = cli("run", str(path), "--today", TODAY)
        assert result.exit_code == 1
        assert result.output == (
            "Error: tracker.xlsx: another followup-xl run is working on it right now: wait for "
            "it to finish and run again\n"
        )
        assert in_flight.exists(), "run B deleted run A's temporary file"
        assert digest(path) == before
        assert not (tmp_path / OUT).exists()
    finally:
        proc.kill()
        proc.wait()
    # a run that ends soon is waited for
    monkeypatch.setattr(safewrite, "LOCK_WAIT_SECONDS", 30, raising=False)
    proc, in_flight = _hold(path, 1.0)
    try:
        result = cli("run", str(path), "--today", TODAY)
        assert result.exit_code == 0, result.output
        assert proc.wait(timeout=30) == 0  # run A finished normally, its file still its own
    finally:
        proc.kill()
    assert read_values(path.read_bytes())["Due"][(1, 1)] == "Status"
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}")) and not list(tmp_path.glob(".*lock"))


# --- case 10: long workbook names -----------------------------------------------------------


@pytest.mark.parametrize("length", [230, 250])
def test_a_workbook_with_a_very_long_name_is_marked(tmp_path: Path, length: int):
    """Temporary files, locks and backups get short names: a 250-character name works."""
    name = "Job search " + "x" * (length - len("Job search .xlsx")) + ".xlsx"
    assert len(name) == length
    path = example(tmp_path, name)
    original = path.read_bytes()
    for day in (TODAY, "2026-11-27"):
        result = cli("run", str(path), "--today", day)
        assert result.exit_code == 0, result.output
    assert read_values(path.read_bytes())["Due"][(1, 1)] == "Status"
    backups = list_backups(path)
    assert len(backups) == 2 and backups[0].path.read_bytes() == original
    assert all(len(p.name.encode()) <= 255 for p in tmp_path.rglob("*"))


# --- case 11: one answer to "is this done?" -------------------------------------------------


def test_a_log_row_dated_before_the_interview_does_not_count_for_letters_either(tmp_path: Path):
    """The Due sheet and the letters agree: an earlier 'mailed' row leaves the letter due."""
    log = [{"Date": date(2026, 11, 20), "Interview ID": "HL-1", "Contact ID": "C1",
            "Action": "Thank-You Letter Mailed"}]  # fmt: skip
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE, log=log)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "not written: the Log already records them" not in result.output
    due = read_values(path.read_bytes())["Due"]
    rows = [[due.get((r, c)) for c in range(1, 11)] for r in range(2, 1 + max(r for r, _ in due))]
    (thanks,) = [r for r in rows if r[3] == "R3"]
    assert thanks[0] in ("DUE", "OVERDUE")
    assert thanks[8], "the Due sheet names no letter for a letter that is due"
    assert (tmp_path / OUT / thanks[8]).is_file()


# --- case 12: verification never silently skipped ------------------------------------------


def test_a_user_cell_the_writer_changed_is_caught_by_the_run(tmp_path: Path, monkeypatch):
    """A writer that restyles a user cell and adds a row of its own is caught: exit 1, the
    workbook and the folder as they were."""

    path = example(tmp_path)
    real_patch = marks_mod.patch

    def bad_patch(data: bytes, **kw: Any) -> Any:
        result = real_patch(data, **kw)
        if not result.data:  # the plan of a run with letters: no file yet, nothing to spoil
            return result
        part = result.mark_parts["Interviews"]
        members = {}
        with zipfile.ZipFile(__import__("io").BytesIO(result.data)) as zf:
            for info in zf.infolist():
                members[info.filename] = zf.read(info)
        sheet = members[part]
        assert b'<c r="A2"' in sheet
        members[part] = sheet.replace(b'<c r="A2"', b'<c r="A2" s="0"', 1).replace(
            b"</sheetData>", b'<row r="900"><c r="A900" t="inlineStr"><is><t>x</t></is></c>'
            b"</row></sheetData>", 1,
        )  # fmt: skip
        out = __import__("io").BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, body in members.items():
                zf.writestr(name, body)
        result.data = out.getvalue()
        return result

    before = digest(path)
    monkeypatch.setattr(marks_mod, "patch", bad_patch)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert (
        "tracker.xlsx: Interviews would change outside the tool's cells (['A2', 'A900'])"
        in result.output
    )
    assert digest(path) == before
    assert listing(tmp_path) == ["tracker.xlsx"]


def test_the_write_check_reads_positional_cells():
    """Cells without references are compared by position; a changed one is caught."""
    from test_xlsx_patch import DUE, POSITIONAL_SHEET, hand_package

    from followup_xl.errors import WriteError
    from followup_xl.xlsx.columns import ColumnMarks
    from followup_xl.xlsx.patch import patch

    old = hand_package(POSITIONAL_SHEET)
    marks = ColumnMarks("interviews", 1, 2, (2, 3, 4), {4: ("Call", date(2026, 1, 5), "DUE")})
    result = patch(old, due=DUE, columns=[marks], name="hand.xlsx")
    marks_mod.verify_bytes(result.data, old=old, result=result, due=DUE, name="hand.xlsx")
    part = result.mark_parts["Interviews"]
    members = {}
    with zipfile.ZipFile(__import__("io").BytesIO(result.data)) as zf:
        for info in zf.infolist():
            members[info.filename] = zf.read(info)
    assert b"<x:v>42</x:v>" in members[part]
    members[part] = members[part].replace(b"<x:v>42</x:v>", b"<x:v>43</x:v>")
    out = __import__("io").BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    with pytest.raises(WriteError, match=r"hand.xlsx: Interviews would change outside .*B4"):
        marks_mod.verify_bytes(out.getvalue(), old=old, result=result, due=DUE, name="hand.xlsx")


def test_a_full_disk_at_the_workbook_write_leaves_no_letters(tmp_path: Path, monkeypatch):
    """Letters are staged; when the workbook's own write fails, none reach the folder."""
    import errno

    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    before = digest(path)

    def no_space(path: Path, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safewrite, "write_temp", no_space)
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert result.output == (
        "Error: tracker.xlsx: cannot write a temporary file beside it ([Errno 28] No space left "
        "on device)\n"
    )
    assert digest(path) == before
    assert listing(tmp_path) == ["tracker.xlsx"]


# --- all or nothing for the whole batch folder (issue 20) ----------------------------------


def test_a_full_disk_at_the_call_sheet_leaves_the_workbook_unmarked(tmp_path: Path, monkeypatch):
    """Everything the folder gets is written before the workbook: a disk that fills up at
    the call sheet stops the run with the workbook as it was and no folder at all."""
    import errno

    from followup_xl import callsheet
    from followup_xl import outbox as outbox_mod

    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    assert cli("run", str(path), "--today", TODAY).exit_code == 0  # the letters of Monday
    assert cli("sent", str(tmp_path / OUT), "--date", TODAY, "--today", TODAY).exit_code == 0
    later = "2026-11-30"  # the R12 calls are due: a call sheet to write
    before = digest(path)

    def no_space(file: Any, *args: Any, **kwargs: Any) -> Any:
        if callsheet.CALL_SHEET_NAME in str(file):
            raise OSError(errno.ENOSPC, "No space left on device")
        return open(file, *args, **kwargs)

    monkeypatch.setattr(outbox_mod, "open", no_space, raising=False)  # the staged files' open
    result = cli("run", str(path), "--today", later)
    monkeypatch.delattr(outbox_mod, "open")
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert digest(path) == before
    assert not (tmp_path / f"followup {later}").exists()


@pytest.mark.parametrize("obstacle", ["a file", "a link to nowhere"])
def test_an_output_folder_that_cannot_be_made_stops_the_run_before_the_workbook(
    tmp_path: Path, obstacle: str
):
    """A file, or a dangling link, where the batch folder goes: refused before the workbook
    is marked (it used to be marked, then the run failed), and left as it was."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    out = tmp_path / OUT
    if obstacle == "a file":
        out.write_text("my notes", encoding="utf-8")
    else:
        out.symlink_to(tmp_path / "gone")
    before = digest(path)
    result = cli_process("run", str(path), "--today", TODAY)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{out}: cannot write the batch's files there" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(path) == before
    assert not list_backups(path)
    assert out.is_symlink() or out.read_text(encoding="utf-8") == "my notes"


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path):
    """A run killed while staging leaves a hidden folder of full letters: the next run of
    the workbook (under its lock) removes it."""
    path = make_book(tmp_path / "tracker.xlsx", interviews=PANEL, contacts=PEOPLE)
    out = tmp_path / OUT
    left = out / ".followup-staging-killed"
    left.mkdir(parents=True)
    (left / "0-letter.docx").write_bytes(b"a full copy of a letter")
    result = cli("run", str(path), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert not left.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
