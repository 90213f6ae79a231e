"""Print what a weekly run costs on a big workbook, stage by stage, next to floors measured alike.

Generates a deterministic workbook (interviews : contacts : log rows = 1 : 5 : 20 by default,
a share of the interviews held yesterday so their thank-you letters are due), then runs the
installed `followup-xl` on copies of it, each in its own process, and prints wall time and
peak memory (the child's maximum resident set size) for:

- floors: `python -c "import click"`, a bare pandas+calamine read of the whole file, and the
  zip floor for the same number of letters (the shipped thank-you template read once, its
  document text replaced, each .docx written with every member deflated again);
- the tool: `--help`, `run --dry-run --no-letters` (read + rules), `run --no-letters`
  (+ marks), and the full `run` (+ letters, proofreading, print file, envelopes, call sheet,
  calendar).

Run: python benchmarks/bench_week.py [--interviews 10000] [--due-share 0.1] [--repeat 1]
Figures only: this is not a test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

TODAY = date(2026, 11, 25)
#: Runs a command and prints its wall time and its children's peak RSS as JSON.
_MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": proc.returncode, "wall": wall, "mib": peak,
                  "err": proc.stderr.decode("utf-8", "replace")[-500:]}))
"""


def generate(path: Path, interviews: int, due_share: float, seed: int = 20261125) -> int:
    """Write the workbook; return how many interviewers have a thank-you letter due."""
    import xlsxwriter

    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dtfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    profile = wb.add_worksheet("Profile")
    fields = [("Field", "Value"), ("Name", "Alex Rivera"), ("Street", "12 Elm Street"),
              ("City", "Boston"), ("State", "MA"), ("ZIP", "02134"),
              ("Phone", "617-555-0100"), ("Cell", "617-555-0199"),
              ("Email", "alex@example.com"), ("Country", "US")]  # fmt: skip
    for r, (k, v) in enumerate(fields):
        profile.write_string(r, 0, k)
        profile.write_string(r, 1, v)
    iv_head = ["Interview ID", "Company", "Position", "Interview Date", "Status", "Want Job",
               "Decision Expected", "Callback Expected", "Hiring Timeline Days",
               "Company Street", "Company City", "Company State", "Company ZIP", "Strengths",
               "Forgot To Mention", "Enclosures", "Notes"]  # fmt: skip
    ws = wb.add_worksheet("Interviews")
    for c, h in enumerate(iv_head):
        ws.write_string(0, c, h)
    due_ids = set()
    held_on: list[date] = []
    for i in range(interviews):
        r = i + 1
        recent = rng.random() < due_share
        when = (
            datetime(2026, 11, 24, 10, 30)
            if recent
            else datetime(2026, 11, 24, 9) - timedelta(days=rng.randint(8, 400))
        )
        if recent:
            due_ids.add(i)
        held_on.append(when.date())
        ws.write_string(r, 0, f"IV-{i}")
        ws.write_string(r, 1, f"Company {i % 997} & Partners")
        ws.write_string(r, 2, rng.choice(["Clerk", "Analyst", "Coordinator", "Editor"]))
        ws.write_datetime(r, 3, when, dtfmt)
        ws.write_string(r, 4, "Interviewed")
        ws.write_string(r, 5, rng.choice(["Yes", "Yes", "Unsure", "No"]))
        ws.write_datetime(r, 6, when + timedelta(days=30), dfmt)
        ws.write_datetime(r, 7, when + timedelta(days=10), dfmt)
        ws.write_number(r, 8, 45)
        ws.write_string(r, 9, f"{100 + i % 900} Main Street")
        ws.write_string(r, 10, "Springfield")
        ws.write_string(r, 11, "IL")
        ws.write_string(r, 12, "62704")
        ws.write_string(r, 13, "clear writing; ten years of customer service")
    ct_head = ["Contact ID", "Interview ID", "Role", "Honorific", "First Name", "Last Name",
               "Job Title", "Organization", "Street", "City", "State", "ZIP", "Email", "Phone",
               "Fax", "Preferred Channel", "Personal Note", "Notes"]  # fmt: skip
    ws = wb.add_worksheet("Contacts")
    for c, h in enumerate(ct_head):
        ws.write_string(0, c, h)
    r = 1
    letters = 0
    for i in range(interviews):
        for k in range(5):
            role = "Interviewer" if k < 3 else ("Receptionist" if k == 3 else "Network")
            ws.write_string(r, 0, f"C-{i}-{k}")
            ws.write_string(r, 1, f"IV-{i}" if role != "Network" else "")
            ws.write_string(r, 2, role)
            ws.write_string(r, 3, rng.choice(["Ms.", "Mr.", "Dr."]))
            ws.write_string(r, 4, rng.choice(["Ann", "Ben", "Chloe", "Dev", "Ema"]))
            ws.write_string(r, 5, f"Lee{k}")
            ws.write_string(r, 6, "Manager")
            ws.write_string(r, 13, "617-555-0142")
            ws.write_string(r, 15, "Mail" if role == "Interviewer" else "Handwritten Card")
            ws.write_string(r, 16, f"the spring catalogue and the {k + 2} new stores")
            letters += i in due_ids and role in ("Interviewer", "Receptionist")
            r += 1
    ws = wb.add_worksheet("Log")
    for c, h in enumerate(["Date", "Interview ID", "Contact ID", "Action", "Outcome"]):
        ws.write_string(0, c, h)
    r = 1
    for i in range(interviews):
        held = held_on[i]
        for k in range(20):
            if i in due_ids:  # held yesterday: only network chatter, no thank-you yet
                action, who, day = "Referral Requested", f"C-{i}-4", held - timedelta(days=k + 1)
            elif k < 3:  # the interviewers' thank-yous went out the next day
                action, who, day = "Thank-You Letter Mailed", f"C-{i}-{k}", held + timedelta(1)
            elif k == 3:
                action, who, day = "Note Card Mailed", f"C-{i}-3", held + timedelta(days=1)
            else:  # weekly calls since
                day = min(held + timedelta(days=7 * k), TODAY - timedelta(days=1 + k % 5))
                action, who = "Phone Call", f"C-{i}-{k % 3}"
            ws.write_datetime(r, 0, datetime(day.year, day.month, day.day), dfmt)
            ws.write_string(r, 1, f"IV-{i}")
            ws.write_string(r, 2, who)
            ws.write_string(r, 3, action)
            ws.write_string(r, 4, "left a message" if action == "Phone Call" else "")
            r += 1
    wb.close()
    return letters


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run a command in its own process; return its wall time and peak memory."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], cwd=cwd, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return json.loads(out.stdout)


