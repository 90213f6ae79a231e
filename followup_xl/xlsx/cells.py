"""Write one cell's XML: values, dates as serials, text kept as typed, the tool's styles."""

from __future__ import annotations

from datetime import date, datetime
from xml.sax.saxutils import escape

from .package import date_serial, num_text, ooxml_text
from .styles import HEADER_FILL, LINK_FONT, OVERDUE_FILL, OVERDUE_FONT, Styles

#: Text starting with one of these is a formula when typed; it is stored as text and shown
#: with Excel's quote prefix so that editing the cell later does not turn it into one.
FORMULA_START = ("=", "+", "-", "@")

Value = str | date | int | float | None


class CellWriter:
    """Turns Python values into <c> elements with the right style."""

    def __init__(self, styles: Styles, date1904: bool) -> None:
        self.styles = styles
        self.date1904 = date1904
        #: (kind of value, bold, overdue, wrap, top, link) -> style, for values alike (kind)
        self.known: dict[tuple, int] = {}

    def style(
        self,
        value: Value,
        *,
        bold: bool = False,
        overdue: bool = False,
        wrap: bool = False,
        top: bool = False,
        link: bool = False,
    ) -> int:
        """Return the style of a cell holding value (the same for every value of its kind);
        a `link` is blue and underlined, as spreadsheets show a hyperlink."""
        key = (self.kind(value), bold, overdue, wrap, top, link)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._style(value, bold, overdue, wrap, top, link)
        return found

    def kind(self, value: Value) -> object:
        """Return what of a value decides its style: plain text, formula-like text, a number,
        a date or date-time Excel can show (or the value's type otherwise)."""
        if value is None:
            return None
        if isinstance(value, str):
            return "formula" if value.startswith(FORMULA_START) else None
        if isinstance(value, date):
            shown = date_serial(value, self.date1904) is not None
            return (datetime if isinstance(value, datetime) else date) if shown else "unshown"
        return "number"

    def _style(
        self, value: Value, bold: bool, overdue: bool, wrap: bool, top: bool, link: bool
    ) -> int:
        color = LINK_FONT if link else OVERDUE_FONT if overdue else None
        if value is None or (isinstance(value, str) and not value.startswith(FORMULA_START)):
            return self.styles.xf(
                bold=bold,
                font_color=color,
                fill=OVERDUE_FILL if overdue else (HEADER_FILL if bold else None),
                wrap=wrap,
                top=top,
                underline=link,
            )
        is_date = isinstance(value, date) and date_serial(value, self.date1904) is not None
        return self.styles.xf(
            bold=bold,
            font_color=color,
            fill=OVERDUE_FILL if overdue else (HEADER_FILL if bold else None),
            num_fmt=(22 if isinstance(value, datetime) else 14) if is_date else 0,
            quote_prefix=isinstance(value, str) and value.startswith(FORMULA_START),
            wrap=wrap,
            top=top,
            underline=link,
        )

    def xml(self, ref: str, value: Value, style: int) -> str | None:
        """Return the <c> markup of a value, or None for an empty cell."""
        body = self.body(value)
        if body is None:
            return None
        return f'<c r="{ref}" s="{style}"{body}' if style else f'<c r="{ref}"{body}'

    def body(self, value: Value) -> str | None:
        """Return a value's cell markup after its reference and style (its type, the value
        and the end tag), or None for an empty cell: the same for every cell of that value."""
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return f' t="b"><v>{int(value)}</v></c>'
        if isinstance(value, date):
            serial = date_serial(value, self.date1904)
            if serial is not None:
                return f"><v>{num_text(serial)}</v></c>"
            value = value.isoformat()
        if isinstance(value, (int, float)):
            return f"><v>{num_text(value)}</v></c>"
        text = ooxml_text(str(value))
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return f' t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
