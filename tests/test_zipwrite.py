"""The letters' zip writer (letters/zipwrite.py) writes the bytes Python's zipfile writes.

The oracle is zipfile itself, given each member as the letters date and compress it; any zip
reader then reads the letters, and a letter is the same bytes as when zipfile wrote it.
"""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

from followup_xl.letters.shipped import default_template_dir
from followup_xl.letters.zipwrite import deflate, normalize_zip, write_zip

TODAY = date(2026, 11, 25)


def _zipfile_writes(members: list[tuple[str, bytes]], day: date) -> bytes:
    """Return what zipfile writes for these members, deflated and dated `day` at midnight."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def test_zip_writer_writes_what_zipfile_writes() -> None:
    """A shipped template's members, and a name outside ASCII, give zipfile's own bytes."""
    with zipfile.ZipFile(default_template_dir() / "fax_cover.docx") as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    members.append(("word/media/Résumé 1.png", b"\x89PNG not really"))
    made = write_zip([deflate(name, data) for name, data in members], TODAY)
    assert made == _zipfile_writes(members, TODAY)
    with zipfile.ZipFile(BytesIO(made)) as zf:
        assert zf.testzip() is None
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 25, 0, 0, 0)}
        assert [(i.filename, zf.read(i)) for i in zf.infolist()] == members


def test_a_document_written_again_is_dated_the_day_with_the_members_replaced() -> None:
    """normalize_zip keeps the members and their order, replaces the ones it is given, and
    dates them all the day: the same document on the same day is the same bytes."""
    data = _zipfile_writes([("a.xml", b"<a/>"), ("b.xml", b"<b/>")], date(2001, 2, 3))
    again = normalize_zip(data, TODAY, {"b.xml": b"<new/>"})
    assert again == _zipfile_writes([("a.xml", b"<a/>"), ("b.xml", b"<new/>")], TODAY)
    assert normalize_zip(data, date(1975, 1, 1)) == _zipfile_writes(
        [("a.xml", b"<a/>"), ("b.xml", b"<b/>")], date(1980, 1, 1)
    )  # a zip cannot hold a year before 1980