def zip_floor(n: int, out: Path) -> list[str]:
    """Return the command that writes n letters the cheapest way a .docx can be made."""
    code = f"""
import zipfile, zlib
from importlib.resources import files
from pathlib import Path
src = (files("followup_xl.letter_templates") / "thank_you_letter.docx").read_bytes()
import io
zin = zipfile.ZipFile(io.BytesIO(src))
members = [(i, zin.read(i)) for i in zin.infolist()]
out = Path({str(out)!r}); out.mkdir(exist_ok=True)
for k in range({n}):
    with zipfile.ZipFile(out / f"letter {{k}}.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "word/document.xml":
                data = data.replace(b"{{{{ salutation }}}}", f"Dear Ms. Lee{{k}}:".encode())
            z.writestr(info.filename, data)
"""
    return [sys.executable, "-c", code]


def main(argv: list[str] | None = None) -> int:
    """Generate the workbook, run everything, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interviews", type=int, default=10_000)
    ap.add_argument("--due-share", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per row; the median is shown")
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    args = ap.parse_args(argv)
    exe = shutil.which("followup-xl", path=str(Path(sys.executable).parent))
    if exe is None:
        print("install followup-xl in this Python first (pip install .)", file=sys.stderr)
        return 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-week-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "source.xlsx"
    t = time.perf_counter()
    letters = generate(source, args.interviews, args.due_share)
    size = source.stat().st_size / 2**20
    print(f"workbook: {args.interviews:,} interviews, {5 * args.interviews:,} contacts, "
          f"{20 * args.interviews:,} log rows, {size:.1f} MiB, ~{letters:,} letters due "
          f"(generated in {time.perf_counter() - t:.1f} s)\n")  # fmt: skip
    today = ["--today", TODAY.isoformat()]
    bare = ("import pandas as pd, sys; pd.read_excel(sys.argv[1], sheet_name=None, header=None,"
            " engine='calamine')")  # fmt: skip

    def fresh(name: str) -> str:
        path = work / name
        shutil.copyfile(source, path)
        return str(path)

    rows: list[tuple[str, list[str] | None]] = [
        ("floor: python -c 'import click'", [sys.executable, "-c", "import click"]),
        ("floor: bare pandas+calamine read", [sys.executable, "-c", bare, str(source)]),
        (f"floor: zip floor, {letters:,} letters", None),
        ("followup-xl --help", [exe, "--help"]),
        (
            "run --dry-run --no-letters",
            [exe, "run", str(source), "--dry-run", "--no-letters", *today],
        ),  # fmt: skip
        ("run --no-letters (marks written)", None),
        ("run (letters and all)", None),
    ]
    print(f"{'what':<40} {'wall s':>9} {'peak MiB':>9}")
    for label, cmd in rows:
        got = []
        for k in range(args.repeat):
            if label.startswith("floor: zip"):
                cmd = zip_floor(letters, work / f"zip-{k}")
            elif label.startswith("run --no-letters"):
                cmd = [exe, "run", fresh(f"m{k}.xlsx"), "--no-letters", *today]
            elif label.startswith("run (letters"):
                cmd = [exe, "run", fresh(f"l{k}.xlsx"), "--out", str(work / f"out-{k}"),
                       *today]  # fmt: skip
            assert cmd is not None
            res = measure(cmd, work)
            if res["rc"] != 0:
                print(f"{label}: exit {res['rc']}: {res['err']}", file=sys.stderr)
                break
            got.append(res)
        if got:
            wall = statistics.median(r["wall"] for r in got)
            mib = statistics.median(r["mib"] for r in got)
            print(f"{label:<40} {wall:>9.2f} {mib:>9.0f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
