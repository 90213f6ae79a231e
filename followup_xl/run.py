"""The weekly batch: read, check, compute actions, write letters, mark the workbook."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import contract as C
from .errors import FollowupError, Problem, WriteError
from .model import Action, Book, Status
from .timing import lap

if TYPE_CHECKING:  # imported lazily at run time, to keep --help fast
    from .letters.batch import LetterBatch
    from .marks import DueTable, MarkResult
    from .outbox import Outbox
    from .proofread import Finding
    from .read.reader import ReadResult


@dataclass(frozen=True)
class RunOptions:
    """What the user asked `run` to do."""

    today: date
    dry_run: bool = False
    letters: bool = True
    out_dir: Path | None = None
    template_dir: Path | None = None
    words_file: Path | None = None
    pdf: bool = False
    strict: bool = False
    force: bool = False
    take_over: bool = False
    #: write only when something is due that the Due sheet does not already list as due
    #: (a scheduled run): otherwise read, and leave every file as it is
    only_new: bool = False
    #: when the workbook's backup is dated and the older backups are aged; None: the start
    #: of `today` (the CLI passes the clock's time)
    now: datetime | None = None


@dataclass
class RunResult:
    """What a run read, computed and wrote; the CLI (report.run_lines) turns it into text."""

    actions: list[Action]
    warnings: list[Problem] = field(default_factory=list)
    #: the workbook as given, and True when nothing at all was written (--dry-run)
    workbook: Path | None = None
    dry_run: bool = False
    #: Action.key -> the letter's file; all empty when no letter batch was made
    letters: dict[tuple, Path] = field(default_factory=dict)
    #: the folder of the letter batch (None when no letters were due or --no-letters)
    letters_dir: Path | None = None
    letter_notes: list[str] = field(default_factory=list)
    #: where the thank-yous of the interviews of yesterday and today stand (rules.py)
    cadence: list[str] = field(default_factory=list)
    #: letters not written because the Log already records them as sent
    skipped_letters: int = 0
    findings: list[Finding] = field(default_factory=list)
    proofreading: Path | None = None
    #: proofreading found something and --strict was given: the run must fail
    strict_failed: bool = False
    #: the workbook's marking (None on a dry run)
    marked: MarkResult | None = None
    #: what was written into the output folder besides the letters
    out_dir: Path | None = None
    print_file: Path | None = None
    envelopes: Path | None = None
    call_sheet: Path | None = None
    calendar: Path | None = None
    #: notes from writing the call sheet and the calendar
    week_notes: list[str] = field(default_factory=list)
    #: the print order as the summary says it, and what the manifest records about printing
    print_order: list[str] = field(default_factory=list)
    print_plan: dict = field(default_factory=dict)
    #: why no print file was written although letters were (only a warning: `print` retries)
    print_error: str | None = None
    pdf: Path | None = None
    pdf_note: str | None = None
    #: why no PDF was made although --pdf was given (only a warning)
    pdf_error: str | None = None
    #: only_new was asked and nothing new is due: nothing was written
    nothing_new: bool = False


def default_out_dir(workbook: Path, today: date) -> Path:
    """Return the day's batch folder beside the workbook: "followup DATE", or "followup DATE
    (name)" when another workbook's run of that day wrote the first, so that two workbooks
    in one folder never share, replace or cancel each other's files."""
    import hashlib

    from .letters.files import safe_part
    from .manifest import folder_workbook

    real = workbook.resolve()
    base = f"followup {today.isoformat()}"
    digest = hashlib.sha256(str(real).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    for name in (base, f"{base} ({safe_part(real.stem, 60)})", f"{base} ({digest})"):
        folder = real.parent / name
        owner = folder_workbook(folder) if folder.is_dir() else None
        if owner is None or owner == real:
            return folder
    return real.parent / f"{base} ({safe_part(real.name, 60)} {digest})"


def read_words(path: Path | None) -> list[str]:
    """Return the user's extra spelling words, one per line, '#' starting a comment."""
    if path is None:
        return []
    import stat

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the run forever
            raise FollowupError(f"{path}: the word list is not a regular file: give a text file")
        data = path.read_bytes()
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read the word list: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FollowupError(
            f"{path}: line {line} is not UTF-8 text (byte 0x{data[exc.start]:02X}): save the "
            "word list as UTF-8 (in Notepad: Save As, Encoding: UTF-8) and run again"
        ) from None
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def column_marks(book: Book, actions: list[Action]) -> list:
    """Return the Next Action / Next Due / Follow-up Status marks for Interviews and Contacts."""
    from .marks import ColumnMarks
    from .rules import next_marks

    by_interview, by_contact = next_marks(book, actions)
    out = []
    for sheet, records, key, marks in (
        (C.INTERVIEWS_SHEET, book.interviews, "interview_id", by_interview),
        (C.CONTACTS_SHEET, book.contacts, "contact_id", by_contact),
    ):
        layout = book.layouts.get(sheet)
        if layout is None:
            continue
        values: dict[int, tuple[str | None, date | None, str | None]] = {}
        for rec in records:
            mark = marks.get(getattr(rec, key))
            if mark:
                text, due, status = mark
                values[rec.row] = (
                    text,
                    due,
                    status.value if isinstance(status, Status) else str(status),
                )
        out.append(
            ColumnMarks(
                sheet=layout.name,
                header_row=C.HEADER_ROW,
                last_user_column=layout.last_column,
                data_rows=layout.data_rows,
                values=values,
            )
        )
    return out


def _external_links(options: RunOptions, result: RunResult) -> None:
    """Warn about what the templates would fetch from elsewhere; refuse it under --strict."""
    from .errors import TemplateError
    from .letters.templates import template_removals

    removed = template_removals(options.template_dir)
    if removed and options.strict:
        raise TemplateError(
            "letter templates hold links to other computers or files, and --strict was "
            "given:\n"
            + "\n".join(f"{name}: {what}" for name, what in removed)
            + "\nremove them in Word (File > Info > Edit Links to Files; Developer > Document "
            "Template; the fields and links themselves), or run without --strict to leave "
            "them out of the letters"
        )
    result.warnings += [
        Problem(name, f"left out of every letter: {what}", blocking=False) for name, what in removed
    ]


def _due_table(
    actions: list[Action], letters: dict[tuple, Path], workbook: Path | None = None
) -> DueTable:
    """Return the Due sheet's rows (contract.DUE_COLUMNS) for these actions and letter files;
    with the `workbook`, each letter's name links to its file."""
    from .marks import DueTable, letter_link

    rows = []
    links = {}
    folder = workbook.resolve().parent if workbook is not None else None
    for i, a in enumerate(actions):
        letter = letters.get(a.key)
        rows.append((a.status.value, a.due, a.kind.value, a.rule, a.who, a.company, a.position,
                     a.channel, letter.name if letter else "", a.why))  # fmt: skip
        if letter is not None and folder is not None:
            links[i] = letter_link(letter.resolve(), folder)
    return DueTable(
        rows=rows,
        overdue=frozenset(i for i, a in enumerate(actions) if a.status is Status.OVERDUE),
        links=links,
    )


#: The Due sheet's columns that tell one follow-up from another; its status, date, letter and
#: why change from day to day for the same follow-up.
_IDENTITY = tuple(
    C.DUE_COLUMNS.index(c) for c in ("Rule", "Action", "Who", "Company", "Position", "Channel")
)
_STATUS = C.DUE_COLUMNS.index("Status")


def new_due(actions: list[Action], listed: list[tuple]) -> list[Action]:
    """Return the due and overdue actions that the Due sheet's rows do not list as due or
    overdue (rows as read_due_sheet returns them)."""

    def identity(row: tuple) -> tuple[str, ...]:
        return tuple(str(row[i]).strip() for i in _IDENTITY)

    urgent = {Status.DUE.value, Status.OVERDUE.value}
    shown = {identity(row) for row in listed if str(row[_STATUS]).strip().upper() in urgent}
    rows = _due_table(actions, {}).rows
    return [a for a, row in zip(actions, rows, strict=True)
            if a.status.value in urgent and identity(row) not in shown]  # fmt: skip


def plan_problems(path: Path, *, today: date, take_over: bool = False) -> list[str]:
    """Return why a run could not mark this workbook (as `run` would say it), or []."""
    from .marks import plan_marks
    from .read.reader import read_workbook
    from .read.sniff import ensure_regular_file
    from .rules import due_actions

    path = Path(path)
    ensure_regular_file(path)
    data = path.read_bytes()
    book = read_workbook(path).book
    actions = due_actions(book, today)
    try:
        plan_marks(
            path, data, columns=column_marks(book, actions), take_over=take_over
        )  # fmt: skip
    except WriteError as exc:
        return str(exc).splitlines()
    return []


def run_batch(
    path: Path, options: RunOptions, progress: Callable[[int, int], None] | None = None
) -> RunResult:
    """Run the week's follow-up batch on one workbook; raise FollowupError on user errors.

    All or nothing, in this order: read; plan the workbook patch in memory and verify it;
    stage every file of the batch folder in full (letters, print file, envelopes, call
    sheet, calendar, manifest: outbox.py); write the workbook; move the staged files into
    place. A failure at any step up to the workbook's write leaves the workbook and the
    output folder as they were. The PDF comes last, and its failure is only a warning.
    With `only_new`, a run that finds no due follow-up the Due sheet does not already list
    (new_due) returns after reading, having written nothing.
    """
    from .read.reader import read_workbook
    from .read.sniff import ensure_regular_file
    from .rules import due_actions, thank_you_cadence

    lap("start")
    path = Path(path)
    ensure_regular_file(path)  # before the lock and fingerprint checks open it
    words = read_words(options.words_file)  # a bad word list stops even a dry run, early
    if options.dry_run:
        read = read_workbook(path)
        lap("read")
        actions = due_actions(read.book, options.today)
        lap("rules")
        cadence = thank_you_cadence(read.book, actions, options.today)
        return RunResult(actions=actions, warnings=_warnings(read, options.today),
                         workbook=path, dry_run=True, cadence=cadence)  # fmt: skip

    from . import safewrite
    from .marks import mark_workbook, plan_marks, preflight

    if not options.only_new:  # a run for new follow-ups only looks first (below)
        preflight(path, force=options.force)
    with safewrite.run_lock(path):
        real = path.resolve()
        data = real.read_bytes()
        seen = safewrite.fingerprint_bytes(data)
        read = read_workbook(path)
        lap("read")
        book = read.book
        actions = due_actions(book, options.today)
        lap("rules")
        if options.only_new:
            from .read.reader import read_due_sheet

            if not new_due(actions, read_due_sheet(path)):
                return RunResult(actions=actions, warnings=_warnings(read, options.today),
                                 workbook=path, nothing_new=True)  # fmt: skip
            # something to write: an open workbook or a read-only folder stops the run now
            preflight(path, force=options.force)
        result = RunResult(actions=actions, warnings=_warnings(read, options.today), workbook=path,
                           cadence=thank_you_cadence(book, actions, options.today))  # fmt: skip
        columns = column_marks(book, actions)
        # every refusal (ownership, merged cells, a damaged package, the backup folder) shows
        # up here, before any file is written; the patch written last is verified then
        rendering = options.letters and any(a.makes_letter for a in actions)
        plan = plan_marks(path, data, columns=columns, take_over=options.take_over)
        del data  # the write reads the workbook again, to see that it is still the same
        lap("marks")
        out_dir = options.out_dir or default_out_dir(path, options.today)
        unfinished = ""  # what is not done yet when Ctrl-C comes after the workbook's write
        with contextlib.ExitStack() as stack:
            stack.enter_context(safewrite.after_write(path, seen, lambda: unfinished))
            box = None
            if options.letters:
                from .outbox import STALE_SECONDS, Outbox, remove_stale_stages

                # the folder is this workbook's and the lock is held: any other staging
                # folder in it is a killed run's; older versions staged beside the workbook
                remove_stale_stages(out_dir)
                remove_stale_stages(out_dir.parent, min_age=STALE_SECONDS)
                box = stack.enter_context(Outbox(out_dir))
            batch = None
            if rendering and box is not None:
                from .letters.batch import print_batch, render_letters
                from .letters.templates import check_templates

                templates = check_templates(options.template_dir)
                _external_links(options, result)
                batch = render_letters(
                    book,
                    actions,
                    today=options.today,
                    out_dir=out_dir,
                    template_dir=options.template_dir,
                    words=words,
                    progress=progress,
                    box=box,
                    templates=templates,
                )
                print_batch(batch, today=options.today, box=box)
                lap("print file")
                _take_batch(result, batch, out_dir, strict=options.strict)
            if box is not None:
                write_week_files(book, actions, result, workbook=path, box=box,
                                 today=options.today)  # fmt: skip
                lap("call sheet and calendar")
            # every file is staged in full: the workbook's write is the last step that can fail
            if box is not None:
                unfinished = (
                    "the batch folder's files are not all in place: run again to write them"
                )
            marked = mark_workbook(
                path,
                due=_due_table(actions, result.letters, path),
                columns=columns,
                expected=seen,
                force=options.force,
                take_over=options.take_over,
                now=options.now or datetime.combine(options.today, datetime.min.time()),
                marked=plan.marked,
            )
            lap("marks")
            if box is not None:
                result.week_notes += box.publish()
            unfinished = ""
            if batch is not None and options.pdf and batch.print_file:
                unfinished = "the PDF was not made: run again to make it"
                _pdf(batch, result)
                lap("pdf")
                unfinished = ""
    result.marked = marked
    return result


def _warnings(read: ReadResult, today: date) -> list[Problem]:
    """Return the reader's warnings, and one when `today` looks like a mistyped year."""
    from .rules import today_problem

    why = today_problem(read.book, today)
    extra = [Problem(file=Path(read.book.path).name, message=why, blocking=False)] if why else []
    return [*read.warnings, *extra]


def _take_batch(result: RunResult, batch: LetterBatch, out_dir: Path, *, strict: bool) -> None:
    """Copy what the letters' batch made into the run's result."""
    result.letters = dict(batch.files)
    result.print_file, result.envelopes = batch.print_file, batch.envelopes
    result.print_order, result.print_plan = batch.print_order, batch.print_plan
    result.print_error = batch.print_error
    result.letters_dir = out_dir
    result.letter_notes = list(batch.notes)
    result.skipped_letters = len(batch.skipped)
    result.findings = list(batch.findings)
    result.proofreading = batch.proofreading
    result.strict_failed = strict and bool(batch.findings)


def _pdf(batch: LetterBatch, result: RunResult) -> None:
    """Convert the print file to PDF; a failure is only a warning (result.pdf_error)."""
    from .letters.printing import make_pdf, record_pdf

    if batch.print_file is None:
        return
    try:
        pdf, note = make_pdf(batch.print_file, result.print_plan)
    except FollowupError as exc:
        result.pdf_error = str(exc)
    else:
        from .letters.pagefit import check_pdf
        from .manifest import record_printing

        checked = check_pdf(batch.print_file, pdf)  # LibreOffice's count of the pages
        result.pdf, result.pdf_note = pdf, "; ".join(n for n in (note, checked) if n) or None
        record_pdf(result.print_plan, pdf)
        try:  # so that `print --pdf` may replace it later
            record_printing(batch.print_file.parent, result.print_plan)
        except FollowupError as exc:
            result.pdf_error = f"the PDF was made, but the manifest does not know it: {exc}"


def _tool_wrote(data: bytes) -> bool:
    """Return True for a calendar or manifest the tool wrote (both carry its name)."""
    return b"followup-xl" in data


def _week_calendar(
    book: Book,
    actions: list[Action],
    result: RunResult,
    *,
    out_dir: Path,
    workbook: Path,
    today: date,
) -> bytes | None:
    """Return this week's calendar, carrying last week's forward; None when no event is due
    and there is no readable calendar of last week whose events to cancel."""
    from . import ics
    from .safewrite import open_file

    events = any(a.kind in ics.calendar_kinds() for a in actions)
    path = ics.find_previous(out_dir, today, workbook=workbook)
    previous = None
    if path is not None:
        try:
            previous = open_file(path, limit=ics.MAX_PREVIOUS)
        except WriteError as exc:
            result.week_notes.append(f"last week's calendar was not read: {exc}")
    if previous is None and not events:
        return None
    try:
        data, notes = ics.build_calendar(book, actions, today=today, previous=previous)
    finally:
        if previous is not None:
            previous.close()
    result.week_notes.extend(notes)
    return data


def write_week_files(
    book: Book,
    actions: list[Action],
    result: RunResult,
    *,
    workbook: Path,
    box: Outbox,
    today: date,
) -> None:
    """Stage the call sheet, the calendar and the batch manifest in the run's outbox."""
    from . import ics
    from .callsheet import CALL_SHEET_NAME, call_sheet
    from .manifest import MANIFEST, earlier_files, manifest_bytes

    out_dir = box.folder
    earlier = earlier_files(out_dir, workbook)  # before this run's manifest replaces it
    sheet = call_sheet(book, actions, today=today)
    calendar = _week_calendar(book, actions, result, out_dir=out_dir, workbook=workbook,
                              today=today)  # fmt: skip
    if sheet is None and calendar is None and not result.letters:
        result.week_notes += box.retire(earlier)
        return
    files: list[tuple[str, bytes, bool]] = []  # (name, bytes, replace the tool's own file)
    if sheet is not None:
        files.append((f"{today.isoformat()} {CALL_SHEET_NAME}", sheet, False))
    if calendar is not None:
        files.append((ics.CALENDAR_NAME, calendar, True))
    for name, data, own in files:
        # the tool's own record of an earlier run is replaced; a file of the user's is kept
        got, note = box.put(name, data, replace=_tool_wrote if own else None)
        if note:
            result.week_notes.append(note)
        if name == ics.CALENDAR_NAME:
            result.calendar = got
        else:
            result.call_sheet = got
    # the manifest says which workbook the folder is for (with or without letters) and
    # every file the run leaves there; an earlier run's files it no longer makes go
    manifest = manifest_bytes(actions, result.letters, workbook=workbook, out_dir=out_dir,
                              day=today, printing=result.print_plan,
                              written=box.files)  # fmt: skip
    box.put(MANIFEST, manifest, replace=_tool_wrote)
    result.week_notes += box.retire(earlier)
    result.out_dir = out_dir
