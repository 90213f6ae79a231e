"""Count the pages a rendered letter fills, and warn when it runs past one page.

The count is an estimate made from the .docx itself, without starting LibreOffice (a weekly
run stays fast): the page size and margins of its sections, the paragraph spacing, indents
and line spacing of its styles and paragraphs, and each run's font and size. Lines are
wrapped at the text width with the character widths of the metric-compatible Liberation
fonts (data/fontwidths.txt: Times New Roman, Arial and Courier New measure the same), and the
lines are laid on pages the way a word processor does: keep-with-next chains move together,
widow control leaves two lines of a split paragraph on each page. Framed paragraphs
(w:framePr, e.g. paper.py's date-and-sender frame) are taken out of the flow: adjacent ones
with the same frame share it, and a frame that text may not flow beside (wrap notBeside or
none) moves the text that would overlap it below its bottom edge; a frame text flows around
takes no room, and a frame never adds a page.

The estimate errs on the side of warning: it measures text WIDTH_MARGIN wider and each page
HEIGHT_MARGIN shorter than they are, so a letter within about a line of the bottom is
reported as running over. tests/test_pagefit.py checks it against LibreOffice's PDFs.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..opc import parse
from ..proofread import Finding
from .package import RT, Package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"

#: Text is measured this much wider than the font's widths say (kerning, font differences).
WIDTH_MARGIN = 1.03
#: Each page is taken this many points shorter than its margins leave (about a line of 12 pt).
HEIGHT_MARGIN = 12.0
#: Tab stops every half inch (Word's and LibreOffice's default), in points.
_TAB = 36.0
#: Cell margins of Word's default table style, left and right, in points (108 twips).
_CELL_MARGINS = 10.8
_WIDE = frozenset("WF")  # East Asian wide and full-width characters: one em


@dataclass(frozen=True)
class Fit:
    """How a letter fills its pages."""

    #: pages with the safety margins (what the warning goes by)
    pages: int
    #: pages measured without the safety margins
    nominal: int
    #: points of text past the first page's last line (nominal; 0 when it fits)
    over: float = 0.0
    #: height of one line of the letter's body text, in points
    line: float = 13.8

    @property
    def lines_over(self) -> int:
        """Return about how many body lines the letter runs past page 1 (at least 1)."""
        return max(1, round(self.over / self.line + 0.49)) if self.line else 1


@dataclass(frozen=True)
class Layout:
    """What the estimate reads of a .docx: its document element, its headers' and footers'
    elements by relationship id, and its style and theme parts."""

    root: Any
    margins: dict[str, Any]
    styles: bytes
    theme: bytes

    @property
    def sections(self) -> int:
        """Return how many sections the document has (each ends in a sectPr)."""
        return max(sum(1 for _ in self.root.iter(f"{_W}sectPr")), 1)


def style_parts(pkg: Package) -> tuple[bytes, bytes]:
    """Return the style and theme parts a document relates to (b"" for one it lacks)."""
    parts = [pkg.related(RT + kind) for kind in ("styles", "theme")]
    styles, theme = (pkg.members[name] if name else b"" for name in parts)
    return styles, theme


def margin_parts(pkg: Package) -> dict[str, str]:
    """Return the document's headers and footers: relationship id -> member name."""
    kinds = (RT + "header", RT + "footer")
    return {rid: rel.target for rid, rel in pkg.rels.items()
            if rel.type in kinds and rel.target in pkg.members}  # fmt: skip


def layout(docx: bytes) -> Layout:
    """Return the parts of a .docx the estimate reads, parsed."""
    pkg = Package(docx)
    margins = {rid: parse(pkg.members[name]) for rid, name in margin_parts(pkg).items()}
    return Layout(parse(pkg.members[pkg.doc_name]), margins, *style_parts(pkg))


class PageFit:
    """Estimates the pages of one batch's letters.

    Each style sheet is read once, and each distinct paragraph measured once, per batch:
    the letters share their letter head, date, closing and the empty lines between. Nothing
    is kept past the batch.
    """

    def __init__(self) -> None:
        self.fonts = Fonts()
        self.sheets: dict[tuple[bytes, bytes], _Sheet] = {}

    def fit(self, doc: Layout) -> Fit:
        """Estimate the pages of a rendered .docx (a header taller than its margin pushes
        text down)."""
        key = (doc.styles, doc.theme)
        if key not in self.sheets:
            self.sheets[key] = _styles(doc.styles, doc.theme, self.fonts)
        return _fit(doc.root, doc.margins, self.sheets[key])


def _fit(root: Any, margins: dict[str, Any], sheet: _Sheet) -> Fit:
    """Return the Fit of a parsed document.xml."""
    body = root.find(f"{_W}body")
    sections = list(_sections(body))
    rooms = [_rooms(sect, margins, sheet) for _, sect in sections]
    memo: dict[Any, Any] = {}  # each paragraph measured once for both estimates
    tight = sum(_paginate(_blocks(part, sect, sheet, WIDTH_MARGIN, memo), room, HEIGHT_MARGIN)[0]
                for (part, sect), room in zip(sections, rooms, strict=True))  # fmt: skip
    nominal, over = 0, 0.0
    for i, ((part, sect), room) in enumerate(zip(sections, rooms, strict=True)):
        pages, spill = _paginate(_blocks(part, sect, sheet, 1.0, memo), room, 0.0)
        nominal += pages
        if i == 0:
            over = spill
    size, font, _ = sheet.run({}, {})
    return Fit(pages=max(tight, nominal), nominal=nominal, over=over,
               line=size * sheet.fonts.height(font))  # fmt: skip


def overflow(file: str, fitted: Fit | None, cells: Sequence[tuple[str, str]]) -> list[Finding]:
    """Return the warning for a letter that runs past one page, naming the cells to shorten.

    `cells` are (where, text) of the workbook cells the letter holds, e.g.
    ("Contacts!H7 (Personal Note)", "…"); the longest are named first.
    """
    if fitted is None or fitted.pages <= 1:
        return []
    lines = fitted.lines_over
    if fitted.nominal > 1:
        size = f"about {lines} line{'s' if lines > 1 else ''} past page 1, estimated"
        runs = f"runs to {fitted.nominal} pages"
    else:
        size = "it ends within about a line of the bottom, estimated"
        runs = "may run onto page 2"
    ranked = sorted(cells, key=lambda c: -len(c[1]))
    longest = [c for c in ranked if len(c[1]) >= 80][:3] or ranked[:1]
    if longest:
        what = "shorten " + " or ".join(_cell_size(where, text) for where, text in longest)
    else:
        what = "shorten its text in the workbook, or the template"
    message = f"{runs} ({size}): {what}"
    return [Finding(file=file, sentence="", rule="R9", check="page fit", message=message)]


def pdf_page_count(pdf: bytes) -> int:
    """Return the pages of a PDF written by LibreOffice (its page objects, counted)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def check_pdf(docx: Path, pdf: Path) -> str | None:
    """Compare LibreOffice's PDF of a print file with the estimate; say so when they differ.

    The run converts the print file anyway with --pdf: its page count checks the estimates
    behind the page-fit warnings at no extra cost.
    """
    try:
        made = pdf_page_count(pdf.read_bytes())
        estimated = PageFit().fit(layout(docx.read_bytes())).nominal
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if made == estimated:
        return None
    more = "more" if made > estimated else "fewer"
    return (
        f"LibreOffice printed {made} pages where {estimated} were estimated: a letter runs to "
        f"{more} pages than the page-fit check says; look through the PDF for a page with "
        "only a few lines"
    )


def _cell_size(where: str, text: str) -> str:
    """Return 'Interviews!K2 (Strengths, 412 characters)' for a cell and its text."""
    size = f"{len(' '.join(text.split())):,} characters"
    return f"{where[:-1]}, {size})" if where.endswith(")") else f"{where} ({size})"


# --- fonts --------------------------------------------------------------------------------

_EXTRA = "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac\u2122"
_CHARS = "".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(160, 256))
_CHARS += _EXTRA


class Fonts:
    """The character widths of the measured families (data/fontwidths.txt), read once per
    batch: (family, bold) -> (line height per em, widths per em by character); the widths of
    the words a batch measures, kept for the batch (its letters share their sender block)."""

    def __init__(self) -> None:
        from importlib.resources import files

        text = files("followup_xl").joinpath("data/fontwidths.txt").read_text(encoding="utf-8")
        self.table: dict[tuple[str, bool], tuple[float, dict[str, float]]] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            family, style, height, *widths = line.split()
            chars = dict(zip(_CHARS, (int(w) / 2048 for w in widths), strict=True))
            self.table[(family, style == "bold")] = (float(height), chars)
        self.families: dict[str, str] = {}  # font name -> its family, as found
        self.words: dict[tuple[str, str], float] = {}  # (text, font) -> its width per em

    def family(self, font: str) -> str:
        """Return the measured family standing in for a font name (serif, sans or mono)."""
        found = self.families.get(font)
        if found is None:
            found = self.families[font] = _family(font)
        return found

    def height(self, font: str) -> float:
        """Return a font's line height per em."""
        return self.table[(self.family(font), False)][0]

    def widths(self, font: str, bold: bool) -> dict[str, float]:
        """Return a font's character widths per em."""
        return self.table[(self.family(font), bold)][1]

    def width(self, text: str, font: str, size: float) -> float:
        """Return the width of a text in a font (regular) and size, in points."""
        key = (text, font)
        em = self.words.get(key)
        if em is None:
            if len(self.words) >= _MEASURED_MAX:
                self.words.clear()
            widths = self.widths(font, False)
            em = self.words[key] = sum(_char_width(ch, widths) for ch in text)
        return em * size


