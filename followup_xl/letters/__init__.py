"""Render the due letters: strict, escaped docxtpl templates, safe file names, one print file.

One module per job, in the order a batch uses them:

- shipped.py     where the templates and phrasebook are installed
- templates.py   find the templates, check them before rendering, the Jinja sandbox
- phrasebook.py  read and check the phrasebook file (our words, or the user's)
- address.py     postal addresses in the destination country's format
- context.py     one letter's context: sender, recipient, the phrasebook's sentences
- paper.py       paper, envelope and card by country; the address at the envelope window
- package.py     read a .docx's parts and relationships
- text.py        the text of a .docx's paragraphs
- compiled.py    a template compiled once per batch; each letter written directly
- render.py      render letters: fill a template, fit the paper and language, stamp
- window.py      set the address and sender blocks to fit the envelope window
- compose.py     join .docx files into one (the print file, envelopes, a fax)
- pagefit.py     estimate a letter's pages; the page-fit warning
- files.py       safe, unique file names for the letters (staged in the run's outbox)
- eml.py         the unsent .eml drafts
- printing.py    the print file and envelopes from the letters, in print order
- batch.py       render_letters: the whole batch, envelopes, proofreading

The names below are the ones other modules and scripts use.
"""

from __future__ import annotations

from .batch import LetterBatch, render_letters
from .compose import join
from .context import LetterData, clean, letter_context
from .files import letter_file_name, safe_part
from .shipped import default_template_dir
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
    template_paths,
    template_removals,
)
from .text import docx_paragraphs

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
    "default_template_dir",
    "docx_paragraphs",
    "join",
    "letter_context",
    "letter_file_name",
    "render_letters",
    "safe_part",
    "template_paths",
    "template_removals",
]
