"""The workbook part: workbook.xml, its relationships, [Content_Types].xml, defined names.

The tool's own Due sheet and columns are recognised on the next run by defined names it
writes here (the owner marks).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from ..contract import col_letter
from ..errors import WriteError
from ..ooxml import is_date1904
from ..opc import rels_part, resolve
from .package import (
    CELL_REF,
    CONTENT_TYPES,
    CT_RELATIONSHIPS,
    CT_STYLES,
    CT_WORKSHEET,
    NS_CT,
    NS_PKG_REL,
    NS_R,
    REL_CALC_CHAIN,
    REL_OFFICE_DOCUMENT,
    REL_STYLES,
    REL_WORKSHEET,
    STRICT_R,
    Package,
    parse_range,
    q,
)

#: Defined names the tool writes to recognise its own Due sheet and columns on the next run.
#: Excel and LibreOffice keep defined names on every save and move their ranges with the
#: cells, and a deleted sheet or column turns them into #REF!, so a marker never outlives
#: what it marks.
OWNER_PREFIX = "_FollowupXL_"
OWNER_DUE = OWNER_PREFIX + "Due"
OWNER_COLUMNS = OWNER_PREFIX + "Columns"
TAKE_OVER_OPTION = "--take-over"


_MARKER_AREA = re.compile(
    r"(?:'((?:[^']|'')+)'|([^'!,()]+))!"
    r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
)


_PROTECTION = re.compile(rb"<(?:\w+:)?sheetProtection\b[^>]*>")


def _on(value: str | bytes | None) -> bool:
    """Return True for an XML boolean that is set ("1" or "true")."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return (value or "").strip().lower() in ("1", "true")


def _attr(tag: bytes, name: bytes) -> bytes | None:
    """Return an attribute's value from an element's start tag, or None."""
    found = re.search(rb"\s" + name + rb"\s*=\s*[\"']([^\"']*)[\"']", tag)
    return found.group(1) if found else None


def quote_sheet(name: str) -> str:
    """Return a sheet name as a formula writes it (quoted unless a plain identifier)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not CELL_REF.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def parse_marker(text: str) -> tuple[str, list[tuple[int, int, int, int]]] | None:
    """Return (sheet, areas) of an ownership marker's formula, or None when it is #REF!."""
    sheet = None
    areas = []
    for m in _MARKER_AREA.finditer(text or ""):
        name = m.group(1).replace("''", "'") if m.group(1) else m.group(2).strip()
        if sheet is not None and name.casefold() != sheet.casefold():
            return None
        sheet = name
        areas.append(parse_range(m.group(3)))
    return (sheet, areas) if sheet is not None else None


@dataclass
class Sheet:
    name: str
    sheet_id: int
    rid: str
    part: str
    rel_type: str
    element: etree._Element


