"""Read the text of a .docx's paragraphs in reading order (tables cell by cell), as
python-docx reads it: what proofreading checks and what an email draft says.

A rendered letter's body is read from the XML compiled.py has in hand when it has no table;
a body with tables goes through python-docx's own walk, whose merged cells decide which text
is read once.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: python-docx's text of a run's children (CT_R.text), apart from w:t and w:br
_RUN_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def docx_paragraphs(data: bytes) -> list[str]:
    """Return the text of a .docx's paragraphs in reading order (tables cell by cell)."""
    from docx import Document

    return walk_paragraphs(Document(BytesIO(data)))


def document_paragraphs(document: bytes) -> list[str]:
    """Return the text of a document part's paragraphs as docx_paragraphs reads them."""
    from docx.document import _Body
    from docx.oxml.parser import parse_xml

    root: Any = parse_xml(document)
    no_part: Any = None  # the text needs no part (styles, images)
    return walk_paragraphs(_Body(root.body, no_part))


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


def _run_text(run: Any) -> str:
    out = []
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}br":  # a line break; page and column breaks have no text
            out.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_CHARS:
            out.append(_RUN_CHARS[tag])
    return "".join(out)


def body_paragraphs(body: Any) -> list[str] | None:
    """Return the text of a w:body's paragraphs as python-docx reads them (CT_P.text: runs
    and hyperlinks' runs), or None for a body with tables (their merged cells need
    python-docx's own walk: document_paragraphs)."""
    out = []
    for child in body:
        if child.tag == f"{_W}p":
            text = []
            for item in child:
                if item.tag == f"{_W}r":
                    text.append(_run_text(item))
                elif item.tag == f"{_W}hyperlink":
                    text += [_run_text(r) for r in item if r.tag == f"{_W}r"]
            out.append("".join(text))
        elif child.tag == f"{_W}tbl":
            return None
    return out
