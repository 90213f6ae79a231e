"""Render letters from the templates: fill a template, fit the paper and language, stamp.

The same letter on the same day is byte-identical (fixed ZIP timestamps and properties).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

from .. import localize
from ..errors import TemplateError
from ..zipwrite import normalize_zip
from .compiled import CompiledTemplate, Refused, Rendered, stamp_properties
from .pagefit import Fonts
from .paper import fit_document
from .templates import Templates, docx_template, sandbox_environment
from .window import fit_blocks


def fit_paper(document: Any, country: str) -> None:
    """Give the document the paper, envelope or card size of the sender's country (paper.py).

    Letter pages become A4 outside the US Letter countries (and A4 pages Letter inside them),
    #10 envelopes DL, US cards A6; the shipped layout puts the inside address in the window.
    Depends only on the template and the country, so a batch may apply it once per template.
    """
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

    The one place letters get them; a compiled template (compiled.py) has them applied once
    per template and batch.
    """
    del template  # the page geometry will depend on the template too
    fit_paper(document, country)
    set_language(document, localize.language_tag(country))


def set_properties(document: Any, today: date, title: str, author: str) -> None:
    """Stamp a document's core properties: title, author, dates fixed from today."""
    stamp_properties(document.core_properties, today, title, author)


def save_docx(document: Any, today: date) -> bytes:
    """Return a python-docx document's bytes, dated today (the same document, the same bytes)."""
    buf = BytesIO()
    document.save(buf)
    return normalize_zip(buf.getvalue(), today)


class Renderer:
    """Renders the letters of one batch from its checked templates (templates.Templates).

    Each template is compiled once per country (compiled.py); a template that cannot be
    compiled so is rendered with docxtpl letter by letter, decided once per template.
    """

    def __init__(self, templates: Templates) -> None:
        self.paths = templates.paths
        self.data = templates.data
        self._compiled: dict[tuple[str, str], CompiledTemplate | None] = {}
        #: template name -> why it is rendered with docxtpl letter by letter
        self.refused: dict[str, str] = {}
        self.fonts = Fonts()  # to set the address blocks to fit (window.py)

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
                return self.render_docxtpl(name, ctx, today, country, title)
            return compiled.render(ctx, today, title, ctx["sender_name"],
                                   self._fit_blocks(ctx, country))  # fmt: skip
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

    def _fit_blocks(self, ctx: dict[str, Any], country: str) -> Callable[[Any], list[str]]:
        """Return the step that sets a rendered body's address and sender blocks to fit."""
        joinable = (str(ctx.get("recipient_title", "")), str(ctx.get("recipient_organization", "")))
        return lambda body: fit_blocks(body, country, self.fonts, joinable)

    def render_docxtpl(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> Rendered:
        """Render one letter with docxtpl and python-docx, all of it for this letter (a
        template compiled.py refuses)."""
        tpl = docx_template(self.data[name])
        tpl.render(ctx, sandbox_environment(), autoescape=True)
        document = tpl.docx
        fit_country(document, country, name)
        unfit = self._fit_blocks(ctx, country)(document.element.body)
        set_properties(document, today, title, ctx["sender_name"])
        return Rendered(save_docx(document, today), unfit=unfit)
