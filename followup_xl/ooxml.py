"""Facts of the .xlsx and .docx formats that the reader, the writers and the letters share.

One definition each: the signature of an old or encrypted Office file, the 1904 date flag,
the characters XML cannot carry, Excel's _xHHHH_ escape, line breaks, and the height of a
row of wrapped text.
"""

from __future__ import annotations

import re

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
#: Excel's escape of a character in cell text: _x000D_ is a carriage return.
ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")

#: Points per line of text in a row (Excel's default row height for Calibri 11).
ROW_HEIGHT = 15


def is_date1904(value: str | None) -> bool:
    """Return True for a workbookPr date1904 attribute that turns the 1904 date system on."""
    return (value or "").lower() in ("1", "true")


def unify_line_breaks(text: str) -> str:
    """Return text with CR LF and lone CR turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def wrapped_lines(text: str, chars_per_line: int) -> int:
    """Return how many lines text takes when wrapped at chars_per_line (at least 1).

    Spreadsheets do not grow a row for wrapped text on opening, so the writer sizes it.
    """
    return max(1, -(-len(text) // chars_per_line))


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
_ATTRS = r"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
#: A worksheet's root start tag; group 1 is its attributes.
WORKSHEET_ROOT = re.compile(rf"<worksheet({_ATTRS})>")
#: Where a cell starts (any such string is one: XML text and attributes hold no "<").
ANY_CELL = re.compile(r"<c[\s/>]")
_DEFAULT_NS = re.compile(r"""xmlns\s*=\s*["']([^"']*)["']""")
#: A row or cell with a prefix: lxml reads it as one, a pattern for plain XML would not.
_PREFIXED = re.compile(r"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_DECLARED_ENCODING = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def plain_worksheet(text: str, namespaces: tuple[str, ...]) -> re.Match[str] | None:
    """Return the root tag of a worksheet's XML text when patterns can read it, else None.

    Plain means: UTF-8 as declared; no DTD, comment, CDATA section or processing
    instruction; one of `namespaces` declared once, as the default namespace of the root,
    and the main namespace named nowhere else; no row or cell with a prefix. The text must
    still be checked to be well-formed.
    """
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared[1].lower().replace("-", "").replace("_", "") != "utf8":
        return None
    if "<!" in text or text.find("<?", 1) != -1:
        return None
    root = WORKSHEET_ROOT.search(text)
    defaults = _DEFAULT_NS.findall(text)
    if root is None or len(defaults) != 1 or defaults[0] not in namespaces:
        return None
    if _DEFAULT_NS.search(root[1]) is None:
        return None
    if sum(text.count(n) for n in MAIN_NAMESPACES) != 1 or _PREFIXED.search(text):
        return None  # a prefix for the main namespace, or a row or cell in another one
    return root
