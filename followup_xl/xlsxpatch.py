"""Surgery on an .xlsx package: write the tool-owned parts, copy everything else byte for byte.

A plain openpyxl load/save loses what openpyxl does not model (x14 validations, data bars,
sparklines, shapes, threaded comments, pictures in cells, custom XML, cached formula results).
So this module never round-trips the workbook through a spreadsheet library. It opens the zip,
edits only the parts it must (the marked sheets, the Due sheet, and the few index parts that
list a sheet or a style), and copies every other member unchanged. Nothing here touches disk.
"""

from __future__ import annotations

import bisect
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote
from xml.sax.saxutils import escape

from lxml import etree

from .contract import DUE_COLUMNS, DUE_SHEET, MARK_COLUMNS, col_letter, norm_header
from .errors import WriteError

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
#: Strict Open XML uses other namespace names for the same markup: it is translated on read
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_R = "http://purl.oclc.org/ooxml/officeDocument/relationships"
REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_STYLES = NS_R + "/styles"
REL_CALC_CHAIN = NS_R + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CONTENT_TYPES = "[Content_Types].xml"

#: Defined names the tool writes to recognise its own Due sheet and columns on the next run.
#: Excel and LibreOffice keep defined names on every save and move their ranges with the
#: cells, and a deleted sheet or column turns them into #REF!, so a marker never outlives
#: what it marks.
OWNER_PREFIX = "_FollowupXL_"
OWNER_DUE = OWNER_PREFIX + "Due"
OWNER_COLUMNS = OWNER_PREFIX + "Columns"
TAKE_OVER_OPTION = "--take-over"

MAX_ROW = 1_048_576
MAX_COL = 16_384
#: Fixed zip timestamp of members this module creates, so a second run gives the same bytes.
NEW_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)

OVERDUE_FILL = "FFFFC7CE"  # Excel's "Bad" cell style: light red fill, dark red text
OVERDUE_FONT = "FF9C0006"
HEADER_FILL = "FFD9E1F2"
DUE_WIDTHS = (11, 12, 22, 7, 24, 22, 22, 14, 30, 60)
MARK_WIDTHS = (22, 12, 16)
#: Text starting with one of these is a formula when typed; it is stored as text and shown
#: with Excel's quote prefix so that editing the cell later does not turn it into one.
FORMULA_START = ("=", "+", "-", "@")

Value = str | date | int | float | None

XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_MARKER_AREA = re.compile(
    r"(?:'((?:[^']|'')+)'|([^'!,()]+))!"
    r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
)
_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
#: characters XML cannot carry (and \r, which XML parsers turn into \n): Excel's _xHHHH_ form
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DueTable:
    """The Due sheet: one row per open action, in contract.DUE_COLUMNS order."""

    rows: list[tuple]
    overdue: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ColumnMarks:
    """The three tool-owned columns of one sheet (Interviews or Contacts)."""

    sheet: str
    header_row: int
    last_user_column: int
    data_rows: tuple[int, ...]
    values: dict[int, tuple[str | None, date | None, str | None]]


@dataclass
class PatchResult:
    """The new package, and what was changed, for verification and tests."""

    data: bytes
    #: zip members whose bytes were written, added or removed by the patch
    changed_members: set[str] = field(default_factory=set)
    removed_members: set[str] = field(default_factory=set)
    due_sheet: str = DUE_SHEET
    due_part: str = ""
    created_due_sheet: bool = False
    #: sheet name -> 1-based (row, column) cells the tool wrote or cleared
    owned_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    #: sheet name -> the 1-based columns of Next Action, Next Due, Follow-up Status
    mark_columns: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: sheet name -> its worksheet part
    mark_parts: dict[str, str] = field(default_factory=dict)
    appended_styles: int = 0
    dropped_calc_chain: bool = False
    #: the workbook already carried the tool's markers (it has written to it before)
    had_owner_marks: bool = False


# --- small helpers ------------------------------------------------------------------------


def col_index(letters: str) -> int:
    """Return the 1-based index of column letters (A -> 1)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """Return (row, column) of an A1 reference."""
    m = _CELL_REF.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """Return (row1, col1, row2, col2) of an A1 range such as B2:D9 or C3."""
    a, _, b = ref.partition(":")
    r1, c1 = parse_ref(a)
    r2, c2 = parse_ref(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def q(tag: str) -> str:
    """Return the Clark name of a SpreadsheetML main-namespace tag."""
    return f"{{{NS_MAIN}}}{tag}"


def ooxml_text(text: str) -> str:
    """Return text as Excel stores it: `_xHHHH_` escapes for control characters."""
    if "_" not in text and (text.isprintable() or not _ILLEGAL.search(text)):
        return text
    text = _ESCAPED.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def date_serial(value: date, date1904: bool) -> float | None:
    """Return the Excel serial of a date (or datetime), or None when Excel cannot show it."""
    if isinstance(value, datetime):
        day = value.date()
        frac = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    else:
        day, frac = value, 0.0
    if date1904:
        serial = (day - date(1904, 1, 1)).days
        if serial < 0:
            return None
    else:
        # Excel counts the non-existent 1900-02-29, so serials from March 1900 are one higher.
        if day < date(1900, 1, 1):
            return None
        serial = (day - date(1899, 12, 31)).days
        if day >= date(1900, 3, 1):
            serial += 1
    return serial + frac


def quote_sheet(name: str) -> str:
    """Return a sheet name as a formula writes it (quoted unless a plain identifier)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not _CELL_REF.match(name):
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


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _parse(data: bytes, where: str) -> etree._ElementTree:
    try:
        return etree.ElementTree(etree.fromstring(data, XML_PARSER))
    except etree.XMLSyntaxError as exc:
        raise WriteError(f"{where} is not well-formed XML ({exc}); nothing was written") from exc


