"""Facts of the .xlsx and .docx formats that the reader, the writers and the letters share.

One definition each: the signature of an old or encrypted Office file, the 1904 date flag,
the characters XML cannot carry, Excel's _xHHHH_ escape, line breaks, the width of text in
character columns and the height of a row of wrapped text.
"""

from __future__ import annotations

import re
import unicodedata

#: The first bytes of an OLE compound file: an old .xls, or an encrypted .xlsx.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: What to do with a workbook the tool cannot read or write as it is: save it again as .xlsx.
RESAVE = "open it in Excel or LibreOffice Calc and use File > Save As > Excel Workbook (.xlsx)"

#: The XML declaration of a part written in UTF-16 (with or without its byte-order mark).
_UTF16 = re.compile(rb"^(\xff\xfe|\xfe\xff|<\?xml[^>]*encoding=[\"']utf-16)", re.IGNORECASE)


def is_utf16(head: bytes) -> bool:
    """Return True when an XML part's first bytes say it is UTF-16 (Excel Mobile writes every
    part so; calamine, which reads the workbook, reads UTF-8 only)."""
    return _UTF16.match(head) is not None


#: Characters XML 1.0 cannot carry (tab, newline and carriage return it can).
XML_ILLEGAL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
XML_ILLEGAL = re.compile(f"[{XML_ILLEGAL_CHARS}]")

#: Points per line of text in a row (Excel's default row height for Calibri 11).
ROW_HEIGHT = 15


def is_date1904(value: str | None) -> bool:
    """Return True for a workbookPr date1904 attribute that turns the 1904 date system on."""
    return (value or "").lower() in ("1", "true")


def unify_line_breaks(text: str) -> str:
    """Return text with CR LF and lone CR turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def text_width(text: str) -> int:
    """Return how many character columns text takes: a wide (CJK) character counts two, a
    combining mark none."""
    width = len(text)
    if text.isascii():
        return width
    for ch in _NON_ASCII.findall(text):  # ASCII is one column each: look at the rest only
        if unicodedata.combining(ch):
            width -= 1
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1
    return width


def wrapped_lines(text: str, chars_per_line: int) -> int:
    """Return how many lines text takes when wrapped at chars_per_line (at least 1).

    Spreadsheets do not grow a row for wrapped text on opening, so the writer sizes it.
    """
    return max(1, -(-text_width(text) // chars_per_line))


class _Nothing:
    """A parser target that keeps nothing, so that a check builds no tree."""

    def close(self) -> None:
        return None


def check_well_formed(data: bytes, *, huge_tree: bool = False) -> None:
    """Raise lxml's XMLSyntaxError unless data is well-formed XML; no tree is built.

    No entity is resolved and nothing fetched; `huge_tree` lifts libxml2's size limits.
    """
    from lxml import etree

    parser = etree.XMLParser(
        target=_Nothing(),  # type: ignore[arg-type]
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=huge_tree,
    )
    etree.fromstring(data, parser)


#: SpreadsheetML's main namespace, Transitional and Strict.
MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
