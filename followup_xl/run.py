"""The weekly batch: read, check, compute actions, write letters, mark the workbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import contract as C
from .errors import Problem
from .model import Action, Book, Status


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


@dataclass
class RunResult:
    """What a run found and wrote, for the CLI to print."""

    actions: list[Action]
    warnings: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    letters: dict[tuple, Path] = field(default_factory=dict)
    findings: list = field(default_factory=list)
    proof_error: str | None = None


def default_out_dir(workbook: Path, today: date) -> Path:
    """Return the dated letters folder beside the workbook."""
    return workbook.resolve().parent / f"followup {today.isoformat()}"


def read_words(path: Path | None) -> list[str]:
    """Return the user's extra spelling words, one per line, '#' starting a comment."""
    if path is None:
        return []
    import stat

    from .errors import FollowupError

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the run forever
            raise FollowupError(f"{path}: the word list is not a regular file: give a text file")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FollowupError(
            f"{path}: cannot read the word list ({exc}): give a UTF-8 text file"
        ) from exc
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
        values = {}
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
                header_row=layout.header_row,
                last_user_column=layout.last_column,
                data_rows=layout.data_rows,
                values=values,
            )
        )
    return out


def _external_links(options: RunOptions, result: RunResult) -> None:
    """Warn about what the templates would fetch from elsewhere; refuse it under --strict."""
    from .errors import TemplateError
    from .letters import template_removals

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


def run_batch(
    path: Path, options: RunOptions, progress: Callable[[int, int], None] | None = None
) -> RunResult:
    """Run the week's follow-up batch on one workbook; raise FollowupError on user errors."""
    from .report import due_sheet_rows
    from .rules import due_actions
    from .sheets import ensure_regular_file
    from .workbook import read_workbook

    path = Path(path)
    ensure_regular_file(path)  # before the lock and fingerprint checks open it
    writing = not options.dry_run
    if writing:
        from .marks import fingerprint, preflight

        preflight(path, force=options.force)
        seen = fingerprint(path)
    read = read_workbook(path)
    book = read.book
    actions = due_actions(book, options.today)
    result = RunResult(actions=actions, warnings=list(read.warnings))
    if not writing:
        result.lines.append("Dry run: nothing was written.")
        return result

    if options.letters and any(a.makes_letter for a in actions):
        from .letters import check_templates, convert_print_file_to_pdf, render_letters

        check_templates(options.template_dir)
        _external_links(options, result)
        out_dir = options.out_dir or default_out_dir(path, options.today)
        batch = render_letters(
            book,
            actions,
            today=options.today,
            out_dir=out_dir,
            template_dir=options.template_dir,
            words=read_words(options.words_file),
            progress=progress,
        )
        result.letters = dict(batch.files)
        result.findings = list(batch.findings)
        result.lines.append(f"Letters: {len(batch.files)} file(s) in {out_dir}")
        result.lines.extend(f"  note: {n}" for n in batch.notes)
        if batch.skipped:
            result.lines.append(
                f"  {len(batch.skipped)} letter(s) not written: the Log "
                "already records them as sent"
            )
        if batch.print_file:
            result.lines.append(f"Print file: {batch.print_file}")
        if batch.envelopes:
            result.lines.append(f"Envelopes: {batch.envelopes}")
        if options.pdf and batch.print_file:
            result.lines.append(f"PDF: {convert_print_file_to_pdf(batch)}")
        if batch.findings:
            result.lines.append(
                f"Proofreading: {len(batch.findings)} finding(s)"
                + (f", see {batch.proofreading}" if batch.proofreading else "")
            )
            result.lines.extend(f"  {f}" for f in batch.findings)
            if options.strict:
                result.proof_error = (
                    f"proofreading found {len(batch.findings)} problem(s) and "
                    "--strict was given: fix the workbook or the templates"
                )
        else:
            result.lines.append("Proofreading: no findings.")

    from .marks import DueTable, mark_workbook

    rows = due_sheet_rows(actions, result.letters)
    due = DueTable(
        rows=rows, overdue=frozenset(i for i, a in enumerate(actions) if a.status is Status.OVERDUE)
    )
    marked = mark_workbook(
        path, due=due, columns=column_marks(book, actions), expected=seen, force=options.force
    )
    result.lines.append(
        f"Marked {path} (Due sheet: {len(rows)} row(s)); "
        f"previous version kept as {marked.backup.name}"
    )
    return result