def _serialize(tree: etree._ElementTree) -> bytes:
    # Written by hand: Office writes a double-quoted declaration, lxml a single-quoted one.
    standalone = ' standalone="no"' if tree.docinfo.standalone is False else ' standalone="yes"'
    body = etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=False)
    return f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\r\n'.encode() + body


def _key(el: etree._Element) -> tuple:
    """Return a structural identity of an element, to find an identical style to reuse."""
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        (el.text or "").strip(),
        tuple(_key(c) for c in el if isinstance(c.tag, str)),
    )


#: The zip format's local file header (APPNOTE.TXT 4.3.7): size, signature and layout.
_LOCAL_HEADER_SIZE = 30
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
_LOCAL_HEADER_STRUCT = "<4s2B4HL2L2H"


def _rename_namespaces(tree: etree._ElementTree, mapping: dict[str, str]) -> None:
    """Move element and attribute names from one namespace to another, in place."""
    prefixes = {f"{{{a}}}": f"{{{b}}}" for a, b in mapping.items()}
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for old, new in prefixes.items():
            if el.tag.startswith(old):
                el.tag = new + el.tag[len(old) :]
                break
        for key in [k for k in el.attrib if isinstance(k, str) and k.startswith("{")]:
            for old, new in prefixes.items():
                if key.startswith(old):
                    el.set(new + key[len(old) :], el.attrib.pop(key))
                    break


# --- the package --------------------------------------------------------------------------


