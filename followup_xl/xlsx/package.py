"""The .xlsx zip package and XML helpers: read parts, write parts, copy the rest raw.

A member the patch does not change is copied byte for byte (its compressed bytes too), and
a member it creates gets a fixed timestamp, so a second run gives the same bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from datetime import date, datetime
from urllib.parse import unquote

from lxml import etree

from ..errors import WriteError
from ..ooxml import OLE_SIGNATURE, RESAVE, XML_ILLEGAL_CHARS, is_utf16

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
CT_RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
CONTENT_TYPES = "[Content_Types].xml"


MAX_ROW = 1_048_576
MAX_COL = 16_384
#: Fixed zip timestamp of members this module creates, so a second run gives the same bytes.
NEW_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)


XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)


CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
#: characters XML cannot carry (and \r, which XML parsers turn into \n): Excel's _xHHHH_ form
_ILLEGAL = re.compile(f"[{XML_ILLEGAL_CHARS}\r]")


def col_index(letters: str) -> int:
    """Return the 1-based index of column letters (A -> 1)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """Return (row, column) of an A1 reference."""
    m = CELL_REF.match(ref)
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


def num_text(x: float) -> str:
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


def element_key(el: etree._Element) -> tuple:
    """Return a structural identity of an element, to find an identical style to reuse."""
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        (el.text or "").strip(),
        tuple(element_key(c) for c in el if isinstance(c.tag, str)),
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


#: Members up to this size stay decompressed in memory; bigger ones are read again when used.
KEEP_BYTES = 1024 * 1024


class _Members(dict):
    """Member bytes by name; a member not kept is decompressed again when asked for."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        super().__init__()
        self.zf = zf

    def __missing__(self, name: str) -> bytes:
        return self.zf.read(name)


class Package:
    """The members of an .xlsx zip, in their order, with their bytes."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data[:8] == OLE_SIGNATURE:
            raise WriteError(
                f"{name} is password-protected (encrypted) or an old .xls file, so the tool "
                "cannot mark it: remove the password (Excel: File > Info > Protect Workbook) "
                "or save it as .xlsx, then run again"
            )
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            self.comment = zf.comment
            self.infos = zf.infolist()
            self.members: dict[str, bytes] = _Members(zf)
            for info in self.infos:
                data_ = zf.read(info)  # every member must decompress: a damaged one is refused
                if len(data_) <= KEEP_BYTES:  # a big sheet is not held twice in memory
                    self.members[info.filename] = data_
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise WriteError(
                f"{name} is not a readable .xlsx file ({exc}): open it in Excel or LibreOffice "
                "and save it as an Excel workbook (.xlsx)"
            ) from exc
        self.source = data
        self.strict = False
        self._lower = {i.filename.lower(): i.filename for i in self.infos}
        book = self.find("xl/workbook.xml")
        if book is not None and is_utf16(self.members[book][:100]):
            raise WriteError(
                f"{name} is written in UTF-16 (as Excel Mobile saves workbooks), which the tool "
                f"cannot mark without rewriting every part: {RESAVE}, then run again"
            )
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
        return self.parse(data, f"{self.name}: {part}")

    def parse(self, data: bytes, where: str) -> etree._ElementTree:
        """Return XML of this package parsed, Strict names read as Transitional; `where`
        names it when it is not well-formed."""
        tree = _parse(data, where)
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
        self.members.pop(name, None)
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


def xml_members(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip (a helper for verification and tests)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}
