"""Write every zip the tool makes: the letters' .docx files and the marked workbook.

zipfile cannot add data it did not compress itself, and both writers reuse compressed bytes
(a letter its template's deflated members, the workbook every member it did not change), so
the few records of the zip format they need (local headers, central directory, end record)
are written here, with the values zipfile itself writes: any zip reader reads them, and the
same members give the same bytes.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from io import BytesIO

#: What zipfile records as the system that made the zip (3 = Unix, 0 = Windows).
CREATE_SYSTEM = zipfile.ZipInfo().create_system
_VERSION = 20  # what zipfile writes as the version made by and needed to extract
_UTF8_NAME = 0x800
_DATA_DESCRIPTOR = 0x08
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class Member:
    """One zip member as stored: its name, the CRC and size of its data, the stored bytes
    (deflated unless `method` says stored), and what the directory records about it."""

    name: str
    crc: int
    size: int
    deflated: bytes
    method: int = zipfile.ZIP_DEFLATED
    #: (year, month, day, hour, minute, second); None: the day the zip is written for
    date_time: tuple[int, int, int, int, int, int] | None = None
    external_attr: int = 0o644 << 16
    create_system: int = CREATE_SYSTEM
    comment: bytes = b""
    #: general-purpose flags besides the UTF-8 name flag (deflate's level bits, say)
    flags: int = 0


def deflate(name: str, data: bytes | Iterable[bytes], **fields: object) -> Member:
    """Return a member deflated as zipfile deflates (default level, raw stream).

    `data` is the member's bytes, or its pieces in order: zlib gives the same stream for
    the same bytes however they are split, so a large member need never be held whole.
    """
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    out: list[bytes] = []
    crc = size = 0
    for piece in (data,) if isinstance(data, bytes | bytearray | memoryview) else data:
        out.append(packer.compress(piece))
        crc, size = zlib.crc32(piece, crc), size + len(piece)
    out.append(packer.flush())
    return Member(name, crc, size, b"".join(out), **fields)  # type: ignore[arg-type]


def stored(source: bytes, info: zipfile.ZipInfo) -> Member | None:
    """Return a member of the zip `source` exactly as stored there (its compressed bytes, date,
    attributes and flags), to copy it unchanged; None when its local header cannot be read."""
    start = info.header_offset
    header = source[start : start + _LOCAL.size]
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = _LOCAL.unpack(header)[-2:]
    begin = start + _LOCAL.size + name_length + extra_length
    data = source[begin : begin + info.compress_size]
    if len(data) != info.compress_size or info.compress_type not in _METHODS:
        return None
    return Member(
        info.filename, info.CRC, info.file_size, data, info.compress_type, info.date_time,
        info.external_attr, info.create_system, info.comment,
        info.flag_bits & ~_DATA_DESCRIPTOR,  # the sizes go in the header, not after the data
    )  # fmt: skip


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """Return the DOS time and date of a member (ZIP years 1980-2107)."""
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def write_zip(members: Iterable[Member], day: date | None = None, comment: bytes = b"") -> bytes:
    """Return a zip of these members; one without a date of its own is dated `day` at
    midnight. Raise ValueError for a member or archive too large for a zip without ZIP64."""
    default = (day.year, day.month, day.day, 0, 0, 0) if day is not None else (1980, 1, 1, 0, 0, 0)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = count = 0
    for m in members:
        try:
            name, flags = m.name.encode("ascii"), m.flags
        except UnicodeEncodeError:
            name, flags = m.name.encode("utf-8"), m.flags | _UTF8_NAME
        if len(m.deflated) >= zipfile.ZIP64_LIMIT or m.size >= zipfile.ZIP64_LIMIT:
            raise ValueError(f"{m.name}: too large for a zip without ZIP64")
        dos_time, dos_date = _dos(m.date_time or default)
        fields = (flags, m.method, dos_time, dos_date, m.crc, len(m.deflated), m.size)
        out += [_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, len(name), 0), name, m.deflated]
        central += [
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, m.create_system, _VERSION, 0, *fields,
                          len(name), 0, len(m.comment), 0, 0, m.external_attr, offset),
            name,
            m.comment,
        ]  # fmt: skip
        offset += _LOCAL.size + len(name) + len(m.deflated)
        count += 1
    if offset >= zipfile.ZIP64_LIMIT or count >= 0xFFFF:
        raise ValueError("too large for a zip without ZIP64")
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, len(comment))
    return b"".join(out) + directory + end + comment


def zip_members(members: Mapping[str, bytes], day: date) -> bytes:
    """Return a zip of these members in their order, deflated and dated `day`."""
    return write_zip((deflate(name, data) for name, data in members.items()), day)


def normalize_zip(
    data: bytes, day: date, replace: Mapping[str, bytes | Iterable[bytes]] | None = None
) -> bytes:
    """Return a .docx written again dated `day`, so the same document on the same day is
    byte-identical (python-docx dates each member now); `replace` gives members new bytes
    (or their pieces in order, as `deflate` takes them)."""
    replace = replace or {}
    with zipfile.ZipFile(BytesIO(data)) as src:
        members = [
            deflate(i.filename, src.read(i) if i.filename not in replace else replace[i.filename])
            for i in src.infolist()
        ]
    return write_zip(members, day)
