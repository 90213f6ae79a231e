"""Print how long reading a 10,000-interview workbook takes: the tool's read_workbook (its
pre-check, pandas with calamine, the records) beside a bare pandas read of the same sheets.

Run: python benchmarks/bench_read.py [ROWS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factory import make_book  # noqa: E402
from followup_xl.read.reader import read_workbook  # noqa: E402


def build(path: Path, rows: int) -> Path:
    """Write a contract workbook with `rows` interviews and two contacts each."""
    start = datetime(2024, 1, 1, 9, 0)
    interviews = [
        {
            "Interview ID": f"IV-{i}",
            "Company": f"Company {i % 97} & Sons",
            "Position": "Clerk",
            "Interview Date": start + timedelta(hours=7 * i),
            "Status": "Interviewed",
            "Want Job": "Yes",
            "Hiring Timeline Days": 45,
            "Company ZIP": "02134",
            "Strengths": "Ten years of retail experience",
        }
        for i in range(rows)
    ]
    contacts = [
        {
            "Contact ID": f"C-{i}-{k}",
            "Interview ID": f"IV-{i}",
            "Role": "Interviewer",
            "Honorific": "Ms.",
            "First Name": "Ann",
            "Last Name": f"Lee{k}",
            "Job Title": "Manager",
            "Preferred Channel": "Mail",
            "Personal Note": "We talked about the new store.",
        }
        for i in range(rows)
        for k in range(2)
    ]
    return make_book(path, interviews=interviews, contacts=contacts)


def main() -> None:
    """Time read_workbook and a bare pandas read, best and median of five runs each."""
    import pandas as pd

    from followup_xl.read.precheck import precheck

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    sheets = ["Profile", "Interviews", "Contacts", "Log"]

    def bare(path: Path) -> object:
        return pd.read_excel(path, sheet_name=sheets, header=None, dtype=object,
                             keep_default_na=False, engine="calamine")  # fmt: skip

    def checked(path: Path) -> object:
        return precheck(path, set(sheets), lambda name: name)

    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp) / "big.xlsx", rows)
        print(f"{rows} interviews, {2 * rows} contacts, {path.stat().st_size / 1e6:.1f} MB")
        for label, read in (("pandas + calamine", bare), ("pre-check alone", checked),
                            ("read_workbook", read_workbook)):  # fmt: skip
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                read(path)
                times.append(time.perf_counter() - t0)
            print(f"{label:18s} best {min(times):.2f} s  median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
