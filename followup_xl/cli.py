"""The `followup-xl` command: a thin Click layer that parses, calls, prints and exits.

Heavy libraries (pandas, openpyxl, docxtpl) are imported inside the functions that need them,
so `followup-xl --help` answers at once. One Click command per subcommand, with its help text
and examples; the work is in the modules they call.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__
from .errors import FollowupError, Interrupted, ProofreadError, WorkbookError
from .schedule import DEFAULT_AT, SYSTEMS
from .shell import shell_quote, user_shell

if TYPE_CHECKING:  # run.py is imported only by the commands that run the batch
    from .run import RunOptions, RunResult

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Plain stand-ins for the typographic characters the messages use, for consoles without them.
_PLAIN = {
    "\u2192": "->", "\u2190": "<-", "\u00b7": "-", "\u2026": "...", "\u2013": "-",
    "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2022": "*", "\u00d7": "x", "\u00a0": " ",
}  # fmt: skip
_ERRORS = "followup-plain"


def _plain(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: write what the console cannot show as plain ASCII instead."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = []
    for ch in err.object[err.start : err.end]:
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
        else:  # "é" becomes "e"; what has no plain form (emoji, a lone surrogate) becomes "?"
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?")
    return "".join(out), err.end


def _echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print through the real stream, whose encoding and error handler the console decides.

    Click would swap an ASCII stream for UTF-8, which an ASCII console shows as garbage.
    """
    click.echo(message, file=sys.stderr if err else sys.stdout, nl=nl)


def _safe_console() -> None:
    """Make stdout and stderr print every message on any console (cp1252, ASCII, redirected)."""
    codecs.register_error(_ERRORS, _plain)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # stderr's default would print "\u2192"
            stream.reconfigure(errors=_ERRORS)


