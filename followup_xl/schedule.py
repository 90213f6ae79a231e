"""A run that comes by itself: the cron line, launchd agent or Windows task that runs
`followup-xl run WORKBOOK --scheduled`, put in place for this user or taken away, and the log
a scheduled run keeps beside the workbook.

Each entry is built by a pure function from a Job (interpreter, workbook, time), in the path
syntax of the system it is for, so all three are built and parsed in tests on any machine.
Installing runs that system's own tool (crontab, launchctl, schtasks) with a list of
arguments, never through a shell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FollowupError, WorkbookError

if TYPE_CHECKING:
    import subprocess

    from .run import RunResult

SYSTEMS = ("cron", "launchd", "schtasks")
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_DAY_NAMES = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
#: The evening of an interview's day: in time for its thank-yous, due within 24 hours (R3).
DEFAULT_AT = "18:00"
#: How the scheduled command starts the package: with the interpreter that has it installed.
MODULE = ("-m", "followup_xl")
#: The comment that marks the tool's crontab line, followed by the workbook's path.
CRON_MARK = "# followup-xl schedule "
#: The longest /TR value schtasks.exe accepts.
TR_LIMIT = 261
#: Characters cmd.exe treats specially outside double quotes (% even inside them).
_CMD_SPECIAL = '^&|<>()%!"'


@dataclass(frozen=True)
class When:
    """When the run comes: a time of day, every day or on one day of the week."""

    hour: int = 18
    minute: int = 0
    #: 0 for Monday to 6 for Sunday; None for every day
    weekday: int | None = None

    def __str__(self) -> str:
        day = "every day" if self.weekday is None else f"every {_DAY_NAMES[self.weekday].title()}"
        return f"{day} at {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class Job:
    """One scheduled run: the interpreter and the workbook (absolute paths in the syntax of
    the system that runs it), and when."""

    python: str
    workbook: str
    when: When = field(default_factory=When)

    def argv(self) -> list[str]:
        """Return the command the scheduler runs, as its list of arguments."""
        return [self.python, *MODULE, "run", self.workbook, "--scheduled"]


def parse_at(text: str) -> tuple[int, int]:
    """Return HH:MM as (hour, minute); raise FollowupError for anything else."""
    m = re.fullmatch(r"\s*([0-9]{1,2}):([0-9]{2})\s*", text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise FollowupError(f'"{text}" is not a time of day: use HH:MM, e.g. 18:00 or 07:30')
    return int(m[1]), int(m[2])


def parse_day(text: str) -> int:
    """Return a day of the week (MON..SUN or its full name, any case) as 0 (Monday) to 6."""
    word = text.strip().upper()
    for names in (DAYS, _DAY_NAMES):
        if word in names:
            return names.index(word)
    raise FollowupError(f'"{text}" is not a day of the week: use one of {", ".join(DAYS)}')


def native_system(platform: str) -> str:
    """Return the scheduler of a platform as sys.platform names it."""
    return {"darwin": "launchd", "win32": "schtasks"}.get(platform, "cron")


def interpreter(executable: str, system: str) -> str:
    """Return the interpreter a scheduled run starts: this one or, for Task Scheduler, the
    windowless pythonw.exe beside it, so that no console window opens at each run."""
    if system == "schtasks":
        windowless = Path(executable).with_name("pythonw.exe")
        if windowless.is_file():
            return str(windowless)
    return executable


def check_job(job: Job, system: str) -> None:
    """Raise FollowupError when the job's paths cannot be written into that system's entry."""
    for what, text in (("the workbook's", job.workbook), ("the Python interpreter's", job.python)):
        if "\n" in text or "\r" in text:
            raise FollowupError(
                f"{text!r}: {what} path holds a line break, which no scheduler entry can "
                "carry: rename the folder or file"
            )
        if system == "schtasks" and text.count("%") > 1:
            # Task Scheduler reads %NAME% in a command as an environment variable
            raise FollowupError(
                f"{text}: {what} path holds more than one %, which Task Scheduler would read "
                "as an environment variable: rename the folder or file to keep at most one %"
            )
    if system == "schtasks" and len(tr := list2cmdline(job.argv())) > TR_LIMIT:
        raise FollowupError(
            f"the scheduled command is {len(tr)} characters long, and schtasks takes at most "
            f"{TR_LIMIT}: move the workbook to a folder with a shorter path"
        )


def _digest(workbook: str) -> str:
    """Return 8 hex digits that tell one workbook's path from another's."""
    import hashlib

    return hashlib.sha256(workbook.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _slug(workbook: str) -> str:
    """Return the workbook's name without its suffix, in letters, digits, - and _ only."""
    stem = re.split(r"[\\/]", workbook)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^A-Za-z0-9_]+", "-", stem).strip("-")[:40] or "workbook"


