"""Print what a weekly run costs on a big workbook, phase by phase, next to floors measured alike.

Generates a deterministic workbook (interviews : contacts : log rows = 1 : 5 : 20; a share of
the interviews held yesterday so that about --letters thank-you letters and note cards are
due), then runs the installed `followup-xl` console script on copies of it, each run in its
own process, and prints wall time and peak memory (the child's maximum resident set size),
each the median of --repeat runs, for:

- floors: `python -c "import click"`, a bare `pandas.read_excel(sheet_name=None,
  engine="calamine")` of the same file, and the zip floor for the same number of letters (the
  shipped thank-you template read once, its document XML replaced as text, each .docx written
  with every member deflated again);
- the tool: `--help`, `run --dry-run --no-letters`, `run --no-letters`, the full `run`, and
  `sent` recording that run's letters in a copy of its workbook;
- the phases inside `run --no-letters` and the full `run` (read, rules, marks, letters,
  envelopes, proofreading, print file, call sheet and calendar), timed by followup_xl.timing
  (FOLLOWUP_XL_TIMINGS).

Run: python benchmarks/bench_week.py                # 10,000 / 50,000 / 200,000, ~1,000 letters
     python benchmarks/bench_week.py --small        # 1,000 interviews, ~100 letters: quick
     python benchmarks/bench_week.py --interviews 2000 --letters 300 --repeat 5 --no-full
Figures only: this is not a test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
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
#: Letters made per interview held yesterday (three interviewers and a receptionist).
LETTERS_PER_DUE = 4
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
               "Forgot To Mention", "Enclosures", "Notes", "Company Country"]  # fmt: skip
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
        ws.write_string(r, 17, "US")
    ct_head = ["Contact ID", "Interview ID", "Role", "Honorific", "First Name", "Last Name",
               "Job Title", "Organization", "Street", "City", "State", "ZIP", "Email", "Phone",
               "Fax", "Preferred Channel", "Personal Note", "Notes", "Country"]  # fmt: skip
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


def measure(cmd: list[str], cwd: Path, timings: Path | None = None) -> dict:
    """Run a command in its own process; return its wall time, peak memory and phases."""
    env = dict(os.environ)
    env.pop("FOLLOWUP_XL_TIMINGS", None)
    if timings is not None:
        timings.unlink(missing_ok=True)
        env["FOLLOWUP_XL_TIMINGS"] = str(timings)
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], cwd=cwd, check=True,
                         capture_output=True, text=True, env=env)  # fmt: skip
    res = json.loads(out.stdout)
    if timings is not None and timings.exists():
        res["phases"] = json.loads(timings.read_text(encoding="utf-8"))["phases"]
    return res


def zip_floor(n: int, out: Path) -> list[str]:
    """Return the command that writes n letters the cheapest way a .docx can be made."""
    code = f"""
import io, zipfile
from importlib.resources import files
from pathlib import Path
src = (files("followup_xl.letter_templates") / "thank_you_letter.docx").read_bytes()
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


