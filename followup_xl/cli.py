"""The `followup-xl` command: a thin Click layer that parses, calls, prints and exits.

Heavy libraries (pandas, openpyxl, docxtpl) are imported inside the commands that need them,
so `followup-xl --help` answers at once.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import FollowupError, ProofreadError, WorkbookError

if TYPE_CHECKING:  # run.py is imported only by the commands that run the batch
    from .run import RunOptions

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _today(value: str | None) -> date:
    """Return --today as a date, or the real date when it is not given."""
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(
            f'"{value}" is not a date: use YYYY-MM-DD, e.g. 2026-11-25', param_hint="--today"
        ) from None


TODAY = click.option(
    "--today",
    "today_text",
    metavar="YYYY-MM-DD",
    help="Compute as if today were this day (default: the real date).",
)


TAKE_OVER = click.option(
    "--take-over",
    is_flag=True,
    help="Hand a Due sheet or Next Action / Next Due / Follow-up Status columns you made "
    "over to the tool (it replaces what they hold).",
)


def _fail(exc: FollowupError) -> None:
    """Print a user's error on stderr and exit 1."""
    click.echo(f"Error: {exc}", err=True)
    sys.exit(1)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="followup-xl")
def main() -> None:
    """Follow up every job interview on time, from one Excel workbook.

    Keep your interviews, contacts and a log of what you did in a workbook; once a week,
    `followup-xl run` lists every follow-up that is due or overdue, marks them in the
    workbook and writes the letters, ready to print.
    """


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--example", is_flag=True, help="Fill it with a small example job search.")
@TODAY
def init(path: Path, example: bool, today_text: str | None) -> None:
    """Create a new, empty tracking workbook at PATH.

    \b
    Example:
      followup-xl init tracker.xlsx
      followup-xl init practice.xlsx --example
    """
    from .template import write_workbook

    try:
        write_workbook(path, example=example, today=_today(today_text))
    except FollowupError as exc:
        _fail(exc)
    click.echo(f"Created {path}. Fill in Profile, then add interviews, contacts and your log.")


@main.command(context_settings=CONTEXT)
@click.argument(
    "workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path)
)
@TAKE_OVER
def check(workbook_path: Path, take_over: bool) -> None:
    """Check WORKBOOK and report every problem at once, each with its cell and fix.

    Exits 0 when the workbook can be run (warnings allowed), 1 when something blocks a run,
    including anything that would stop the tool from marking the workbook.

    \b
    Example:
      followup-xl check tracker.xlsx
    """
    from .run import plan_problems
    from .workbook import check_workbook

    try:
        problems = check_workbook(workbook_path)
    except FollowupError as exc:
        _fail(exc)
    blocking = [p for p in problems if p.blocking]
    for p in problems:
        click.echo(f"{'error' if p.blocking else 'warning'}: {p}", err=p.blocking)
    if not blocking:
        try:
            refusals = plan_problems(workbook_path, today=date.today(), take_over=take_over)
        except FollowupError as exc:
            refusals = [str(exc)]
        for line in refusals:
            click.echo(f"error: {line}", err=True)
        blocking += refusals
    if blocking:
        click.echo(f"{len(blocking)} problem(s) to fix before a run.", err=True)
        sys.exit(1)
    warn = len(problems)
    click.echo(
        f"{workbook_path.name} is ready to run" + (f" ({warn} warning(s))." if warn else ".")
    )


@main.command(context_settings=CONTEXT)
@click.argument(
    "workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path)
)
@TODAY
@click.option("--dry-run", is_flag=True, help="Show what is due; write nothing at all.")
@click.option("--no-letters", is_flag=True, help="Mark the workbook but write no letters.")
@click.option(
    "--out",
    "out_path",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the letters (default: 'followup YYYY-MM-DD' beside WORKBOOK).",
)
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Use your own letter templates from this folder.",
)
@click.option(
    "--words",
    "words_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A text file of extra words the spelling check accepts, one per line.",
)
@click.option("--pdf", is_flag=True, help="Also convert the print file to PDF (LibreOffice).")
@click.option("--strict", is_flag=True, help="Exit 1 when proofreading finds anything.")
@click.option(
    "--force", is_flag=True, help="Write even though a lock file says the workbook is open."
)
@TAKE_OVER
def run(
    workbook_path: Path,
    today_text: str | None,
    dry_run: bool,
    no_letters: bool,
    out_path: Path | None,
    templates_path: Path | None,
    words_path: Path | None,
    pdf: bool,
    strict: bool,
    force: bool,
    take_over: bool,
) -> None:
    """Work out every follow-up due, mark it in WORKBOOK and write the letters.

    Blocking problems in the workbook stop the run before anything is written.

    \b
    Example:
      followup-xl run tracker.xlsx
      followup-xl run tracker.xlsx --today 2026-11-29 --dry-run
    """
    from .run import RunOptions

    if dry_run and (pdf or out_path):
        raise click.UsageError(
            "--dry-run writes nothing, so --pdf and --out cannot be used with it"
        )
    if no_letters and (pdf or templates_path):
        raise click.UsageError(
            "--no-letters writes no letters, so --pdf and --templates cannot be used with it"
        )
    options = RunOptions(
        today=_today(today_text),
        dry_run=dry_run,
        letters=not no_letters,
        out_dir=out_path,
        template_dir=templates_path,
        words_file=words_path,
        pdf=pdf,
        strict=strict,
        force=force,
        take_over=take_over,
    )
    _run(workbook_path, options)


def _run(workbook_path: Path, options: RunOptions) -> None:
    """Run the batch and print its report; exit 1 on a user's error."""
    from .report import summary_table
    from .run import run_batch

    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            if total >= 10:
                click.echo(f"\rWriting letters {done}/{total}", nl=done == total, err=True)

    try:
        result = run_batch(workbook_path, options, progress=progress)
    except WorkbookError as exc:
        for p in exc.problems:
            click.echo(f"{'error' if p.blocking else 'warning'}: {p}", err=True)
        blocking = sum(1 for p in exc.problems if p.blocking)
        click.echo(f"{blocking} problem(s) to fix; nothing was written.", err=True)
        sys.exit(1)
    except FollowupError as exc:
        _fail(exc)
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(summary_table(result.actions), nl=False)
    for line in result.lines:
        click.echo(line)
    for w in result.late_warnings:
        click.echo(f"warning: {w}", err=True)
    if result.proof_error:
        _fail(ProofreadError(result.proof_error))


@main.command(context_settings=CONTEXT)
@click.argument(
    "dir_path", metavar="[DIR]", required=False, type=click.Path(file_okay=False, path_type=Path)
)
@TODAY
def demo(dir_path: Path | None, today_text: str | None) -> None:
    """Create the example workbook in DIR (default ./followup-demo) and run the week on it.

    \b
    Example:
      followup-xl demo
      followup-xl demo /tmp/try-it --today 2026-11-25
    """
    from .run import RunOptions
    from .template import write_workbook

    folder = dir_path or Path("followup-demo")
    today = _today(today_text)
    workbook = folder / "tracker.xlsx"
    if workbook.exists():
        _fail(
            FollowupError(
                f"{workbook} already exists: delete the folder {folder} or give another DIR"
            )
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_workbook(workbook, example=True, today=today)
    except (FollowupError, OSError) as exc:
        _fail(exc if isinstance(exc, FollowupError) else FollowupError(str(exc)))
    click.echo(f"Example workbook: {workbook}")
    _run(workbook, RunOptions(today=today))
