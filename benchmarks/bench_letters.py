"""Print what rendering and proofreading letters cost, next to the zip floor, in paired runs.

`python benchmarks/bench_letters.py [--letters 1000] [--repeat 3] [--contacts 5000]`

Each round measures, one after the other in this process, for the same thank-you letters:

- the zip floor: the shipped thank-you template read once, its document text replaced, each
  .docx written with every member deflated again;
- render before: docxtpl per letter (Jinja compiled per letter, python-docx open and save,
  fixed zip timestamps), then the file opened again with python-docx for its paragraphs
  (Renderer.render_docxtpl + docx_paragraphs, what a batch did per letter);
- render after: the template compiled once per batch (Renderer.letter), paragraphs included;
- proofreading: every letter's checks against the workbook's words (`--contacts` more
  contacts than letters make the workbook big) and the panel comparison;
- the whole batch: render_letters (render, proofreading, print file, envelopes, files).

Rendered letters are written to files like the floor's. Figures are medians over the rounds,
and the ratios are medians of each round's own ratio. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followup_xl.letters import render_letters  # noqa: E402
from followup_xl.letters.address import Post  # noqa: E402
from followup_xl.letters.batch import _letter_text, _workbook_words  # noqa: E402
from followup_xl.letters.context import LetterData, letter_context  # noqa: E402
from followup_xl.letters.render import Renderer  # noqa: E402
from followup_xl.letters.shipped import default_template_dir  # noqa: E402
from followup_xl.letters.templates import THANK_YOU_LETTER, check_templates  # noqa: E402
from followup_xl.letters.text import docx_paragraphs  # noqa: E402
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status  # noqa: E402
from followup_xl.proofread import Vocabulary, check_panels, proofread_letter  # noqa: E402

TODAY = date(2026, 11, 25)


def build(n: int, extra_contacts: int = 0) -> tuple[Book, list[Action]]:
    """Return a book and n thank-you letter actions (three contacts per interview), plus
    `extra_contacts` contacts without a letter (their names are workbook words)."""
    profile = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield",
                      state="IL", zip="62704", phone="(217) 555-0143",
                      email="jordan@example.com")  # fmt: skip
    interviews, contacts, actions = [], [], []
    for i in range((n + extra_contacts + 2) // 3):
        iv = Interview(row=i + 2, interview_id=f"IV-{i}", company=f"Company {i} & Sons",
                       position="Store Manager", interview_date=date(2026, 11, 24),
                       company_street="555 Fifth Avenue", company_city="New York",
                       company_state="NY", company_zip="10017",
                       strengths="ten years of retail management; fluent Spanish",
                       forgot_to_mention="I ran the holiday pop-up store",
                       enclosures=("List of references",))  # fmt: skip
        interviews.append(iv)
        for j in range(3):
            k = len(contacts)
            if k == n + extra_contacts:
                break
            c = Contact(row=k + 2, contact_id=f"C-{k}", interview_id=iv.interview_id,
                        honorific="Ms.", first_name=f"Renée{k}", last_name=f"Okafor{chr(97 + j)}",
                        job_title="District Manager", email="r@example.com",
                        personal_note=f"the reading hour number {k}")  # fmt: skip
            contacts.append(c)
            if k < n:
                actions.append(Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE,
                                      due=TODAY, why="", interview_id=iv.interview_id,
                                      company=iv.company, contact_id=c.contact_id,
                                      who=c.display_name))  # fmt: skip
    book = Book(path="bench.xlsx", profile=profile, interviews=tuple(interviews),
                contacts=tuple(contacts))  # fmt: skip
    return book, actions


def zip_floor(n: int, out: Path) -> None:
    """Write n letters the cheapest way a .docx can be made (as benchmarks/bench_week.py)."""
    src = (default_template_dir() / THANK_YOU_LETTER).read_bytes()
    zin = zipfile.ZipFile(io.BytesIO(src))
    members = [(i, zin.read(i)) for i in zin.infolist()]
    for k in range(n):
        with zipfile.ZipFile(out / f"letter {k}.docx", "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in members:
                if info.filename == "word/document.xml":
                    data = data.replace(b"{{ salutation }}", f"Dear Ms. Lee{k}:".encode())
                z.writestr(info.filename, data)


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="paired rounds; medians are shown")
    ap.add_argument("--contacts", type=int, default=5000, help="contacts without a letter")
    args = ap.parse_args(argv)
    n = args.letters
    book, actions = build(n, args.contacts)
    contacts = {c.contact_id: c for c in book.contacts}
    interviews = {iv.interview_id: iv for iv in book.interviews}
    ctxs = []
    for a in actions:
        c = contacts[a.contact_id]
        ctxs.append(letter_context(LetterData(a, book.profile, c, interviews[a.interview_id]),
                                   TODAY))  # fmt: skip
    templates = check_templates(None)  # once, as a batch does
    renderer = Renderer(templates)

    def before(out: Path) -> None:
        for k, ctx in enumerate(ctxs):
            data = renderer.render_docxtpl(THANK_YOU_LETTER, ctx, TODAY, "US", "t")
            docx_paragraphs(data)
            (out / f"letter {k}.docx").write_bytes(data)

    texts = []

    def after(out: Path) -> None:
        fresh = Renderer(templates)  # compiled again: a batch compiles once
        texts.clear()
        for k, (a, ctx) in enumerate(zip(actions, ctxs, strict=True)):
            got = fresh.letter(THANK_YOU_LETTER, ctx, TODAY, "US", "t")
            (out / f"letter {k}.docx").write_bytes(got.data)
            texts.append(_letter_text(f"letter {k}.docx", a, ctx, got.paragraphs))

    def proofread(out: Path) -> None:
        vocabulary = Vocabulary(_workbook_words(book, Post()))  # as a batch: its own dictionary
        reported: set[str] = set()
        for text in texts:
            proofread_letter(text, words=vocabulary, reported=reported)
        check_panels(texts)

    def batch(out: Path) -> None:
        render_letters(book, actions, today=TODAY, out_dir=out / "batch")

    steps: list[tuple[str, Callable[[Path], None]]] = [
        ("zip floor", lambda out: zip_floor(n, out)),
        ("render before (docxtpl per letter)", before),
        ("render after (compiled per batch)", after),
        ("proofreading", proofread),
        ("whole batch (render_letters)", batch),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _ in range(args.repeat):
        for name, step in steps:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                step(Path(tmp))
                times[name].append(time.perf_counter() - start)
    floor = times["zip floor"]
    print(f"{n:,} thank-you letters, {len(book.contacts):,} contacts in the workbook, "
          f"{args.repeat} paired rounds, medians (a shared machine: other work shifts "
          "them)")  # fmt: skip
    print(f"{'step':40} {'seconds':>8} {'ms/letter':>10} {'x floor':>8}")
    for name, _ in steps:
        secs = statistics.median(times[name])
        ratio = statistics.median(t / f for t, f in zip(times[name], floor, strict=True))
        print(f"{name:40} {secs:8.2f} {secs / n * 1000:10.2f} {ratio:8.2f}")
    render_proof = [a + p for a, p in zip(times["render after (compiled per batch)"],
                                          times["proofreading"], strict=True)]  # fmt: skip
    ratio = statistics.median(t / f for t, f in zip(render_proof, floor, strict=True))
    print(f"{'render after + proofreading':40} {statistics.median(render_proof):8.2f} "
          f"{statistics.median(render_proof) / n * 1000:10.2f} {ratio:8.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
