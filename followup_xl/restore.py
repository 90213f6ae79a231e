"""Put a backup of the workbook back in its place, through the same safe writer as the marks.

Only a backup the tool made is put back: one of the files `safewrite.list_backups` lists,
named by its file name or by a path inside the workbook's own backups folder, a regular
file (no symbolic link) that opens as a workbook. The workbook as it is becomes a backup
first, as before any other write, so a restore can itself be undone.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import safewrite
from .errors import FollowupError, WorkbookError, WriteError
from .safewrite import Backup


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    #: the backup that was put back
    backup: Path
    #: where the version it replaced is kept; None when the workbook held these bytes already
    previous: Path | None


def find_backup(workbook: Path, given: str) -> Backup:
    """Return the backup of `workbook` that `given` names; FollowupError for anything else.

    `given` is a file name as the listing shows it, or a path to that file in the backups
    folder: a path elsewhere, a symbolic link, or a file the tool did not name is refused.
    """
    real = Path(workbook).resolve()
    folder = safewrite.backup_dir(real)
    listing = "run restore with the workbook alone to list them"
    candidate = Path(given)
    inside = folder.is_dir() and candidate.parent.resolve() == folder.resolve()
    if candidate.name != given and not inside:  # a path must lead into the backups folder
        raise FollowupError(
            f"{given}: is not in {folder}, where the backups of {real.name} are: give the "
            f"name of one of them ({listing})"
        )
    candidate = folder / candidate.name
    try:
        mode = candidate.lstat().st_mode
    except FileNotFoundError:
        raise FollowupError(f"{folder}: has no backup named {candidate.name} ({listing})") from None
    except OSError as exc:
        raise FollowupError(f"{candidate}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise FollowupError(
            f"{candidate}: is {safewrite.kind_of(candidate)}, not a backup the tool made: "
            f"give the name of one of the backups ({listing})"
        )
    for backup in safewrite.list_backups(real):
        if backup.path.name == candidate.name:
            return backup
    raise FollowupError(
        f"{candidate}: is not a backup the tool made of {real.name} (they are named like "
        f"{real.stem}.2026-11-24_20-14-05{real.suffix}): give the name of one of them ({listing})"
    )


def restore_backup(workbook: Path, given: str, *, now: datetime, force: bool = False) -> Restored:
    """Put the backup `given` names back as `workbook`, keeping the current one as a backup.

    Refused, with nothing written, as any write of the workbook is: a lock file says it is
    open (unless `force`), it is read-only, another run holds it. The backup must open as
    a workbook, and the file written must read back as the backup's bytes.
    """
    from .read.sniff import sniff

    workbook = Path(workbook)
    backup = find_backup(workbook, given)
    try:
        sniff(backup.path)
    except WorkbookError as exc:
        why = "; ".join(p.message for p in exc.problems)
        raise FollowupError(
            f"{backup.path}: not put back, as it is no sound workbook ({why}): choose another "
            "backup"
        ) from None
    safewrite.preflight(workbook, force=force)
    real = workbook.resolve()
    with safewrite.run_lock(real):
        safewrite.remove_stale_temps(real)
        data = safewrite.read_file(backup.path, limit=backup.size)
        try:
            old = real.read_bytes()
        except OSError as exc:
            raise WriteError(f"{workbook.name} cannot be read ({exc.strerror})") from exc
        if old == data:
            return Restored(backup.path, None)
        expected = safewrite.fingerprint_bytes(old)

        def verify(tmp: Path) -> None:
            """Check that the temporary file holds the backup's bytes and opens as a zip."""
            if safewrite.read_file(tmp, limit=len(data)) != data:
                raise WriteError(f"{workbook.name}: the copy of {backup.path.name} read back wrong")
            try:
                with zipfile.ZipFile(tmp) as zf:
                    bad = zf.testzip()
            except zipfile.BadZipFile:
                bad = "its zip directory"
            if bad:
                raise WriteError(
                    f"{workbook.name}: the copy of {backup.path.name} is damaged ({bad})"
                )

        with safewrite.after_write(workbook, expected, lambda: ""):
            previous = safewrite.commit(
                real, old=old, new=data, expected=expected, verify=verify, now=now
            )
    return Restored(backup.path, previous)
