"""Join .docx files into one document directly: each body appended after a section break.

One pass, linear in the letters: the package of the most common style sheet is the skeleton,
every letter's body XML is appended with a next-page section break that keeps its own page
setup, and what its body refers to is carried over: images (shared when the bytes are the
same), headers and footers (a letter's continuation line), external links. A letter this
cannot carry faithfully (other styles, e.g. one saved by Word; numbered lists, footnotes,
comments, charts) is merged with docxcompose instead (render._combine_flat), that letter only.
split_sections cuts a joined file back into its documents (the envelopes, for `print`).
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from io import BytesIO
from typing import Any

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_OFFICE_DOCUMENT = _RT + "officeDocument"
_HEADER_FOOTER = {_RT + "header": "header", _RT + "footer": "footer"}
_IMAGE = _RT + "image"
_STYLE_PARTS = ("styles.xml", "numbering.xml")
#: body content the direct join cannot carry: list numbering would run on from the previous
#: letter; notes and comments live in parts of their own
_NEEDS_MERGE = tuple(
    f"{{{_W}}}{tag}"
    for tag in ("numPr", "footnoteReference", "endnoteReference", "commentReference")
)
#: every header and footer kind, so that a letter without one does not show the previous
#: letter's (Word carries a missing reference over from the section before)
_REFERENCES = [(kind, typ) for kind in ("header", "footer") for typ in ("default", "first", "even")]


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


class NeedsMerge(Exception):
    """A letter the direct join cannot carry; it is merged with docxcompose instead."""


class _Members(Mapping[str, bytes]):
    """A .docx's members by name, each decompressed when first asked for."""

    def __init__(self, data: bytes) -> None:
        self.zf = zipfile.ZipFile(BytesIO(data))
        self.infos = {info.filename: info for info in self.zf.infolist()}
        self.cache: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self.cache:
            self.cache[name] = self.zf.read(self.infos[name])
        return self.cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