def _median_phases(runs: list[dict]) -> list[tuple[str, float, float]]:
    """Return each phase's median seconds and peak MiB over runs, in the order they ran."""
    names: list[str] = []
    for run in runs:
        names += [p["phase"] for p in run.get("phases", []) if p["phase"] not in names]
    out = []
    for name in names:
        got = [p for run in runs for p in run.get("phases", []) if p["phase"] == name]
        out.append((name, statistics.median(p["seconds"] for p in got),
                    statistics.median(p["peak_mib"] for p in got)))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    """Generate the workbook, run everything, print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--interviews",
        type=int,
        default=10_000,
        help="interviews (contacts and log rows follow at 5 and 20 per interview)",
    )
    ap.add_argument("--letters", type=int, default=1_000, help="about how many letters are due")
    ap.add_argument("--small", action="store_true", help="1,000 interviews, ~100 letters")
    ap.add_argument("--repeat", type=int, default=3, help="runs per row; medians are shown")
    ap.add_argument("--no-full", action="store_true", help="skip the run that writes letters")
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    args = ap.parse_args(argv)  # fmt: skip
    if args.small:
        args.interviews, args.letters = 1_000, 100
    exe = shutil.which("followup-xl", path=str(Path(sys.executable).parent))
    if exe is None:
        print("install followup-xl in this Python first (pip install .)", file=sys.stderr)
        return 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-week-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "source.xlsx"
    t = time.perf_counter()
    share = min(1.0, args.letters / (LETTERS_PER_DUE * max(args.interviews, 1)))
    letters = generate(source, args.interviews, share)
    size = source.stat().st_size / 2**20
    print(f"workbook: {args.interviews:,} interviews, {5 * args.interviews:,} contacts, "
          f"{20 * args.interviews:,} log rows, {size:.1f} MiB, {letters:,} letters due "
          f"(generated in {time.perf_counter() - t:.1f} s); "
          f"medians of {args.repeat} run(s)\n")  # fmt: skip
    today = ["--today", TODAY.isoformat()]
    bare = ("import pandas as pd, sys; pd.read_excel(sys.argv[1], sheet_name=None, header=None,"
            " engine='calamine')")  # fmt: skip

    def fresh(name: str) -> str:
        path = work / name
        shutil.copyfile(source, path)
        return str(path)

    def command(label: str, k: int) -> list[str]:
        if label == "zip":
            return zip_floor(letters, work / f"zip-{k}")
        if label == "marks":
            return [exe, "run", fresh(f"m{k}.xlsx"), "--no-letters", *today]
        if label == "full":
            shutil.rmtree(work / f"out-{k}", ignore_errors=True)
            return [exe, "run", fresh(f"l{k}.xlsx"), "--out", str(work / f"out-{k}"), *today]
        if label == "sent":  # the letters of run k mailed: a copy of its workbook records them
            shutil.copyfile(work / f"l{k}.xlsx", work / f"s{k}.xlsx")
            return [exe, "sent", str(work / f"out-{k}"), "--workbook", str(work / f"s{k}.xlsx"),
                    "--date", TODAY.isoformat(), *today]  # fmt: skip
        return {
            "click": [sys.executable, "-c", "import click"],
            "calamine": [sys.executable, "-c", bare, str(source)],
            "help": [exe, "--help"],
            "dry": [exe, "run", str(source), "--dry-run", "--no-letters", *today],
        }[label]

    rows = [
        ("click", "floor: python -c 'import click'", None),
        ("calamine", "floor: bare pandas+calamine read", None),
        ("zip", f"floor: zip floor, {letters:,} letters", None),
        ("help", "followup-xl --help", "click"),
        ("dry", "run --dry-run --no-letters", "calamine"),
        ("marks", "run --no-letters (marks written)", "calamine"),
    ]
    if not args.no_full:
        rows.append(("full", f"run ({letters:,} letters and all)", "calamine"))
        rows.append(("sent", f"sent ({letters:,} letters recorded)", "calamine"))
    results: dict[str, dict] = {}
    phases: dict[str, list] = {}
    print(f"{'what':<40} {'wall s':>8} {'peak MiB':>9} {'x floor (time, memory)':>24} "
          f"{'wall min-max':>14}")  # fmt: skip
    for key, label, floor in rows:
        got = []
        for k in range(args.repeat):
            timed = work / "timings.json" if key in ("marks", "full") else None
            res = measure(command(key, k), work, timed)
            if res["rc"] != 0:
                print(f"{label}: exit {res['rc']}: {res['err']}", file=sys.stderr)
                break
            got.append(res)
        if not got:
            continue
        wall = statistics.median(r["wall"] for r in got)
        mib = statistics.median(r["mib"] for r in got)
        results[key] = {"wall": wall, "mib": mib}
        ratio = ""
        if floor in results:
            f = results[floor]
            ratio = f"{wall / f['wall']:.2f}x, {mib / f['mib']:.2f}x ({floor})"
        walls = [r["wall"] for r in got]
        spread = f"{min(walls):.2f}-{max(walls):.2f}"  # a floor that moves moves its ratios
        print(f"{label:<40} {wall:>8.2f} {mib:>9.0f} {ratio:>24} {spread:>14}", flush=True)
        if key in ("marks", "full"):
            phases[label] = [*_median_phases(got), ("(whole process)", wall, mib)]
    for label, table in phases.items():
        print(f"\nphases of {label}:")
        print(f"{'phase':<40} {'wall s':>8} {'peak MiB':>9}")
        inside = sum(s for name, s, _ in table[:-1])
        for name, sec, mib in table:
            print(f"{name:<40} {sec:>8.2f} {mib:>9.0f}")
        print(f"{'(startup, imports, output, exit)':<40} {table[-1][1] - inside:>8.2f}")
        if "zip" in results and label.startswith("run (") and letters:
            stage = sum(s for name, s, _ in table[:-1] if name in _LETTER_PHASES)
            print(f"letters stage {stage:.2f} s = {stage / results['zip']['wall']:.1f}x the zip "
                  f"floor; {1000 * stage / letters:.1f} ms per letter")  # fmt: skip
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


#: The phases the issue counts as the letters stage.
_LETTER_PHASES = ("letters", "envelopes", "proofreading", "print file")


if __name__ == "__main__":
    sys.exit(main())
