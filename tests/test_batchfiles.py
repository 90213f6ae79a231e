"""The batch folder's own files, tampered with as a hostile or unlucky user would: each a
located refusal or the right result in bounded time, never a hang, a traceback, or a write
outside the batch folder and the workbook (issue 20)."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hostile import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory import contract_sheets, write_sheets
from followup_xl.manifest import MANIFEST

TODAY = "2026-11-25"
IV = {"Interview ID": "ACME-1", "Company": "Acme", "Position": "Clerk",
      "Interview Date": datetime(2026, 11, 24, 10, 0), "Status": "Interviewed",
      "Want Job": "Yes", "Strengths": "ten years of retail"}  # fmt: skip
CT = {"Contact ID": "C1", "Interview ID": "ACME-1", "Role": "Interviewer", "Honorific": "Ms.",
      "First Name": "Ann", "Last Name": "Lee", "Job Title": "Manager", "Phone": "555-0100",
      "Preferred Channel": "Mail", "Personal Note": "the new store"}  # fmt: skip
#: Bounds for a one-letter batch whatever its folder holds (the bad cases hung for ever or
#: grew to gigabytes).
SECONDS = 60
MIB = 500


def week(tmp_path: Path) -> tuple[Path, Path]:
    """Return a workbook and the batch folder its run wrote (one letter, a manifest)."""
    path = write_sheets(tmp_path / "t.xlsx", contract_sheets(interviews=[IV], contacts=[CT]))
    done = run_cli("run", str(path), "--today", TODAY)
    assert done.code == 0, done.err
    batch = tmp_path / f"followup {TODAY}"
    assert (batch / MANIFEST).is_file()
    return path, batch


def members(path: Path) -> dict[str, bytes]:
    """Return every member of a zip file by name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def refused(result, *words: str) -> None:
    """Assert a located refusal: exit 1, the words in the message, no traceback, in bounds."""
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err, result.err
    for word in words:
        assert word in result.err, result.err
    assert result.seconds < SECONDS and result.mib < MIB


@pytest.mark.parametrize("command", ["sent", "print"])
def test_a_manifest_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path, command: str):
    """A FIFO under the manifest's name would block a plain read for ever."""
    book, batch = week(tmp_path)
    before = book.read_bytes()
    (batch / MANIFEST).unlink()
    os.mkfifo(batch / MANIFEST)
    refused(run_cli(command, str(batch), timeout=SECONDS), MANIFEST, "named pipe")
    assert book.read_bytes() == before


@pytest.mark.parametrize("command", ["sent", "print"])
def test_a_manifest_linked_to_an_endless_device_is_refused(tmp_path: Path, command: str):
    """A symbolic link to /dev/zero: read whole, it filled the memory."""
    _, batch = week(tmp_path)
    (batch / MANIFEST).unlink()
    (batch / MANIFEST).symlink_to("/dev/zero")
    refused(run_cli(command, str(batch), timeout=SECONDS), MANIFEST, "a device")


@pytest.mark.parametrize(
    ("text", "why"),
    [("[" * 200_000 + "]" * 200_000, "nested too deeply"),
     ('{"letters": [], "print": {"order": [Infinity]}}', "Infinity")],
)  # fmt: skip
@pytest.mark.parametrize("command", ["sent", "print"])
def test_a_manifest_nested_deep_or_holding_infinity_is_a_located_error(
    tmp_path: Path, command: str, text: str, why: str
):
    """RecursionError and OverflowError tracebacks before: now one line naming the file."""
    _, batch = week(tmp_path)
    (batch / MANIFEST).write_text(text, encoding="utf-8")
    refused(run_cli(command, str(batch), timeout=SECONDS), MANIFEST, why)


