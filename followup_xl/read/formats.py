"""A worksheet's styles and strings: which number formats are dates, shared and rich text."""

from __future__ import annotations

import re
from typing import Any

from ..ooxml import ESCAPED_CHAR
from .parts import Package, local_name

#: Excel's built-in number formats: dates and times (14-22, 45, 47) and durations (46).
_BUILTIN_DATE = {14, 15, 16, 17, 22}
_BUILTIN_TIME = {18, 19, 20, 21, 45, 47}
_BUILTIN_DURATION = {46}


DATE, TIME, DURATION = "date", "time", "duration"


def format_kind(code: str) -> str | None:
    """Return DATE, TIME, DURATION or None for a number format code (its first section)."""
    first = []
    for m in re.finditer(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|;|.', code, re.DOTALL):
        if m.group(0) == ";":
            break
        first.append(m.group(0))
    section = "".join(first)
    if re.search(r"\[(h+|m+|s+)\]", section, re.IGNORECASE):
        return DURATION
    plain = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", section).lower()
    plain = re.sub(r"am/pm|a/p|general", "", plain)
    if re.search(r"[dy]", plain):
        return DATE
    if re.search(r"[hs]", plain):
        return TIME
    return DATE if "m" in plain else None


class Styles:
    """The date kind (or None) of each cell format index."""

    def __init__(self, kinds: list[str | None]) -> None:
        self.kinds = kinds

    @classmethod
    def load(cls, pkg: Package, rels: dict[str, tuple[str, str]]) -> Styles:
        part = next((t for typ, t in rels.values() if typ.endswith("/styles")), None)
        if part is None or pkg.member(part) is None:
            return cls([])
        root = pkg.xml(part)
        custom: dict[int, str] = {}
        kinds: list[str | None] = []
        for el in root:
            tag = local_name(el.tag)
            if tag == "numFmts":
                for f in el:
                    if local_name(f.tag) == "numFmt" and (f.get("numFmtId") or "").isdigit():
                        custom[int(f.get("numFmtId"))] = f.get("formatCode", "")
            elif tag == "cellXfs":
                for xf in el:
                    if local_name(xf.tag) != "xf":
                        continue
                    raw = xf.get("numFmtId") or "0"
                    fid = int(raw) if raw.isdigit() else 0
                    if fid in custom:
                        kinds.append(format_kind(custom[fid]))
                    elif fid in _BUILTIN_DATE:
                        kinds.append(DATE)
                    elif fid in _BUILTIN_TIME:
                        kinds.append(TIME)
                    elif fid in _BUILTIN_DURATION:
                        kinds.append(DURATION)
                    else:
                        kinds.append(None)
        return cls(kinds)

    def kind(self, s: str | None) -> str | None:
        if not s or not s.isdigit():
            return None
        i = int(s)
        return self.kinds[i] if i < len(self.kinds) else None


class SharedStrings:
    """The shared strings, parsed on first use."""

    def __init__(self, pkg: Package, rels: dict[str, tuple[str, str]]) -> None:
        self.pkg = pkg
        self.part = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None)
        self.items: list[str] | None = None

    def get(self, index: str) -> str:
        if self.items is None:
            self.items = self._load()
        try:
            return self.items[int(index)]
        except (ValueError, IndexError):
            return ""

    def _load(self) -> list[str]:
        from lxml import etree

        if self.part is None or self.pkg.member(self.part) is None:
            return []
        out: list[str] = []
        with self.pkg.open(self.part) as fh:
            for _, el in etree.iterparse(
                fh, events=("end",), tag="{*}si", resolve_entities=False, no_network=True,
                load_dtd=False,
            ):  # fmt: skip
                out.append(rich_text(el))
                el.clear(keep_tail=False)
        return out


_SPACE_ATTR = "{http://www.w3.org/XML/1998/namespace}space"


def _t(el: Any) -> str:
    text = el.text or ""
    return text if el.get(_SPACE_ATTR) == "preserve" else text.strip(" \t\r\n")


def unescape(text: str) -> str:
    """Undo Excel's _xHHHH_ escapes, joining the two halves of an escaped emoji."""
    if "_x" not in text:
        return text
    text = ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def rich_text(el: Any) -> str:
    """Return the text of an <si> or <is>: its <t>, or its runs' <t>, phonetic runs left out."""
    if len(el) == 1:  # the common case: one <t>
        tag = el[0].tag
        if type(tag) is str and (tag[-2:] == "}t" or tag == "t"):
            return unescape(_t(el[0]))
    parts = []
    for child in el:
        tag = local_name(child.tag)
        if tag == "t":
            parts.append(_t(child))
        elif tag == "r":
            parts.extend(_t(t) for t in child if local_name(t.tag) == "t")
    return unescape("".join(parts))
