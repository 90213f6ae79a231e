"""What `pip install` ships: package data, dependencies, the console script on any console.

These tests look at the followup_xl that the suite imports. Under CI that is the installed
wheel (conftest refuses the checkout there), so they prove what a new user gets.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from importlib import metadata
from importlib.resources import files
from pathlib import Path

import pytest
from conftest import PACKAGE, REPO, console_script, imported_from_checkout

import followup_xl
from followup_xl import letters
from followup_xl.letters.phrasebook import PHRASEBOOK, SLOTS, load_phrasebook

DIST = "followup-xl"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- package data ------------------------------------------------------------------------------


def test_every_shipped_template_is_reachable_from_the_installed_package():
    """Each template is found through importlib.resources and is the file in letter_templates/."""
    shipped = files("followup_xl.letter_templates")
    for name in letters.TEMPLATE_NAMES:
        data = (shipped / name).read_bytes()
        assert data == (REPO / "letter_templates" / name).read_bytes(), name
        assert letters.template_paths()[name].read_bytes() == data
    assert (files("followup_xl") / "data" / "words.txt").read_text("utf-8").strip()
    phrasebook = (shipped / PHRASEBOOK).read_bytes()
    assert phrasebook == (REPO / "letter_templates" / PHRASEBOOK).read_bytes()
    assert list(load_phrasebook().slots) == list(SLOTS)
    letters.check_templates()  # every shipped template renders as installed


def installed_only() -> None:
    """Skip outside an installed package: the checkout keeps the templates outside the package."""
    if imported_from_checkout():
        pytest.skip("needs followup_xl installed from a wheel (as .ci/run does), not the checkout")


def test_templates_work_from_a_zip_import(tmp_path: Path):
    """Imported from a zip file, the package still finds, checks and reads its templates."""
    installed_only()
    archive = tmp_path / "followup_xl.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("followup_xl") / path.relative_to(PACKAGE))
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(archive)!r})\n"
        "import followup_xl\n"
        f"assert followup_xl.__file__.startswith({str(archive)!r}), followup_xl.__file__\n"
        "from followup_xl import letters, proofread\n"
        "letters.check_templates()\n"
        "print(sorted(len(p.read_bytes()) > 0 for p in letters.template_paths().values()))\n"
        "print(len(proofread.EXTRA_WORDS) > 0)\n"
        "from followup_xl.letters.phrasebook import load_phrasebook\n"
        "print(len(load_phrasebook().slots))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == [
        str([True] * len(letters.TEMPLATE_NAMES)), "True", str(len(SLOTS))
    ]  # fmt: skip


def _error_without(tmp_path: Path, name: str, call: str) -> str:
    """Return the TemplateError `letters.<call>` raises in a copy of the installed package
    whose letter_templates/<name> is removed."""
    installed_only()
    copy = tmp_path / "site" / "followup_xl"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "letter_templates" / name).unlink()
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(copy.parent)!r})\n"
        "from followup_xl import letters\n"
        "from followup_xl.errors import TemplateError\n"
        "try:\n"
        f"    letters.{call}()\n"
        "except TemplateError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_template_missing_from_the_installation_is_a_loud_error(tmp_path: Path):
    """A broken install says which template is missing; it never falls back to another folder."""
    error = _error_without(tmp_path, letters.NOTE_CARD, "template_paths")
    assert error.startswith(f"{letters.NOTE_CARD}: the letter template shipped with")
    assert "reinstall followup-xl" in error


def test_a_phrasebook_missing_from_the_installation_is_a_loud_error(tmp_path: Path):
    """A broken install says the phrasebook is missing; it never runs on without its words."""
    error = _error_without(tmp_path, PHRASEBOOK, "check_templates")
    assert error.startswith(f"{PHRASEBOOK}: the phrasebook shipped with followup-xl is missing")
    assert "reinstall followup-xl" in error


# --- metadata ----------------------------------------------------------------------------------


def _imported_distributions() -> set[str]:
    """Return the distributions whose modules the installed package imports, whose data it
    reads through importlib.resources' files("…"), or that pandas loads as the engine it is
    told to use (engine="calamine": python_calamine); not stdlib."""
    modules: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "files"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                modules.add(node.args[0].value.split(".")[0])
            elif (
                isinstance(node, ast.keyword)
                and node.arg == "engine"
                and isinstance(node.value, ast.Constant)
                and node.value.value == "calamine"
            ):
                modules.add("python_calamine")
    modules -= set(sys.stdlib_module_names) | {"followup_xl"}
    owners = metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in owners)
    assert missing == [], f"imported but not installed: {missing}"
    return {_norm(owners[m][0]) for m in modules}


def test_dependencies_are_exactly_what_the_package_imports():
    """pyproject's dependencies name every third-party import, and nothing it never imports."""
    declared = set()
    for req in metadata.requires(DIST) or []:
        if "extra ==" not in req:
            declared.add(_norm(re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0]))
    assert _imported_distributions() == declared


