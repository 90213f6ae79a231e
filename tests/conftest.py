"""Shared fixtures: where the shared corpus is, a real LibreOffice, and which package is tested.

Under CI (CI=true) the suite must test what `pip install` puts in site-packages, never the
checkout, and the corpus and LibreOffice must be present: a missing one fails, never skips.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import followup_xl
from followup_xl.office import find_soffice

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOLLOWUP_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
PACKAGE = Path(followup_xl.__file__).resolve().parent


def in_ci() -> bool:
    """Return True under CI, where a missing corpus or LibreOffice is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def imported_from_checkout() -> bool:
    """Return True when followup_xl was imported from this checkout instead of an install."""
    return PACKAGE.is_relative_to(REPO)


def console_script() -> str:
    """Return the installed `followup-xl` script beside this Python; fail under CI if absent."""
    found = shutil.which("followup-xl", path=str(Path(sys.executable).parent))
    if found is None:
        if in_ci():
            pytest.fail("the followup-xl console script is not installed beside this Python")
        pytest.skip("followup-xl is not installed in this environment")
    return found


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say in the log which followup_xl the suite runs against."""
    where = "the checkout" if imported_from_checkout() else "the installed package"
    return [f"followup_xl {followup_xl.__version__} from {PACKAGE} ({where})"]


def pytest_configure(config: pytest.Config) -> None:
    """Under CI, refuse to test the checkout: only the installed package proves what ships."""
    if in_ci() and imported_from_checkout():
        raise pytest.UsageError(
            f"CI=true but followup_xl was imported from the checkout ({PACKAGE}); install the "
            "wheel into a fresh venv and run pytest from outside the clone, as .ci/run does"
        )


@pytest.fixture
def corpus_dir() -> Path:
    """Return ../shared/corpus; skip when this checkout has none, but fail under CI=true."""
    if not CORPUS.is_dir():
        if in_ci():
            pytest.fail(f"the shared corpus is required under CI and is missing at {CORPUS}")
        pytest.skip(f"no shared corpus at {CORPUS} (a fresh clone has no ../shared)")
    return CORPUS


@pytest.fixture
def soffice() -> str:
    """Return the LibreOffice executable; skip without it, but fail under CI=true."""
    exe = find_soffice()
    if exe is None:
        if in_ci():
            pytest.fail("LibreOffice is required under CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe
