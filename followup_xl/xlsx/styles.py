"""styles.xml: find or append the few cell formats the tool needs; never renumber."""

from __future__ import annotations

from lxml import etree

from ..read.formats import DATE, xf_kinds
from .package import NS_MAIN, element_key, q

OVERDUE_FILL = "FFFFC7CE"  # Excel's "Bad" cell style: light red fill, dark red text
OVERDUE_FONT = "FF9C0006"
HEADER_FILL = "FFD9E1F2"
LINK_FONT = "FF0563C1"  # Excel's and LibreOffice's blue of a hyperlink, underlined

_FONT_ORDER = (
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
    "color", "name", "family", "charset", "scheme",
)  # fmt: skip
_STYLE_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)  # fmt: skip


class Styles:
    """styles.xml: finds or appends the few fonts, fills and cell formats the marks use."""

    def __init__(self, tree: etree._ElementTree | None) -> None:
        if tree is None:
            tree = etree.ElementTree(
                etree.fromstring(
                    f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/>'
                    '<name val="Calibri"/><family val="2"/></font></fonts><fills count="2">'
                    '<fill><patternFill patternType="none"/></fill><fill><patternFill '
                    'patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
                    "<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs "
                    'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                    '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                    'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
                    'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
                )
            )
            self.created = True
        else:
            self.created = False
        self.tree = tree
        self.root = tree.getroot()
        self.appended = 0
        self.cache: dict[tuple, int] = {}
        self.kinds: list[str | None] | None = None

    def shows_date(self, index: int) -> bool:
        """Return True when cell format `index` shows a number as a date (so a date written
        with it reads back as a date, not as a plain number or text)."""
        kinds = self.kinds
        if kinds is None or index >= len(kinds):  # read again once formats were appended
            kinds = self.kinds = xf_kinds(self.root)
        return 0 <= index < len(kinds) and kinds[index] == DATE

    def _section(self, tag: str) -> etree._Element:
        el = self.root.find(q(tag))
        if el is None:
            el = etree.Element(q(tag))
            later = _STYLE_ORDER[_STYLE_ORDER.index(tag) + 1 :]
            for child in self.root:
                if isinstance(child.tag, str) and etree.QName(child).localname in later:
                    child.addprevious(el)
                    break
            else:
                self.root.append(el)
        return el

    def _find_or_append(self, section: str, el: etree._Element) -> int:
        sec = self._section(section)
        items = [c for c in sec if isinstance(c.tag, str)]
        key = element_key(el)
        for i, item in enumerate(items):
            if element_key(item) == key:
                return i
        sec.append(el)
        if sec.get("count") is not None or section == "cellXfs":
            sec.set("count", str(len(items) + 1))
        self.appended += 1
        return len(items)

    def _font(self, bold: bool, color: str | None, underline: bool) -> int:
        fonts = [c for c in self._section("fonts") if isinstance(c.tag, str)]
        base = fonts[0] if fonts else etree.fromstring(f'<font xmlns="{NS_MAIN}"/>')
        children = {etree.QName(c).localname: c for c in base if isinstance(c.tag, str)}
        font = etree.Element(q("font"))
        for name in _FONT_ORDER:
            if name == "b" and bold:
                etree.SubElement(font, q("b"))
            elif name == "u" and underline:
                etree.SubElement(font, q("u"))
            elif name == "color" and color:
                etree.SubElement(font, q("color")).set("rgb", color)
            elif name in children and name not in ("b", "u", "color"):
                font.append(etree.fromstring(etree.tostring(children[name])))
        if not bold and not color and not underline:
            return 0
        return self._find_or_append("fonts", font)

    def _fill(self, rgb: str | None) -> int:
        if rgb is None:
            return 0
        fill = etree.fromstring(
            f'<fill xmlns="{NS_MAIN}"><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>'
        )
        return self._find_or_append("fills", fill)

    def xf(
        self,
        *,
        bold: bool = False,
        font_color: str | None = None,
        fill: str | None = None,
        num_fmt: int = 0,
        quote_prefix: bool = False,
        wrap: bool = False,
        top: bool = False,
        underline: bool = False,
    ) -> int:
        """Return the index of a cell format with these properties, appending it if new."""
        want = (bold, font_color, fill, num_fmt, quote_prefix, wrap, top, underline)
        if want in self.cache:
            return self.cache[want]
        if want == (False, None, None, 0, False, False, False, False):
            self.cache[want] = 0
            return 0
        font_id = self._font(bold, font_color, underline)
        fill_id = self._fill(fill)
        xf = etree.Element(q("xf"))
        xf.set("numFmtId", str(num_fmt))
        xf.set("fontId", str(font_id))
        xf.set("fillId", str(fill_id))
        xf.set("borderId", "0")
        if len(self._section("cellStyleXfs")):
            xf.set("xfId", "0")
        if quote_prefix:
            xf.set("quotePrefix", "1")
        if num_fmt:
            xf.set("applyNumberFormat", "1")
        if font_id:
            xf.set("applyFont", "1")
        if fill_id:
            xf.set("applyFill", "1")
        if wrap or top:
            xf.set("applyAlignment", "1")
            align = etree.SubElement(xf, q("alignment"), vertical="top")
            if wrap:
                align.set("wrapText", "1")
        index = self._find_or_append("cellXfs", xf)
        self.cache[want] = index
        return index