def _today(value: str | None, option: str = "--today") -> date:
    """Return --today (or another date option) as a date, or the real date when not given."""
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(
            f'"{value}" is not a date: use YYYY-MM-DD, e.g. 2026-11-25', param_hint=option
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


def _fail(exc: FollowupError) -> NoReturn:
    """Print a user's error on stderr and exit 1."""
    _echo(f"Error: {exc}", err=True)
    sys.exit(1)


#: Exit codes of Ctrl-C: before the workbook was written, and after it (docs/commands.md).
EXIT_INTERRUPTED = 130
EXIT_INTERRUPTED_AFTER_WRITE = 3


def _q(text: object) -> str:
    """Quote a path or name for the shell the user types the printed command in."""
    return shell_quote(str(text), user_shell(os.name, os.environ))


class _Commands(click.Group):
    """The command group: Ctrl-C says whether the workbook was written, instead of "Aborted!"."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; on Ctrl-C say what was written and exit with its code."""
        from .report import kept_as

        try:
            return super().invoke(ctx)
        except Interrupted as exc:
            where = f" ({kept_as(exc.backup, exc.path)})" if exc.backup else ""
            left = f"; {exc.unfinished}" if exc.unfinished else ""
            _echo(f"\nInterrupted after {exc.path} was written{where}{left}.", err=True)
            sys.exit(EXIT_INTERRUPTED_AFTER_WRITE)
        except KeyboardInterrupt:
            _echo("\nInterrupted: the workbook was not changed.", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings=CONTEXT)
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
    from .newbook import write_workbook

    try:
        write_workbook(path, example=example, today=_today(today_text))
    except FollowupError as exc:
        _fail(exc)
    if example:
        _echo(
            f"Created {path} with an example job search: its Profile, interviews, contacts "
            f"and log are filled in. See what is due: followup-xl run {_q(path)} --dry-run"
        )
    else:
        _echo(f"Created {path}. Fill in Profile, then add interviews, contacts and your log.")


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
def templates(folder: Path) -> None:
    """Copy the letter templates and the phrasebook into FOLDER, to make them your own.

    Edit the .docx files in Word or LibreOffice Writer and phrasebook.txt in any text editor
    (keep the {{ … }} tags and {placeholders}), then run with --templates FOLDER. Delete the
    files you do not change: those come from followup-xl. Nothing is ever overwritten.

    \b
    Example:
      followup-xl templates my_templates
      followup-xl check tracker.xlsx --templates my_templates
      followup-xl run tracker.xlsx --templates my_templates
    """
    from .letters.templates import copy_templates

    try:
        written = copy_templates(folder)
    except FollowupError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(FollowupError(f"{folder}: cannot copy the templates there: {exc.strerror or exc}"))
    _echo(f"Copied {len(written)} files into {folder}: {', '.join(p.name for p in written)}")
    _echo(f"Edit them, then: followup-xl run WORKBOOK --templates {_q(folder)}")


@main.command(context_settings=CONTEXT)
@click.argument(
    "workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path)
)
@TAKE_OVER
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Also check your own letter templates and phrasebook in this folder.",
)
def check(workbook_path: Path, take_over: bool, templates_path: Path | None) -> None:
    """Check WORKBOOK and report every problem at once, each with its cell and fix.

    Exits 0 when the workbook can be run (warnings allowed), 1 when something blocks a run,
    including anything that would stop the tool from marking the workbook or, with
    --templates, from writing the letters.

    \b
    Example:
      followup-xl check tracker.xlsx
      followup-xl check tracker.xlsx --templates my_templates
    """
    from .read.reader import check_workbook
    from .run import plan_problems
    from .safewrite import preflight

    try:
        problems = check_workbook(workbook_path)
    except FollowupError as exc:
        _fail(exc)
    blocking = [p for p in problems if p.blocking]
    for p in problems:
        _echo(f"{'error' if p.blocking else 'warning'}: {p}", err=p.blocking)
    refusals: list[str] = []
    try:  # open in Excel or LibreOffice, or read-only: `run` would refuse to write it
        preflight(workbook_path)
    except FollowupError as exc:
        refusals.append(str(exc))
        _echo(f"error: {exc}", err=True)
    if not blocking:
        try:
            planned = plan_problems(workbook_path, today=date.today(), take_over=take_over)
        except FollowupError as exc:
            planned = [str(exc)]
        for line in planned:
            _echo(f"error: {line}", err=True)
        refusals += planned
    if templates_path is not None:
        from .letters.phrasebook import capped
        from .letters.templates import template_problems

        try:
            found = [f"{templates_path}{os.sep}{p}" for p in template_problems(templates_path)]
        except FollowupError as exc:
            found = [str(exc)]
        for line in capped(found):
            _echo(f"error: {line}", err=True)
        refusals += found
    if blocking or refusals:
        _echo(f"{len(blocking) + len(refusals)} problem(s) to fix before a run.", err=True)
        sys.exit(1)
    warn = len(problems)
    _echo(f"{workbook_path.name} is ready to run" + (f" ({warn} warning(s))." if warn else "."))


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
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Print every row of the summary, however long (by default a table longer than the "
    "screen shows the most pressing rows and the counts).",
)
@click.option(
    "--scheduled",
    is_flag=True,
    help="Run as `followup-xl schedule` sets it up: write only when something is due that "
    "the Due sheet does not list yet, print nothing, and note in WORKBOOK_STEM.followup.log "
    "beside the workbook what was written, or why nothing could be.",
)
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
    show_all: bool,
    scheduled: bool,
) -> None:
    """Work out every follow-up due, mark it in WORKBOOK and write the letters.

    Blocking problems in the workbook stop the run before anything is written.

    \b
    Example:
      followup-xl run tracker.xlsx
      followup-xl run tracker.xlsx --today 2026-11-29 --dry-run
    """
    from .run import RunOptions

    if scheduled and (dry_run or force):
        raise click.UsageError(
            "--scheduled writes what is new and never over an open workbook, so --dry-run "
            "and --force cannot be used with it"
        )
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
        only_new=scheduled,
        now=datetime.now(),
    )
    if scheduled:
        # the log's lines are dated by --today, like everything else the run computes
        now = datetime.combine(options.today, datetime.now().time())
        _run_scheduled(workbook_path, options, now)
        return
    _run(workbook_path, options, show_all=show_all)


def _log(workbook: Path, now: datetime, message: str) -> None:
    """Add a line to the workbook's log; print it on stderr when the log cannot be written."""
    from .schedule import append_log, log_line, log_path

    try:
        append_log(workbook, now, message)
    except OSError as exc:
        _echo(f"{log_line(now, message).rstrip()} (not in {log_path(workbook)}: {exc})", err=True)