def list2cmdline(argv: list[str]) -> str:
    """Return argv as one Windows command line, as Windows programs split it."""
    from subprocess import list2cmdline as windows_line

    return windows_line(argv)


# --- cron ---------------------------------------------------------------------------------


def sh_word(word: str) -> str:
    r"""Return one word for sh in a crontab line, the same word once cron has read it.

    cron ends the command at a % (the rest becomes its input) unless written \%, and keeps a
    backslash before any other character; so each % stands outside quotes as \%, and every
    backslash ends its single-quoted piece, never followed by another backslash or a %.
    """
    from shlex import quote

    out: list[str] = []
    piece = ""
    for ch in word:
        if ch == "%":
            out += [quote(piece)] if piece else []
            out.append("\\%")
            piece = ""
        elif ch == "\\":
            out.append(quote(piece + ch))
            piece = ""
        else:
            piece += ch
    if piece or not out:
        out.append(quote(piece))
    return "".join(out)


def cron_mark(workbook: str) -> str:
    """Return the comment that ends the tool's crontab line for this workbook."""
    return CRON_MARK + sh_word(workbook)


def cron_line(job: Job) -> str:
    """Return the crontab line (no line end): five time fields, the command, the mark."""
    when = job.when
    day = "*" if when.weekday is None else str((when.weekday + 1) % 7)  # cron: 0 is Sunday
    command = " ".join(sh_word(w) for w in job.argv())
    return f"{when.minute} {when.hour} * * {day} {command} {cron_mark(job.workbook)}"


def _is_mine(line: bytes, mark: bytes) -> bool:
    return line.rstrip().endswith(mark)


def crontab_with(table: bytes, job: Job) -> bytes:
    """Return the crontab with the job's line in place of an earlier one for its workbook (or
    added at the end); every other line kept byte for byte."""
    mark = cron_mark(job.workbook).encode("utf-8", "surrogateescape")
    line = (cron_line(job) + "\n").encode("utf-8", "surrogateescape")
    out: list[bytes] = []
    placed = False
    for old in table.splitlines(keepends=True):
        if _is_mine(old, mark):
            out += [] if placed else [line]
            placed = True
        else:
            out.append(old)
    if not placed:
        if out and not out[-1].endswith(b"\n"):
            out[-1] += b"\n"  # cron ignores a last line without its line end
        out.append(line)
    return b"".join(out)


def crontab_without(table: bytes, workbook: str) -> tuple[bytes, int]:
    """Return the crontab without the tool's lines for this workbook, and how many there were."""
    mark = cron_mark(workbook).encode("utf-8", "surrogateescape")
    lines = table.splitlines(keepends=True)
    kept = [line for line in lines if not _is_mine(line, mark)]
    return b"".join(kept), len(lines) - len(kept)


# --- launchd ------------------------------------------------------------------------------


def launchd_label(workbook: str) -> str:
    """Return the launchd label of the workbook's agent (also its file's name)."""
    return f"followup-xl.{_slug(workbook)}.{_digest(workbook)}"


def launchd_file(home: Path, workbook: str) -> Path:
    """Return where the workbook's agent lives: ~/Library/LaunchAgents/LABEL.plist."""
    return home / "Library" / "LaunchAgents" / f"{launchd_label(workbook)}.plist"


def launchd_plist(job: Job) -> bytes:
    """Return the launchd agent: the command as ProgramArguments (no shell), and when."""
    when: dict[str, int] = {"Hour": job.when.hour, "Minute": job.when.minute}
    if job.when.weekday is not None:
        when["Weekday"] = (job.when.weekday + 1) % 7  # launchd: 0 is Sunday
    agent = {
        "Label": launchd_label(job.workbook),
        "ProgramArguments": job.argv(),
        "StartCalendarInterval": when,
    }
    import plistlib

    return plistlib.dumps(agent)