class Package:
    """The members of an .xlsx zip, in their order, with their bytes."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise WriteError(
                f"{name} is password-protected (encrypted) or an old .xls file, so the tool "
                "cannot mark it: remove the password (Excel: File > Info > Protect Workbook) "
                "or save it as .xlsx, then run again"
            )
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            self.comment = zf.comment
            self.infos = zf.infolist()
            self.members: dict[str, bytes] = {}
            for info in self.infos:
                self.members[info.filename] = zf.read(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise WriteError(
                f"{name} is not a readable .xlsx file ({exc}): open it in Excel or LibreOffice "
                "and save it as an Excel workbook (.xlsx)"
            ) from exc
        self.source = data
        self.strict = False
        self._lower = {n.lower(): n for n in self.members}
        self.changed: set[str] = set()
        self.removed: set[str] = set()

    def find(self, part: str) -> str | None:
        """Return the member name of a part name (OPC names ignore case), or None."""
        return self._lower.get(part.lstrip("/").lower())

    def read(self, part: str) -> bytes | None:
        """Return the bytes of a part, or None when absent."""
        name = self.find(part)
        return None if name is None else self.members[name]

    def tree(self, part: str) -> etree._ElementTree:
        """Return a part that must exist, parsed as XML; a missing one is a damaged package."""
        tree = self.xml(part)
        if tree is None:
            raise WriteError(f"{self.name} is damaged: {part} is missing")
        return tree

    def xml(self, part: str) -> etree._ElementTree | None:
        """Return a part parsed as XML (Strict names read as Transitional), or None."""
        data = self.read(part)
        if data is None:
            return None
        tree = _parse(data, f"{self.name}: {part}")
        if self.strict:
            _rename_namespaces(tree, {STRICT_MAIN: NS_MAIN, STRICT_R: NS_R})
        return tree

    def serialize(self, tree: etree._ElementTree) -> bytes:
        """Return a parsed part as bytes, in the package's own (Strict or not) namespaces."""
        if self.strict:
            # keep every declaration the file had (mc:Ignorable names prefixes in a string),
            # drop only the ones lxml added for the Transitional names while editing
            keep = {
                prefix
                for el in tree.iter()
                if isinstance(el.tag, str)
                for prefix, uri in el.nsmap.items()
                if prefix and uri not in (NS_MAIN, NS_R)
            }
            _rename_namespaces(tree, {NS_MAIN: STRICT_MAIN, NS_R: STRICT_R})
            etree.cleanup_namespaces(tree, keep_ns_prefixes=sorted(keep))
        return _serialize(tree)

    def rel_type(self, rel: etree._Element) -> str:
        """Return a relationship's type, Strict types read as Transitional."""
        rtype = rel.get("Type", "")
        return NS_R + rtype[len(STRICT_R) :] if rtype.startswith(STRICT_R) else rtype

    def new_rel_type(self, rtype: str) -> str:
        """Return a Transitional relationship type as this package writes it."""
        return STRICT_R + rtype[len(NS_R) :] if self.strict else rtype

    def put(self, part: str, data: bytes) -> None:
        """Replace or add a member."""
        name = self.find(part)
        if name is None:
            name = part.lstrip("/")
            self._lower[name.lower()] = name
            info = zipfile.ZipInfo(name, date_time=NEW_MEMBER_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            self.infos.append(info)
        self.members[name] = data
        self.changed.add(name)

    def remove(self, part: str) -> None:
        """Remove a member."""
        name = self.find(part)
        if name is None:
            return
        del self.members[name]
        del self._lower[name.lower()]
        self.infos = [i for i in self.infos if i.filename != name]
        self.removed.add(name)
        self.changed.discard(name)

    def to_bytes(self) -> bytes:
        """Return the package as a zip; members keep their order, names, dates and method.

        A member the patch did not change is copied as its original compressed bytes, so even
        its compression stays as it was; changed and new members are compressed afresh.
        """
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.comment = self.comment
            for old in self.infos:
                if old.filename not in self.changed and self._copy_raw(zf, old):
                    continue
                info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
                info.compress_type = old.compress_type
                info.external_attr = old.external_attr
                info.create_system = old.create_system
                info.comment = old.comment
                zf.writestr(info, self.members[old.filename])
        return out.getvalue()

    def _copy_raw(self, zf: zipfile.ZipFile, old: zipfile.ZipInfo) -> bool:
        """Append a member's original local header fields and compressed data; False if not."""
        if old.file_size >= zipfile.ZIP64_LIMIT or old.compress_size >= zipfile.ZIP64_LIMIT:
            return False
        start = old.header_offset
        header = self.source[start : start + _LOCAL_HEADER_SIZE]
        if len(header) < _LOCAL_HEADER_SIZE or header[:4] != _LOCAL_HEADER_SIGNATURE:
            return False
        fields = struct.unpack(_LOCAL_HEADER_STRUCT, header)
        begin = start + _LOCAL_HEADER_SIZE + fields[10] + fields[11]
        raw = self.source[begin : begin + old.compress_size]
        if len(raw) != old.compress_size:
            return False
        try:
            info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
            info.compress_type = old.compress_type
            info.external_attr = old.external_attr
            info.create_system = old.create_system
            info.comment = old.comment
            info.flag_bits = old.flag_bits & ~0x08  # sizes go in the header, not a descriptor
            info.CRC, info.compress_size, info.file_size = (
                old.CRC,
                old.compress_size,
                old.file_size,
            )
            # zipfile has no public call to add already-compressed data: this mirrors what
            # ZipFile.writestr does, minus the compression (checked by the package tests).
            fp = zf.fp
            if fp is None:  # a closed archive
                return False
            fp.seek(zf.start_dir)
            info.header_offset = fp.tell()
            fp.write(info.FileHeader(False))
            fp.write(raw)
            zf.start_dir = fp.tell()
            zf.filelist.append(info)
            zf.NameToInfo[info.filename] = info
            zf._didModify = True  # type: ignore[attr-defined]  # private; writestr sets it too
        except AttributeError:  # a Python whose zipfile differs: compress afresh instead
            return False
        return True

    @staticmethod
    def rels_part(part: str) -> str:
        """Return the relationships part of a part (xl/workbook.xml -> xl/_rels/...rels)."""
        folder, base = posixpath.split(part.lstrip("/"))
        return posixpath.join(folder, "_rels", base + ".rels")

    @staticmethod
    def resolve(source: str, target: str) -> str:
        """Return the part name a relationship target points to, from its source part."""
        target = unquote(target)
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        return posixpath.normpath(posixpath.join(posixpath.dirname(source.lstrip("/")), target))


@dataclass
class _Sheet:
    name: str
    sheet_id: int
    rid: str
    part: str
    rel_type: str
    element: etree._Element


class _Workbook:
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
                self.part = Package.resolve("", rel.get("Target", ""))
        if not self.part or pkg.find(self.part) is None:
            raise WriteError(f"{pkg.name} is not an Excel workbook (no workbook part)")
        self.part = pkg.find(self.part) or self.part
        self.tree = pkg.tree(self.part)
        root = self.tree.getroot()
        if root.tag != q("workbook"):
            raise WriteError(f"{pkg.name} is not an Excel workbook (its main part is {root.tag})")
        self.rels_part = Package.rels_part(self.part)
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
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.sheets = self._sheets()

    def _rel_by_id(self) -> dict[str, etree._Element]:
        return {r.get("Id", ""): r for r in self.rels.getroot()}

    def _sheets(self) -> list[_Sheet]:
        by_id = self._rel_by_id()
        out = []
        sheets_el = self.tree.getroot().find(q("sheets"))
        for el in [] if sheets_el is None else sheets_el.findall(q("sheet")):
            rid = el.get(f"{{{NS_R}}}id", "")
            rel = by_id.get(rid)
            part = Package.resolve(self.part, rel.get("Target", "")) if rel is not None else ""
            out.append(
                _Sheet(
                    name=el.get("name", ""),
                    sheet_id=int(el.get("sheetId", "0") or 0),
                    rid=rid,
                    part=self.pkg.find(part) or part,
                    rel_type="" if rel is None else self.pkg.rel_type(rel),
                    element=el,
                )
            )
        return out

    def sheet(self, name: str) -> _Sheet | None:
        """Return the sheet of this name (sheet names ignore case in Excel), or None."""
        for s in self.sheets:
            if s.name.casefold() == name.casefold():
                return s
        return None

    def add_sheet(self, name: str) -> _Sheet:
        """Append a new worksheet to <sheets>, the workbook rels and the content types."""
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
        sheet = _Sheet(name, sheet_id, rid, part, REL_WORKSHEET, el)
        self.sheets.append(sheet)
        return sheet

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
                return Package.resolve(self.part, r.get("Target", ""))
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
                part = Package.resolve(self.part, r.get("Target", ""))
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

    def owns_sheet(self, sheet: _Sheet) -> bool:
        """Return True when the tool's marker says it made this sheet."""
        return any(
            name.casefold() == OWNER_DUE.casefold() and target.casefold() == sheet.name.casefold()
            for name, target, _ in self.owner_marks()
        )

    def owned_columns(self, sheet: _Sheet, header_row: int) -> set[int]:
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

    def set_owner_marks(self, due: _Sheet, columns: dict[str, tuple[int, tuple[int, ...]]]) -> None:
        """Replace the tool's markers: its Due sheet, and each sheet's (header row, columns)."""
        root = self.tree.getroot()
        names = root.find(q("definedNames"))
        wanted = [(OWNER_DUE, f"{quote_sheet(due.name)}!$A$1")]
        for i, (sheet, (row, cols)) in enumerate(sorted(columns.items()), start=1):
            refs = [f"{quote_sheet(sheet)}!${col_letter(c)}${row}" for c in sorted(cols)]
            lo, hi = min(cols), max(cols)
            if hi - lo + 1 == len(set(cols)):
                refs = [f"{quote_sheet(sheet)}!${col_letter(lo)}${row}:${col_letter(hi)}${row}"]
            wanted.append((f"{OWNER_COLUMNS}{i}", ",".join(refs)))
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

    def set_filter_name(self, sheet: _Sheet, ref: str) -> None:
        """Set the hidden _xlnm._FilterDatabase name Excel keeps for a sheet's autofilter."""
        root = self.tree.getroot()
        index = self.sheets.index(sheet)
        quoted = quote_sheet(sheet.name)
        r1, c1, r2, c2 = parse_range(ref)
        text = f"{quoted}!${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
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


# --- styles: append, never renumber -------------------------------------------------------

_FONT_ORDER = (
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
    "color", "name", "family", "charset", "scheme",
)  # fmt: skip
_STYLE_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)  # fmt: skip


