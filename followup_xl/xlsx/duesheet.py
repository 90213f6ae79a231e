"""The tool-owned Due sheet: one row per open action, written whole on each run."""

from __future__ import annotations

import ntpath
import posixpath
from collections.abc import Sequence
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
#: The kind of an empty Due cell (CellWriter.kind gives plain text the same kind as none).
EMPTY = "empty"


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
    # Written a column at a time: a column's values repeat (a status, a date, a channel), and
    # each distinct value is measured and rendered once; the cells of a row then take their
    # style and reference.
    columns = [_rendered(values, cells) for values in zip(*due.rows, strict=True)]
    columns = columns or [((), (), ())] * ncols
    widths = column_widths([shown for shown, _, _ in columns])
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
    # A value wider than its column wraps inside it (the Why, a long name), so the sheet
    # prints one page wide: row index -> the columns whose value wraps there
    wide: dict[int, list[int]] = {}
    for c, (shown, _, _) in enumerate(columns):
        for i, w in enumerate(shown):
            if w >= widths[c]:
                wide.setdefault(i, []).append(c)
    row_bodies = list(zip(*(body for _, body, _ in columns), strict=True))
    row_kinds = list(zip(*(kind for _, _, kind in columns), strict=True))
    # a row's markup but its number and values, by what decides it: each cell's kind (an
    # empty one's too), overdue, the wrapped cells, the lines and the link
    templates: dict[tuple, str] = {}
    for i, row in enumerate(due.rows):
        long = wide.get(i, ())
        # spreadsheets do not grow a row for wrapped text on opening, so the row is sized for
        # its longest wrapped value; a wrapped line breaks between words, so it holds fewer
        # characters than the column
        lines = max([1, *(wrapped_lines(str(row[c]), int(widths[c] * 0.9)) for c in long)])
        key = (row_kinds[i], i in due.overdue, tuple(long), lines, i in is_link)
        template = templates.get(key)
        if template is None:
            template = templates[key] = _row_template(cells, row, *key[1:])
        out.append(template.format(i + 2, *row_bodies[i]))
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


def _rendered(values: tuple[Value, ...], cells: CellWriter) -> tuple[tuple, tuple, tuple]:
    """Return a Due column's shown widths, cell bodies (CellWriter.body) and kinds (an empty
    cell's is EMPTY), each distinct value measured and rendered once."""
    keys = list(zip(map(type, values), values, strict=True))  # True and 1 are not written alike
    seen: dict[tuple[type, Value], tuple[int, str | None, object]] = {}
    for typ, value in dict.fromkeys(keys):
        body = cells.body(value)
        seen[typ, value] = (
            shown_width(value),
            body,
            cells.kind(value) if body is not None else EMPTY,
        )
    shown, bodies, kinds = zip(*map(seen.__getitem__, keys), strict=True)
    return shown, bodies, kinds


def _row_template(
    cells: CellWriter, row: tuple, overdue: bool, long: tuple[int, ...], lines: int, link: bool
) -> str:
    """Return a Due row's markup as a format string of its number ({0}) and its cells' bodies
    ({1} on, CellWriter.body), each cell's style asked for in the order the cells are written
    (a style first asked for gets the next number)."""
    ncols = len(row)
    height = f' ht="{ROW_HEIGHT * lines}" customHeight="1"' if lines > 1 else ""
    out = [f'<row r="{{0}}" spans="1:{ncols}"{height}>']
    for c, value in enumerate(row):
        letter = col_letter(c + 1)
        style = cells.style(value, overdue=overdue, wrap=c == ncols - 1 or c in long,
                            top=lines > 1, link=link and c == LETTER)  # fmt: skip
        if cells.body(value) is not None:
            attr = f' s="{style}"' if style else ""
            out.append(f'<c r="{letter}{{0}}"{attr}{{{c + 1}}}')
        elif overdue:  # keep the highlight across the whole row
            out.append(f'<c r="{letter}{{0}}" s="{cells.style(None, overdue=True)}"/>')
    out.append("</row>")
    return "".join(out)


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


def column_widths(shown: Sequence[Sequence[int]]) -> list[int]:
    """Return each Due column's width from the shown widths of its values (shown_width, one
    list per column): its longest value or header (with the filter's button), and a
    character's margin, within DUE_WIDTH_LIMITS."""
    out = []
    for c, (name, (lo, hi)) in enumerate(zip(DUE_COLUMNS, DUE_WIDTH_LIMITS, strict=True)):
        longest = max([text_width(name) + FILTER_BUTTON, *shown[c]])
        out.append(min(max(longest + 1, lo), hi))
    return out
