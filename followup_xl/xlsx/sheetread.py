"""Read the cells already on a worksheet: shared strings, rows, a cell's text."""

from __future__ import annotations

from lxml import etree

from ..contract import col_letter
from ..opc import resolve
from .package import NS_R, Package, parse_ref, q
from .workbook import WorkbookPart


class SharedStrings:
    """The shared-string table, read only for the few header cells that need it."""

    def __init__(self, pkg: Package, wb: WorkbookPart) -> None:
        self.pkg, self.wb = pkg, wb
        self.items: list[etree._Element] | None = None

    def __getitem__(self, index: int) -> str:
        if self.items is None:
            self.items = []
            for r in self.wb.rels.getroot():
                if self.pkg.rel_type(r) == NS_R + "/sharedStrings":
                    tree = self.pkg.xml(resolve(self.wb.part, r.get("Target", "")))
                    if tree is not None:
                        self.items = tree.getroot().findall(q("si"))
        si = self.items[index]
        return "".join(t.text or "" for t in si.iter(q("t")) if not _in_phonetic(t))


def cell_text(c: etree._Element, sst: SharedStrings) -> str:
    """Return a cell's text, in the transitional or the Strict namespace."""
    t = c.get("t")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter("{*}t"))
    v = c.findtext("{*}v") or ""
    if t == "s":
        try:
            return sst[int(v)]
        except (ValueError, IndexError):
            return ""
    return v


def _in_phonetic(t: etree._Element) -> bool:
    """Return True for the text of a phonetic reading (rPh), which is not the cell's value."""
    parent = t.getparent()
    return parent is not None and parent.tag == q("rPh")


def row_cells(row: etree._Element, r: int) -> dict[int, etree._Element]:
    """Return a parsed row's cells by 1-based column, each given its reference if it had none."""
    cells: dict[int, etree._Element] = {}
    prev = 0
    missing = False
    for c in row.iterchildren(q("c")):
        ref = c.get("r")
        col = parse_ref(ref)[1] if ref else prev + 1
        missing = missing or not ref
        cells[col] = c
        prev = col
    if missing:  # cells without r are positional: give them all an explicit reference
        for col, c in cells.items():
            c.set("r", f"{col_letter(col)}{r}")
    return cells
