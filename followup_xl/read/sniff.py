"""Check the file before reading it: a real .xlsx or .ods, not .xls, CSV, empty or encrypted.

Also the package limits (member sizes, compression ratio), each a located error that names
the limit. `sniff` says which of the two formats the workbook is.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from ..errors import WorkbookError
from ..ooxml import OLE_SIGNATURE, RESAVE, is_utf16

_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = RESAVE

#: The two workbook formats the tool reads and marks.
XLSX = "xlsx"
ODS = "ods"
#: The media type of an OpenDocument spreadsheet (its `mimetype` member, its manifest's root).
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_ROOT = re.compile(rb'manifest:full-path="/"[^>]*manifest:media-type="([^"]*)"'
                       rb'|manifest:media-type="([^"]*)"[^>]*manifest:full-path="/"')  # fmt: skip


def odf_type(zf: zipfile.ZipFile) -> bytes | None:
    """Return an OpenDocument package's media type, or None for any other zip.

    The `mimetype` member says it; a file without one (Google Sheets writes such) says it
    in its manifest's entry for the root.
    """
    names = set(zf.namelist())
    if "mimetype" in names:
        kind = zf.read("mimetype")[:200].strip()
        if kind.startswith(b"application/vnd.oasis.opendocument"):
            return kind
    if "META-INF/manifest.xml" in names and "content.xml" in names:
        with zf.open("META-INF/manifest.xml") as fh:
            found = _ODS_ROOT.search(fh.read(1 << 20))
        if found:
            return found[1] or found[2]
    return None


def is_ods(path: Path) -> bool:
    """Return True when the file is an OpenDocument spreadsheet (after `sniff` passed)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return odf_type(zf) == ODS_MIMETYPE
    except (OSError, zipfile.BadZipFile):
        return False


def sniff(path: Path) -> str:
    """Return the workbook's format (XLSX or ODS); raise WorkbookError when the file is
    missing or neither, saying the fix."""
    name = path.name
    ensure_regular_file(path)
    suffix = path.suffix.lower()
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
            odf = odf_type(zf)
            if odf is not None:
                _check_ods(zf, odf, name)
                return ODS
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
            return XLSX
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            "is damaged or incomplete (perhaps a copy that did not finish) — restore it from a "
            "backup, or open it in Excel or LibreOffice, which may repair it, and save it again",
            file=name,
        ) from exc


#: Each workbook format's sibling: the same workbook saved in the other format.
_SIBLING = {".xlsx": ".ods", ".ods": ".xlsx"}


def newer_sibling(path: Path) -> Path | None:
    """Return the same-named workbook of the other format beside `path` when it was saved
    after it (a user who moved from Excel to LibreOffice, or back, keeps both), else None."""
    other = _SIBLING.get(path.suffix.lower())
    if other is None:
        return None
    sibling = path.with_suffix(other)
    try:
        newer = sibling.is_file() and sibling.stat().st_mtime > path.stat().st_mtime
    except OSError:
        return None
    return sibling if newer else None


def _check_ods(zf: zipfile.ZipFile, odf: bytes, name: str) -> None:
    """Raise WorkbookError unless an OpenDocument package is a readable spreadsheet."""
    if odf != ODS_MIMETYPE:
        kind = odf.rsplit(b".", 1)[-1].decode("ascii", "replace")
        raise WorkbookError(
            f"is an OpenDocument {kind} file, not a spreadsheet — give the workbook (.xlsx or "
            ".ods)",
            file=name,
        )
    encrypted = False
    if "META-INF/manifest.xml" in zf.namelist():
        with zf.open("META-INF/manifest.xml") as fh:
            encrypted = b"encryption-data" in fh.read(MAX_MANIFEST_BYTES)
    if encrypted:
        raise WorkbookError(
            "is protected with a password, so it cannot be read — open it in LibreOffice, "
            "use File > Save As without 'Save with password' and save",
            file=name,
        )
    if "content.xml" not in zf.namelist():
        raise WorkbookError(
            "is an OpenDocument spreadsheet without its content (content.xml) — restore it "
            "from a backup",
            file=name,
        )
    bad = zf.testzip()
    if bad:
        raise WorkbookError(f"is damaged ({bad} is corrupt) — restore it from a backup", file=name)


#: How much of an OpenDocument manifest is read for its encryption mark.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


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
