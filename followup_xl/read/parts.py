"""Open a workbook's parts for streaming: names in any case, relationships, no DTDs."""

from __future__ import annotations

import functools
import posixpath
import zipfile
from typing import IO, Any

from ..errors import WorkbookError


def local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@functools.cache
def parser() -> Any:
    """Return the XML parser for workbook parts: no entities, network or DTD (one per process)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class Package:
    """The parts of an .xlsx that the contract needs, read on demand with limits."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        self.lower = {n.lower(): n for n in zf.namelist()}

    def member(self, part: str) -> str | None:
        return self.lower.get(part.lstrip("/").lower())

    def open(self, part: str) -> IO[bytes]:
        name = self.member(part)
        if name is None:
            raise KeyError(part)
        with self.zf.open(name) as fh:
            head = fh.read(2048)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise WorkbookError(
                f"its part {name} declares a DTD (<!DOCTYPE>), which Excel never writes — the "
                "file was made by another program or tampered with: open it in Excel or "
                "LibreOffice Calc and save it again",
                file=self.name,
            )
        return self.zf.open(name)

    def xml(self, part: str) -> Any:
        from lxml import etree

        with self.open(part) as fh:
            return etree.parse(fh, parser()).getroot()

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Return {rId: (type, target part)} of a part's relationships."""
        folder, base = posixpath.split(part.lstrip("/"))
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if self.member(rels_part) is None:
            return {}
        out = {}
        for rel in self.xml(rels_part):
            if local_name(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), full)
        return out
