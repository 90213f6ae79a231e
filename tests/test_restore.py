"""`followup-xl restore`: list the backups, put one back through the safe writer, refuse others."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from factory import read_values
from followup_xl.cli import main
from followup_xl.safewrite import list_backups


def cli(*args: str) -> Any:
    """Run the real command in process and return Click's result."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """Return the example workbook after two runs: an original and one dated backup."""
    path = tmp_path / "tracker.xlsx"
    assert cli("init", str(path), "--example", "--today", "2026-11-20").exit_code == 0
    for day in ("2026-11-23", "2026-11-30"):
        result = cli("run", str(path), "--today", day, "--no-letters")
        assert result.exit_code == 0, result.output
    return path


def test_the_listing_shows_every_backup_newest_first_and_how_to_restore(tracker: Path):
    """Each backup with its date, time, size and kind; then the command to put one back."""
    original, dated = list_backups(tracker)
    folder = tracker.parent / "tracker.backups"
    result = cli("restore", str(tracker))
    assert result.exit_code == 0, result.output
    width = len(original.path.name)
    assert result.output.splitlines() == [
        f"Backups of {tracker} in {folder}, newest first:",
        f"  {dated.path.name:<{width}}  {dated.made:%a %Y-%m-%d %H:%M}  "
        f"{dated.size / 1024:>7.1f} KB",
        f"  {original.path.name}  {original.made:%a %Y-%m-%d %H:%M}  "
        f"{original.size / 1024:>7.1f} KB  the original: as it was before followup-xl first "
        "changed it",
        "To put one back, close the workbook and run (with the name of the one you want):",
        f"  followup-xl restore '{tracker}' '{dated.path.name}'",
        "The workbook as it is then is kept as a backup first.",
    ]
    assert original.kind == "original" and dated.kind == ""


def test_no_backups_yet(tmp_path: Path):
    """A workbook the tool never changed has no backups: the listing says where they will be."""
    path = tmp_path / "tracker.xlsx"
    assert cli("init", str(path)).exit_code == 0
    result = cli("restore", str(path))
    assert result.exit_code == 0
    assert result.output == (
        f"No backups of {path} yet: they are kept in {tmp_path / 'tracker.backups'} from the "
        "first time followup-xl changes the workbook.\n"
    )


def test_restoring_puts_the_backups_bytes_back_and_keeps_the_replaced_one(tracker: Path):
    """The workbook becomes the backup byte for byte; the version it replaced is a backup now,
    so the restore itself can be undone."""
    original, dated = list_backups(tracker)
    replaced = tracker.read_bytes()
    result = cli("restore", str(tracker), original.path.name)
    assert result.exit_code == 0, result.output
    assert tracker.read_bytes() == original.path.read_bytes()
    assert "Due" not in read_values(tracker.read_bytes())  # as before the tool's first run
    backups = list_backups(tracker)
    assert [b.path for b in backups[:2]] == [original.path, dated.path]
    (newest,) = backups[2:]
    assert newest.path.read_bytes() == replaced and newest.kind == ""
    assert result.output == (
        f"Put {original.path.name} back as {tracker}; previous version kept as "
        f"{newest.path.name} in {newest.path.parent}.\n"
    )
    # a run on the original again: the tool's original backup holds it already, so the run
    # makes no second one
    assert cli("run", str(tracker), "--today", "2026-12-01", "--no-letters").exit_code == 0
    assert [b.path for b in list_backups(tracker)] == [original.path, dated.path, newest.path]
    # undone the same way, by a path inside the backups folder this time
    again = cli("restore", str(tracker), str(newest.path))
    assert again.exit_code == 0, again.output
    assert tracker.read_bytes() == replaced


def test_restoring_what_the_workbook_holds_changes_nothing(tracker: Path):
    """Put back twice: the second time nothing is written and no backup made."""
    dated = list_backups(tracker)[1].path
    assert cli("restore", str(tracker), dated.name).exit_code == 0
    backups = list_backups(tracker)
    result = cli("restore", str(tracker), dated.name)
    assert result.exit_code == 0
    assert result.output == f"{tracker} already holds {dated.name}: nothing was changed.\n"
    assert list_backups(tracker) == backups


