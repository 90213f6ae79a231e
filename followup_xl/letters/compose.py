"""Join .docx files into one document: each letter's body after a section break of its own.

The print file, the envelopes file and a fax (cover sheet, then letter) are joined here, in
one pass linear in the letters. The package of the most common style sheet is the skeleton;
each letter's body is appended with a next-page section break that keeps its own page setup,
and what the body refers to comes along:

- images (one copy of the same bytes), headers and footers (each letter keeps its own, and a
  letter without one gets an empty one rather than the previous letter's), charts and any
  other part with the parts it refers to in turn, external links;
- lists: each letter's lists get numbering definitions of their own, so a numbered list
  starts at 1 in every letter rather than running on from the letter before;
- footnotes, endnotes and comments, renumbered into the joined document's parts;
- styles, for a letter whose style sheet differs from the skeleton's (one saved by Word or
  LibreOffice): a style of a name the skeleton has takes the skeleton's definition, and a
  style it lacks is copied from the letter with the styles it is based on.

split_sections cuts a joined file back into its documents (the envelopes, for `print`).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..opc import Rel, parse, rels_part, resolve
from ..zipwrite import zip_members
from .package import (
    CONTENT_TYPES,
    CT,
    PKG,
    RT,
    Package,
    R,
    W,
    serialize,
)

_RID = f"{{{R}}}"  # the namespace of every attribute that names a relationship
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_HEADER_FOOTER = {RT + "header": "header", RT + "footer": "footer"}
_IMAGE = RT + "image"
#: every header and footer kind, so that a letter without one does not show the previous
#: letter's (Word carries a missing reference over from the section before)
_REFERENCES = [(kind, typ) for kind in ("header", "footer") for typ in ("default", "first", "even")]
#: the notes a footnote or endnote part keeps for itself (the lines above the notes)
_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class _NoteKind:
    """A part of numbered notes the body refers to by w:id: footnotes, endnotes, comments."""

    part: str  # the part's usual name and the last word of its relationship type
    note: str  # the tag of one note
    references: tuple[str, ...]  # the body's tags that carry a note's w:id


_NOTE_KINDS = (
    _NoteKind("footnotes", "footnote", ("footnoteReference",)),
    _NoteKind("endnotes", "endnote", ("endnoteReference",)),
    _NoteKind("comments", "comment", ("commentRangeStart", "commentRangeEnd", "commentReference")),
)
_NOTE_OF = {_w(tag): kind for kind in _NOTE_KINDS for tag in kind.references}


class _Rels:
    """The relationships of one part of the joined document, added to letter by letter."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.ids = {rel.get("Id") for rel in root}
        self.shared: dict[tuple[str, str, bool], str] = {}  # (type, target, external) -> id

    def relate(self, typ: str, target: str, *, external: bool = False) -> str:
        """Return the id of a relationship to target, added unless the part has it already."""
        key = (typ, target, external)
        if key not in self.shared:
            n = len(self.ids) + 1
            while f"rId{n}" in self.ids:
                n += 1
            rid = f"rId{n}"
            self.ids.add(rid)
            attrs = {"Id": rid, "Type": typ, "Target": target}
            if external:
                attrs["TargetMode"] = "External"
            self.root.append(self.root.makeelement(f"{{{PKG}}}Relationship", attrs))
            self.shared[key] = rid
        return self.shared[key]


class _Notes:
    """One notes part of the joined document (its notes, its relationships, the next id)."""

    def __init__(self, name: str, root: Any, rels: _Rels) -> None:
        self.name = name
        self.root = root
        self.rels = rels
        self.next = 1 + max((_int(n.get(_w("id"))) for n in root), default=0)


