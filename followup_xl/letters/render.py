"""Render .docx documents: fill a template, fit the paper, stamp, combine into one file.

The same letter on the same day is byte-identical (fixed ZIP timestamps and properties).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from copy import deepcopy
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from .. import localize
from ..errors import TemplateError
from .compiled import CompiledTemplate, Refused, Rendered
from .templates import check_templates, cleaned_template, sandbox_environment, template_paths


def normalize_zip(data: bytes, day: date, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a .docx with fixed timestamps so the same letter on the same day is identical;
    `replace` gives some members new bytes."""
    stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)  # ZIP years
    replace = replace or {}
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            body = replace.get(info.filename)
            dst.writestr(zi, src.read(info.filename) if body is None else body)
    return out.getvalue()


def fit_paper(document: Any, country: str) -> None:
    """Give the document the paper, envelope or card size of the sender's country (paper.py).

    Letter pages become A4 outside the US Letter countries (and A4 pages Letter inside them),
    #10 envelopes DL, US cards A6; the shipped layout puts the inside address in the window.
    Depends only on the template and the country, so a batch may apply it once per template.
    """
    from .paper import fit_document

    fit_document(document, country)


def set_language(document: Any, tag: str) -> None:
    """Tag the document's English text as `tag` ("en-GB" or "en-US") for Word's spelling.

    The default language (docDefaults) and every English w:lang in the styles and the body
    are set; text a template tags in another language keeps it.
    """
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = styles.makeelement(qn("w:docDefaults"), {})
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = defaults.makeelement(qn("w:rPrDefault"), {})
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = rpr_default.makeelement(qn("w:rPr"), {})
        rpr_default.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        rpr.append(rpr.makeelement(qn("w:lang"), {qn("w:val"): tag}))
    for root in (styles, document.element.body):
        for lang in root.iter(qn("w:lang")):
            if (lang.get(qn("w:val")) or "en").lower().startswith("en"):
                lang.set(qn("w:val"), tag)


def fit_country(document: Any, country: str, template: str) -> None:
    """Make the country's changes to a template or letter: its paper and its language.

    The one place letters get them; the fast path applies them once per template and batch.
    """
    del template  # the page geometry will depend on the template too
    fit_paper(document, country)
    set_language(document, localize.language_tag(country))


def set_properties(document: Any, today: date, title: str, author: str) -> None:
    """Stamp a document's core properties: title, author, dates fixed from today."""
    stamp_properties(document.core_properties, today, title, author)


def stamp_properties(props: Any, today: date, title: str, author: str) -> None:
    """Stamp python-docx CoreProperties: title, author, created and modified on today."""
    stamp = datetime(today.year, today.month, today.day)
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = author[:200]
    props.author = author[:200]
    props.title = title[:200]  # the core properties hold at most 255 characters
    props.revision = 1


def save_docx(document: Any, today: date) -> bytes:
    buf = BytesIO()
    document.save(buf)
    return normalize_zip(buf.getvalue(), today)


