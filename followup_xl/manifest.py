"""The batch manifest: `followup-batch.json` in each folder a run writes.

It says which file is which letter (interview, contact, and the Log action that records it),
which workbook the folder belongs to, what `print` joined and which Log rows `sent` wrote.
`run` writes it, `print`, `sent` and the calendar read it; nothing else writes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import contract as C
from .errors import FollowupError, WriteError
from .letters.templates import LOG_ACTION
from .model import Action

MANIFEST = "followup-batch.json"
_VERSION = 1
#: The workbooks a manifest may name.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
#: A manifest lists a batch's letters: 10,000 of them take about 2 MiB.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BatchEntry:
    """One letter of a batch: its file, whom it is for, and how the Log records it."""

    file: str
    interview_id: str
    contact_id: str
    action: str
    draft: bool = False


def manifest_bytes(
    actions: Iterable[Action],
    files: dict,
    *,
    workbook: Path,
    out_dir: Path,
    day: date,
    printing: dict | None = None,
    written: dict[str, str] | None = None,
) -> bytes:
    """Return the batch manifest for the letters written (files: action key -> path).

    The workbook is named relative to the batch folder, so moving both together keeps them
    paired. `printing` is what letters/printing.py records: print order and its files.
    `written` is every file the run left in the folder, with the SHA-256 of its bytes: a
    rerun on the same day removes those it no longer makes (when nobody changed them).
    """
    letters = []
    for action in actions:
        path = files.get(action.key)
        if path is None or action.kind not in LOG_ACTION:
            continue
        letters.append(
            {
                "file": Path(path).name,
                "interview_id": action.interview_id,
                "contact_id": action.contact_id,
                "action": LOG_ACTION[action.kind],
                "draft": Path(path).suffix.lower() == ".eml",
            }
        )
    letters.sort(key=lambda e: str(e["file"]))
    try:
        where = Path(os.path.relpath(Path(workbook).resolve(), Path(out_dir).resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        where = str(Path(workbook).resolve())
    doc = {"made_by": "followup-xl", "version": _VERSION, "workbook": where,
           "day": day.isoformat(), "letters": letters}  # fmt: skip
    if printing:
        doc["print"] = printing
    if written:
        doc["files"] = dict(sorted(written.items()))
    return dump(doc)


def earlier_files(batch_dir: Path, workbook: Path) -> dict[str, str]:
    """Return the files (name -> SHA-256) an earlier run of this workbook left in the batch
    folder, as its manifest records them; {} when there is none to trust."""
    try:
        doc = load(batch_dir)
        if batch_workbook(batch_dir).resolve() != Path(workbook).resolve():
            return {}
    except (FollowupError, OSError, RuntimeError):
        return {}
    files = doc.get("files")
    if not isinstance(files, dict):  # an older version's manifest: its letters only
        plan = doc.get("print")
        files = plan.get("written") if isinstance(plan, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): v for k, v in files.items() if isinstance(v, str)}


def dump(doc: dict) -> bytes:
    """Return a manifest's bytes as the tool writes them."""
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def manifest(batch_dir: Path) -> dict:
    """Return the whole manifest of a batch folder; a located FollowupError when unreadable."""
    return load(batch_dir)


