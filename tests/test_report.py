"""The run's summary on the console: fitted to the terminal, a screenful unless --all."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory import make_book
from followup_xl.cli import main

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty interviews held yesterday, each with a Chen-Abernathy-Whitfield on the panel."""
    interviews = [
        {
            "Interview ID": f"IV-{i}",
            "Company": f"Whitfield, Abernathy & Chen Logistics {i}",
            "Position": "Operations Lead",
            "Interview Date": datetime(2026, 11, 24, 10, 30),
            "Status": "Interviewed",
            "Want Job": "Yes",
        }
        for i in range(40)
    ]
    contacts = [
        {
            "Contact ID": f"C{i}",
            "Interview ID": f"IV-{i}",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Margaret-Anne",
            "Last Name": "Chen-Abernathy-Whitfield",
            "Job Title": "Regional Director of Operations",
            "Preferred Channel": "Email",
            "Email": f"m{i}@example.com",
        }
        for i in range(40)
    ]
    folder = tmp_path_factory.mktemp("busy")
    return make_book(folder / "busy.xlsx", interviews=interviews, contacts=contacts)


def table(output: str) -> list[str]:
    """Return the summary's lines, up to and with the counts."""
    lines = output.splitlines()
    end = next(i for i, line in enumerate(lines) if line.endswith(" in all)"))
    return lines[: end + 1]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The output goes to a terminal (CliRunner's is a buffer); its size from COLUMNS, LINES."""
    from followup_xl import cli

    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_the_table_fits_an_80_column_screen(busy: Path) -> None:
    """COLUMNS=80, LINES=24: no line of the table is wider than 80, it is one screenful, and
    it says how many more rows there are and where."""
    got = CliRunner().invoke(main, ["run", str(busy), "--today", TODAY, "--dry-run"],
                             env={"COLUMNS": "80", "LINES": "24"})  # fmt: skip
    assert got.exit_code == 0, got.output
    lines = table(got.output)
    assert max(len(line) for line in lines) <= 80
    assert len(lines) <= 24
    assert any(line.startswith("… and ") and " more: every row is on the Due sheet" in line
               for line in lines)  # fmt: skip
    assert lines[-1] == "0 overdue, 80 due, 0 upcoming (80 in all)"  # a thank-you and a data gap


@pytest.mark.usefixtures("terminal")
def test_all_prints_every_row_and_each_person_reads_apart(busy: Path) -> None:
    """--all lists all eighty rows; forty people whose names start alike keep their IDs."""
    got = CliRunner().invoke(main, ["run", str(busy), "--today", TODAY, "--dry-run", "--all"],
                             env={"COLUMNS": "80", "LINES": "24"})  # fmt: skip
    assert got.exit_code == 0, got.output
    lines = table(got.output)
    rows = [line for line in lines if line.startswith("DUE ")]
    assert len(rows) == 80
    assert max(len(line) for line in lines) <= 80
    letters = [row for row in rows if " R3 " in row]
    at = lines[0].index("Who")
    whos = [row[at:].split("  ")[0] for row in letters]  # the Who column, as printed
    assert len(set(whos)) == 40, whos
    assert all(who.startswith("Ms. Mar") and who.endswith(")") for who in whos), whos


def test_output_to_a_file_prints_every_row_at_full_width(busy: Path) -> None:
    """Output to a file or pipe: every row at the table's full width, whatever COLUMNS and
    LINES say."""
    got = CliRunner().invoke(main, ["run", str(busy), "--today", TODAY, "--dry-run"], env={
        "COLUMNS": "80", "LINES": "24"})  # fmt: skip
    assert got.exit_code == 0, got.output
    rows = [line for line in table(got.output) if line.startswith("DUE ")]
    assert len(rows) == 80
    letter = next(row for row in rows if " R3 " in row)
    assert "Thank-you email       Ms. Margaret-Anne Chen-A… (C0)  Whitfield, Abernathy …" in letter


@pytest.mark.usefixtures("terminal")
def test_each_why_wraps_under_its_row_between_words(busy: Path) -> None:
    """COLUMNS=80: each Why wraps under its row within 80 columns, at spaces only: its lines
    joined by a space give the whole Why back, hyphenated words whole."""
    got = CliRunner().invoke(main, ["run", str(busy), "--today", TODAY, "--dry-run", "--all"],
                             env={"COLUMNS": "80", "LINES": "24"})  # fmt: skip
    assert got.exit_code == 0, got.output
    lines = table(got.output)
    whys: list[list[str]] = []
    for line in lines:
        if line.lstrip().startswith("why: "):
            whys.append([line.split("why: ", 1)[1]])
        elif whys and line.startswith(" " * 10):
            whys[-1].append(line.strip())
    assert len(whys) == 80 and max(len(line) for line in lines) <= 80
    thanks = [" ".join(why) for why in whys if len(why) > 1 and "thank-you" in why[0]]
    assert len(thanks) == 40
    assert all(t.startswith("interview Tue 24 Nov 2026 10:30 → thank-you within 24 h, by Wed 25 "
                            "Nov 2026 10:30, an individual one to each interviewer")
               for t in thanks), thanks[0]  # fmt: skip


def test_a_word_longer_than_a_line_is_cut_and_whitespace_reads_as_one_space() -> None:
    """The wrapping itself: runs of whitespace are one space, a phone number is not broken
    at its hyphens, a word longer than a line is cut."""
    from followup_xl.report import wrap

    assert wrap("call\t 617-555-0100\n  today", 14) == ["call", "617-555-0100", "today"]
    assert wrap("write to Ms. Chen-Abernathy-Whitfield today", 24) == [
        "write to Ms.",
        "Chen-Abernathy-Whitfield",
        "today",
    ]
    assert wrap("x" * 25 + " y", 10) == ["x" * 10, "x" * 10, "xxxxx y"]
    assert wrap("   ", 10) == []
