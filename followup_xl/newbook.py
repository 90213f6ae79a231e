"""Write a new, empty (or example) workbook in the contract: what `followup-xl init` makes.

The workbook is built from contract.py alone, so it is exactly the workbook the reader
expects. Output is deterministic: the same arguments give a byte-identical file (fixed
creation date, fixed zip timestamps), which lets a test prove that workbook_template.xlsx
at the repo root is what `init` writes.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from . import contract as C
from .errors import WriteError
from .example import example_rows
from .guide import CODE, GUIDE, HEADING, TEXT, TITLE
from .ooxml import ROW_HEIGHT, wrapped_lines

#: Rows 2..LAST_ROW get the drop-down lists and whole-number checks.
LAST_ROW = 1000
#: Creation date stored in a blank workbook, so that it never changes between runs.
BLANK_CREATED = datetime(2026, 1, 1)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
INTEGER_FORMAT = "0"
HEADER_FILL = "#DCE6F1"

#: Sheets whose first column (the ID) stays in view when scrolling right.
_FREEZE_FIRST_COLUMN = frozenset({C.INTERVIEWS_SHEET, C.CONTACTS_SHEET})
#: Text columns that hold an ID from another sheet: (sheet, column) -> (sheet, ID column).
_ID_LISTS = {
    (C.CONTACTS_SHEET, "Interview ID"): (C.INTERVIEWS_SHEET, "Interview ID"),
    (C.LOG_SHEET, "Interview ID"): (C.INTERVIEWS_SHEET, "Interview ID"),
    (C.LOG_SHEET, "Contact ID"): (C.CONTACTS_SHEET, "Contact ID"),
}


def _blank_rows() -> dict[str, list[dict[str, object]]]:
    """Return the rows of a blank workbook: the Profile fields, Country defaulting to US."""
    values = {"Country": "US"}
    profile: list[dict[str, object]] = [
        {"Field": f, "Value": values.get(f, "")} for f in C.PROFILE_FIELDS
    ]
    return {C.PROFILE_SHEET: profile}


# --- writing -------------------------------------------------------------------------------


def write_workbook(path: Path, *, example: bool = False, today: date | None = None) -> None:
    """Write a new contract workbook (optionally with the example) to `path`; never overwrite.

    `today` dates the example (the system date when None); a blank workbook does not depend
    on it. The file is written to a temporary name in the same folder, then moved into place.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WriteError(f"{path}: the workbook's name must end in .xlsx, e.g. tracker.xlsx")
    _refuse_existing(path)
    if not path.parent.is_dir():
        raise WriteError(f"{path}: the folder {path.parent} does not exist: create it first")
    if example:
        today = today or date.today()
        rows, created = example_rows(today), datetime.combine(today, time())
    else:
        rows, created = _blank_rows(), BLANK_CREATED
    data = _build(rows, created)
    # A fresh name (not mkstemp) so the file gets the user's usual permissions.
    # A short one, so that a workbook name near the 255-byte limit still fits.
    from .safewrite import short_name

    tmp = path.with_name(f".{short_name(path.name, 100)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _refuse_existing(path)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write the workbook: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise WriteError(
            f"{path} already exists: choose another name or delete it first "
            "(init never overwrites a workbook)"
        )


