"""Measure the print file: `python benchmarks/bench_print.py [N] [--old]` (default 1,000 letters).

Renders 40 different thank-you letters and note cards from the shipped templates, repeats
them to N, and times joining them into one print file (compose.join: one document built
directly). With --old it also times the docxcompose merge the tool used before (groups of
32 merged, then the groups merged: n log n merges). Prints seconds and letters per second;
the machine's load matters, so run it twice.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followup_xl.letters.compose import join  # noqa: E402
from followup_xl.letters.context import LetterData, letter_context  # noqa: E402
from followup_xl.letters.printing import PrintItem, build  # noqa: E402
from followup_xl.letters.render import Renderer, _combine_flat  # noqa: E402
from followup_xl.model import Action, Contact, Interview, Kind, Profile, Status  # noqa: E402

TODAY = date(2026, 11, 25)


def letters(n: int) -> list[bytes]:
    """Return n rendered letters: 40 different ones (every fifth a note card), repeated."""
    renderer = Renderer(None)
    profile = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield",
                      state="IL", zip="62704", email="jordan@example.com")  # fmt: skip
    made = []
    for i in range(40):
        kind = Kind.NOTE_CARD if i % 5 == 4 else Kind.THANK_YOU_LETTER
        iv = Interview(row=2, interview_id=f"IV-{i}", company=f"Company {i} & Sons",
                       position="Store Manager", interview_date=date(2026, 11, 24),
                       strengths="ten years of retail management")  # fmt: skip
        c = Contact(row=i + 2, contact_id=f"C-{i}", interview_id=f"IV-{i}", honorific="Ms.",
                    first_name=f"Ann{i}", last_name="Lee", organization=iv.company)  # fmt: skip
        act = Action(rule="R3", kind=kind, status=Status.DUE, due=TODAY, why="",
                     interview_id=iv.interview_id, contact_id=c.contact_id)  # fmt: skip
        ctx = letter_context(LetterData(act, profile, c, iv), TODAY)
        name = "note_card.docx" if kind is Kind.NOTE_CARD else "thank_you_letter.docx"
        made.append(renderer.render(name, ctx, TODAY, "US", "t"))
    return [made[i % 40] for i in range(n)]


def old_combine(parts: list[bytes]) -> bytes:
    """The tool's join before: docxcompose merges in groups of 32, then groups of groups."""
    while len(parts) > 32:
        parts = [_combine_flat(parts[i : i + 32], TODAY) for i in range(0, len(parts), 32)]
    return _combine_flat(parts, TODAY)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    parts = letters(n)
    start = time.perf_counter()
    data, merged = join(parts, TODAY)
    took = time.perf_counter() - start
    again, _ = join(parts, TODAY)
    print(f"letters: {n}")
    print(f"join (direct): {took:.2f} s, {n / took:,.0f} letters/s, {len(data) / 1e3:,.0f} kB, "
          f"{merged} merged with docxcompose, same bytes twice: {data == again}, "
          f"sha256 {hashlib.sha256(data).hexdigest()[:12]}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = []
        for i, data in enumerate(parts):
            name = f"letter {i:04d}.docx"
            (folder / name).write_bytes(data)
            items.append(PrintItem(name, "letter", f"Ann{i % 40} Lee"))
        start = time.perf_counter()
        build(folder, items, day=TODAY)
        took_disk = time.perf_counter() - start
    print(f"print file from {n} letter files on disk (read, check, join, write): {took_disk:.2f} s")
    if "--old" in sys.argv:
        start = time.perf_counter()
        old = old_combine(list(parts))
        took_old = time.perf_counter() - start
        print(
            f"docxcompose (before): {took_old:.2f} s, {n / took_old:,.0f} letters/s, "
            f"{len(old) / 1e3:,.0f} kB; direct join is {took_old / took:.0f}x faster"
        )


if __name__ == "__main__":
    main()
