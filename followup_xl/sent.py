"""Record a mailed batch in the Log: one row per letter that is still in the batch folder.

Each run that writes letters leaves `followup-batch.json` in the folder: which file is which
letter (interview, contact, and the Log action that records it). After mailing, `followup-xl
sent FOLDER` appends a Log row per printed letter still there (email drafts only when named
with --only), skips what the Log already records, and writes the workbook through the same
safe path as the marks (lock files, fingerprint, temporary file, verification, backup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import contract as C
from . import manifest as manifest_mod
from .errors import FollowupError, WriteError
from .manifest import BatchEntry, batch_day, read_manifest

if TYPE_CHECKING:
    from .model import Book
    from .xlsx.append import AppendResult
    from .xlsx.cells import Value


@dataclass
class SentResult:
    """What `sent` recorded, and what it left out and why."""

    recorded: list[BatchEntry] = field(default_factory=list)
    already: list[BatchEntry] = field(default_factory=list)
    missing: list[BatchEntry] = field(default_factory=list)
    drafts: list[BatchEntry] = field(default_factory=list)
    rows: tuple[int, ...] = ()
    backup: Path | None = None
    #: what the user should know beyond the rows (e.g. the manifest could not be updated)
    note: str = ""


SENT_DAYS = 7


def sent_day_problem(day: date, *, batch: date | None, today: date) -> str | None:
    """Return why `day` cannot be the day a batch was mailed, or None when it can."""
    if batch is not None and day < batch:
        return (
            f"{day.isoformat()} is before the day the letters were written "
            f"({batch.isoformat()}): check the year"
        )
    if abs((day - today).days) > SENT_DAYS:
        return (
            f"{day.isoformat()} is {abs((day - today).days)} days from today "
            f"({today.isoformat()}): check the year"
        )
    return None


def select(
    entries: Sequence[BatchEntry], batch_dir: Path, only: Sequence[str]
) -> tuple[list[BatchEntry], list[BatchEntry], list[BatchEntry]]:
    """Return (to record, missing from the folder, drafts not named) for the batch."""
    if only:
        names = {Path(n).name for n in only}
        unknown = sorted(names - {e.file for e in entries})
        if unknown:
            files = [repr(e.file) for e in entries]
            more = f" and {len(files) - 10} more" if len(files) > 10 else ""
            raise FollowupError(
                f"{batch_dir}: {unknown[0]!r} is not a letter of this batch; the letters are "
                + ", ".join(files[:10])
                + more
            )
        chosen = [e for e in entries if e.file in names]
        drafts: list[BatchEntry] = []
    else:
        chosen = [e for e in entries if not e.draft]
        drafts = [e for e in entries if e.draft]
    present: list[BatchEntry] = []
    missing: list[BatchEntry] = []
    for e in chosen:  # one pass over the letters, each placed once
        (present if (Path(batch_dir) / e.file).is_file() else missing).append(e)
    return present, missing, drafts


def record_sent(
    workbook: Path,
    batch_dir: Path,
    *,
    day: date,
    today: date,
    only: Sequence[str] = (),
    force: bool = False,
    now: datetime,
) -> SentResult:
    """Append one Log row per letter of the batch that was sent; nothing twice.

    A mailing day before the batch's own day, or more than SENT_DAYS from `today`, is
    refused unless `force`; so is a letter whose Interview or Contact ID the workbook does
    not have (renamed since the run, or another workbook).
    """
    from . import safewrite
    from .ods import append as ods_append
    from .ods.marks import read_back
    from .read.reader import read_workbook
    from .read.sniff import is_ods
    from .xlsx.append import append_rows

    workbook = Path(workbook)
    entries = read_manifest(batch_dir)
    why = sent_day_problem(day, batch=batch_day(batch_dir), today=today)
    if why is not None and not force:
        raise FollowupError(
            f"--date {why}; give the day you mailed them (or add --force if it is right)"
        )
    present, missing, drafts = select(entries, batch_dir, only)
    result = SentResult(missing=missing, drafts=drafts)
    if not workbook.exists():
        raise FollowupError(
            f"{workbook}: not found, and the letters in {batch_dir} were written from it; if "
            "you moved or renamed the workbook, name it with --workbook PATH"
        )
    safewrite.preflight(workbook, force=force)
    with safewrite.run_lock(workbook):  # one writer at a time, as for the marks
        safewrite.remove_stale_temps(workbook.resolve())  # left by a killed run or sent
        expected = safewrite.fingerprint(workbook)
        read = read_workbook(workbook)
        _refuse_unknown_ids(present, read.book, workbook, batch_dir)
        logged = {(e.action, e.interview_id, e.contact_id) for e in read.book.log}
        # a draft recorded earlier (with --only) is no longer "not recorded"
        result.drafts = [
            e for e in result.drafts if (e.action, e.interview_id, e.contact_id) not in logged
        ]
        for entry in present:
            key = (entry.action, entry.interview_id, entry.contact_id)
            if key in logged:
                result.already.append(entry)
            else:
                logged.add(key)
                result.recorded.append(entry)
        if not result.recorded:
            return result
        layout = read.book.layouts.get(C.LOG_SHEET)
        if layout is None:
            raise WriteError(f"{workbook.name}: there is no {C.LOG_SHEET} sheet to record in")
        col = {name: layout.columns[name] for name in layout.columns}
        rows = []
        for entry in result.recorded:
            values: dict[str, Value] = {"Date": day, "Interview ID": entry.interview_id,
                      "Contact ID": entry.contact_id, "Action": entry.action}  # fmt: skip
            rows.append({col[k]: v for k, v in values.items() if k in col and v})
        real = workbook.resolve()
        old = real.read_bytes()
        if not safewrite.fingerprint_bytes(old).same_content(expected):
            raise WriteError(f"{workbook.name} changed on disk meanwhile: nothing was written")
        ods = is_ods(real)
        append = ods_append.append_rows if ods else append_rows
        appended = append(old, sheet=layout.name, rows=rows, after=C.HEADER_ROW, name=workbook.name)

        def verify(tmp: Path) -> None:
            if ods:
                ods_append.verify_rows(tmp.read_bytes(), old=old, result=appended, filled=True,
                                       name=workbook.name)  # fmt: skip
                read_back(tmp)
            else:
                verify_append(old, tmp.read_bytes(), appended, workbook.name)

        unfinished = (
            "the batch folder may not know these rows, so `sent --undo` cannot take them back"
        )
        with safewrite.after_write(workbook, expected, lambda: unfinished):
            result.backup = safewrite.commit(
                real, old=old, new=appended.data, expected=expected, verify=verify, now=now
            )
            result.rows = appended.rows
            result.note = _remember(batch_dir, result.recorded, appended.rows, day)
            unfinished = ""
    return result


def _remember(
    batch_dir: Path, entries: Sequence[BatchEntry], rows: Sequence[int], day: date
) -> str:
    """Add the Log rows just written to the manifest, for `sent --undo`; return a note when
    the manifest could not take them (the Log rows are written all the same)."""
    doc = manifest_mod.load(batch_dir)
    earlier = doc.get("recorded")
    recorded: list[Any] = list(earlier) if isinstance(earlier, list) else []
    recorded += [{"row": r, "date": day.isoformat(), "file": e.file, "action": e.action,
                  "interview_id": e.interview_id, "contact_id": e.contact_id}
                 for e, r in zip(entries, rows, strict=False)]  # fmt: skip
    try:
        manifest_mod.save(batch_dir, {**doc, "recorded": recorded})
    except FollowupError as exc:
        return f"the rows were recorded, but `sent --undo` will not know them: {exc}"
    return ""


def undo_sent(workbook: Path, batch_dir: Path, *, now: datetime, force: bool = False) -> SentResult:
    """Take back the Log rows `sent` recorded from this batch folder, through the same safe
    writer; refuse (listing them) when any of them was changed or moved since."""
    from . import safewrite
    from .ods import append as ods_append
    from .ods.marks import read_back
    from .read.reader import read_workbook
    from .read.sniff import is_ods
    from .xlsx.append import clear_rows

    workbook = Path(workbook)
    doc = manifest_mod.load(batch_dir)
    recorded = doc.get("recorded")
    if not isinstance(recorded, list) or not recorded:
        raise FollowupError(f"{batch_dir}: `sent` recorded nothing from this folder to take back")
    safewrite.preflight(workbook, force=force)
    with safewrite.run_lock(workbook):
        safewrite.remove_stale_temps(workbook.resolve())
        expected = safewrite.fingerprint(workbook)
        read = read_workbook(workbook)
        layout = read.book.layouts.get(C.LOG_SHEET)
        if layout is None:
            raise WriteError(f"{workbook.name}: there is no {C.LOG_SHEET} sheet")
        by_row = {e.row: e for e in read.book.log}
        wanted: list[dict] = []
        changed: list[Any] = []
        for item in recorded:
            row = item.get("row") if isinstance(item, dict) else None
            e = by_row.get(row) if isinstance(row, int) else None
            same = e is not None and (e.date.isoformat(), e.action, e.interview_id,
                                      e.contact_id) == (item.get("date"), item.get("action"),
                                                        item.get("interview_id"),
                                                        item.get("contact_id"))  # fmt: skip
            (wanted if same else changed).append(item)
        if changed:
            listed = ", ".join(str(i.get("row")) if isinstance(i, dict) else "?" for i in changed)
            raise FollowupError(
                f"{workbook.name}: {C.LOG_SHEET} row(s) {listed} no longer hold what `sent` "
                "recorded (changed, moved or deleted since): nothing was taken back; delete "
                "the rows you want gone by hand"
            )
        cols = {layout.columns[n] for n in ("Date", "Interview ID", "Contact ID", "Action")
                if n in layout.columns}  # fmt: skip
        cells = {(int(i["row"]), c) for i in wanted for c in cols}
        real = workbook.resolve()
        old = real.read_bytes()
        if not safewrite.fingerprint_bytes(old).same_content(expected):
            raise WriteError(f"{workbook.name} changed on disk meanwhile: nothing was written")
        ods = is_ods(real)
        clear = ods_append.clear_rows if ods else clear_rows
        cleared = clear(old, sheet=layout.name, cells=cells, name=workbook.name)

        def verify(tmp: Path) -> None:
            if ods:
                ods_append.verify_rows(tmp.read_bytes(), old=old, result=cleared, filled=False,
                                       name=workbook.name)  # fmt: skip
                read_back(tmp)
            else:
                _verify_cleared(old, tmp.read_bytes(), cleared, workbook.name)

        result = SentResult(rows=cleared.rows)
        unfinished = "the batch folder still lists these rows as recorded"
        with safewrite.after_write(workbook, expected, lambda: unfinished):
            result.backup = safewrite.commit(
                real, old=old, new=cleared.data, expected=expected, verify=verify, now=now
            )
            manifest_mod.save(batch_dir, {**doc, "recorded": []})
            unfinished = ""
    return result


def _verify_cleared(old: bytes, new: bytes, cleared: AppendResult, name: str) -> None:
    """Check the file `undo_sent` wrote: the cleared cells are empty, all else as it was."""
    from .writecheck import SheetWrite, check_write

    owned = cleared.owned_cells
    sheet = SheetWrite(cleared.part, cleared.sheet, owned=owned, emptied=owned)
    check_write(new, old=old, changed=cleared.changed_members, sheets=[sheet], name=name)


def _refuse_unknown_ids(
    entries: Sequence[BatchEntry], book: Book, workbook: Path, batch_dir: Path
) -> None:
    """Raise FollowupError listing the letters whose IDs the workbook does not have."""
    interviews = {iv.interview_id for iv in book.interviews}
    contacts = {c.contact_id for c in book.contacts}
    unknown = [
        e for e in entries
        if (e.interview_id and e.interview_id not in interviews)
        or (e.contact_id and e.contact_id not in contacts)
    ]  # fmt: skip
    if not unknown:
        return
    listed = "; ".join(
        f"{e.file} (Interview ID {e.interview_id or '-'}, Contact ID {e.contact_id or '-'})"
        for e in unknown[:5]
    )
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    raise FollowupError(
        f"{workbook.name}: has no row for {len(unknown)} letter(s) of {batch_dir}: {listed}"
        f"{more}. Were the IDs renamed after the run, or is this another workbook? Give the "
        "IDs back, or name the right workbook with --workbook; nothing was written"
    )


def verify_append(old: bytes, new: bytes, appended: AppendResult, name: str) -> None:
    """Check the file an append wrote (writecheck): only the new rows' cells differ from the old
    file, and each of them holds its value."""
    from .writecheck import SheetWrite, check_write

    owned = appended.owned_cells
    sheet = SheetWrite(appended.part, appended.sheet, owned=owned, filled=owned)
    check_write(new, old=old, changed=appended.changed_members, sheets=[sheet], name=name)
