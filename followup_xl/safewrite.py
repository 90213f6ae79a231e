"""Replace a file the user owns without ever leaving it half-written.

The order is: check for lock files and permissions; read and fingerprint; build the new
bytes; write them to a temporary file beside the original; verify that file; keep a backup
of the old version; check that nobody changed the original meanwhile; give the temporary file
the original's permissions; rename it over the original in one atomic step. A crash at any
point leaves either the old or the new workbook, never a broken one.

One job, though over 400 lines: each step of that order guards against the others' failure
(locks, backups and how long they are kept, temporary files), so they are kept in one place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from .errors import Interrupted, WriteError

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
LOCK_SUFFIX = ".followup-lock"
#: How long a second run waits for the first one to finish before it gives up.
LOCK_WAIT_SECONDS = 5.0
#: Names longer than this (in bytes) are shortened, with a hash, in the tool's own file names,
#: so that a temporary file, a lock or a backup fits the usual 255-byte limit of a name.
SHORT_NAME_BYTES = 120

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


def short_name(name: str, limit: int = SHORT_NAME_BYTES) -> str:
    """Return a file name shortened to `limit` bytes with a hash of the whole, or as it is."""
    data = name.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return name
    digest = hashlib.sha256(data).hexdigest()[:10]
    head = data[: limit - 11].decode("utf-8", "ignore")
    return f"{head}~{digest}"


def _exists(path: Path) -> bool:
    """Return True when a path exists; a name too long to exist (ENAMETOOLONG) does not."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def lock_files(path: Path) -> list[tuple[Path, str]]:
    """Return the lock files that say a workbook is open, with the program's name.

    They are looked up beside the name given and, for a symbolic link, beside its target:
    Excel and LibreOffice put them beside the file they opened.
    """
    path = Path(path)
    places = [path]
    with contextlib.suppress(OSError, RuntimeError):
        real = path.resolve()
        if real != path:
            places.append(real)
    found: list[tuple[Path, str]] = []
    for place in places:
        name = place.name
        candidates = [
            (place.with_name(f"~${name}"), "Excel"),
            (place.with_name(f".~lock.{name}#"), "LibreOffice"),
        ]
        if len(name) > 2:  # Office shortens long names: ~$ replaces the first two characters
            candidates.append((place.with_name(f"~${name[2:]}"), "Excel"))
        for lock, app in candidates:
            if _exists(lock) and all(lock != p for p, _ in found):
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
    return path.with_name(f"{short_name(path.stem)}.backups")


def _backup_stem(path: Path) -> str:
    return short_name(path.stem, 100)


def _backup_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(_backup_stem(path))
        + r"\.(?:(original|kept)\.)?(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d)(?:-(\d+))?"
        + re.escape(path.suffix)
        + "$"
    )


#: How a backup's date and time are written in its name.
STAMP = "%Y-%m-%d_%H-%M-%S"
#: Every backup younger than this is kept.
KEEP_EVERY = timedelta(days=14)
#: Of the backups younger than this (and older than KEEP_EVERY), the newest of each ISO week
#: is kept; older ones are deleted.
KEEP_WEEKLY = timedelta(weeks=13)


@dataclass(frozen=True)
class Backup:
    """One backup of a workbook, as its name says it."""

    path: Path
    #: "" for the dated backups that are pruned; "original" (the workbook before the tool
    #: first changed it) and "kept" (kept apart by an earlier release) are never deleted
    kind: str
    #: when the backup was made (the date and time in its name)
    made: datetime
    size: int


def list_backups(path: Path) -> list[Backup]:
    """Return the backups of a workbook, oldest first (the kept-apart ones included).

    Only regular files named as the tool names them count: anything else in the folder
    (a symbolic link, a file of the user's) is neither listed, restored nor deleted.
    """
    path = Path(path)
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(path)
    found = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if not m:
            continue
        try:
            st = p.lstat()
            made = datetime.strptime(m.group(2), STAMP)
        except (OSError, ValueError):  # gone meanwhile, or a date that cannot exist
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        kind = m.group(1) or ""
        # within one second the original comes first: it was the older version
        key = (made, kind != "original", int(m.group(3) or 0), p.name)
        found.append((key, Backup(p, kind, made, st.st_size)))
    return [b for _, b in sorted(found, key=lambda item: item[0])]


def check_backup_dir(path: Path) -> None:
    """Refuse early when the backup folder's name is taken by something that is no folder."""
    folder = backup_dir(path)
    if _exists(folder) and not folder.is_dir():
        raise WriteError(
            f"{Path(path).name}: {folder.name} beside it is not a folder, but the tool keeps "
            f"the workbook's backups in a folder of that name: rename or move {folder.name} "
            "and run again"
        )


