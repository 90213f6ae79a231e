"""Shared fixtures: where the shared corpus is, and a real LibreOffice when there is one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from followup_xl.office import find_soffice

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOLLOWUP_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def in_ci() -> bool:
    """Return True under CI, where missing LibreOffice is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def corpus_dir() -> Path:
    """Return ../shared/corpus, or skip with the reason when this checkout has none."""
    if not CORPUS.is_dir():
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
