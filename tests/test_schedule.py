"""A run that comes by itself: each scheduler's entry parsed back as that system reads it, the
entries put in place and taken away through stand-ins for crontab, launchctl and schtasks,
and the scheduled run itself on a real workbook."""

from __future__ import annotations

import json
import ntpath
import os
import plistlib
import re
import shlex
import stat
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory import make_book
from followup_xl.cli import main
from followup_xl.errors import FollowupError
from followup_xl.model import Action, Kind, Status
from followup_xl.run import new_due
from followup_xl.schedule import (
    Job,
    When,
    cmd_line,
    cron_line,
    crontab_with,
    crontab_without,
    entry,
    install,
    interpreter,
    launchd_file,
    launchd_plist,
    log_line,
    parse_at,
    parse_day,
    remove,
    schtasks_create,
    task_name,
)

#: Workbook folders a user may really have: spaces, quotes, $, %, a backslash, non-ASCII.
POSIX_PATHS = [
    "/home/zoë/Job search/tracker.xlsx",
    '/home/me/Zoë\'s "2026" $HOME `x` 100% sure/tracker (1).xlsx',
    "/home/me/a\\%b\\\\c %% d/tracker.xlsx",
    "/home/me/*; rm -rf ~ #/trac ker.xlsx",
]
#: The same on Windows, where a name cannot hold " * ? < > | but may hold the rest.
WINDOWS_PATHS = [
    ntpath.join("C:\\Users\\Zoë", "Job search", "tracker.xlsx"),
    ntpath.join("C:\\Users\\me", "Zoë's $HOME & co (2026) 100% ^sure!", "tracker.xlsx"),
    ntpath.join("\\\\server\\share", "Job Search", "tracker.xlsx"),
]
WINDOWS_PYTHON = "C:\\Program Files\\Python312\\pythonw.exe"


# --- how each system reads what we write -------------------------------------------------


def cron_reads(command: str) -> tuple[str, str]:
    r"""Return what cron hands sh of a crontab command, and the input it gives the command:
    \% becomes %, an unescaped % ends the command (the rest, its % as line ends, is the
    input), any other backslash is kept. (Checked against Debian's cron daemon.)"""
    out, i = [], 0
    while i < len(command):
        ch = command[i]
        if ch == "\\" and i + 1 < len(command):
            out.append("%" if command[i + 1] == "%" else command[i : i + 2])
            i += 2
            continue
        if ch == "%":
            return "".join(out), command[i + 1 :].replace("%", "\n")
        out.append(ch)
        i += 1
    return "".join(out), ""