def is_manifest(data: bytes) -> bool:
    """Return True when a file's bytes are a batch manifest the tool wrote."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("made_by") == "followup-xl"


def record_printing(batch_dir: Path, plan: dict) -> None:
    """Write what `plan` says of the print file (order, files, PDF) into the manifest."""
    save(batch_dir, {**load(batch_dir), "print": plan})


def _no_constant(name: str) -> None:
    """Refuse NaN and Infinity, which JSON does not have and the tool never writes."""
    raise ValueError(f"{name} is not a value a manifest holds")


def batch_workbook(batch_dir: Path) -> Path:
    """Return the workbook a batch folder was written from (as its manifest names it).

    Only a relative path to an Excel workbook is taken: an absolute one, or one naming
    another kind of file, is refused (a manifest is a file anyone can edit); the user then
    names the workbook with --workbook.
    """
    doc = load(batch_dir)
    named = str(doc.get("workbook", ""))
    where = Path(batch_dir) / MANIFEST
    if os.path.isabs(named) or Path(named).drive or named.startswith(("/", "\\")):
        raise FollowupError(
            f"{where}: names the workbook by an absolute path ({named!r}); name the workbook "
            "to record in with --workbook PATH"
        )
    if Path(named).suffix.lower() not in WORKBOOK_SUFFIXES:
        raise FollowupError(
            f"{where}: names {named!r}, which is not a workbook; name the workbook to "
            "record in with --workbook PATH"
        )
    return Path(os.path.normpath(Path(batch_dir) / named))


def batch_day(batch_dir: Path) -> date | None:
    """Return the day the batch's run wrote it, or None when the manifest does not say."""
    try:
        return date.fromisoformat(str(load(batch_dir).get("day", "")))
    except ValueError:
        return None


#: How far from today a mailing day may be before `sent` asks for --force: a week covers a
#: weekend's letters recorded late, and catches a year typed wrong.
def folder_workbook(batch_dir: Path) -> Path | None:
    """Return the workbook whose run wrote a batch folder, or None when its manifest is
    missing or unreadable (a folder the user made, or one an older version wrote)."""
    try:
        return batch_workbook(batch_dir).resolve()
    except (FollowupError, OSError, RuntimeError):
        return None


def load(batch_dir: Path) -> dict:
    """Return the parsed manifest of a batch folder, or raise a located FollowupError."""
    from .safewrite import read_file

    path = Path(batch_dir) / MANIFEST
    if not Path(batch_dir).is_dir():
        raise FollowupError(f"{batch_dir}: no such folder (give the folder the run wrote)")
    try:
        doc = json.loads(
            read_file(path, limit=MAX_MANIFEST_BYTES).decode("utf-8"), parse_constant=_no_constant
        )
        if not isinstance(doc, dict) or not isinstance(doc.get("letters"), list):
            raise ValueError("not a batch manifest")
    except FileNotFoundError:
        raise FollowupError(
            f"{batch_dir}: no {MANIFEST} here, so it is not a folder of letters written by "
            "`followup-xl run`; give that folder (e.g. 'followup 2026-11-23')"
        ) from None
    except WriteError as exc:
        raise FollowupError(f"{exc}; run `followup-xl run` again to write a new batch") from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise FollowupError(
            f"{path}: cannot be read ({reason}); run `followup-xl run` again to write a new batch"
        ) from None
    return doc


def read_manifest(batch_dir: Path) -> list[BatchEntry]:
    """Return the letters a batch folder was written with; a located error when unreadable."""
    path = Path(batch_dir) / MANIFEST
    doc = load(batch_dir)
    try:
        entries = [
            BatchEntry(
                file=str(e["file"]),
                interview_id=str(e.get("interview_id", "")),
                contact_id=str(e.get("contact_id", "")),
                action=str(e["action"]),
                draft=bool(e.get("draft", False)),
            )
            for e in doc["letters"]
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise FollowupError(
            f"{path}: cannot be read ({exc}); run `followup-xl run` again to write a new batch"
        ) from None
    bad = [e.action for e in entries if e.action not in C.LOG_ACTIONS]
    if bad:
        raise FollowupError(f"{path}: unknown Log action {bad[0]!r}")
    # a letter is a file in this folder: never a path that leads elsewhere
    odd = [e.file for e in entries if e.file != Path(e.file).name or e.file in ("", ".", "..")]
    if odd:
        raise FollowupError(f"{path}: {odd[0]!r} is not a file name in this folder")
    return entries


def save(batch_dir: Path, doc: dict) -> None:
    """Write the manifest anew, over the tool's own one only."""
    from .outbox import write_file

    path = Path(batch_dir) / MANIFEST
    got, _ = write_file(path, dump(doc), replace=is_manifest)
    if got != path:
        got.unlink()
        raise WriteError(f"{path}: is not the manifest the tool wrote; nothing was written")
