"""Name, stage and place the batch's files: safe names, a private staging folder, no overwrite."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import WriteError
from ..model import Action, Contact, Kind
from .templates import KIND_LABELS, is_email

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$", re.IGNORECASE)


def safe_part(text: str, max_bytes: int = 80) -> str:
    """Return text usable inside a file name on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    # Bidi overrides (U+202E turns "Ann‮fdp.exe" into "Annexe.pdf") and other invisible
    # format characters go; the zero-width joiner stays, emoji such as 👩‍💻 need it.
    text = "".join(ch for ch in text if ch == "\u200d" or unicodedata.category(ch) != "Cf")
    text = _FORBIDDEN.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    if len(text.encode("utf-8")) > max_bytes:
        cut = text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
        # never end inside a grapheme: drop dangling joiners, combining marks, selectors
        while cut and (
            unicodedata.combining(cut[-1]) or cut[-1] in "\u200d\ufe0e\ufe0f"
            or 0x1F3FB <= ord(cut[-1]) <= 0x1F3FF
        ):  # fmt: skip
            cut = cut[:-1]
        text = cut.rstrip(" .-")
    if _RESERVED.match(text.split(".")[0]):
        text = f"_{text}"
    return text


def letter_file_name(action: Action, contact: Contact | None, today: date) -> str:
    """Return the file name a person finds the letter by (without a uniqueness suffix)."""
    company = action.company or (contact.organization if contact else "")
    person = (contact.full_name if contact else "") or action.who or action.contact_id
    email = is_email(action)
    ext = ".eml" if email else ".docx"
    label = KIND_LABELS[action.kind]
    if email and action.kind is not Kind.THANK_YOU_EMAIL:
        label += " email"
    parts = [safe_part(p) for p in (company, person)]
    stem = " — ".join([f"{today.isoformat()} {label}", *[p for p in parts if p]])
    return stem + ext


class Writer:
    """Chooses file names in the output folder and writes the files into a staging folder.

    Unique names, never outside the folder, never over a file already there: a file of that
    name with the same bytes is reused, one with other bytes (the user's edit) is kept and the
    next free name taken. Nothing lands in the output folder until `publish`.
    """

    def __init__(self, out_dir: Path, stage_dir: Path) -> None:
        self.out_dir = out_dir
        self.stage_dir = stage_dir
        self.root = out_dir.resolve()
        self.used: set[str] = set()
        self.notes: list[str] = []
        self.moves: list[tuple[Path, Path]] = []
        #: by name: the numbers looked at so far, so that many letters of one name do not
        #: each walk every name taken before them
        self.tried: dict[str, _Tried] = {}

    def write(self, name: str, data: bytes) -> Path:
        """Stage data as `name` (or `name (2)` …) and return the path it will have.

        The names are tried in order, as if from `name` on for each file: a file already
        there with the same bytes is reused (the run before), one with other bytes kept.
        """
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""

        def numbered(n: int) -> str:
            return name if n == 1 else f"{stem} ({n}){dot}{ext}"

        tried = self.tried.setdefault(name.casefold(), _Tried())
        # the names below tried.top are used, symbolic links, or files kept with other bytes:
        # of those, only a kept file can be this letter's (a rerun), so only those are asked
        for n in list(tried.kept):
            candidate = numbered(n)
            path = self.out_dir / candidate
            if candidate.casefold() in self.used:
                tried.kept.remove(n)
            elif _holds(path, data):
                tried.kept.remove(n)
                self.used.add(candidate.casefold())
                return path
        n = tried.top
        while True:
            n += 1
            tried.top = n
            candidate = numbered(n)
            if candidate.casefold() in self.used:
                continue
            path = self.out_dir / candidate
            if path.resolve().parent != self.root:  # pragma: no cover - names are sanitized
                raise WriteError(f"{candidate}: refusing to write outside {self.out_dir}")
            if path.is_symlink():
                continue
            if path.exists():
                if _holds(path, data):
                    break  # a rerun on the same day: the same file is already there
                tried.kept.append(n)
                self.notes.append(
                    f"{candidate} already exists with different content; kept it and wrote "
                    "the new version under the next free name"
                )
                continue
            staged = self.stage_dir / candidate
            try:
                with open(staged, "xb") as fh:
                    fh.write(data)
            except OSError as exc:
                raise WriteError(
                    f"{path}: cannot write: {exc.strerror}; nothing was written to "
                    f"{self.out_dir} or the workbook"
                ) from exc
            self.moves.append((staged, path))
            break
        self.used.add(candidate.casefold())
        return path


@dataclass
class _Tried:
    """The names of one letter name looked at: up to `top`, and the kept files among them."""

    top: int = 0
    kept: list[int] = field(default_factory=list)


def _holds(path: Path, data: bytes) -> bool:
    """Return whether path is a regular file with exactly these bytes."""
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def place(staged: Path, target: Path) -> tuple[Path, str | None]:
    """Move a finished file into place without replacing anything; return where and a note.

    The move is one atomic step (a hard link, else a rename), so no half-written file is ever
    seen under a letter's name. An existing file with other bytes is kept and the next free
    name taken.
    """
    stem, dot, ext = target.name.rpartition(".")
    if not dot:
        stem, ext = target.name, ""

    def done(where: Path) -> tuple[Path, str | None]:
        if where == target:
            return where, None
        return where, (
            f"{target.name} already exists and was not written by this run; kept it and "
            f"wrote the new file as {where.name}"
        )

    n = 1
    while True:
        candidate = target if n == 1 else target.with_name(f"{stem} ({n}){dot}{ext}")
        n += 1
        try:
            os.link(staged, candidate)
        except FileExistsError:
            if candidate.is_file() and candidate.read_bytes() == staged.read_bytes():
                staged.unlink()
                return done(candidate)
            continue
        except OSError:  # a file system without hard links: rename, after checking the name
            if os.path.lexists(candidate):
                continue
            os.rename(staged, candidate)
            return done(candidate)
        staged.unlink()
        return done(candidate)


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield a private folder beside the output folder for files not yet in place."""
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".followup-staging-", dir=parent))
    except OSError as exc:
        raise WriteError(f"{out_dir}: cannot create the output folder: {exc.strerror}") from exc
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
