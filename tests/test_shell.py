"""Printed commands quoted for the user's shell: bash for real, cmd and PowerShell by their rules.

No Windows machine is at hand: cmd.exe's and PowerShell's parsing are written out below from
their documented rules (cmd: %VAR% expansion, then ^ escapes outside double quotes; then the C
runtime's split of the command line; PowerShell: backtick escapes and $ expansion inside double
quotes) and run on what the real `shell_quote` returns.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_xl.cli import main
from followup_xl.shell import shell_quote, user_shell

TRICKY = [
    "plain",
    "",
    "with space",
    "$HOME",
    "it's",
    'say "hi"',
    'a "quoted & ^caret %X%" and 100%',
    "`whoami` and $(whoami)",
    "100% done %USERPROFILE% %%",
    "!x! ^caret^ & | < > ( )",
    "C:\\Users\\me\\jobs\\",
    'C:\\tricky\\"quote\\\\"',
    "back\\\\slashes\\",
    "Thank-you — Hart & Lowe — Renée",
    "“curly” „low” ‘single’",
    "tab\there",
    "*?[a]~{b,c}#;",
    "$env:USERPROFILE ${x} $_",
]


@pytest.mark.parametrize("text", TRICKY)
def test_bash_takes_the_posix_quoting_back_unchanged(text: str):
    """bash -c prints each text exactly as given: nothing expanded, split or globbed."""
    line = "printf '%s\\0' " + shell_quote(text, "posix")
    out = subprocess.run(["bash", "-c", line], capture_output=True, check=True)
    assert out.stdout.decode("utf-8") == text + "\0"


# --- cmd.exe, then the C runtime's split of the command line -------------------------------

ENV = {"HOME": "C:\\Users\\me", "USERPROFILE": "C:\\Users\\me", "X": "expanded", '"': "q"}


def cmd_expand(line: str, env: dict[str, str]) -> str:
    """cmd.exe's first phase at the prompt: %NAME% becomes the variable's value when it is
    set (names are case-insensitive); otherwise the text stays. Tried from every %, which
    expands at least as much as cmd does."""
    lowered = {k.lower(): v for k, v in env.items()}
    out, i = [], 0
    while i < len(line):
        end = line.find("%", i + 1) if line[i] == "%" else -1
        if end > i + 1 and line[i + 1 : end].lower() in lowered:
            out.append(lowered[line[i + 1 : end].lower()])
            i = end + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def cmd_carets(line: str) -> str:
    """cmd.exe's second phase: outside double quotes ^ makes the next character plain, and an
    unescaped & | < > ( ) would start another command or a redirection."""
    out, quoted, i = [], False, 0
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "^":
            i += 1
            c = line[i]
        elif not quoted and c in "&|<>()":
            raise AssertionError(f"cmd would act on {c!r} in {line!r}")
        out.append(c)
        i += 1
    return "".join(out)


def argv_split(line: str) -> list[str]:
    """Split a Windows command line as the C runtime does (CommandLineToArgvW's rules)."""
    args: list[str] = []
    cur: str | None = None
    quoted, i = False, 0
    while i < len(line):
        c = line[i]
        if c in " \t" and not quoted:
            if cur is not None:
                args.append(cur)
                cur = None
            i += 1
            continue
        cur = cur or ""
        if c == "\\":
            n = len(line[i:]) - len(line[i:].lstrip("\\"))
            if line[i + n : i + n + 1] == '"':
                cur += "\\" * (n // 2)
                if n % 2:
                    cur += '"'
                    i += 1
                i += n
            else:
                cur += "\\" * n
                i += n
            continue
        if c == '"':
            if quoted and line[i + 1 : i + 2] == '"':
                cur += '"'
                i += 2
                continue
            quoted = not quoted
            i += 1
            continue
        cur += c
        i += 1
    if cur is not None:
        args.append(cur)
    return args


@pytest.mark.parametrize("text", TRICKY)
def test_cmd_takes_its_quoting_back_unchanged(text: str):
    """cmd.exe expands nothing and runs no second command; the program gets one argument."""
    line = "followup-xl sent " + shell_quote(text, "cmd")
    assert argv_split(cmd_carets(cmd_expand(line, ENV))) == ["followup-xl", "sent", text]


def test_cmd_quoting_reads_as_a_windows_user_expects():
    """A usual folder is in plain double quotes; a trailing backslash is doubled before the
    closing quote, and a % is taken out of the quotes."""
    assert shell_quote("C:\\Users\\me\\followup 2026-11-23", "cmd") == (
        '"C:\\Users\\me\\followup 2026-11-23"'
    )
    assert shell_quote("D:\\", "cmd") == '"D:\\\\"'
    assert shell_quote("100%", "cmd") == '"100"^%""'


# --- PowerShell ----------------------------------------------------------------------------

#: Quote characters to PowerShell: the straight one and the typographic ones it accepts too.
PS_QUOTES = '"\u201c\u201d\u201e'


def powershell_string(token: str) -> str:
    """Return the value of one double-quoted PowerShell string that must fill `token`."""
    assert token[0] == '"', token
    out, i = [], 1
    while i < len(token):
        c = token[i]
        if c == "`":
            nxt = token[i + 1]
            assert nxt not in "0abefnrtuv", f"`{nxt} is a control character in PowerShell"
            out.append(nxt)
            i += 2
            continue
        if (
            c == "$"
            and i + 1 < len(token)
            and (token[i + 1].isalnum() or token[i + 1] in "{(_?^$:")
        ):
            raise AssertionError(f"PowerShell would expand {token[i:]!r}")
        if c in PS_QUOTES:
            if token[i + 1 : i + 2] and token[i + 1] in PS_QUOTES:
                out.append(token[i + 1])
                i += 2
                continue
            assert i == len(token) - 1, f"the string ends early in {token!r}"
            return "".join(out)
        out.append(c)
        i += 1
    raise AssertionError(f"unterminated string {token!r}")


@pytest.mark.parametrize("text", TRICKY)
def test_powershell_takes_its_quoting_back_unchanged(text: str):
    """Inside PowerShell's double quotes nothing is expanded and the string ends at its end."""
    assert powershell_string(shell_quote(text, "powershell")) == text


def test_powershell_quoting_reads_as_a_windows_user_expects():
    assert shell_quote("C:\\Users\\me\\followup 2026-11-23", "powershell") == (
        '"C:\\Users\\me\\followup 2026-11-23"'
    )
    assert shell_quote("$5 `job`", "powershell") == '"`$5 ``job``"'


def test_the_shell_is_chosen_from_the_platform():
    """POSIX off Windows; on Windows PowerShell when it put the user's module folder in
    PSModulePath (as it does for every program it starts), else cmd."""
    system = (
        "C:\\Program Files\\WindowsPowerShell\\Modules;"
        "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules"
    )
    home = "C:\\Users\\Me"
    assert user_shell("posix", {"PSModulePath": f"{home}\\Documents\\x"}) == "posix"
    assert user_shell("nt", {"USERPROFILE": home, "PSModulePath": system}) == "cmd"
    assert user_shell("nt", {"USERPROFILE": home}) == "cmd"
    powershell = f"c:\\users\\me\\Documents\\WindowsPowerShell\\Modules;{system}"
    assert user_shell("nt", {"USERPROFILE": home, "PSModulePath": powershell}) == "powershell"
    pwsh7 = (
        f"{home}\\OneDrive\\Documents\\PowerShell\\Modules;"
        f"C:\\Program Files\\PowerShell\\Modules;{system}"
    )
    assert user_shell("nt", {"USERPROFILE": home, "PSModulePath": pwsh7}) == "powershell"


# --- the printed command, run as printed ---------------------------------------------------


def test_the_printed_sent_command_runs_in_bash_from_a_folder_named_with_home_and_a_quote(
    tmp_path: Path,
):
    """A run in a folder named `$HOME it's` prints a `sent` command that bash runs as printed:
    it records the letters in that folder's workbook, nothing expanded."""
    folder = tmp_path / "$HOME it's"
    folder.mkdir()
    book = folder / "tracker.xlsx"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(book), "--example", "--today", "2026-11-20"]).exit_code
        == 0
    )
    result = runner.invoke(main, ["run", str(book), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    (printed,) = [
        line.split("record them: ", 1)[1]
        for line in result.output.splitlines()
        if "once mailed, record them: " in line
    ]
    assert printed == f"followup-xl sent '{tmp_path}/$HOME it'\"'\"'s/followup 2026-11-23'"
    # `followup-xl` as the installed command runs it: this interpreter's followup_xl
    python = shell_quote(sys.executable, "posix")
    define = (
        f"followup-xl() {{ {python} -c 'from followup_xl.cli import entry; entry()' \"$@\"; }}; "
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "elsewhere")}
    out = subprocess.run(
        ["bash", "-c", define + printed + " --date 2026-11-23 --today 2026-11-23"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("recorded: ") >= 1
    assert f"to the Log of {book}" in out.stdout
