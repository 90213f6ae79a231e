"""Plain-text views of the action list: the run summary table and the Due sheet rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from .model import Action, Status

_HEADER = ("Status", "Due", "Rule", "Action", "Who", "Company", "Channel")
_WIDTHS = (8, 10, 4, 20, 30, 22, 16)


def _clip(text: str, width: int) -> str:
    """Cut text to a column width, marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def due_sheet_rows(
    actions: Sequence[Action], letters: Mapping[tuple, Path] | None = None
) -> list[tuple[str, date, str, str, str, str, str, str, str, str]]:
    """Return the Due sheet's rows, one per action, in contract.DUE_COLUMNS order."""
    letters = letters or {}
    rows = []
    for a in actions:
        letter = letters.get(a.key)
        rows.append(
            (
                a.status.value,
                a.due,
                a.kind.value,
                a.rule,
                a.who,
                a.company,
                a.position,
                a.channel,
                letter.name if letter else "",
                a.why,
            )
        )
    return rows


def summary_table(actions: Sequence[Action]) -> str:
    """Return the run's summary: overdue first, then due, then upcoming; counts at the end."""
    if not actions:
        return "Nothing is due: every follow-up is done or not yet in reach.\n"
    lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADER, _WIDTHS, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in _WIDTHS))
    for a in actions:
        cells = (
            a.status.value,
            a.due.isoformat(),
            a.rule,
            a.kind.value,
            a.who,
            a.company,
            a.channel,
        )
        lines.append(
            "  ".join(_clip(c, w).ljust(w) for c, w in zip(cells, _WIDTHS, strict=True)).rstrip()
        )
        lines.append(f"{'':>{_WIDTHS[0]}}  why: {a.why}")
    counts = Counter(a.status for a in actions)
    lines.append("")
    lines.append(
        f"{counts[Status.OVERDUE]} overdue, {counts[Status.DUE]} due, "
        f"{counts[Status.UPCOMING]} upcoming ({len(actions)} in all)"
    )
    return "\n".join(lines) + "\n"