class Package:
    """One .docx: its members (read when needed), main document part and relationships."""

    def __init__(self, data: bytes) -> None:
        from lxml import etree

        self.data = data
        self.members = _Members(data)
        root = etree.fromstring(self.members["_rels/.rels"])
        target = next(
            (r.get("Target", "") for r in root if r.get("Type") == _OFFICE_DOCUMENT),
            "word/document.xml",
        )
        self.doc_name = target.lstrip("/")
        self.folder = posixpath.dirname(self.doc_name)
        self.rels_name = _rels_name(self.doc_name)
        self.rels: dict[str, tuple[str, str, bool]] = {}
        if self.rels_name in self.members:
            for rel in etree.fromstring(self.members[self.rels_name]):
                self.rels[rel.get("Id", "")] = (
                    rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode") == "External"
                )  # fmt: skip

    def part(self, target: str, folder: str | None = None) -> str:
        """Return the member name a relationship target points at."""
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(self.folder if folder is None else folder, target))

    def style_key(self) -> tuple[tuple[int, int] | None, ...]:
        """Return what must be equal for two letters to share one style sheet.

        The CRC-32 and size of the style and numbering parts, as the zip directory holds
        them: comparing them reads nothing more.
        """
        infos = self.members.infos
        return tuple(
            (info.CRC, info.file_size) if info is not None else None
            for info in (infos.get(posixpath.join(self.folder, n)) for n in _STYLE_PARTS)
        )

    def content_type(self, name: str) -> str:
        """Return the content type the package declares for one member."""
        from lxml import etree

        root = etree.fromstring(self.members["[Content_Types].xml"])
        for el in root:
            if el.tag == f"{{{_CT}}}Override" and el.get("PartName", "").lstrip("/") == name:
                return el.get("ContentType", "")
        ext = name.rpartition(".")[2].lower()
        for el in root:
            if el.tag == f"{{{_CT}}}Default" and el.get("Extension", "").lower() == ext:
                return el.get("ContentType", "")
        return "application/octet-stream"


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Joined:
    """The document being built: a skeleton package whose body receives letter after letter."""

    def __init__(self, skeleton: Package, *, started: bool = False) -> None:
        from lxml import etree

        self.pkg = skeleton
        self.members = dict(skeleton.members)
        self.root = etree.fromstring(self.members[skeleton.doc_name])
        self.body: Any = self.root.find(_w("body"))
        self.rels = etree.fromstring(
            self.members.get(skeleton.rels_name, f'<Relationships xmlns="{_PKG}"/>'.encode())
        )
        self.types = etree.fromstring(self.members["[Content_Types].xml"])
        self.style_key = skeleton.style_key()
        self.started = started
        self.ids = {rel.get("Id") for rel in self.rels}
        self.names = {name.casefold() for name in self.members}
        self.counters: dict[str, int] = {}  # name pattern -> the next number to try
        self.shared: dict[tuple, str] = {}  # (kind, key) -> relationship id in the result
        self.empty: dict[str, str] = {}  # "header"/"footer" -> id of an empty one
        self.uses_headers = False
        self.docpr = 0
        self.bookmark = 0
        if started:
            self._seed()
        else:
            self._empty_body()

    def _seed(self) -> None:
        """Note what a document already holds: images to share, the ids already taken."""
        for rid, (typ, target, external) in self.pkg.rels.items():
            if typ == _IMAGE and not external:
                data = self.members.get(self.pkg.part(target))
                if data is not None:
                    self.shared[("image", hashlib.sha256(data).digest())] = rid
            if typ in _HEADER_FOOTER:
                self.uses_headers = True
        for el in self.root.iter(f"{{{_WP}}}docPr"):
            self.docpr = max(self.docpr, _int(el.get("id")))
        for el in self.root.iter(_w("bookmarkStart")):
            self.bookmark = max(self.bookmark, _int(el.get(_w("id"))))

    def _empty_body(self) -> None:
        """Drop the skeleton's own letter, headers and footers; keep its final sectPr."""
        for child in list(self.body):
            if child.tag != _w("sectPr"):
                self.body.remove(child)
        for rel in list(self.rels):
            if rel.get("Type") in _HEADER_FOOTER:
                name = self.pkg.part(rel.get("Target", ""))
                self.rels.remove(rel)
                self.ids.discard(rel.get("Id"))
                self.members.pop(name, None)
                self.members.pop(_rels_name(name), None)
                for el in list(self.types):
                    if el.get("PartName", "").lstrip("/") == name:
                        self.types.remove(el)
        self._seed()

    def append(self, part: Package) -> None:
        """Append one letter after a section break; raise NeedsMerge (changing nothing)."""
        body, refs = self._carried(part)
        sect = body.find(_w("sectPr"))
        if sect is None:
            sect = body.makeelement(_w("sectPr"), {})
        else:
            body.remove(sect)
        letter = list(body)
        mapping: dict[str, str] = {}
        for el, key, rid in refs:
            if rid not in mapping:
                mapping[rid] = self._carry(part, rid)
            el.set(key, mapping[rid])
        self._renumber(letter)
        self._close_section()
        self.body.extend(letter)
        self.body.append(sect)
        self.started = True

    def takes(self, part: Package) -> bool:
        """Return whether append would take the letter directly (it changes nothing)."""
        try:
            self._carried(part)
        except NeedsMerge:
            return False
        return True

    def _carried(self, part: Package) -> tuple[Any, list[tuple[Any, str, str]]]:
        """Return a letter's parsed body and its relationship attributes; raise NeedsMerge
        when the direct join cannot carry it. Depends on the letter and the styles alone."""
        from lxml import etree

        if part.style_key() != self.style_key:
            raise NeedsMerge("other styles")
        root = etree.fromstring(part.members[part.doc_name])
        body = root.find(_w("body"))
        if body is None:
            raise NeedsMerge("no body")
        for tag in _NEEDS_MERGE:
            if next(body.iter(tag), None) is not None:
                raise NeedsMerge(tag)
        refs = [
            (el, str(key), str(value))
            for el in body.iter()
            for key, value in el.attrib.items()
            if str(key).startswith(f"{{{_R}}}")
        ]
        for _el, _key, rid in refs:
            self._check(part, rid)
        return body, refs

    def _check(self, part: Package, rid: str) -> None:
        """Raise NeedsMerge unless the relationship is one the direct join carries."""
        if rid not in part.rels:
            raise NeedsMerge(f"dangling relationship {rid}")
        typ, target, external = part.rels[rid]
        if external:
            return
        name = part.part(target)
        if name not in part.members:
            raise NeedsMerge(f"missing part {name}")
        if typ in _HEADER_FOOTER:
            if _rels_name(name) in part.members:
                raise NeedsMerge(f"{name} refers to other parts")
        elif typ != _IMAGE:
            raise NeedsMerge(f"a {typ.rpartition('/')[2]} part")

    def _carry(self, part: Package, rid: str) -> str:
        """Bring one relationship of a letter into the result; return its id there."""
        typ, target, external = part.rels[rid]
        if external:
            key: tuple = ("external", typ, target)
            if key not in self.shared:
                self.shared[key] = self._relate(typ, target, external=True)
            return self.shared[key]
        name = part.part(target)
        data = part.members[name]
        kind = _HEADER_FOOTER.get(typ, "image")
        key = (kind, hashlib.sha256(data).digest())
        if key not in self.shared:
            ext = name.rpartition(".")[2].lower()
            folder = "media/" if kind == "image" else ""
            new = self._free_name(f"{folder}{kind}-joined-{{n}}.{ext}")
            self._add_part(new, data, part.content_type(name), default=kind == "image")
            self.shared[key] = self._relate(typ, new[len(self.pkg.folder) + 1 :])
            if kind != "image":
                self.uses_headers = True
        return self.shared[key]

    def _free_name(self, pattern: str) -> str:
        n = self.counters.get(pattern, 1)
        while True:
            name = posixpath.join(self.pkg.folder, pattern.format(n=n))
            n += 1
            if name.casefold() not in self.names:
                self.names.add(name.casefold())
                self.counters[pattern] = n
                return name

    def _add_part(self, name: str, data: bytes, content_type: str, *, default: bool) -> None:
        self.members[name] = data
        ext = name.rpartition(".")[2].lower()
        if default:
            if any(el.get("Extension", "").lower() == ext for el in self.types
                   if el.tag == f"{{{_CT}}}Default"):  # fmt: skip
                return
            el = self.types.makeelement(
                f"{{{_CT}}}Default", {"Extension": ext, "ContentType": content_type}
            )
            self.types.insert(0, el)
        else:
            el = self.types.makeelement(
                f"{{{_CT}}}Override", {"PartName": "/" + name, "ContentType": content_type}
            )
            self.types.append(el)

    def _relate(self, typ: str, target: str, *, external: bool = False) -> str:
        n = len(self.ids) + 1
        while f"rId{n}" in self.ids:
            n += 1
        rid = f"rId{n}"
        self.ids.add(rid)
        attrs = {"Id": rid, "Type": typ, "Target": target}
        if external:
            attrs["TargetMode"] = "External"
        self.rels.append(self.rels.makeelement(f"{{{_PKG}}}Relationship", attrs))
        return rid

    def _renumber(self, elements: list[Any]) -> None:
        """Give drawings and bookmarks ids no earlier letter uses."""
        top = self.bookmark
        for element in elements:
            for el in element.iter(f"{{{_WP}}}docPr"):
                self.docpr += 1
                el.set("id", str(self.docpr))
            for tag in ("bookmarkStart", "bookmarkEnd"):
                for el in element.iter(_w(tag)):
                    new = self.bookmark + 1 + _int(el.get(_w("id")))
                    el.set(_w("id"), str(new))
                    top = max(top, new)
        self.bookmark = top

    def _close_section(self) -> None:
        """End the previous letter's section in its last paragraph (a next-page break)."""
        last = _last(self.body)
        sect = last if last is not None and last.tag == _w("sectPr") else None
        if sect is not None:
            self.body.remove(sect)
        if not self.started:
            return
        if sect is None:
            sect = self.body.makeelement(_w("sectPr"), {})
        para = section_carrier(self.body, _last(self.body))
        ppr = para.find(_w("pPr"))
        if ppr is None:
            ppr = para.makeelement(_w("pPr"), {})
            para.insert(0, ppr)
        change = ppr.find(_w("pPrChange"))
        if change is not None:
            change.addprevious(sect)
        else:
            ppr.append(sect)

    def fill_references(self) -> None:
        """Give every section all header and footer references (empty ones where missing)."""
        if not self.uses_headers:
            return
        for sect in self.root.iter(_w("sectPr")):
            have = {(el.tag, el.get(_w("type"))) for el in sect}
            for kind, typ in _REFERENCES:
                if (_w(f"{kind}Reference"), typ) in have:
                    continue
                ref = sect.makeelement(_w(f"{kind}Reference"), {_w("type"): typ})
                ref.set(f"{{{_R}}}id", self._empty_part(kind))
                sect.insert(0, ref)
            # the schema wants the references first, headers before footers
            refs = [el for el in sect if el.tag in (_w("headerReference"), _w("footerReference"))]
            for el in sorted(refs, key=lambda e: e.tag != _w("headerReference"), reverse=True):
                sect.remove(el)
                sect.insert(0, el)

    def _empty_part(self, kind: str) -> str:
        if kind not in self.empty:
            from lxml import etree

            from .headers import empty_part

            tag = "hdr" if kind == "header" else "ftr"
            # 1 pt high: a plain empty paragraph would take a line from a full card
            data = etree.tostring(
                empty_part(tag), xml_declaration=True, encoding="UTF-8", standalone=True
            )
            name = self._free_name(f"{kind}-empty-{{n}}.xml")
            ctype = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
            self._add_part(name, data, ctype, default=False)
            self.empty[kind] = self._relate(_RT + kind, name[len(self.pkg.folder) + 1 :])
        return self.empty[kind]

    def save(self, today: date) -> bytes:
        """Return the joined document, byte for byte the same for the same letters and day."""
        from lxml import etree

        from .render import normalize_zip

        def xml(root: Any) -> bytes:
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

        self.fill_references()
        self.members[self.pkg.doc_name] = xml(self.root)
        self.members[self.pkg.rels_name] = xml(self.rels)
        self.members["[Content_Types].xml"] = xml(self.types)
        buf = BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for name, data in self.members.items():
                zf.writestr(name, data)
        return normalize_zip(buf.getvalue(), today)