class WorkbookPart:
    """workbook.xml, its relationships and [Content_Types].xml, edited in place."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        root_rels = pkg.xml("_rels/.rels")
        if root_rels is None:
            raise WriteError(f"{pkg.name} is not an Excel workbook (no _rels/.rels part)")
        self.part = ""
        for rel in root_rels.getroot():
            rtype = rel.get("Type", "")
            if rtype == STRICT_R + "/officeDocument":
                pkg.strict = True
            if pkg.rel_type(rel) == REL_OFFICE_DOCUMENT:
                self.part = resolve("", rel.get("Target", ""))
        if not self.part or pkg.find(self.part) is None:
            raise WriteError(f"{pkg.name} is not an Excel workbook (no workbook part)")
        self.part = pkg.find(self.part) or self.part
        self.tree = pkg.tree(self.part)
        root = self.tree.getroot()
        if root.tag != q("workbook"):
            raise WriteError(f"{pkg.name} is not an Excel workbook (its main part is {root.tag})")
        self.rels_part = rels_part(self.part)
        rels = pkg.xml(self.rels_part)
        if rels is None:
            raise WriteError(f"{pkg.name} is damaged: {self.rels_part} is missing")
        self.rels = rels
        types = pkg.xml(CONTENT_TYPES)
        if types is None:
            raise WriteError(
                f"{pkg.name} is damaged: its part {CONTENT_TYPES} is missing, so the tool "
                "cannot add its Due sheet safely: open the workbook in Excel or LibreOffice, "
                "save it as .xlsx, and run again"
            )
        self.types = types
        self.dirty: set[str] = set()
        pr = root.find(q("workbookPr"))
        self.date1904 = pr is not None and is_date1904(pr.get("date1904"))
        self.sheets = self._sheets()

    def structure_locked(self) -> bool:
        """Return True when the workbook's structure is protected (no sheet may be added)."""
        lock = self.tree.getroot().find(q("workbookProtection"))
        return lock is not None and _on(lock.get("lockStructure"))

    def protection_problem(self, sheet: Sheet, what: str) -> str | None:
        """Return why the tool may not write `what` into a protected sheet, or None."""
        member = self.pkg.find(sheet.part)
        data = self.pkg.members[member] if member is not None else b""
        at = data.rfind(b"sheetProtection")  # after the cells: near the end
        if at == -1:
            return None
        found = _PROTECTION.search(data, max(at - 40, 0))
        if found is None or not _on(_attr(found.group(0), b"sheet")):
            return None
        return (
            f"{self.pkg.name}: {sheet.name} is protected, so the tool cannot write {what} "
            "there: unprotect it (Excel: Review > Unprotect Sheet; LibreOffice: Tools > Protect "
            "Sheet) and run again; protect it again afterwards if you like"
        )

    def _rel_by_id(self) -> dict[str, etree._Element]:
        return {r.get("Id", ""): r for r in self.rels.getroot()}

    def _sheets(self) -> list[Sheet]:
        by_id = self._rel_by_id()
        out = []
        sheets_el = self.tree.getroot().find(q("sheets"))
        for el in [] if sheets_el is None else sheets_el.findall(q("sheet")):
            rid = el.get(f"{{{NS_R}}}id", "")
            rel = by_id.get(rid)
            part = resolve(self.part, rel.get("Target", "")) if rel is not None else ""
            out.append(
                Sheet(
                    name=el.get("name", ""),
                    sheet_id=int(el.get("sheetId", "0") or 0),
                    rid=rid,
                    part=self.pkg.find(part) or part,
                    rel_type="" if rel is None else self.pkg.rel_type(rel),
                    element=el,
                )
            )
        return out

    def sheet(self, name: str) -> Sheet | None:
        """Return the sheet of this name (sheet names ignore case in Excel), or None."""
        for s in self.sheets:
            if s.name.casefold() == name.casefold():
                return s
        return None

    def add_sheet(self, name: str, *, first: bool = False) -> Sheet:
        """Add a new worksheet to <sheets> (at the end, or `first` in the tab order), the
        workbook rels and the content types."""
        folder = posixpath.dirname(self.part)
        n = 1
        while self.pkg.find(posixpath.join(folder, f"worksheets/sheet{n}.xml")):
            n += 1
        part = posixpath.join(folder, f"worksheets/sheet{n}.xml")
        ids = set(self._rel_by_id())
        k = len(ids) + 1
        while f"rId{k}" in ids:
            k += 1
        rid = f"rId{k}"
        rel = etree.SubElement(self.rels.getroot(), f"{{{NS_PKG_REL}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", self.pkg.new_rel_type(REL_WORKSHEET))
        rel.set("Target", posixpath.relpath(part, folder) if folder else part)
        self._add_override(part, CT_WORKSHEET)
        root = self.tree.getroot()
        sheets_el = root.find(q("sheets"))
        if sheets_el is None:
            raise WriteError(f"{self.pkg.name} is damaged: its workbook part lists no sheets")
        sheet_id = max((s.sheet_id for s in self.sheets), default=0) + 1
        # r:id with the prefix Excel writes: readers such as ExcelJS match "r:id" literally,
        # and a workbook whose root does not declare r (openpyxl) would otherwise get ns0:id
        declared = root.nsmap.get("r") in (NS_R, STRICT_R)
        nsmap = None if declared or self.pkg.strict else {"r": NS_R}
        el = etree.SubElement(sheets_el, q("sheet"), nsmap=nsmap)
        el.set("name", name)
        el.set("sheetId", str(sheet_id))
        el.set(f"{{{NS_R}}}id", rid)
        self.dirty |= {self.part, self.rels_part, CONTENT_TYPES}
        sheet = Sheet(name, sheet_id, rid, part, REL_WORKSHEET, el)
        if first and self.sheets:
            self.sheets[0].element.addprevious(el)
            self._shift_sheet_indices()
            self.sheets.insert(0, sheet)
        else:
            self.sheets.append(sheet)
        return sheet

    def _shift_sheet_indices(self) -> None:
        """Count every sheet position one further, after a sheet was put first: each
        sheet-local name (print areas, filters) and each view's tabs stay on their sheet."""
        root = self.tree.getroot()
        names = root.find(q("definedNames"))
        for dn in [] if names is None else names.findall(q("definedName")):
            local = dn.get("localSheetId")
            if local is not None and local.strip().isdigit():
                dn.set("localSheetId", str(int(local) + 1))
        for view in root.iterfind(f"{q('bookViews')}/{q('workbookView')}"):
            # a view without an active tab opened on the first sheet: it still opens on it
            for attr, default in (("activeTab", "0"), ("firstSheet", None)):
                value = view.get(attr, default)
                if value is not None and value.strip().isdigit():
                    view.set(attr, str(int(value) + 1))

    def active_index(self) -> int:
        """Return the position of the sheet the workbook opens on (its first view's tab)."""
        view = self.tree.getroot().find(f"{q('bookViews')}/{q('workbookView')}")
        value = "0" if view is None else (view.get("activeTab") or "0").strip()
        return int(value) if value.isdigit() else 0

    def register_rels(self) -> None:
        """Give relationships parts their content type, when the package names none for them."""
        root = self.types.getroot()
        for d in root.findall(f"{{{NS_CT}}}Default"):
            if d.get("Extension", "").lower() == "rels":
                return
        d = etree.Element(f"{{{NS_CT}}}Default")
        d.set("Extension", "rels")
        d.set("ContentType", CT_RELATIONSHIPS)
        root.insert(0, d)
        self.dirty.add(CONTENT_TYPES)

    def _add_override(self, part: str, content_type: str) -> None:
        root = self.types.getroot()
        name = "/" + part.lstrip("/")
        for o in root.findall(f"{{{NS_CT}}}Override"):
            if o.get("PartName", "").lower() == name.lower():
                o.set("ContentType", content_type)
                return
        o = etree.SubElement(root, f"{{{NS_CT}}}Override")
        o.set("PartName", name)
        o.set("ContentType", content_type)

    def styles_part(self) -> str:
        """Return the styles part, creating an empty registration for it when absent."""
        for r in self.rels.getroot():
            if self.pkg.rel_type(r) == REL_STYLES:
                return resolve(self.part, r.get("Target", ""))
        folder = posixpath.dirname(self.part)
        part = posixpath.join(folder, "styles.xml")
        ids = set(self._rel_by_id())
        k = len(ids) + 1
        while f"rId{k}" in ids:
            k += 1
        rel = etree.SubElement(self.rels.getroot(), f"{{{NS_PKG_REL}}}Relationship")
        rel.set("Id", f"rId{k}")
        rel.set("Type", self.pkg.new_rel_type(REL_STYLES))
        rel.set("Target", "styles.xml")
        self._add_override(part, CT_STYLES)
        self.dirty |= {self.rels_part, CONTENT_TYPES}
        return part

    def drop_calc_chain(self) -> bool:
        """Remove calcChain.xml (Excel rebuilds it) after a formula cell was replaced."""
        dropped = False
        for r in list(self.rels.getroot()):
            if self.pkg.rel_type(r) == REL_CALC_CHAIN:
                part = resolve(self.part, r.get("Target", ""))
                self.rels.getroot().remove(r)
                self.pkg.remove(part)
                for o in self.types.getroot().findall(f"{{{NS_CT}}}Override"):
                    if o.get("PartName", "").lstrip("/").lower() == part.lower():
                        self.types.getroot().remove(o)
                self.dirty |= {self.rels_part, CONTENT_TYPES}
                dropped = True
        return dropped

    def owner_marks(self) -> list[tuple[str, str, list[tuple[int, int, int, int]]]]:
        """Return the tool's ownership markers: (defined name, sheet, areas)."""
        names = self.tree.getroot().find(q("definedNames"))
        out = []
        for dn in [] if names is None else names.findall(q("definedName")):
            name = dn.get("name", "")
            if dn.get("localSheetId") is not None:
                continue
            if not name.casefold().startswith(OWNER_PREFIX.casefold()):
                continue
            parsed = parse_marker(dn.text or "")
            if parsed is not None:
                out.append((name, parsed[0], parsed[1]))
        return out

    def owns_sheet(self, sheet: Sheet) -> bool:
        """Return True when the tool's marker says it made this sheet."""
        return any(
            name.casefold() == OWNER_DUE.casefold() and target.casefold() == sheet.name.casefold()
            for name, target, _ in self.owner_marks()
        )

    def owned_columns(self, sheet: Sheet, header_row: int) -> set[int]:
        """Return the columns whose header cell the tool's markers say it wrote."""
        cols: set[int] = set()
        for name, target, areas in self.owner_marks():
            if not name.casefold().startswith(OWNER_COLUMNS.casefold()):
                continue
            if target.casefold() != sheet.name.casefold():
                continue
            for r1, c1, r2, c2 in areas:
                if r1 <= header_row <= r2:
                    cols.update(range(c1, c2 + 1))
        return cols

    def set_owner_marks(self, due: Sheet, columns: dict[str, tuple[int, tuple[int, ...]]]) -> None:
        """Replace the tool's markers: its Due sheet, and each sheet's (header row, columns)."""
        names = self._defined_names()
        wanted = [(OWNER_DUE, f"{quote_sheet(due.name)}!$A$1")]
        for i, (sheet, (row, cols)) in enumerate(sorted(columns.items()), start=1):
            refs = [f"{quote_sheet(sheet)}!${col_letter(c)}${row}" for c in sorted(cols)]
            lo, hi = min(cols), max(cols)
            if hi - lo + 1 == len(set(cols)):
                refs = [f"{quote_sheet(sheet)}!${col_letter(lo)}${row}:${col_letter(hi)}${row}"]
            wanted.append((f"{OWNER_COLUMNS}{i}", ",".join(refs)))
        current = [
            (dn.get("name", ""), dn.text or "", dn.get("hidden"))
            for dn in names.findall(q("definedName"))
            if dn.get("localSheetId") is None
            and dn.get("name", "").casefold().startswith(OWNER_PREFIX.casefold())
        ]
        if current == [(n, t, "1") for n, t in wanted]:
            return
        for dn in names.findall(q("definedName")):
            if dn.get("localSheetId") is None and dn.get("name", "").casefold().startswith(
                OWNER_PREFIX.casefold()
            ):
                names.remove(dn)
        for name, text in wanted:
            dn = etree.SubElement(names, q("definedName"))
            dn.set("name", name)
            dn.set("hidden", "1")
            dn.text = text
        self.dirty.add(self.part)

    def _defined_names(self) -> etree._Element:
        """Return the workbook's <definedNames>, adding it in schema order when missing."""
        root = self.tree.getroot()
        names = root.find(q("definedNames"))
        if names is None:
            names = etree.Element(q("definedNames"))
            anchor = root.find(q("sheets"))
            for tag in ("functionGroups", "externalReferences"):
                found = root.find(q(tag))
                if found is not None:
                    anchor = found
            if anchor is None:
                raise WriteError(f"{self.pkg.name} is damaged: its workbook part lists no sheets")
            anchor.addnext(names)
        return names

    def set_filter_name(self, sheet: Sheet, ref: str) -> None:
        """Set the hidden _xlnm._FilterDatabase name Excel keeps for a sheet's autofilter."""
        index = self.sheets.index(sheet)
        quoted = quote_sheet(sheet.name)
        r1, c1, r2, c2 = parse_range(ref)
        text = f"{quoted}!${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
        names = self._defined_names()
        for dn in names.findall(q("definedName")):
            if dn.get("name") == "_xlnm._FilterDatabase" and dn.get("localSheetId") == str(index):
                if dn.text != text:
                    dn.text = text
                    self.dirty.add(self.part)
                return
        dn = etree.SubElement(names, q("definedName"))
        dn.set("name", "_xlnm._FilterDatabase")
        dn.set("localSheetId", str(index))
        dn.set("hidden", "1")
        dn.text = text
        self.dirty.add(self.part)

    def save(self) -> None:
        """Write back the index parts that were changed."""
        for part, tree in (
            (self.part, self.tree),
            (self.rels_part, self.rels),
            (CONTENT_TYPES, self.types),
        ):
            if part in self.dirty:
                self.pkg.put(part, self.pkg.serialize(tree))
