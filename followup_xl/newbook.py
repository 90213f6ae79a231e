"""Write a new workbook in the contract: what `followup-xl init` and `demo` make.

The workbook is built with openpyxl from contract.py alone, so it is exactly the workbook the
reader expects. Only new files are built this way: the user's own workbook is never loaded and
saved through openpyxl, whose round trip drops charts, sparklines and extension lists.

Output is deterministic: the same arguments give a byte-identical file (the document's dates
are the creation date, every zip member is dated 1980-01-01 as Excel dates them), which lets
a test prove that workbook_template.xlsx at the repo root is what `init` writes.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import contract as C
from .errors import WriteError
from .example import example_rows
from .guide import CODE, GUIDE, HEADING, TEXT, TITLE
from .ooxml import ROW_HEIGHT, wrapped_lines

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.dimensions import ColumnDimension
    from openpyxl.worksheet.worksheet import Worksheet

#: Rows 2..LAST_ROW get the drop-down lists and whole-number checks.
LAST_ROW = 1000
#: Creation date stored in a blank workbook, so that it never changes between runs.
BLANK_CREATED = datetime(2026, 1, 1)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
INTEGER_FORMAT = "0"
HEADER_FILL = "FFDCE6F1"  # ARGB, as styles.xml stores it
#: Every zip member's date, the earliest a zip can hold; Excel dates its members so too.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Pixels of Calibri 11's widest digit, and of the padding Excel adds to a column's digits.
_DIGIT_PX, _PADDING_PX = 7, 5

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
    """Raise WriteError if `path` exists: init never replaces a workbook."""
    if path.exists():
        raise WriteError(
            f"{path} already exists: choose another name or delete it first "
            "(init never overwrites a workbook)"
        )


def _build(rows: dict[str, list[dict[str, object]]], created: datetime) -> bytes:
    """Return the whole workbook as .xlsx bytes, built with openpyxl in memory."""
    from openpyxl import Workbook
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty "Sheet" every new workbook starts with
    props = wb.properties
    props.title = "Job-search follow-up workbook"
    props.subject = "Interviews, contacts and follow-ups"
    props.creator = props.lastModifiedBy = "followup-xl"
    props.description = "Made by followup-xl init; see the sheet 'How to use'."
    props.created = props.modified = created
    styles = _Styles()
    _write_guide(wb.create_sheet(C.GUIDE_SHEET), styles)
    text_ranges = {}
    for sheet, columns in C.SHEETS.items():
        ws = wb.create_sheet(sheet)
        text_ranges[sheet] = _write_table(ws, styles, sheet, columns, rows.get(sheet, []))
    for ws in wb.worksheets:
        # Excel's "Normal" margins, in inches (openpyxl's own are wider).
        ws.page_margins = PageMargins(0.7, 0.7, 0.75, 0.75, header=0.3, footer=0.3)
    wb.active = 0
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, not wb.save: save stamps `modified` with the clock.
        ExcelWriter(wb, archive).write_data()
    # A worksheet's part name (xl/worksheets/sheetN.xml) is known once it is written.
    tails = {wb[sheet].path[1:]: _ignored_errors(r) for sheet, r in text_ranges.items() if r}
    return _pinned(raw.getvalue(), tails)


def _ignored_errors(ranges: list[str]) -> bytes:
    """Return the element that hides Excel's "number stored as text" triangle on `ranges`."""
    sqref = " ".join(ranges)
    return (
        f'<ignoredErrors><ignoredError sqref="{sqref}" numberStoredAsText="1"/></ignoredErrors>'
    ).encode()


def _pinned(data: bytes, tails: dict[str, bytes]) -> bytes:
    """Return the .xlsx `data` with every member dated 1980-01-01, each tail added to its part.

    openpyxl dates zip members with the clock and does not write a worksheet's ignoredErrors,
    so both are done here. The tail goes last in the worksheet, where the schema places it
    after the page setup (the sheets hold no drawing or table, which would follow it).
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            if info.filename in tails:
                body = body.replace(b"</worksheet>", tails[info.filename] + b"</worksheet>")
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _stored_width(chars: float) -> float:
    """Return the width Excel stores for a column `chars` digits wide (ECMA-376 18.3.1.13).

    Excel adds 5 pixels of padding to the digits (7 pixels each in Calibri 11) and keeps
    1/256ths of a character; typing 12 in Excel's Column Width box stores 12.7109375.
    """
    return math.trunc((chars * _DIGIT_PX + _PADDING_PX) / _DIGIT_PX * 256) / 256


@dataclass(frozen=True)
class _Look:
    """How a cell or a whole column looks: the parts it sets, None keeping the default."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None

    def apply(self, target: Cell | MergedCell | ColumnDimension) -> None:
        """Give `target` each part this look sets."""
        if self.font is not None:
            target.font = self.font
        if self.fill is not None:
            target.fill = self.fill
        if self.border is not None:
            target.border = self.border
        if self.alignment is not None:
            target.alignment = self.alignment
        if self.number_format is not None:
            target.number_format = self.number_format