def section_carrier(body: Any, last: Any, before: Any = None) -> Any:
    """Return the paragraph that ends a letter's section: `last`, or a new hairline one.

    A new one is made when `last` is no paragraph, already ends a section, or is framed (a
    section break in an envelope's address frame takes the frame onto the next page); it is
    placed before `before`, or at the end of the body.
    """
    ppr = last.find(_w("pPr")) if last is not None and last.tag == _w("p") else None
    if (
        last is not None
        and last.tag == _w("p")
        and (ppr is None or (ppr.find(_w("sectPr")) is None and ppr.find(_w("framePr")) is None))
    ):
        return last
    para = body.makeelement(_w("p"), {})
    ppr = para.makeelement(_w("pPr"), {})
    exact = {_w("before"): "0", _w("after"): "0", _w("line"): "20", _w("lineRule"): "exact"}
    ppr.append(ppr.makeelement(_w("spacing"), exact))
    para.append(ppr)
    if before is None:
        body.append(para)
    else:
        before.addprevious(para)
    return para


def _last(element: Any) -> Any:
    """Return an element's last child or None (len() of an lxml element counts them all)."""
    try:
        return element[-1]
    except IndexError:
        return None


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def join(parts: Sequence[bytes], today: date) -> tuple[bytes, int]:
    """Join .docx files into one, each on a new page with its own page setup.

    Return the document and how many letters needed the slower docxcompose merge.
    """
    from .render import _combine_flat

    packages = [Package(p) for p in parts]
    common = Counter(p.style_key() for p in packages).most_common(1)[0][0]
    skeleton = next(p for p in packages if p.style_key() == common)
    joined = Joined(skeleton)
    merged = 0
    i = 0
    while i < len(packages):
        try:
            joined.append(packages[i])
            i += 1
            continue
        except NeedsMerge:
            pass
        # the letters in a row that need docxcompose are merged in one go: the document
        # joined so far is saved and parsed again once per run of them, not once per letter
        # (whether a letter needs it depends on it and the styles, which stay the same)
        end = i + 1
        while end < len(packages) and not joined.takes(packages[end]):
            end += 1
        merged += end - i
        data = _combine_flat([joined.save(today), *(p.data for p in packages[i:end])], today)
        again = Joined(Package(data), started=True)
        again.style_key = joined.style_key  # letters of the common styles still join directly
        joined = again
        i = end
    return joined.save(today), merged