def _run_scheduled(workbook_path: Path, options: RunOptions, now: datetime) -> None:
    """Run for a scheduler: print nothing; note in the workbook's log what was written, or
    why nothing could be (then exit 1). Nothing new due: no output, no file, no line."""
    from .report import proofreading_failure
    from .run import run_batch
    from .schedule import ran_message, stopped_message

    workbook = Path(os.path.abspath(workbook_path))
    try:
        result = run_batch(workbook, options)
    except FollowupError as exc:
        _log(workbook, now, stopped_message(exc))
        sys.exit(1)
    except Exception as exc:  # a fault of the tool: say so where the user looks, then raise
        _log(workbook, now, f"scheduled run failed ({type(exc).__name__}: {exc}): please report it")
        raise
    if result.nothing_new:
        return
    _log(workbook, now, ran_message(result))
    failure = proofreading_failure(result)
    if failure:
        _log(workbook, now, failure)
        sys.exit(1)


def stdout_is_terminal() -> bool:
    """Return True when the output goes to a terminal (not to a file or a pipe)."""
    return sys.stdout.isatty()


def console_size() -> tuple[int, int | None]:
    """Return the width and height the summary is fitted to: the terminal's (COLUMNS and
    LINES override it, as everywhere); output to a file or a pipe gets every row at full
    width, whatever the environment says (an interactive Python exports LINES and COLUMNS
    to every process it starts)."""
    import shutil

    from .report import WIDE

    if not stdout_is_terminal():
        return WIDE, None
    size = shutil.get_terminal_size((WIDE, 0))
    return size.columns, size.lines or None


def _run(workbook_path: Path, options: RunOptions, *, show_all: bool = False) -> None:
    """Run the batch and print its report; exit 1 on a user's error."""
    from .report import proofreading_failure, run_lines, summary_table
    from .run import run_batch

    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            if total >= 10:
                _echo(f"\rWriting letters {done}/{total}", nl=done == total, err=True)

    try:
        result = run_batch(workbook_path, options, progress=progress)
    except WorkbookError as exc:
        for p in exc.problems:
            _echo(f"{'error' if p.blocking else 'warning'}: {p}", err=True)
        blocking = sum(1 for p in exc.problems if p.blocking)
        _echo(f"{blocking} problem(s) to fix; nothing was written.", err=True)
        sys.exit(1)
    except FollowupError as exc:
        _fail(exc)
    for w in result.warnings:
        _echo(f"warning: {w}", err=True)
    width, height = console_size()
    _echo(summary_table(result.actions, width=width, height=None if show_all else height),
          nl=False)  # fmt: skip
    for line in run_lines(result):
        _echo(line)
    if result.print_error:
        _echo(
            f"warning: no print file was made: {result.print_error}; the letters are in "
            f"place: once fixed, run followup-xl print {_q(result.letters_dir)}",
            err=True,
        )
    if result.pdf_error:
        _echo(f"warning: no PDF was made: {result.pdf_error}", err=True)
    steps = next_steps(result)
    if steps:
        _echo("\nNext:")
        for i, text in enumerate(steps, 1):
            _echo(f"  {i}. {text}")
    failure = proofreading_failure(result)
    if failure:
        _fail(ProofreadError(failure))


@main.command(context_settings=CONTEXT)
@click.argument(
    "workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--at", "at_text", metavar="HH:MM", help=f"The time of day (default: {DEFAULT_AT}).")