class Renderer:
    """Loads each template once and renders letters from it.

    Each template is compiled once per country (letters/compiled.py); a template the fast
    path refuses is rendered with docxtpl letter by letter, decided once per template.
    """

    def __init__(self, template_dir: Path | None) -> None:
        check_templates(template_dir)
        # import docxcompose (and undo its prefix rebinding) before the first render, so the
        # first letter of a process gets the same core properties as every later one
        _composer_class()
        self.paths = template_paths(template_dir)
        self.data = {}
        for name, path in self.paths.items():
            self.data[name] = cleaned_template(path).data
        self._compiled: dict[tuple[str, str], CompiledTemplate | None] = {}
        #: template name -> why it is rendered with docxtpl letter by letter
        self.refused: dict[str, str] = {}

    def render(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> bytes:
        """Render one template with ctx; return the .docx bytes."""
        return self.letter(name, ctx, today, country, title).data

    def letter(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> Rendered:
        """Render one template with ctx; return the .docx bytes and its paragraphs' text."""
        from jinja2 import TemplateError as JinjaError

        try:
            compiled = self.compiled(name, country)
            if compiled is None:
                return Rendered(self.render_docxtpl(name, ctx, today, country, title))
            return compiled.render(ctx, today, title, ctx["sender_name"])
        except JinjaError as exc:
            raise TemplateError(f"{self.paths[name].name}: template error: {exc}") from exc
        except RecursionError as exc:
            raise TemplateError(
                f"{self.paths[name].name}: template error: a macro calls itself without end"
            ) from exc

    def compiled(self, name: str, country: str) -> CompiledTemplate | None:
        """Return the template compiled for this country, or None when docxtpl must render it."""
        key = (name, country)
        if key not in self._compiled:
            try:
                self._compiled[key] = CompiledTemplate(
                    name, self.data[name], lambda doc: fit_country(doc, country, name)
                )
            except Refused as exc:
                self.refused[name] = str(exc)
                self._compiled[key] = None
            except Exception as exc:  # docxtpl, per letter, gives the same error its own way
                self.refused[name] = f"{name} cannot be prepared once ({exc})"
                self._compiled[key] = None
        return self._compiled[key]

    def render_docxtpl(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> bytes:
        """Render one letter the slow way: docxtpl and python-docx, all of it per letter."""
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(BytesIO(self.data[name]))
        tpl.render(ctx, sandbox_environment(), autoescape=True)
        document = tpl.docx
        fit_country(document, country, name)
        set_properties(document, today, title, ctx["sender_name"])
        return save_docx(document, today)


def docx_paragraphs(data: bytes) -> list[str]:
    """Return the text of a .docx's paragraphs in reading order (tables cell by cell)."""
    from docx import Document

    return walk_paragraphs(Document(BytesIO(data)))


def walk_paragraphs(container: Any) -> list[str]:
    """Return the paragraphs' text of a python-docx block container (document, body, cell)."""
    from docx.table import Table

    out: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            else:
                out.append(block.text)

    walk(container)
    return out


_CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _composer_class() -> Any:
    """Import docxcompose's Composer without letting it break python-docx's core properties."""
    from docx.oxml.ns import nsmap, qn
    from docxcompose.composer import Composer

    from .headers import HeaderCarrier

    # docxcompose rebinds the global "cp" prefix to the custom-properties namespace on import;
    # python-docx would then write lastModifiedBy and revision in the wrong namespace.
    nsmap["cp"] = _CORE_PROPERTIES_NS

    class LinearComposer(Composer):
        """docxcompose's Composer, appending each element before the body's sectPr.

        Composer.insert puts every element at a numeric index, and lxml walks the body to
        find it: joining n letters cost n² (7,665 letters ran for hours). Apart from that
        one step this is docxcompose 2.2's insert, helpers and order unchanged; each letter
        keeps its own headers (headers.py) where docxcompose drops them.
        """

        def __init__(self, doc: Any) -> None:
            import random

            super().__init__(doc)
            self.headers = HeaderCarrier(doc)
            self.first_section = True
            # docxcompose gives each list it brings in an nsid from random(): drawn from a
            # generator seeded by what the document holds, the same letters make the same file
            self.nsids = random.Random(f"followup-xl {len(doc.element.body)}")

        def add_numberings(self, doc: Any, element: Any) -> None:
            from docxcompose import composer

            drawn = composer.random
            composer.random = self.nsids
            try:
                super().add_numberings(doc, element)
            finally:
                composer.random = drawn

        def remove_header_and_footer_references(self, doc: Any, element: Any) -> None:
            for sect in element.iter(qn("w:sectPr")):
                self.headers.carry(doc, sect, first=self.first_section)
                self.first_section = False

        def fix_header_and_footers(self, doc: Any) -> None:
            """Leave headers and page numbering alone: each letter keeps its own.

            (docxcompose would give the first appended section the master's last headers
            and move its page-number restart there, made for a master letterhead.)
            """

        def append(self, doc: Any, remove_property_fields: bool = True) -> None:
            from copy import deepcopy as copy_element

            from docx.oxml.section import CT_SectPr
            from docxcompose.properties import CustomProperties

            self.first_section = True
            self.reset_reference_mapping()
            self._current_preserved_styles: dict[str, Any] = {}
            if remove_property_fields:
                cprops = CustomProperties(doc)
                for name in cprops.keys():  # noqa: SIM118 - not a dict
                    cprops.dissolve_fields(name)
            self._create_style_id_mapping(doc)
            self.retain_formatting_from_default_styles(doc)
            body = self.doc.element.body
            anchor = _section_properties(self.doc)
            for element in doc.element.body:
                if isinstance(element, CT_SectPr):
                    continue
                element = copy_element(element)
                anchor.addprevious(element)
                self.add_referenced_parts(doc.part, self.doc.part, element)
                self.add_styles(doc, element)
                self.add_numberings(doc, element)
                self.restart_first_numbering(doc, element)
                self.add_images(doc, element)
                self.add_diagrams(doc, element)
                self.add_shapes(doc, element)
                self.add_footnotes(doc, element)
                self.remove_header_and_footer_references(doc, element)
            assert anchor.getparent() is body
            self.add_styles_from_other_parts(doc)
            self.renumber_bookmarks()
            self.renumber_docpr_ids()
            self.renumber_nvpicpr_ids()
            self.fix_section_types(doc)
            self.fix_header_and_footers(doc)

    return LinearComposer


def _section_properties(document: Any) -> Any:
    """Return the body's final w:sectPr, adding an empty one (Word's defaults) when missing."""
    from docx.oxml.ns import qn

    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is None:  # a hand-made template may have none
        sect = body.makeelement(qn("w:sectPr"), {})
        body.append(sect)
    return sect


def combine(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files into one, each starting on a new page with its own page setup."""
    from .compose import join

    parts = list(parts)
    if len(parts) == 1:
        return parts[0]
    return join(parts, today)[0]


def _combine_flat(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files with docxcompose (each append costs the size of the result).

    The slow path of compose.join, for letters it cannot join directly. A first document
    with an empty body (compose's skeleton) simply takes the next one's page setup.
    """
    if len(parts) == 1:
        return parts[0]
    from docx import Document
    from docx.oxml.ns import qn

    from .compose import section_carrier

    master = Document(BytesIO(parts[0]))
    composer = _composer_class()(master)
    for data in parts[1:]:
        doc = Document(BytesIO(data))
        body = master.element.body
        sect = _section_properties(master)
        new_sect = deepcopy(_section_properties(doc))
        composer.headers.carry(doc, new_sect, first=len(doc.sections) == 1)
        if len(body) == 1:  # an empty skeleton (compose.join): no letter to close
            body.replace(sect, new_sect)
            composer.append(doc)
            continue
        # Close the previous letter's section in its last paragraph (a next-page section
        # break that keeps its page size), then give the rest the next letter's page setup.
        last_p = None
        for child in reversed(list(body)):
            if child.tag != qn("w:sectPr"):
                last_p = child
                break
        last_p = section_carrier(body, last_p, before=sect)
        ppr = last_p.find(qn("w:pPr"))
        if ppr is None:
            ppr = last_p.makeelement(qn("w:pPr"), {})
            last_p.insert(0, ppr)
        ppr.append(deepcopy(sect))
        body.replace(sect, new_sect)
        composer.append(doc)
    return save_docx(master, today)
