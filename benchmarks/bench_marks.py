"""Print how long marking takes on a 10,000-row Interviews sheet (figures, not assertions).

Run: python benchmarks/bench_marks.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from followup_xl.contract import CONTACT_COLUMNS, DUE_COLUMNS, INTERVIEW_COLUMNS
from followup_xl.marks import ColumnMarks, DueTable, fingerprint, mark_workbook
from followup_xl.xlsx.patch import patch


def build(path: Path, rows: int) -> None:
    """Write a contract-shaped workbook with `rows` interviews and as many contacts."""
    wb = xlsxwriter.Workbook(str(path))
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, columns in (("Interviews", INTERVIEW_COLUMNS), ("Contacts", CONTACT_COLUMNS)):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, [c.name for c in columns])
        for r in range(1, rows + 1):
            for c, col in enumerate(columns):
                if col.kind in ("date", "datetime"):
                    ws.write_datetime(r, c, datetime(2026, 1, 1) + timedelta(days=r % 300), dfmt)
                else:
                    ws.write_string(r, c, f"{col.name} {r}")
    wb.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tracker.xlsx"
        t = time.perf_counter()
        build(path, rows)
        print(f"built {rows} interviews + {rows} contacts: {path.stat().st_size / 1e6:.1f} MB "
              f"in {time.perf_counter() - t:.2f} s")  # fmt: skip
        values = {r: ("Phone call", date(2026, 12, 1), "OVERDUE" if r % 3 else "DUE")
                  for r in range(2, rows + 2)}  # fmt: skip
        columns = [
            ColumnMarks("Interviews", 1, len(INTERVIEW_COLUMNS), tuple(range(2, rows + 2)), values),
            ColumnMarks("Contacts", 1, len(CONTACT_COLUMNS), tuple(range(2, rows + 2)), values),
        ]
        due = DueTable(
            rows=[
                (
                    "OVERDUE",
                    date(2026, 12, 1),
                    "Phone call",
                    "R1",
                    f"Person {i}",
                    "Acme",
                    "Dev",
                    "Phone",
                    None,
                    "why",
                )
                for i in range(rows)
            ],  # fmt: skip
            overdue=frozenset(range(0, rows, 2)),
        )
        assert len(due.rows[0]) == len(DUE_COLUMNS)
        data = path.read_bytes()
        t = time.perf_counter()
        patch(data, due=due, columns=columns, name=path.name)
        print(f"patch only (in memory): {time.perf_counter() - t:.2f} s")
        for run in (1, 2):
            t = time.perf_counter()
            mark_workbook(path, due=due, columns=columns, expected=fingerprint(path))
            print(f"mark_workbook run {run} (patch + verify + backup + replace): "
                  f"{time.perf_counter() - t:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
