"""The batch folder's files, made in full before any of them is put in place.

A run writes letters, the print file, envelopes, the call sheet, the calendar and the batch
manifest into one folder, and marks the workbook. Everything that can fail (a full disk, an
unwritable folder, a file in the folder's place) must fail before the workbook is replaced,
so the folder's files are staged first: each is written in full into a hidden folder inside
the batch folder, under the name it will have, chosen now. `publish` then moves them all in
by renames within that folder, after the workbook's own write.

A name already taken by a file with the same bytes is reused, one with other bytes (the
user's) is kept and the next free name taken, unless the caller says the file there is the
tool's own to replace. A symbolic link, FIFO or device under a name is never written
through. Files are read back through the outbox (`read`), so a print file joins the letters
as they will be.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import WriteError
from .safewrite import kind_of, read_file

#: The hidden folder a batch is staged in, inside the batch folder.
STAGE_PREFIX = ".followup-staging-"
#: Staging folders an older version left beside the workbook are removed once this old:
#: a younger one may belong to another workbook's run going on now.
STALE_SECONDS = 3600


class Outbox:
    """The files one run (or `print`) puts into one folder: staged, then published."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.created = not os.path.lexists(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self.folder.is_dir():
                raise NotADirectoryError(f"{self.folder} is {kind_of(self.folder)}")
            self.stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.folder))
        except OSError as exc:
            self._remove_folder()
            raise WriteError(
                f"{self.folder}: cannot write the batch's files there ({exc.strerror or exc}); "
                "nothing was written"
            ) from None
        #: (staged file, final path, replaces the tool's own file there)
        self.moves: list[tuple[Path, Path, bool]] = []
        #: final names (case-folded) taken by this outbox, and where their bytes are staged
        self.staged: dict[str, Path] = {}
        #: every file this outbox leaves in the folder (staged or already there with the same
        #: bytes): its name and the SHA-256 of its bytes, as the batch manifest records them
        self.files: dict[str, str] = {}
        #: the tool's own files from an earlier run that this one no longer makes (retire)
        self.retired: list[Path] = []

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()

    # --- staging -------------------------------------------------------------------------

    def put(
        self, name: str, data: bytes, *, replace: Callable[[bytes], bool] | None = None
    ) -> tuple[Path, str | None]:
        """Stage data as `name` in the folder; return the path it will have and a note when
        that is another name. `replace(old bytes)` says whether a file there is the tool's
        own, to be replaced; otherwise a file with other bytes is kept."""
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        n = 0
        while True:
            n += 1
            candidate = name if n == 1 else f"{stem} ({n}){dot}{ext}"
            if candidate.casefold() in self.staged:
                continue
            where = self.folder / candidate
            try:
                st = os.lstat(where)
            except FileNotFoundError:
                st = None
            if st is not None and not stat.S_ISREG(st.st_mode):
                raise WriteError(
                    f"{where}: is {kind_of(where)}, not a file: the tool does not write through "
                    "it — remove it and run again"
                )
            mine = False
            if st is not None:
                if replace is None and st.st_size != len(data):
                    continue
                try:
                    old = read_file(where)
                except WriteError:  # too big to be the tool's
                    continue
                if old == data:
                    self.reuse(where, data)
                    return where, _note(name, candidate)
                if replace is None or not replace(old):
                    continue
                mine = True
            self.adopt(self.write_staged(candidate, data), where, replace=mine)
            return where, _note(name, candidate)

    def reuse(self, path: Path, data: bytes) -> None:
        """Keep a file already in the folder with exactly these bytes as this run's own."""
        self.staged[path.name.casefold()] = path
        self.files[path.name] = _sha(data)

    def write_staged(self, name: str, data: bytes) -> Path:
        """Write data to a new file in the staging folder and return it (WriteError when the
        disk is full or the folder cannot be written)."""
        self.files[name] = _sha(data)
        staged = self.stage / name  # final names are unique in an outbox, case aside
        try:
            with open(staged, "xb") as fh:
                fh.write(data)
        except OSError as exc:
            with contextlib.suppress(OSError):
                staged.unlink()
            raise WriteError(
                f"{self.folder / name}: cannot write: {exc.strerror or exc}; nothing was "
                f"written to {self.folder} or the workbook"
            ) from None
        return staged

    def adopt(self, staged: Path, final: Path, *, replace: bool = False) -> None:
        """Take a file staged by the caller (in self.stage) to be moved to `final`."""
        self.moves.append((staged, final, replace))
        self.staged[final.name.casefold()] = staged

    def read(self, name: str) -> bytes | None:
        """Return the bytes `name` will have once published, or None when it will not exist."""
        staged = self.staged.get(name.casefold())
        path = staged if staged is not None else self.folder / name
        try:
            return read_file(path)
        except FileNotFoundError:
            return None

    def retire(self, earlier: dict[str, str]) -> list[str]:
        """Mark for removal the files an earlier run wrote here (name -> SHA-256 as its
        manifest recorded them) that this run does not make again and that nobody changed
        since; return notes on those kept because they were changed."""
        notes = []
        for name, sha in sorted(earlier.items()):
            if not isinstance(sha, str) or name != Path(name).name or name in ("", ".", ".."):
                continue
            if name.casefold() in self.staged:
                continue
            path = self.folder / name
            try:
                data = read_file(path)
            except (FileNotFoundError, WriteError):
                continue
            if _sha(data) == sha:
                self.retired.append(path)
            else:
                notes.append(
                    f"{name} was written by an earlier run and is no longer due, but it was "
                    "changed since, so it was kept: delete it if it is not needed"
                )
        return notes

    # --- publishing ------------------------------------------------------------------------

    def publish(self) -> list[str]:
        """Move every staged file into place; return notes on any that had to take another
        name (a file appeared under its name since it was staged)."""
        notes: list[str] = []
        try:
            for staged, final, replace in self.moves:
                if replace:
                    os.replace(staged, final)
                    continue
                got = _link_free(staged, final)
                if got != final:
                    notes.append(
                        f"{final.name} appeared while the tool was working; kept it and wrote "
                        f"the new file as {got.name}"
                    )
        except OSError as exc:
            raise WriteError(f"{self.folder}: cannot put the files in place: {exc}") from exc
        for path in self.retired:
            with contextlib.suppress(OSError):
                path.unlink()
                notes.append(f"removed {path.name}: an earlier run's file that is no longer due")
        self.moves = []
        self.retired = []
        self.created = False  # the folder holds what was published: it stays
        return notes

    def discard(self) -> None:
        """Remove the staging folder, and the batch folder when this outbox made it and it
        is still empty."""
        shutil.rmtree(self.stage, ignore_errors=True)
        self.moves = []
        self.retired = []
        self._remove_folder()

    def _remove_folder(self) -> None:
        if self.created:
            with contextlib.suppress(OSError):
                self.folder.rmdir()  # only when empty


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _note(wanted: str, got: str) -> str | None:
    """Return the note for a file written under another name than the one wanted."""
    if got == wanted:
        return None
    return (
        f"{wanted} already exists and was not written by this run; kept it and wrote the new "
        f"file as {got}"
    )


