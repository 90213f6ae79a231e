"""Time the call sheet for n synthetic calls: `python benchmarks/bench_callsheet.py 1000 4000`.

Prints seconds, milliseconds per call and the first digits of the file's SHA-256 (the same
calls on the same day must give the same bytes). Figures, not assertions.
"""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import date, timedelta

from followup_xl.callsheet import call_sheet
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status

TODAY = date(2026, 11, 26)


def book_and_calls(n: int) -> tuple[Book, list[Action]]:
    """Return a book of n interviews with one contact each, and a weekly call to each."""
    ivs = tuple(
        Interview(row=i + 2, interview_id=f"I{i}", company=f"Co {i}", position="Clerk",
                  interview_date=date(2026, 11, 1), status="Interviewed",
                  strengths="ten years of retail")
        for i in range(n)
    )  # fmt: skip
    people = tuple(
        Contact(row=i + 2, contact_id=f"C{i}", interview_id=f"I{i}", first_name="Amy",
                last_name=f"Lee{i}", phone="555-0100")
        for i in range(n)
    )  # fmt: skip
    calls = [
        Action(rule="R13", kind=Kind.PHONE_CALL, status=Status.DUE,
               due=TODAY + timedelta(days=i % 5), why="weekly call", channel="Phone",
               interview_id=f"I{i}", contact_id=f"C{i}", who=f"Amy Lee{i}")
        for i in range(n)
    ]  # fmt: skip
    profile = Profile(name="A", country="US")
    return Book(path="x.xlsx", profile=profile, interviews=ivs, contacts=people), calls


def main(sizes: list[int]) -> None:
    """Print one line per size."""
    for n in sizes:
        book, calls = book_and_calls(n)
        start = time.perf_counter()
        data = call_sheet(book, calls, today=TODAY) or b""
        took = time.perf_counter() - start
        digest = hashlib.sha256(data).hexdigest()[:12]
        print(f"{n} calls: {took:.2f} s, {took / n * 1000:.1f} ms/call, sha256 {digest}")


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [250, 1000, 4000])
