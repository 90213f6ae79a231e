"""Write the tool-owned marks into the user's workbook, safely, losing nothing else.

The tool owns the Due sheet and three columns at the right end of Interviews and Contacts
(docs/workbook-contract.md). `mark_workbook` writes them through xlsx.patch, or ods.marks for
an .ods (zip/XML surgery: every other part is copied byte for byte), and safewrite (lock
files, backup, verified temporary file, atomic replace). This is the one place that chooses
between the two formats' writers.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import safewrite
from .contract import DUE_COLUMNS, MARK_COLUMNS, col_letter
from .errors import WriteError
from .ods.marks import OdsPatch, patch_ods, read_back, verify_ods
from .opc import parse
from .read.sniff import is_ods
from .safewrite import Fingerprint, fingerprint, preflight, step
from .writecheck import SheetWrite, check_write, due_sheet_links, due_sheet_shape
from .xlsx.columns import ColumnMarks
from .xlsx.duesheet import LETTER, DueTable, letter_link
from .xlsx.patch import MarkedSheets, PatchResult, patch

__all__ = [
    "ColumnMarks",
    "DueTable",
    "Fingerprint",
    "MarkResult",
    "fingerprint",
    "letter_link",
    "mark_workbook",
    "plan_marks",
    "preflight",
    "verify_bytes",
    "verify_marked",
]


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
    #: the backup is the workbook from before the tool first changed it
    original: bool = False


def verify_bytes(data: bytes, *, old: bytes, result: PatchResult, due: DueTable, name: str) -> None:
    """Raise WriteError unless new bytes open, parse, and differ from the old only in the tool's
    cells (writecheck), with its headers and its Due sheet reading back."""
    sheets = [
        SheetWrite(
            part=part,
            sheet=sheet,
            owned=result.owned_cells.get(sheet, set()),
            reads={
                (r, c): h for r, c, h in _header_cells(result, sheet, result.mark_columns[sheet])
            },
        )
        for sheet, part in result.mark_parts.items()
    ]
    check_write(data, old=old, changed=result.changed_members, removed=result.removed_members,
                sheets=sheets, own={result.due_part, result.due_rels_part}, name=name)  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as znew, zipfile.ZipFile(io.BytesIO(old)) as zold:
        sheet_xml = znew.read(result.due_part)
        rows, header = due_sheet_shape(sheet_xml)
        rels = result.due_rels_part
        links = due_sheet_links(sheet_xml, znew.read(rels) if rels in znew.namelist() else None)
        book_new, book_old = znew.read("xl/workbook.xml"), zold.read("xl/workbook.xml")
    names_new, names_old = _sheet_names(book_new), _sheet_names(book_old)
    if rows != len(due.rows) + 1 or header[: len(DUE_COLUMNS)] != list(DUE_COLUMNS):
        raise WriteError(f"{name}: the Due sheet did not read back; nothing was written")
    wanted = {f"{col_letter(LETTER + 1)}{i + 2}": due.links[i] for i in due.linked()}
    if links != wanted:
        raise WriteError(f"{name}: the Due sheet's links did not read back; nothing was written")
    if names_new != ([result.due_sheet] if result.created_due_sheet else []) + names_old:
        raise WriteError(f"{name}: the new file's sheets differ from the old; nothing was written")
    if _local_names(book_new, result.due_sheet) != _local_names(book_old, result.due_sheet):
        raise WriteError(
            f"{name}: a name of one sheet (a print area, a filter) would move to another; "
            "nothing was written"
        )


def _sheet_names(workbook_xml: bytes) -> list[str]:
    """Return the sheet names a workbook part lists, in order."""
    root = parse(workbook_xml)
    return [el.get("name", "") for el in root.iter("{*}sheet")]


def _local_names(workbook_xml: bytes, due_sheet: str) -> list[tuple[str, str, str]]:
    """Return the workbook's sheet-local defined names as (name, its sheet's name, formula),
    the Due sheet's own aside (its filter's range follows its rows)."""
    root = parse(workbook_xml)
    sheets = [el.get("name", "") for el in root.iter("{*}sheet")]
    out = []
    for dn in root.iter("{*}definedName"):
        local = dn.get("localSheetId")
        if local is None:
            continue
        index = int(local) if local.strip().isdigit() else -1
        sheet = sheets[index] if 0 <= index < len(sheets) else ""
        if sheet != due_sheet:
            out.append((dn.get("name", ""), sheet, dn.text or ""))
    return sorted(out)


def verify_marked(
    path: Path, *, old: bytes, result: PatchResult, due: DueTable, name: str = ""
) -> None:
    """Check a written file (see verify_bytes)."""
    verify_bytes(path.read_bytes(), old=old, result=result, due=due, name=name or path.name)


def _header_cells(result: PatchResult, sheet: str, cols: tuple[int, int, int]) -> list:
    owned = result.owned_cells.get(sheet, set())
    header_row = min((r for r, _ in owned), default=0)
    return [(header_row, c, h) for c, h in zip(cols, MARK_COLUMNS, strict=True)]


def plan_marks(
    path: Path,
    old: bytes,
    *,
    columns: list[ColumnMarks],
    take_over: bool = False,
) -> PatchResult | OdsPatch:
    """Mark the sheets in memory; raise WriteError for every refusal.

    The result holds the marked sheets (`marked`) and no workbook: pass them to mark_workbook
    with the same bytes and columns, and the sheets are not marked twice. Nothing is verified
    here: mark_workbook verifies what it writes, before the workbook is replaced, so a
    failure there still leaves everything as it was.
    """
    name = Path(path).name
    safewrite.check_backup_dir(path)
    if is_ods(Path(path)):
        return patch_ods(old, due=None, columns=columns, name=name, take_over=take_over)
    return patch(old, due=None, columns=columns, name=name, take_over=take_over)


def mark_workbook(
    path: Path,
    *,
    due: DueTable,
    columns: list[ColumnMarks],
    expected: Fingerprint,
    force: bool = False,
    take_over: bool = False,
    now: datetime,
    marked: MarkedSheets | None = None,
) -> MarkResult:
    """Write the Due sheet and mark columns into the workbook, keeping a backup; say what was done.

    `expected` is the fingerprint taken when the workbook was read: if the file changed since,
    nothing is written. When the new bytes equal the old, nothing is written and no backup
    made. The backup is dated `now`. `marked` are the sheets plan_marks marked for these
    bytes and columns. Raises WriteError (nothing written) for every refusal or failure.
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
        result: PatchResult | OdsPatch
        if is_ods(real):
            result = patch_ods(old, due=due, columns=list(columns), name=name,
                               take_over=take_over)  # fmt: skip
            written = result

            def verify(tmp: Path) -> None:
                verify_ods(tmp.read_bytes(), old=old, result=written, due=due, name=name)
                read_back(tmp)
        else:
            result = patch(old, due=due, columns=list(columns), name=name, take_over=take_over,
                           marked=marked)  # fmt: skip
            patched = result

            def verify(tmp: Path) -> None:
                verify_marked(tmp, old=old, result=patched, due=due, name=name)

        if result.data == old:
            return MarkResult(
                path=path,
                backup=None,
                due_rows=len(due.rows),
                created_due_sheet=False,
                mark_columns=dict(result.mark_columns),
            )
        backup = safewrite.commit(
            real,
            old=old,
            new=result.data,
            expected=expected,
            verify=verify,
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
        original=not result.had_owner_marks,
    )
