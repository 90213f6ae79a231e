"""The Due sheet's links to the letters: relative, URL-encoded, forward slashes on any system."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from followup_xl.xlsx.duesheet import letter_link


def test_a_letter_beside_the_workbook_is_linked_relative_to_its_folder() -> None:
    """The batch folder beside the workbook: its name and the letter's, spaces, the dash and
    accents URL-encoded."""
    folder = PurePosixPath("/home/ann/jobs")
    letter = folder / "followup 2026-12-07" / "2026-12-07 Thank-you — Renée #2.docx"
    assert letter_link(letter, folder) == (
        "followup%202026-12-07/2026-12-07%20Thank-you%20%E2%80%94%20Ren%C3%A9e%20%232.docx"
    )


def test_a_letter_in_another_folder_climbs_out_of_the_workbooks() -> None:
    """--out elsewhere on the same disk: "../" up to the common folder."""
    link = letter_link(PurePosixPath("/home/ann/out/a.docx"), PurePosixPath("/home/ann/jobs"))
    assert link == "../out/a.docx"


def test_windows_paths_are_linked_with_forward_slashes() -> None:
    """On Windows (ntpath's rules, run here): backslashes become slashes, case is ignored."""
    folder = PureWindowsPath(r"C:\Users\Ann\Jobs")
    letter = PureWindowsPath(r"c:\users\ann\jobs\followup 2026-12-07\a b.docx")
    assert letter_link(letter, folder) == "followup%202026-12-07/a%20b.docx"


def test_a_letter_on_another_windows_drive_gets_its_full_address() -> None:
    """No relative path leads from C: to D:, so the link names the file whole."""
    letter = PureWindowsPath(r"D:\letters\a b.docx")
    assert letter_link(letter, PureWindowsPath(r"C:\Users\Ann")) == "file:///D:/letters/a%20b.docx"