@click.option("--daily", is_flag=True, help="Every day (the default).")
@click.option("--weekly", "weekly_text", metavar="DAY", help="Once a week, on DAY (MON to SUN).")
@click.option(
    "--system",
    type=click.Choice(SYSTEMS),
    help="The scheduler to print the entry for (default: this computer's: launchd on macOS, "
    "schtasks on Windows, cron elsewhere).",
)
@click.option("--install", "install_", is_flag=True, help="Put the entry in place, for you only.")
@click.option("--remove", "remove_", is_flag=True, help="Take WORKBOOK's entry away.")
def schedule(
    workbook_path: Path,
    at_text: str | None,
    daily: bool,
    weekly_text: str | None,
    system: str | None,
    install_: bool,
    remove_: bool,
) -> None:
    """Run WORKBOOK by itself every evening: print the scheduler's entry, or --install it.

    The scheduled `followup-xl run WORKBOOK --scheduled` writes letters and marks only when
    something is due that the Due sheet does not list yet, and prints nothing; when it
    cannot run (the workbook is open, missing or has a problem) it says why in
    WORKBOOK_STEM.followup.log beside the workbook. A second --install replaces the first.

    \b
    Example:
      followup-xl schedule tracker.xlsx
      followup-xl schedule tracker.xlsx --install
      followup-xl schedule tracker.xlsx --weekly SUN --at 19:30 --install
      followup-xl schedule tracker.xlsx --remove
    """
    from .schedule import (
        Job,
        When,
        entry,
        install,
        interpreter,
        launchd_file,
        log_path,
        native_system,
        parse_at,
        parse_day,
        remove,
    )

    if install_ and remove_:
        raise click.UsageError("give --install or --remove, not both")
    if daily and weekly_text:
        raise click.UsageError("give --daily or --weekly, not both")
    if remove_ and (at_text or daily or weekly_text):
        raise click.UsageError("--remove takes WORKBOOK's entry away whatever its time")
    try:
        hour, minute = parse_at(at_text or DEFAULT_AT)
    except FollowupError as exc:
        raise click.BadParameter(str(exc), param_hint="--at") from None
    try:
        weekday = parse_day(weekly_text) if weekly_text else None
    except FollowupError as exc:
        raise click.BadParameter(str(exc), param_hint="--weekly") from None
    system = system or native_system(sys.platform)
    workbook = os.path.abspath(workbook_path)
    python = interpreter(os.path.abspath(sys.executable), system)
    job = Job(python=python, workbook=workbook, when=When(hour, minute, weekday))
    home = Path.home()
    try:
        if remove_:
            where = remove(workbook, system, home=home, platform=sys.platform)
            _echo(
                f"Removed the scheduled run of {workbook} from {where}."
                if where
                else f"No scheduled run of {workbook} was found: nothing was removed "
                "(give the path it was installed with)."
            )
            return
        if not workbook_path.is_file():
            if install_:
                raise FollowupError(f"{workbook} does not exist: check the name and folder")
            _echo(f"warning: {workbook} does not exist yet", err=True)
        if not install_:
            _echo(entry(job, system), nl=False)
            hint = {
                "cron": "Add this line with `crontab -e`",
                "launchd": f"Save it as {launchd_file(home, workbook)} and load it with "
                "`launchctl load`",
                "schtasks": "Paste it into Command Prompt (cmd)",
            }[system]
            _echo(f"{hint}, or run this command again with --install.", err=True)
            return
        where = install(job, system, home=home, platform=sys.platform)
    except FollowupError as exc:
        _fail(exc)
    _echo(f"{workbook} runs by itself {job.when}: installed in {where}.")
    _echo(
        f"It writes only when something new is due; when it cannot run, it says why in "
        f"{log_path(Path(workbook))}. --remove takes it away."
    )