def write_backup(
    path: Path,
    data: bytes,
    st: os.stat_result,
    *,
    now: datetime,
    kind: str = "",
) -> Path:
    """Save the old bytes as a backup dated `now` beside the workbook (prune_backups ages them).

    kind "original" (the workbook before the tool first wrote to it) and "kept" (a version
    an earlier release kept apart when it could not verify every cell) are kept apart:
    pruning never deletes them.
    """
    path = Path(path)
    check_backup_dir(path)
    folder = backup_dir(path)
    folder.mkdir(exist_ok=True)
    base = f"{_backup_stem(path)}.{kind + '.' if kind else ''}{now.strftime(STAMP)}"
    target = folder / f"{base}{path.suffix}"
    n = 2
    while _exists(target):
        target = folder / f"{base}-{n}{path.suffix}"
        n += 1
    _write_file(folder, target, data, st)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    return target


def same_backup(path: Path, data: bytes, kind: str = "") -> Path | None:
    """Return the newest backup of this kind when it holds exactly these bytes, or None.

    A run killed after its backup and before its write leaves, as the newest backup, the
    workbook as it still is; the next run reuses it instead of keeping the same bytes twice.
    """
    of_kind = [b for b in list_backups(path) if b.kind == kind]
    if not of_kind or of_kind[-1].size != len(data):
        return None
    newest = of_kind[-1].path
    try:
        held = read_file(newest, limit=len(data))
    except (OSError, WriteError):
        return None
    return newest if held == data else None


def _to_prune(backups: list[Backup], *, now: datetime) -> list[Backup]:
    """Return the dated backups that the keeping rule lets go, as of `now`.

    Kept: every backup of the last KEEP_EVERY (two weeks); of those up to KEEP_WEEKLY old
    (three months), the newest of each ISO week; always the newest one (the version a
    write just replaced, however old); and never an original or a kept-apart one.
    """
    dated = [b for b in backups if not b.kind]
    newest_of_week: dict[tuple[int, int], Backup] = {}
    for b in dated:  # oldest first: the last one seen of a week is its newest
        newest_of_week[b.made.isocalendar()[:2]] = b
    weekly = set(newest_of_week.values())
    keep = set(dated[-1:])
    for b in dated:
        age = now - b.made
        if age < KEEP_EVERY or (age <= KEEP_WEEKLY and b in weekly):
            keep.add(b)
    return [b for b in dated if b not in keep]


def prune_backups(path: Path, *, now: datetime) -> None:
    """Delete the dated backups the keeping rule lets go as of `now`."""
    for b in _to_prune(list_backups(path), now=now):
        with contextlib.suppress(OSError):
            b.path.unlink()


# --- atomic replace -----------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_prefix(name: str) -> str:
    return f".{short_name(name, 100)}."


def _write_file(folder: Path, target: Path, data: bytes, st: os.stat_result) -> None:
    """Write `target` through a temporary file and a rename, with the mode of `st`."""
    tmp = _synced_temp(folder, target.name, data)
    try:
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_temp(path: Path, data: bytes) -> Path:
    """Write the new bytes to a hidden temporary file in the workbook's folder."""
    return _synced_temp(path.parent, path.name, data)


def _synced_temp(folder: Path, name: str, data: bytes) -> Path:
    """Write data to a new hidden temporary file for `name` in folder, flushed to disk."""
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(name), suffix=TEMP_SUFFIX, dir=folder)
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
    """Delete temporary files an interrupted earlier run left beside the workbook.

    Call it only while holding the run lock: then no other run has a temporary in flight.
    """
    removed = []
    prefixes = {f".{path.name}.", _temp_prefix(path.name)}
    stale = [
        p
        for p in path.parent.glob(f".*{TEMP_SUFFIX}")
        if any(p.name.startswith(pre) for pre in prefixes)
    ]
    if backup_dir(path).is_dir():
        stale += backup_dir(path).glob(f".*{TEMP_SUFFIX}")
    for p in stale:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


# --- the tool's other files: read bounded, written beside and renamed ----------------------

#: The largest file the tool reads besides the workbook and last week's calendar: a batch
#: manifest, a letter for the print file (a year of letters is a few MiB).
MAX_FILE_BYTES = 64 * 1024 * 1024


def kind_of(path: Path) -> str:
    """Return what a path that is no regular file is, in words a user knows."""
    try:
        return _kind(os.lstat(path).st_mode)
    except OSError:
        return "missing"


def _kind(mode: int) -> str:
    """Return what a non-regular file is, in words a user knows."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def open_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> BinaryIO:
    """Open a regular file of at most `limit` bytes for reading; WriteError otherwise.

    The file is opened without blocking (a FIFO would hang the run) and checked on the open
    handle, so a symbolic link to a device or a file swapped meanwhile is refused too.
    FileNotFoundError passes through: a missing file is the caller's to explain.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise WriteError(f"{path}: cannot be read ({exc.strerror})") from None
    fh = os.fdopen(fd, "rb")
    st = os.fstat(fh.fileno())
    if not stat.S_ISREG(st.st_mode):
        fh.close()
        raise WriteError(
            f"{path}: is {_kind(st.st_mode)}, not a file the tool wrote — remove it and run again"
        )
    if st.st_size > limit:
        fh.close()
        raise _too_large(path, limit)
    return fh


