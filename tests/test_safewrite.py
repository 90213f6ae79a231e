"""Safe writing: locks, read-only files, backups, and crashes at every step of a write."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from test_xlsx_patch import DUE, contract_marks, rich_workbook

from factory import read_values
from followup_xl import safewrite
from followup_xl.errors import WriteError
from followup_xl.marks import fingerprint, mark_workbook, preflight
from followup_xl.safewrite import STEPS, TEMP_SUFFIX, list_backups

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 25, 9, 30)


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    folder = tmp_path / "jobs"
    folder.mkdir()
    return rich_workbook(folder / "tracker.xlsx")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_valid_workbook(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return zf.testzip() is None and read_values(path.read_bytes()) is not None


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lock", "app"),
    [
        ("~$tracker.xlsx", "Excel"),
        (".~lock.tracker.xlsx#", "LibreOffice"),
        ("~$acker.xlsx", "Excel"),
    ],
)
def test_an_open_workbook_is_refused_unless_forced(tracker: Path, lock: str, app: str):
    """A lock file beside the workbook means it is open: refuse, name it, offer --force."""
    (tracker.parent / lock).write_text("")
    before = tracker.read_bytes()
    with pytest.raises(WriteError) as err:
        mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=fingerprint(tracker),
                      now=NOW)  # fmt: skip
    assert str(err.value) == (
        f"tracker.xlsx is open in {app} ({lock} beside it): close it and run again, "
        "or pass --force if it is not really open"
    )
    assert tracker.read_bytes() == before
    assert sorted(p.name for p in tracker.parent.iterdir()) == sorted([lock, "tracker.xlsx"])
    mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=fingerprint(tracker),
                  force=True, now=NOW)  # fmt: skip
    assert tracker.read_bytes() != before


def test_a_read_only_workbook_is_refused(tracker: Path):
    """Even root, who could write it, respects the read-only setting."""
    tracker.chmod(0o444)
    with pytest.raises(WriteError, match=r"^tracker.xlsx is read-only: remove the read-only"):
        preflight(tracker)
    with pytest.raises(WriteError, match="read-only"):
        preflight(tracker, force=True)


def test_a_read_only_folder_is_refused(tracker: Path):
    """No temporary file or backup can go into a read-only folder: refuse up front."""
    tracker.parent.chmod(0o555)
    try:
        with pytest.raises(WriteError, match=r"its folder .* is read-only"):
            preflight(tracker)
    finally:
        tracker.parent.chmod(0o755)


def test_a_missing_workbook_is_refused(tmp_path: Path):
    with pytest.raises(WriteError, match=r"missing.xlsx does not exist"):
        preflight(tmp_path / "missing.xlsx")


def test_an_encrypted_workbook_is_refused(corpus_dir: Path, tmp_path: Path):
    """A password-protected workbook is not a zip: a clear refusal, nothing written."""
    path = tmp_path / "secret.xlsx"
    path.write_bytes((corpus_dir / "calamine_encrypted.xlsx").read_bytes())
    with pytest.raises(WriteError, match=r"secret.xlsx is password-protected"):
        mark_workbook(path, due=DUE, columns=[], expected=fingerprint(path), now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.xlsx"]


def test_a_symbolic_link_stays_a_link(tracker: Path):
    """Marking through a link replaces the target and keeps the link."""
    link = tracker.parent / "link.xlsx"
    link.symlink_to(tracker)
    mark_workbook(link, due=DUE, columns=contract_marks(), expected=fingerprint(link), now=NOW)
    assert link.is_symlink()
    assert "Due" in read_values(tracker.read_bytes())


# --- fault injection at each step ---------------------------------------------------------


class Injected(Exception):
    pass


@pytest.mark.parametrize("fail_at", STEPS)
def test_a_failure_at_any_step_leaves_the_old_workbook(tracker: Path, monkeypatch, fail_at):
    """Whatever step fails, the workbook is the old one and nothing is left beside it."""
    old = tracker.read_bytes()

    def hook(name: str) -> None:
        if name == fail_at:
            raise Injected(name)

    monkeypatch.setattr(safewrite, "step_hook", hook)
    with pytest.raises(Injected):
        mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=fingerprint(tracker),
                      now=NOW)  # fmt: skip
    assert tracker.read_bytes() == old
    assert not list(tracker.parent.glob(f"*{TEMP_SUFFIX}"))
    # no backup (the workbook did not change), no temporary file, no run lock
    assert sorted(p.name for p in tracker.parent.iterdir()) == ["tracker.xlsx"]


def test_a_file_saved_during_the_write_wins(tracker: Path, monkeypatch):
    """If the user saves while the tool works, the user's save is kept, the tool's dropped."""
    expected = fingerprint(tracker)
    users_save = tracker.read_bytes()

    def hook(name: str) -> None:
        if name == "recheck":
            tracker.write_bytes(users_save + b"\0\0")

    monkeypatch.setattr(safewrite, "step_hook", hook)
    with pytest.raises(WriteError, match="tracker.xlsx changed on disk while the tool"):
        mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=expected, now=NOW)
    assert tracker.read_bytes() == users_save + b"\0\0"
    assert not list(tracker.parent.glob(f"*{TEMP_SUFFIX}"))


# --- real crashes -------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{tests!r}]  # the test helpers; followup_xl is the one under test
    from datetime import datetime
    from pathlib import Path
    from test_xlsx_patch import DUE, contract_marks
    from followup_xl.marks import fingerprint, mark_workbook
    p = Path(sys.argv[1])
    print("ready", flush=True)
    mark_workbook(p, due=DUE, columns=contract_marks(rows=3000), expected=fingerprint(p),
                  now=datetime(2026, 11, 25, 9))
    print("done", flush=True)
    """
)


