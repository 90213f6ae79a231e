"""Keep each letter's own headers and footers when letters are joined into one file.

docxcompose drops the header and footer references of every appended document, so each
later letter would show the first letter's header (Word and LibreOffice carry a section's
headers over to the next section that has none): page 2 of the tenth letter in the print
file would name the first letter's recipient. Here the appended letter's header and footer
parts are copied into the joined document and its sections point at the copies; a letter
without headers gets empty ones, so it inherits nothing from the letter before it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_KINDS = (("header", "hdr"), ("footer", "ftr"))


def empty_part(root_tag: str) -> Any:
    """Return an empty header or footer: one paragraph 1 pt high, so it takes no room."""
    from lxml import etree

    root = etree.Element(f"{_W}{root_tag}", nsmap={"w": _W[1:-1]})
    ppr = etree.SubElement(etree.SubElement(root, f"{_W}p"), f"{_W}pPr")
    spacing = etree.SubElement(ppr, f"{_W}spacing")
    for attr, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(f"{_W}{attr}", value)
    etree.SubElement(etree.SubElement(ppr, f"{_W}rPr"), f"{_W}sz").set(f"{_W}val", "2")
    return root


class HeaderCarrier:
    """Copies header and footer parts from appended documents into one joined document."""

    def __init__(self, master: Any) -> None:
        self.master = master
        self.part = master.part
        self.copies: dict[tuple[str, bytes], str] = {}  # (kind, part XML) -> rId in master
        # part numbers handed out so far (one scan: python-docx's next_partname scans every
        # part per call, and a print file holds thousands of headers)
        self.next = {kind: 1 for kind, _ in _KINDS}
        for part in self.part.package.iter_parts():
            for kind, _ in _KINDS:
                stem = f"/word/{kind}"
                name = str(part.partname)
                if name.startswith(stem) and name[len(stem) : -4].isdigit():
                    self.next[kind] = max(self.next[kind], int(name[len(stem) : -4]) + 1)
        refs = master.element.body.iter(f"{_W}headerReference", f"{_W}footerReference")
        self.used = next(refs, None) is not None

    def carry(self, doc: Any, sect: Any, first: bool) -> None:
        """Point a section's header/footer references (copied from `doc`) at parts in master.

        `first`: the section starts its document, so missing headers are made empty rather
        than inherited from the document before it.
        """
        from lxml import etree

        for kind, root_tag in _KINDS:
            refs = sect.findall(f"{_W}{kind}Reference")
            types = set()
            for ref in refs:
                rid = ref.get(f"{_R}id")
                src = doc.part.related_parts.get(rid) if rid else None
                new = self._copy(kind, src) if src is not None else None
                if new is None:
                    sect.remove(ref)
                    continue
                ref.set(f"{_R}id", new)
                types.add(ref.get(f"{_W}type", "default"))
            if not first or not (self.used or refs):
                continue
            wanted = ["default"]
            if sect.find(f"{_W}titlePg") is not None:
                wanted.append("first")
            for kind_type in wanted:
                if kind_type in types:
                    continue
                ref = etree.Element(f"{_W}{kind}Reference")
                ref.set(f"{_W}type", kind_type)
                ref.set(f"{_R}id", self._add(kind, empty_part(root_tag)))
                sect.insert(0, ref)
            self.used = True
        # the schema wants header references first, then footer references
        refs = sect.findall(f"{_W}headerReference") + sect.findall(f"{_W}footerReference")
        for ref in reversed(refs):
            sect.remove(ref)
            sect.insert(0, ref)

    def _copy(self, kind: str, src: Any) -> str | None:
        """Return the rId of a copy of a header/footer part; None when it cannot be copied."""
        element = deepcopy(src.element)
        for el in element.iter():
            for attr, rid in list(el.attrib.items()):
                if not attr.startswith(_R):
                    continue
                rel = src.rels.get(rid)
                if rel is None:
                    return None
                if rel.is_external:
                    el.set(attr, f"external:{rel.reltype}|{rel.target_ref}")
                elif rel.reltype.endswith("/image"):
                    el.set(attr, f"image:{rid}")
                else:
                    return None  # a part this header shares with its document: leave it out
        return self._add(kind, element, src)

    def _add(self, kind: str, element: Any, src: Any = None) -> str:
        from io import BytesIO

        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.parts.hdrftr import FooterPart, HeaderPart
        from lxml import etree

        key = (kind, etree.tostring(element))
        if key in self.copies:
            return self.copies[key]
        cls, content_type, reltype = (
            (HeaderPart, CT.WML_HEADER, RT.HEADER)
            if kind == "header"
            else (FooterPart, CT.WML_FOOTER, RT.FOOTER)
        )
        name = PackURI(f"/word/{kind}{self.next[kind]}.xml")
        self.next[kind] += 1
        part = cls(name, content_type, element, self.part.package)
        for el in element.iter():
            for attr, value in list(el.attrib.items()):
                if not attr.startswith(_R):
                    continue
                if value.startswith("external:"):
                    reltype_ext, target = value[len("external:") :].split("|", 1)
                    el.set(attr, part.relate_to(target, reltype_ext, is_external=True))
                elif value.startswith("image:") and src is not None:
                    blob = src.rels[value[len("image:") :]].target_part.blob
                    image = self.part.package.get_or_add_image_part(BytesIO(blob))
                    el.set(attr, part.relate_to(image, RT.IMAGE))
        rid = self.part.relate_to(part, reltype)
        self.copies[key] = rid
        return rid
