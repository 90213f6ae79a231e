"""The zip package an .xlsx and a .docx share (Open Packaging Conventions): members read when
first asked for, part names in any case, relationships resolved, one safe XML parser.

The reader's pre-check, the workbook writer (xlsx/package.py) and the letters
(letters/package.py) all open packages through this class.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable, Iterator, MutableMapping
from functools import cached_property
from io import BytesIO
from typing import Any, NamedTuple
from urllib.parse import unquote

from lxml import etree

#: The parser of every part: no entities, no network, no DTD; no libxml2 size limit (a big
#: Log sheet is one huge text node stream). It holds only these settings between parses.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
#: Members up to this size stay decompressed once read; a bigger one (a big sheet) is
#: decompressed again when asked for, so it is never held twice in memory.
KEEP_BYTES = 1024 * 1024


def read_through(zf: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> None:
    """Read a member to its end a megabyte at a time, holding none of it: zipfile checks
    that it decompresses and that its CRC is right."""
    with zf.open(member) as fh:
        while fh.read(KEEP_BYTES):
            pass


def parse(data: bytes) -> Any:
    """Parse an XML part to its root element: no entities, no network, no DTD."""
    return etree.fromstring(data, PARSER)


def local_name(tag: Any) -> str:
    """Return an element's or attribute's name without its namespace ("" for a comment)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def rels_part(part: str) -> str:
    """Return the relationships part of a part ("" is the package: _rels/.rels)."""
    folder, base = posixpath.split(part.lstrip("/"))
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """Return the part a relationship target names, from its source part ("" the package)."""
    if "%" in target:
        target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(source.lstrip("/"))
    if "." in target.rpartition("/")[0] or "//" in target:  # "../media/a.png" and the like
        return posixpath.normpath(posixpath.join(folder, target))
    return f"{folder}/{target}" if folder else target


class Rel(NamedTuple):
    """One relationship: its type, its target (a part name, or a URL when external)."""

    type: str
    target: str
    external: bool = False


class Members(MutableMapping[str, bytes]):
    """A package's members by name, in the zip's order, each decompressed when asked for.

    Bytes set here (a part written anew) are held until the package is written. `held` are
    members already decompressed (a letter just rendered, with its directory entries): with
    them all, `zf` is None and nothing is read from the zip.
    """

    def __init__(
        self, zf: zipfile.ZipFile | None, held: Iterable[tuple[zipfile.ZipInfo, bytes]] = ()
    ) -> None:
        self.zf = zf
        self.infos = {info.filename: info for info in zf.infolist()} if zf is not None else {}
        self.cache: dict[str, bytes] = {}
        for info, data in held:
            self.infos[info.filename] = info
            self.cache[info.filename] = data
        self.added: list[str] = []

    def __getitem__(self, name: str) -> bytes:
        data = self.cache.get(name)
        if data is None:
            if self.zf is None:
                raise KeyError(name)
            data = self.zf.read(self.infos[name])
            if len(data) <= KEEP_BYTES:
                self.cache[name] = data
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        if name not in self.infos and name not in self.cache:
            self.added.append(name)
        self.cache[name] = data

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.cache.pop(name, None)
        self.infos.pop(name, None)
        if name in self.added:
            self.added.remove(name)

    def __contains__(self, name: object) -> bool:
        return name in self.infos or name in self.cache  # without reading the member

    def __iter__(self) -> Iterator[str]:
        yield from self.infos
        yield from self.added

    def __len__(self) -> int:
        return len(self.infos) + len(self.added)


class Package:
    """An OPC zip package: its members, found by part name in any case, and relationships.

    `members` are the package's members when the caller holds them already decompressed
    (Members with `held`): the zip is then opened only if something asks for `zf`.
    """

    def __init__(self, data: bytes, name: str = "", members: Members | None = None) -> None:
        self.source = data
        self.name = name
        self.members = members if members is not None else Members(self.zf)
        self.lower = {n.lower(): n for n in self.members.infos}

    @cached_property
    def zf(self) -> zipfile.ZipFile:
        """Return the package's zip, opened when first asked for."""
        return zipfile.ZipFile(BytesIO(self.source))

    def find(self, part: str) -> str | None:
        """Return the member name of a part name (OPC names ignore case), or None."""
        return self.lower.get(part.lstrip("/").lower())

    def read(self, part: str) -> bytes | None:
        """Return the bytes of a part, or None when absent."""
        name = self.find(part)
        return None if name is None else self.members[name]

    def relationships(self, part: str) -> dict[str, Rel]:
        """Return a part's relationships by id ("" for the package's own), targets resolved."""
        data = self.read(rels_part(part))
        if data is None:
            return {}
        out = {}
        for el in parse(data):
            if local_name(el.tag) != "Relationship":
                continue
            external = el.get("TargetMode") == "External"
            target = el.get("Target", "")
            out[el.get("Id", "")] = Rel(
                el.get("Type", ""), target if external else resolve(part, target), external
            )
        return out
