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
from .templates import check_templates, cleaned_template, sandbox_environment, template_paths


def normalize_zip(data: bytes, day: date) -> bytes:
    """Rewrite a .docx with fixed timestamps so the same letter on the same day is identical."""
    stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)  # ZIP years
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


_LETTER_SIZE = (12240, 15840)  # twips
_A4_SIZE = (11906, 16838)


def fit_paper(document: Any, country: str) -> None:
    """Print A4 letters outside the US Letter countries (only pages that are US Letter)."""
    if localize.paper_size(country) != "a4":
        return
    from docx.shared import Twips

    for section in document.sections:
        w, h = section.page_width, section.page_height
        if w is None or h is None:
            continue
        size = (round(w / 635), round(h / 635))  # EMU -> twips
        if abs(size[0] - _LETTER_SIZE[0]) <= 20 and abs(size[1] - _LETTER_SIZE[1]) <= 20:
            section.page_width, section.page_height = Twips(_A4_SIZE[0]), Twips(_A4_SIZE[1])


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


def set_properties(document: Any, today: date, title: str, author: str) -> None:
    props = document.core_properties
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
    """Loads each template once and renders letters from it."""

    def __init__(self, template_dir: Path | None) -> None:
        check_templates(template_dir)
        # import docxcompose (and undo its prefix rebinding) before the first render, so the
        # first letter of a process gets the same core properties as every later one
        _composer_class()
        self.paths = template_paths(template_dir)
        self.data = {}
        for name, path in self.paths.items():
            self.data[name] = cleaned_template(path).data

    def render(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> bytes:
        """Render one template with ctx; return the .docx bytes."""
        from docxtpl import DocxTemplate
        from jinja2 import TemplateError as JinjaError

        tpl = DocxTemplate(BytesIO(self.data[name]))
        try:
            tpl.render(ctx, sandbox_environment(), autoescape=True)
        except JinjaError as exc:
            raise TemplateError(f"{self.paths[name].name}: template error: {exc}") from exc
        except RecursionError as exc:
            raise TemplateError(
                f"{self.paths[name].name}: template error: a macro calls itself without end"
            ) from exc
        document = tpl.docx
        fit_paper(document, country)
        set_language(document, localize.language_tag(country))
        set_properties(document, today, title, ctx["sender_name"])
        return save_docx(document, today)


def docx_paragraphs(data: bytes) -> list[str]:
    """Return the text of a .docx's paragraphs in reading order (tables cell by cell)."""
    from docx import Document
    from docx.table import Table

    document = Document(BytesIO(data))
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

    walk(document)
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
            super().__init__(doc)
            self.headers = HeaderCarrier(doc)
            self.first_section = True

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


#: Documents joined at a time: docxcompose's append scans the whole joined document, so one
#: flat join of n letters takes time n²; joining groups of groups keeps it near n log n.
COMBINE_GROUP = 32


def combine(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files into one, each starting on a new page with its own page size."""
    parts = list(parts)
    while len(parts) > COMBINE_GROUP:
        parts = [
            _combine_flat(parts[i : i + COMBINE_GROUP], today)
            for i in range(0, len(parts), COMBINE_GROUP)
        ]
    return _combine_flat(parts, today)


def _combine_flat(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files one after the other (each append costs the size of the result)."""
    if len(parts) == 1:
        return parts[0]
    from docx import Document
    from docx.oxml.ns import qn

    master = Document(BytesIO(parts[0]))
    composer = _composer_class()(master)
    for data in parts[1:]:
        doc = Document(BytesIO(data))
        body = master.element.body
        sect = _section_properties(master)
        # Close the previous letter's section in its last paragraph (a next-page section
        # break that keeps its page size), then give the rest the next letter's page setup.
        last_p = None
        for child in reversed(list(body)):
            if child.tag == qn("w:p"):
                last_p = child
                break
            if child.tag != qn("w:sectPr"):
                break
        if last_p is None or last_p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            last_p = body.makeelement(qn("w:p"), {})
            sect.addprevious(last_p)
        ppr = last_p.find(qn("w:pPr"))
        if ppr is None:
            ppr = last_p.makeelement(qn("w:pPr"), {})
            last_p.insert(0, ppr)
        ppr.append(deepcopy(sect))
        new_sect = deepcopy(_section_properties(doc))
        composer.headers.carry(doc, new_sect, first=len(doc.sections) == 1)
        body.replace(sect, new_sect)
        composer.append(doc)
    return save_docx(master, today)