def test_killed_at_random_moments_the_workbook_is_old_or_new(tmp_path: Path):
    """SIGKILL a marking process at random delays: never a broken workbook, backup present."""
    src = rich_workbook(tmp_path / "src.xlsx", rows=3000)
    old = src.read_bytes()
    child = CHILD.format(tests=str(REPO / "tests"))
    # one undisturbed run gives the new version and how long a run takes
    work = tmp_path / "w0"
    work.mkdir()
    (work / "tracker.xlsx").write_bytes(old)
    proc = subprocess.Popen([sys.executable, "-c", child, str(work / "tracker.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout.readline().strip() == b"ready"
    t0 = time.monotonic()
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    duration = time.monotonic() - t0  # the marking itself, after the imports
    new_sha = sha(work / "tracker.xlsx")
    assert new_sha != hashlib.sha256(old).hexdigest()
    rng = random.Random(20261125)
    outcomes = {"old": 0, "new": 0, "killed mid-run": 0}
    for i in range(14):
        work = tmp_path / f"w{i + 1}"
        work.mkdir()
        path = work / "tracker.xlsx"
        path.write_bytes(old)
        p = subprocess.Popen([sys.executable, "-c", child, str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        assert p.stdout.readline().strip() == b"ready"  # imports done: kill inside the work
        time.sleep(rng.uniform(0, duration))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        outcomes["killed mid-run"] += p.returncode == -signal.SIGKILL
        got = sha(path)
        assert got in (hashlib.sha256(old).hexdigest(), new_sha), f"broken after kill {i}"
        assert is_valid_workbook(path)
        if got == new_sha:
            outcomes["new"] += 1
            backups = list_backups(path)
            assert backups and backups[-1].path.read_bytes() == old
        else:
            outcomes["old"] += 1
        for b in list_backups(path):  # a backup is never half-written either
            assert b.path.read_bytes() == old
        # the next run cleans up after the killed one and succeeds
        mark_workbook(path, due=DUE, columns=contract_marks(rows=3000),
                      expected=fingerprint(path), now=datetime(2030, 1, 1))  # fmt: skip
        assert not list(work.glob(f"*{TEMP_SUFFIX}"))
        assert not list((work / "tracker.backups").glob(f"*{TEMP_SUFFIX}"))
        assert sha(path) == new_sha
    assert outcomes["old"] + outcomes["new"] == 14
    assert outcomes["killed mid-run"] >= 3, outcomes  # the kills really hit running writes
    print("kill outcomes:", outcomes)


def test_stale_temporary_files_are_removed(tracker: Path):
    """Temporary files left by a killed run (beside it, in the backups) go on the next run."""
    stale = tracker.parent / f".tracker.xlsx.abc123{TEMP_SUFFIX}"
    stale.write_bytes(b"half")
    (tracker.parent / "tracker.backups").mkdir()
    stale_backup = tracker.parent / "tracker.backups" / f".tracker.x.xlsx.abc{TEMP_SUFFIX}"
    stale_backup.write_bytes(b"half")
    other = tracker.parent / f".other.xlsx.abc123{TEMP_SUFFIX}"
    other.write_bytes(b"not ours")
    mark_workbook(tracker, due=DUE, columns=contract_marks(), expected=fingerprint(tracker),
                  now=NOW)  # fmt: skip
    assert not stale.exists() and not stale_backup.exists()
    assert other.exists()


def test_step_names_are_in_order():
    assert STEPS[0] == "preflight" and STEPS[-1] == "replace"
    assert os.path.basename(safewrite.backup_dir(Path("a/tracker.xlsx"))) == "tracker.backups"


def test_a_run_killed_after_its_backup_leaves_it_for_the_next_run(tracker: Path, monkeypatch):
    """Killed between the backup and the replace, then run again: the next run's backup would
    be the same bytes as the newest one, so it reuses that one and every older one stays."""
    from followup_xl.xlsx.duesheet import DueTable

    def mark(version: int, day: int) -> None:
        """Mark the workbook with a Due sheet of its own for each version."""
        first = DUE.rows[0]
        due = DueTable(rows=[(first[0], date(2026, 11, version), *first[2:])])
        mark_workbook(tracker, due=due, columns=contract_marks(), expected=fingerprint(tracker),
                      now=datetime(2026, 11, day, 9))  # fmt: skip

    for day in range(1, 5):  # the original, then three versions, each backed up once
        mark(day, day)
    kept = {b.path.name: sha(b.path) for b in list_backups(tracker)}
    assert len(kept) == 4

    def killed(name: str) -> None:
        if name == "recheck":
            raise Injected(name)

    monkeypatch.setattr(safewrite, "step_hook", killed)
    for _ in range(2):
        with pytest.raises(Injected):
            mark(1, 5)
    assert {b.path.name: sha(b.path) for b in list_backups(tracker)} == kept  # nothing added
    monkeypatch.setattr(safewrite, "step_hook", None)
    # a killed run that got as far as its backup left the workbook as it is as the newest one
    left = safewrite.write_backup(tracker, tracker.read_bytes(), tracker.stat(),
                                  now=datetime(2026, 11, 6, 9))  # fmt: skip
    mark(2, 7)
    names = [b.path.name for b in list_backups(tracker)]
    assert names == [*kept, left.name]  # reused: no backup of 7 November


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def commit_version(path: Path, now: datetime, *, original: bool = False) -> Path:
    """Replace the workbook by a new version made at `now`, as a run does; return the backup."""
    old = path.read_bytes()
    return safewrite.commit(path, old=old, new=f"version of {now}".encode(),
                            expected=fingerprint(path), verify=lambda tmp: None, now=now,
                            original=original)  # fmt: skip


def stamps(path: Path) -> list[str]:
    """Return the month, day and hour in the names of the dated backups, oldest first."""
    return [b.made.strftime("%m-%d %H") for b in list_backups(path) if not b.kind]


def test_backups_over_four_months_of_daily_and_weekly_runs(tmp_path: Path):
    """Every backup of the last two weeks stays, then the newest of each week for 13 weeks;
    the original and a backup an earlier release kept apart are never deleted."""
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"as the user made it")
    folder = tmp_path / "tracker.backups"
    folder.mkdir()
    kept_apart = folder / "tracker.kept.2026-08-05_10-00-00.xlsx"
    kept_apart.write_bytes(b"kept by an earlier release")
    users = folder / "notes.txt"
    users.write_text("the user's own file")
    commit_version(path, datetime(2026, 8, 3, 9), original=True)
    day = date(2026, 8, 4)
    while day <= date(2026, 9, 13):  # six weeks of a run every evening
        commit_version(path, at(day, 20))
        day += timedelta(days=1)
    assert stamps(path) == [
        *(f"08-{d:02} 20" for d in (9, 16, 23, 30)),  # the Sundays: the newest of each week
        "08-31 20",  # and every evening of the two weeks up to 13 September
        *(f"09-{d:02} 20" for d in range(1, 14)),
    ]
    day = date(2026, 9, 20)
    while day <= date(2026, 11, 29):  # then one run every Sunday
        commit_version(path, at(day, 19))
        day += timedelta(days=7)
    day = date(2026, 11, 30)
    while day <= date(2026, 12, 3):  # and every evening again, to Thursday 3 December
        commit_version(path, at(day, 20))
        day += timedelta(days=1)
    sundays = [(9, 20), (9, 27), (10, 4), (10, 11), (10, 18), (10, 25), (11, 1), (11, 8),
               (11, 15), (11, 22), (11, 29)]  # fmt: skip
    assert stamps(path) == [
        "09-06 20", "09-13 20",  # the daily runs' Sundays that are not yet 13 weeks old
        *(f"{m:02}-{d:02} 19" for m, d in sundays),
        "11-30 20", "12-01 20", "12-02 20", "12-03 20",
    ]  # fmt: skip
    backups = list_backups(path)
    assert [(b.path.name, b.kind) for b in backups if b.kind] == [
        ("tracker.original.2026-08-03_09-00-00.xlsx", "original"),
        (kept_apart.name, "kept"),
    ]
    assert backups[0].path.read_bytes() == b"as the user made it"
    # each dated backup holds the version its run replaced: the one the run before made
    dated = [b for b in backups if not b.kind]
    assert dated[-1].path.read_bytes() == b"version of 2026-12-02 20:00:00"
    assert dated[2].path.read_bytes() == b"version of 2026-09-13 20:00:00"  # 20 September's
    assert kept_apart.read_bytes() == b"kept by an earlier release"
    assert users.read_text() == "the user's own file"


def test_the_version_a_write_replaced_is_kept_however_old(tmp_path: Path):
    """A workbook unchanged for months: a backup of it that a killed run left then is reused
    by the next write and kept, though older than three months."""
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"first")
    commit_version(path, datetime(2026, 1, 5, 9), original=True)
    commit_version(path, datetime(2026, 1, 6, 9))
    left = safewrite.write_backup(path, path.read_bytes(), path.stat(),
                                  now=datetime(2026, 1, 7, 9))  # fmt: skip
    backup = commit_version(path, datetime(2026, 7, 1, 9))
    assert backup == left and backup.read_bytes() == b"version of 2026-01-06 09:00:00"
    assert [b.path.name for b in list_backups(path)] == [
        "tracker.original.2026-01-05_09-00-00.xlsx",
        "tracker.2026-01-07_09-00-00.xlsx",
    ]
    commit_version(path, datetime(2026, 7, 2, 9))  # the next write: that one goes now
    assert stamps(path) == ["07-02 09"]


#: A stand-in for Windows' msvcrt module on this machine: msvcrt.locking(fd, LK_NBLCK, 1)
#: raises OSError while another handle holds the lock, as flock does for another open file.
MSVCRT_STAND_IN = """
import fcntl, sys, types
msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_UNLCK, msvcrt.LK_NBLCK = 0, 2
msvcrt.calls = []
def locking(fd, mode, nbytes):
    msvcrt.calls.append((mode, nbytes))
    if mode != msvcrt.LK_NBLCK or nbytes != 1:
        raise ValueError(f"mode {mode}, {nbytes} bytes: not what the tool asks for")
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
msvcrt.locking = locking
sys.modules["msvcrt"] = msvcrt
sys.platform = "win32"
"""


@pytest.mark.skipif(sys.platform == "win32", reason="tests the Windows branch through a stand-in")
def test_run_lock_on_windows_uses_msvcrt_and_keeps_a_second_run_out(tmp_path: Path) -> None:
    """The Windows branch of the run lock, run here with a stand-in for msvcrt: a second
    process is refused while the first holds the lock, and gets it once the first lets go."""
    workbook = tmp_path / "tracker.xlsx"
    workbook.write_bytes(b"x")
    second = MSVCRT_STAND_IN + textwrap.dedent(f"""
        from pathlib import Path
        from followup_xl.errors import WriteError
        from followup_xl.safewrite import run_lock
        try:
            with run_lock(Path({str(workbook)!r}), wait=0):
                print("locked", msvcrt.calls)
        except WriteError as exc:
            print("refused:", exc, msvcrt.calls)
    """)
    scope: dict = {}
    exec(MSVCRT_STAND_IN.replace("sys.platform = ", "platform = "), scope)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "msvcrt", scope["msvcrt"])
        mp.setattr(sys, "platform", "win32")
        with safewrite.run_lock(workbook, wait=0):
            inside = subprocess.run([sys.executable, "-c", second], capture_output=True,
                                    text=True, check=True, cwd=tmp_path).stdout  # fmt: skip
        assert scope["msvcrt"].calls == [(2, 1)]
    assert inside.startswith("refused: tracker.xlsx: another followup-xl run is working on it")
    assert inside.rstrip().endswith("[(2, 1)]")  # the stand-in, not flock, was asked
    after = subprocess.run([sys.executable, "-c", second], capture_output=True, text=True,
                           check=True, cwd=tmp_path).stdout  # fmt: skip
    assert after == "locked [(2, 1)]\n"
