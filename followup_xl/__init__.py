"""followup_xl: the week after a job interview, as a weekly batch run over one Excel workbook.

The library API a script needs, typed (see docs/library.md):

- read_workbook(path) -> ReadResult: the workbook's records (.book) and warnings
- due_actions(book, today) -> list[Action]: the follow-ups open on a day, most urgent first
- run_batch(path, RunOptions(today=...)) -> RunResult: what `followup-xl run` does: mark the
  workbook (Due sheet, mark columns, backup) and write the letters and the week's files
- render_letters(book, actions, today=..., out_dir=...) -> LetterBatch: only the letters

Errors are FollowupError and its subclasses. The names are imported on first use, so that
`import followup_xl` (and `followup-xl --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import FollowupError, WorkbookError, WriteError
    from .letters.batch import LetterBatch, render_letters
    from .model import Action, Book
    from .read.reader import ReadResult, check_workbook, read_workbook
    from .rules import due_actions
    from .run import RunOptions, RunResult, run_batch

#: public name -> the module that defines it
_LAZY = {
    "Action": ".model",
    "Book": ".model",
    "FollowupError": ".errors",
    "LetterBatch": ".letters.batch",
    "ReadResult": ".read.reader",
    "RunOptions": ".run",
    "RunResult": ".run",
    "WorkbookError": ".errors",
    "WriteError": ".errors",
    "check_workbook": ".read.reader",
    "due_actions": ".rules",
    "read_workbook": ".read.reader",
    "render_letters": ".letters.batch",
    "run_batch": ".run",
}

__all__ = [
    "Action",
    "Book",
    "FollowupError",
    "LetterBatch",
    "ReadResult",
    "RunOptions",
    "RunResult",
    "WorkbookError",
    "WriteError",
    "__version__",
    "check_workbook",
    "due_actions",
    "read_workbook",
    "render_letters",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
