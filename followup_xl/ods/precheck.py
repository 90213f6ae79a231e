"""Check an .ods's content.xml before pandas reads it, in one streaming pass.

An OpenDocument table compresses runs of equal cells and rows into one element with
`table:number-columns-repeated` / `table:number-rows-repeated`. calamine expands them into a
dense grid, so a value repeated over a million rows, or one far from the rest, would make a
grid of billions of cells from a few bytes. Before pandas reads anything, this module walks
content.xml once (lxml iterparse, each row dropped once counted, so memory stays flat) and:

- refuses broken XML, naming the line and column;
- refuses a contract table whose grid would be far larger than the cells holding a value,
  naming the cell whose repeat or place stretches it (the limits of read/precheck.py);
- finds the cells calamine reads otherwise than the .xlsx path: a formula without a saved
  result (NoResult), a time of 24 hours or more (calamine gives its ISO text; it is a
  duration), and a boolean (True/False, as calamine reads an .xlsx boolean).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..contract import col_letter
from ..errors import Problem, WorkbookError
from ..read.precheck import (
    DENSE_FLOOR,
    DENSE_RATIO,
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    Checked,
    NoResult,
    SheetCheck,
    refuse_dtd,
)
from ..read.sniff import check_members
from .content import CONTENT, NS_OFFICE, NS_TABLE

_TABLE = f"{{{NS_TABLE}}}table"
_ROW = f"{{{NS_TABLE}}}table-row"
_CELL = f"{{{NS_TABLE}}}table-cell"
_COVERED = f"{{{NS_TABLE}}}covered-table-cell"
_NAME = f"{{{NS_TABLE}}}name"
_SPREADSHEET = f"{{{NS_OFFICE}}}spreadsheet"
_ROWS_REPEATED = f"{{{NS_TABLE}}}number-rows-repeated"
_COLS_REPEATED = f"{{{NS_TABLE}}}number-columns-repeated"
_FORMULA = f"{{{NS_TABLE}}}formula"
_VALUE_TYPE = f"{{{NS_OFFICE}}}value-type"
_TIME_VALUE = f"{{{NS_OFFICE}}}time-value"
_BOOLEAN_VALUE = f"{{{NS_OFFICE}}}boolean-value"
_ANNOTATION = f"{{{NS_OFFICE}}}annotation"
#: A table wider than this is stretched by its columns: the refusal names that cell.
_WIDE = 1024

_DURATION = re.compile(r"(-)?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


def repeat(element: Any, attr: str) -> int:
    """Return an element's repeat count (1 when absent or not a positive number)."""
    text = element.get(attr)
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


def holds_value(cell: Any) -> bool:
    """Return True when a table cell holds a value, a formula or text (not only a style or
    a comment)."""
    if cell.get(_VALUE_TYPE) is not None or cell.get(_FORMULA) is not None:
        return True
    return any(child.tag != _ANNOTATION for child in cell)


def duration(text: str) -> timedelta | None:
    """Return an ODF time value ("PT36H00M00S") as a timedelta, or None."""
    m = _DURATION.fullmatch(text.strip())
    if m is None:
        return None
    got = timedelta(hours=int(m[2]), minutes=int(m[3]), seconds=float(m[4]))
    return -got if m[1] else got


class _Extent:
    """One contract table's furthest value, the cell that reaches it and its value cells."""

    def __init__(self) -> None:
        self.rows = 0
        self.cols = 0
        self.held = 0
        self.far_row = ""
        self.far_col = ""
        #: the value cell that content.xml repeats the most, and its count of cells
        self.repeated = ""
        self.repeats = 1


def precheck_ods(path: Path, wanted: Iterable[str], match: Any) -> Checked:
    """Check the tables whose names `match` one of `wanted`; raise WorkbookError when the
    package is unreadable or its content.xml broken."""
    name = path.name
    wanted = set(wanted)
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf, name)
            with zf.open(CONTENT) as fh:
                refuse_dtd(fh.read(2048), CONTENT, name)
            with zf.open(CONTENT) as fh:
                return scan_content(fh, wanted, match, name)
    except WorkbookError:
        raise
    except Exception as exc:  # zipfile and lxml raise many types on a damaged package
        text = " ".join(str(exc).split())[:200]
        raise WorkbookError(
            f"cannot be read as a spreadsheet ({type(exc).__name__}: {text}) — {_REPAIR}",
            file=name,
        ) from exc