class Joined:
    """The document being built: a skeleton package whose body receives letter after letter."""

    def __init__(self, skeleton: Package) -> None:
        self.pkg = skeleton
        self.members = dict(skeleton.members)
        self.root = parse(self.members[skeleton.doc_name])
        self.body: Any = self.root.find(_w("body"))
        self.rels = _Rels(
            parse(self.members.get(skeleton.rels_name, f'<Relationships xmlns="{PKG}"/>'.encode()))
        )
        self.types = parse(self.members[CONTENT_TYPES])
        self.style_key = skeleton.style_key
        self.started = False
        self.names = {name.casefold() for name in self.members}
        self.counters: dict[str, int] = {}  # name pattern -> the next number to try
        self.copies: dict[tuple, str] = {}  # (kind, content, relationships) -> member name
        self.empty: dict[str, str] = {}  # "header"/"footer" -> id of an empty one
        self.uses_headers = False
        self.docpr = 0
        self.bookmark = 0
        #: letters whose style sheet differed from the skeleton's
        self.restyled = 0
        self.styles: _StyleSheet | None = None  # the skeleton's, once a letter needs them
        self.numbering: _Numbering | None = None
        self.notes: dict[str, _Notes] = {}
        self.changed: dict[str, Any] = {}  # member name -> its root, written on save
        #: style key -> a style sheet's styles that number their paragraphs (numId, ilvl)
        self.numbered_styles: dict[tuple, dict[str | None, tuple[str, str | None]]] = {}
        self._empty_body()

    def _empty_body(self) -> None:
        """Drop the skeleton's own letter, headers, footers and notes; keep its final sectPr.

        The skeleton's images stay, under the relationship ids it has: the letters with the
        same images use them.
        """
        for child in list(self.body):
            if child.tag != _w("sectPr"):
                self.body.remove(child)
        for rel in list(self.rels.root):
            rid, typ = rel.get("Id"), rel.get("Type")
            if rel.get("TargetMode") == "External" or typ not in (*_HEADER_FOOTER, _IMAGE):
                continue
            name = self.pkg.rels[rid].target
            if typ == _IMAGE:
                if name in self.members:
                    data = self.members[name]
                    self.copies[("image", hashlib.sha256(data).digest(), b"")] = name
                    self.rels.shared[(typ, _relative(name, self.pkg.folder), False)] = rid
                continue
            self.rels.root.remove(rel)
            self.rels.ids.discard(rid)
            self.members.pop(name, None)
            self.members.pop(rels_part(name), None)
            for el in list(self.types):
                if el.get("PartName", "").lstrip("/") == name:
                    self.types.remove(el)
        self._drop_unreachable()
        for kind in _NOTE_KINDS:
            part = self.pkg.related(RT + kind.part)
            if part is None:
                continue
            root = parse(self.members[part])
            notes = [n for n in root if kind.part == "comments"
                     or n.get(_w("type")) not in _SEPARATORS]  # fmt: skip
            for note in notes:
                root.remove(note)
            if notes:
                self.changed[part] = root

    def _drop_unreachable(self) -> None:
        """Drop the parts no relationship leads to any more (the skeleton's header images)."""
        reached, todo = {""}, [""]
        while todo:
            part = todo.pop()
            if part == self.pkg.doc_name:
                rels = self.rels.root
            else:
                name = rels_part(part)
                rels = parse(self.members[name]) if name in self.members else ()
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                target = resolve(part, rel.get("Target", ""))
                if target in self.members and target not in reached:
                    reached.add(target)
                    todo.append(target)
        kept = reached | {CONTENT_TYPES} | {rels_part(p) for p in reached}
        for name in [n for n in self.members if n not in kept]:
            del self.members[name]
            for el in list(self.types):
                if el.get("PartName", "").lstrip("/") == name:
                    self.types.remove(el)

    def append(self, letter: Package) -> None:
        """Append one letter after a section break."""
        xml = letter.members[letter.doc_name]
        root = parse(xml)
        body = root.find(_w("body"))
        if body is None:
            body = root.makeelement(_w("body"), {})
        move = _Transfer(self, letter)
        sect = body.find(_w("sectPr"))
        if sect is None:
            sect = body.makeelement(_w("sectPr"), {})
        else:
            body.remove(sect)
        elements = [*body, sect]
        numbered = move.number_styled_paragraphs(body)
        if numbered or move.restyle or b"numId" in xml:  # nothing else to look for without
            move.adopt(elements)
        if any(tag in xml for tag in (b"footnoteRef", b"endnoteRef", b"commentR")):
            move.notes(elements)
        move.carry(elements, letter.rels, self.rels, self.pkg.folder)
        self._renumber(elements[:-1])
        self._close_section()
        self.body.extend(elements)
        self.started = True

    def copy_part(self, letter: Package, name: str, typ: str, move: _Transfer) -> str | None:
        """Return the joined document's copy of a letter's part (one copy of the same bytes and
        relationships), copying the parts it refers to in turn; None when it cannot be had."""
        if name not in letter.members or name in move.copying:
            return None
        kind = _HEADER_FOOTER.get(typ, "image" if typ == _IMAGE else "part")
        ext = name.rpartition(".")[2].lower()
        if kind == "image":
            pattern = f"media/image-joined-{{n}}.{ext}"
        elif kind == "part":
            pattern = self._pattern(letter, name, ext)
        else:
            pattern = f"{kind}-joined-{{n}}.{ext}"
        data = letter.members[name]
        if kind in ("header", "footer"):
            data = move.adopted_part(data)
        rels = b""
        part_rels = letter.relationships(name)
        if part_rels:  # kept under their ids, so the part's own XML needs no change
            move.copying.add(name)
            root = parse(f'<Relationships xmlns="{PKG}"/>'.encode())
            folder = posixpath.dirname(posixpath.join(self.pkg.folder, pattern))
            for rid, rel in part_rels.items():
                target = rel.target
                if not rel.external:
                    new = self.copy_part(letter, rel.target, rel.type, move)
                    if new is None:
                        continue
                    target = _relative(new, folder)
                attrs = {"Id": rid, "Type": rel.type, "Target": target}
                if rel.external:
                    attrs["TargetMode"] = "External"
                root.append(root.makeelement(f"{{{PKG}}}Relationship", attrs))
            move.copying.discard(name)
            rels = serialize(root)
        key = (kind, hashlib.sha256(data).digest(), rels)
        if key not in self.copies:
            new = self._free_name(pattern)
            self._add_part(new, data, letter.content_type(name), default=kind == "image")
            if rels:
                self.members[rels_part(new)] = rels
            if kind in ("header", "footer"):
                self.uses_headers = True
            self.copies[key] = new
        return self.copies[key]

    def _pattern(self, letter: Package, name: str, ext: str) -> str:
        """Return where a copied part goes: its folder as in the letter, a numbered name."""
        inner = posixpath.relpath(name, letter.folder)
        folder = posixpath.dirname(inner) if not inner.startswith("..") else ""
        stem = re.sub(r"\d+$", "", posixpath.basename(name).rpartition(".")[0]) or "part"
        return posixpath.join(folder, f"{stem}-joined-{{n}}.{ext}")

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
                   if el.tag == f"{{{CT}}}Default"):  # fmt: skip
                return
            el = self.types.makeelement(
                f"{{{CT}}}Default", {"Extension": ext, "ContentType": content_type}
            )
            self.types.insert(0, el)
        else:
            el = self.types.makeelement(
                f"{{{CT}}}Override", {"PartName": "/" + name, "ContentType": content_type}
            )
            self.types.append(el)

    def add_xml_part(self, pattern: str, root: Any, content_type: str, typ: str) -> str:
        """Add a part of the joined document's own (numbering, notes); return its name."""
        name = self._free_name(pattern)
        self._add_part(name, b"", content_type, default=False)
        self.changed[name] = root
        self.rels.relate(RT + typ, _relative(name, self.pkg.folder))
        return name

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
                ref.set(f"{_RID}id", self._empty_part(kind))
                sect.insert(0, ref)
            # the schema wants the references first, headers before footers
            refs = [el for el in sect if el.tag in (_w("headerReference"), _w("footerReference"))]
            for el in sorted(refs, key=lambda e: e.tag != _w("headerReference"), reverse=True):
                sect.remove(el)
                sect.insert(0, el)

    def _empty_part(self, kind: str) -> str:
        if kind not in self.empty:
            # 1 pt high: a plain empty paragraph would take a line from a full card
            data = serialize(empty_part("hdr" if kind == "header" else "ftr"))
            name = self._free_name(f"{kind}-empty-{{n}}.xml")
            self._add_part(name, data, f"{_WORD}{kind}+xml", default=False)
            self.empty[kind] = self.rels.relate(RT + kind, _relative(name, self.pkg.folder))
        return self.empty[kind]

    def save(self, today: date) -> bytes:
        """Return the joined document, byte for byte the same for the same letters and day."""
        self.fill_references()
        self.members[self.pkg.doc_name] = serialize(self.root)
        self.members[self.pkg.rels_name] = serialize(self.rels.root)
        self.members[CONTENT_TYPES] = serialize(self.types)
        for name, root in self.changed.items():
            self.members[name] = serialize(root)
        for notes in self.notes.values():
            if len(notes.rels.root):
                self.members[rels_part(notes.name)] = serialize(notes.rels.root)
        return zip_members(self.members, today)


