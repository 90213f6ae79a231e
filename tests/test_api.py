"""The library API: the example in docs/library.md runs as written, and the exports are lazy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import followup_xl

REPO = Path(__file__).resolve().parents[1]


def library_example() -> str:
    """Return the Python block of docs/library.md."""
    text = (REPO / "docs" / "library.md").read_text(encoding="utf-8")
    match = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/library.md: no python example"
    return match.group(1)


def test_the_library_example_runs_as_written(tmp_path: Path) -> None:
    """The library example marks the example workbook and writes its letters."""
    out = subprocess.run(
        [sys.executable, "-c", library_example()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "letter(s) in" in out.stdout and "Due sheet rows:" in out.stdout
    assert (tmp_path / "tracker.xlsx").is_file()
    assert any((tmp_path / "letters").glob("*.docx"))


def test_every_public_name_is_exported() -> None:
    """Each name in __all__ resolves, and an unknown one is an AttributeError."""
    for name in followup_xl.__all__:
        assert getattr(followup_xl, name) is not None
    with pytest.raises(AttributeError, match="no_such_name"):
        followup_xl.no_such_name  # noqa: B018


def test_importing_the_package_imports_no_heavy_library() -> None:
    """`import followup_xl` stays light: the API is imported on first use."""
    code = (
        "import sys, followup_xl\n"
        "print(sorted(m for m in ('pandas', 'docx', 'docxtpl', 'lxml', 'openpyxl') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
