"""Write the tool-owned marks into the user's workbook, safely, losing nothing else.

The tool owns the Due sheet and three columns at the right end of Interviews and Contacts
(docs/workbook-contract.md). `mark_workbook` writes them through xlsx.patch (zip/XML
surgery: every other part is copied byte for byte) and safewrite (lock files, backup,
verified temporary file, atomic replace).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Set as AbstractSet
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from . import safewrite
from .contract import DUE_COLUMNS, MARK_COLUMNS
from .errors import WriteError
from .ooxml import check_well_formed
from .safewrite import Fingerprint, fingerprint, preflight, step
from .xlsx.columns import ColumnMarks
from .xlsx.duesheet import DueTable
from .xlsx.package import XML_PARSER
from .xlsx.patch import MarkedSheets, PatchResult, patch

__all__ = [
    "ColumnMarks",
    "DueTable",
    "Fingerprint",
    "MarkResult",
    "fingerprint",
    "mark_workbook",
    "plan_marks",
    "preflight",
    "read_values",
    "verify_bytes",
    "verify_marked",
]


#: Above this many cells holding values a sheet is not compared value by value.
MAX_COMPARED_CELLS = 2_000_000


@dataclass(frozen=True)
class MarkResult:
    """What one marking run did."""

    path: Path
    #: None when nothing changed, so nothing was written
    backup: Path | None
    due_rows: int
    created_due_sheet: bool
    #: sheet name -> 1-based columns of Next Action, Next Due, Follow-up Status
    mark_columns: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    appended_styles: int = 0
    dropped_calc_chain: bool = False
    #: what the verification could not check, when it could not check everything
    verify_note: str | None = None
    #: the backup is the workbook from before the tool first changed it
    original: bool = False


#: The value read_values gives a sheet too large to compare value by value.
TOO_LARGE = "<too large to compare>"


@dataclass
class _Memo:
    """What this process verified last, so that a run reads and checks each thing once.

    A run plans its patch (verified in memory), then writes the same patch and verifies the
    written file: when the written bytes are the very bytes verified before, their values are
    not read again; the original's values are read once for both checks.
    """

    #: (old, due, columns, take_over) -> the verified patch of plan_marks
    plan: tuple[bytes, DueTable, list[ColumnMarks], bool, PatchResult] | None = None
    #: (old, new, due) -> the note verify_bytes returned for them
    verified: tuple[bytes, bytes, DueTable, str | None] | None = None
    #: (old, sheets) -> what _read_named returned for them
    old_values: tuple[bytes, frozenset[str] | None, Any] | None = None
    #: the sheets an unverified plan marked, for the patch that writes them
    marked: MarkedSheets | None = None


_memo = _Memo()


def read_values(data: bytes) -> dict[str, dict] | None:
    """Return every sheet's non-empty cell values by 1-based (row, column), or None.

    None means the workbook cannot be read at all, so values cannot be compared. The cells are
    read sparsely (read.stream): a stray value at XFD1048576 costs one cell, not a grid.
    """
    got = _read_named(data, None)
    return None if got is None else got[1]


def _read_named(data: bytes, only: set[str] | None) -> tuple[set[str], dict[str, dict]] | None:
    """Return the worksheets' names and the values of those in `only` (all when None)."""
    from .read.stream import read_some

    try:
        names, values = read_some(data, only)
    except Exception:  # a package that cannot be read: the zip and XML checks stand
        return None
    return set(values) if only is None else set(names), {
        name: cells if len(cells) <= MAX_COMPARED_CELLS else {TOO_LARGE: True}
        for name, cells in values.items()
    }


#: Parts a patch may rewrite besides the sheets it marks and its Due sheet: none of them can
#: change a value on another sheet (shared strings are never rewritten, styles only grow).
INDEX_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[content_types].xml",
                "xl/styles.xml", "xl/calcchain.xml")  # fmt: skip


def _sheets_to_compare(result: PatchResult) -> set[str] | None:
    """Return the sheets whose values can differ after this patch, or None for all of them."""
    parts = {p.casefold() for p in (*result.mark_parts.values(), result.due_part)}
    for member in result.changed_members | result.removed_members:
        name = member.casefold()
        if name in parts or name in INDEX_PARTS or name.endswith(".rels"):
            continue
        return None  # something unexpected changed: compare every sheet
    return set(result.mark_parts) | {result.due_sheet}