class _Styles:
    """styles.xml: finds or appends the few fonts, fills and cell formats the marks use."""

    def __init__(self, tree: etree._ElementTree | None) -> None:
        if tree is None:
            tree = etree.ElementTree(
                etree.fromstring(
                    f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/>'
                    '<name val="Calibri"/><family val="2"/></font></fonts><fills count="2">'
                    '<fill><patternFill patternType="none"/></fill><fill><patternFill '
                    'patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
                    "<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs "
                    'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                    '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                    'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
                    'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
                )
            )
            self.created = True
        else:
            self.created = False
        self.tree = tree
        self.root = tree.getroot()
        self.appended = 0
        self.cache: dict[tuple, int] = {}

    def _section(self, tag: str) -> etree._Element:
        el = self.root.find(q(tag))
        if el is None:
            el = etree.Element(q(tag))
            later = _STYLE_ORDER[_STYLE_ORDER.index(tag) + 1 :]
            for child in self.root:
                if isinstance(child.tag, str) and etree.QName(child).localname in later:
                    child.addprevious(el)
                    break
            else:
                self.root.append(el)
        return el

    def _find_or_append(self, section: str, el: etree._Element) -> int:
        sec = self._section(section)
        items = [c for c in sec if isinstance(c.tag, str)]
        key = _key(el)
        for i, item in enumerate(items):
            if _key(item) == key:
                return i
        sec.append(el)
        if sec.get("count") is not None or section == "cellXfs":
            sec.set("count", str(len(items) + 1))
        self.appended += 1
        return len(items)

    def _font(self, bold: bool, color: str | None) -> int:
        fonts = [c for c in self._section("fonts") if isinstance(c.tag, str)]
        base = fonts[0] if fonts else etree.fromstring(f'<font xmlns="{NS_MAIN}"/>')
        children = {etree.QName(c).localname: c for c in base if isinstance(c.tag, str)}
        font = etree.Element(q("font"))
        for name in _FONT_ORDER:
            if name == "b" and bold:
                etree.SubElement(font, q("b"))
            elif name == "color" and color:
                etree.SubElement(font, q("color")).set("rgb", color)
            elif name in children and name not in ("b", "color"):
                font.append(etree.fromstring(etree.tostring(children[name])))
        if not bold and not color:
            return 0
        return self._find_or_append("fonts", font)

    def _fill(self, rgb: str | None) -> int:
        if rgb is None:
            return 0
        fill = etree.fromstring(
            f'<fill xmlns="{NS_MAIN}"><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>'
        )
        return self._find_or_append("fills", fill)

    def xf(
        self,
        *,
        bold: bool = False,
        font_color: str | None = None,
        fill: str | None = None,
        num_fmt: int = 0,
        quote_prefix: bool = False,
        wrap: bool = False,
        top: bool = False,
    ) -> int:
        """Return the index of a cell format with these properties, appending it if new."""
        want = (bold, font_color, fill, num_fmt, quote_prefix, wrap, top)
        if want in self.cache:
            return self.cache[want]
        if want == (False, None, None, 0, False, False, False):
            self.cache[want] = 0
            return 0
        font_id = self._font(bold, font_color)
        fill_id = self._fill(fill)
        xf = etree.Element(q("xf"))
        xf.set("numFmtId", str(num_fmt))
        xf.set("fontId", str(font_id))
        xf.set("fillId", str(fill_id))
        xf.set("borderId", "0")
        if len(self._section("cellStyleXfs")):
            xf.set("xfId", "0")
        if quote_prefix:
            xf.set("quotePrefix", "1")
        if num_fmt:
            xf.set("applyNumberFormat", "1")
        if font_id:
            xf.set("applyFont", "1")
        if fill_id:
            xf.set("applyFill", "1")
        if wrap or top:
            xf.set("applyAlignment", "1")
            align = etree.SubElement(xf, q("alignment"), vertical="top")
            if wrap:
                align.set("wrapText", "1")
        index = self._find_or_append("cellXfs", xf)
        self.cache[want] = index
        return index


