"""Measure letter rendering: `python benchmarks/bench_letters.py [N]` (default 60 letters).

Renders N due letters (thank-you letters, emails, note cards and keep-in-touch letters over
N/3 interviews), the print file, the envelopes and proofreading into a temporary folder, and
prints letters per second. LibreOffice is not involved.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followup_xl.letters import render_letters  # noqa: E402
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status  # noqa: E402

TODAY = date(2026, 11, 25)
KINDS = (Kind.THANK_YOU_LETTER, Kind.THANK_YOU_EMAIL, Kind.NOTE_CARD)


def build(n: int) -> tuple[Book, list[Action]]:
    """Return a book and n letter actions: three contacts per interview."""
    profile = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield",
                      state="IL", zip="62704", phone="(217) 555-0143",
                      email="jordan@example.com")  # fmt: skip
    interviews, contacts, actions = [], [], []
    for i in range((n + 2) // 3):
        iv = Interview(row=i + 2, interview_id=f"IV-{i}", company=f"Company {i} & Sons",
                       position="Store Manager", interview_date=date(2026, 11, 24),
                       company_street="555 Fifth Avenue", company_city="New York",
                       company_state="NY", company_zip="10017",
                       strengths="ten years of retail management; fluent Spanish",
                       forgot_to_mention="I ran the holiday pop-up store",
                       enclosures=("List of references",))  # fmt: skip
        interviews.append(iv)
        for j, kind in enumerate(KINDS):
            if len(actions) == n:
                break
            c = Contact(row=len(contacts) + 2, contact_id=f"C-{i}-{j}", interview_id=f"IV-{i}",
                        honorific="Ms.", first_name="Renée", last_name=f"Okafor{chr(97 + j)}",
                        job_title="District Manager", email="r@example.com",
                        personal_note="the reading hour")  # fmt: skip
            contacts.append(c)
            actions.append(Action(rule="R3", kind=kind, status=Status.DUE, due=TODAY, why="",
                                  interview_id=iv.interview_id, company=iv.company,
                                  contact_id=c.contact_id, who=c.display_name))  # fmt: skip
    book = Book(path="bench.xlsx", profile=profile, interviews=tuple(interviews),
                contacts=tuple(contacts))  # fmt: skip
    return book, actions


def main() -> None:
    """Render the batch once and print the figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    book, actions = build(n)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        batch = render_letters(book, actions, today=TODAY, out_dir=Path(tmp))
        elapsed = time.perf_counter() - start
    made = len(batch.files)
    print(f"{made} letters (+ print file, envelopes, proofreading) in {elapsed:.2f} s: "
          f"{made / elapsed:.1f} letters/s; {len(batch.findings)} findings")  # fmt: skip


if __name__ == "__main__":
    main()