def _sheet_cells(data: bytes, part: str) -> dict[str, bytes]:
    """Return a worksheet part's cells by reference, each as canonical XML."""
    from .contract import col_letter
    from .xlsx.package import NS_MAIN, STRICT_MAIN, parse_ref

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read(part), XML_PARSER)
    out = {}
    for ns in (NS_MAIN, STRICT_MAIN):
        row_num = 0
        for row in root.iter(f"{{{ns}}}row"):
            row_num = int(row.get("r") or row_num + 1)
            col = 0
            for c in row.iterchildren(f"{{{ns}}}c"):
                ref = c.get("r")
                try:  # cells without r (or rows without r) are positional
                    col = parse_ref(ref)[1] if ref else col + 1
                except ValueError:
                    col += 1
                if ref is not None:  # the writer may give positional cells a reference
                    c = deepcopy(c)
                    del c.attrib["r"]
                out[f"{col_letter(col)}{row_num}"] = etree.tostring(c, method="c14n")
    return out


def _xml_cells_kept(old: bytes, new: bytes, result: PatchResult, sheet: str, name: str) -> None:
    """Compare a marked sheet's cells in the XML, outside the tool's cells; raise if changed."""
    from .contract import col_letter

    part = result.mark_parts[sheet]
    owned = {f"{col_letter(c)}{r}" for r, c in result.owned_cells.get(sheet, set())}
    before = {k: v for k, v in _sheet_cells(old, part).items() if k not in owned}
    after = {k: v for k, v in _sheet_cells(new, part).items() if k not in owned}
    if before != after:
        diff = sorted(set(before) ^ set(after) | {k for k in before if after.get(k) != before[k]})
        raise WriteError(
            f"{name}: {sheet} would change outside the tool's columns ({diff[:3]}); "
            "nothing was written"
        )


def check_package(
    data: bytes,
    *,
    old: bytes,
    changed: AbstractSet[str],
    removed: AbstractSet[str] = frozenset(),
    name: str,
    parts: bool = True,
) -> None:
    """Raise WriteError unless new bytes open with every member's CRC right and, with `parts`,
    every changed member parses and every other one is the old member byte for byte."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as znew:
            bad = znew.testzip()
            if bad is not None:
                raise WriteError(f"{name}: the new file is damaged ({bad}); nothing was written")
            if not parts:
                return
            for member in changed:
                check_well_formed(znew.read(member), huge_tree=True)  # no tree is built
            # one part at a time: a big Log sheet is never held twice
            names = set(znew.namelist())
            with zipfile.ZipFile(io.BytesIO(old)) as zold:
                for member in dict.fromkeys(zold.namelist()):
                    if member in changed or member in removed:
                        continue
                    if member not in names or znew.read(member) != zold.read(member):
                        raise WriteError(
                            f"{name}: the new file changed {member}; nothing was written"
                        )
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise WriteError(
            f"{name}: the new file did not verify ({exc}); nothing was written"
        ) from exc


def verify_bytes(
    data: bytes, *, old: bytes, result: PatchResult, due: DueTable, name: str
) -> str | None:
    """Check new bytes: they open, their XML parses, the user's values are unchanged.

    Return None when every check ran, else a note saying which check could not run (and what
    was checked instead). Raise WriteError when a check fails.
    """
    memo = _memo.verified
    same = memo is not None and memo[2] == due and memo[0] == old and memo[1] == data
    check_package(data, old=old, changed=result.changed_members,
                  removed=result.removed_members, name=name, parts=not same)  # fmt: skip
    if same and memo is not None:
        return memo[3]  # these very bytes passed every check below already
    # every other sheet's part was just compared byte for byte: its values cannot differ, so
    # only the marked sheets and the Due sheet are read (the Log may hold most of the cells)
    note = _compare_values(data, old=old, result=result, due=due, name=name)
    _memo.verified = (old, data, due, note)
    return note


def _old_values(old: bytes, only: set[str] | None) -> Any:
    """Return _read_named(old, only), read once for the plan and the write of one run."""
    key = None if only is None else frozenset(only)
    memo = _memo.old_values
    if memo is None or memo[1] != key or memo[0] != old:
        memo = _memo.old_values = (old, key, _read_named(old, only))
    return memo[2]


def _rows_compared(data: bytes, *, old: bytes, result: PatchResult, name: str) -> set[str]:
    """Compare the marked sheets row by row (read.rowdiff); return those it could compare."""
    from .contract import col_letter
    from .read.rowdiff import compare

    done = set()
    for sheet, part in result.mark_parts.items():
        headers = _header_cells(result, sheet, result.mark_columns[sheet])
        compared = compare(old, data, part, result.owned_cells.get(sheet, set()), row=headers[0][0])
        if compared is None:
            continue
        differ, got = compared
        if differ:
            cells = [f"{col_letter(c)}{r}" for r, c in differ[:3]]
            raise WriteError(
                f"{name}: {sheet} would change outside the tool's columns ({cells}); "
                "nothing was written"
            )
        if any(got.get(c) != h for _, c, h in headers):
            raise WriteError(f"{name}: {sheet}'s follow-up columns did not read back")
        done.add(sheet)
    return done


def _due_first_and_last(data: bytes, result: PatchResult) -> dict | None:
    """Return the new Due sheet's header row and last row (read.rowdiff), or None."""
    from .read.rowdiff import first_and_last

    return first_and_last(data, result.due_part)


