"""Run a headless LibreOffice to convert documents (PDF for printing, checks in tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import FollowupError


def find_soffice() -> str | None:
    """Return the path of LibreOffice's soffice, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return exe
    for candidate in (
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        r"C:\Program Files\LibreOffice\program\soffice.exe",
    ):
        if os.path.exists(candidate):
            return candidate
    return None


def convert(src: Path, fmt: str, out_dir: Path, *, timeout: float = 180) -> Path:
    """Convert `src` with headless LibreOffice to `fmt` (e.g. "pdf") in `out_dir`; return it."""
    exe = find_soffice()
    if exe is None:
        raise FollowupError(
            f"{src.name}: LibreOffice is not installed, so it cannot be converted to {fmt}. "
            "Install LibreOffice (https://www.libreoffice.org) or print the .docx from Word."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile lets several conversions run at once and leaves the user's alone.
    with tempfile.TemporaryDirectory(prefix="followup-lo-") as profile:
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise FollowupError(f"{src.name}: LibreOffice took over {timeout:.0f} s") from exc
    ext = fmt.split(":", 1)[0]
    target = out_dir / f"{src.stem}.{ext}"
    if not target.exists():
        # A CSV export of one or every sheet is named "stem-Sheet.csv" by LibreOffice 7.2+.
        sheets = sorted(out_dir.glob(f"{src.stem}-*.{ext}"))
        target = sheets[0] if sheets else target
    if proc.returncode != 0 or not target.exists():
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise FollowupError(f"{src.name}: LibreOffice could not convert it to {fmt}: {detail[0]}")
    return target
