"""Plain-text views of a run: the summary table and the report lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .localize import fmt_date
from .model import Action, Status

if TYPE_CHECKING:
    from .run import RunResult
    from .safewrite import Backup

_HEADER = ("Status", "Due", "Rule", "Action", "Who", "Company", "Channel")
#: The columns' widths on a console of WIDE characters or more; a narrower one narrows the last
#: four (never below MIN_WIDTHS), and the Why under each row wraps at the console's width.
_WIDTHS = (8, 15, 4, 20, 30, 22, 16)
_MIN_WIDTHS = (8, 15, 4, 9, 14, 8, 7)
WIDE = sum(_WIDTHS) + 2 * (len(_WIDTHS) - 1)
#: The narrowest console the table is fitted to (a narrower one gets lines this long).
NARROW = 60
#: Rows shown at least when the table would not fit the screen and --all is not given (more
#: when the screen has room for them).
PRESSING = 3


def _clip(text: str, width: int) -> str:
    """Cut text to a column width, marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _clip_name(text: str, width: int) -> str:
    """Cut a "Name, Title (ID)" to a width, keeping the bracketed ID at its end: two people
    whose names start alike still read apart."""
    if len(text) <= width:
        return text
    name, bracket, rest = text.rpartition(" (")
    suffix = bracket + rest
    if not name or not text.endswith(")") or len(suffix) > width // 2:
        return _clip(text, width)
    return name[: width - len(suffix) - 1] + "…" + suffix


def wrap(text: str, width: int) -> list[str]:
    """Return text's lines of at most `width` characters, broken at whitespace (runs of it
    read as one space); a word longer than a line is cut at the line's end.

    Never inside a hyphenated word: an ID like C-130-2 or a phone number stays on one line.
    The work is one search per line, not per word: a run prints tens of thousands of Whys.
    """
    rest = " ".join(text.split())
    lines = []
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width + 1)
        if cut < 0:
            lines.append(rest[:width])
            rest = rest[width:].lstrip(" ")
        else:
            lines.append(rest[:cut])
            rest = rest[cut + 1 :]
    if rest:
        lines.append(rest)
    return lines


