"""Write every .docx the letters make: members deflated once, dated the run's day.

zipfile cannot add data it did not compress itself, and a letter reuses its template's
members as deflated bytes (compiled.py), so the few records of the zip format a .docx needs
(local headers, central directory, end record) are written here, with the values zipfile
itself writes for a deflated member: any zip reader reads them, and the same members on the
same day give the same bytes.
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
_CREATE_SYSTEM = zipfile.ZipInfo().create_system
_VERSION = 20  # deflate needs version 2.0 to extract
_ATTRIBUTES = 0o644 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class Member:
    """One zip member, compressed: its name, the CRC and size of its data, the deflated bytes."""

    name: str
    crc: int
    size: int
    deflated: bytes


def deflate(name: str, data: bytes) -> Member:
    """Return a member deflated as zipfile deflates (default level, raw stream)."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Member(name, zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


def write_zip(members: Iterable[Member], day: date) -> bytes:
    """Return a zip of these members, each dated `day` at midnight (ZIP years 1980-2107)."""
    year = min(max(day.year, 1980), 2107)
    dos_date = (year - 1980) << 9 | day.month << 5 | day.day
    out: list[bytes] = []
    central: list[bytes] = []
    offset = count = 0
    for m in members:
        try:
            name, flags = m.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = m.name.encode("utf-8"), 0x800
        if len(m.deflated) >= zipfile.ZIP64_LIMIT or m.size >= zipfile.ZIP64_LIMIT:
            raise ValueError(f"{m.name}: too large for a letter")
        fields = (flags, zipfile.ZIP_DEFLATED, 0, dos_date, m.crc, len(m.deflated), m.size)
        out += [_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, len(name), 0), name, m.deflated]
        central += [
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _CREATE_SYSTEM, _VERSION, 0, *fields,
                          len(name), 0, 0, 0, 0, _ATTRIBUTES, offset),
            name,
        ]  # fmt: skip
        offset += _LOCAL.size + len(name) + len(m.deflated)
        count += 1
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end


def zip_members(members: Mapping[str, bytes], day: date) -> bytes:
    """Return a zip of these members in their order, deflated and dated `day`."""
    return write_zip((deflate(name, data) for name, data in members.items()), day)


def normalize_zip(data: bytes, day: date, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Return a .docx written again dated `day`, so the same document on the same day is
    byte-identical (python-docx dates each member now); `replace` gives members new bytes."""
    replace = replace or {}
    with zipfile.ZipFile(BytesIO(data)) as src:
        members = [
            deflate(i.filename, src.read(i) if i.filename not in replace else replace[i.filename])
            for i in src.infolist()
        ]
    return write_zip(members, day)