def test_installed_version_is_the_package_version():
    """The version pip reports is the one `followup-xl --version` prints."""
    assert metadata.version(DIST) == followup_xl.__version__


# --- any console -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_demo_prints_on_a_narrow_console_with_output_redirected(tmp_path: Path, encoding: str):
    """The real console script, output redirected to a cp1252 or ASCII pipe, finishes the demo."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    out = subprocess.run([console_script(), "demo", "week", "--today", "2026-11-25"],
                         capture_output=True, cwd=tmp_path, env=env, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr.decode(encoding, "replace")
    text = out.stdout.decode(encoding)  # strict: every byte is valid in the console's encoding
    assert " -> call this reference by " in text  # "→" in plain characters
    assert "Ms. Renee Dubois-Okafor" in text or encoding != "ascii"
    assert re.search(r"\n\d+ overdue, \d+ due, \d+ upcoming \(\d+ in all\)\n", text)
    assert (tmp_path / "week" / "tracker.xlsx").is_file()
    assert len(list((tmp_path / "week").glob("followup 2026-11-25/*.docx"))) >= 6


def test_error_naming_a_non_ascii_file_prints_on_an_ascii_console(tmp_path: Path):
    """An error about 'Bewerbungen – Müller.xlsx' reaches an ASCII console readable, exit 1."""
    bad = tmp_path / "Bewerbungen – Müller.xlsx"
    bad.write_text("Name,Company\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    out = subprocess.run([console_script(), "check", bad.name], capture_output=True,
                         cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert out.returncode == 1
    err = out.stderr.decode("ascii")
    assert err.startswith("Error: ") or err.startswith("error: "), err
    assert "Bewerbungen - Muller.xlsx" in err
    assert "Traceback" not in err


def test_a_word_list_not_in_utf8_is_a_located_error(tmp_path: Path):
    """--words naming a Latin-1 file: exit 1, the file and line named, nothing written."""
    from click.testing import CliRunner

    from followup_xl.cli import main
    from followup_xl.newbook import write_workbook

    workbook = tmp_path / "tracker.xlsx"
    write_workbook(workbook, example=True, today=date(2026, 11, 25))
    before = workbook.read_bytes()
    words = tmp_path / "words.txt"
    words.write_bytes("Hart\nLowe\ncaf\xe9\n".encode("latin-1"))
    for extra in ([], ["--dry-run"]):
        result = CliRunner().invoke(main, ["run", str(workbook), "--today", "2026-11-25",
                                           "--words", str(words), *extra])  # fmt: skip
        assert result.exit_code == 1
        assert result.output == (
            f"Error: {words}: line 3 is not UTF-8 text (byte 0xE9): save the word list as "
            "UTF-8 (in Notepad: Save As, Encoding: UTF-8) and run again\n"
        )
    assert workbook.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx", "words.txt"]
