"""One exception root with located, fixable messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class FollowupError(Exception):
    """Root of every error a user can cause or fix; the CLI prints it and exits 1."""


@dataclass(frozen=True)
class Problem:
    """One located finding in a workbook: where, what, and how to fix it."""

    file: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    blocking: bool = True

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f": {self.sheet}"
            if self.cell:
                where += f"!{self.cell}"
        return f"{where}: {self.message}"


class WorkbookError(FollowupError):
    """The workbook cannot be read or has blocking problems; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class WriteError(FollowupError):
    """The workbook or an output file cannot be written safely; nothing was changed."""


class TemplateError(FollowupError):
    """A letter template is broken or uses unknown variables."""


class ProofreadError(FollowupError):
    """Proofreading found problems and --strict was given."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C came after the workbook was replaced: it holds the new version, and the old one
    is kept as `backup`; `unfinished` says what the command had not done yet ("" for nothing).

    A KeyboardInterrupt still, so that no handler of errors takes it for one.
    """

    def __init__(self, path: Path, backup: Path | None, unfinished: str = "") -> None:
        self.path, self.backup, self.unfinished = path, backup, unfinished
        super().__init__(f"{path} was written" + (f"; {unfinished}" if unfinished else ""))