class _Styles:
    """The workbook's few looks, made once per workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.styles.colors import Color

        def font(*, bold: bool = False, size: int = 11, name: str = "Calibri") -> Font:
            # Every font names its face, size and colour (the theme's text), as Excel's do.
            scheme: Literal["minor"] | None = "minor" if name == "Calibri" else None
            return Font(
                name=name, size=size, bold=bold, family=2, color=Color(theme=1), scheme=scheme
            )

        fill = PatternFill("solid", fgColor=HEADER_FILL)
        wrap_top = Alignment(wrap_text=True, vertical="top")
        self.header = _Look(
            font=font(bold=True),
            fill=fill,
            border=Border(bottom=Side(style="thin", color=Color(auto=True))),
            alignment=wrap_top,
        )
        self.field = _Look(font=font(bold=True), number_format=TEXT_FORMAT)
        # Dates keep Excel's right alignment: a typed date that stays left is text, a hint.
        self.date = _Look(number_format=DATE_FORMAT)
        self.datetime = _Look(number_format=DATETIME_FORMAT)
        self.text = _Look(number_format=TEXT_FORMAT)
        self.integer = _Look(number_format=INTEGER_FORMAT)
        self.title = _Look(font=font(bold=True, size=16))
        self.heading = _Look(font=font(bold=True, size=12), fill=fill)
        self.para = _Look(alignment=wrap_top)
        self.code = _Look(
            font=font(name="Courier New"), alignment=Alignment(horizontal="left", indent=2)
        )

    def for_column(self, col: C.Column) -> _Look | None:
        """Return the look a column's cells get, or None for General."""
        if col.kind == C.DATE:
            return self.date
        if col.kind == C.DATETIME:
            return self.datetime
        if col.kind == C.INTEGER:
            return self.integer
        if col.keep_text:
            return self.text
        return None


def _write_guide(ws: Worksheet, styles: _Styles) -> None:
    """Write the "How to use" sheet: one wide column of paragraphs, printed a page wide."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.column_dimensions["A"].width = _stored_width(100)
    ws.sheet_view.showGridLines = False
    ws.sheet_view.tabSelected = True  # the sheet in front when the workbook opens
    # Printed one page wide, as many pages long as it takes.
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    looks = {TITLE: styles.title, HEADING: styles.heading, TEXT: styles.para, CODE: styles.code}
    row = 1
    for kind, text in GUIDE:
        if kind == HEADING:
            row += 1  # a blank line before each heading
        if kind == TEXT:
            # Give each paragraph its lines rather than rely on the app to grow the row.
            ws.row_dimensions[row].height = ROW_HEIGHT * wrapped_lines(text, 95)
        _write_text(ws, row, 1, text, looks[kind])
        row += 1


def _write_table(
    ws: Worksheet,
    styles: _Styles,
    sheet: str,
    columns: tuple[C.Column, ...],
    rows: list[dict[str, object]],
) -> list[str]:
    """Write one contract sheet; return its text ranges (no "number stored as text" mark)."""
    from openpyxl.utils import get_column_letter

    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2" if sheet in _FREEZE_FIRST_COLUMN else "A2"
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"  # the header row on every printed page
    text_ranges = []
    for c, col in enumerate(columns, start=1):
        letter = get_column_letter(c)
        dim = ws.column_dimensions[letter]
        dim.width = _stored_width(col.width)
        look = styles.for_column(col)
        if sheet == C.PROFILE_SHEET:
            # Field names are labels, every value (ZIP, phones) is text.
            look = styles.field if c == 1 else styles.text
        if look is not None:
            look.apply(dim)
        _write_text(ws, 1, c, col.name, styles.header)
        _add_validation(ws, sheet, letter, col)
        if col.keep_text or sheet == C.PROFILE_SHEET:
            text_ranges.append(f"{letter}2:{letter}{LAST_ROW}")
    if sheet == C.PROFILE_SHEET:
        _add_country_check(ws)
    for r, record in enumerate(rows, start=2):
        for c, col in enumerate(columns, start=1):
            _write_cell(ws, styles, r, c, col, record.get(col.name), sheet)
    return text_ranges


def _write_text(ws: Worksheet, r: int, c: int, text: str, look: _Look | None) -> None:
    """Write `text` as a string, even one that starts with "=" (never a formula)."""
    cell = ws.cell(r, c)
    cell.value = text
    cell.data_type = "s"
    if look is not None:
        look.apply(cell)


def _write_cell(
    ws: Worksheet, styles: _Styles, r: int, c: int, col: C.Column, value: object, sheet: str
) -> None:
    """Write one value of a row with its column's format; leave an empty value blank."""
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        has_time = value.time() != time()
        cell = ws.cell(r, c, value)
        (styles.datetime if has_time else styles.date).apply(cell)
    elif isinstance(value, date):
        cell = ws.cell(r, c, datetime.combine(value, time()))
        styles.date.apply(cell)
    elif isinstance(value, int) and not isinstance(value, bool):
        cell = ws.cell(r, c, value)
        styles.integer.apply(cell)
    else:
        if sheet == C.PROFILE_SHEET:
            look: _Look | None = styles.field if c == 1 else styles.text
        else:
            look = styles.text if col.keep_text else None
        _write_text(ws, r, c, str(value), look)


