"""A workbook's styles: which number formats are dates, times or durations."""

from __future__ import annotations

import re
from typing import Any

from ..opc import Package, Rel, local_name, parse

#: Excel's built-in number formats: dates and times (14-22, 45, 47) and durations (46).
DATE, TIME, DURATION = "date", "time", "duration"
_BUILTIN = {
    **dict.fromkeys((14, 15, 16, 17, 22), DATE),
    **dict.fromkeys((18, 19, 20, 21, 45, 47), TIME),
    46: DURATION,
}


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


def xf_kinds(root: Any) -> list[str | None]:
    """Return DATE, TIME, DURATION or None for each cell format (cellXfs) of a styles root."""
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
                else:
                    kinds.append(_BUILTIN.get(fid))
    return kinds


def load_kinds(pkg: Package, rels: dict[str, Rel]) -> list[str | None]:
    """Return the kind of each cell format of the workbook's styles part (none: empty)."""
    part = next((r.target for r in rels.values() if r.type.endswith("/styles")), None)
    data = None if part is None else pkg.read(part)
    return [] if data is None else xf_kinds(parse(data))


def style_kind(kinds: list[str | None], s: str | None) -> str | None:
    """Return the kind of a cell's style index attribute `s` (absent or unknown: None)."""
    if not s or not s.isdigit():
        return None
    i = int(s)
    return kinds[i] if i < len(kinds) else None