class _StyleSheet:
    """A styles part: its styles by id, and ids by name."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.by_id: dict[str, Any] = {}
        self.by_name: dict[str, str] = {}
        for style in root.iter(_w("style")):
            self.add(style)

    def add(self, style: Any) -> None:
        """Note one style (appended to the part by the caller, or there already)."""
        sid = style.get(_w("styleId"), "")
        self.by_id.setdefault(sid, style)
        name = style.find(_w("name"))
        if name is not None:
            self.by_name.setdefault(name.get(_w("val"), ""), sid)

    def name_of(self, sid: str) -> str | None:
        style = self.by_id.get(sid)
        name = style.find(_w("name")) if style is not None else None
        return name.get(_w("val")) if name is not None else None


class _Numbering:
    """The joined document's numbering part: list definitions added one letter at a time."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.num = 1 + max((_int(n.get(_w("numId"))) for n in root.iter(_w("num"))), default=0)
        self.abstract = 1 + max(
            (_int(a.get(_w("abstractNumId"))) for a in root.iter(_w("abstractNum"))), default=-1
        )
        self.nsids = {el.get(_w("val")) for el in root.iter(_w("nsid"))}

    def add_abstract(self, abstract: Any) -> str:
        """Add a list definition (an abstractNum) under a new id and nsid; return the id."""
        new = str(self.abstract)
        self.abstract += 1
        abstract.set(_w("abstractNumId"), new)
        nsid = abstract.find(_w("nsid"))
        if nsid is not None:  # Word tells lists apart by their nsid: a new list needs its own
            value = 0x2F6B1D35 * (int(new) + 1) & 0xFFFFFFFF
            while f"{value:08X}" in self.nsids:
                value = (value + 1) & 0xFFFFFFFF
            nsid.set(_w("val"), f"{value:08X}")
            self.nsids.add(f"{value:08X}")
        first = self.root.find(_w("num"))  # the schema wants every abstractNum before any num
        if first is None:
            first = self.root.find(_w("numIdMacAtCleanup"))
        if first is not None:
            first.addprevious(abstract)
        else:
            self.root.append(abstract)
        return new

    def add_num(self, num: Any, abstract_id: str) -> str:
        """Add a list (a num) of the definition `abstract_id` under a new id; return the id."""
        new = str(self.num)
        self.num += 1
        num.set(_w("numId"), new)
        ref = num.find(_w("abstractNumId"))
        if ref is None:
            ref = num.makeelement(_w("abstractNumId"), {})
            num.insert(0, ref)
        ref.set(_w("val"), abstract_id)
        cleanup = self.root.find(_w("numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self.root.append(num)
        return new


class _Transfer:
    """One letter on its way into the joined document: its XML given the joined document's
    ids for its lists, notes, styles and relationships."""

    def __init__(self, joined: Joined, letter: Package) -> None:
        self.joined = joined
        self.letter = letter
        self.restyle = letter.style_key != joined.style_key
        if self.restyle:
            joined.restyled += 1
        self.styles: dict[str, str] = {}  # the letter's style id -> the joined document's
        self.lists: dict[str, str] = {}  # the letter's numId -> the joined document's
        self.abstracts: dict[str, str] = {}  # the letter's abstractNumId -> the joined one's
        self.copying: set[str] = set()  # the letter's parts being copied (against loops)
        self._own_styles: _StyleSheet | None = None
        self._own_numbering: Any = None
        self._own_notes: dict[str, tuple[str, dict[str, Any]]] = {}

    # --- styles and lists -------------------------------------------------------------

    def adopt(self, elements: Iterable[Any]) -> None:
        """Point the elements' styles and lists at the joined document's."""
        for element in elements:
            if self.restyle:
                for el in element.iter(_w("pStyle"), _w("rStyle"), _w("tblStyle")):
                    el.set(_w("val"), self.style_id(el.get(_w("val"), "")))
            for el in element.iter(_w("numId")):
                el.set(_w("val"), self.list_id(el.get(_w("val"), "0")))

    def adopted_part(self, data: bytes) -> bytes:
        """Return a header's or footer's XML with the joined document's styles and lists."""
        if not self.restyle and b"numId" not in data:
            return data
        root = parse(data)
        self.adopt([root])
        return serialize(root)

    def style_id(self, sid: str) -> str:
        """Return the joined document's id for one of the letter's styles: the style of the
        same name, else a copy of the letter's (with the styles it names, in turn)."""
        if sid in self.styles:
            return self.styles[sid]
        mine, theirs = self.own_styles(), self.joined_styles()
        name = mine.name_of(sid)
        target = theirs.by_name.get(name, sid) if name is not None else sid
        self.styles[sid] = target
        style = mine.by_id.get(sid)
        if target not in theirs.by_id and style is not None:
            copy = deepcopy(style)
            copy.set(_w("styleId"), target)
            theirs.root.append(copy)
            theirs.add(copy)
            for tag in ("basedOn", "next", "link"):
                el = copy.find(_w(tag))
                if el is not None:
                    el.set(_w("val"), self.style_id(el.get(_w("val"), "")))
            for el in copy.iter(_w("numId")):
                el.set(_w("val"), self.list_id(el.get(_w("val"), "0")))
        return target

    def list_id(self, num_id: str) -> str:
        """Return the joined document's numId for a list of the letter: a copy of the letter's
        own definition, so that the list's numbering starts afresh in this letter."""
        if num_id in self.lists or num_id == "0":
            return self.lists.get(num_id, num_id)
        root = self.own_numbering()
        num = next((n for n in root.iter(_w("num")) if n.get(_w("numId")) == num_id), None)
        ref = num.find(_w("abstractNumId")) if num is not None else None
        abstract_id = ref.get(_w("val"), "") if ref is not None else ""
        abstract = next((a for a in root.iter(_w("abstractNum"))
                         if a.get(_w("abstractNumId")) == abstract_id), None)  # fmt: skip
        if num is None or abstract is None:
            self.lists[num_id] = num_id  # no such list in the letter: Word shows none either
            return num_id
        numbering = self.joined_numbering()
        if abstract_id not in self.abstracts:  # lists of the letter may share a definition
            copy = deepcopy(abstract)
            if self.restyle:  # its levels and links may name the letter's styles
                for el in copy.iter(_w("pStyle"), _w("numStyleLink"), _w("styleLink")):
                    el.set(_w("val"), self.style_id(el.get(_w("val"), "")))
            self.abstracts[abstract_id] = numbering.add_abstract(copy)
        self.lists[num_id] = numbering.add_num(deepcopy(num), self.abstracts[abstract_id])
        return self.lists[num_id]

    def number_styled_paragraphs(self, body: Any) -> bool:
        """Give each paragraph numbered by its style a list of this letter's own: as the
        style's list, but starting afresh here rather than running on from the letter before.
        Return whether any paragraph is so numbered."""
        numbered = self.numbered_styles()
        if not numbered:
            return False
        found_any = False
        for p in body.iter(_w("p")):
            ppr = p.find(_w("pPr"))
            style = ppr.find(_w("pStyle")) if ppr is not None else None
            own = ppr.find(_w("numPr")) if ppr is not None else None
            if own is not None and own.find(_w("numId")) is not None:
                continue
            sid = style.get(_w("val")) if style is not None else None
            found = numbered.get(sid)
            if found is None:
                continue
            num_id, level = found
            if ppr is None:
                ppr = p.makeelement(_w("pPr"), {})
                p.insert(0, ppr)
            if own is None:
                own = ppr.makeelement(_w("numPr"), {})
                _insert_numpr(ppr, own)
            if own.find(_w("ilvl")) is None and level is not None:
                own.insert(0, own.makeelement(_w("ilvl"), {_w("val"): level}))
            own.append(own.makeelement(_w("numId"), {_w("val"): num_id}))  # adopt maps it
            found_any = True
        return found_any

    def numbered_styles(self) -> dict[str | None, tuple[str, str | None]]:
        """Return the letter's paragraph styles that number their paragraphs: (numId, ilvl)
        along the basedOn chain; None for the default paragraph style. Read once per style
        sheet in a join."""
        key = self.letter.style_key
        found = self.joined.numbered_styles.get(key)
        if found is None:
            found = {}
            sheet = self.own_styles()
            for sid, style in sheet.by_id.items():
                if style.get(_w("type"), "paragraph") != "paragraph":
                    continue
                got = _style_list(sheet, sid)
                if got is not None and got[0] != "0":
                    found[sid] = got
                    if style.get(_w("default")) in ("1", "true"):
                        found[None] = got
            self.joined.numbered_styles[key] = found
        return found

    def own_styles(self) -> _StyleSheet:
        """Return the letter's own style sheet (read when a letter first needs it)."""
        if self._own_styles is None:
            name = self.letter.related(RT + "styles")
            data = self.letter.members[name] if name else f'<w:styles xmlns:w="{W}"/>'.encode()
            self._own_styles = _StyleSheet(parse(data))
        return self._own_styles

    def own_numbering(self) -> Any:
        """Return the letter's own numbering part, parsed (an empty one when it has none)."""
        if self._own_numbering is None:
            name = self.letter.related(RT + "numbering")
            self._own_numbering = parse(
                self.letter.members[name] if name else f'<w:numbering xmlns:w="{W}"/>'.encode()
            )
        return self._own_numbering

    def joined_styles(self) -> _StyleSheet:
        """Return the joined document's style sheet, to be written back on save."""
        joined = self.joined
        if joined.styles is None:
            name = joined.pkg.related(RT + "styles")
            if name is None:
                root = parse(f'<w:styles xmlns:w="{W}"/>'.encode())
                joined.add_xml_part("styles-joined-{n}.xml", root, f"{_WORD}styles+xml", "styles")
            else:
                root = parse(joined.members[name])
                joined.changed[name] = root
            joined.styles = _StyleSheet(root)
        return joined.styles

    def joined_numbering(self) -> _Numbering:
        """Return the joined document's numbering part (a new one when the skeleton has
        none), to be written back on save."""
        joined = self.joined
        if joined.numbering is None:
            name = joined.pkg.related(RT + "numbering")
            if name is None:
                root = parse(f'<w:numbering xmlns:w="{W}"/>'.encode())
                joined.add_xml_part(
                    "numbering-joined-{n}.xml", root, f"{_WORD}numbering+xml", "numbering"
                )
            else:
                root = parse(joined.members[name])
                joined.changed[name] = root
            joined.numbering = _Numbering(root)
        return joined.numbering

    # --- notes ---------------------------------------------------------------------------

    def notes(self, elements: list[Any]) -> None:
        """Copy the footnotes, endnotes and comments the elements refer to; renumber them."""
        copied: dict[tuple[str, str], str] = {}  # (kind, the letter's id) -> the joined id
        for ref in [el for element in elements for el in element.iter(*_NOTE_OF)]:
            kind = _NOTE_OF[ref.tag]
            old = ref.get(_w("id"), "")
            if (kind.part, old) not in copied:
                source, notes = self.own_notes(kind)
                if old not in notes:  # a note the letter lacks: Word would refuse the file
                    ref.getparent().remove(ref)
                    continue
                copied[(kind.part, old)] = self._note(kind, source, notes[old])
            ref.set(_w("id"), copied[(kind.part, old)])

    def own_notes(self, kind: _NoteKind) -> tuple[str, dict[str, Any]]:
        """Return the letter's notes part of a kind and its notes by id (none: "", {})."""
        if kind.part not in self._own_notes:
            name = self.letter.related(RT + kind.part)
            notes = parse(self.letter.members[name]) if name else ()
            self._own_notes[kind.part] = (name or "", {n.get(_w("id"), ""): n for n in notes})
        return self._own_notes[kind.part]

    def _note(self, kind: _NoteKind, source: str, note: Any) -> str:
        """Copy one note into the joined document's notes part; return its new id."""
        joined = self.joined
        part = joined.notes.get(kind.part)
        if part is None:
            name = joined.pkg.related(RT + kind.part)
            if name is not None:
                root = joined.changed.get(name)
                if root is None:
                    root = joined.changed[name] = parse(joined.members[name])
                rels_root = (parse(joined.members[rels_part(name)])
                             if rels_part(name) in joined.members
                             else parse(f'<Relationships xmlns="{PKG}"/>'.encode()))  # fmt: skip
            else:
                root = parse(f'<w:{kind.part} xmlns:w="{W}"/>'.encode())
                if kind.part != "comments":
                    for i, typ in ((-1, "separator"), (0, "continuationSeparator")):
                        sep = root.makeelement(_w(kind.note), {_w("type"): typ, _w("id"): str(i)})
                        run = sep.makeelement(_w("r"), {})
                        run.append(run.makeelement(_w(typ), {}))
                        para = sep.makeelement(_w("p"), {})
                        para.append(run)
                        sep.append(para)
                        root.append(sep)
                name = joined.add_xml_part(f"{kind.part}-joined-{{n}}.xml", root,
                                           f"{_WORD}{kind.part}+xml", kind.part)  # fmt: skip
                rels_root = parse(f'<Relationships xmlns="{PKG}"/>'.encode())
            part = joined.notes[kind.part] = _Notes(name, root, _Rels(rels_root))
        copy = deepcopy(note)
        new = str(part.next)
        part.next += 1
        copy.set(_w("id"), new)
        self.adopt([copy])
        self.carry([copy], self.letter.relationships(source), part.rels,
                   posixpath.dirname(part.name))  # fmt: skip
        part.root.append(copy)
        return new

    # --- relationships ---------------------------------------------------------------

    def carry(self, elements: list[Any], rels: dict[str, Rel], owner: _Rels, folder: str) -> None:
        """Point the elements' relationship ids at the joined document's copies."""
        refs = [(el, key, rid) for element in elements for el in element.iter()
                for key, rid in el.attrib.items() if str(key).startswith(_RID)]  # fmt: skip
        mapping: dict[str, str | None] = {}
        for el, key, rid in refs:
            if rid not in mapping:
                rel = rels.get(rid)
                mapping[rid] = self.rel(rel, owner, folder) if rel is not None else None
            new = mapping[rid]
            if new is not None:
                el.set(key, new)
            elif el.tag in (_w("headerReference"), _w("footerReference")):
                el.getparent().remove(el)  # a reference needs its part
            else:
                del el.attrib[key]  # a part the letter lacks: left out rather than dangling

    def rel(self, rel: Rel, owner: _Rels, folder: str) -> str | None:
        """Return the id, in `owner`'s relationships, of a relationship of the letter."""
        if rel.external:
            return owner.relate(rel.type, rel.target, external=True)
        new = self.joined.copy_part(self.letter, rel.target, rel.type, self)
        if new is None:
            return None
        return owner.relate(rel.type, _relative(new, folder))


def _style_list(sheet: _StyleSheet, sid: str) -> tuple[str, str | None] | None:
    """Return a paragraph style's list (numId, ilvl) along its basedOn chain, or None."""
    num_id = level = None
    seen = set()
    while sid and sid not in seen:
        seen.add(sid)
        style = sheet.by_id.get(sid)
        if style is None:
            break
        numpr = style.find(f"{_w('pPr')}/{_w('numPr')}")
        if numpr is not None:
            if level is None and numpr.find(_w("ilvl")) is not None:
                level = numpr.find(_w("ilvl")).get(_w("val"))
            if num_id is None and numpr.find(_w("numId")) is not None:
                num_id = numpr.find(_w("numId")).get(_w("val"))
        if num_id is not None:
            return num_id, level
        based = style.find(_w("basedOn"))
        sid = based.get(_w("val"), "") if based is not None else ""
    return None


#: the w:pPr children that come before w:numPr, in the schema's order
_BEFORE_NUMPR = {_w(t) for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore",
                                 "framePr", "widowControl")}  # fmt: skip


def _insert_numpr(ppr: Any, numpr: Any) -> None:
    """Put a w:numPr where the schema wants it in a w:pPr."""
    at = 0
    for i, child in enumerate(ppr):
        if child.tag in _BEFORE_NUMPR:
            at = i + 1
    ppr.insert(at, numpr)


def empty_part(root_tag: str) -> Any:
    """Return an empty header or footer: one paragraph 1 pt high, so it takes no room."""
    from lxml import etree

    root = etree.Element(_w(root_tag), nsmap={"w": W})
    ppr = etree.SubElement(etree.SubElement(root, _w("p")), _w("pPr"))
    spacing = etree.SubElement(ppr, _w("spacing"))
    for attr, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(_w(attr), value)
    etree.SubElement(etree.SubElement(ppr, _w("rPr")), _w("sz")).set(_w("val"), "2")
    return root


def section_carrier(body: Any, last: Any) -> Any:
    """Return the paragraph that ends a letter's section: `last`, or a new hairline one.

    A new one is made when `last` is no paragraph, already ends a section, or is framed (a
    section break in an envelope's address frame takes the frame onto the next page); it is
    placed at the end of the body.
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
    body.append(para)
    return para


def _relative(name: str, folder: str) -> str:
    """Return a relationship target: the member's name relative to its source part's folder."""
    inside = f"{folder}/" if folder else ""
    if name.startswith(inside):  # the usual case, without relpath's work
        return name[len(inside) :]
    return posixpath.relpath(name, folder or ".")


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


def join(parts: Sequence[bytes | Package], today: date) -> tuple[bytes, int]:
    """Join .docx files (their bytes, or packages already open) into one, each on a new page
    with its own page setup.

    Return the document and how many letters had a style sheet other than the joined
    document's (their styles of a name it has look as it defines them).
    """
    packages = [p if isinstance(p, Package) else Package(p) for p in parts]
    common = Counter(p.style_key for p in packages).most_common(1)[0][0]
    joined = Joined(next(p for p in packages if p.style_key == common))
    for package in packages:
        joined.append(package)
    return joined.save(today), joined.restyled


def split_sections(data: bytes, counts: Sequence[int], today: date) -> list[bytes] | None:
    """Cut a joined .docx back into documents of `counts` sections each; None if they differ."""
    pkg = Package(data)
    root = parse(pkg.members[pkg.doc_name])
    body = root.find(_w("body"))
    if body is None:
        return None
    sections: list[tuple[list[Any], Any]] = []
    current: list[Any] = []
    for child in list(body):
        if child.tag == _w("sectPr"):
            sections.append((current, child))
            current = []
            continue
        current.append(child)
        inner = child.find(f"{_w('pPr')}/{_w('sectPr')}") if child.tag == _w("p") else None
        if inner is not None:
            sections.append((current, inner))
            current = []
    if current or len(sections) != sum(counts):
        return None
    # the document without its body, copied once: each piece copies only this shell and its
    # own sections, so cutting n envelopes copies each element a constant number of times
    placeholder = body.makeelement(_w("body"), {})
    root.replace(body, placeholder)
    shell = deepcopy(root)
    root.replace(placeholder, body)
    out, i = [], 0
    for n in counts:
        chunk = sections[i : i + n]
        i += n
        new_body = body.makeelement(_w("body"), {})
        for elements, _sect in chunk:
            for el in elements:
                new_body.append(deepcopy(el))
        last = deepcopy(chunk[-1][1])
        if chunk[-1][1].getparent() is not body:  # the section ended in a paragraph
            ppr: Any = new_body[-1].find(_w("pPr"))
            ppr.remove(ppr.find(_w("sectPr")))
        new_body.append(last)
        new_root = deepcopy(shell)
        new_root.replace(new_root.find(_w("body")), new_body)
        members = dict(pkg.members)
        members[pkg.doc_name] = serialize(new_root)
        out.append(zip_members(members, today))
    return out