def test_print_never_writes_through_a_link_left_under_its_files_names(tmp_path: Path):
    """A symbolic link where the print file or the manifest goes, pointing outside the
    folder: `print` refuses and the file outside is untouched."""
    _, batch = week(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("mine", encoding="utf-8")
    print_file = next(batch.glob("* Print all letters.docx"))
    print_file.unlink()
    print_file.symlink_to(outside)
    result = run_cli("print", str(batch), timeout=SECONDS)
    refused(result, print_file.name, "symbolic link")
    assert outside.read_text(encoding="utf-8") == "mine"
    # the old fixed temporary name of the manifest is no way out either
    print_file.unlink()
    (batch / f".{MANIFEST}.tmp").symlink_to(outside)
    result = run_cli("print", str(batch), timeout=SECONDS)
    assert result.code == 0, result.err
    assert outside.read_text(encoding="utf-8") == "mine"
    assert json.loads((batch / MANIFEST).read_text(encoding="utf-8"))["made_by"] == "followup-xl"


def test_a_huge_calendar_from_last_week_is_a_note_not_a_memory_error(tmp_path: Path):
    """Last week's followup.ics grown past the limit: not read, the run goes on."""
    book, batch = week(tmp_path)
    with (batch / "followup.ics").open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: costs no disk
    result = run_cli("run", str(book), "--today", "2026-11-27", timeout=SECONDS)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert result.mib < MIB
    assert "followup.ics" in result.out + result.err


def test_a_letter_that_is_a_fifo_is_refused_by_print(tmp_path: Path):
    """A letter's name taken by a FIFO: `print` names it instead of waiting for ever."""
    _, batch = week(tmp_path)
    letter = next(batch.glob("* Thank-you — *.docx"))
    letter.unlink()
    os.mkfifo(letter)
    refused(run_cli("print", str(batch), timeout=SECONDS), letter.name, "named pipe")


def test_two_workbooks_in_one_folder_keep_their_own_batch_folders(tmp_path: Path):
    """Two trackers beside each other run on the same day: each its own folder, manifest,
    print file and calendar; the second never replaces the first's files, and the next
    day's run cancels only its own workbook's events."""
    from icalendar import Calendar

    other = {**CT, "Contact ID": "B1", "First Name": "Bo", "Last Name": "Ek"}
    a = write_sheets(tmp_path / "a.xlsx", contract_sheets(interviews=[IV], contacts=[CT]))
    b = write_sheets(tmp_path / "b.xlsx", contract_sheets(interviews=[IV], contacts=[other]))
    for book in (a, b):
        assert run_cli("run", str(book), "--today", TODAY).code == 0
    a_dir, b_dir = tmp_path / f"followup {TODAY}", tmp_path / f"followup {TODAY} (b)"
    assert sorted(p.name for p in tmp_path.glob("followup *")) == [a_dir.name, b_dir.name]
    for folder, book, person in ((a_dir, a, "Ann Lee"), (b_dir, b, "Bo Ek")):
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        assert (folder / doc["workbook"]).resolve() == book.resolve()
        assert [e["file"] for e in doc["letters"]] == [f"{TODAY} Thank-you — Acme — {person}.docx"]
    # a rerun of the first workbook finds its own folder again
    assert run_cli("run", str(a), "--today", TODAY).code == 0
    assert sorted(p.name for p in tmp_path.glob("followup *")) == [a_dir.name, b_dir.name]

    def uids(path: Path) -> dict[str, str]:
        cal = Calendar.from_ical(path.read_bytes())
        return {str(e["uid"]): str(e.get("status", "")) for e in cal.walk("VEVENT")}

    a_events, b_events = uids(a_dir / "followup.ics"), uids(b_dir / "followup.ics")
    assert a_events and b_events and not set(a_events) & set(b_events)
    assert run_cli("run", str(a), "--today", "2026-11-26").code == 0
    a_next = uids(tmp_path / "followup 2026-11-26" / "followup.ics")
    assert set(a_events) <= set(a_next)  # a's own events, carried on
    assert not set(b_events) & set(a_next)  # b's neither cancelled nor repeated
    # `sent` on each folder records in its own workbook
    for folder, book in ((a_dir, a), (b_dir, b)):
        before = members(book)
        assert run_cli("sent", str(folder), "--date", TODAY, "--today", TODAY).code == 0
        assert members(book) != before


# --- letters edited or damaged after the run -------------------------------------------------

_VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def edit_letter(path: Path, changes: dict[str, bytes | None]) -> None:
    """Rewrite members of a letter in place: replace (bytes), drop (None) or add."""
    old = members(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {**old, **changes}.items():
            if data is not None and not (name in changes and changes[name] is None):
                zf.writestr(name, data)


def with_macros_and_links(letter: Path) -> None:
    """Save a letter as Word would a .docm renamed .docx, with a picture linked from a
    server and an INCLUDEPICTURE field fetching one."""
    parts = members(letter)
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdVba" Type="{_VBA_REL}" Target="vbaProject.bin"/>'
        '<Relationship Id="rIdFar" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/image" Target="\\\\server\\share\\logo.png" TargetMode="External"/>'
        "</Relationships>",
    )
    types = (
        parts["[Content_Types].xml"]
        .decode()
        .replace("wordprocessingml.document.main+xml", "MACRO")
        .replace("application/vnd.openxmlformats-officedocument.MACRO", _MACRO_MAIN)
    )
    types = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    body = (
        parts["word/document.xml"]
        .decode()
        .replace(
            "</w:body>",
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
            ' INCLUDEPICTURE "file:///etc/passwd" </w:instrText></w:r><w:r>'
            '<w:fldChar w:fldCharType="end"/></w:r></w:p></w:body>',
        )
    )
    edit_letter(letter, {"word/_rels/document.xml.rels": rels.encode(),
                         "[Content_Types].xml": types.encode(),
                         "word/document.xml": body.encode(),
                         "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})  # fmt: skip


def test_the_print_file_stays_a_plain_docx_whatever_a_letter_carries(tmp_path: Path):
    """A letter resaved with macros and links to elsewhere: the print file has none of them
    (Word refuses a macro-enabled .docx), and a note says what was left out."""
    _, batch = week(tmp_path)
    letter = next(batch.glob("* Thank-you — *.docx"))
    with_macros_and_links(letter)
    result = run_cli("print", str(batch), timeout=SECONDS)
    assert result.code == 0, result.err
    assert "left out of the print file (a letter carried them): macros" in result.out
    print_file = next(batch.glob("* Print all letters*.docx"))
    parts = members(print_file)
    assert not any("vba" in n.lower() for n in parts)
    assert b"macroEnabled" not in parts["[Content_Types].xml"]
    assert all(b'TargetMode="External"' not in data or b"hyperlink" in data
               for n, data in parts.items() if n.endswith(".rels"))  # fmt: skip
    assert b"INCLUDEPICTURE" not in parts["word/document.xml"]


@pytest.mark.parametrize(
    ("change", "why"),
    [({"word/styles.xml": b"<w:styles"}, "is damaged XML"),
     ({"word/numbering.xml": b"<?xml version='1.0'?><w:numbering xmlns:w='x'><w:abstractNum>"},
      "is damaged XML"),
     ({"word/settings.xml": None}, "its part word/settings.xml is missing")],
    ids=["styles", "numbering", "missing-part"],
)  # fmt: skip
def test_a_damaged_letter_is_refused_by_print_and_left_out_by_a_rerun(
    tmp_path: Path, change: dict, why: str
):
    """`print` names the damaged letter (no traceback); a same-day rerun keeps the user's
    damaged file, writes today's version beside it and prints that, with a note; `print`
    then leaves the damaged one out."""
    book, batch = week(tmp_path)
    letter = next(batch.glob("* Thank-you — *.docx"))
    edit_letter(letter, change)
    damaged = letter.read_bytes()
    refused(run_cli("print", str(batch), timeout=SECONDS), letter.name, why)
    again = run_cli("run", str(book), "--today", TODAY, timeout=SECONDS)
    assert again.code == 0, again.err
    assert "Traceback" not in again.err
    fresh = letter.with_name(letter.name.replace(".docx", " (2).docx"))
    assert f"{letter.name} is not a Word document any more" in again.out, again.out
    assert f"so the print file uses today's version, {fresh.name}" in again.out
    assert letter.read_bytes() == damaged and fresh.is_file()  # the user's file is kept
    joined = next(batch.glob("* Print all letters*.docx"))
    assert b"Ann Lee" in members(joined)["word/document.xml"]
    assert run_cli("print", str(batch), timeout=SECONDS).code == 0


def test_a_letter_that_unpacks_to_gigabytes_is_refused_in_bounded_memory(tmp_path: Path):
    """A small letter whose picture inflates a thousandfold: refused before it is read."""
    _, batch = week(tmp_path)
    letter = next(batch.glob("* Thank-you — *.docx"))
    edit_letter(letter, {"word/media/fill.png": b"\0" * (200 * 1024 * 1024)})
    assert letter.stat().st_size < 1024 * 1024
    result = run_cli("print", str(batch), timeout=SECONDS)
    refused(result, letter.name, "times bigger than it is stored")
    assert result.mib < 300


# --- manifests tampered at random ------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
_KEYS = ["made_by", "version", "workbook", "day", "letters", "print", "file", "interview_id",
         "contact_id", "action", "draft", "order", "paper", "who", "envelope_sections",
         "alternative", "print_file", "envelopes", "name", "sha256", "written"]  # fmt: skip


@pytest.fixture(scope="module")
def batch_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One real batch folder and its manifest, made once for all the examples."""
    folder = tmp_path_factory.mktemp("batch")
    _, batch = week(folder)
    return batch, (batch / MANIFEST).read_bytes()


def _tamper(doc: Any, path: list[Any], value: Any) -> Any:
    """Return doc with the value at `path` (keys and indexes, as far as they lead) replaced."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return {**doc, key: _tamper(doc.get(key), rest, value)}
    if isinstance(doc, list) and doc:
        i = key % len(doc) if isinstance(key, int) else 0
        return [*doc[:i], _tamper(doc[i], rest, value), *doc[i + 1 :]]
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.lists(st.sampled_from(_KEYS) | st.integers(0, 3), max_size=4), value=_JSON,
       command=st.sampled_from(["sent", "print"]))  # fmt: skip
def test_a_manifest_tampered_at_random_is_refused_or_used_never_a_crash(
    batch_template: tuple[Path, bytes], path: list[Any], value: Any, command: str
) -> None:
    """Any value at any place of a real manifest: `sent` and `print` record or print, or
    refuse with a located message; no traceback, and nothing outside the batch folder and
    its workbook changes."""
    from click.testing import CliRunner

    from followup_xl.cli import main

    batch, original = batch_template
    root = batch.parent
    doc = _tamper(json.loads(original), path, value)
    (batch / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    outside = {p: p.read_bytes() for p in root.iterdir() if p.is_file()}
    args = [command, str(batch)] + (["--date", TODAY, "--today", TODAY] if command == "sent"
                                    else [])  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    for p, data in outside.items():
        if p.suffix != ".xlsx":
            assert p.read_bytes() == data, p
    assert sorted(p.name for p in root.iterdir() if not p.name.endswith(".backups")) == sorted(
        [batch.name, *(p.name for p in outside)]
    )
    (batch / MANIFEST).write_bytes(original)


# --- one folder, one truth ---------------------------------------------------------------


def test_a_same_day_rerun_removes_its_own_files_that_are_no_longer_due(tmp_path: Path):
    """Switch a contact from Mail to Fax and run again: the mailed letter and its envelope
    go (the tool wrote them, nobody changed them), the fax stays; once the fax is logged as
    sent, the print file goes too, and the fax the user changed stays, with a note."""
    import openpyxl

    book, batch = week(tmp_path)
    mailed = next(batch.glob("* Thank-you — Acme — Ann Lee.docx"))
    assert next(batch.glob("* Envelopes.docx"))
    wb = openpyxl.load_workbook(book)
    ws = wb["Contacts"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Preferred Channel") + 1, value="Fax")
    ws.cell(row=2, column=header.index("Fax") + 1, value="+1 555 0101")
    wb.save(book)
    again = run_cli("run", str(book), "--today", TODAY)
    assert again.code == 0, again.err
    names = sorted(p.name for p in batch.iterdir() if not p.name.startswith("."))
    assert mailed.name not in names and not [n for n in names if "Envelopes" in n], names
    assert [n for n in names if "Thank-you fax" in n], names
    assert f"removed {mailed.name}: an earlier run's file that is no longer due" in again.out
    doc = json.loads((batch / MANIFEST).read_text(encoding="utf-8"))
    assert set(doc["files"]) == set(names) - {MANIFEST}
    # the user annotates the fax; the thank-you is then logged as sent: nothing is due today
    fax = next(batch.glob("* Thank-you fax — *.docx"))
    edit_letter(fax, {"docProps/custom.xml": b"<x/>"})
    wb = openpyxl.load_workbook(book)
    wb["Log"].append([datetime(2026, 11, 25), "ACME-1", "C1", "Thank-You Fax Sent"])
    wb.save(book)
    third = run_cli("run", str(book), "--today", TODAY)
    assert third.code == 0, third.err
    assert fax.is_file()
    assert f"{fax.name} was written by an earlier run and is no longer due, but it was changed" in (
        third.out
    )
    assert not list(batch.glob("* Print all letters*.docx"))
