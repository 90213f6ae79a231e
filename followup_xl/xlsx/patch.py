"""Patch an .xlsx: write the tool-owned parts, copy everything else byte for byte.

A plain openpyxl load/save loses what openpyxl does not model (x14 validations, data bars,
sparklines, shapes, threaded comments, pictures in cells, custom XML, cached formula results).
So this package never round-trips the workbook through a spreadsheet library. It opens the zip,
edits only the parts it must (the marked sheets, the Due sheet, and the few index parts that
list a sheet or a style), and copies every other member unchanged. Nothing here touches disk.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from concurrent.futures import Future
from dataclasses import dataclass, field

from lxml import etree

from ..contract import DUE_COLUMNS, DUE_SHEET
from ..errors import WriteError
from ..opc import rels_part
from ..zipwrite import Member
from .cells import CellWriter
from .columns import ColumnMarks, SheetMarker
from .duesheet import DueTable, due_sheet_xml
from .package import NS_MAIN, NS_R, REL_WORKSHEET, STRICT_MAIN, STRICT_R, Package
from .sheetread import SharedStrings, cell_text
from .styles import Styles
from .workbook import TAKE_OVER_OPTION, WorkbookPart


@dataclass
class PatchResult:
    """The new package, and what was changed, for verification and tests."""

    data: bytes
    #: zip members whose bytes were written, added or removed by the patch
    changed_members: set[str] = field(default_factory=set)
    removed_members: set[str] = field(default_factory=set)
    due_sheet: str = DUE_SHEET
    due_part: str = ""
    #: the Due sheet's relationships part (its hyperlinks), the tool's like the sheet
    due_rels_part: str = ""
    #: sheet parts whose only change is their tab no longer selected (the new Due sheet's is)
    created_due_sheet: bool = False
    #: sheet name -> 1-based (row, column) cells the tool wrote or cleared
    owned_cells: dict[str, AbstractSet[tuple[int, int]]] = field(default_factory=dict)
    #: sheet name -> the 1-based columns of Next Action, Next Due, Follow-up Status
    mark_columns: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: sheet name -> its worksheet part
    mark_parts: dict[str, str] = field(default_factory=dict)
    appended_styles: int = 0
    dropped_calc_chain: bool = False
    #: the workbook already carried the tool's markers (it has written to it before)
    had_owner_marks: bool = False
    #: without a Due table: the marked sheets, for the patch that writes the Due sheet
    marked: MarkedSheets | None = None


def _has_due_header(pkg: Package, part: str, sst: SharedStrings) -> bool:
    """Return True when a sheet's first row holds the Due sheet's column names.

    The owner marker alone is not proof: a program that deletes a sheet but keeps the
    workbook's defined names leaves it naming a sheet the user may since have made.
    """
    member = pkg.find(part)
    if member is None:
        return False
    try:
        for _, row in etree.iterparse(io.BytesIO(pkg.members[member]), tag="{*}row"):
            texts = [cell_text(c, sst).strip().casefold() for c in row.iterchildren("{*}c")]
            return texts[: len(DUE_COLUMNS)] == [c.casefold() for c in DUE_COLUMNS]
    except etree.XMLSyntaxError:
        return False
    return False


#: The names of Styles.xf's arguments, in the order of its cache keys.
_XF_ARGS = ("bold", "font_color", "fill", "num_fmt", "quote_prefix", "wrap", "top", "underline")


@dataclass
class MarkedSheets:
    """The sheets one patch marked, for a second patch that differs only in its Due sheet
    (a run plans its patch, renders the letters, then writes the Due sheet listing them):
    their parts, and the styles their cells asked for, in order."""

    #: the SHA-256 of the workbook they were marked in (the workbook itself is not held)
    digest: bytes
    columns: list[ColumnMarks]
    take_over: bool
    styles: list[tuple]
    #: the marked sheets' parts, compressed (or being compressed) as the write stores them
    parts: dict[str, Future[Member]]
    had_formula: bool
    owned_cells: dict[str, AbstractSet[tuple[int, int]]]
    mark_columns: dict[str, tuple[int, int, int]]
    mark_parts: dict[str, str]
    headers: dict[str, int]

    def same(self, data: bytes, columns: list[ColumnMarks], take_over: bool) -> bool:
        """Return True when these are the workbook and marks the sheets were marked from."""
        return self.take_over == take_over and self.columns == columns and self.of(data)

    def of(self, data: bytes) -> bool:
        """Return True when these sheets were marked in this workbook."""
        return hashlib.sha256(data).digest() == self.digest


def patch(
    data: bytes,
    *,
    due: DueTable | None,
    columns: Iterable[ColumnMarks],
    name: str = "workbook",
    take_over: bool = False,
    marked: MarkedSheets | None = None,
) -> PatchResult:
    """Return the workbook with the Due sheet and the mark columns written, all else kept.

    A Due sheet or a mark column the tool did not make (no marker of its own) is the user's:
    WriteError lists every one, unless `take_over` hands them over. Without a Due table
    (`due` None) it stops once the sheets are marked: the result says what would be marked,
    holds the marked sheets (`marked`) and its `data` is empty. Passing those as `marked` to
    the patch that writes the Due sheet of the same workbook and marks saves marking them
    again.
    """
    pkg = Package(data, name, checked=marked is not None and marked.of(data))
    wb = WorkbookPart(pkg)
    styles_part = wb.styles_part()
    styles = Styles(pkg.xml(styles_part))
    cells = CellWriter(styles, wb.date1904)
    result = PatchResult(data=b"")
    had_formula = False
    columns = list(columns)
    names = [c.sheet.casefold() for c in columns]
    if len(set(names)) != len(names):
        raise ValueError("each sheet may be marked only once")
    if DUE_SHEET.casefold() in names:
        raise ValueError("the Due sheet is written whole, not marked")
    sst = SharedStrings(pkg, wb)
    result.had_owner_marks = bool(wb.owner_marks())
    sheet = wb.sheet(DUE_SHEET)
    problems: list[str] = []
    if sheet is not None and sheet.rel_type != REL_WORKSHEET:
        problems.append(
            f"{name}: the sheet {sheet.name!r} is not a worksheet (a chart sheet?); the tool "
            f"writes its list of due follow-ups to a sheet named {DUE_SHEET}: rename that "
            "sheet and run again"
        )
    elif (
        sheet is not None
        and not take_over
        and not (wb.owns_sheet(sheet) and _has_due_header(pkg, sheet.part, sst))
    ):
        problems.append(
            f"{name}: {sheet.name}: this sheet was not made by followup-xl, which writes its "
            f"list of due follow-ups to its own sheet named {DUE_SHEET} and would replace this "
            f'one: rename your sheet (e.g. "My {sheet.name}"), or pass {TAKE_OVER_OPTION} to '
            "hand it over to the tool"
        )
    if sheet is None and wb.structure_locked():
        problems.append(
            f"{name}: the workbook's structure is protected, so the tool cannot add its "
            f"{DUE_SHEET} sheet: unprotect it (Excel: Review > Protect Workbook; LibreOffice: "
            "Tools > Protect Spreadsheet Structure) and run again"
        )
    if sheet is not None and sheet.rel_type == REL_WORKSHEET:
        problems += filter(None, [wb.protection_problem(sheet, "its list of due follow-ups")])
    # sheets marked a moment ago in these same bytes passed these checks then
    reuse = marked is not None and marked.same(data, columns, take_over)
    for marks in [] if reuse else columns:
        target = wb.sheet(marks.sheet)
        if target is not None:
            problems += filter(None, [wb.protection_problem(target, "its follow-up columns")])
    if marked is not None and reuse and not problems:
        # the same sheets marked the same way a moment ago (only the Due sheet differs): the
        # same styles, asked for in the same order, get the same numbers
        for want in marked.styles:
            styles.xf(**dict(zip(_XF_ARGS, want, strict=True)))
        for part, member in marked.parts.items():
            pkg.put_packed(part, member)
        had_formula = marked.had_formula
        result.owned_cells = dict(marked.owned_cells)
        result.mark_columns = dict(marked.mark_columns)
        result.mark_parts = dict(marked.mark_parts)
        headers = dict(marked.headers)
    else:
        markers = [SheetMarker(pkg, wb, cells, marks) for marks in columns]
        for marker in markers:
            problems += marker.plan(sst, take_over=take_over)
        if problems:
            raise WriteError("\n".join(problems))
        for marker in markers:
            cols, owned = marker.apply(sst)
            had_formula = had_formula or marker.had_formula
            result.owned_cells[marker.sheet.name] = owned
            result.mark_columns[marker.sheet.name] = cols
            result.mark_parts[marker.sheet.name] = marker.sheet.part
        headers = {m.sheet.name: m.marks.header_row for m in markers}
    if due is None:
        result.marked = MarkedSheets(
            hashlib.sha256(data).digest(), list(columns), take_over, list(styles.cache),
            pkg.pack(result.mark_parts.values()),
            had_formula, dict(result.owned_cells), dict(result.mark_columns),
            dict(result.mark_parts), headers)  # fmt: skip
        return result  # the next patch writes the Due sheet: building one here is wasted

    if sheet is None:
        # a new Due sheet comes first in the tab order, where the user looks first; the
        # workbook still opens on the sheet the user left it on, and a Due sheet the user has
        # moved since stays where it is
        sheet = wb.add_sheet(DUE_SHEET, first=True)
        result.created_due_sheet = True
    else:
        old = pkg.read(sheet.part)
        if old is not None and b"<f" in old and re.search(rb"<(\w+:)?f[ >/]", old):
            had_formula = True
    selected = wb.active_index() == wb.sheets.index(sheet)
    xml, ref, links = due_sheet_xml(due, cells, selected=selected)
    if pkg.strict:
        xml = xml.replace(NS_MAIN.encode(), STRICT_MAIN.encode()).replace(
            NS_R.encode(), STRICT_R.encode()
        )
        links = links and links.replace(NS_R.encode(), STRICT_R.encode())
    pkg.put(sheet.part, xml)
    # the sheet's relationships are its hyperlinks alone: written whole, or gone without any
    links_part = rels_part(sheet.part)
    if links:
        wb.register_rels()
        pkg.put(links_part, links)
    else:
        pkg.remove(links_part)
    wb.set_filter_name(sheet, ref)
    wb.set_owner_marks(
        sheet, {name: (row, result.mark_columns[name]) for name, row in headers.items()}
    )
    result.due_sheet, result.due_part = sheet.name, sheet.part
    result.due_rels_part = pkg.find(links_part) or links_part
    if had_formula:
        result.dropped_calc_chain = wb.drop_calc_chain()
    if styles.appended or styles.created:
        pkg.put(styles_part, pkg.serialize(styles.tree))
    wb.save()
    result.appended_styles = styles.appended
    result.changed_members = set(pkg.changed)
    result.removed_members = set(pkg.removed)
    result.data = pkg.to_bytes()
    return result
