"""The tool-owned Due sheet: one row per open action, written whole on each run."""

from __future__ import annotations

import ntpath
import posixpath
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath, PureWindowsPath
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from ..contract import DUE_COLUMNS, col_letter
from ..ooxml import ROW_HEIGHT, text_width, wrapped_lines
from .cells import CellWriter, Value
from .package import NS_MAIN, NS_PKG_REL, NS_R
from .styles import HEADER_FILL

#: Each column's narrowest and widest width, in characters (contract.DUE_COLUMNS order): a
#: column is as wide as its longest value within these; a longer value wraps.
DUE_WIDTH_LIMITS = ((8, 12), (11, 14), (10, 24), (6, 8), (12, 40), (10, 32), (10, 32),
                    (9, 18), (12, 80), (30, 60))  # fmt: skip
#: Characters a date takes in the user's short date format ("1/25/2027", "25.01.2027").
DATE_WIDTH = 10
#: Characters the autofilter's button takes beside a header.
FILTER_BUTTON = 2
#: The column whose values link to the files they name.
LETTER = DUE_COLUMNS.index("Letter")
REL_HYPERLINK = NS_R + "/hyperlink"
TAB_SELECTED = ' tabSelected="1"'


@dataclass(frozen=True)
class DueTable:
    """The Due sheet: one row per open action, in contract.DUE_COLUMNS order."""

    rows: list[tuple]
    overdue: frozenset[int] = frozenset()
    #: row index -> the link its Letter opens (letter_link)
    links: dict[int, str] = field(default_factory=dict)

    def linked(self) -> list[int]:
        """Return the rows whose Letter is a link, in order."""
        return sorted(i for i in self.links if 0 <= i < len(self.rows) and self.rows[i][LETTER])


def letter_link(letter: PurePath, folder: PurePath) -> str:
    """Return the hyperlink target of a letter for a workbook in `folder` (both absolute):
    its path relative to the folder, URL-encoded with forward slashes, so the link still
    opens when the folder moves with its letters; a file:// URL on another Windows drive."""
    paths = ntpath if isinstance(letter, PureWindowsPath) else posixpath
    try:
        relative = paths.relpath(str(letter), str(folder))
    except ValueError:  # no relative path from one Windows drive to another
        return letter.as_uri()
    return quote(relative.replace(paths.sep, "/"))


def due_sheet_xml(
    due: DueTable, cells: CellWriter, *, selected: bool = False
) -> tuple[bytes, str, bytes | None]:
    """Return the whole Due worksheet (its tab `selected` when the workbook opens on it), its
    autofilter range and its relationships part (the Letter column's hyperlinks; None without
    any)."""
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
        f'<sheetViews><sheetView{TAB_SELECTED if selected else ""} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
    ]
    shown = [list(map(shown_width, row)) for row in due.rows]
    widths = column_widths(shown)
    linked = due.linked()
    is_link = set(linked)
    for i, width in enumerate(widths, start=1):
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
        # A value wider than its column wraps inside it (the Why, a long name), so the sheet
        # prints one page wide; spreadsheets do not grow a row for wrapped text on opening,
        # so the row is sized for its longest wrapped value.
        long = [w >= widths[c] for c, w in enumerate(shown[i])]
        wrap = [c == ncols - 1 or long[c] for c in range(ncols)]
        # a wrapped line breaks between words, so it holds fewer characters than the column
        lines = max(
            wrapped_lines(str(v), int(widths[c] * 0.9)) if long[c] else 1 for c, v in enumerate(row)
        )
        height = f' ht="{ROW_HEIGHT * lines}" customHeight="1"' if lines > 1 else ""
        out.append(f'<row r="{r}" spans="1:{ncols}"{height}>')
        for c, value in enumerate(row, start=1):
            link = c - 1 == LETTER and i in is_link
            style = cells.style(value, overdue=overdue, wrap=wrap[c - 1], top=lines > 1, link=link)
            xml = cells.xml(f"{col_letter(c)}{r}", value, style)
            if xml is None and overdue:  # keep the highlight across the whole row
                xml = f'<c r="{col_letter(c)}{r}" s="{cells.style(None, overdue=True)}"/>'
            out.append(xml or "")
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="{ref}"/>')
    if linked:
        out.append("<hyperlinks>")
        for n, i in enumerate(linked, start=1):
            out.append(f'<hyperlink ref="{col_letter(LETTER + 1)}{i + 2}" r:id="rId{n}"/>')
        out.append("</hyperlinks>")
    out.append(
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    )
    out.append("</worksheet>")
    return "".join(out).encode("utf-8"), ref, _links_part(due, linked)


def _links_part(due: DueTable, linked: list[int]) -> bytes | None:
    """Return the Due sheet's relationships part: one external hyperlink per linked row."""
    if not linked:
        return None
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<Relationships xmlns="{NS_PKG_REL}">',
    ]
    for n, i in enumerate(linked, start=1):
        out.append(
            f'<Relationship Id="rId{n}" Type="{REL_HYPERLINK}" '
            f'Target={quoteattr(due.links[i])} TargetMode="External"/>'
        )
    out.append("</Relationships>")
    return "".join(out).encode("utf-8")


def shown_width(value: Value) -> int:
    """Return how many characters a cell shows for value (a date in a short date format)."""
    if isinstance(value, str):
        return text_width(value)
    if value is None:
        return 0
    if isinstance(value, date):
        return DATE_WIDTH
    return text_width(str(value))


def column_widths(shown: list[list[int]]) -> list[int]:
    """Return each Due column's width from its rows' shown widths (shown_width): its longest
    value or header (with the filter's button), and a character's margin, within
    DUE_WIDTH_LIMITS."""
    out = []
    for c, (name, (lo, hi)) in enumerate(zip(DUE_COLUMNS, DUE_WIDTH_LIMITS, strict=True)):
        longest = max([text_width(name) + FILTER_BUTTON, *(row[c] for row in shown)])
        out.append(min(max(longest + 1, lo), hi))
    return out