# --- cells --------------------------------------------------------------------------------


class _CellWriter:
    """Turns Python values into <c> elements with the right style."""

    def __init__(self, styles: _Styles, date1904: bool) -> None:
        self.styles = styles
        self.date1904 = date1904

    def style(
        self,
        value: Value,
        *,
        bold: bool = False,
        overdue: bool = False,
        wrap: bool = False,
        top: bool = False,
    ) -> int:
        if value is None or (isinstance(value, str) and not value.startswith(FORMULA_START)):
            return self.styles.xf(
                bold=bold,
                font_color=OVERDUE_FONT if overdue else None,
                fill=OVERDUE_FILL if overdue else (HEADER_FILL if bold else None),
                wrap=wrap,
                top=top,
            )
        is_date = isinstance(value, date) and date_serial(value, self.date1904) is not None
        return self.styles.xf(
            bold=bold,
            font_color=OVERDUE_FONT if overdue else None,
            fill=OVERDUE_FILL if overdue else (HEADER_FILL if bold else None),
            num_fmt=(22 if isinstance(value, datetime) else 14) if is_date else 0,
            quote_prefix=isinstance(value, str) and value.startswith(FORMULA_START),
            wrap=wrap,
            top=top,
        )

    def xml(self, ref: str, value: Value, style: int) -> str | None:
        """Return the <c> markup of a value, or None for an empty cell."""
        s = f' s="{style}"' if style else ""
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, date):
            serial = date_serial(value, self.date1904)
            if serial is not None:
                return f'<c r="{ref}"{s}><v>{_num(serial)}</v></c>'
            value = value.isoformat()
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"{s}><v>{_num(value)}</v></c>'
        text = ooxml_text(str(value))
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


# --- the Due sheet ------------------------------------------------------------------------