# --- Windows Task Scheduler ---------------------------------------------------------------


def task_name(workbook: str) -> str:
    """Return the name of the workbook's task in Task Scheduler."""
    return f"followup-xl {_slug(workbook)} {_digest(workbook)}"


def schtasks_create(job: Job) -> list[str]:
    """Return schtasks' arguments that create (or replace, /F) the workbook's task.

    /TR is the command line as Windows programs split it (subprocess.list2cmdline);
    schtasks takes a " inside it written as \\", as list2cmdline writes the whole argument.
    """
    when = job.when
    args = ["/Create", "/SC", "DAILY" if when.weekday is None else "WEEKLY"]
    if when.weekday is not None:
        args += ["/D", DAYS[when.weekday]]
    return [*args, "/ST", f"{when.hour:02d}:{when.minute:02d}", "/TN", task_name(job.workbook),
            "/TR", list2cmdline(job.argv()), "/F"]  # fmt: skip


def schtasks_delete(workbook: str) -> list[str]:
    """Return schtasks' arguments that delete the workbook's task without asking."""
    return ["/Delete", "/TN", task_name(workbook), "/F"]


def cmd_line(argv: list[str]) -> str:
    """Return a command line to type into cmd.exe that runs argv exactly.

    Without any character cmd treats specially, the program's own quoting is enough; with
    one, every such character (the double quotes too) is escaped with ^, so cmd reads none of
    them, expands no %NAME% and hands the program the line list2cmdline made.
    """
    line = list2cmdline(argv)
    if not any(c in _CMD_SPECIAL.replace('"', "") for c in line):
        return line
    return "".join(f"^{c}" if c in _CMD_SPECIAL else c for c in line)


# --- what `schedule` prints, installs and removes ----------------------------------------


def entry(job: Job, system: str) -> str:
    """Return the entry for that system as `schedule` prints it."""
    check_job(job, system)
    if system == "cron":
        return cron_line(job) + "\n"
    if system == "launchd":
        return launchd_plist(job).decode("utf-8")
    return cmd_line(["schtasks", *schtasks_create(job)]) + "\n"


def _tool(name: str, install_hint: str) -> str:
    """Return the path of a system tool on PATH, or raise saying how to get it."""
    from shutil import which

    exe = which(name)
    if exe is None:
        raise FollowupError(f"{name} was not found on this computer: {install_hint}")
    return exe


