"""Render the due letters: strict, escaped docxtpl templates, safe file names, one print file.

One module per job, in the order a batch uses them:

- templates.py   find the templates, check them before rendering, the Jinja sandbox
- phrasebook.py  read and check the phrasebook file (our words, or the user's)
- context.py     one letter's context: sender, recipient, the phrasebook's sentences
- render.py      fill a .docx template, fit the paper, stamp, combine into one file
- paper.py       paper, envelope and card by country; the address at the envelope window
- compiled.py    a template compiled once per batch; each letter written directly
- zipwrite.py    write a .docx zip from members deflated once
- compose.py     join .docx files into one directly (the print file), docxcompose as fall-back
- files.py       safe, unique file names for the letters (staged in the run's outbox)
- eml.py         the unsent .eml drafts
- printing.py    the print file and envelopes from the letters, in print order
- batch.py       render_letters: the whole batch, envelopes, proofreading

The names below are the ones other modules and scripts use.
"""

from __future__ import annotations

from .batch import LetterBatch, render_letters
from .context import LetterData, clean, letter_context
from .files import letter_file_name, safe_part
from .render import combine, docx_paragraphs
from .templates import (
    ENVELOPE,
    FAX_COVER,
    KEEP_IN_TOUCH,
    KIND_LABELS,
    KIND_TEMPLATES,
    LOG_ACTION,
    NOTE_CARD,
    TEMPLATE_NAMES,
    THANK_YOU_EMAIL,
    THANK_YOU_LETTER,
    VARIABLES,
    check_templates,
    default_template_dir,
    template_paths,
    template_removals,
)

__all__ = [
    "ENVELOPE",
    "FAX_COVER",
    "KEEP_IN_TOUCH",
    "KIND_LABELS",
    "KIND_TEMPLATES",
    "LOG_ACTION",
    "NOTE_CARD",
    "TEMPLATE_NAMES",
    "THANK_YOU_EMAIL",
    "THANK_YOU_LETTER",
    "VARIABLES",
    "LetterBatch",
    "LetterData",
    "check_templates",
    "clean",
    "combine",
    "default_template_dir",
    "docx_paragraphs",
    "letter_context",
    "letter_file_name",
    "render_letters",
    "safe_part",
    "template_paths",
    "template_removals",
]
