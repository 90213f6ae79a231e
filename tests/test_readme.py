"""The README and docs/ stay true: their commands exist, their links lead somewhere, and the
README's week runs on the example workbook and prints what the README shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import click
import pytest
from conftest import REPO, console_script

from followup_xl.cli import main

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
#: The day the README's week is run on: its folder names and dates are this day's.
WEEK_DAY = "2026-11-23"
#: Where the README's example output says the workbook is.
SHOWN_FOLDER = "/home/me/jobs"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def code_blocks(text: str, lang: str | None = None) -> list[str]:
    """Return the fenced code blocks of a Markdown text, only those of `lang` when given."""
    return [body for kind, body in FENCE.findall(text) if lang is None or kind == lang]


def section(text: str, heading: str) -> str:
    """Return the text under a "## heading" up to the next heading of that level."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def command_lines(text: str) -> list[str]:
    """Return every `followup-xl …` command a Markdown text shows: in code blocks, a line that
    starts with it (after a `$ ` prompt or `&&`) or a command the tool prints after ": "; in
    the text, an inline code span that starts with it."""
    found = []
    for block in code_blocks(text):
        for line in block.splitlines():
            found += re.findall(r"(?:^\$? ?|: |&& )(followup-xl .*)", line.strip())
    prose = FENCE.sub("", text)
    found += [" ".join(span.split()) for span in re.findall(r"`(followup-xl\s[^`]*)`", prose)]
    return found


def options_of(command: click.Command) -> set[str]:
    """Return every option name a command accepts, --help and -h included."""
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names |= {*param.opts, *param.secondary_opts}
    return names


def unknown_in(line: str) -> list[str]:
    """Return what in one shown command line is not a command or an option of it."""
    words = re.sub(r"'[^']*'|\"[^\"]*\"", "ARG", line.split(" # ", 1)[0]).split()
    name = words[1]
    if name.startswith("-"):  # followup-xl --version, followup-xl --help
        return [] if name in {"--version", "--help", "-h"} else [name]
    if name not in main.commands:
        return [f"command {name}"]
    options = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", " ".join(words[2:])))
    return sorted(options - options_of(main.commands[name]))


def slug(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def broken_links(doc: Path) -> list[str]:
    """Return the relative links of a Markdown file whose file or heading does not exist."""
    broken = []
    for target in LINK.findall(FENCE.sub("", doc.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        path = (doc.parent / path_part).resolve() if path_part else doc
        if not path.exists():
            broken.append(target)
            continue
        if anchor and path.suffix == ".md":
            text = FENCE.sub("", path.read_text(encoding="utf-8"))
            anchors = {slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}
            if anchor not in anchors:
                broken.append(target)
    return broken


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_command_shown_exists_with_its_options(doc: Path) -> None:
    """Each `followup-xl` command line shown names a real command and only its options."""
    lines = command_lines(doc.read_text(encoding="utf-8"))
    wrong = {line: bad for line in lines if (bad := unknown_in(line))}
    assert wrong == {}


def test_the_readme_shows_commands() -> None:
    """The command lines are found (a README without any would pass the test above)."""
    lines = command_lines(README.read_text(encoding="utf-8"))
    shown = {line.split()[1] for line in lines}
    assert {"init", "run", "check", "print", "sent", "restore", "schedule", "demo"} <= shown


def test_a_wrong_option_is_caught() -> None:
    """The check knows an option a command does not have, and a command that does not exist."""
    assert unknown_in("followup-xl run tracker.xlsx --pfd") == ["--pfd"]
    assert unknown_in("followup-xl mail 'followup 2026-11-23'") == ["command mail"]
    assert unknown_in("followup-xl sent 'x --undo' --date 2026-11-23") == []


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file_and_heading(doc: Path) -> None:
    """Each relative link names a file of the project and, after #, one of its headings."""
    assert broken_links(doc) == []


def test_the_two_first_commands_are_the_ones_ci_runs() -> None:
    """.ci/run takes the README's first sh block as exactly two commands: demo, then tests."""
    first = code_blocks(README.read_text(encoding="utf-8"), "sh")[0]
    commands = [line for line in first.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].startswith("pip install ./followup_xl && followup-xl demo")
    assert "pytest followup_xl/tests" in commands[1]


def transcript(text: str) -> list[tuple[str, list[str]]]:
    """Return the commands of the text blocks, each with the output lines shown under it."""
    steps: list[tuple[str, list[str]]] = []
    for block in code_blocks(text, "text"):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.strip() and line.strip() != "…" and steps:
                steps[-1][1].append(line)
    return steps


def shown_line(line: str, folder: Path) -> re.Pattern[str]:
    """Return a pattern of one output line as shown: "…" stands for any text, and the shown
    folder for the folder the test runs in."""
    parts = [re.escape(p.replace(SHOWN_FOLDER, str(folder))) for p in line.split("…")]
    return re.compile("^" + ".*?".join(parts) + "$", re.M)


def test_the_readme_week_runs_on_the_example_and_prints_what_it_shows(tmp_path: Path) -> None:
    """The week the README shows, run through the installed command on the example workbook
    on a fixed day: each command succeeds, prints the lines shown under it, and every file
    and folder the section names is there afterwards."""
    script = console_script()
    folder = tmp_path.resolve()
    env = {**os.environ, "PYTHONUTF8": "1"}
    init = [script, "init", "tracker.xlsx", "--example", "--today", WEEK_DAY]
    subprocess.run(init, cwd=folder, env=env, check=True, capture_output=True, timeout=120)
    routine = section(README.read_text(encoding="utf-8"), "The weekly routine")
    steps = transcript(routine)
    assert [shlex.split(c)[1] for c, _ in steps] == ["check", "run", "print", "sent", "restore"]
    for command, shown in steps:
        argv = shlex.split(command)
        if "--today" in options_of(main.commands[argv[1]]) and "--today" not in argv:
            argv += ["--today", WEEK_DAY]
        out = subprocess.run([script, *argv[1:]], cwd=folder, env=env, capture_output=True,
                             text=True, encoding="utf-8", timeout=600)  # fmt: skip
        printed = out.stdout + out.stderr
        assert out.returncode == 0, (command, printed)
        missing = [line for line in shown if not shown_line(line, folder).search(printed)]
        assert missing == [], (command, printed)
    names = r"[^`\s][^`\n]*\.(?:docx|xlsx|ics|eml|txt|json)|[\w.]+/|followup \d[\d-]+"
    named = [n for n in re.findall(f"`({names})`", routine) if not n.startswith("followup-xl")]
    assert len(named) >= 5, named
    present = {p.name for p in folder.rglob("*")}
    assert [n for n in named if n.rstrip("/") not in present] == []
