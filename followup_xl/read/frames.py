"""Read every sheet through one of pandas' engines (calamine, openpyxl) instead of streaming.

Kept to cross-check the streaming reader (stream.py) and for benchmarks/bench_read.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Literal

from ..errors import WorkbookError
from ..ooxml import is_date1904

#: The reader: "stream" reads only the contract sheets' cells that hold data (stream.py);
#: "calamine" and "openpyxl" read every sheet through pandas (benchmarks/bench_read.py).
#: No cell text counts as missing ("NA", "None", "N/A" are text a user typed).
NO_NA: list[str] = []
#: The readers: "stream" (stream.py) or one of pandas' engines.
PandasEngine = Literal["calamine", "openpyxl"]
Engine = Literal["stream", "calamine", "openpyxl"]
DEFAULT_ENGINE: Engine = "stream"


def load_frames(path: Path, engine: PandasEngine) -> tuple[dict[str, Any], bool]:
    """Return {sheet name: DataFrame of raw cell values from A1} and the 1904 flag."""
    import pandas as pd

    try:
        frames = pd.read_excel(
            path,
            sheet_name=None,
            header=None,
            dtype=object,
            keep_default_na=False,  # "NA", "None", "N/A" are text a user typed, not blanks
            na_values=NO_NA,
            engine=engine,
        )
    except WorkbookError:
        raise
    except Exception as exc:  # the engines raise many types for broken packages
        raise WorkbookError(
            f"cannot be read as a workbook ({type(exc).__name__}: {exc}) — open it in Excel or "
            "LibreOffice Calc and save it again as .xlsx",
            file=path.name,
        ) from exc
    return frames, _is_1904(path)


def _is_1904(path: Path) -> bool:
    """Return True for a workbook in the 1904 date system (the engines already convert)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.endswith("workbook.xml")), None)
            xml = zf.read(name)[:4000] if name else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    found = re.search(rb"date1904\s*=\s*[\"']([^\"']*)[\"']", xml)
    return found is not None and is_date1904(found.group(1).decode("ascii", "replace"))
