"""The phrasebook file: the shipped words, a user's own file, and its checks before any letter."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_letters import (
    INTERVIEW,
    PROFILE,
    RENEE,
    TODAY,
    _body_sentences,
    _panel,
    action,
    make_book,
    paragraphs,
    render,
)

from followup_xl.cli import main
from followup_xl.letters import LetterData, letter_context
from followup_xl.letters.phrasebook import (
    MAX_BYTES,
    MAX_LINE,
    PHRASEBOOK,
    SLOTS,
    Phrasebook,
    load_phrasebook,
    placeholders,
)
from followup_xl.model import Kind
from followup_xl.newbook import write_workbook

REPO = Path(__file__).resolve().parents[1]


def shipped() -> Phrasebook:
    """Return the phrasebook as installed."""
    return load_phrasebook()


def test_shipped_phrasebook_has_every_slot_with_eight_different_phrasings():
    """The installed phrasebook.txt loads, has every slot, eight distinct phrasings in each."""
    book = shipped()
    assert list(book.slots) == list(SLOTS)
    for slot, phrasings in book.slots.items():
        expected = 1 if slot.startswith("outcome_") and slot != "outcome_rest" else 8
        assert len(set(phrasings)) == len(phrasings) == expected, slot


# --- a user's phrasebook, checked through the real CLI ------------------------------------------


def example_workbook(tmp_path: Path) -> Path:
    """Return the example workbook, whose run on TODAY writes letters of every kind."""
    workbook = tmp_path / "tracker.xlsx"
    write_workbook(workbook, example=True, today=TODAY)
    return workbook


def user_folder(tmp_path: Path, data: bytes) -> Path:
    """Return a --templates folder holding only a phrasebook.txt with these bytes."""
    folder = tmp_path / "my templates"
    folder.mkdir()
    (folder / PHRASEBOOK).write_bytes(data)
    return folder


LONG_FILE = b"# " + b"x" * (10 * MAX_BYTES) + b"\n"
LONG_LINE = b"[closing]\nI look forward to hearing from you" + b" very much" * 100 + b".\n"
BROKEN = [
    (b"# my words\n[interest]\nI am keen to join {teem}.\n",
     "phrasebook.txt line 3: unknown placeholder {teem} in [interest] (did you mean {team}?); "
     "the placeholders of this slot are {team}, {the_position}, {at_company}, {on_day}"),
    (b"[personal]\nI liked our talk about {note.\n",
     "phrasebook.txt line 2: unbalanced braces in [personal]: every { needs a } after the "
     "placeholder's name, such as {note}; braces cannot stand alone in a phrasing"),
    (b"[decision]\nWe decide by {{decision}}.\n",
     "phrasebook.txt line 2: double braces in [decision]; a placeholder has single braces, "
     "such as {decision}, not {{decision}}"),
    (b"[closing]\n\n# nothing yet\n[card_end]\nSee you soon.\n",
     "phrasebook.txt line 1: [closing] has no phrasing; write at least one sentence under it, "
     "one per line, or delete the heading to keep the shipped wording"),
    (b"\n[apreciation]\nThanks for meeting me.\n",
     "phrasebook.txt line 2: unknown slot [apreciation] (did you mean [appreciation]?); the "
     "slots are listed in docs/templates.md (Your own phrasebook)"),
    (b"Thanks for meeting me.\n[appreciation]\nThanks for meeting me.\n",
     "phrasebook.txt line 1: a phrasing before any [slot] heading; put it under the heading "
     "of its slot, such as [appreciation]"),
    ("[card_end]\nÀ bientôt.\n".encode("cp1252"),
     "phrasebook.txt line 2 is not UTF-8 text (byte 0xC0): save the phrasebook as UTF-8 (in "
     "Notepad: Save As, Encoding: UTF-8) and run again"),
    (b"[card_end]\nSee you\x01 soon.\n",
     "phrasebook.txt line 2 holds the control character U+0001: delete it (retype the line if "
     "you cannot see it)"),
    (b"[closing\nSee you soon.\n",
     'phrasebook.txt line 1: a slot heading is a name in square brackets on a line of its own, '
     'such as [appreciation]; this line is "[closing"'),
    (LONG_FILE,
     f"phrasebook.txt is larger than {MAX_BYTES:,} bytes, the most a phrasebook may be: keep "
     "only the slots you change"),
    (LONG_LINE,
     f"phrasebook.txt line 2 is {len(LONG_LINE) - 11:,} characters long; a phrasing may be at "
     f"most {MAX_LINE:,}: split it into shorter sentences"),
]  # fmt: skip


@pytest.mark.parametrize("data, message", BROKEN)
def test_a_broken_user_phrasebook_stops_check_and_run_before_anything_is_written(
    tmp_path, data, message
):
    """check and run name the line and the fix, exit 1, and leave every file as it was."""
    workbook = example_workbook(tmp_path)
    before = workbook.read_bytes()
    folder = user_folder(tmp_path, data)
    listing = sorted(p.name for p in tmp_path.iterdir())

    checked = CliRunner().invoke(main, ["check", str(workbook), "--templates", str(folder)])
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        f"error: {folder}{os.sep}{message}",
        "1 problem(s) to fix before a run.",
    ]
    ran = CliRunner().invoke(main, ["run", str(workbook), "--today", TODAY.isoformat(),
                                    "--templates", str(folder)])  # fmt: skip
    assert ran.exit_code == 1
    assert ran.output == f"Error: the phrasebook in {folder} has problems:\n{message}\n"
    assert workbook.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no letters folder


@pytest.mark.parametrize("name", ["phrasebook.txt.txt", "Phrasebook.txt", "phrasebook.rtf"])
def test_a_phrasebook_under_another_name_is_not_silently_ignored(tmp_path, name):
    """Windows hid the extension, or Word saved it: the run says so rather than use ours."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / name).write_text("[closing]\nThank you again.\n", "utf-8")
    if (folder / PHRASEBOOK).is_file():
        pytest.skip("a file system that ignores case finds Phrasebook.txt as phrasebook.txt")
    workbook = example_workbook(tmp_path)
    ran = CliRunner().invoke(main, ["run", str(workbook), "--today", TODAY.isoformat(),
                                    "--templates", str(folder)])  # fmt: skip
    assert ran.exit_code == 1
    assert ran.output == (
        f"Error: the phrasebook in {folder} has problems:\n{name}: only a plain text file named "
        "exactly phrasebook.txt is read as the phrasebook; rename it, or save it again as plain "
        "text (UTF-8) named phrasebook.txt\n"
    )
    assert not (tmp_path / f"followup {TODAY.isoformat()}").exists()


