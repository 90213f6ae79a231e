"""The zip writer (zipwrite.py) writes the bytes Python's zipfile writes, for letters and workbooks.

The oracle is zipfile itself, given each member as the letters date and compress it; any zip
reader then reads the letters, and a letter is the same bytes as when zipfile wrote it.
"""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

from followup_xl.letters.shipped import default_template_dir
from followup_xl.zipwrite import deflate, normalize_zip, write_zip

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


def test_a_member_given_in_pieces_is_what_zipfile_writes_for_its_bytes() -> None:
    """A member deflated from its pieces in order (the call sheet's document part, call block
    by call block) is zipfile's member of the joined bytes, wherever the pieces split."""
    data = b"".join(b"<w:p><w:r><w:t>call %d \xc3\xa9</w:t></w:r></w:p>" % n for n in range(20000))
    pieces = (data[at : at + 997] for at in range(0, len(data), 997))
    made = write_zip([deflate("word/document.xml", pieces)], TODAY)
    assert made == _zipfile_writes([("word/document.xml", data)], TODAY)


def _mixed_zip() -> bytes:
    """A zip as different programs write them: deflated and stored members, a name outside
    ASCII, a member without permissions, comments on a member and on the archive."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.comment = b"made by a test"
        for name, data, method, attr in [
            ("[Content_Types].xml", b"<Types/>" * 50, zipfile.ZIP_DEFLATED, 0o644 << 16),
            ("mimetype", b"application/x-test", zipfile.ZIP_STORED, 0),
            ("xl/media/Bild 1 – groß.png", b"\x89PNG" + bytes(range(256)), zipfile.ZIP_STORED,
             0o600 << 16),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>" * 99, zipfile.ZIP_DEFLATED, 0),
        ]:  # fmt: skip
            info = zipfile.ZipInfo(name, date_time=(2024, 2, 29, 13, 45, 58))
            info.compress_type, info.external_attr = method, attr
            info.comment = b"note" if name == "mimetype" else b""
            zf.writestr(info, data)
    return out.getvalue()


def test_a_workbook_written_with_nothing_changed_is_the_same_bytes() -> None:
    """The workbook writer copies each member as stored: a zip that zipfile wrote comes back
    byte for byte, stored members and comments included."""
    from followup_xl.xlsx.package import Package

    data = _mixed_zip()
    assert Package(data, "t.xlsx").to_bytes() == data


def test_a_changed_member_is_compressed_afresh_and_the_others_copied() -> None:
    """A changed member keeps its name, date, method and place; the others keep their
    stored bytes; every member reads back."""
    from followup_xl.xlsx.package import Package

    data = _mixed_zip()
    pkg = Package(data, "t.xlsx")
    pkg.put("xl/worksheets/sheet1.xml", b"<worksheet><sheetData/></worksheet>")
    pkg.put("xl/new.xml", b"<new/>")
    made = pkg.to_bytes()
    with zipfile.ZipFile(BytesIO(data)) as before, zipfile.ZipFile(BytesIO(made)) as after:
        assert after.testzip() is None and after.comment == b"made by a test"
        old, new = before.infolist(), after.infolist()
        assert [i.filename for i in new] == [i.filename for i in old] + ["xl/new.xml"]
        for a, b in zip(old, new, strict=False):
            assert (a.date_time, a.compress_type, a.comment) == (b.date_time, b.compress_type,
                                                                 b.comment)  # fmt: skip
            if a.filename != "xl/worksheets/sheet1.xml":
                assert (a.CRC, a.compress_size, a.external_attr) == (b.CRC, b.compress_size,
                                                                     b.external_attr)  # fmt: skip
        assert after.read("xl/worksheets/sheet1.xml") == b"<worksheet><sheetData/></worksheet>"
        assert new[3].external_attr == 0o600 << 16  # as zipfile gives a member with none
        assert new[-1].date_time == (1980, 1, 1, 0, 0, 0) and after.read("xl/new.xml") == b"<new/>"
