"""Check the file before reading it: a real .xlsx, not .xls, .ods, CSV, empty or encrypted.

Also the package limits (member sizes, compression ratio), each a located error that names
the limit.
"""

from __future__ import annotations

import stat
import time
import zipfile
from pathlib import Path

from ..errors import WorkbookError
from ..ooxml import OLE_SIGNATURE, RESAVE, is_utf16

_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = RESAVE


def sniff(path: Path) -> None:
    """Raise WorkbookError when the file is missing or not an .xlsx workbook, saying the fix."""
    name = path.name
    ensure_regular_file(path)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        raise WorkbookError(f"is an OpenDocument spreadsheet: {_SAVE_AS}", file=name)
    if suffix == ".csv":
        raise WorkbookError(f"is a CSV file, not a workbook: {_SAVE_AS}", file=name)
    with path.open("rb") as fh:
        head = fh.read(8)
        rest = fh.read(1 << 20) if head == OLE_SIGNATURE else b""
    if not head:
        raise WorkbookError(
            "is empty (0 bytes) — restore it from a backup or create one with `followup-xl init`",
            file=name,
        )
    if head == OLE_SIGNATURE:
        if _ENCRYPTION_MARK in rest:
            raise WorkbookError(
                "is protected with a password, so it cannot be read — open it, remove the "
                "password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear "
                "it; LibreOffice: File > Save As without 'Save with password') and save",
                file=name,
            )
        raise WorkbookError(f"is an old Excel 97-2003 (.xls) workbook: {_SAVE_AS}", file=name)
    if head[:4] != _ZIP_MAGIC:
        kind = "a text or CSV file" if _looks_like_text(head) else "not an Excel workbook"
        raise WorkbookError(
            f"is {kind}, although it is named {suffix or 'without a suffix'}: {_SAVE_AS}", file=name
        )
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf, name)
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                raise WorkbookError(f"is an OpenDocument spreadsheet: {_SAVE_AS}", file=name)
            book = next((n for n in sorted(names) if n.endswith("workbook.xml")), None)
            if book is None:
                raise WorkbookError(
                    f"is a ZIP file but not an Excel workbook: {_SAVE_AS}", file=name
                )
            with zf.open(book) as part:
                if is_utf16(part.read(100)):
                    raise WorkbookError(
                        f"is written in UTF-16 (as Excel Mobile saves workbooks), which the "
                        f"tool cannot read: {_SAVE_AS}",
                        file=name,
                    )
            bad = zf.testzip()
            if bad:
                raise WorkbookError(
                    f"is damaged ({bad} is corrupt) — restore it from a backup", file=name
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            "is damaged or incomplete (perhaps a copy that did not finish) — restore it from a "
            "backup, or open it in Excel or LibreOffice, which may repair it, and save it again",
            file=name,
        ) from exc


def _looks_like_text(head: bytes) -> bool:
    """Return True when the first bytes look like text (a CSV renamed to .xlsx)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 9 for b in head)


#: Excel's own limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
#: Largest member of the package once decompressed (a Log of a million rows is ~300 MiB).
MAX_MEMBER_BYTES = 512 * 1024 * 1024
#: Largest total of all members once decompressed.
MAX_TOTAL_BYTES = 2048 * 1024 * 1024
#: Largest compression ratio of a member bigger than RATIO_FLOOR (zip bombs reach ~1000).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024

_MIB = 1024 * 1024


def ensure_regular_file(path: Path) -> None:
    """Raise WorkbookError unless path is a regular file (not a FIFO, device or folder)."""
    name = path.name
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise WorkbookError(
            f"no such file: {path} — check the name and folder", file=name
        ) from None
    except OSError as exc:
        raise WorkbookError(f"cannot be read: {exc.strerror}", file=name) from None
    if stat.S_ISDIR(mode):
        raise WorkbookError(
            "is a folder, not a workbook — give the .xlsx file inside it", file=name
        )
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise WorkbookError(
            f"is {kind}, not a workbook file — save the workbook as an .xlsx file and give "
            "that file",
            file=name,
        )


def check_members(zf: zipfile.ZipFile, name: str, kind: str = "workbook") -> None:
    """Raise WorkbookError when a member would inflate beyond the size or ratio limits."""
    total = 0
    for info in zf.infolist():
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        what = f"its part {info.filename}"
        if size > MAX_MEMBER_BYTES:
            raise WorkbookError(
                f"{what} unpacks to {size / _MIB:,.0f} MiB, more than the limit of "
                f"{MAX_MEMBER_BYTES // _MIB} MiB for one part — this is not a {kind} typed "
                "by hand: delete what bloats it (a huge sheet or picture) or restore a backup",
                file=name,
            )
        if size > RATIO_FLOOR and size / packed > MAX_RATIO:
            raise WorkbookError(
                f"{what} unpacks {size / packed:,.0f} times bigger than it is stored, more than "
                f"the limit of {MAX_RATIO} (a zip bomb?) — restore the {kind} from a backup",
                file=name,
            )
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError(
                f"unpacks to more than the limit of {MAX_TOTAL_BYTES // _MIB:,} MiB in all — "
                f"this is not a {kind} typed by hand: restore it from a backup",
                file=name,
            )


#: The workbook formats a user may keep side by side (Excel's and LibreOffice's own).
SIBLING_SUFFIXES = (".xlsx", ".ods")


def newer_sibling(path: Path) -> str | None:
    """Return a warning when the same workbook in the other format beside it was saved later.

    A LibreOffice user who once saved tracker.xlsx as tracker.ods (Calc's default) may go on
    editing one file and run the tool on the other; the run would then plan from stale data.
    """
    suffix = path.suffix.lower()
    if suffix not in SIBLING_SUFFIXES:
        return None
    try:
        mine = path.stat().st_mtime
    except OSError:
        return None
    for other in SIBLING_SUFFIXES:
        if other == suffix:
            continue
        for spelled in dict.fromkeys((other, other.upper())):
            sibling = path.with_suffix(spelled)
            try:
                theirs = sibling.stat().st_mtime
            except OSError:
                continue
            if theirs > mine:
                saved = time.strftime("%Y-%m-%d %H:%M", time.localtime(theirs))
                return (
                    f"{sibling.name} beside {path.name} was saved later ({saved}): if that is "
                    f"the copy you keep up to date, run the tool on {sibling.name} instead"
                )
    return None