def read_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of a regular file of at most `limit` bytes (see open_file)."""
    with open_file(path, limit=limit) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # grown since it was opened
        raise _too_large(path, limit)
    return data


def _too_large(path: Path, limit: int) -> WriteError:
    """Return the error for a file larger than any the tool writes in its place."""
    return WriteError(
        f"{path}: is larger than {limit // (1024 * 1024)} MiB, too large to be a file the "
        "tool wrote — remove or rename it and run again"
    )


# --- one run at a time --------------------------------------------------------------------

_held: dict[str, int] = {}


def lock_path(path: Path) -> Path:
    """Return the tool's own run lock of a workbook: a short hidden name beside its target."""
    real = Path(path).resolve()
    return real.with_name(f".{short_name(real.name, 100)}{LOCK_SUFFIX}")


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another holds it."""
    if sys.platform == "win32":  # msvcrt.locking locks the first byte for this handle
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def run_lock(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the tool's lock on a workbook, so two runs never work on it at once.

    A second run waits up to LOCK_WAIT_SECONDS for the first, then refuses. Re-entrant
    within one process.
    """
    target = lock_path(path)
    key = str(target)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise WriteError(
                f"{Path(path).name}: cannot create the run lock {target.name} beside it "
                f"({exc.strerror}): check that its folder can be written to"
            ) from exc
        if _try_lock(fd):
            try:  # the file may have been removed by the run that held it: lock the new one
                same = os.path.samestat(os.fstat(fd), os.stat(target))
            except OSError:
                same = False
            if same:
                break
        os.close(fd)
        if time.monotonic() >= deadline:
            raise WriteError(
                f"{Path(path).name}: another followup-xl run is working on it right now: "
                "wait for it to finish and run again"
            )
        time.sleep(0.1)
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        with contextlib.suppress(OSError):
            os.unlink(target)
        os.close(fd)


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
    now: datetime,
    original: bool = False,
) -> Path:
    """Replace `path` (whose bytes were `old`) by `new` safely; return the backup.

    `verify` raises WriteError when the temporary file is not right. The backup is dated
    `now`, and the older ones are pruned as of `now`. `original` marks the old bytes as the
    workbook from before the tool's first write, kept apart from the dated backups.
    """
    path = Path(path)
    name = path.name
    st = path.stat()
    step("write_temp")
    backup = reused = None
    try:
        tmp = write_temp(path, new)
    except OSError as exc:
        raise WriteError(f"{name}: cannot write a temporary file beside it ({exc})") from exc
    try:
        step("verify")
        verify(tmp)
        step("backup")
        kind = "original" if original else ""
        reused = same_backup(path, old, kind)
        try:
            backup = reused or write_backup(path, old, st, now=now, kind=kind)
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
        if not _exists(tmp):  # renamed (Ctrl-C right after it): the new file and its backup stay
            raise
        with contextlib.suppress(OSError):
            tmp.unlink()
        if backup is not None and backup != reused:  # the workbook stays as it was: so
            # does its backup folder (a backup of these bytes from before is not this run's)
            with contextlib.suppress(OSError):
                backup.unlink()
            with contextlib.suppress(OSError):
                backup.parent.rmdir()  # only when empty, i.e. this run made it
        raise
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)
    prune_backups(path, now=now)
    return backup


@contextlib.contextmanager
def after_write(path: Path, old: Fingerprint, unfinished: Callable[[], str]) -> Iterator[None]:
    """Turn Ctrl-C into Interrupted when `path` (as the user named it) no longer holds the
    `old` bytes.

    The caller holds the run lock, so a changed file is its own write (commit keeps the
    backup of a rename that an interrupt followed at once); a file as it was lets the
    KeyboardInterrupt through. `unfinished` says what was left undone at that moment.
    """
    try:
        yield
    except KeyboardInterrupt:
        try:
            unchanged = fingerprint(path).same_content(old)
        except OSError:  # gone or unreadable: not this command's write
            unchanged = True
        if unchanged:
            raise
        raise Interrupted(Path(path), _backup_of(Path(path).resolve(), old), unfinished()) from None


def _backup_of(path: Path, old: Fingerprint) -> Path | None:
    """Return the newest backup that holds the bytes `old` describes, or None."""
    for b in reversed(list_backups(path)):
        if b.size != old.size:
            continue
        with contextlib.suppress(OSError, WriteError):
            if fingerprint_bytes(read_file(b.path, limit=b.size)).same_content(old):
                return b.path
    return None