def _widths(width: int) -> tuple[int, ...]:
    """Return the columns' widths for a console `width` characters wide."""
    if width >= WIDE:
        return _WIDTHS
    spare = max(width, NARROW) - (sum(_MIN_WIDTHS) + 2 * (len(_WIDTHS) - 1))
    grow = [w - m for w, m in zip(_WIDTHS, _MIN_WIDTHS, strict=True)]
    total = sum(grow)
    out = [m + (g * max(spare, 0)) // total for m, g in zip(_MIN_WIDTHS, grow, strict=True)]
    return tuple(out)


def summary_table(
    actions: Sequence[Action], *, width: int = WIDE, height: int | None = None
) -> str:
    """Return the run's summary, fitted to a console `width` wide: overdue first, then due,
    then upcoming, each Why wrapped under its row; counts at the end.

    With a `height`, a table longer than the screen shows the most pressing rows only, then
    the counts and where the rest are (the Due sheet, or `--all`).
    """
    if not actions:
        return "Nothing is due: every follow-up is done or not yet in reach.\n"
    widths = _widths(width)
    indent = " " * (widths[0] + 2)
    why_width = max(max(width, NARROW) - len(indent) - len("why: "), 20)
    rows: list[list[str]] = []
    heads: dict[tuple[Any, ...], str] = {}  # the first four columns, alike in many rows
    for a in actions:
        key = (a.status, a.due, a.rule, a.kind)
        head = heads.get(key)
        if head is None:
            cells = (a.status.value, fmt_date(a.due), a.rule, a.kind.value)
            head = heads[key] = "  ".join(
                _clip(c, w).ljust(w) for c, w in zip(cells, widths, strict=False)
            )
        line = (
            head,
            _clip_name(a.who, widths[4]).ljust(widths[4]),
            _clip(a.company, widths[5]).ljust(widths[5]),
            _clip(a.channel, widths[6]),
        )
        why = wrap(a.why, why_width) or [""]
        rows.append(
            ["  ".join(line).rstrip(), f"{indent}why: {why[0]}"]
            + [f"{indent}     {more}" for more in why[1:]]
        )
    counts = Counter(a.status for a in actions)
    total = (
        f"{counts[Status.OVERDUE]} overdue, {counts[Status.DUE]} due, "
        f"{counts[Status.UPCOMING]} upcoming ({len(actions)} in all)"
    )
    header = [
        "  ".join(h.ljust(w) for h, w in zip(_HEADER, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines = header + [line for row in rows for line in row]
    if height is not None and len(lines) + 2 > height:
        # the most pressing rows (they come first) that fill the screen, at least PRESSING;
        # below them a blank line, where the rest are (two lines at most) and the counts
        shown: list[str] = []
        count = 0
        for row in rows:
            if count >= PRESSING and len(header) + len(shown) + len(row) + 5 > height:
                break
            shown += row
            count += 1
        more = (
            f"… and {len(actions) - count} more: every row is on the Due sheet of the "
            "workbook; `run --all` prints them here"
        )
        lines = header + shown + ["", *wrap(more, max(width, NARROW))]
    return "\n".join([*lines, "", total]) + "\n"


def run_lines(result: RunResult) -> list[str]:
    """Return the report of a run below its summary table, line by line, as `run` prints it."""
    lines: list[str] = []
    if result.cadence:
        lines.append("Thank-yous of the latest interviews (due within 24 hours, R3):")
        lines.extend(f"  {line}" for line in result.cadence)
    if result.dry_run:
        return [*lines, "Dry run: nothing was written."]
    if result.letters_dir is not None:
        lines.append(f"Letters: {len(result.letters)} file(s) in {result.letters_dir}")
        lines.extend(f"  note: {n}" for n in result.letter_notes)
        if result.skipped_letters:
            lines.append(
                f"  {result.skipped_letters} letter(s) not written: the Log already records "
                "them as sent"
            )
        if result.print_file:
            lines.append(f"Print file: {result.print_file}")
        if result.envelopes:
            lines.append(f"Envelopes: {result.envelopes}")
        lines.extend(result.print_order)
        if result.findings:
            lines.append(
                f"Proofreading: {len(result.findings)} finding(s)"
                + (f", see {result.proofreading}" if result.proofreading else "")
            )
            lines.extend(f"  {f}" for f in result.findings)
        else:
            lines.append("Proofreading: no findings.")
    lines.extend(f"  note: {n}" for n in result.week_notes)
    if result.call_sheet:
        lines.append(f"Call sheet: {result.call_sheet}")
    if result.calendar:
        lines.append(f"Calendar: {result.calendar} (import it to update your calendar)")
    marked = result.marked
    if marked is not None:
        if marked.backup is None:
            lines.append(
                f"Workbook {result.workbook}: nothing changed since the last run, so it was not "
                "rewritten (and no backup was needed)"
            )
        else:
            lines.append(
                f"Marked {result.workbook} (Due sheet: {marked.due_rows} row(s)); "
                + kept_as(marked.backup, result.workbook or marked.path)
                + (" (as it was before followup-xl first changed it)" if marked.original else "")
            )
    if result.pdf is not None:
        lines.append(f"PDF: {result.pdf}")
        if result.pdf_note:
            lines.append(f"  note: {result.pdf_note}")
    return lines


def proofreading_failure(result: RunResult) -> str | None:
    """Return why --strict fails the run (proofreading found something), or None."""
    if not result.strict_failed:
        return None
    return (
        f"proofreading found {len(result.findings)} problem(s) and "
        "--strict was given: fix the workbook or the templates"
    )


def backups_folder(workbook: Path) -> Path:
    """Return the workbook's backups folder as the user finds it: beside the workbook as
    named, or beside its target when the workbook is a symbolic link."""
    from .safewrite import backup_dir

    folder = backup_dir(workbook)
    real = backup_dir(Path(workbook).resolve())
    return folder if folder.resolve() == real.resolve() else real


def kept_as(backup: Path, workbook: Path) -> str:
    """Say where the version of the workbook that a write replaced is kept."""
    return f"previous version kept as {backup.name} in {backups_folder(workbook)}"


#: How the backups' listing calls the kinds kept apart from the dated backups.
_KINDS = {
    "original": "the original: as it was before followup-xl first changed it",
    "kept": "kept apart by an earlier followup-xl",
}


def _size(n: int) -> str:
    """Return a file size as people read it: 812 bytes, 48.2 KB, 3.1 MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def backup_lines(backups: Sequence[Backup]) -> list[str]:
    """Return one line per backup, newest first: name, when it was made, size, and kind."""
    width = max(len(b.path.name) for b in backups)
    return [
        f"{b.path.name:<{width}}  {b.made:%a %Y-%m-%d %H:%M}  {_size(b.size):>10}"
        + (f"  {_KINDS[b.kind]}" if b.kind else "")
        for b in reversed(backups)
    ]