def due_sheet_xml(due: DueTable, cells: _CellWriter) -> tuple[bytes, str]:
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
        lines = max(1, -(-len(str(row[-1] or "")) // int(DUE_WIDTHS[ncols - 1] * 0.9)))
        height = f' ht="{15 * lines}" customHeight="1"' if lines > 1 else ""
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


# --- the mark columns ---------------------------------------------------------------------


class _SharedStrings:
    """The shared-string table, read only for the few header cells that need it."""

    def __init__(self, pkg: Package, wb: _Workbook) -> None:
        self.pkg, self.wb = pkg, wb
        self.items: list[etree._Element] | None = None

    def __getitem__(self, index: int) -> str:
        if self.items is None:
            self.items = []
            for r in self.wb.rels.getroot():
                if self.pkg.rel_type(r) == NS_R + "/sharedStrings":
                    tree = self.pkg.xml(Package.resolve(self.wb.part, r.get("Target", "")))
                    if tree is not None:
                        self.items = tree.getroot().findall(q("si"))
        si = self.items[index]
        return "".join(t.text or "" for t in si.iter(q("t")) if not _in_phonetic(t))


def _cell_text(c: etree._Element, sst: _SharedStrings) -> str:
    t = c.get("t")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(q("t")))
    v = c.findtext(q("v")) or ""
    if t == "s":
        try:
            return sst[int(v)]
        except (ValueError, IndexError):
            return ""
    return v


def _materialize_rows(sheet_data: etree._Element) -> dict[int, etree._Element]:
    rows: dict[int, etree._Element] = {}
    prev = 0
    for row in sheet_data.iterchildren(q("row")):
        r = row.get("r")
        num = int(r) if r else prev + 1
        if not r:
            row.set("r", str(num))
        rows[num] = row
        prev = num
    return rows


def _in_phonetic(t: etree._Element) -> bool:
    """Return True for the text of a phonetic reading (rPh), which is not the cell's value."""
    parent = t.getparent()
    return parent is not None and parent.tag == q("rPh")


def _row_cells(row: etree._Element, r: int) -> dict[int, etree._Element]:
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


def _has_content(c: etree._Element) -> bool:
    """Return True when a cell holds a value or a formula (not just a style)."""
    for child in c:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "f" or local == "is":
            return True
        if local == "v" and (child.text or "") != "":
            return True
    return False


class _SheetMarker:
    """Writes the three mark columns into one worksheet part."""

    def __init__(self, pkg: Package, wb: _Workbook, cells: _CellWriter, marks: ColumnMarks):
        self.pkg, self.wb, self.cells, self.marks = pkg, wb, cells, marks
        sheet = wb.sheet(marks.sheet)
        if sheet is None:
            names = ", ".join(s.name for s in wb.sheets)
            raise WriteError(f"{pkg.name} has no sheet {marks.sheet!r} (sheets: {names})")
        if sheet.rel_type != REL_WORKSHEET or pkg.find(sheet.part) is None:
            raise WriteError(f"{pkg.name}: {sheet.name} is not a worksheet, so it cannot be marked")
        self.sheet = sheet
        self.tree = pkg.tree(sheet.part)
        self.root = self.tree.getroot()
        sheet_data = self.root.find(q("sheetData"))
        if sheet_data is None:
            raise WriteError(f"{pkg.name}: {sheet.name} has no cell table (sheetData)")
        self.sheet_data = sheet_data
        self.had_formula = False

    def plan(self, sst: _SharedStrings, *, take_over: bool = False) -> list[str]:
        """Choose the three columns; return the user's columns in the way (nothing changed).

        A column headed like a mark column is the tool's only when its marker says so (or
        `take_over` hands it over). New columns go after the last column that holds anything
        in any row, so no cell the user typed, with or without a header, is under them.
        """
        m = self.marks
        rows = _materialize_rows(self.sheet_data)
        self.rows = rows
        headed: dict[str, list[int]] = {}
        texts: dict[int, str] = {}
        header = rows.get(m.header_row)
        if header is not None:
            wanted = {norm_header(n): n for n in MARK_COLUMNS}
            for col, c in sorted(_row_cells(header, m.header_row).items()):
                text = _cell_text(c, sst)
                name = wanted.get(norm_header(text))
                if name:
                    headed.setdefault(name, []).append(col)
                    texts[col] = text
        owned = self.wb.owned_columns(self.sheet, m.header_row)
        found: dict[str, int] = {}
        for name, cols in headed.items():
            mine = [c for c in cols if c in owned] or (cols[:1] if take_over else [])
            if mine:
                found[name] = mine[0]
        conflicts = []
        if not take_over:
            taken = set(found.values())
            for name, cols in headed.items():
                for col in cols:
                    if col in taken:
                        continue
                    conflicts.append(
                        f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{m.header_row}: "
                        f'the column "{texts[col].strip()}" was not made by followup-xl, which '
                        f"writes its own {name} column and would replace what this one holds: "
                        f'rename the header (e.g. "My {name}"), or pass {TAKE_OVER_OPTION} to '
                        "hand the column over to the tool"
                    )
        self.reused = set(found.values())
        last = max(m.last_user_column, self._last_used_column(rows, self.reused))
        nxt = max([last, *found.values()]) + 1
        out = []
        for name in MARK_COLUMNS:
            if name in found:
                out.append(found[name])
            else:
                out.append(nxt)
                nxt += 1
        if max(out) > MAX_COL and not conflicts:
            conflicts.append(
                f"{self.pkg.name}: {self.sheet.name} uses columns up to "
                f"{col_letter(last)}, so there is no room for the three "
                "follow-up columns: delete some unused columns at the right and run again"
            )
        self.cols = (out[0], out[1], out[2])
        return conflicts

    def _last_used_column(self, rows: dict[int, etree._Element], skip: set[int]) -> int:
        """Return the last column holding a value or formula in any row (`skip` aside)."""
        last = 0
        for r, row in rows.items():
            cells = list(row.iterchildren(q("c")))
            if any(c.get("r") is None for c in cells):
                _row_cells(row, r)
            for c in reversed(cells):
                try:
                    col = parse_ref(c.get("r", ""))[1]
                except ValueError:
                    continue
                if col <= last:
                    break
                if col in skip or not _has_content(c):
                    continue
                last = col
                break
        return last

    def apply(self, sst: _SharedStrings) -> tuple[tuple[int, int, int], set[tuple[int, int]]]:
        m = self.marks
        name = f"{self.pkg.name}: {self.sheet.name}"
        targets = {m.header_row, *m.data_rows, *m.values}
        bad = [r for r in targets if not 1 <= r <= MAX_ROW]
        if bad:
            raise WriteError(f"{name}: row {bad[0]} is outside Excel's 1 to {MAX_ROW} rows")
        if m.header_row in set(m.data_rows) | set(m.values):
            raise ValueError(f"{name}: header row {m.header_row} is also listed as a data row")
        rows = self.rows
        cols = self.cols
        # Columns found by their headers are the tool's from an earlier run, all the way down:
        # a mark left on a row the user has since emptied is cleared too.
        targets |= self._rows_with_cells_in(rows, self.reused, below=m.header_row)
        self._check_merges(targets, cols)
        self._check_tables(cols)
        styles = self.cells
        header_style = styles.styles.xf(bold=True, fill=HEADER_FILL)
        owned: set[tuple[int, int]] = set()
        new_rows: list[etree._Element] = []
        planned: list[tuple[int, list[int]]] = []
        markup: list[str] = []
        for r in sorted(targets):
            if r == m.header_row:
                values: tuple = MARK_COLUMNS
            else:
                values = m.values.get(r) or (None, None, None)
            overdue = r != m.header_row and values[2] == "OVERDUE"
            written = []
            for col, value in zip(cols, values, strict=True):
                owned.add((r, col))
                ref = f"{col_letter(col)}{r}"
                if r == m.header_row:
                    style = header_style
                else:
                    style = styles.style(value, overdue=overdue and col in cols[1:])
                x = styles.xml(ref, value, style)
                if x is not None:
                    written.append(col)
                    markup.append(x)
            planned.append((r, written))
        # one parse for all new cells, rather than one per row
        parsed = iter(
            etree.fromstring(f'<row xmlns="{NS_MAIN}">{"".join(markup)}</row>', XML_PARSER)
            if markup
            else ()
        )
        for r, written in planned:
            xml_cells = [(col, next(parsed)) for col in written]
            row = rows.get(r)
            if row is None:
                if not xml_cells:
                    continue
                row = etree.Element(q("row"))
                row.set("r", str(r))
                rows[r] = row
                new_rows.append(row)
            self._put_cells(row, r, cols, xml_cells)
        if new_rows:
            ordered = sorted(rows.items())
            others = [c for c in self.sheet_data if c.tag != q("row")]
            self.sheet_data[:] = [row for _, row in ordered] + others
        self._dimension(owned)
        self._widths(cols)
        self.pkg.put(self.sheet.part, self.pkg.serialize(self.tree))
        return cols, owned

    def _put_cells(
        self, row: etree._Element, r: int, cols: tuple[int, ...], xml_cells: list
    ) -> None:
        # Only the cells from the first mark column on are looked at: the user's cells to the
        # left (nearly all of a row) are neither parsed nor moved.
        first = min(cols)
        tail: list[tuple[int, etree._Element]] = []
        cells = list(row.iterchildren(q("c")))
        if any(c.get("r") is None for c in cells):
            _row_cells(row, r)  # positional cells: give them explicit references first
        anchor = None
        for c in reversed(cells):
            try:
                col = parse_ref(c.get("r", ""))[1]
            except ValueError as exc:
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name} row {r} has a damaged cell reference "
                    f"{c.get('r')!r}: open the workbook in Excel, save it, and run again"
                ) from exc
            if col < first:
                anchor = c
                break
            tail.append((col, c))
        for col, old in tail:
            if col in cols:
                self._check_replaced(old, col, r)
            row.remove(old)
        keep = [(col, c) for col, c in tail if col not in cols]
        new: list[tuple[int, etree._Element]] = list(xml_cells)
        merged = [c for _, c in sorted(keep + new, key=lambda item: item[0])]
        if anchor is not None:
            for c in reversed(merged):
                anchor.addnext(c)
        else:
            for i, c in enumerate(merged):
                row.insert(i, c)
        spans = row.get("spans")
        if spans and new:
            nums = [int(x) for x in re.findall(r"\d+", spans)]
            added = [col for col, _ in new]
            lo, hi = min(nums + added), max(nums + added)
            if f"{lo}:{hi}" != spans:
                row.set("spans", f"{lo}:{hi}")

    def _check_replaced(self, old: etree._Element, col: int, r: int) -> None:
        f = old.find(q("f"))
        if f is None:
            return
        ref = f.get("ref")
        if ref and f.get("t") in ("shared", "array", "dataTable"):
            r1, c1, r2, c2 = parse_range(ref)
            if (r1, c1) != (r2, c2):
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{r} holds a "
                    f"formula shared with {ref}, in a column the tool writes: move "
                    "that formula elsewhere and run again"
                )
        self.had_formula = True

    @staticmethod
    def _rows_with_cells_in(
        rows: dict[int, etree._Element], cols: set[int], *, below: int
    ) -> set[int]:
        if not cols:
            return set()
        first = min(cols)
        found = set()
        for r, row in rows.items():
            if r <= below:
                continue
            for c in row.iterchildren(q("c"), reversed=True):
                ref = c.get("r")
                try:
                    col = parse_ref(ref)[1] if ref else first  # positional: look closer later
                except ValueError:
                    col = first
                if col in cols or ref is None:
                    found.add(r)
                    break
                if col < first:
                    break
        return found

    def _check_tables(self, cols: tuple[int, ...]) -> None:
        """Refuse to retitle a column of an Excel table: its name must match its header."""
        rels = self.pkg.xml(Package.rels_part(self.sheet.part))
        if rels is None:
            return
        r = self.marks.header_row
        for rel in rels.getroot():
            if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
                continue
            table = self.pkg.xml(Package.resolve(self.sheet.part, rel.get("Target", "")))
            if table is None:
                continue
            root = table.getroot()
            try:
                r1, c1, r2, c2 = parse_range(root.get("ref", ""))
            except ValueError:
                continue
            if r != r1 or root.get("headerRowCount", "1") == "0":
                continue
            names = [tc.get("name", "") for tc in root.iter(q("tableColumn"))]
            for col, header in zip(cols, MARK_COLUMNS, strict=True):
                if not c1 <= col <= c2:
                    continue
                i = col - c1
                current = names[i] if i < len(names) else ""
                if norm_header(current) != norm_header(header):
                    raise WriteError(
                        f"{self.pkg.name}: {self.sheet.name}!{col_letter(col)}{r} is the "
                        f"header {current!r} of the table {root.get('displayName', '')!r}; "
                        f"the tool would rename it to {header!r}: move the table or its "
                        "last column and run again"
                    )

    def _check_merges(self, targets: set[int], cols: tuple[int, ...]) -> None:
        merges = self.root.find(q("mergeCells"))
        if merges is None:
            return
        for mc in merges.findall(q("mergeCell")):
            try:
                r1, c1, r2, c2 = parse_range(mc.get("ref", ""))
            except ValueError:
                continue
            if any(c1 <= c <= c2 for c in cols) and any(r1 <= r <= r2 for r in targets):
                raise WriteError(
                    f"{self.pkg.name}: {self.sheet.name}!{mc.get('ref')} is a merged range "
                    "where the tool writes its follow-up columns: unmerge it and run again"
                )

    def _dimension(self, owned: set[tuple[int, int]]) -> None:
        dim = self.root.find(q("dimension"))
        if dim is None or not owned:
            return
        try:
            r1, c1, r2, c2 = parse_range(dim.get("ref", "A1"))
        except ValueError:
            return
        rows = [r for r, _ in owned]
        cols = [c for _, c in owned]
        r1, c1 = min(r1, *rows), min(c1, *cols)
        r2, c2 = max(r2, *rows), max(c2, *cols)
        ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
        if ref != dim.get("ref"):
            dim.set("ref", ref)

    def _widths(self, cols: tuple[int, int, int]) -> None:
        """Give the mark columns a readable width, splitting a user range that covers them."""
        root = self.root
        cols_el = root.find(q("cols"))
        if cols_el is None:
            cols_el = etree.Element(q("cols"))
            self.sheet_data.addprevious(cols_el)
        for col, width in zip(cols, MARK_WIDTHS, strict=True):
            items = list(cols_el.findall(q("col")))
            cover = None
            for el in items:
                lo, hi = int(el.get("min", "0")), int(el.get("max", "0"))
                if lo <= col <= hi:
                    cover = el
                    break
            if cover is None:
                el = etree.Element(q("col"))
                el.set("min", str(col))
                el.set("max", str(col))
                el.set("width", str(width))
                el.set("customWidth", "1")
                mins = [int(e.get("min", "0")) for e in items]
                pos = bisect.bisect(mins, col)
                if pos < len(items):
                    items[pos].addprevious(el)
                else:
                    cols_el.append(el)
                continue
            lo, hi = int(cover.get("min", "0")), int(cover.get("max", "0"))
            if lo == hi:
                continue  # a column of its own: the user's (or an earlier run's) width stays
            pieces = []
            for a, b, w in ((lo, col - 1, None), (col, col, width), (col + 1, hi, None)):
                if a > b:
                    continue
                piece = etree.fromstring(etree.tostring(cover))
                piece.set("min", str(a))
                piece.set("max", str(b))
                if w is not None:
                    piece.set("width", str(w))
                    piece.set("customWidth", "1")
                pieces.append(piece)
            for piece in pieces:
                cover.addprevious(piece)
            cols_el.remove(cover)


