"""Write the tool-owned marks into the user's workbook, safely, losing nothing else.

The tool owns the Due sheet and three columns at the right end of Interviews and Contacts
(../shared/workbook-contract.md). `mark_workbook` writes them through xlsxpatch (zip/XML
surgery: every other part is copied byte for byte) and safewrite (lock files, backup,
verified temporary file, atomic replace).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from . import safewrite
from .contract import DUE_COLUMNS, MARK_COLUMNS
from .errors import WriteError
from .safewrite import Fingerprint, fingerprint, preflight, step
from .xlsxpatch import XML_PARSER, ColumnMarks, DueTable, PatchResult, patch

__all__ = [
    "ColumnMarks",
    "DueTable",
    "Fingerprint",
    "MarkResult",
    "fingerprint",
    "mark_workbook",
    "preflight",
    "read_values",
    "verify_marked",
]


#: Above this many cells holding values a sheet is not compared value by value.
MAX_COMPARED_CELLS = 2_000_000


@dataclass(frozen=True)
class MarkResult:
    """What one marking run did."""

    path: Path
    backup: Path
    due_rows: int
    created_due_sheet: bool
    #: sheet name -> 1-based columns of Next Action, Next Due, Follow-up Status
    mark_columns: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    appended_styles: int = 0
    dropped_calc_chain: bool = False


def read_values(data: bytes) -> dict[str, dict] | None:
    """Return every sheet's non-empty cell values by 1-based (row, column), or None.

    None means the workbook cannot be read at all, so values cannot be compared. The cells are
    read sparsely (sheets.read_all): a stray value at XFD1048576 costs one cell, not a grid.
    """
    from .sheets import read_all

    try:
        values = read_all(data)
    except Exception:  # a package that cannot be read: the zip and XML checks stand
        return None
    return {
        name: cells if len(cells) <= MAX_COMPARED_CELLS else {"<too large to compare>": True}
        for name, cells in values.items()
    }


def verify_marked(
    path: Path, *, old: bytes, result: PatchResult, due: DueTable, name: str = ""
) -> None:
    """Check a written file: it reopens, its XML parses, and the user's values are unchanged."""
    name = name or path.name
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise WriteError(f"{name}: the new file is damaged ({bad}); nothing was written")
            for member in result.changed_members:
                etree.fromstring(zf.read(member), XML_PARSER)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise WriteError(
            f"{name}: the new file did not verify ({exc}); nothing was written"
        ) from exc
    before = read_values(old)
    if before is None:
        return  # calamine cannot read the original either: the zip and XML checks stand
    after = read_values(data)
    if after is None:
        raise WriteError(f"{name}: the new file cannot be read back; nothing was written")
    expected_names = set(before) | ({result.due_sheet} if result.created_due_sheet else set())
    if set(after) != expected_names:
        raise WriteError(f"{name}: the new file's sheets differ from the old; nothing was written")
    for sheet, cells in before.items():
        if sheet.casefold() == result.due_sheet.casefold():
            continue
        owned = result.owned_cells.get(sheet, set())
        old_cells = {k: v for k, v in cells.items() if k not in owned}
        new_cells = {k: v for k, v in after[sheet].items() if k not in owned}
        if old_cells != new_cells:
            diff = sorted(set(old_cells.items()) ^ set(new_cells.items()), key=str)[:3]
            raise WriteError(
                f"{name}: {sheet} would change outside the tool's columns ({diff}); "
                "nothing was written"
            )
    due_sheet = after.get(result.due_sheet, {})
    rows = max((r for r, _ in due_sheet), default=0)
    if rows != len(due.rows) + 1 or any(
        due_sheet.get((1, c + 1)) != h for c, h in enumerate(DUE_COLUMNS)
    ):
        raise WriteError(f"{name}: the Due sheet did not read back; nothing was written")
    for sheet, cols in result.mark_columns.items():
        cells = after.get(sheet, {})
        if any(cells.get((r, c)) != h for r, c, h in _header_cells(result, sheet, cols)):
            raise WriteError(f"{name}: {sheet}'s follow-up columns did not read back")


def _header_cells(result: PatchResult, sheet: str, cols: tuple[int, int, int]) -> list:
    owned = result.owned_cells.get(sheet, set())
    header_row = min((r for r, _ in owned), default=0)
    return [(header_row, c, h) for c, h in zip(cols, MARK_COLUMNS, strict=True)]


def mark_workbook(
    path: Path,
    *,
    due: DueTable,
    columns: list[ColumnMarks],
    expected: Fingerprint,
    force: bool = False,
    backups: int = 3,
    now: datetime | None = None,
) -> MarkResult:
    """Write the Due sheet and mark columns into the workbook, keeping a backup; say what was done.

    `expected` is the fingerprint taken when the workbook was read: if the file changed since,
    nothing is written. Raises WriteError (nothing written) for every refusal or failure.
    """
    path = Path(path)
    name = path.name
    step("preflight")
    preflight(path, force=force)
    real = path.resolve()  # a symbolic link stays a link: its target is replaced
    step("read")
    try:
        old = real.read_bytes()
    except OSError as exc:
        raise WriteError(f"{name} cannot be read ({exc})") from exc
    if not safewrite.fingerprint_bytes(old).same_content(expected):
        raise WriteError(
            f"{name} changed on disk since the tool read it (saved from Excel meanwhile?): "
            "nothing was written; run again"
        )
    safewrite.remove_stale_temps(real)
    step("patch")
    result = patch(old, due=due, columns=columns, name=name)
    backup = safewrite.commit(
        real,
        old=old,
        new=result.data,
        expected=expected,
        verify=lambda tmp: verify_marked(tmp, old=old, result=result, due=due, name=name),
        backups=backups,
        now=now,
    )
    return MarkResult(
        path=path,
        backup=backup,
        due_rows=len(due.rows),
        created_due_sheet=result.created_due_sheet,
        mark_columns=dict(result.mark_columns),
        appended_styles=result.appended_styles,
        dropped_calc_chain=result.dropped_calc_chain,
    )