def _and(items: list[str]) -> str:
    """Join "a", "b", "c" as "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def next_steps(result: RunResult) -> list[str]:
    """Return what to do after a run, in order: print and mail, email, call, then `sent`."""
    steps = []
    if result.print_file is not None:
        papers = {e.get("paper") for e in result.print_plan.get("order", [])}
        printed = result.pdf or result.print_file  # the PDF prints as LibreOffice laid it out
        what = f'print "{printed.name}" in the order above'
        if "card" in papers:
            what += " (load card stock when the first note card comes)"
        if result.envelopes is not None:
            what += f', then "{result.envelopes.name}" (the envelopes in the letters\' order)'
        signed = [w for paper, w in (("letter", "the letters"), ("card", "the cards"),
                                     ("fax", "the fax pages")) if paper in papers]  # fmt: skip
        mailed = [w for w in signed if w != "the fax pages"]
        what += f"; sign {_and(signed)}" if signed else ""
        what += f", and mail {'them' if mailed == signed else _and(mailed)}" if mailed else ""
        steps.append(what)
    faxes = sorted(p.name for k, p in result.letters.items() if k[1] == "Thank-you fax")
    if faxes:
        steps.append(f"fax: {', '.join(faxes)} (cover sheet first)")
    drafts = sorted(p.name for p in result.letters.values() if p.suffix == ".eml")
    if drafts:
        steps.append(f"open and send the email draft(s): {', '.join(drafts)}")
    if result.call_sheet is not None:
        steps.append(f'make the calls on "{result.call_sheet.name}", earliest first, and log each')
    if result.out_dir is not None:
        if len(drafts) < len(result.letters):
            done = "mailed" if len(faxes) < len(result.letters) - len(drafts) else "faxed"
            steps.append(f"once {done}, record them: followup-xl sent {_q(result.out_dir)}")
        for name in drafts:
            steps.append(
                f"once the email is sent: followup-xl sent {_q(result.out_dir)} --only {_q(name)}"
            )
    return steps


@main.command(context_settings=CONTEXT)
@click.argument("batch_path", metavar="BATCH_DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    help="The day you mailed or sent them (default: today).",
)
@click.option(
    "--only",
    "only",
    metavar="FILE",
    multiple=True,
    help="Record only this letter or email draft (repeat for more).",
)
@click.option(
    "--workbook",
    "workbook_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to record in (default: the one the batch was written from).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write even though a lock file says the workbook is open, or the --date is before "
    "the batch's day or more than a week from today.",
)
@TODAY
@click.option(
    "--undo",
    is_flag=True,
    help="Take back the Log rows `sent` recorded from BATCH_DIR (a wrong date, say).",
)
def sent(
    batch_path: Path,
    date_text: str | None,
    only: tuple[str, ...],
    workbook_path: Path | None,
    force: bool,
    today_text: str | None,
    undo: bool,
) -> None:
    """Record in the Log that the letters in BATCH_DIR were mailed.

    Adds one Log row per letter still in the folder (email drafts only with --only), so
    the next run plans the phone calls from that day. Running it twice records nothing twice.

    \b
    Example:
      followup-xl sent "followup 2026-11-23"
      followup-xl sent "followup 2026-11-23" --date 2026-11-24
      followup-xl sent "followup 2026-11-23" --only "2026-11-23 Thank-you email — Acme.eml"
      followup-xl sent "followup 2026-11-23" --undo
    """
    from .localize import fmt_date
    from .manifest import batch_workbook
    from .report import kept_as
    from .sent import record_sent, undo_sent

    if undo and (only or date_text):
        raise click.UsageError("--undo takes back every row `sent` recorded: no --only or --date")
    if undo:
        try:
            workbook = workbook_path or batch_workbook(batch_path)
            taken = undo_sent(workbook, batch_path, now=datetime.now(), force=force)
        except FollowupError as exc:
            _fail_sent(exc)
        _echo(
            f"Took back {len(taken.rows)} Log row(s) of {workbook} (rows "
            f"{', '.join(map(str, taken.rows))})"
            + (f"; {kept_as(taken.backup, workbook)}" if taken.backup else "")
        )
        return
    today = _today(today_text)
    day = _today(date_text, "--date") if date_text is not None else today
    try:
        workbook = workbook_path or batch_workbook(batch_path)
        result = record_sent(workbook, batch_path, day=day, today=today, only=only, force=force,
                             now=datetime.now())  # fmt: skip
    except FollowupError as exc:
        _fail_sent(exc)
    for entry in result.recorded:
        _echo(f"recorded: {entry.action} on {fmt_date(day)}: {entry.file}")
    for entry in result.already:
        _echo(f"already in the Log: {entry.file}")
    for entry in result.missing:
        _echo(f"not in the folder (deleted or renamed), not recorded: {entry.file}")
    for entry in result.drafts:
        _echo(f"email draft not recorded (name it with --only once sent): {entry.file}")
    if result.note:
        _echo(f"warning: {result.note}", err=True)
    if result.recorded:
        _echo(
            f"Added {len(result.recorded)} row(s) to the Log of {workbook} (rows "
            f"{result.rows[0]}-{result.rows[-1]})"
            + (f"; {kept_as(result.backup, workbook)}" if result.backup else "")
        )
    else:
        _echo(f"Nothing new to record; {workbook} was not changed.")


def _fail_sent(exc: FollowupError) -> NoReturn:
    """Print why `sent` wrote nothing (every problem of an unreadable workbook) and exit 1."""
    if isinstance(exc, WorkbookError):
        for p in exc.problems:
            _echo(f"{'error' if p.blocking else 'warning'}: {p}", err=True)
        _echo("nothing was written.", err=True)
        sys.exit(1)
    _fail(exc)


@main.command("print", context_settings=CONTEXT)
@click.argument("batch_path", metavar="BATCH_DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pdf", is_flag=True, help="Also convert the print file to PDF (LibreOffice).")
def print_letters(batch_path: Path, pdf: bool) -> None:
    """Rebuild the print file and envelopes of BATCH_DIR from its letters as they are now.

    After you corrected letters in Word (or deleted one you will not send), this joins the
    run's letters again, in print order; files you put there yourself are not included, and
    a file you changed is never replaced (the new one takes the next free name).

    \b
    Example:
      followup-xl print "followup 2026-11-23"
      followup-xl print "followup 2026-11-23" --pdf
    """
    from .letters.printing import reprint

    try:
        result = reprint(batch_path, pdf=pdf)
    except FollowupError as exc:
        _fail(exc)
    for note in result.notes:
        _echo(f"note: {note}")
    if result.print_file is not None:
        _echo(f"Print file: {result.print_file}")
    if result.envelopes is not None:
        _echo(f"Envelopes: {result.envelopes}")
    if result.pdf is not None:
        _echo(f"PDF: {result.pdf}")
    for line in result.order:
        _echo(line)
    if result.pdf_error:
        _echo(f"warning: no PDF was made: {result.pdf_error}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument(
    "workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path)
)
@click.argument("backup", metavar="[BACKUP]", required=False)
@click.option(
    "--force", is_flag=True, help="Write even though a lock file says the workbook is open."
)
def restore(workbook_path: Path, backup: str | None, force: bool) -> None:
    """List the backups of WORKBOOK, newest first, or put BACKUP back in its place.

    BACKUP is a file name from the list (or its path in the backups folder). The workbook
    as it is now is kept as a backup first, so a restore can be undone the same way.

    \b
    Example:
      followup-xl restore tracker.xlsx
      followup-xl restore tracker.xlsx tracker.2026-11-24_20-14-05.xlsx
    """
    from .report import backup_lines, backups_folder, kept_as
    from .restore import restore_backup
    from .safewrite import list_backups

    if backup is None:
        found = list_backups(workbook_path.resolve())
        folder = backups_folder(workbook_path)
        if not found:
            _echo(f"No backups of {workbook_path} yet: they are kept in {folder} from the "
                  "first time followup-xl changes the workbook.")  # fmt: skip
            return
        _echo(f"Backups of {workbook_path} in {folder}, newest first:")
        for line in backup_lines(found):
            _echo(f"  {line}")
        _echo("To put one back, close the workbook and run (with the name of the one you want):")
        _echo(f"  followup-xl restore {_q(workbook_path)} {_q(found[-1].path.name)}")
        _echo("The workbook as it is then is kept as a backup first.")
        return
    try:
        done = restore_backup(workbook_path, backup, now=datetime.now(), force=force)
    except FollowupError as exc:
        _fail(exc)
    if done.previous is None:
        _echo(f"{workbook_path} already holds {done.backup.name}: nothing was changed.")
    else:
        kept = kept_as(done.previous, workbook_path)
        _echo(f"Put {done.backup.name} back as {workbook_path}; {kept}.")


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
    from .newbook import write_workbook
    from .run import RunOptions

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
    _echo(f"Example workbook: {workbook}")
    _run(workbook, RunOptions(today=today))


#: The garbage collector's thresholds for a command: a big workbook is millions of cells
#: that live until the command ends, and with Python's default of 10 a full collection
#: walked them all again and again, freeing nothing (1.6 s of a 16 s dry run at 10,000
#: interviews); with 1,000 the young generations are still collected as usual.
GC_THRESHOLDS = (700, 10, 1000)


def entry() -> None:
    """Run the `followup-xl` console script on a console that may not show every character."""
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    _safe_console()
    main()