# --- the whole patch ----------------------------------------------------------------------


def patch(
    data: bytes,
    *,
    due: DueTable,
    columns: Iterable[ColumnMarks],
    name: str = "workbook",
    take_over: bool = False,
) -> PatchResult:
    """Return the workbook with the Due sheet and the mark columns written, all else kept.

    A Due sheet or a mark column the tool did not make (no marker of its own) is the user's:
    WriteError lists every one, unless `take_over` hands them over.
    """
    pkg = Package(data, name)
    wb = _Workbook(pkg)
    styles_part = wb.styles_part()
    styles = _Styles(pkg.xml(styles_part))
    cells = _CellWriter(styles, wb.date1904)
    result = PatchResult(data=b"")
    had_formula = False
    columns = list(columns)
    names = [c.sheet.casefold() for c in columns]
    if len(set(names)) != len(names):
        raise ValueError("each sheet may be marked only once")
    if DUE_SHEET.casefold() in names:
        raise ValueError("the Due sheet is written whole, not marked")
    sst = _SharedStrings(pkg, wb)
    result.had_owner_marks = bool(wb.owner_marks())
    sheet = wb.sheet(DUE_SHEET)
    problems: list[str] = []
    if sheet is not None and sheet.rel_type != REL_WORKSHEET:
        problems.append(
            f"{name}: the sheet {sheet.name!r} is not a worksheet (a chart sheet?); the tool "
            f"writes its list of due follow-ups to a sheet named {DUE_SHEET}: rename that "
            "sheet and run again"
        )
    elif sheet is not None and not take_over and not wb.owns_sheet(sheet):
        problems.append(
            f"{name}: {sheet.name}: this sheet was not made by followup-xl, which writes its "
            f"list of due follow-ups to its own sheet named {DUE_SHEET} and would replace this "
            f'one: rename your sheet (e.g. "My {sheet.name}"), or pass {TAKE_OVER_OPTION} to '
            "hand it over to the tool"
        )
    markers = [_SheetMarker(pkg, wb, cells, marks) for marks in columns]
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

    if sheet is None:
        sheet = wb.add_sheet(DUE_SHEET)
        result.created_due_sheet = True
    else:
        old = pkg.read(sheet.part)
        if old is not None and b"<f" in old and re.search(rb"<(\w+:)?f[ >/]", old):
            had_formula = True
        pkg.remove(Package.rels_part(sheet.part))
    xml, ref = due_sheet_xml(due, cells)
    if pkg.strict:
        xml = xml.replace(NS_MAIN.encode(), STRICT_MAIN.encode()).replace(
            NS_R.encode(), STRICT_R.encode()
        )
    pkg.put(sheet.part, xml)
    wb.set_filter_name(sheet, ref)
    wb.set_owner_marks(
        sheet,
        {m.sheet.name: (m.marks.header_row, result.mark_columns[m.sheet.name]) for m in markers},
    )
    result.due_sheet, result.due_part = sheet.name, sheet.part
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


def xml_members(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip (a helper for verification and tests)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}
