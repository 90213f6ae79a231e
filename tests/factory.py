"""Build real .xlsx workbooks for tests, in the contract's shape or deliberately not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup_xl import contract as C

DEFAULT_PROFILE = {
    "Name": "Alex Rivera",
    "Street": "12 Elm Street",
    "City": "Boston",
    "State": "MA",
    "ZIP": "02134",
    "Phone": "617-555-0100",
    "Cell": "617-555-0199",
    "Email": "alex.rivera@example.com",
    "Country": "US",
}


def write_sheets(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    date1904: bool = False,
    text_cells: bool = False,
) -> Path:
    """Write sheets of raw rows (first row = header) with XlsxWriter; dates become real dates."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904, "strings_to_numbers": False})
    # a fixed creation time: the same sheets make the same bytes, whatever the clock says
    wb.set_properties({"created": datetime(2026, 11, 1, 9, 0, 0)})
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dtfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, dtfmt)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, datetime(value.year, value.month, value.day), dfmt)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    wb.close()
    return path


def contract_sheets(
    *,
    profile: Mapping[str, Any] | None = None,
    interviews: Sequence[Mapping[str, Any]] = (),
    contacts: Sequence[Mapping[str, Any]] = (),
    log: Sequence[Mapping[str, Any]] = (),
) -> dict[str, list[list[Any]]]:
    """Return the four contract sheets as raw rows, headers in contract order."""
    prof = dict(DEFAULT_PROFILE, **(profile or {}))
    sheets: dict[str, list[list[Any]]] = {
        C.PROFILE_SHEET: [["Field", "Value"]] + [[k, v] for k, v in prof.items()],
    }
    for name, cols, rows in (
        (C.INTERVIEWS_SHEET, C.INTERVIEW_COLUMNS, interviews),
        (C.CONTACTS_SHEET, C.CONTACT_COLUMNS, contacts),
        (C.LOG_SHEET, C.LOG_COLUMNS, log),
    ):
        header = [c.name for c in cols]
        unknown = {k for row in rows for k in row} - set(header)
        assert not unknown, f"test bug: unknown columns {unknown}"
        sheets[name] = [header] + [[row.get(h) for h in header] for row in rows]
    return sheets


def make_book(path: Path, **kwargs: Any) -> Path:
    """Write a contract workbook from dict rows (see contract_sheets) and return its path."""
    date1904 = kwargs.pop("date1904", False)
    return write_sheets(path, contract_sheets(**kwargs), date1904=date1904)


def read_values(data: bytes) -> dict[str, dict[tuple[int, int], Any]] | None:
    """Return every worksheet's values by 1-based (row, column), read by python-calamine itself
    (a reader independent of the tool's code), or None when it cannot open the bytes."""
    import io

    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = {}
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            out[meta.name] = {
                (r + 1, c + 1): v
                for r, row in enumerate(rows)
                for c, v in enumerate(row)
                if v != ""
            }
    except Exception:  # calamine raises its own error types for a damaged package
        return None
    return out