def _family(font: str) -> str:
    """Return the measured family standing in for a font name (serif, sans or mono)."""
    name = font.lower()
    if any(k in name for k in ("courier", "mono", "consolas")):
        return "mono"
    if any(k in name for k in ("times", "serif", "georgia", "garamond", "cambria", "book",
                               "palatino", "roman", "caladea")) and "sans" not in name:  # fmt: skip
        return "serif"
    return "sans"


def _char_width(ch: str, widths: dict[str, float]) -> float:
    """Return a character's width per em: its own, its base letter's (é as e), or a guess."""
    w = widths.get(ch)
    if w is not None:
        return w
    base = unicodedata.normalize("NFD", ch)[:1]
    if base in widths:
        return widths[base]
    if unicodedata.combining(ch):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in _WIDE else widths["M"]


# --- styles -------------------------------------------------------------------------------


def _on(el: Any) -> bool:
    return el is not None and el.get(f"{_W}val", "true") not in ("0", "false", "off")


def _ppr(el: Any) -> dict[str, Any]:
    """Return the paragraph properties set on a w:pPr (twips; None when absent)."""
    out: dict[str, Any] = {}
    if el is None:
        return out
    spacing = el.find(f"{_W}spacing")
    if spacing is not None:
        for key in ("before", "after", "line"):
            value = spacing.get(f"{_W}{key}")
            if value is not None and value.lstrip("-").isdigit():
                out[key] = int(value)
        if spacing.get(f"{_W}lineRule"):
            out["rule"] = spacing.get(f"{_W}lineRule")
    ind = el.find(f"{_W}ind")
    if ind is not None:
        for key, attrs in (("left", ("left", "start")), ("right", ("right", "end")),
                           ("first", ("firstLine",)), ("hanging", ("hanging",))):  # fmt: skip
            for attr in attrs:
                value = ind.get(f"{_W}{attr}")
                if value is not None and value.lstrip("-").isdigit():
                    out[key] = int(value)
    for tag, key in (("keepNext", "keep_next"), ("keepLines", "keep_lines"),
                     ("widowControl", "widow"), ("pageBreakBefore", "break_before")):  # fmt: skip
        found = el.find(f"{_W}{tag}")
        if found is not None:
            out[key] = _on(found)
    frame = el.find(f"{_W}framePr")
    if frame is not None:
        out["frame"] = tuple(sorted((k.split("}")[-1], v) for k, v in frame.items()))
    style = el.find(f"{_W}pStyle")
    if style is not None:
        out["style"] = style.get(f"{_W}val")
    return out


def _rpr(el: Any, theme: dict[str, str]) -> dict[str, Any]:
    """Return the run properties set on a w:rPr: size (pt), font, bold, hidden."""
    out: dict[str, Any] = {}
    if el is None:
        return out
    sz = el.find(f"{_W}sz")
    if sz is not None and (sz.get(f"{_W}val") or "").isdigit():
        out["size"] = int(sz.get(f"{_W}val")) / 2
    fonts = el.find(f"{_W}rFonts")
    if fonts is not None:
        name = fonts.get(f"{_W}ascii") or fonts.get(f"{_W}hAnsi")
        scheme = fonts.get(f"{_W}asciiTheme") or fonts.get(f"{_W}hAnsiTheme") or ""
        if not name and scheme:
            name = theme.get("major" if scheme.startswith("major") else "minor")
        if name:
            out["font"] = name
    for tag, key in (("b", "bold"), ("vanish", "hidden")):
        found = el.find(f"{_W}{tag}")
        if found is not None:
            out[key] = _on(found)
    style = el.find(f"{_W}rStyle")
    if style is not None:
        out["style"] = style.get(f"{_W}val")
    return out