def windows_argv(line: str) -> list[str]:
    """Split a command line as a Windows program's C runtime does (CommandLineToArgvW rules:
    the program name up to its closing quote; then 2n backslashes and a quote are n and a
    delimiter, 2n+1 and a quote are n and a literal quote, "" inside quotes is a quote)."""
    if line.startswith('"'):
        end = line.index('"', 1)
        args, i = [line[1:end]], end + 1
    else:
        end = next((j for j, c in enumerate(line) if c in " \t"), len(line))
        args, i = [line[:end]], end
    n = len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg: list[str] = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            ch = line[i]
            if ch == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                count = j - i
                if j < n and line[j] == '"':
                    arg.append("\\" * (count // 2))
                    if count % 2:
                        arg.append('"')
                        j += 1
                else:
                    arg.append("\\" * count)
                i = j
            elif ch == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                else:
                    quoted = not quoted
                    i += 1
            else:
                arg.append(ch)
                i += 1
        args.append("".join(arg))


def cmd_reads(line: str, env: dict[str, str]) -> str:
    """Return the command line cmd.exe hands a program typed at its prompt: first %NAME% of
    a set variable expanded (an unset one kept as typed), then outside double quotes each ^
    taken as an escape; an unescaped & | < > outside quotes would start another command."""
    expanded, i = [], 0
    while i < len(line):
        end = line.find("%", i + 1) if line[i] == "%" else -1
        if end > i + 1 and line[i + 1 : end].upper() in env:
            expanded.append(env[line[i + 1 : end].upper()])
            i = end + 1
        else:
            expanded.append(line[i])
            i += 1
    text, out, quoted, i = "".join(expanded), [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "^":
            i += 1
            ch = text[i]
        elif not quoted and ch in "&|<>":
            raise AssertionError(f"cmd would read {ch!r} at {i} as an operator: {line}")
        out.append(ch)
        i += 1
    return "".join(out)


def test_windows_argv_splits_as_microsoft_documents() -> None:
    """The stand-in for the C runtime's splitting gives Microsoft's documented examples."""
    for line, want in (
        ('"a b c" d e', ["a b c", "d", "e"]),
        ('"ab\\"c" "\\\\" d', ['ab"c', "\\", "d"]),
        ('a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"]),
        ('a\\\\\\"b c d', ['a\\"b', "c", "d"]),
        ('a\\\\\\\\"b c" d e', ["a\\\\b c", "d", "e"]),
    ):
        assert windows_argv("prog " + line)[1:] == want, line


# --- cron ------------------------------------------------------------------------------


@pytest.mark.parametrize("workbook", POSIX_PATHS)
def test_cron_line_has_five_fields_and_the_exact_command(workbook: str) -> None:
    """The crontab line reads back as minute, hour, *, *, weekday and, once cron has taken
    its % and sh its quotes, exactly the command; the mark is a comment sh ignores."""
    job = Job("/opt/my venv/bin/python3", workbook, When(7, 5, weekday=6))
    fields = cron_line(job).split(None, 5)
    assert fields[:5] == ["5", "7", "*", "*", "0"]  # Sunday is cron's 0
    command, given = cron_reads(fields[5])
    assert given == ""
    assert shlex.split(command, comments=True) == job.argv()
    assert shlex.split(command.split(" # followup-xl schedule ", 1)[1]) == [workbook]


def test_cron_day_numbers() -> None:
    """Every day is *, Monday is 1, Saturday 6."""
    assert cron_line(Job("/p", "/w.xlsx")).split()[:5] == ["0", "18", "*", "*", "*"]
    assert cron_line(Job("/p", "/w.xlsx", When(18, 0, 0))).split()[4] == "1"
    assert cron_line(Job("/p", "/w.xlsx", When(18, 0, 5))).split()[4] == "6"


@pytest.mark.parametrize("workbook", POSIX_PATHS)
def test_sh_runs_the_cron_command_with_the_exact_arguments(tmp_path: Path, workbook: str) -> None:
    """/bin/sh, given what cron gives it, starts the program with exactly these arguments."""
    dump = tmp_path / "bin dir" / "python"
    dump.parent.mkdir()
    dump.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "open(os.environ['ARGS_FILE'], 'w', encoding='utf-8').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    dump.chmod(0o755)
    job = Job(str(dump), workbook)
    command, _ = cron_reads(cron_line(job).split(None, 5)[5])
    env = dict(os.environ, ARGS_FILE=str(tmp_path / "args.json"), HOME="/nonexistent")
    subprocess.run(["/bin/sh", "-c", command], env=env, check=True, timeout=60)
    assert json.loads((tmp_path / "args.json").read_text(encoding="utf-8")) == job.argv()[1:]


USER_TABLE = (
    b"# my jobs\r\nMAILTO=me@example.com\n"
    b'*/30 * * * * echo "100\\% mine"   \n'
    b"0 9 * * 1 /usr/bin/backup # followup-xl schedule /home/me/other.xlsx\n"
)


def test_crontab_install_twice_replaces_and_remove_takes_exactly_ours() -> None:
    """The user's lines stay byte for byte; a second install replaces the line in its place;
    another workbook's line stays; removing leaves the table as it was."""
    job = Job("/usr/bin/python3", POSIX_PATHS[1])
    once = crontab_with(USER_TABLE, job)
    assert once == USER_TABLE + cron_line(job).encode() + b"\n"
    later = Job("/usr/bin/python3", POSIX_PATHS[1], When(20, 15, 4))
    twice = crontab_with(once + b"5 5 * * * after\n", later)
    assert twice == USER_TABLE + cron_line(later).encode() + b"\n5 5 * * * after\n"
    assert crontab_without(twice, POSIX_PATHS[1]) == (USER_TABLE + b"5 5 * * * after\n", 1)
    assert crontab_without(USER_TABLE, POSIX_PATHS[1]) == (USER_TABLE, 0)


def test_crontab_without_a_last_line_end_gets_one_before_ours() -> None:
    """cron ignores a last line without its line end: ours never joins the user's."""
    job = Job("/usr/bin/python3", "/w.xlsx")
    assert (
        crontab_with(b"0 1 * * * mine", job)
        == b"0 1 * * * mine\n" + cron_line(job).encode() + b"\n"
    )
    assert crontab_with(b"", job) == cron_line(job).encode() + b"\n"


def tool(folder: Path, name: str, body: str) -> Path:
    """Write an executable stand-in for a system tool, in Python, into folder."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport os, sys, json\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


FAKE_CRONTAB = """
table = os.environ["FAKE_CRONTAB"]
if sys.argv[1:] == ["-l"]:
    if not os.path.exists(table):
        sys.exit("no crontab for tester")
    sys.stdout.buffer.write(open(table, "rb").read())
elif sys.argv[1:] == ["-"]:
    data = sys.stdin.buffer.read()
    if data and not data.endswith(b"\\n"):
        sys.exit("new crontab file is missing newline before EOF, can't install.")
    open(table, "wb").write(data)
else:
    sys.exit(2)
"""
#: Records each call's arguments; `/Query` answers whether `/Create` made that task.
FAKE_RECORDER = """
calls = os.environ["FAKE_CALLS"]
with open(calls, "a", encoding="utf-8") as fh:
    fh.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
made = calls + ".tasks"
names = set(open(made, encoding="utf-8").read().splitlines()) if os.path.exists(made) else set()
if args[:1] == ["/Create"]:
    names.add(args[args.index("/TN") + 1])
if args[:1] == ["/Delete"]:
    names.discard(args[args.index("/TN") + 1])
open(made, "w", encoding="utf-8").write("\\n".join(sorted(names)))
if args[:1] == ["/Query"] and args[2] not in names:
    sys.exit("ERROR: The system cannot find the file specified.")
"""


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put stand-ins for crontab, launchctl and schtasks first on PATH; return their folder."""
    folder = tmp_path / "tools"
    tool(folder, "crontab", FAKE_CRONTAB)
    tool(folder, "launchctl", FAKE_RECORDER)
    tool(folder, "schtasks", FAKE_RECORDER)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRONTAB", str(tmp_path / "crontab.txt"))
    monkeypatch.setenv("FAKE_CALLS", str(tmp_path / "calls.jsonl"))
    return folder


def calls(tmp_path: Path) -> list[list[str]]:
    """Return the arguments of each call the stand-in tools recorded."""
    path = tmp_path / "calls.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def test_schedule_install_and_remove_through_crontab(tmp_path: Path, tools: Path) -> None:
    """`schedule --install` adds one line to the user's crontab, a second --install with
    another time replaces it, --remove takes exactly it away; through the crontab on PATH."""
    table = tmp_path / "crontab.txt"
    table.write_bytes(USER_TABLE)
    (tmp_path / "Zoë's 100% $jobs").mkdir()
    workbook = make_book(tmp_path / "Zoë's 100% $jobs" / "tracker.xlsx", interviews=[])
    runner = CliRunner()
    first = runner.invoke(main, ["schedule", str(workbook), "--install"])
    assert first.exit_code == 0, first.output
    assert "runs by itself every day at 18:00: installed in your crontab" in first.output
    again = runner.invoke(main, ["schedule", str(workbook), "--install", "--weekly", "friday"])
    assert again.exit_code == 0, again.output
    lines = table.read_bytes().splitlines(keepends=True)
    assert b"".join(lines[:-1]) == USER_TABLE
    fields = lines[-1].decode().split(None, 5)
    assert fields[:5] == ["0", "18", "*", "*", "5"]
    assert shlex.split(cron_reads(fields[5])[0], comments=True)[-3:] == [
        "run",
        str(workbook),
        "--scheduled",
    ]
    gone = runner.invoke(main, ["schedule", str(workbook), "--remove"])
    assert gone.exit_code == 0, gone.output
    assert gone.output == f"Removed the scheduled run of {workbook} from your crontab.\n"
    assert table.read_bytes() == USER_TABLE
    none = runner.invoke(main, ["schedule", str(workbook), "--remove"])
    assert none.exit_code == 0 and "nothing was removed" in none.output


def test_install_without_crontab_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No crontab on PATH: the message says to install cron, and nothing else happens."""
    workbook = make_book(tmp_path / "tracker.xlsx", interviews=[])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(main, ["schedule", str(workbook), "--install", "--system", "cron"])
    assert result.exit_code == 1
    assert "Error: crontab was not found on this computer: install cron" in result.output


def test_install_refuses_a_missing_workbook(tmp_path: Path, tools: Path) -> None:
    """A mistyped workbook is refused, not scheduled to fail every evening."""
    result = CliRunner().invoke(main, ["schedule", str(tmp_path / "trackr.xlsx"), "--install"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'trackr.xlsx'} does not exist" in result.output
    assert not (tmp_path / "crontab.txt").exists()


# --- launchd -------------------------------------------------------------------------------


@pytest.mark.parametrize("workbook", POSIX_PATHS)
def test_launchd_plist_holds_the_exact_arguments_and_time(workbook: str) -> None:
    """ProgramArguments is the command word for word (no shell); StartCalendarInterval has
    Hour, Minute and, weekly, launchd's Weekday (Sunday 0)."""
    job = Job("/Users/zoë/.venv/bin/python3", workbook, When(19, 30, weekday=0))
    agent = plistlib.loads(launchd_plist(job))
    assert agent["ProgramArguments"] == job.argv()
    assert agent["StartCalendarInterval"] == {"Hour": 19, "Minute": 30, "Weekday": 1}
    assert agent["Label"] == launchd_file(Path("/h"), workbook).stem
    daily = plistlib.loads(launchd_plist(Job("/p", workbook)))
    assert daily["StartCalendarInterval"] == {"Hour": 18, "Minute": 0}


def test_launchd_install_writes_the_agent_and_loads_it(tmp_path: Path, tools: Path) -> None:
    """On macOS, --install writes ~/Library/LaunchAgents/LABEL.plist and loads it (a second
    install unloads the first); remove unloads it and deletes the file."""
    job = Job("/usr/bin/python3", POSIX_PATHS[1])
    home = tmp_path / "home"
    where = install(job, "launchd", home=home, platform="darwin")
    plist = launchd_file(home, job.workbook)
    assert where == str(plist)
    assert plistlib.loads(plist.read_bytes())["ProgramArguments"] == job.argv()
    install(Job("/usr/bin/python3", POSIX_PATHS[1], When(6, 0)), "launchd", home=home,
            platform="darwin")  # fmt: skip
    assert plistlib.loads(plist.read_bytes())["StartCalendarInterval"]["Hour"] == 6
    assert remove(job.workbook, "launchd", home=home, platform="darwin") == str(plist)
    assert not plist.exists()
    assert remove(job.workbook, "launchd", home=home, platform="darwin") is None
    assert calls(tmp_path) == [["load", str(plist)], ["unload", str(plist)], ["load", str(plist)],
                               ["unload", str(plist)]]  # fmt: skip


def test_each_scheduler_is_installed_only_on_its_own_system(tmp_path: Path, tools: Path) -> None:
    """launchd only on macOS, schtasks only on Windows, cron not on Windows."""
    job = Job("/usr/bin/python3", "/w.xlsx")
    for system, platform, where in (("launchd", "linux", "macOS"), ("schtasks", "darwin",
                                    "Windows"), ("cron", "win32", "Linux")):  # fmt: skip
        with pytest.raises(FollowupError, match=f"installed only on {where}"):
            install(job, system, home=tmp_path, platform=platform)
    assert calls(tmp_path) == []


# --- Windows Task Scheduler ---------------------------------------------------------------


@pytest.mark.parametrize("workbook", WINDOWS_PATHS)
def test_schtasks_arguments_and_the_tr_command(workbook: str) -> None:
    """/SC, /D, /ST, /TN and /TR as schtasks takes them; /TR split as Windows programs
    split their command line gives the interpreter and its arguments exactly."""
    job = Job(WINDOWS_PYTHON, workbook, When(7, 5, weekday=0))
    args = schtasks_create(job)
    assert args[:7] == ["/Create", "/SC", "WEEKLY", "/D", "MON", "/ST", "07:05"]
    assert args[7:9] == ["/TN", task_name(workbook)]
    assert args[9] == "/TR" and args[-1] == "/F"
    assert windows_argv(args[10]) == job.argv()
    daily = schtasks_create(Job(WINDOWS_PYTHON, workbook))
    assert daily[1:3] == ["/SC", "DAILY"] and "/D" not in daily


@pytest.mark.parametrize("workbook", WINDOWS_PATHS)
def test_printed_schtasks_command_survives_cmd(workbook: str) -> None:
    """The command `schedule` prints, typed into cmd.exe, reaches schtasks as exactly its
    arguments, whatever &, (, ^, %, ! or $ the path holds."""
    job = Job(WINDOWS_PYTHON, workbook, When(21, 0, weekday=6))
    line = entry(job, "schtasks").rstrip("\n")
    env = {"HOME": "C:\\Users\\someone", "USERNAME": "someone"}
    assert windows_argv(cmd_reads(line, env)) == ["schtasks", *schtasks_create(job)]


def test_schtasks_command_without_special_characters_stays_plain() -> None:
    """No ^ where cmd needs none: the line a user reads is the plain one."""
    job = Job("C:\\Python312\\pythonw.exe", "C:\\Users\\me\\Documents\\tracker.xlsx")
    assert entry(job, "schtasks") == (
        'schtasks /Create /SC DAILY /ST 18:00 /TN "followup-xl tracker '
        f'{task_name(job.workbook)[-8:]}" /TR "C:\\Python312\\pythonw.exe -m followup_xl run '
        'C:\\Users\\me\\Documents\\tracker.xlsx --scheduled" /F\n'
    )
    assert cmd_line(["a", "b c"]) == 'a "b c"'


def test_schtasks_refuses_what_task_scheduler_would_change_or_cut() -> None:
    """Two % could be read as %NAME%, and /TR holds at most 261 characters: each refused
    with the fix; one % is kept as it is."""
    with pytest.raises(FollowupError, match="more than one %"):
        entry(Job(WINDOWS_PYTHON, "C:\\%USERNAME%\\tracker.xlsx"), "schtasks")
    with pytest.raises(FollowupError, match="schtasks takes at most 261: move the workbook"):
        entry(Job(WINDOWS_PYTHON, "C:\\" + "deep\\" * 40 + "tracker.xlsx"), "schtasks")
    assert "100^%" in entry(Job(WINDOWS_PYTHON, "C:\\100% sure\\t.xlsx"), "schtasks")


def test_schtasks_install_and_remove_run_schtasks(tmp_path: Path, tools: Path) -> None:
    """On Windows, --install runs schtasks /Create with the arguments above (/F replaces an
    earlier task); remove asks whether the task exists, then deletes it."""
    job = Job(WINDOWS_PYTHON, WINDOWS_PATHS[1])
    where = install(job, "schtasks", home=tmp_path, platform="win32")
    assert where == f'Task Scheduler, as the task "{task_name(job.workbook)}"'
    name = task_name(job.workbook)
    assert remove(job.workbook, "schtasks", home=tmp_path, platform="win32")
    assert remove(job.workbook, "schtasks", home=tmp_path, platform="win32") is None
    assert calls(tmp_path) == [schtasks_create(job), ["/Query", "/TN", name],
                               ["/Delete", "/TN", name, "/F"], ["/Query", "/TN", name]]  # fmt: skip


def test_windowless_interpreter_for_task_scheduler(tmp_path: Path) -> None:
    """Task Scheduler starts pythonw.exe when it is beside python.exe: no console window."""
    (tmp_path / "python.exe").write_bytes(b"")
    assert interpreter(str(tmp_path / "python.exe"), "cron") == str(tmp_path / "python.exe")
    assert interpreter(str(tmp_path / "python.exe"), "schtasks") == str(tmp_path / "python.exe")
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert interpreter(str(tmp_path / "python.exe"), "schtasks") == str(tmp_path / "pythonw.exe")


# --- the command line -----------------------------------------------------------------------


def test_schedule_prints_each_systems_entry(tmp_path: Path) -> None:
    """Without --install it prints the entry for the chosen system on stdout (the hint goes
    to stderr), with this interpreter and the workbook's absolute path."""
    workbook = make_book(tmp_path / "tracker.xlsx", interviews=[])
    runner = CliRunner()
    cron = runner.invoke(main, ["schedule", str(workbook), "--system", "cron", "--at", "7:05"])
    assert cron.exit_code == 0
    fields = cron.stdout.split(None, 5)
    assert fields[:5] == ["5", "7", "*", "*", "*"]
    assert shlex.split(cron_reads(fields[5])[0], comments=True) == [
        os.path.abspath(sys.executable), "-m", "followup_xl", "run", str(workbook), "--scheduled"
    ]  # fmt: skip
    assert "crontab -e" in cron.stderr
    plist = runner.invoke(main, ["schedule", str(workbook), "--system", "launchd", "--weekly",
                                 "sun"])  # fmt: skip
    agent = plistlib.loads(plist.stdout.encode())
    assert agent["StartCalendarInterval"] == {"Hour": 18, "Minute": 0, "Weekday": 0}
    assert agent["ProgramArguments"][-2:] == [str(workbook), "--scheduled"]
    win = runner.invoke(main, ["schedule", str(workbook), "--system", "schtasks", "--weekly",
                               "Wednesday"])  # fmt: skip
    assert windows_argv(cmd_reads(win.stdout.strip(), {}))[1:8] == [
        "/Create", "/SC", "WEEKLY", "/D", "WED", "/ST", "18:00"
    ]  # fmt: skip


def test_schedule_runs_as_python_m_followup_xl(tmp_path: Path) -> None:
    """The scheduled command's interpreter and module start the real command."""
    out = subprocess.run([sys.executable, "-m", "followup_xl", "--version"], capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.startswith("followup-xl, version ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "25:00"], '"25:00" is not a time of day: use HH:MM'),
        (["--weekly", "Sonntag"], '"Sonntag" is not a day of the week: use one of MON, TUE'),
        (["--daily", "--weekly", "MON"], "give --daily or --weekly, not both"),
        (["--install", "--remove"], "give --install or --remove, not both"),
        (["--remove", "--at", "07:00"], "--remove takes WORKBOOK's entry away whatever its time"),
    ],
)
def test_schedule_rejects_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    """Conflicting or malformed options are usage errors (exit 2), before anything is done."""
    result = CliRunner().invoke(main, ["schedule", str(tmp_path / "t.xlsx"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_times_and_days() -> None:
    """HH:MM and H:MM; days by three letters or full name, any case."""
    assert parse_at("18:00") == (18, 0) and parse_at("7:05") == (7, 5)
    assert [parse_day(d) for d in ("mon", "Tuesday", "SUN", " friday ")] == [0, 1, 6, 4]
    assert str(When(9, 0, 6)) == "every Sunday at 09:00"


def test_a_line_break_in_a_path_is_refused_for_every_system() -> None:
    """No scheduler entry can carry a line break in a path: refused with the fix."""
    for system in ("cron", "launchd", "schtasks"):
        with pytest.raises(FollowupError, match="holds a line break"):
            entry(Job("/p", "/a\nb/tracker.xlsx"), system)


# --- the scheduled run -----------------------------------------------------------------------

INTERVIEW = {
    "Interview ID": "HL-1",
    "Company": "Hart & Lowe",
    "Position": "Store Manager",
    "Interview Date": datetime(2026, 11, 24, 10, 30),
    "Status": "Interviewed",
    "Want Job": "Yes",
    "Decision Expected": date(2026, 12, 10),
    "Company Street": "1 Main St",
    "Company City": "Boston",
    "Company State": "MA",
    "Company ZIP": "02110",
    "Strengths": "eight years running a busy bookshop",
}
PEOPLE = [
    {"Contact ID": "C1", "Interview ID": "HL-1", "Role": "Interviewer", "Honorific": "Ms.",
     "First Name": "Renée", "Last Name": "Dubois", "Job Title": "Director",
     "Preferred Channel": "Mail", "Personal Note": "We compared notes on author events."},
    {"Contact ID": "C2", "Interview ID": "HL-1", "Role": "Receptionist", "Honorific": "Mr.",
     "First Name": "Sam", "Last Name": "Ng", "Preferred Channel": "Handwritten Card"},
]  # fmt: skip


def scheduled(workbook: Path, day: str) -> object:
    """Run `run WORKBOOK --scheduled` as the scheduler would, on that day."""
    return CliRunner().invoke(main, ["run", str(workbook), "--scheduled", "--today", day])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under folder (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """A workbook with an interview on Tue 24 Nov 2026, in a folder of its own."""
    (tmp_path / "jobs").mkdir()
    return make_book(tmp_path / "jobs" / "tracker.xlsx", interviews=[INTERVIEW], contacts=PEOPLE)


def test_a_week_of_scheduled_runs_writes_only_what_is_new(tracker: Path) -> None:
    """Each evening's run: nothing due, nothing written; the interview's evening, the
    thank-yous written and logged; the next evenings, the same thank-yous (then overdue)
    write nothing; a week later a new warning is due and is written. Nothing printed."""
    folder = tracker.parent
    log = folder / "tracker.followup.log"
    before = snapshot(folder)
    first = scheduled(tracker, "2026-11-23")
    assert (first.exit_code, first.output) == (0, "")
    assert snapshot(folder) == before  # no Due sheet, no backup, no folder, no log

    second = scheduled(tracker, "2026-11-24")
    assert (second.exit_code, second.output) == (0, "")
    letters = sorted(p.name for p in (folder / "followup 2026-11-24").glob("*.docx"))
    assert "2026-11-24 Thank-you — Hart & Lowe — Renée Dubois.docx" in letters
    [line] = log.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(
        r"2026-11-24 \d\d:\d\d scheduled run: 2 follow-up\(s\) due or overdue; 2 letter\(s\) in "
        + re.escape(str(folder / "followup 2026-11-24"))
        + r"; workbook marked, previous version kept as tracker\.original\..*\.xlsx; the Due "
        r"sheet lists them all",
        line,
    ), line
    marked = snapshot(folder)
    for day in ("2026-11-24", "2026-11-25", "2026-11-27"):
        again = scheduled(tracker, day)
        assert (again.exit_code, again.output) == (0, ""), day
        assert snapshot(folder) == marked, day

    later = scheduled(tracker, "2026-12-03")
    assert (later.exit_code, later.output) == (0, "")
    assert (folder / "followup 2026-12-03").is_dir()
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2


def test_a_workbook_open_in_libreoffice_is_logged_when_something_is_new(tracker: Path) -> None:
    """Something new but the workbook is open: one log line says why and what to do, exit 1,
    nothing else written; with nothing new, the open workbook is no reason to complain."""
    lock = tracker.with_name(f".~lock.{tracker.name}#")
    lock.write_text("x", encoding="utf-8")
    before = snapshot(tracker.parent)
    quiet = scheduled(tracker, "2026-11-23")
    assert (quiet.exit_code, quiet.output) == (0, "")
    assert snapshot(tracker.parent) == before
    result = scheduled(tracker, "2026-11-24")
    assert (result.exit_code, result.output) == (1, "")
    log = tracker.with_name("tracker.followup.log")
    assert set(snapshot(tracker.parent)) - set(before) == {log.name}
    assert re.fullmatch(
        r"2026-11-24 \d\d:\d\d scheduled run stopped, nothing was written: tracker\.xlsx is open "
        r"in LibreOffice \(\.~lock\.tracker\.xlsx# beside it\): close it and run again, or pass "
        r"--force if it is not really open; the next scheduled run tries again\n",
        log.read_text(encoding="utf-8"),
    )


def test_a_missing_or_broken_workbook_is_logged(tmp_path: Path) -> None:
    """A workbook moved away, or with a blocking problem: the line names it and the fix."""
    missing = tmp_path / "gone.xlsx"
    result = scheduled(missing, "2026-11-24")
    assert (result.exit_code, result.output) == (1, "")
    assert f"no such file: {missing} — check the name and folder" in (
        tmp_path / "gone.followup.log"
    ).read_text(encoding="utf-8")
    broken = make_book(tmp_path / "broken.xlsx", interviews=[
        dict(INTERVIEW, **{"Interview Date": "31/02/2026"}), dict(INTERVIEW, **{
            "Interview ID": "HL-2", "Interview Date": "someday"})])  # fmt: skip
    result = scheduled(broken, "2026-11-24")
    assert (result.exit_code, result.output) == (1, "")
    [line] = (tmp_path / "broken.followup.log").read_text(encoding="utf-8").splitlines()
    assert "scheduled run stopped, nothing was written: 2 problem(s) in the workbook, the " \
        "first: broken.xlsx: Interviews!D2" in line  # fmt: skip
    assert line.endswith("`followup-xl check` on the workbook lists them all; the next "
                         "scheduled run tries again")  # fmt: skip


def test_scheduled_refuses_dry_run_and_force(tracker: Path) -> None:
    """--scheduled with --dry-run or --force is a usage error."""
    for flag in ("--dry-run", "--force"):
        result = CliRunner().invoke(main, ["run", str(tracker), "--scheduled", flag])
        assert result.exit_code == 2
        assert "--dry-run and --force cannot be used with it" in result.output


def test_new_due_compares_what_identifies_a_follow_up() -> None:
    """Listed as due or overdue (whatever its date, letter or why): not new; listed only as
    upcoming, or not listed: new; upcoming actions are never new."""

    def action(who: str, status: Status) -> Action:
        return Action("R3", Kind.THANK_YOU_LETTER, status, date(2026, 11, 25), "why", "Mail",
                      "HL-1", "Hart & Lowe", "Manager", "C1", who)  # fmt: skip

    def row(who: str, status: str) -> tuple:
        return (status, datetime(2026, 11, 24), "Thank-you letter", "R3", who, "Hart & Lowe",
                "Manager", "Mail", "old letter.docx", "another why")  # fmt: skip

    listed = [row("Ms. A", "DUE"), row("Mr. B", "UPCOMING"), row("Dr. C", "OVERDUE")]
    actions = [action("Ms. A", Status.OVERDUE), action("Mr. B", Status.DUE),
               action("Dr. C", Status.DUE), action("Mx. D", Status.DUE),
               action("Mx. E", Status.UPCOMING)]  # fmt: skip
    assert [a.who for a in new_due(actions, listed)] == ["Mr. B", "Mx. D"]


def test_log_line_is_one_dated_line() -> None:
    """A message of several lines becomes one line, dated to the minute."""
    assert log_line(datetime(2026, 11, 24, 18, 0, 7), "a\n  b\n\nc") == "2026-11-24 18:00 a; b; c\n"
