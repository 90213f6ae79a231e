"""Read the contract sheets through pandas (calamine engine), each once its pre-check passed.

Each sheet becomes a Grid: the DataFrame's columns as lists of cell values, with the
pre-check's odd cells put in place of what calamine read and the tables' totals rows taken
out. The sheets of an .xlsx are read on two worker threads, each started the moment its
pre-check passes: calamine parses outside Python's lock, so the pre-check of the next sheet
and the records of the last one go on meanwhile. The tables of an .ods are read in one call,
as calamine parses the whole document for any one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import Problem, WorkbookError
from .precheck import Checked, SheetCheck, unreadable

#: No cell text counts as missing ("NA", "None", "N/A" are text a user typed).
NO_NA: list[str] = []


@dataclass
class Grid:
    """One sheet's cells from A1, column by column: columns of equal length, "" for an empty
    cell."""

    columns: list[list[Any]]

    @property
    def nrows(self) -> int:
        """Return the number of rows, up to the last one holding a value."""
        return len(self.columns[0]) if self.columns else 0

    @property
    def rows(self) -> list[list[Any]]:
        """Return the cells row by row."""
        return [list(row) for row in zip(*self.columns, strict=True)]

    def row(self, r: int) -> list[Any]:
        """Return 0-based row r ([] beyond the last)."""
        return [column[r] for column in self.columns] if r < self.nrows else []

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Yield (0-based row, cells) below the header, in order."""
        for r, row in enumerate(zip(*self.columns, strict=True)):
            if r:
                yield r, list(row)


class SheetReads:
    """The sheets of one workbook being read by pandas, in the order they were started."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="followup-xl-read")
        #: each started sheet's read; sheets read together share one
        self.started: dict[str, Future[dict[str, Grid]]] = {}

    def __enter__(self) -> SheetReads:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # a sheet not yet begun is dropped; one being read (its pre-check passed) ends soon
        self.pool.shutdown(wait=True, cancel_futures=True)

    def start(self, name: str, found: SheetCheck) -> None:
        """Start reading a sheet whose pre-check passed (once)."""
        self.start_together({name: found})

    def start_together(self, sheets: dict[str, SheetCheck]) -> None:
        """Start reading in one pandas call those of these pre-checked sheets not yet started:
        the tables of an .ods, whose whole content.xml calamine parses each time it is read."""
        todo = {name: found for name, found in sheets.items() if name not in self.started}
        if not todo:
            return
        import pandas  # noqa: F401  imported here, so a worker never imports it

        read = self.pool.submit(_read_sheets, self.path, todo)
        for name in todo:
            self.started[name] = read

    def names(self) -> list[str]:
        """Return the names of the sheets started, in order."""
        return list(self.started)

    def grid(self, name: str) -> Grid:
        """Return a started sheet's Grid, waiting for it; raise WorkbookError when calamine
        cannot read it."""
        return self.started[name].result()[name]


def read_frames(path: Path, checked: Checked) -> dict[str, Grid]:
    """Return {sheet name: Grid} of the pre-checked sheets, read by pandas with calamine."""
    with SheetReads(path) as reads:
        reads.start_together(checked.sheets)
        return {name: reads.grid(name) for name in checked.sheets}


def _read_sheets(path: Path, sheets: dict[str, SheetCheck]) -> dict[str, Grid]:
    """Read sheets with pandas and calamine, and put the pre-check's findings in place."""
    import pandas as pd

    try:
        frames = pd.read_excel(
            path,
            sheet_name=list(sheets),
            header=None,
            dtype=object,
            keep_default_na=False,  # "NA", "None", "N/A" are text a user typed, not blanks
            na_values=NO_NA,
            engine="calamine",
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own types, and a Rust panic (a BaseException)
        raise WorkbookError(_why_unreadable(path, exc)) from exc
    return {name: _grid(frames.pop(name), found) for name, found in sheets.items()}


def _grid(frame: Any, found: SheetCheck) -> Grid:
    """Return a sheet's DataFrame as a Grid, with the pre-check's findings put in place."""
    columns = frame.to_numpy(dtype=object).T.tolist()
    for (r, c), value in found.odd.items():
        _put(columns, r, c, value)
    height = len(columns[0]) if columns else 0
    for r in found.totals:
        if 0 < r < height:
            for column in columns:
                column[r] = ""  # a totals row sums the rows: it is no record
    return Grid(columns)


def _put(columns: list[list[Any]], r: int, c: int, value: Any) -> None:
    """Put a value at 0-based (r, c), widening or lengthening the grid when it is outside."""
    height = len(columns[0]) if columns else 0
    while len(columns) <= c:
        columns.append([""] * height)
    if r >= height:
        for column in columns:
            column.extend([""] * (r + 1 - height))
    columns[c][r] = value


def _why_unreadable(path: Path, exc: BaseException) -> Problem:
    """Return why calamine could not read the file (its sheets' XML passed the pre-check)."""
    return Problem(path.name, unreadable(exc))