@dataclass(frozen=True)
class _Sheet:
    """The styles of a document, resolved along their basedOn chains."""

    paragraph: dict[str | None, tuple[dict[str, Any], dict[str, Any]]]
    character: dict[str | None, dict[str, Any]]
    theme: dict[str, str]
    fonts: Fonts
    #: paragraphs measured with these styles in this batch: (XML, width, widening) -> blocks
    measured: dict[tuple[bytes, float, float], list[_Block]] = field(
        default_factory=dict, compare=False
    )
    #: paragraphs' (pPr, rPr) with these styles in this batch: XML -> para()
    props: dict[bytes, tuple[dict[str, Any], dict[str, Any]]] = field(
        default_factory=dict, compare=False
    )

    def para(self, direct: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return a paragraph's (pPr, rPr) from its style and its own pPr."""
        ppr, rpr = self.paragraph.get(direct.get("style"), self.paragraph[None])
        return {**ppr, **direct}, rpr

    def run(self, para_rpr: dict[str, Any], direct: dict[str, Any]) -> tuple[float, str, bool]:
        """Return a run's size, font and boldness."""
        style = self.character.get(direct.get("style"), {})
        base = self.paragraph[None][1]
        props = {**base, **para_rpr, **style, **direct}
        return (
            float(props.get("size", 10.0)),
            str(props.get("font", "Times New Roman")),
            bool(props.get("bold", False)),
        )


def _styles(styles: bytes, theme_xml: bytes, fonts: Fonts) -> _Sheet:
    """Read a document's styles, resolved along their basedOn chains."""
    theme: dict[str, str] = {}
    if theme_xml:
        troot = parse(theme_xml)
        for kind in ("major", "minor"):
            latin = troot.find(f".//{_A}{kind}Font/{_A}latin")
            face = latin.get("typeface") if latin is not None else None
            if face:
                theme[kind] = face
    defaults_p: dict[str, Any] = {}
    defaults_r: dict[str, Any] = {"size": 10.0, "font": "Times New Roman"}
    raw: dict[str, tuple[str, str | None, dict[str, Any], dict[str, Any]]] = {}
    default_para = None
    if styles:
        root = parse(styles)
        dd = root.find(f"{_W}docDefaults")
        if dd is not None:
            defaults_p |= _ppr(dd.find(f"{_W}pPrDefault/{_W}pPr"))
            defaults_r |= _rpr(dd.find(f"{_W}rPrDefault/{_W}rPr"), theme)
        for st in root.findall(f"{_W}style"):
            sid = st.get(f"{_W}styleId") or ""
            kind = st.get(f"{_W}type", "paragraph")
            based = st.find(f"{_W}basedOn")
            ppr = _ppr(st.find(f"{_W}pPr"))
            ppr.pop("style", None)
            rpr = _rpr(st.find(f"{_W}rPr"), theme)
            rpr.pop("style", None)
            raw[sid] = (kind, based.get(f"{_W}val") if based is not None else None, ppr, rpr)
            if kind == "paragraph" and _on(st) and st.get(f"{_W}default") in ("1", "true"):
                default_para = sid

    def resolve(sid: str | None, depth: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
        if sid is None or sid not in raw or depth > 20:
            return dict(defaults_p), dict(defaults_r)
        _, based, ppr, rpr = raw[sid]
        bp, br = resolve(based, depth + 1)
        return {**bp, **ppr}, {**br, **rpr}

    paragraph: dict[str | None, tuple[dict[str, Any], dict[str, Any]]] = {
        sid: resolve(sid) for sid, (kind, *_) in raw.items() if kind == "paragraph"
    }
    paragraph[None] = resolve(default_para)
    character: dict[str | None, dict[str, Any]] = {
        sid: resolve(sid)[1] for sid, (kind, *_) in raw.items() if kind == "character"
    }
    return _Sheet(paragraph, character, theme, fonts)


# --- layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A paragraph (its lines' heights), a table row (one unsplittable line) or a frame."""

    before: float
    lines: tuple[float, ...]
    after: float
    keep_next: bool = False
    split: bool = True
    widow: bool = True
    break_before: bool = False
    #: a frame anchored to the page: its top and bottom edge from the page's top, in points
    frame: tuple[float, float] | None = None


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    header: float = 36.0
    footer: float = 36.0


def _page(sect: Any) -> _Page:
    """Return a section's page geometry in points (Word's Letter defaults when unset)."""

    def num(el: Any, attr: str, default: int) -> float:
        value = el.get(f"{_W}{attr}") if el is not None else None
        return (int(value) if value and value.lstrip("-").isdigit() else default) / 20

    size = sect.find(f"{_W}pgSz") if sect is not None else None
    mar = sect.find(f"{_W}pgMar") if sect is not None else None
    gutter = num(mar, "gutter", 0)
    return _Page(num(size, "w", 12240), num(size, "h", 15840), num(mar, "left", 1440) + gutter,
                 num(mar, "right", 1440), abs(num(mar, "top", 1440)),
                 abs(num(mar, "bottom", 1440)), num(mar, "header", 720),
                 num(mar, "footer", 720))  # fmt: skip


_Room = tuple[float, float]  # the body's height on a page, and its top edge from the page's top


def _rooms(sect: Any, margins: dict[str, Any], sheet: _Sheet) -> tuple[_Room, _Room]:
    """Return the body's height and top edge on a section's first page and on its later pages.

    As in Word, a header or footer taller than its margin leaves (its distance from the
    edge plus its text) pushes the body away from the edge.
    """
    page = _page(sect)
    width = page.width - page.left - page.right
    title = sect is not None and _on(sect.find(f"{_W}titlePg"))

    def height(kind: str, which: str) -> float:
        if sect is None:
            return 0.0
        for ref in sect.findall(f"{_W}{kind}Reference"):
            if ref.get(f"{_W}type", "default") == which:
                root = margins.get(ref.get(f"{_R}id", ""))
                if root is None:
                    return 0.0
                blocks = _blocks(list(root), None, sheet, 1.0, {}, width)
                return sum(b.before + sum(b.lines) + b.after for b in blocks)
        return 0.0

    def room(which: str) -> _Room:
        top, bottom = page.top, page.bottom
        head, foot = height("header", which), height("footer", which)
        if head:
            top = max(top, page.header + head)
        if foot:
            bottom = max(bottom, page.footer + foot)
        return page.height - top - bottom, top

    rest = room("default")
    return (room("first") if title else rest), rest


def _sections(body: Any) -> Iterator[tuple[list[Any], Any]]:
    """Yield (block elements, sectPr) per section of a body, in order."""
    part: list[Any] = []
    for el in body:
        if el.tag == f"{_W}sectPr":
            continue
        part.append(el)
        sect = el.find(f"{_W}pPr/{_W}sectPr") if el.tag == f"{_W}p" else None
        if sect is not None:
            yield part, sect
            part = []
    yield part, body.find(f"{_W}sectPr")


def _blocks(
    elements: list[Any],
    sect: Any,
    sheet: _Sheet,
    widen: float,
    memo: dict[Any, Any],
    width: float | None = None,
) -> list[_Block]:
    if width is None:
        page = _page(sect)
        width = page.width - page.left - page.right
    out: list[_Block] = []
    framed: list[Any] = []  # adjacent paragraphs sharing one frame
    for el in [*elements, None]:
        frame = _props(el, sheet, memo)[0].get("frame") if _is_p(el) else None
        if framed and frame != framed[0][1]:
            out += _frame([p for p, _ in framed], dict(framed[0][1]), sect, sheet, widen, memo)
            framed = []
        if frame is not None:
            framed.append((el, frame))
        elif el is None:
            break
        elif el.tag == f"{_W}p":
            out += _paragraph(el, width, sheet, widen, memo)
        elif el.tag == f"{_W}tbl":
            out += _table(el, width, sheet, widen, memo)
        elif el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                out += _blocks(list(content), sect, sheet, widen, memo, width)
    return out


def _props(p: Any, sheet: _Sheet, memo: dict[Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a paragraph's (pPr, rPr) from its style and its own pPr, read once per batch
    for the same paragraph XML."""
    xml = _xml(p, memo)
    found = sheet.props.get(xml)
    if found is None:
        if len(sheet.props) >= _MEASURED_MAX:
            sheet.props.clear()
        found = sheet.props[xml] = sheet.para(_ppr(p.find(f"{_W}pPr")))
    return found


def _xml(p: Any, memo: dict[Any, Any]) -> bytes:
    """Return a paragraph's XML, serialised once per fit: the key of what a batch measured."""
    key = (p, "xml")
    found = memo.get(key)
    if found is None:
        from lxml import etree

        found = memo[key] = etree.tostring(p)
    return found


def _is_p(el: Any) -> bool:
    return el is not None and el.tag == f"{_W}p"


def _frame(
    paragraphs: list[Any],
    attrs: dict[str, str],
    sect: Any,
    sheet: _Sheet,
    widen: float,
    memo: dict[Any, Any],
) -> list[_Block]:
    """Return what a frame does to the flow: a block for one the text may not flow beside.

    The frame is as tall as its paragraphs, at least its h (hRule atLeast, or h without a
    rule), exactly h (hRule exact). Anchored to the page or its margin, it is a _Block.frame
    the text below it starts under; anchored to the text, it takes its y and height in the
    flow. Text flows beside a frame with wrap around, tight, through or auto: it takes no room.
    """

    def twips(key: str) -> float:
        value = attrs.get(key, "")
        return int(value) / 20 if value.lstrip("-").isdigit() else 0.0

    if attrs.get("wrap", "auto") not in ("notBeside", "none"):
        return []
    page = _page(sect)
    width = twips("w") or page.width - page.left - page.right
    blocks = [b for p in paragraphs for b in _paragraph(p, width, sheet, widen, memo)]
    content = sum(b.before + sum(b.lines) + b.after for b in blocks)
    h = twips("h")
    rule = attrs.get("hRule", "atLeast" if h else "auto")
    height = abs(h) if rule == "exact" else max(h, content) if rule == "atLeast" else content
    anchor = attrs.get("vAnchor", "margin" if "yAlign" in attrs else "text")
    if anchor == "text" or sect is None:
        return [_Block(before=0.0, lines=(max(0.0, twips("y")) + height,), after=0.0, split=False)]
    area = (0.0, page.height) if anchor == "page" else (page.top, page.height - page.bottom)
    align = attrs.get("yAlign")
    if align == "center":
        top = (area[0] + area[1] - height) / 2
    elif align in ("bottom", "outside"):
        top = area[1] - height
    else:
        top = area[0] + (0.0 if align else twips("y"))
    return [_Block(before=0.0, lines=(), after=0.0, frame=(top, top + height))]


#: Paragraphs kept measured per style sheet in a batch: the ones letters share (letter head,
#: date, closing) come first, so a bound keeps the memory of a very large batch in check.
_MEASURED_MAX = 50_000


def _paragraph(
    p: Any, width: float, sheet: _Sheet, widen: float, memo: dict[Any, Any]
) -> list[_Block]:
    """Return a paragraph as blocks (_measure), measured once per batch."""
    key = (_xml(p, memo), width, widen)
    found = sheet.measured.get(key)
    if found is None:
        if len(sheet.measured) >= _MEASURED_MAX:
            sheet.measured.clear()
        found = sheet.measured[key] = _measure(p, width, sheet, widen, memo)
    return list(found)


def _measure(
    p: Any, width: float, sheet: _Sheet, widen: float, memo: dict[Any, Any]
) -> list[_Block]:
    """Return a paragraph as blocks: one, or several when it holds page breaks.

    Text `widen` times wider wraps as text at the width divided by `widen`; the characters
    are measured once per paragraph (_runs) for both the nominal and the safe estimate.
    """
    ppr, para_rpr = _props(p, sheet, memo)
    mark = _rpr(p.find(f"{_W}pPr/{_W}rPr"), sheet.theme)
    left = (ppr.get("left", 0) - ppr.get("hanging", 0)) / 20
    first = (width - left - ppr.get("right", 0) / 20 - ppr.get("first", 0) / 20) / widen
    rest = (width - (ppr.get("left", 0) + ppr.get("right", 0)) / 20) / widen
    if p not in memo:
        memo[p] = _runs(p, sheet, para_rpr)
    pieces, page_breaks = memo[p]
    mark_size, mark_font, _ = sheet.run(para_rpr, mark)
    font = sheet.run(para_rpr, {})[1]
    per_piece: list[list[float]] = []
    for i, piece in enumerate(pieces):
        wrapped = _wrap(piece, first if i == 0 else rest, rest) or [(mark_size, 0.0)]
        per_piece.append([max(_line_height(size or mark_size, font, ppr, sheet.fonts), picture)
                          for size, picture in wrapped])  # fmt: skip
    heights = tuple(h for piece_lines in per_piece for h in piece_lines)
    block = _Block(
        before=ppr.get("before", 0) / 20,
        lines=heights or (_line_height(mark_size, mark_font, ppr, sheet.fonts),),
        after=ppr.get("after", 0) / 20,
        keep_next=bool(ppr.get("keep_next")),
        split=not ppr.get("keep_lines"),
        widow=ppr.get("widow", True) is not False,
        break_before=bool(ppr.get("break_before")),
    )
    if not page_breaks:
        return [block]
    # a page break inside the paragraph: the lines after it start a new page
    cut = sum(len(per_piece[i]) for i in range(page_breaks[0]))
    return [replace(block, lines=block.lines[:cut] or block.lines[:1], after=0, keep_next=False),
            replace(block, lines=block.lines[cut:] or block.lines[:1], before=0,
                    break_before=True)]  # fmt: skip


_PICTURE = "\ufffc"  # a piece entry for an inline picture: (it, width, height in points)
_Pieces = tuple[list[list[tuple[str, float, float]]], list[int]]


def _runs(p: Any, sheet: _Sheet, para_rpr: dict[str, Any]) -> _Pieces:
    """Return a paragraph's text as pieces between hard breaks, each character with its width
    and size, and the pieces that start after a page break."""
    pieces: list[list[tuple[str, float, float]]] = [[]]
    page_breaks: list[int] = []
    for run in p.iter(f"{_W}r"):
        if any(a.tag in (f"{_W}del", f"{_W}moveFrom") for a in run.iterancestors()):
            continue
        direct = _rpr(run.find(f"{_W}rPr"), sheet.theme)
        if direct.get("hidden"):
            continue
        size, font, bold = sheet.run(para_rpr, direct)
        widths = sheet.fonts.widths(font, bold)
        known = widths.get
        for item in run:
            tag = item.tag
            if tag == f"{_W}t":
                add = pieces[-1].append
                for ch in item.text or "":
                    w = known(ch)
                    add((ch, (_char_width(ch, widths) if w is None else w) * size, size))
            elif tag == f"{_W}tab":
                pieces[-1].append(("\t", 0.0, size))
            elif tag in (f"{_W}br", f"{_W}cr"):
                if item.get(f"{_W}type") == "page":
                    page_breaks.append(len(pieces))
                pieces.append([])
            elif tag == f"{_W}noBreakHyphen":
                pieces[-1].append(("\u2011", widths["-"] * size, size))
            elif tag == f"{_W}drawing":  # an inline picture: as wide and tall as it is drawn
                extent = item.find(f"{_WP}inline/{_WP}extent")
                cx, cy = (extent.get(a, "") if extent is not None else "" for a in ("cx", "cy"))
                if cx.isdigit() and cy.isdigit():  # EMU: 12,700 to the point
                    pieces[-1].append((_PICTURE, int(cx) / 12700, int(cy) / 12700))
    return pieces, page_breaks


def _wrap(
    piece: list[tuple[str, float, float]], first: float, rest: float
) -> list[tuple[float, float]]:
    """Wrap one stretch of text at spaces (and after hyphens).

    Return per line (the largest font size, the tallest picture in points or 0).
    """
    if not piece:
        return []
    out: list[tuple[float, float]] = []
    avail = first
    x = 0.0
    since_break = 0.0  # width after the last break opportunity
    can_break = False
    size, picture = 0.0, 0.0
    prev = ""
    for ch, w, s in piece:
        if ch == "\t":
            w = _TAB - (x % _TAB) if x % _TAB else _TAB
        if ch == " " or ch == "\u2009":
            x += w
            since_break = 0.0
            can_break = True
            prev = ch
            continue
        if x + w > avail and x > 0:
            out.append((size, picture))
            size, picture = 0.0, 0.0
            avail = rest
            x = since_break if can_break else 0.0
            can_break = False
        if ch == _PICTURE:
            if s > picture:
                picture = s
        elif s > size:
            size = s
        x += w
        since_break += w
        if ch == "-" and prev.isalpha():
            since_break = 0.0
            can_break = True
        prev = ch
    out.append((size, picture))
    return out


def _line_height(size: float, font: str, ppr: dict[str, Any], fonts: Fonts) -> float:
    natural = size * fonts.height(font)
    line, rule = ppr.get("line"), ppr.get("rule", "auto")
    if line is None:
        return natural
    if rule == "exact":
        return abs(line) / 20
    if rule == "atLeast":
        return max(natural, line / 20)
    return natural * line / 240


def _table(
    tbl: Any, width: float, sheet: _Sheet, widen: float, memo: dict[Any, Any]
) -> list[_Block]:
    """Return a table's rows as blocks (a row does not split across pages here)."""
    grid = [int(c.get(f"{_W}w", "0")) / 20 for c in tbl.findall(f"{_W}tblGrid/{_W}gridCol")]
    out = []
    for tr in tbl.findall(f"{_W}tr"):
        height = 0.0
        col = 0
        for tc in tr.findall(f"{_W}tc"):
            span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
            span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
            w_el = tc.find(f"{_W}tcPr/{_W}tcW")
            cell_w = sum(grid[col : col + span]) if grid[col : col + span] else width
            if w_el is not None and w_el.get(f"{_W}type") == "dxa":
                cell_w = int(w_el.get(f"{_W}w", "0")) / 20 or cell_w
            col += span
            inner = 0.0
            for p in tc.findall(f"{_W}p"):
                for b in _paragraph(p, cell_w - 2 * _CELL_MARGINS, sheet, widen, memo):
                    inner += b.before + sum(b.lines) + b.after
            height = max(height, inner)
        tr_h = tr.find(f"{_W}trPr/{_W}trHeight")
        if tr_h is not None and (tr_h.get(f"{_W}val") or "").isdigit():
            height = max(height, int(tr_h.get(f"{_W}val")) / 20)
        out.append(_Block(before=0.0, lines=(height,), after=0.0, split=False))
    return out


def _paginate(blocks: list[_Block], rooms: tuple[_Room, _Room], margin: float) -> tuple[int, float]:
    """Lay blocks on pages; return the page count and the points past page 1 (when over)."""
    (first, top), (later, later_top) = rooms
    room = first - margin
    pages, y = 1, 0.0
    total = sum(b.before + sum(b.lines) + b.after for b in blocks)
    todo = list(blocks)
    # the chain after each block, from the blocks as they come: a block is only ever cut
    # while it is the current one, so the chain after it is still the one computed here
    chains = _chain_heights(todo)
    ahead: tuple[int, float, float] | None = None  # a frame further down a page: page, top, bottom
    i = 0
    while i < len(todo):
        b = todo[i]
        if b.frame is not None:  # the text goes on below the frame, or jumps it further down
            ftop, fbottom = b.frame[0] - top, b.frame[1] - top
            if fbottom > y and ftop <= y + 0.01:
                total += min(fbottom, first) - y if pages == 1 else 0.0
                y = min(room, fbottom)
            elif fbottom > y and ftop < room:
                ahead = (pages, ftop, min(fbottom, room))
            i += 1
            continue
        if ahead and ahead[0] == pages and y + b.before + sum(b.lines) > ahead[1] + 0.01:
            # the lines that reach the frame go on below it
            _, ftop, fbottom = ahead
            ahead, fits, used = None, 0, b.before
            for h in b.lines if b.split else ():
                if y + used + h > ftop + 0.01:
                    break
                used, fits = used + h, fits + 1
            total += fbottom - (y + used) if pages == 1 else 0.0
            y = fbottom
            if fits:
                todo[i] = replace(b, before=0.0, lines=b.lines[fits:], break_before=False)
            continue
        if b.break_before and y > 0:
            pages, y, room, top = pages + 1, 0.0, later - margin, later_top
        if b.keep_next and y > 0:
            chain = _chain_link(b, chains[i + 1])
            if y + chain > room and chain <= later - margin:
                pages, y, room, top = pages + 1, 0.0, later - margin, later_top
        need = b.before + sum(b.lines)
        if y + need <= room + 0.01:
            y = min(room, y + need + b.after)
            i += 1
            continue
        fits, used = 0, b.before
        for h in b.lines:
            if y + used + h > room + 0.01:
                break
            used += h
            fits += 1
        if b.split and b.widow:
            fits = min(fits, len(b.lines) - 2)
            fits = fits if fits >= 2 else 0
        elif not b.split:
            fits = 0
        if fits == 0 and y == 0:
            fits = max(1, fits if b.split else len(b.lines))  # taller than a page: it must go
            if fits >= len(b.lines):
                y = min(room, sum(b.lines) + b.before + b.after)
                i += 1
                continue
        pages, y, room, top = pages + 1, 0.0, later - margin, later_top
        if fits:
            todo[i] = replace(b, before=0.0, lines=b.lines[fits:], break_before=False)
    return pages, max(0.0, total - first) if pages > 1 else 0.0


def _chain_heights(blocks: list[_Block]) -> list[float]:
    """Return the height the keep-with-next chain from each block needs on one page (and 0.0
    after the last), in one pass from the end: a long chain is not walked from every link."""
    out = [0.0] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        out[i] = _chain_link(blocks[i], out[i + 1])
    return out


def _chain_link(b: _Block, rest: float) -> float:
    """Return the height of a chain from block b, given that of the chain from the next one."""
    if b.keep_next:
        return b.before + sum(b.lines) + b.after + rest
    first = b.lines if not b.split or len(b.lines) < 4 else b.lines[:2]
    return b.before + sum(first)
