"""Read a .docx's parts: members decompressed when first asked for, the main document part,
each part's relationships and content type.

The one reader of a letter's package in letters/: the joiner (compose.py), the page-fit
estimate (pagefit.py), the print file's section count (printing.py) and the template's
members a compiled letter reuses (compiled.py) all read through it.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator, Mapping
from functools import cached_property
from io import BytesIO
from typing import Any, NamedTuple

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
#: The relationship types of a Word document's parts, by their last word ("header", "image").
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPES = "[Content_Types].xml"


def rels_name(part: str) -> str:
    """Return the name of a part's relationships part (word/_rels/document.xml.rels)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


#: The parser of every part the letters read: no entities, no network, no DTD. A parser
#: holds only these settings between parses; one made per part costs more than the parse.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse(data: bytes) -> Any:
    """Parse an XML part: no entities, no network, no DTD."""
    return etree.fromstring(data, _PARSER)


def serialize(root: Any) -> bytes:
    """Return an XML part as Word writes one: UTF-8 with a standalone declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class Rel(NamedTuple):
    """One relationship: its type, its target (a member name, or a URL when external)."""

    type: str
    target: str
    external: bool = False


class Members(Mapping[str, bytes]):
    """A .docx's members by name, in the zip's order, each decompressed when first asked for."""

    def __init__(self, data: bytes) -> None:
        self.zf = zipfile.ZipFile(BytesIO(data))
        self.infos = {info.filename: info for info in self.zf.infolist()}
        self.cache: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self.cache:
            self.cache[name] = self.zf.read(self.infos[name])
        return self.cache[name]

    def __contains__(self, name: object) -> bool:
        return name in self.infos  # without reading the member, as Mapping's own would

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


class Package:
    """One .docx: its members (read when needed), main document part and relationships."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.members = Members(data)
        package_rels = self.relationships("")
        main = next((r for r in package_rels.values() if r.type == RT + "officeDocument"), None)
        self.doc_name = main.target if main is not None else "word/document.xml"
        self.folder = posixpath.dirname(self.doc_name)
        self.rels_name = rels_name(self.doc_name)
        self.rels = self.relationships(self.doc_name)
        self._types: tuple[dict[str, str], dict[str, str]] | None = None

    def relationships(self, part: str) -> dict[str, Rel]:
        """Return a part's relationships by id ("" for the package's own), targets resolved."""
        name = posixpath.join("_rels", ".rels") if not part else rels_name(part)
        if name not in self.members:
            return {}
        folder = posixpath.dirname(part)
        out = {}
        for el in parse(self.members[name]):
            external = el.get("TargetMode") == "External"
            target = el.get("Target", "")
            out[el.get("Id", "")] = Rel(el.get("Type", ""),
                                        target if external else resolve(folder, target),
                                        external)  # fmt: skip
        return out

    def related(self, reltype: str) -> str | None:
        """Return the member the main document relates to by this type (its styles, say)."""
        for rel in self.rels.values():
            if rel.type == reltype and not rel.external and rel.target in self.members:
                return rel.target
        return None

    @cached_property
    def style_key(self) -> tuple[tuple[int, int] | None, ...]:
        """Return what must be equal for two letters to share one style sheet.

        The CRC-32 and size of the style and numbering parts, as the zip directory holds
        them: comparing them reads nothing more.
        """
        infos = self.members.infos
        return tuple(
            (info.CRC, info.file_size) if info is not None else None
            for info in (
                infos.get(posixpath.join(self.folder, n)) for n in ("styles.xml", "numbering.xml")
            )  # fmt: skip
        )

    def content_type(self, name: str) -> str:
        """Return the content type the package declares for one member."""
        if self._types is None:
            overrides: dict[str, str] = {}
            defaults: dict[str, str] = {}
            for el in parse(self.members[CONTENT_TYPES]):
                if el.tag == f"{{{CT}}}Override":
                    overrides.setdefault(
                        el.get("PartName", "").lstrip("/"), el.get("ContentType", "")
                    )
                elif el.tag == f"{{{CT}}}Default":
                    defaults.setdefault(el.get("Extension", "").lower(), el.get("ContentType", ""))
            self._types = (overrides, defaults)
        overrides, defaults = self._types
        found = overrides.get(name) or defaults.get(name.rpartition(".")[2].lower())
        return found or "application/octet-stream"


def resolve(folder: str, target: str) -> str:
    """Return the member a relationship target names, from the folder of its source part."""
    if target.startswith("/"):
        return target[1:]
    if "." in target.rpartition("/")[0] or "//" in target:  # "../media/a.png" and the like
        return posixpath.normpath(posixpath.join(folder, target))
    return f"{folder}/{target}" if folder else target
