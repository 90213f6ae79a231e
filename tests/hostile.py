"""Build hostile or unlucky workbooks from real ones, and run the CLI measuring time and memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: Runs argv as a child and prints its exit code, output, wall time and peak RSS (KiB) as JSON.
_MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    p = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
    code, out, err = p.returncode, p.stdout, p.stderr
except subprocess.TimeoutExpired as exc:
    code, out, err = "timeout", str(exc.stdout or ""), str(exc.stderr or "")
print(json.dumps({"code": code, "out": out, "err": err,
                  "seconds": time.perf_counter() - start,
                  "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


@dataclass(frozen=True)
class Measured:
    """What one CLI run returned and cost."""

    code: int | str
    out: str
    err: str
    seconds: float
    mib: float


def run_cli(*args: str, timeout: float = 120, cwd: Path | None = None) -> Measured:
    """Run `followup-xl ARGS` in a child process; return its result, time and peak memory."""
    cli = [sys.executable, "-c", "from followup_xl.cli import main; main()", *args]
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), *cli],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    data = json.loads(proc.stdout)
    return Measured(data["code"], data["out"], data["err"], data["seconds"], data["kib"] / 1024)


def sheet_part(path: Path, index: int) -> str:
    """Return the member name of the index-th sheet of an XlsxWriter workbook (0-based)."""
    return f"xl/worksheets/sheet{index + 1}.xml"


def rewrite(path: Path, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None,
            compress: int = zipfile.ZIP_DEFLATED) -> Path:  # fmt: skip
    """Rewrite members of an .xlsx in place: replace (bytes), drop (None), or add `extra`."""
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", compress) as zf:
        for info, data in members:
            if info.filename in changes:
                new = changes[info.filename]
                if new is None:
                    continue
                data = new
            zf.writestr(info.filename, data, compress_type=compress)
        for name, data in (extra or {}).items():
            zf.writestr(name, data, compress_type=compress)
    return path


def add_cells(path: Path, index: int, cells_xml: str) -> Path:
    """Append raw <row> XML at the end of a sheet's sheetData (rows must come after the rest)."""
    part = sheet_part(path, index)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part).decode("utf-8")
    xml = re.sub(r"<dimension ref=\"[^\"]*\"/>", "", xml)
    if "<sheetData/>" in xml:
        xml = xml.replace("<sheetData/>", f"<sheetData>{cells_xml}</sheetData>")
    else:
        xml = xml.replace("</sheetData>", f"{cells_xml}</sheetData>")
    return rewrite(path, {part: xml.encode("utf-8")})


def set_cell(path: Path, index: int, ref: str, inner_xml: str, t: str | None = None) -> Path:
    """Replace one cell's content (e.g. `<v>60</v>`), keeping its style; t sets its type."""
    part = sheet_part(path, index)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part).decode("utf-8")
    m = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)', xml)
    assert m, f"test bug: no cell {ref} in {part}"
    attrs = re.sub(r'\s+t="[^"]*"', "", m.group(1).rstrip("/"))
    if t:
        attrs += f' t="{t}"'
    new = xml[: m.start()] + f'<c r="{ref}"{attrs}>{inner_xml}</c>' + xml[m.end() :]
    return rewrite(path, {part: new.encode("utf-8")})


def inline(text: str) -> str:
    """Return the inner XML of an inline-string cell holding text (XML-escaped)."""
    from xml.sax.saxutils import escape

    return f'<is><t xml:space="preserve">{escape(text)}</t></is>'
