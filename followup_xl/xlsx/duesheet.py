"""The tool-owned Due sheet: one row per open action, written whole on each run."""

from __future__ import annotations

from dataclasses import dataclass

from ..contract import DUE_COLUMNS, col_letter
from ..ooxml import ROW_HEIGHT, wrapped_lines
from .cells import CellWriter
from .package import NS_MAIN, NS_R
from .styles import HEADER_FILL

DUE_WIDTHS = (11, 12, 22, 7, 24, 22, 22, 14, 30, 60)


@dataclass(frozen=True)
class DueTable:
    """The Due sheet: one row per open action, in contract.DUE_COLUMNS order."""

    rows: list[tuple]
    overdue: frozenset[int] = frozenset()


def due_sheet_xml(due: DueTable, cells: CellWriter) -> tuple[bytes, str]:
    """Return the whole Due worksheet and its autofilter range."""
    ncols = len(DUE_COLUMNS)
    for i, row in enumerate(due.rows):
        if len(row) != ncols:
            raise ValueError(f"Due row {i} has {len(row)} values, expected {ncols}")
    last = col_letter(ncols)
    nrows = len(due.rows) + 1
    ref = f"A1:{last}{nrows}"
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">',
        # Printed landscape, one page wide, so the list reads on paper without cut columns.
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="{ref}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
    ]
    for i, width in enumerate(DUE_WIDTHS[:ncols], start=1):
        out.append(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
    out.append("</cols><sheetData>")
    header = cells.styles.xf(bold=True, fill=HEADER_FILL)
    out.append(f'<row r="1" spans="1:{ncols}">')
    for c, name in enumerate(DUE_COLUMNS, start=1):
        out.append(cells.xml(f"{col_letter(c)}1", name, header) or "")
    out.append("</row>")
    for i, row in enumerate(due.rows):
        r = i + 2
        overdue = i in due.overdue
        # Spreadsheets do not grow a row for wrapped text on opening: size it for the Why.
        lines = wrapped_lines(str(row[-1] or ""), int(DUE_WIDTHS[ncols - 1] * 0.9))
        height = f' ht="{ROW_HEIGHT * lines}" customHeight="1"' if lines > 1 else ""
        out.append(f'<row r="{r}" spans="1:{ncols}"{height}>')
        for c, value in enumerate(row, start=1):
            # The long Why text wraps inside its column, so the sheet prints one page wide.
            style = cells.style(value, overdue=overdue, wrap=c == ncols, top=lines > 1)
            xml = cells.xml(f"{col_letter(c)}{r}", value, style)
            if xml is None and overdue:  # keep the highlight across the whole row
                xml = f'<c r="{col_letter(c)}{r}" s="{cells.style(None, overdue=True)}"/>'
            out.append(xml or "")
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="{ref}"/>')
    out.append(
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    )
    out.append("</worksheet>")
    return "".join(out).encode("utf-8"), ref
