"""Where the letter templates, the phrasebook and their README are installed with followup-xl."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def default_template_dir() -> Traversable:
    """Return the folder of the templates installed with followup_xl (a path or a zip entry)."""
    from importlib.resources import files

    return files("followup_xl.letter_templates")