def _build(rows: dict[str, list[dict[str, object]]], created: datetime) -> bytes:
    """Return the whole workbook as .xlsx bytes (XlsxWriter in memory: fixed zip times)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_properties(
        {
            "title": "Job-search follow-up workbook",
            "subject": "Interviews, contacts and follow-ups",
            "author": "followup-xl",
            "comments": "Made by followup-xl init; see the sheet 'How to use'.",
            "created": created,
        }
    )
    fmt = _Formats(wb)
    _write_guide(wb, fmt)
    for sheet, columns in C.SHEETS.items():
        _write_table(wb, fmt, sheet, columns, rows.get(sheet, []))
    wb.close()
    return buf.getvalue()


class _Formats:
    """The workbook's few cell formats, made once."""

    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": HEADER_FILL,
                "bottom": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.field = wb.add_format({"bold": True, "num_format": TEXT_FORMAT})
        # Dates keep Excel's right alignment: a typed date that stays left is text, a hint.
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.datetime = wb.add_format({"num_format": DATETIME_FORMAT})
        self.text = wb.add_format({"num_format": TEXT_FORMAT})
        self.integer = wb.add_format({"num_format": INTEGER_FORMAT})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "bg_color": HEADER_FILL})
        self.para = wb.add_format({"text_wrap": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Courier New", "indent": 2})

    def for_column(self, col: C.Column) -> Any:
        """Return the number format a column's cells get, or None for General."""
        if col.kind == C.DATE:
            return self.date
        if col.kind == C.DATETIME:
            return self.datetime
        if col.kind == C.INTEGER:
            return self.integer
        if col.keep_text:
            return self.text
        return None


def _write_guide(wb: Any, fmt: _Formats) -> None:
    ws = wb.add_worksheet(C.GUIDE_SHEET)
    ws.set_column(0, 0, 100)
    ws.hide_gridlines(2)
    ws.fit_to_pages(1, 0)
    styles = {TITLE: fmt.title, HEADING: fmt.heading, TEXT: fmt.para, CODE: fmt.code}
    row = 0
    for kind, text in GUIDE:
        if kind == HEADING:
            row += 1  # a blank line before each heading
        if kind == TEXT:
            # Give each paragraph its lines rather than rely on the app to grow the row.
            ws.set_row(row, ROW_HEIGHT * wrapped_lines(text, 95))
        ws.write_string(row, 0, text, styles[kind])
        row += 1
    ws.activate()


def _write_table(
    wb: Any,
    fmt: _Formats,
    sheet: str,
    columns: tuple[C.Column, ...],
    rows: list[dict[str, object]],
) -> None:
    from xlsxwriter.utility import xl_col_to_name

    ws = wb.add_worksheet(sheet)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1 if sheet in _FREEZE_FIRST_COLUMN else 0)
    ws.set_landscape()
    ws.repeat_rows(0)  # the header row on every printed page
    text_ranges = []
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width, fmt.for_column(col))
        ws.write_string(0, c, col.name, fmt.header)
        _add_validation(ws, sheet, c, col)
        if col.keep_text or sheet == C.PROFILE_SHEET:
            text_ranges.append(f"{xl_col_to_name(c)}2:{xl_col_to_name(c)}{LAST_ROW}")
    if text_ranges:
        # No green "number stored as text" triangles on ZIP codes and phone numbers.
        ws.ignore_errors({"number_stored_as_text": " ".join(text_ranges)})
    if sheet == C.PROFILE_SHEET:
        # Field names are labels, every value (ZIP, phones) is text.
        ws.set_column(0, 0, columns[0].width, fmt.field)
        ws.set_column(1, 1, columns[1].width, fmt.text)
        ws.data_validation(
            1 + C.PROFILE_FIELDS.index("Country"),
            1,
            1 + C.PROFILE_FIELDS.index("Country"),
            1,
            {
                "validate": "length",
                "criteria": "==",
                "value": 2,
                "input_title": "Country",
                "input_message": "Two-letter code: US, GB, DE ... (working days, holidays)",
                "error_title": "Country",
                "error_message": "Use a two-letter country code such as US, GB or DE.",
            },
        )
    for r, record in enumerate(rows, start=1):
        for c, col in enumerate(columns):
            _write_cell(ws, fmt, r, c, col, record.get(col.name), sheet)


def _write_cell(
    ws: Any, fmt: _Formats, r: int, c: int, col: C.Column, value: object, sheet: str
) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        has_time = value.time() != time()
        ws.write_datetime(r, c, value, fmt.datetime if has_time else fmt.date)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime.combine(value, time()), fmt.date)
    elif isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt.integer)
    else:
        if sheet == C.PROFILE_SHEET:
            style = fmt.field if c == 0 else fmt.text
        else:
            style = fmt.text if col.keep_text else None
        ws.write_string(r, c, str(value), style)


def _add_validation(ws: Any, sheet: str, c: int, col: C.Column) -> None:
    """Add the drop-down list or whole-number check of one column, rows 2..LAST_ROW."""
    from xlsxwriter.utility import xl_col_to_name

    first, last = 1, LAST_ROW - 1
    if col.kind == C.LIST:
        allowed = ", ".join(col.choices)
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": list(col.choices),
                "error_title": col.name[:32],
                "error_message": f"Pick a {col.name} from the drop-down list: {allowed}"[:255],
            },
        )
    elif col.kind == C.INTEGER:
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 0,
                "error_title": col.name[:32],
                "error_message": f"{col.name} is a whole number of days, e.g. 45 when told "
                "'30 to 60 days'.",
            },
        )
    elif (sheet, col.name) in _ID_LISTS:
        src_sheet, src_col = _ID_LISTS[(sheet, col.name)]
        letter = xl_col_to_name([other.name for other in C.SHEETS[src_sheet]].index(src_col))
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": f"='{src_sheet}'!${letter}$2:${letter}${LAST_ROW}",
                # A warning, not a stop: the user may type a row here before the other one.
                "error_type": "warning",
                "error_title": f"Unknown {col.name}"[:32],
                "error_message": f"This {col.name} is not on the {src_sheet} sheet yet. "
                f"Add it there, or leave this cell blank.",
            },
        )


def main(argv: list[str] | None = None) -> int:
    """Regenerate the blank template: python -m followup_xl.newbook workbook_template.xlsx."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m followup_xl.newbook OUT.xlsx (overwrites OUT)\n")
        return 2
    out = Path(args[0])
    out.unlink(missing_ok=True)
    write_workbook(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
