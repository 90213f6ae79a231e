"""Paper, envelope and card by the sender's country, and where the addresses sit on them.

Countries that print on US Letter (localize.LETTER_PAPER: the US, Canada, …) fold a letter in
three for a #10 window envelope and write note cards on 5.5 × 4.25 in; everyone else folds A4
as DIN 5008 form B (folds at 105 and 210 mm) for a DL window envelope and writes on A6 cards.
The inside address of a letter starts where the window shows it once the sheet is folded and
rests on the envelope's bottom edge, whatever the length of the sender block: the date and
sender block sit in a frame of fixed minimum height at the top of the page (w:framePr, which
Word and LibreOffice both lay out), and the inside address follows that frame. Only a layout
this module made is moved (recognised by its paragraph style and its frame's exact geometry);
a user's own layout keeps its place and only changes paper size.

All lengths are in twips (1/1440 in), the unit of the document XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import localize

INCH = 1440
MM = 1440 / 25.4


def _mm(value: float) -> int:
    return round(value * MM)


def _in(value: float) -> int:
    return round(value * INCH)


@dataclass(frozen=True)
class Envelope:
    """An envelope, its address window and where a printed recipient block goes on it."""

    name: str
    width: int
    height: int
    #: the window: distance from the left edge, from the bottom edge, width, height
    window: tuple[int, int, int, int]
    #: a printed recipient block: left edge, top edge, width (inside the post's reading zone)
    address: tuple[int, int, int]
    #: how far above the bottom edge the printed recipient block ends at the lowest
    clear_bottom: int


@dataclass(frozen=True)
class Stationery:
    """The paper, envelope and card a sender's country uses, and the letter's layout on it."""

    paper: str  # "letter" or "a4"
    width: int
    height: int
    left_margin: int
    right_margin: int
    #: where the sheet is folded to fit the envelope, from the top edge
    folds: tuple[int, int]
    envelope: Envelope
    card: tuple[int, int]  # width, height (landscape)
    #: top edge of the frame holding the date and the sender block
    letterhead_top: int
    #: top edge of the inside address (the frame's minimum height ends here)
    address_top: int
    letterhead_align: str  # "left" (US block style) or "right" (sender top right)


#: A #10 envelope (4 1/8 × 9 1/2 in) with the usual window: 4 1/2 × 1 1/8 in, 7/8 in from the
#: left and 1/2 in from the bottom. Printed, the address goes in the USPS OCR read area (at least
#: 1 in from the sides and 5/8 in from the bottom, its top at most 2 3/4 in above the bottom).
NUMBER_10 = Envelope("#10", _in(9.5), _in(4.125), (_in(0.875), _in(0.5), _in(4.5), _in(1.125)),
                     (_in(4), _in(1.75), _in(4.5)), _in(0.625))  # fmt: skip
#: A DL envelope (220 × 110 mm) with the DIN 680 window: 90 × 45 mm, 20 mm from the left and
#: 15 mm from the bottom. Printed, the address goes bottom right, at least 15 mm from the left,
#: right and bottom edges and 40 mm from the top (Deutsche Post's reading zone; the stamp takes
#: 74 × 40 mm top right).
DL = Envelope("DL", _mm(220), _mm(110), (_mm(20), _mm(15), _mm(90), _mm(45)),
              (_mm(100), _mm(50), _mm(105)), _mm(15))  # fmt: skip

#: Lines of the inside address the window must hold: name, job title, organization, street,
#: city line and a country line.
ADDRESS_LINES = 6
#: Height of one inside-address line: 11 pt Times New Roman (Liberation Serif) at single
#: spacing is 1.15 em.
ADDRESS_LINE = round(11 * 1.15 * 20)

LETTER = Stationery(
    paper="letter",
    width=_in(8.5),
    height=_in(11),
    left_margin=_in(1),
    right_margin=_in(1),
    folds=(_in(11 / 3), _in(22 / 3)),
    envelope=NUMBER_10,
    card=(_in(5.5), _in(4.25)),
    letterhead_top=_in(0.45),
    # the window on the folded sheet runs from 2.042 to 3.167 in: six lines centred in it
    address_top=_in(11 / 3 - 0.5 - 1.125) + (_in(1.125) - ADDRESS_LINES * ADDRESS_LINE) // 2,
    letterhead_align="left",
)
A4 = Stationery(
    paper="a4",
    width=_mm(210),
    height=_mm(297),
    left_margin=_mm(25),  # DIN 5008: 25 mm left, at least 20 mm right
    right_margin=_mm(20),
    folds=(_mm(105), _mm(210)),  # DIN 5008 form B
    envelope=DL,
    card=(_mm(148), _mm(105)),  # A6
    letterhead_top=_mm(12),
    # DIN 5008 form B: the address field starts 45 mm from the top; its first 17.7 mm are
    # for endorsements, the address zone (six lines) starts at 62.7 mm
    address_top=_mm(62.7),
    letterhead_align="right",  # keeps the sender block out of the window's left part
)
LAYOUTS = (LETTER, A4)

#: Paragraph styles of the shipped templates that this module lays out.
DATE_STYLE = "Date"
SENDER_STYLE = "SenderAddress"
INSIDE_ADDRESS_STYLE = "InsideAddress"
ENVELOPE_ADDRESS_STYLE = "EnvelopeAddress"
LETTERHEAD_STYLES = frozenset({DATE_STYLE, SENDER_STYLE})


def window_on_sheet(layout: Stationery) -> tuple[int, int, int]:
    """Return where the envelope's window lies on the folded sheet: its top and bottom (from
    the sheet's top edge, the fold resting on the envelope's bottom) and its right edge (from
    the sheet's left edge, wherever the sheet slides sideways in the envelope)."""
    env = layout.envelope
    left, bottom, width, height = env.window
    window_bottom = layout.folds[0] - bottom
    right = left + width - (env.width - layout.width)
    return window_bottom - height, window_bottom, right


def stationery(country: str) -> Stationery:
    """Return the paper, envelope, card and letter layout of the sender's country."""
    return LETTER if localize.paper_size(country) == "letter" else A4


def letterhead_frame(layout: Stationery) -> dict[str, str]:
    """Return the w:framePr attributes of the date-and-sender frame on this paper."""
    width = layout.width - layout.left_margin - layout.right_margin
    return {"w": str(width), "h": str(layout.address_top - layout.letterhead_top),
            "hRule": "atLeast", "wrap": "notBeside", "vAnchor": "page", "hAnchor": "margin",
            "x": "0", "y": str(layout.letterhead_top)}  # fmt: skip


def envelope_frame(envelope: Envelope) -> dict[str, str]:
    """Return the w:framePr attributes of the recipient block printed on this envelope."""
    x, y, width = envelope.address
    return {"w": str(width), "wrap": "around", "vAnchor": "page", "hAnchor": "page",
            "x": str(x), "y": str(y)}  # fmt: skip


def fit_document(document: Any, country: str) -> None:
    """Give a rendered or template document the paper, envelope or card of the country.

    Pages of a known size (Letter or A4, #10 or DL, the US card or A6) take the country's
    size of that kind; the shipped layout's frames move to that paper's positions. Depends
    only on the document's template and the country, never on one letter's data.
    """
    layout = stationery(country)
    _fit_sections(document, layout)
    _place_frames(document, layout, force=False)


def lay_out(document: Any, country: str) -> None:
    """Put the shipped layout's frames in place (used by tools/make_letter_templates.py)."""
    _place_frames(document, stationery(country), force=True)


def _size_pairs(layout: Stationery) -> list[tuple[int, int]]:
    """Return the (width, height) of the sheet, envelope and card of a layout, in order."""
    env = layout.envelope
    return [(layout.width, layout.height), (env.width, env.height), layout.card]


def _fit_sections(document: Any, target: Stationery) -> None:
    """Set each section of a known page size to the target's size of that kind."""
    from docx.shared import Twips

    wanted = _size_pairs(target)
    for section in document.sections:
        w, h = section.page_width, section.page_height
        if w is None or h is None:
            continue
        size = (round(w / 635), round(h / 635))  # EMU -> twips
        for source in LAYOUTS:
            kind = _matching_kind(size, _size_pairs(source))
            if kind is None:
                continue
            new_w, new_h = wanted[kind]
            if (size[0] > size[1]) != (new_w > new_h):
                new_w, new_h = new_h, new_w
            section.page_width, section.page_height = Twips(new_w), Twips(new_h)
            if (
                kind == 0
                and _near(section.left_margin, source.left_margin)
                and _near(section.right_margin, source.right_margin)
            ):
                section.left_margin = Twips(target.left_margin)
                section.right_margin = Twips(target.right_margin)
            break


def _matching_kind(size: tuple[int, int], sizes: list[tuple[int, int]]) -> int | None:
    """Return the index of the size (either orientation) within 20 twips, or None."""
    for kind, (w, h) in enumerate(sizes):
        for a, b in ((w, h), (h, w)):
            if abs(size[0] - a) <= 20 and abs(size[1] - b) <= 20:
                return kind
    return None


def _near(length: Any, twips: int) -> bool:
    return length is not None and abs(round(length / 635) - twips) <= 20


def _place_frames(document: Any, layout: Stationery, *, force: bool) -> None:
    """Move the shipped layout's frames (recognised by style and geometry) to the layout."""
    from docx.oxml.ns import qn

    known_head = [letterhead_frame(x) for x in LAYOUTS]
    known_env = [envelope_frame(x.envelope) for x in LAYOUTS]
    for p in document.element.body.iterchildren(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        name = style.get(qn("w:val")) if style is not None else None
        if name in LETTERHEAD_STYLES:
            want, known, align = letterhead_frame(layout), known_head, layout.letterhead_align
        elif name == ENVELOPE_ADDRESS_STYLE:
            want, known, align = envelope_frame(layout.envelope), known_env, None
        else:
            continue
        frame = ppr.find(qn("w:framePr"))
        current = None if frame is None else {k.split("}")[-1]: v for k, v in frame.items()}
        if force or current in known:
            _set_frame(ppr, want, align)


#: Where w:framePr and w:jc go among a w:pPr's children (ECMA-376 CT_PPrBase order).
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr")


def _set_frame(ppr: Any, attrs: dict[str, str], align: str | None) -> None:
    """Replace the paragraph's w:framePr with attrs and set its alignment."""
    from docx.oxml.ns import qn

    old = ppr.find(qn("w:framePr"))
    if old is not None:
        ppr.remove(old)
    frame = ppr.makeelement(qn("w:framePr"), {qn(f"w:{k}"): v for k, v in attrs.items()})
    index = 0
    for index, child in enumerate(ppr):  # noqa: B007 - the index after the loop is used
        if child.tag.split("}")[-1] not in _PPR_ORDER:
            break
    else:
        index = len(ppr)
    ppr.insert(index, frame)
    if align is not None:
        jc = ppr.find(qn("w:jc"))
        if jc is None:
            jc = ppr.makeelement(qn("w:jc"), {})
            _insert_jc(ppr, jc)
        jc.set(qn("w:val"), align)


def _insert_jc(ppr: Any, jc: Any) -> None:
    """Insert w:jc before the pPr children that come after it in the schema."""
    after = {"textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
             "cnfStyle", "rPr", "sectPr", "pPrChange"}  # fmt: skip
    for child in ppr:
        if child.tag.split("}")[-1] in after:
            child.addprevious(jc)
            return
    ppr.append(jc)