def _compare_values(
    data: bytes, *, old: bytes, result: PatchResult, due: DueTable, name: str
) -> str | None:
    """Check that the user's values read the same and the tool's cells read back (verify_bytes)."""
    only = _sheets_to_compare(result)
    due_read: dict | None = None
    if only is not None:
        # a marked sheet is compared row by row, reading only what changed; when that cannot
        # be done it is read whole below
        only -= _rows_compared(data, old=old, result=result, name=name)
        # the Due sheet is all the tool's: its headers and its length are what is checked
        due_read = _due_first_and_last(data, result)
        if due_read is not None:
            only -= {result.due_sheet}
    # the old Due sheet's values are never compared (the tool writes it whole): on a rerun,
    # only its name is read
    read_old = _old_values(old, None if only is None else only - {result.due_sheet})
    only_read = set(result.mark_columns) if only is None else only
    before = None if read_old is None else read_old[1]
    if read_old is None or before is None:
        # the value reader cannot open the original: compare the marked sheets' cells in the
        # XML instead (every other sheet's part is copied byte for byte), and say so
        for sheet in result.mark_parts:
            _xml_cells_kept(old, data, result, sheet, name)
        return (
            "the check that your own cells read the same after the write could not read the "
            "original workbook, so the marked sheets were compared cell by cell in the file "
            "instead"
        )
    read_new = _read_named(data, only)
    if read_new is None:
        raise WriteError(f"{name}: the new file cannot be read back; nothing was written")
    after_names, after = read_new
    expected_names = read_old[0] | ({result.due_sheet} if result.created_due_sheet else set())
    if after_names != expected_names:
        raise WriteError(f"{name}: the new file's sheets differ from the old; nothing was written")
    large = []
    for sheet, cells in before.items():
        if sheet.casefold() == result.due_sheet.casefold():
            continue
        if TOO_LARGE in cells or TOO_LARGE in after[sheet]:
            if cells != after[sheet] and sheet not in result.mark_parts:
                raise WriteError(f"{name}: {sheet} would change; nothing was written")
            if sheet in result.mark_parts:
                _xml_cells_kept(old, data, result, sheet, name)
                large.append(sheet)
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
    due_sheet = after.get(result.due_sheet, {}) if due_read is None else due_read
    if TOO_LARGE in due_sheet:  # counted in the XML instead
        from .xlsx.package import parse_ref

        refs = _sheet_cells(data, result.due_part)
        due_sheet = {parse_ref(ref): True for ref in refs}
        due_sheet.update({(1, c + 1): h for c, h in enumerate(DUE_COLUMNS)})
        large.append(result.due_sheet)
    rows = max((r for r, _ in due_sheet), default=0)
    if rows != len(due.rows) + 1 or any(
        due_sheet.get((1, c + 1)) != h for c, h in enumerate(DUE_COLUMNS)
    ):
        raise WriteError(f"{name}: the Due sheet did not read back; nothing was written")
    for sheet, cols in result.mark_columns.items():
        cells = after.get(sheet, {})
        if TOO_LARGE in cells or sheet not in only_read:
            continue  # compared in the XML, or row by row with its headers
        if any(cells.get((r, c)) != h for r, c, h in _header_cells(result, sheet, cols)):
            raise WriteError(f"{name}: {sheet}'s follow-up columns did not read back")
    if large:
        return (
            f"{', '.join(large)} span(s) too many cells to compare value by value, so they were "
            "compared cell by cell in the file instead"
        )
    return None