def _validation(
    kind: Literal["list", "whole", "textLength"],
    sqref: str,
    formula: str,
    *,
    title: str,
    error: str,
    operator: Literal["equal", "greaterThanOrEqual"] | None = None,
    warn_only: bool = False,
    prompt: str | None = None,
) -> DataValidation:
    """Return a check on `sqref` that allows blanks and shows its messages, as Excel's do."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=kind,
        formula1=formula,
        operator=operator,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        # Excel's limits: 32 characters of title, 255 of message.
        errorTitle=title[:32],
        error=error[:255],
        errorStyle="warning" if warn_only else None,
        promptTitle=title[:32] if prompt else None,
        prompt=prompt,
    )
    dv.add(sqref)
    return dv


def _add_country_check(ws: Worksheet) -> None:
    """Accept only a two-letter code in Profile's Country value."""
    row = 2 + C.PROFILE_FIELDS.index("Country")
    dv = _validation(
        "textLength",
        f"B{row}",
        "2",
        operator="equal",
        title="Country",
        error="Use a two-letter country code such as US, GB or DE.",
        prompt="Two-letter code: US, GB, DE ... (working days, holidays)",
    )
    ws.add_data_validation(dv)


def _add_validation(ws: Worksheet, sheet: str, letter: str, col: C.Column) -> None:
    """Add the drop-down list or whole-number check of one column, rows 2..LAST_ROW."""
    from openpyxl.utils import get_column_letter

    sqref = f"{letter}2:{letter}{LAST_ROW}"
    if col.kind == C.LIST:
        dv = _validation(
            "list",
            sqref,
            '"{}"'.format(",".join(col.choices)),
            title=col.name,
            error=f"Pick a {col.name} from the drop-down list: {', '.join(col.choices)}",
            warn_only=bool(col.aliases),
        )
    elif col.kind == C.INTEGER:
        dv = _validation(
            "whole",
            sqref,
            "0",
            operator="greaterThanOrEqual",
            title=col.name,
            error=f"{col.name} is a whole number of days, e.g. 45 when told '30 to 60 days'.",
        )
    elif (sheet, col.name) in _ID_LISTS:
        src_sheet, src_col = _ID_LISTS[(sheet, col.name)]
        names = [other.name for other in C.SHEETS[src_sheet]]
        src = get_column_letter(1 + names.index(src_col))
        dv = _validation(
            "list",
            sqref,
            f"'{src_sheet}'!${src}$2:${src}${LAST_ROW}",
            title=f"Unknown {col.name}",
            error=f"This {col.name} is not on the {src_sheet} sheet yet. "
            "Add it there, or leave this cell blank.",
            # A warning, not a stop: the user may type a row here before the other one.
            warn_only=True,
        )
    else:
        return
    ws.add_data_validation(dv)


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