def scan_content(fh: Any, wanted: set[str], match: Any, book: str) -> Checked:
    """Walk content.xml once; return the tables' names and the wanted tables' checks.

    Only the ends of cells and tables are reported by the parser (half the events of
    reporting rows too): a cell's row is its parent, a new row is met at its first cell.
    """
    from lxml import etree

    checked = Checked([], False)
    extents: dict[str, _Extent] = {}
    events = etree.iterparse(
        fh, events=("end",), tag=(_TABLE, _CELL, _COVERED),
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
    )  # fmt: skip
    name: str | None = None
    table: Any = None
    row: Any = None
    found: SheetCheck | None = None
    extent = _Extent()
    r = c = rows_here = 0
    try:
        for _, el in events:
            if el.tag == _TABLE:
                if el.getparent() is not None and el.getparent().tag == _SPREADSHEET:
                    name = el.get(_NAME, "")
                    checked.sheet_names.append(name)
                    if el is table and found is not None:
                        checked.sheets[name] = found
                        extents[name] = extent
                    el.clear()
                    table = row = None
                continue
            parent = el.getparent()
            if parent is not row:
                owner = parent.getparent()
                while owner is not None and owner.tag != _TABLE:
                    owner = owner.getparent()
                if (
                    owner is None
                    or owner.getparent() is None
                    or (owner.getparent().tag != _SPREADSHEET)
                ):
                    continue  # a cell of a table inside a cell: part of that cell
                if owner is not table:
                    table, r, rows_here = owner, 0, 0
                    found = SheetCheck(CONTENT) if match(owner.get(_NAME, "")) in wanted else None
                    extent = _Extent()
                elif row is not None:
                    row.clear()  # its cells are counted: drop them, and the rows before
                    while row.getprevious() is not None:
                        del row.getparent()[0]
                r += rows_here
                row, rows_here, c = parent, repeat(parent, _ROWS_REPEATED), 0
            cols = repeat(el, _COLS_REPEATED)
            if found is not None and holds_value(el):
                extent.held += 1
                if r + rows_here > extent.rows:
                    extent.rows, extent.far_row = r + rows_here, f"{col_letter(c + 1)}{r + 1}"
                if c + cols > extent.cols:
                    extent.cols, extent.far_col = c + cols, f"{col_letter(c + 1)}{r + 1}"
                if rows_here * cols > extent.repeats:
                    extent.repeats = rows_here * cols
                    extent.repeated = f"{col_letter(c + 1)}{r + 1}"
                _odd(el, r, c, found)
            c += cols
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(Problem(book, _damaged(exc), name)) from exc
    for table_name, ext in extents.items():
        why = _too_large(ext)
        if why is not None:
            checked.problems.append(Problem(book, why[0], table_name, why[1]))
    return checked


#: How to repair a damaged .ods.
_REPAIR = "open it in LibreOffice Calc, let it repair the file, check it and save it again"


def _damaged(exc: Any) -> str:
    """Say that content.xml is broken, where, and how to repair the workbook."""
    what = " ".join(str(getattr(exc, "msg", "") or exc).split())
    what = re.sub(r",? line [0-9]+, column [0-9]+$", "", what)[:160]
    line, column = getattr(exc, "position", None) or (getattr(exc, "lineno", 0), 0)
    return (
        f"its cells (content.xml) are damaged ({what} at line {line}, column {column}), so "
        f"they cannot be read — {_REPAIR}"
    )


def _odd(cell: Any, r: int, c: int, found: SheetCheck) -> None:
    """Note a cell calamine reads otherwise than the .xlsx path would (0-based r, c)."""
    kind = cell.get(_VALUE_TYPE)
    if kind is None and cell.get(_FORMULA) is not None:
        found.odd[r, c] = NoResult()
    elif kind == "boolean":
        found.odd[r, c] = (cell.get(_BOOLEAN_VALUE) or "").strip().lower() == "true"
    elif kind == "time":
        got = duration(cell.get(_TIME_VALUE) or "")
        if got is not None and not timedelta(0) <= got < timedelta(days=1):
            found.odd[r, c] = got


def _too_large(ext: _Extent) -> tuple[str, str] | None:
    """Return (why, cell) when a table's grid is beyond a sheet's size or far too sparse."""
    rows, cols = ext.rows, ext.cols
    # a repeated value stretches the grid most often; else the value placed furthest
    where = ext.repeated or (ext.far_col if cols > _WIDE else ext.far_row)
    if rows > EXCEL_ROWS or cols > EXCEL_COLUMNS:
        return (
            f"has a value repeated or placed beyond the last row or column a sheet has (row "
            f"{EXCEL_ROWS:,}, column {col_letter(EXCEL_COLUMNS)}) — delete what that cell "
            "repeats beyond your table and save",
            where,
        )
    if rows * cols > max(DENSE_FLOOR, DENSE_RATIO * ext.held):
        return (
            f"holds a value repeated or placed far from the rest of the sheet: reading it "
            f"would mean a grid of {rows * cols:,} cells ({rows:,} rows by {cols:,} columns) "
            f"for {ext.held:,} cells that hold data — delete what that cell repeats (or move "
            "it next to your table) and save",
            where,
        )
    return None
