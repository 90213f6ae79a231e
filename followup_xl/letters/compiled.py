"""Render letters from a template prepared once per batch: compiled once, written directly.

docxtpl opens the template, rewrites its XML for Jinja, compiles and renders it, and
python-docx saves the result: all of it for every letter. Here a template is opened, fitted
to the country and compiled once; a letter is its compiled parts (body, headers, footers,
footnotes, core properties) rendered with docxtpl's own steps around Jinja (patch_xml before;
resolve_listing, fix_tables and fix_docpr_ids after), and the template's other members reused
as deflated bytes. A template this cannot render exactly as docxtpl does is refused once
(Refused), and the caller renders it with docxtpl letter by letter.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from ..docxsafe import misplaced_markup
from ..errors import TemplateError
from ..opc import Members
from ..zipwrite import Member, deflate, write_zip
from .package import Package
from .pagefit import Layout, layout, margin_parts, style_parts
from .templates import docx_template, sandbox_environment
from .text import body_paragraphs, document_paragraphs, docx_paragraphs

#: The core properties docxtpl renders as templates, in its order (render_properties).
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
#: Jinja that could write raw XML, or a template value in what the country transforms change:
#: either would make transforming the template differ from transforming each letter.
_UNSAFE = (
    (re.compile(r"\|\s*safe\b"), "marks text as safe XML (|safe)"),
    (re.compile(r"<w:(?:lang|pgSz)\b[^>]*[{}]"), "has a template tag in a language or page size"),
)


#: What docxtpl's resolve_listing turns into tabs, line breaks, paragraphs and page breaks.
_LISTING = "\t\a\n\f"
#: A paragraph as resolve_listing finds one.
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


class Refused(Exception):
    """This template needs docxtpl letter by letter (the message says why)."""


@dataclass
class Rendered:
    """One rendered .docx, the text of its body paragraphs (docx_paragraphs' list), its
    parts as the page-fit estimate reads them (pagefit.layout) and its package as the joiner
    reads it, each read from the bytes when the renderer did not hand them over."""

    data: bytes
    _paragraphs: list[str] | None = field(default=None, repr=False)
    #: the blocks that do not fit their place on the paper or envelope (window.fit_blocks)
    unfit: list[str] = field(default_factory=list)
    _layout: Layout | None = field(default=None, repr=False)
    _package: Package | None = field(default=None, repr=False)

    @property
    def paragraphs(self) -> list[str]:
        """Return the body paragraphs' text in reading order (tables cell by cell)."""
        if self._paragraphs is None:
            self._paragraphs = docx_paragraphs(self.data)
        return self._paragraphs

    @property
    def layout(self) -> Layout:
        """Return the parsed parts the page-fit estimate reads."""
        if self._layout is None:
            self._layout = layout(self.data)
        return self._layout

    @property
    def package(self) -> Package:
        """Return the .docx as a package (its members decompressed when the renderer held
        them)."""
        if self._package is None:
            self._package = Package(self.data)
        return self._package


@dataclass
class _Part:
    member: str
    template: Any  # a compiled jinja2 Template
    encoding: str = "utf-8"


class CompiledTemplate:
    """A template opened, fitted to one country and compiled once; renders letters from it."""

    def __init__(self, name: str, data: bytes, fit: Callable[[Any], None]) -> None:
        """Prepare `data` (a cleaned template); `fit` applies the country's transforms.

        Raises Refused when docxtpl's result cannot be reproduced exactly.
        """
        from docx.opc.coreprops import CoreProperties

        self.name = name
        tpl = docx_template(data)
        tpl.render_init()
        self._tpl = tpl
        document = tpl.docx
        fit(document)
        self.env = sandbox_environment()
        self.compilations = 0
        body = tpl.patch_xml(tpl.get_xml())
        self._refuse_unsafe(body)
        self.body = self._compile(body)
        self.parts: list[_Part] = []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _key, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                patched = tpl.patch_xml(xml)
                self._refuse_unsafe(patched)
                self.parts.append(_Part(part.partname.lstrip("/"), self._compile(patched),
                                        tpl.get_headers_footers_encoding(xml)))  # fmt: skip
        self.footnotes: list[_Part] = []
        package = document.part.package
        sections = len(document.sections)
        for part in package.parts:
            if part.content_type == _FOOTNOTES and sections:
                if sections > 1:  # docxtpl renders them once per section, output again
                    raise Refused("footnotes in a template of several sections")
                patched = tpl.patch_xml(part.blob.decode("utf-8"))
                self._refuse_unsafe(patched)
                self.footnotes.append(_Part(part.partname.lstrip("/"), self._compile(patched)))
        core = document.core_properties  # python-docx adds default ones when missing
        self._core = deepcopy(core._element)
        # a property without template markup renders the same for every letter: it is set
        # once here; the others are added here empty, in docxtpl's order, and set per letter
        start = CoreProperties(self._core)
        self.properties: list[tuple[str, Any]] = []
        for prop in _RENDERED_PROPERTIES:
            source = getattr(core, prop)
            template = self._compile(source, part=False)
            if "{" in source:
                self.properties.append((prop, template))
            setattr(start, prop, template.render({}) if "{" not in source else "")
        core_part = next(p for p in package.parts if p.content_type == _CORE)
        self._core_member = core_part.partname.lstrip("/")
        self._shell, self._body_at = _shell(document.element)
        self._document_member = document.part.partname.lstrip("/")
        rendered = {self._document_member, self._core_member}
        rendered |= {p.member for p in self.parts + self.footnotes}
        buf = BytesIO()
        document.save(buf)  # python-docx's package, as every letter of the template has it
        saved = Package(buf.getvalue())
        self._members = _members(saved, rendered)
        #: the members no letter changes (directory entry, decompressed bytes), as every
        #: letter's package holds them
        self._unchanged = {m.name: (_info(m), saved.members[m.name])
                           for m in self._members if m.name not in rendered}  # fmt: skip
        #: (day, author) -> the core properties stamped for them (title left empty)
        self._stamped: dict[tuple[date, str], Any] = {}
        self._package = saved
        #: what the page-fit estimate reads of the template's own parts, the same in every letter
        self._styles = style_parts(saved)
        self._margins = margin_parts(saved)

    def _compile(self, source: str, part: bool = True) -> Any:
        """Compile an XML part as render_xml_part does (a line per paragraph), or a property."""
        self.compilations += 1
        if part:
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        return self.env.from_string(source)

    def _refuse_unsafe(self, source: str) -> None:
        for pattern, why in _UNSAFE:
            if pattern.search(source):
                raise Refused(f"{self.name} {why}")

    def _text(self, template: Any, ctx: dict[str, Any]) -> str:
        """Render one compiled part and finish it as docxtpl's render_xml_part does."""
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(ctx))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
        if not any(c in xml for c in _LISTING):
            return xml
        # resolve_listing works paragraph by paragraph (this pattern is its own) and leaves a
        # paragraph without these characters as it is: only the others are given to it
        resolve = self._tpl.resolve_listing
        return _PARAGRAPH.sub(
            lambda m: resolve(m[0]) if any(c in m[0] for c in _LISTING) else m[0], xml
        )

    def render(
        self,
        ctx: dict[str, Any],
        today: date,
        title: str,
        author: str,
        finish: Callable[[Any], list[str]] | None = None,
    ) -> Rendered:
        """Render one letter: the .docx bytes and its paragraphs' text.

        `finish` sets the rendered body's blocks to fit (window.fit_blocks) and returns
        those that cannot.
        """
        from docx.opc.coreprops import CoreProperties
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        self.env.restart()  # the sandbox's time and step limits, per letter
        tpl = self._tpl
        xml = self._text(self.body, ctx)
        tree = tpl.fix_tables(xml)
        tpl.docx_ids_index = 1000
        if "docPr" in xml:  # it renumbers the drawings' wp:docPr ids; none, nothing to do
            tpl.fix_docpr_ids(tree)
        unfit = finish(tree) if finish is not None else []
        shell = deepcopy(self._shell)  # the document element without its body: small
        shell.replace(shell[self._body_at], tree)  # as docxtpl's map_tree
        document = serialize_part_xml(shell)
        changed = {self._document_member: document}
        elements = {}
        for part in self.parts:
            element = elements[part.member] = parse_xml(
                self._text(part.template, ctx).encode(part.encoding)
            )
            changed[part.member] = serialize_part_xml(element)
        for part in self.footnotes:
            changed[part.member] = self._text(part.template, ctx).encode("utf-8")
        if (today, author) not in self._stamped:  # the same for all of a batch's letters
            stamped = deepcopy(self._core)
            stamp_properties(CoreProperties(stamped), today, "", author)
            self._stamped[today, author] = stamped
        core = deepcopy(self._stamped[today, author])
        props = CoreProperties(core)
        for prop, template in self.properties:
            setattr(props, prop, template.render(ctx))
        # as stamp_properties sets them after the template's own (every element is there)
        props.author = author[:200]
        props.title = title[:200]
        changed[self._core_member] = serialize_part_xml(core)
        for element in (tree, *elements.values()):
            why = misplaced_markup(element)
            if why is not None:
                raise TemplateError(f"{self.name}: template error: {why}")
        members = [deflate(m.name, changed[m.name]) if m.name in changed else m
                   for m in self._members]  # fmt: skip
        paragraphs = body_paragraphs(tree)
        if paragraphs is None:
            paragraphs = document_paragraphs(document)
        margins = {rid: elements[name] for rid, name in self._margins.items() if name in elements}
        fit = Layout(shell, margins, *self._styles)
        data = write_zip(members, today)
        held = [(_info(m), changed[m.name]) if m.name in changed else self._unchanged[m.name]
                for m in members]  # fmt: skip
        return Rendered(
            data, paragraphs, unfit, fit, self._package.sibling(data, Members(None, held))
        )


