"""Replace a file the user owns without ever leaving it half-written.

The order is: check for lock files and permissions; read and fingerprint; build the new
bytes; write them to a temporary file beside the original; verify that file; keep a backup
of the old version; check that nobody changed the original meanwhile; give the temporary file
the original's permissions; rename it over the original in one atomic step. A crash at any
point leaves either the old or the new workbook, never a broken one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import WriteError

#: The named steps of a write, in order; tests inject a failure (or a kill) at each one.
STEPS = (
    "preflight",
    "read",
    "patch",
    "write_temp",
    "verify",
    "backup",
    "recheck",
    "permissions",
    "replace",
)
TEMP_SUFFIX = ".followup-tmp"

#: Called with each step's name before it runs; tests set it to inject faults.
step_hook: Callable[[str], None] | None = None


def step(name: str) -> None:
    """Mark the start of a named step (a no-op unless a test installed a hook)."""
    assert name in STEPS, name
    if step_hook is not None:
        step_hook(name)


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like when it was read: a later write checks it is still so."""

    size: int
    mtime_ns: int
    sha256: str

    def same_content(self, other: Fingerprint) -> bool:
        """Return True when both fingerprints describe the same bytes."""
        return self.size == other.size and self.sha256 == other.sha256


def fingerprint_bytes(data: bytes, mtime_ns: int = 0) -> Fingerprint:
    """Return the fingerprint of bytes already read."""
    return Fingerprint(len(data), mtime_ns, hashlib.sha256(data).hexdigest())


def fingerprint(path: Path) -> Fingerprint:
    """Return the size, modification time and SHA-256 of a file."""
    path = Path(path)
    st = path.stat()
    return fingerprint_bytes(path.read_bytes(), st.st_mtime_ns)


def lock_files(path: Path) -> list[tuple[Path, str]]:
    """Return the lock files beside `path` that say it is open, with the program's name."""
    path = Path(path)
    name = path.name
    candidates = [
        (path.with_name(f"~${name}"), "Excel"),
        (path.with_name(f".~lock.{name}#"), "LibreOffice"),
    ]
    if len(name) > 2:  # Office shortens long names: ~$ replaces the first two characters
        candidates.append((path.with_name(f"~${name[2:]}"), "Excel"))
    found: list[tuple[Path, str]] = []
    for lock, app in candidates:
        if lock.exists() and all(lock != p for p, _ in found):
            found.append((lock, app))
    return found


def _read_only(st: os.stat_result) -> bool:
    return not st.st_mode & stat.S_IWUSR


def preflight(path: Path, *, force: bool = False) -> None:
    """Refuse early when the workbook is missing, open in Excel/LibreOffice, or read-only."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise WriteError(f"{path} does not exist: check the file name and folder")
    if not path.is_file():
        raise WriteError(f"{path} is not a file: give the path of the .xlsx workbook")
    if not force:
        for lock, app in lock_files(path):
            raise WriteError(
                f"{name} is open in {app} ({lock.name} beside it): close it and run again, "
                "or pass --force if it is not really open"
            )
    real = path.resolve()
    st = real.stat()
    if _read_only(st) or not os.access(real, os.R_OK | os.W_OK):
        raise WriteError(
            f"{name} is read-only: remove the read-only setting (file properties) and run again"
        )
    folder = real.parent
    if _read_only(folder.stat()) or not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(
            f"{name}: its folder {folder} is read-only, so no backup or safe copy can be made "
            "there: move the workbook to a folder you can write to and run again"
        )


# --- backups ------------------------------------------------------------------------------


def backup_dir(path: Path) -> Path:
    """Return the folder that keeps the backups of a workbook (tracker.xlsx -> tracker.backups)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.backups")


def _backup_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(path.stem)
        + r"\.(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d)(?:-(\d+))?"
        + re.escape(path.suffix)
        + "$"
    )


def list_backups(path: Path) -> list[Path]:
    """Return the backups of a workbook, oldest first."""
    path = Path(path)
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(path)
    found = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 0)), p))
    return [p for _, p in sorted(found)]


def write_backup(
    path: Path, data: bytes, st: os.stat_result, *, keep: int, now: datetime | None = None
) -> Path:
    """Save the old bytes as a dated backup beside the workbook; keep the newest `keep`."""
    path = Path(path)
    folder = backup_dir(path)
    folder.mkdir(exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d_%H-%M-%S")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    n = 2
    while target.exists():
        target = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
        n += 1
    _write_file(folder, target, data, st)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    for old in list_backups(path)[: -max(keep, 1)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


# --- atomic replace -----------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(folder: Path, target: Path, data: bytes, st: os.stat_result) -> None:
    """Write `target` through a temporary file and a rename, with the mode of `st`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_temp(path: Path, data: bytes) -> Path:
    """Write the new bytes to a hidden temporary file in the workbook's folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temporary files an interrupted earlier run left beside the workbook."""
    removed = []
    stale = list(path.parent.glob(f".{glob_escape(path.name)}.*{TEMP_SUFFIX}"))
    if backup_dir(path).is_dir():
        stale += backup_dir(path).glob(f".*{TEMP_SUFFIX}")
    for p in stale:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def glob_escape(text: str) -> str:
    """Return text with glob wildcards made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def commit(
    path: Path,
    *,
    old: bytes,
    new: bytes,
    expected: Fingerprint,
    verify: Callable[[Path], None],
    backups: int = 3,
    now: datetime | None = None,
) -> Path:
    """Replace `path` (whose bytes were `old`) by `new` safely; return the backup's path."""
    path = Path(path)
    name = path.name
    st = path.stat()
    step("write_temp")
    try:
        tmp = write_temp(path, new)
    except OSError as exc:
        raise WriteError(f"{name}: cannot write a temporary file beside it ({exc})") from exc
    try:
        step("verify")
        verify(tmp)
        step("backup")
        try:
            backup = write_backup(path, old, st, keep=backups, now=now)
        except OSError as exc:
            raise WriteError(f"{name}: cannot keep a backup in {backup_dir(path)} ({exc})") from exc
        step("recheck")
        try:
            now_fp = fingerprint(path)
        except OSError as exc:
            raise WriteError(f"{name} disappeared while the tool was working ({exc})") from exc
        if not now_fp.same_content(expected):
            raise WriteError(
                f"{name} changed on disk while the tool was working (saved from Excel?): "
                "nothing was written; run again"
            )
        step("permissions")
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):
                if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    os.chown(tmp, st.st_uid, st.st_gid)
        step("replace")
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise WriteError(
                f"{name} could not be replaced ({exc}); it may be open in another program: "
                "close it and run again"
            ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)
    return backup