def verify_marked(
    path: Path, *, old: bytes, result: PatchResult, due: DueTable, name: str = ""
) -> str | None:
    """Check a written file (see verify_bytes); return a note on what could not be checked."""
    return verify_bytes(path.read_bytes(), old=old, result=result, due=due, name=name or path.name)


def _header_cells(result: PatchResult, sheet: str, cols: tuple[int, int, int]) -> list:
    owned = result.owned_cells.get(sheet, set())
    header_row = min((r for r, _ in owned), default=0)
    return [(header_row, c, h) for c, h in zip(cols, MARK_COLUMNS, strict=True)]


def plan_marks(
    path: Path,
    old: bytes,
    *,
    due: DueTable,
    columns: list[ColumnMarks],
    take_over: bool = False,
    verify: bool = True,
) -> PatchResult:
    """Build and verify the workbook patch in memory; raise WriteError for every refusal.

    `verify=False` is for a run that writes another Due sheet later: the refusals are raised
    and the marked sheets kept for that write, but no Due sheet is built and nothing verified
    (mark_workbook verifies what it writes), so the result's `data` is empty.
    """
    name = Path(path).name
    safewrite.check_backup_dir(path)
    result = patch(old, due=due, columns=columns, name=name, take_over=take_over,
                   remember=not verify)  # fmt: skip
    _memo.marked = result.marked
    if verify:
        verify_bytes(result.data, old=old, result=result, due=due, name=name)
        _memo.plan = (old, due, list(columns), take_over, result)
    return result


def _patch(old: bytes, *, due: DueTable, columns: list[ColumnMarks], name: str,
           take_over: bool) -> PatchResult:  # fmt: skip
    """Return patch()'s result, the one plan_marks made when it was asked the same."""
    plan = _memo.plan
    if plan is not None and plan[1:4] == (due, columns, take_over) and plan[0] == old:
        return plan[4]
    marked, _memo.marked = _memo.marked, None
    return patch(old, due=due, columns=columns, name=name, take_over=take_over, marked=marked)


def mark_workbook(
    path: Path,
    *,
    due: DueTable,
    columns: list[ColumnMarks],
    expected: Fingerprint,
    force: bool = False,
    take_over: bool = False,
    backups: int = 3,
    now: datetime | None = None,
) -> MarkResult:
    """Write the Due sheet and mark columns into the workbook, keeping a backup; say what was done.

    `expected` is the fingerprint taken when the workbook was read: if the file changed since,
    nothing is written. When the new bytes equal the old, nothing is written and no backup
    made. Raises WriteError (nothing written) for every refusal or failure.
    """
    path = Path(path)
    name = path.name
    step("preflight")
    preflight(path, force=force)
    real = path.resolve()  # a symbolic link stays a link: its target is replaced
    with safewrite.run_lock(real):
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
        safewrite.check_backup_dir(real)
        result = _patch(old, due=due, columns=list(columns), name=name, take_over=take_over)
        if result.data == old:
            return MarkResult(
                path=path,
                backup=None,
                due_rows=len(due.rows),
                created_due_sheet=False,
                mark_columns=dict(result.mark_columns),
            )
        backup, note = safewrite.commit(
            real,
            old=old,
            new=result.data,
            expected=expected,
            verify=lambda tmp: verify_marked(tmp, old=old, result=result, due=due, name=name),
            backups=backups,
            now=now,
            original=not result.had_owner_marks,
        )
    return MarkResult(
        path=path,
        backup=backup,
        due_rows=len(due.rows),
        created_due_sheet=result.created_due_sheet,
        mark_columns=dict(result.mark_columns),
        appended_styles=result.appended_styles,
        dropped_calc_chain=result.dropped_calc_chain,
        verify_note=note,
        original=not result.had_owner_marks,
    )
