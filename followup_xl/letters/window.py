"""Every address line in the envelope's window: the blocks of a rendered letter set to fit.

The inside address must show in the window of the envelope the folded sheet goes into, the
printed recipient block must stay in the post's reading zone of the envelope, and the sender
block must stay out of the window (paper.py has the geometry). A block that fits as the
template sets it is left alone, byte for byte. One that does not is set tighter, step by step,
until it fits: first a smaller leading (1.05 em instead of the font's 1.15), then a smaller
size, half a point at a time down to LEGIBLE_MIN, then, for the addresses, the job title and
the organisation on one line ("Head of People, Northwind") at the largest size that fits. Long
lines of the inside address wrap at the window's right edge (a right indent), and are counted
as the lines they wrap into. A block that fits no way is reported, for an R9 finding.

Widths are measured with pagefit's character widths of the metric-compatible fonts, 3% wider
than they are (as pagefit measures), so the estimate errs towards setting a block tighter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .pagefit import WIDTH_MARGIN, Fonts
from .paper import (
    DATE_STYLE,
    ENVELOPE_ADDRESS_STYLE,
    INSIDE_ADDRESS_STYLE,
    SENDER_STYLE,
    Stationery,
    stationery,
    window_on_sheet,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: The smallest size an address is set in (points): the size below which the post's readers
#: and the addressee's eyes should not be asked to go.
LEGIBLE_MIN = 8.0
#: The leading a block is set with once the font's own (1.15 em) is too loose.
TIGHT = 1.05
#: Points kept free between a block and the window's edge (paper play in the envelope).
_CLEAR = 1.0
#: The sizes the shipped templates give each block when its runs name none (points).
_BASE = {INSIDE_ADDRESS_STYLE: 11.0, ENVELOPE_ADDRESS_STYLE: 12.0, SENDER_STYLE: 12.0,
         DATE_STYLE: 12.0}  # fmt: skip
_FONT = "Times New Roman"
#: What each block is called in a finding.
NAMES = {INSIDE_ADDRESS_STYLE: "inside address", ENVELOPE_ADDRESS_STYLE: "envelope address",
         SENDER_STYLE: "sender block"}  # fmt: skip


@dataclass(frozen=True)
class Setting:
    """How a block is set: its size and leading in points (leading 0: the font's own)."""

    size: float
    leading: float = 0.0
    joined: bool = False


@dataclass(frozen=True)
class Room:
    """Where a block must fit: its width, and the height from its top down to the limit."""

    width: float
    height: float


def fit_blocks(body: Any, country: str, fonts: Fonts, joinable: Sequence[str] = ()) -> list[str]:
    """Set the address and sender blocks of a rendered body (lxml) so each fits its place on
    the sender's country's paper and envelope; return the names of those that cannot.

    `joinable` is the (job title, organisation) pair that may share a line, if any.
    """
    layout = stationery(country)
    unfit = []
    styled = ((_style(p), p) for p in body.iter(f"{_W}p"))
    paragraphs = {style: p for style, p in styled if style in _BASE}
    for style, room in ((INSIDE_ADDRESS_STYLE, _inside_room(layout)),
                        (ENVELOPE_ADDRESS_STYLE, _envelope_room(layout))):  # fmt: skip
        p = paragraphs.get(style)
        if p is None:
            continue
        if style == INSIDE_ADDRESS_STYLE and _widest(p, fonts) > room.width:
            _set_right_indent(p, layout, room.width)  # long lines wrap inside the window
        if not _fit(p, style, room, fonts, joinable):
            unfit.append(NAMES[style])
    sender = paragraphs.get(SENDER_STYLE)
    if sender is not None and not _fit_sender(sender, paragraphs.get(DATE_STYLE), layout, fonts):
        unfit.append(NAMES[SENDER_STYLE])
    return unfit


def _style(p: Any) -> str | None:
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return None if style is None else style.get(f"{_W}val")


def _inside_room(layout: Stationery) -> Room:
    """Return the room of the inside address: from its top to the window's bottom edge."""
    _top, bottom, right = window_on_sheet(layout)
    return Room((right - layout.left_margin) / 20, (bottom - layout.address_top) / 20 - _CLEAR)


def _envelope_room(layout: Stationery) -> Room:
    """Return the room of the printed recipient block: its frame's width, down to the zone's
    bottom edge."""
    env = layout.envelope
    _x, y, width = env.address
    return Room(width / 20, (env.height - env.clear_bottom - y) / 20)


def _lines(p: Any) -> list[str]:
    """Return the paragraph's lines (its text split at line breaks)."""
    out = [""]
    for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
        if el.tag == f"{_W}br":
            out.append("")
        elif el.tag == f"{_W}tab":
            out[-1] += "\t"
        else:
            out[-1] += el.text or ""
    return out


def _size(p: Any, style: str) -> float:
    """Return the size the paragraph's first run is set in (the style's when it names none)."""
    sz = p.find(f"{_W}r/{_W}rPr/{_W}sz")
    return int(sz.get(f"{_W}val")) / 2 if sz is not None else _BASE[style]


def _width(text: str, size: float, fonts: Fonts) -> float:
    return fonts.width(text, _FONT, size) * WIDTH_MARGIN


def _widest(p: Any, fonts: Fonts) -> float:
    size = _size(p, INSIDE_ADDRESS_STYLE)
    return max(_width(line, size, fonts) for line in _lines(p))


def _wrapped(line: str, width: float, size: float, fonts: Fonts) -> int:
    """Return how many lines a line of text takes, wrapped at spaces within `width`."""
    count, x = 1, 0.0
    space = _width(" ", size, fonts)
    for word in line.split():
        w = _width(word, size, fonts)
        if x and x + space + w > width:
            count, x = count + 1, 0.0
        if not x and w > width:  # a word wider than the line breaks where it must
            count += math.ceil(w / width) - 1
            x = w % width
        else:
            x += (space if x else 0.0) + w
    return count


def _height(lines: Sequence[str], room: Room, setting: Setting, fonts: Fonts) -> float:
    leading = setting.leading or setting.size * fonts.height(_FONT)
    return sum(_wrapped(ln, room.width, setting.size, fonts) for ln in lines) * leading


def _settings(base: float, joins: bool) -> list[Setting]:
    """Return the settings to try, loosest first."""
    out = [Setting(base)]
    for joined in (False, True) if joins else (False,):
        size = base
        while size >= LEGIBLE_MIN:
            out.append(Setting(size, round(size * TIGHT, 2), joined))
            size -= 0.5
    return out


def _join(lines: list[str], joinable: Sequence[str]) -> list[str] | None:
    """Return the lines with the job title and organisation on one line, or None."""
    if len(joinable) != 2 or not all(joinable):
        return None
    title, org = joinable
    for i in range(len(lines) - 1):
        if lines[i] == title and lines[i + 1] == org:
            return [*lines[:i], f"{title}, {org}", *lines[i + 2 :]]
    return None


def _fit(p: Any, style: str, room: Room, fonts: Fonts, joinable: Sequence[str]) -> bool:
    """Set the paragraph in the loosest setting that fits the room; False when none does."""
    lines = _lines(p)
    joined = _join(lines, joinable)
    for setting in _settings(_size(p, style), joined is not None):
        text = joined if setting.joined and joined is not None else lines
        if _height(text, room, setting, fonts) <= room.height:
            if setting != Setting(_size(p, style)):
                _apply(p, setting, text if setting.joined else None)
            return True
    return False


def _fit_sender(sender: Any, date: Any, layout: Stationery, fonts: Fonts) -> bool:
    """Set the sender block so it stays out of the window and within its frame (the inside
    address starts below the frame); False when it cannot."""
    top, bottom, _right = window_on_sheet(layout)
    # the sheet slid to the envelope's left edge: the farthest right the window reaches
    window_left, _, window_width, _ = layout.envelope.window
    reach = window_left + window_width
    start = layout.letterhead_top / 20
    if date is not None:
        after = date.find(f"{_W}pPr/{_W}spacing")
        gap = int(after.get(f"{_W}after", "0")) / 20 if after is not None else 0.0
        size = _size(date, DATE_STYLE)
        start += (
            sum(_wrapped(ln, 1e9, size, fonts) for ln in _lines(date)) * size * fonts.height(_FONT)
            + gap
        )
    frame_end = layout.address_top / 20 - _CLEAR
    right_aligned = layout.letterhead_align == "right"
    # a right-aligned line beside the window keeps out of it when it ends short of its edge
    beside = (layout.width - layout.right_margin - reach) / 20 - 3 * _CLEAR
    width = (layout.width - layout.left_margin - layout.right_margin) / 20
    lines = _lines(sender)
    room = Room(width, frame_end - start)
    for setting in _settings(_size(sender, SENDER_STYLE), False):
        leading = setting.leading or setting.size * fonts.height(_FONT)
        y, clear = start, True
        for line in lines:
            n = _wrapped(line, width, setting.size, fonts)
            y += n * leading
            in_band = y > top / 20 - _CLEAR and y - n * leading < bottom / 20
            too_wide = not right_aligned or _width(line, setting.size, fonts) > beside
            clear = clear and not (in_band and too_wide)
        if clear and _height(lines, room, setting, fonts) <= room.height:
            if setting != Setting(_size(sender, SENDER_STYLE)):
                _apply(sender, setting, None)
            return True
    return False


def _ppr(p: Any) -> Any:
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = p.makeelement(f"{_W}pPr", {})
        p.insert(0, ppr)
    return ppr


#: The w:pPr children that come after w:spacing and w:ind (ECMA-376 CT_PPrBase order).
_AFTER_SPACING = ("ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
                  "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
                  "cnfStyle", "rPr", "sectPr", "pPrChange")  # fmt: skip


def _child(ppr: Any, name: str, after: Sequence[str]) -> Any:
    """Return the pPr's child of that name, added in its schema place when missing."""
    el = ppr.find(f"{_W}{name}")
    if el is not None:
        return el
    el = ppr.makeelement(f"{_W}{name}", {})
    for child in ppr:
        if child.tag.removeprefix(_W) in after:
            child.addprevious(el)
            return el
    ppr.append(el)
    return el


def _set_right_indent(p: Any, layout: Stationery, width: float) -> None:
    """Indent the paragraph from the right so its lines end at the window's right edge."""
    text_width = (layout.width - layout.left_margin - layout.right_margin) / 20
    ind = _child(_ppr(p), "ind", _AFTER_SPACING[1:])
    ind.set(f"{_W}right", str(round((text_width - width) * 20)))


def _apply(p: Any, setting: Setting, lines: list[str] | None) -> None:
    """Give the paragraph the setting's leading and size, and the joined lines if any."""
    spacing = _child(_ppr(p), "spacing", _AFTER_SPACING)
    spacing.set(f"{_W}line", str(round(setting.leading * 20)))
    spacing.set(f"{_W}lineRule", "exact")
    runs = p.findall(f"{_W}r")
    if lines is not None and runs:
        first = runs[0]
        for run in runs[1:]:
            p.remove(run)
        for child in [c for c in first if c.tag != f"{_W}rPr"]:
            first.remove(child)
        for i, line in enumerate(lines):
            if i:
                first.append(first.makeelement(f"{_W}br", {}))
            t = first.makeelement(f"{_W}t", {"{http://www.w3.org/XML/1998/namespace}space":
                                             "preserve"})  # fmt: skip
            t.text = line
            first.append(t)
    for run in p.findall(f"{_W}r"):
        rpr = run.find(f"{_W}rPr")
        if rpr is None:
            rpr = run.makeelement(f"{_W}rPr", {})
            run.insert(0, rpr)
        for name in ("sz", "szCs"):
            el = rpr.find(f"{_W}{name}")
            if el is None:
                el = rpr.makeelement(f"{_W}{name}", {})
                _place_size(rpr, el)
            el.set(f"{_W}val", str(round(setting.size * 2)))


#: The w:rPr children that come after w:sz (ECMA-376 CT_RPr order).
_AFTER_SZ = ("szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
             "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")  # fmt: skip


def _place_size(rpr: Any, el: Any) -> None:
    """Insert w:sz or w:szCs in its schema place in the run properties."""
    name = el.tag.removeprefix(_W)
    after = _AFTER_SZ[1:] if name == "szCs" else _AFTER_SZ
    for child in rpr:
        if child.tag.removeprefix(_W) in after:
            child.addprevious(el)
            return
    rpr.append(el)