def _call(
    argv: list[str], *, stdin: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run a system tool; raise FollowupError with what it said when it fails (and `check`)."""
    import subprocess

    try:
        proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FollowupError(f"{Path(argv[0]).name} could not be run: {exc}") from exc
    if check and proc.returncode != 0:
        said = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
        raise FollowupError(
            f"{Path(argv[0]).name} {argv[1] if len(argv) > 1 else ''} failed: "
            f"{said or f'exit status {proc.returncode}'}"
        )
    return proc


def _native(system: str, platform: str) -> None:
    """Refuse to install or remove an entry for a scheduler this computer does not run."""
    here = {"launchd": platform == "darwin", "schtasks": platform == "win32"}
    if not here.get(system, platform != "win32"):
        where = {"launchd": "macOS", "schtasks": "Windows", "cron": "Linux and other Unix"}
        raise FollowupError(
            f"a {system} entry is installed only on {where[system]}; on this computer, use "
            f"--system {native_system(platform)}, or leave --system out"
        )


def _read_crontab(exe: str) -> bytes:
    """Return this user's crontab; empty when there is none yet."""
    proc = _call([exe, "-l"], check=False)
    said = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode == 0:
        return proc.stdout
    if "no crontab" in said.lower():
        return b""
    raise FollowupError(f"crontab -l failed: {said or f'exit status {proc.returncode}'}")


_CRON_HINT = "install cron (Debian/Ubuntu: sudo apt install cron), or add the printed line yourself"


def install(job: Job, system: str, *, home: Path, platform: str) -> str:
    """Put the job in place for this user, replacing the workbook's earlier entry; return
    where it is now, as the CLI says it."""
    _native(system, platform)
    check_job(job, system)
    if system == "cron":
        exe = _tool("crontab", _CRON_HINT)
        _call([exe, "-"], stdin=crontab_with(_read_crontab(exe), job))
        return "your crontab (crontab -l lists it)"
    if system == "launchd":
        exe = _tool("launchctl", "it comes with macOS")
        plist = launchd_file(home, job.workbook)
        if plist.exists():  # an agent loaded from the older file goes first
            _call([exe, "unload", str(plist)], check=False)
        plist.parent.mkdir(parents=True, exist_ok=True)
        plist.write_bytes(launchd_plist(job))
        _call([exe, "load", str(plist)])
        return str(plist)
    exe = _tool("schtasks", "it comes with Windows (C:\\Windows\\System32\\schtasks.exe)")
    _call([exe, *schtasks_create(job)])
    return f'Task Scheduler, as the task "{task_name(job.workbook)}"'


def remove(workbook: str, system: str, *, home: Path, platform: str) -> str | None:
    """Take the workbook's entry away; return where it was, or None when there was none."""
    _native(system, platform)
    if system == "cron":
        exe = _tool("crontab", _CRON_HINT)
        table, found = crontab_without(_read_crontab(exe), workbook)
        if not found:
            return None
        _call([exe, "-"], stdin=table)
        return "your crontab"
    if system == "launchd":
        plist = launchd_file(home, workbook)
        if not plist.exists():
            return None
        _call([_tool("launchctl", "it comes with macOS"), "unload", str(plist)], check=False)
        plist.unlink()
        return str(plist)
    exe = _tool("schtasks", "it comes with Windows (C:\\Windows\\System32\\schtasks.exe)")
    if _call([exe, "/Query", "/TN", task_name(workbook)], check=False).returncode != 0:
        return None
    _call([exe, *schtasks_delete(workbook)])
    return f'Task Scheduler (the task "{task_name(workbook)}")'


# --- the scheduled run's log --------------------------------------------------------------


def log_path(workbook: Path) -> Path:
    """Return the log a scheduled run keeps beside the workbook: STEM.followup.log."""
    return workbook.with_name(f"{workbook.stem}.followup.log")


def log_line(now: datetime, message: str) -> str:
    """Return one dated line of the log; the message's own line breaks become "; "."""
    text = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    return f"{now:%Y-%m-%d %H:%M} {text}\n"


def append_log(workbook: Path, now: datetime, message: str) -> Path:
    """Add one dated line to the workbook's log; return the log (OSError when it cannot)."""
    path = log_path(workbook)
    with path.open("a", encoding="utf-8", newline="\n") as fh:
        fh.write(log_line(now, message))
    return path


def stopped_message(exc: FollowupError) -> str:
    """Return why a scheduled run wrote nothing, and what to do, for the log."""
    if isinstance(exc, WorkbookError) and len(exc.problems) > 1:
        blocking = [p for p in exc.problems if p.blocking] or exc.problems
        return (
            f"scheduled run stopped, nothing was written: {len(blocking)} problem(s) in the "
            f"workbook, the first: {blocking[0]}; `followup-xl check` on the workbook lists "
            "them all; the next scheduled run tries again"
        )
    return f"scheduled run stopped, nothing was written: {exc}; the next scheduled run tries again"


def ran_message(result: RunResult) -> str:
    """Return what a scheduled run that found something new did, for the log."""
    from .model import Status  # here, so that `followup-xl --help` does not load the model

    due = sum(1 for a in result.actions if a.status is not Status.UPCOMING)
    parts = [f"scheduled run: {due} follow-up(s) due or overdue"]
    if result.letters_dir is not None:
        parts.append(f"{len(result.letters)} letter(s) in {result.letters_dir}")
    if result.findings:
        parts.append(f"proofreading found {len(result.findings)} thing(s) to look at")
    if result.call_sheet is not None:
        parts.append(f"call sheet {result.call_sheet.name}")
    if result.marked is not None and result.marked.backup is not None:
        parts.append(f"workbook marked, previous version kept as {result.marked.backup.name}")
    if result.warnings:
        parts.append(f"{len(result.warnings)} warning(s): `followup-xl check` lists them")
    return "; ".join(parts) + "; the Due sheet lists them all"