def test_every_problem_of_a_phrasebook_is_listed_in_line_order(tmp_path):
    """One run lists all of a file's problems at once, as a user reads the file."""
    folder = user_folder(tmp_path, b"[interest]\n{teem} {x\n[closing]\n[Closin]\nHi.\n")
    ran = CliRunner().invoke(main, ["run", str(example_workbook(tmp_path)), "--today",
                                    TODAY.isoformat(), "--templates", str(folder)])  # fmt: skip
    assert ran.exit_code == 1
    assert [line.split(":")[0] for line in ran.output.splitlines()[1:]] == [
        "phrasebook.txt line 2", "phrasebook.txt line 2", "phrasebook.txt line 3",
        "phrasebook.txt line 4",
    ]  # fmt: skip


def test_check_with_good_templates_folder_says_ready(tmp_path):
    """A correct user phrasebook passes `check --templates`."""
    workbook = example_workbook(tmp_path)
    folder = user_folder(tmp_path, b"[closing]\nThank you again.\n")
    checked = CliRunner().invoke(main, ["check", str(workbook), "--templates", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert checked.output == "tracker.xlsx is ready to run.\n"


def test_a_user_phrasebook_rewords_the_letters_and_keeps_the_rest(tmp_path):
    """A Notepad file (BOM, CRLF) with one slot changes that sentence; the others stay ours."""
    workbook = example_workbook(tmp_path)
    mine = (
        "# my words\r\n[Appreciation]\r\n"
        "Many thanks for seeing me about {the_position}{at_company}{on_day}.\r\n"
    )
    folder = user_folder(tmp_path, b"\xef\xbb\xbf" + mine.encode("utf-8"))
    ran = CliRunner().invoke(main, ["run", str(workbook), "--today", TODAY.isoformat(),
                                    "--templates", str(folder)])  # fmt: skip
    assert ran.exit_code == 0, ran.output
    out = tmp_path / f"followup {TODAY.isoformat()}"
    letter = out / f"{TODAY.isoformat()} Thank-you — Hart & Lowe Books — Daniel O'Brien.docx"
    text = paragraphs(letter)
    assert text[text.index("Dear Mr. O'Brien:") + 1].startswith(
        "Many thanks for seeing me about the Marketing Coordinator position at Hart & Lowe "
        "Books on Tuesday, November 24. "
    )
    closing = shipped().slots["closing"]
    assert any(p.endswith(s) for p in text for s in closing)  # a slot left out: ours
    assert "No findings." in (out / f"{TODAY.isoformat()} Proofreading.txt").read_text("utf-8")


def test_one_phrasing_per_slot_makes_panel_letters_alike_and_proofreading_says_so(tmp_path):
    """Fewer phrasings than panel members repeat sentences; the sameness check names them."""
    one = "".join(f"[{slot}]\n{p[0]}\n" for slot, p in shipped().slots.items())
    folder = user_folder(tmp_path, one.encode("utf-8"))
    members = _panel(3)
    acts = [action(c) for c in members]
    batch = render(tmp_path, make_book(*members), *acts, template_dir=folder)
    bodies = [_body_sentences(batch.files[a.key]) for a in acts]
    assert bodies[0] & bodies[1] & bodies[2]  # the same sentences in all three
    alike = [f.message for f in batch.findings if f.check == "individual"]
    assert len(alike) == 3 and all(" like 2026-11-25 Thank-you — " in m for m in alike)


# --- the referral request reads as English with any Strengths -------------------------------

#: Strengths as users type them, and the referral sentence each gives (the panel place of
#: Renée picks the fourth phrasing of [referral] and [referral_plain]).
REFERRALS = [
    ("ten years of retail management; fluent Spanish",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "ten years of retail management and fluent Spanish."),
    ("Python; SQL; Team leadership",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "Python, SQL, and team leadership."),
    ("Patience",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "patience."),
    ("Bilingual, organized and calm under pressure",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "bilingual, organized and calm under pressure."),
    # what the user did reads badly after "who values these strengths:"
    ("Managed three stores.\nCut stock losses by a fifth.",
     "Any referral or introduction to people in your field would mean a great deal to me."),
    ("I speak three languages",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "I speak three languages."),
    # a whole sentence, several sentences, a long paragraph: the referral names no Strengths
    ("I turned two failing stores around in one year.",
     "Any referral or introduction to people in your field would mean a great deal to me."),
    ("Managed three stores. Cut stock losses by a fifth",
     "Any referral or introduction to people in your field would mean a great deal to me."),
    ("Over the last ten years I have run stores of every size, from a small village shop to a "
     "flagship with sixty staff, and I have trained more managers than I can count",
     "Any referral or introduction to people in your field would mean a great deal to me."),
    ("",
     "Any referral or introduction to people in your field would mean a great deal to me."),
]  # fmt: skip


@pytest.mark.parametrize("strengths, sentence", REFERRALS)
def test_referral_request_reads_as_a_sentence_with_any_strengths(tmp_path, strengths, sentence):
    """R14: the keep-in-touch letter's referral sentence, read back from the .docx."""
    iv = replace(INTERVIEW, status="Not Selected", strengths=strengths, enclosures=())
    act = action(RENEE, Kind.KEEP_IN_TOUCH, iv=iv)
    batch = render(tmp_path, make_book(RENEE, interview=iv), act)
    assert sentence in paragraphs(batch.files[act.key])
    assert [f for f in batch.findings if f.check != "individual"] == []


def test_eight_keep_in_touch_letters_ask_for_referrals_in_eight_ways(tmp_path):
    """A Not Selected panel of eight: eight referral sentences, no sentence shared."""
    iv = replace(INTERVIEW, status="Not Selected", enclosures=())
    members = _panel(8)
    acts = [action(c, Kind.KEEP_IN_TOUCH, iv=iv) for c in members]
    batch = render(tmp_path, make_book(*members, interview=iv), *acts)
    bodies = [_body_sentences(batch.files[a.key]) for a in acts]
    referrals = {s for body in bodies for s in body if "referral" in s}
    assert len(referrals) == 8
    assert all(s.endswith(": ten years of retail management and fluent Spanish.")
               for s in referrals)  # fmt: skip
    for i, a in enumerate(bodies):
        for b in bodies[i + 1 :]:
            assert a & b == set()


# --- documented and shipped ------------------------------------------------------------------


def test_the_docs_document_every_slot_and_placeholder():
    """The letters guide lists every slot with its placeholders, as the code knows them."""
    doc = (REPO / "docs" / "templates.md").read_text("utf-8")
    for slot in SLOTS:
        assert f"`[{slot}]`" in doc, slot
        line = next(ln for ln in doc.splitlines() if ln.startswith(f"| `[{slot}]`"))
        assert all(f"`{{{p}}}`" in line for p in SLOTS[slot]), slot
    for name in placeholders("appreciation"):
        assert f"`{{{name}}}`" in doc


def test_shipped_file_is_what_the_letter_templates_readme_mentions():
    """letter_templates/README.md tells a user the phrasebook is there."""
    assert PHRASEBOOK in (REPO / "letter_templates" / "README.md").read_text("utf-8")


def test_a_phrasebook_full_of_mistakes_lists_the_first_twenty(tmp_path):
    """A file pasted from elsewhere gives a readable error: twenty problems, the rest counted."""
    folder = user_folder(tmp_path, b"[closing]\n" + b"Thanks, {name}.\n" * 30)
    checked = CliRunner().invoke(main, ["check", str(example_workbook(tmp_path)), "--templates",
                                        str(folder)])  # fmt: skip
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    assert len(lines) == 22
    assert lines[19].startswith(f"error: {folder}{os.sep}phrasebook.txt line 21: unknown ")
    assert lines[20:] == ["error: … and 10 more problem(s)", "30 problem(s) to fix before a run."]


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once():
    """ "…position at Van der Berg Logistiek B.V." takes no second full stop, in any slot."""
    from followup_xl.letters.phrasebook import fill

    values = {"at_company": " at Van der Berg Logistiek B.V.", "on_day": "", "team": "Yahoo!"}
    assert fill("Thank you for meeting me{at_company}{on_day}.", values) == (
        "Thank you for meeting me at Van der Berg Logistiek B.V."
    )
    assert fill("I am keen to join {team}.", values) == "I am keen to join Yahoo!"
    assert fill("I met you{on_day}.", values) == "I met you."
    iv = replace(INTERVIEW, company="Van der Berg Logistiek B.V.", decision_expected=None)
    for variant in range(8):
        data = LetterData(action(RENEE, iv=iv), PROFILE, RENEE, iv, variant)
        ctx = letter_context(data, TODAY)
        texts = [v for v in ctx.values() if isinstance(v, str)]
        assert not [t for t in texts if "B.V.." in t], variant
