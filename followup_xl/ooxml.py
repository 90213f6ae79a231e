"""Facts of the .xlsx and .docx formats that the reader, the writers and the letters share.

One definition each: the signature of an old or encrypted Office file, the 1904 date flag,
the characters XML cannot carry, Excel's _xHHHH_ escape, line breaks, and the height of a
row of wrapped text.
"""

from __future__ import annotations

import re

#: The first bytes of an OLE compound file: an old .xls, or an encrypted .xlsx.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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


#: SHA-256 digests of the parts this process found well-formed: a run checks a big sheet
#: when it reads it, splices it and verifies it, and hashing is ten times faster than parsing.
_WELL_FORMED: set[tuple[bytes, bool]] = set()


def check_well_formed(data: bytes, *, huge_tree: bool = False) -> None:
    """Raise lxml's XMLSyntaxError unless data is well-formed XML; no tree is built.

    No entity is resolved and nothing fetched; `huge_tree` lifts libxml2's size limits.
    """
    import hashlib

    key = (hashlib.sha256(data).digest(), huge_tree)
    if key in _WELL_FORMED:
        return
    _parse_nothing(data, huge_tree)
    if len(_WELL_FORMED) >= 64:
        _WELL_FORMED.clear()
    _WELL_FORMED.add(key)


def _parse_nothing(data: bytes, huge_tree: bool) -> None:
    from lxml import etree

    parser = etree.XMLParser(
        target=_Nothing(),  # type: ignore[arg-type]
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=huge_tree,
    )
    etree.fromstring(data, parser)
