"""Read the contract sheets through pandas (calamine engine), after the pre-check passed.

Only the sheets the pre-check looked at are read. Each becomes a Grid: the DataFrame's rows
as lists of cell values, with the pre-check's odd cells put in place of what calamine read
and the tables' totals rows taken out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, WorkbookError
from .precheck import Checked, unreadable

#: No cell text counts as missing ("NA", "None", "N/A" are text a user typed).
NO_NA: list[str] = []


@dataclass
class Grid:
    """One sheet's cells from A1: rows of equal length, "" for an empty cell."""

    rows: list[list[Any]]

    @property
    def nrows(self) -> int:
        """Return the number of rows, up to the last one holding a value."""
        return len(self.rows)

    def row(self, r: int) -> list[Any]:
        """Return 0-based row r ([] beyond the last)."""
        return self.rows[r] if r < len(self.rows) else []

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Yield (0-based row, cells) below the header, in order."""
        rows = self.rows
        for r in range(1, len(rows)):
            yield r, rows[r]


def read_frames(path: Path, checked: Checked) -> dict[str, Grid]:
    """Return {sheet name: Grid} of the pre-checked sheets, read by pandas with calamine."""
    import pandas as pd

    names = list(checked.sheets)
    if not names:
        return {}
    try:
        frames = pd.read_excel(
            path,
            sheet_name=names,
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
    grids = {}
    for name in names:
        rows = frames[name].to_numpy().tolist()
        found = checked.sheets[name]
        for (r, c), value in found.odd.items():
            _put(rows, r, c, value)
        for r in sorted(found.totals, reverse=True):
            if 0 < r < len(rows):
                rows[r] = [""] * len(rows[r])  # a totals row sums the rows: it is no record
        grids[name] = Grid(rows)
    return grids


def _put(rows: list[list[Any]], r: int, c: int, value: Any) -> None:
    """Put a value at 0-based (r, c), widening the grid (every row alike) when it is outside."""
    width = len(rows[0]) if rows else 0
    if c >= width:
        for row in rows:
            row.extend([""] * (c + 1 - width))
        width = c + 1
    while len(rows) <= r:
        rows.append([""] * width)
    rows[r][c] = value


def _why_unreadable(path: Path, exc: BaseException) -> Problem:
    """Return why calamine could not read the file (its sheets' XML passed the pre-check)."""
    return Problem(path.name, unreadable(exc))