def _link_free(staged: Path, final: Path) -> Path:
    """Move staged to final, or to the next free name, never over a file; return where."""
    stem, dot, ext = final.name.rpartition(".")
    if not dot:
        stem, ext = final.name, ""
    n = 1
    while True:
        target = final if n == 1 else final.with_name(f"{stem} ({n}){dot}{ext}")
        n += 1
        try:
            os.link(staged, target)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: rename, after checking the name
            if os.path.lexists(target):
                continue
            os.rename(staged, target)
            return target
        staged.unlink()
        return target


def remove_stale_stages(folder: Path, *, min_age: float = 0.0) -> list[Path]:
    """Remove the staging folders a killed run left in `folder` (those younger than
    `min_age` seconds may belong to a run going on now and stay); return what went."""
    removed = []
    now = time.time()
    with contextlib.suppress(OSError):
        for stage in Path(folder).glob(f"{STAGE_PREFIX}*"):
            with contextlib.suppress(OSError):
                if stage.is_symlink() or not stage.is_dir():
                    continue
                if now - stage.stat().st_mtime < min_age:
                    continue
                shutil.rmtree(stage)
                removed.append(stage)
    return removed


def write_file(
    target: Path, data: bytes, *, replace: Callable[[bytes], bool] | None = None
) -> tuple[Path, str | None]:
    """Write one file into its folder as the outbox does (staged, then moved in); return
    where it went and a note when that is another name."""
    with Outbox(Path(target).parent) as box:
        got = box.put(Path(target).name, data, replace=replace)
        box.publish()
    return got
