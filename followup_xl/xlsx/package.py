"""The .xlsx zip package and XML helpers: read parts, write parts, copy the rest raw.

A member the patch does not change is copied byte for byte (its compressed bytes too), and
a member it creates gets a fixed timestamp, so a second run gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime

from lxml import etree

from ..errors import WriteError
from ..ooxml import OLE_SIGNATURE, RESAVE, XML_ILLEGAL_CHARS, is_utf16
from ..opc import KEEP_BYTES, PARSER, read_through
from ..opc import Package as OpcPackage
from ..zipwrite import Member, deflate, stored, write_zip

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
_OWNER_READ_WRITE = 0o600 << 16


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
        return etree.ElementTree(etree.fromstring(data, PARSER))
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


class Package(OpcPackage):
    """The members of an .xlsx zip, in their order, with their bytes; written parts tracked.

    Every member must decompress, unless `checked` says these very bytes were opened as a
    Package a moment ago (the plan of the same write), which proved it.
    """

    def __init__(self, data: bytes, name: str, *, checked: bool = False) -> None:
        if data[:8] == OLE_SIGNATURE:
            raise WriteError(
                f"{name} is password-protected (encrypted) or an old .xls file, so the tool "
                "cannot mark it: remove the password (Excel: File > Info > Protect Workbook) "
                "or save it as .xlsx, then run again"
            )
        try:
            super().__init__(data, name)
            self.comment = self.zf.comment
            self.infos = self.zf.infolist()
            # every member must decompress (a damaged one is refused): a big one is read
            # through a megabyte at a time, never held whole for the test
            for info in [] if checked else self.infos:
                if info.file_size <= KEEP_BYTES:
                    self.members[info.filename]
                    continue
                read_through(self.zf, info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise WriteError(
                f"{name} is not a readable .xlsx file ({exc}): open it in Excel or LibreOffice "
                "and save it as an Excel workbook (.xlsx)"
            ) from exc
        self.strict = False
        book = self.find("xl/workbook.xml")
        if book is not None and is_utf16(self.members[book][:100]):
            raise WriteError(
                f"{name} is written in UTF-16 (as Excel Mobile saves workbooks), which the tool "
                f"cannot mark without rewriting every part: {RESAVE}, then run again"
            )
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        #: changed members compressed by `pack` (perhaps still being compressed)
        self.packed: dict[str, Future[Member]] = {}

    def read(self, part: str) -> bytes | None:
        """Return the bytes of a part, or None when absent."""
        name = self.find(part)
        packed = self.packed.get(name) if name is not None else None
        if packed is None:
            return super().read(part)
        member = packed.result()
        if member.method == zipfile.ZIP_STORED:
            return member.deflated
        return zlib.decompress(member.deflated, -15)

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
            self.lower[name.lower()] = name
            info = zipfile.ZipInfo(name, date_time=NEW_MEMBER_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _OWNER_READ_WRITE
            self.infos.append(info)
        self.members[name] = data
        self.packed.pop(name, None)
        self.changed.add(name)

    def pack(self, parts: Iterable[str]) -> dict[str, Future[Member]]:
        """Start compressing parts as the zip will store them, two at a time, and return them
        by name as they will be: a big sheet held for a later write takes a tenth of its size
        or less, and its compression overlaps what the caller does next (zlib works outside
        Python's lock)."""
        infos = {i.filename: i for i in self.infos}
        pool = ThreadPoolExecutor(max_workers=2)
        try:
            return {part: pool.submit(self.member, infos[self.find(part) or part])
                    for part in parts}  # fmt: skip
        finally:
            pool.shutdown(wait=False)  # its threads end when the last part is compressed

    def put_packed(self, part: str, member: Future[Member]) -> None:
        """Replace a member with one `pack` compresses from the same package's bytes."""
        name = self.find(part)
        if name is None:
            raise ValueError(f"{part} is not in the package")
        self.members.cache.pop(name, None)
        self.packed[name] = member
        self.changed.add(name)

    def remove(self, part: str) -> None:
        """Remove a member."""
        name = self.find(part)
        if name is None:
            return
        if name in self.members:
            del self.members[name]
        self.packed.pop(name, None)
        del self.lower[name.lower()]
        self.infos = [i for i in self.infos if i.filename != name]
        self.removed.add(name)
        self.changed.discard(name)

    def to_bytes(self) -> bytes:
        """Return the package as a zip; members keep their order, names, dates and method.

        A member the patch did not change is copied as its original compressed bytes, so even
        its compression stays as it was; changed and new members are compressed afresh, two
        at a time (zlib works outside Python's lock, so a big sheet's compression overlaps
        another's on a second core; each member's bytes are the same either way).
        """
        with ThreadPoolExecutor(max_workers=2) as pool:
            members = list(pool.map(self.member, self.infos))
        try:
            return write_zip(members, comment=self.comment)
        except ValueError as exc:
            raise WriteError(f"{self.name}: {exc}; nothing was written") from exc

    def member(self, old: zipfile.ZipInfo) -> Member:
        """Return a member as the new zip stores it: copied, packed, or compressed afresh."""
        kept = None if old.filename in self.changed else stored(self.source, old)
        if kept is not None:
            return kept
        packed = self.packed.get(old.filename)
        if packed is not None:
            return packed.result()
        data = self.members[old.filename]
        # a member with no permissions gets read-write for its owner, as zipfile gives it
        fields = {"date_time": old.date_time,
                  "external_attr": old.external_attr or _OWNER_READ_WRITE,
                  "create_system": old.create_system, "comment": old.comment}  # fmt: skip
        if old.compress_type == zipfile.ZIP_STORED:
            return Member(old.filename, zlib.crc32(data), len(data), data,
                          zipfile.ZIP_STORED, **fields)  # type: ignore[arg-type]  # fmt: skip
        return deflate(old.filename, data, **fields)


def xml_members(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip (a helper for verification and tests)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}