def _outside(tracker: Path) -> tuple[str, str]:
    copy = tracker.parent / "copy.xlsx"
    copy.write_bytes(list_backups(tracker)[0].path.read_bytes())
    folder = tracker.parent / "tracker.backups"
    return str(copy), (
        f"Error: {copy}: is not in {folder}, where the backups of tracker.xlsx are: give the "
        "name of one of them (run restore with the workbook alone to list them)"
    )


def _link(tracker: Path) -> tuple[str, str]:
    link = tracker.parent / "tracker.backups" / "tracker.2026-01-02_03-04-05.xlsx"
    link.symlink_to(list_backups(tracker)[0].path)
    return link.name, (
        f"Error: {link}: is a symbolic link, not a backup the tool made: give the name of one "
        "of the backups (run restore with the workbook alone to list them)"
    )


def _not_a_workbook(tracker: Path) -> tuple[str, str]:
    fake = tracker.parent / "tracker.backups" / "tracker.2026-01-02_03-04-05.xlsx"
    fake.write_text("not a workbook")
    return fake.name, (
        f"Error: {fake}: not put back, as it is no sound workbook (is a text or CSV file, "
        "although it is named .xlsx: open it in Excel or LibreOffice Calc and use File > Save "
        "As > Excel Workbook (.xlsx)): choose another backup"
    )


def _not_named_by_the_tool(tracker: Path) -> tuple[str, str]:
    mine = tracker.parent / "tracker.backups" / "my copy.xlsx"
    mine.write_bytes(list_backups(tracker)[0].path.read_bytes())
    return mine.name, (
        f"Error: {mine}: is not a backup the tool made of tracker.xlsx (they are named like "
        "tracker.2026-11-24_20-14-05.xlsx): give the name of one of them (run restore with "
        "the workbook alone to list them)"
    )


def _missing(tracker: Path) -> tuple[str, str]:
    folder = tracker.parent / "tracker.backups"
    return "tracker.2020-01-01_00-00-00.xlsx", (
        f"Error: {folder}: has no backup named tracker.2020-01-01_00-00-00.xlsx (run restore "
        "with the workbook alone to list them)"
    )


def _open_in_libreoffice(tracker: Path) -> tuple[str, str]:
    (tracker.parent / ".~lock.tracker.xlsx#").write_text("")
    return list_backups(tracker)[0].path.name, (
        "Error: tracker.xlsx is open in LibreOffice (.~lock.tracker.xlsx# beside it): close it "
        "and run again, or pass --force if it is not really open"
    )


@pytest.mark.parametrize(
    "refused",
    [_outside, _link, _not_a_workbook, _not_named_by_the_tool, _missing, _open_in_libreoffice],
)
def test_a_refused_backup_writes_nothing(tracker: Path, refused):
    """Anything but a backup the tool made, in its folder, that opens as a workbook, is refused
    with exit 1 and the reason; the workbook and the backups stay as they were."""
    given, message = refused(tracker)
    before = digest(tracker)
    backups = {b.path.name: digest(b.path) for b in list_backups(tracker)}
    result = CliRunner().invoke(main, ["restore", str(tracker), given])
    assert result.exit_code == 1, result.output
    assert result.stderr == message + "\n"
    assert digest(tracker) == before
    assert {b.path.name: digest(b.path) for b in list_backups(tracker)} == backups


def test_force_restores_despite_a_stale_lock_file(tracker: Path):
    """A lock file left by a crash: --force puts the backup back, as for `run`."""
    (tracker.parent / "~$tracker.xlsx").write_text("")
    original = list_backups(tracker)[0].path
    result = cli("restore", str(tracker), original.name, "--force")
    assert result.exit_code == 0, result.output
    assert tracker.read_bytes() == original.read_bytes()
