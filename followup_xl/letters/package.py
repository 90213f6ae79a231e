"""A .docx's package: its main document part, that part's relationships, content types.

The one reader of a letter's package in letters/: the joiner (compose.py), the page-fit
estimate (pagefit.py) and the template's members a compiled letter reuses (compiled.py) all
read through it.
"""

from __future__ import annotations

import posixpath
from copy import copy
from functools import cached_property
from typing import Any

from lxml import etree

from ..opc import Members, parse, rels_part
from ..opc import Package as OpcPackage

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
#: The relationship types of a Word document's parts, by their last word ("header", "image").
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPES = "[Content_Types].xml"


def serialize(root: Any) -> bytes:
    """Return an XML part as Word writes one: UTF-8 with a standalone declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class Package(OpcPackage):
    """One .docx: its members (read when needed), main document part and relationships.

    `members` are its members already decompressed, when the caller holds them (a letter
    the renderer has just written): the zip is then not read again.
    """

    def __init__(self, data: bytes, members: Members | None = None) -> None:
        super().__init__(data, members=members)
        package_rels = self.relationships("")
        main = next((r for r in package_rels.values() if r.type == RT + "officeDocument"), None)
        self.doc_name = main.target if main is not None else "word/document.xml"
        self.folder = posixpath.dirname(self.doc_name)
        self.rels_name = rels_part(self.doc_name)
        self.rels = self.relationships(self.doc_name)
        self._types: tuple[dict[str, str], dict[str, str]] | None = None

    def related(self, reltype: str) -> str | None:
        """Return the member the main document relates to by this type (its styles, say)."""
        for rel in self.rels.values():
            if rel.type == reltype and not rel.external and rel.target in self.members:
                return rel.target
        return None

    def sibling(self, data: bytes, members: Members) -> Package:
        """Return a package of the same parts, relationships and content types as this one,
        some parts holding other bytes (a letter rendered from this template's package)."""
        other = copy(self)
        for derived in ("zf", "style_key"):  # read from the sibling's own members when asked
            other.__dict__.pop(derived, None)
        other.source, other.members = data, members
        return other

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