def split_sections(data: bytes, counts: Sequence[int]) -> list[bytes] | None:
    """Cut a joined .docx back into documents of `counts` sections each; None if they differ."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    pkg = Package(data)
    root = etree.fromstring(pkg.members[pkg.doc_name])
    body = root.find(f"{w}body")
    if body is None:
        return None
    sections: list[tuple[list[Any], Any]] = []
    current: list[Any] = []
    for child in list(body):
        if child.tag == f"{w}sectPr":
            sections.append((current, child))
            current = []
            continue
        current.append(child)
        inner = child.find(f"{w}pPr/{w}sectPr") if child.tag == f"{w}p" else None
        if inner is not None:
            sections.append((current, inner))
            current = []
    if current or len(sections) != sum(counts):
        return None
    # the document without its body, copied once: each piece copies only this shell and its
    # own sections (a copy of the whole document per piece grew with the square of pieces)
    placeholder = body.makeelement(f"{w}body", {})
    root.replace(body, placeholder)
    shell = _copy(root)
    root.replace(placeholder, body)
    out, i = [], 0
    for n in counts:
        chunk = sections[i : i + n]
        i += n
        new_body = body.makeelement(f"{w}body", {})
        for elements, _sect in chunk:
            for el in elements:
                new_body.append(_copy(el))
        last = _copy(chunk[-1][1])
        if chunk[-1][1].getparent() is not body:  # the section ended in a paragraph
            ppr: Any = new_body[-1].find(f"{w}pPr")
            ppr.remove(ppr.find(f"{w}sectPr"))
        new_body.append(last)
        new_root = _copy(shell)
        new_root.replace(new_root.find(f"{w}body"), new_body)
        members = dict(pkg.members)
        members[pkg.doc_name] = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8",
                                               standalone=True)  # fmt: skip
        out.append(_zip(members))
    return out


def _copy(el: Any) -> Any:
    from copy import deepcopy

    return deepcopy(el)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()