def _shell(root: Any) -> tuple[Any, int]:
    """Return a copy of the document element with an empty body, and the body's index."""
    from lxml import etree

    body = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
    if body is None:
        raise Refused("the document has no body")
    at = root.index(body)
    shell = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    for i, child in enumerate(root):
        shell.append(etree.Element("empty") if i == at else deepcopy(child))
    return shell, at


def _members(saved: Package, rendered: set[str]) -> list[Member]:
    """Return a saved package's members in order, deflating once those no letter changes."""
    members = saved.members
    return [
        Member(name, 0, 0, b"") if name in rendered else deflate(name, members[name])
        for name in members
    ]  # a rendered member is a placeholder, named only


def _info(member: Member) -> zipfile.ZipInfo:
    """Return a member's directory entry as the joiner reads it: name, CRC and sizes."""
    info = zipfile.ZipInfo(member.name)
    info.CRC, info.file_size, info.compress_size = member.crc, member.size, len(member.deflated)
    return info


def stamp_properties(props: Any, today: date, title: str, author: str) -> None:
    """Stamp python-docx CoreProperties: title, author, created and modified on today."""
    stamp = datetime(today.year, today.month, today.day)
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = author[:200]
    props.author = author[:200]
    props.title = title[:200]  # the core properties hold at most 255 characters
    props.revision = 1
