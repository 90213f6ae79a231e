"""Name the batch's letters: safe names, unique in the folder, never over a file already there."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import WriteError
from ..model import Action, Contact, Kind
from ..names import plain_name
from ..outbox import Outbox
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
    # a contact without a name goes by its title ("Hiring Committee"), never by its ID; a
    # name in Chinese, Japanese or Korean characters keeps its order (family name first)
    person = action.who
    if contact is not None:
        person = plain_name(contact.first_name, contact.last_name)
        person = person or contact.display_name
    email = is_email(action)
    ext = ".eml" if email else ".docx"
    label = KIND_LABELS[action.kind]
    if email and action.kind is not Kind.THANK_YOU_EMAIL:
        label += " email"
    parts = [safe_part(p) for p in (company, person)]
    stem = " — ".join([f"{today.isoformat()} {label}", *[p for p in parts if p]])
    return stem + ext


class Writer:
    """Chooses the letters' file names in the output folder and stages them in its outbox.

    Unique names, never outside the folder, never over a file already there: a file of that
    name with the same bytes is reused, one with other bytes (the user's edit) is kept and the
    next free name taken. Nothing lands in the output folder until the outbox is published.
    """

    def __init__(self, box: Outbox) -> None:
        self.box = box
        self.out_dir = box.folder
        self.root = box.folder.resolve()
        self.used: set[str] = set()
        self.notes: list[str] = []
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
                self.box.reuse(path, data)
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
                    self.box.reuse(path, data)
                    break  # a rerun on the same day: the same file is already there
                tried.kept.append(n)
                self.notes.append(
                    f"{candidate} already exists with different content; kept it and wrote "
                    "the new version under the next free name"
                )
                continue
            self.box.adopt(self.box.write_staged(candidate, data), path)
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
