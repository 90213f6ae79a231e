"""Measure the print file: `python benchmarks/bench_print.py [N] [--lists]` (default 1,000 letters).

Renders 40 different thank-you letters and note cards from the shipped templates, repeats
them to N, and times joining them into one print file (compose.join), in memory and from N
letter files on disk (printing.build: read, check, join, stage). With --lists every letter
also holds a numbered list of its own (Word's numbering on the items), which the join gives
each letter afresh. Prints seconds and letters per second; the machine's load matters, so
run it twice.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followup_xl.letters.compose import join  # noqa: E402
from followup_xl.letters.context import LetterData, letter_context  # noqa: E402
from followup_xl.letters.printing import PrintItem, build  # noqa: E402
from followup_xl.letters.render import Renderer  # noqa: E402
from followup_xl.letters.templates import check_templates  # noqa: E402
from followup_xl.model import Action, Contact, Interview, Kind, Profile, Status  # noqa: E402
from followup_xl.outbox import Outbox  # noqa: E402

TODAY = date(2026, 11, 25)


def letters(n: int, lists: bool) -> list[bytes]:
    """Return n rendered letters: 40 different ones (every fifth a note card), repeated."""
    renderer = Renderer(check_templates(None))
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
        data = renderer.render(name, ctx, TODAY, "US", "t")
        made.append(with_list(data) if lists else data)
    return [made[i % 40] for i in range(n)]


def with_list(data: bytes) -> bytes:
    """Return a letter with two numbered items added at its end (Word's numPr on each)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document(BytesIO(data))
    for item in ("References", "Writing samples"):
        ppr = doc.add_paragraph(item)._p.get_or_add_pPr()
        numpr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", "0"), ("w:numId", "1")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            numpr.append(el)
        ppr.append(numpr)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    parts = letters(n, "--lists" in sys.argv)
    start = time.perf_counter()
    data, restyled = join(parts, TODAY)
    took = time.perf_counter() - start
    again, _ = join(parts, TODAY)
    print(f"letters: {n}{' with lists' if '--lists' in sys.argv else ''}")
    print(f"join: {took:.2f} s, {n / took:,.0f} letters/s, {len(data) / 1e3:,.0f} kB, "
          f"{restyled} with styles of their own, same bytes twice: {data == again}, "
          f"sha256 {hashlib.sha256(data).hexdigest()[:12]}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = []
        for i, letter in enumerate(parts):
            name = f"letter {i:04d}.docx"
            (folder / name).write_bytes(letter)
            items.append(PrintItem(name, "letter", f"Ann{i % 40} Lee"))
        with Outbox(folder) as box:
            start = time.perf_counter()
            build(box, items, day=TODAY)
            took_disk = time.perf_counter() - start
    print(f"print file from {n} letter files on disk (read, check, join, stage): {took_disk:.2f} s")


if __name__ == "__main__":
    main()
