"""The phrasebook file: the shipped words, a user's own file, and its checks before any letter."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
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

# --- today's words ---------------------------------------------------------------------------
# Copied once, as fixed expected data, from followup_xl/letters/phrasebook.py at 6c2c8a1 (the
# Python tuples the phrasebook file replaced). REFERRAL is left out: it was rephrased on
# purpose (see the referral tests below).

APPRECIATION = (
    "Thank you for taking the time to meet with me about {the_position}{at_company}{on_day}.",
    "I appreciated your interest in my application for {the_position}{at_company} and the "
    "time you spent with me{on_day}.",
    "Thank you for meeting with me{on_day}. I appreciated your interest in my background and "
    "the chance to learn more about {the_position}{at_company}.",
    "I am grateful for your time and for the interest you showed in my background when we "
    "discussed {the_position}{at_company}{on_day}.",
    "Thank you for the time you gave me{on_day} to talk about {the_position}{at_company}, and "
    "for your interest in my work.",
    "It was kind of you to spend time with me{on_day}, and I appreciated your interest in my "
    "application for {the_position}{at_company}.",
    "Thank you for our meeting{on_day} and for the careful attention you gave my application "
    "for {the_position}{at_company}.",
    "I want to thank you for your time{on_day} and for the thoughtful questions you asked "
    "about {the_position}{at_company}.",
)
PERSONAL = (
    "I especially enjoyed our conversation about {note}.",
    "Our discussion of {note} has stayed with me since.",
    "I particularly valued hearing your thoughts on {note}.",
    "Thank you, too, for the conversation about {note}.",
    "Talking with you about {note} was a highlight of the day.",
    "I keep coming back to what you said about {note}.",
    "Your view of {note} gave me a great deal to think about.",
    "I learned a lot from our exchange about {note}.",
)
INTEREST = (
    "Our conversation confirmed my interest in the position and in the work of {team}.",
    "I left our meeting even more interested in the role and in contributing to {team}.",
    "Everything I learned strengthened my interest in joining {team}.",
    "I remain very interested in this role and in the direction of {team}.",
    "I am keen to bring my experience to {team} and to take on this role.",
    "The more I heard about {team}, the more eager I became to contribute to its work.",
    "I am enthusiastic about the role and about what {team} is setting out to do.",
    "Seeing how {team} works made me all the more interested in joining you.",
)
INTEREST_UNSURE = (  # Want Job = Unsure: interest, stated plainly, without overstatement
    "I am interested in the role and would welcome learning more about the plans of {team}.",
    "Our conversation gave me a good picture of {team}, and I am interested in hearing more "
    "about the role.",
    "The role has my interest, and I would like to understand more about the work at {team}.",
    "I am interested in the position and would be glad to hear more about where {team} is heading.",
    "I am interested in the work of {team}, and I would be glad to explore the role further.",
    "My interest in the role has grown, and I would welcome the chance to learn more about {team}.",
    "I am interested in how the role could develop at {team}, and I would be glad to talk further.",
    "I would be glad to continue our conversation; I am interested in the role and in the "
    "work of {team}.",
)
NO_INTEREST = (  # R4: thanks and a wish to stay in touch, no claim of interest in the job
    "I enjoyed learning about {team} and the people who make it work, and I hope we can stay "
    "in touch.",
    "Learning how your team works was a pleasure, and I would welcome staying in touch.",
    "I valued everything I learned about {team}, and I hope our paths cross again.",
    "It was a pleasure to learn about your work, and I would be glad to keep in touch.",
    "Hearing about the work of {team} was time well spent, and I hope we meet again.",
    "I came away with a clear picture of {team}, and I would like us to stay in contact.",
    "Our conversation taught me a good deal about {team}, and I hope to keep the connection.",
    "I am glad to have met you and learned about {team}, and I hope we will stay in contact.",
)
STRENGTHS = (
    "As we discussed, I bring {strengths}.",
    "I would bring {strengths} to this role.",
    "In this role I would draw on {strengths}.",
    "I am confident that {strengths} would let me contribute from the start.",
    "What I offer includes {strengths}.",
    "I would put {strengths} to work for your team from the first day.",
    "My background gives me {strengths}, which fit the needs you described.",
    "You can count on me for {strengths}.",
)
STRENGTHS_NO = (  # each reads well after any NO_INTEREST sentence
    "Thank you as well for the chance to talk about {strengths}.",
    "I was glad to have the chance to talk about {strengths}.",
    "I appreciated your questions about {strengths}.",
    "I enjoyed telling you about {strengths}.",
    "It was good to compare notes on {strengths}.",
    "I valued the chance to describe {strengths}.",
    "Your questions about {strengths} were a pleasure to answer.",
    "I was pleased to talk with you about {strengths}.",
)
#: Leads for Strengths written as one full sentence (quoted as typed after the colon).
STRENGTHS_SENTENCE = (
    "To restate what I would bring:",
    "In short, what I offer:",
    "To sum up my qualifications:",
    "A brief reminder of my background:",
    "What I would bring, in a sentence:",
    "To recap my strengths:",
    "My qualifications in brief:",
    "As a reminder of what I offer:",
)
STRENGTHS_SENTENCE_NO = (
    "As we discussed:",
    "As I mentioned:",
    "To recap our conversation:",
    "In brief:",
    "For your notes:",
    "As I described:",
    "To sum up what I shared:",
    "As I said when we met:",
)
FORGOT = (
    "One thing I did not get to mention: {forgot}",
    "I would also like to add something I did not mention during the interview: {forgot}",
    "There is one more thing I meant to tell you: {forgot}",
    "I also want to add a point we did not cover: {forgot}",
    "Something I left out when we spoke: {forgot}",
    "Afterwards I noticed I had left something out: {forgot}",
    "Let me add one point that did not come up: {forgot}",
    "One more detail that may be useful: {forgot}",
)
ENCLOSED = (  # two or more enclosures
    "As you requested, I have {enclosed} the following: {items}.",
    "You will find {enclosed} the materials you asked for: {items}.",
    "I have {enclosed} the documents you asked me to send: {items}.",
    "As promised, the materials you requested are {enclosed}: {items}.",
    "Please find {enclosed} the documents we discussed: {items}.",
    "As we agreed, I have {enclosed} these documents: {items}.",
    "For your review, I have {enclosed} the following: {items}.",
    "To follow up on your request, the following are {enclosed}: {items}.",
)
ENCLOSED_ONE = (  # one enclosure: "I have enclosed my CV."
    "As you requested, I have {enclosed} {item}.",
    "You will find {item} {enclosed}.",
    "I have {enclosed} {item}, as you asked.",
    "For your review, I have {enclosed} {item}.",
    "As we agreed, I have {enclosed} {item}.",
    "I have {enclosed} {item} for you to look over.",
    "Following up on your request, I have {enclosed} {item}.",
    "Please find {item} {enclosed}.",
)
CLOSING = (
    "I look forward to hearing from you about the next steps.",
    "Please let me know if I can provide anything else. I look forward to hearing from you.",
    "Thank you again for your time and consideration. I look forward to our next conversation.",
    "I would be glad to answer any further questions, and I look forward to hearing from you.",
    "If anything else would help your decision, please let me know.",
    "I hope to hear from you soon about the next stage.",
    "Should you need more information, I am happy to provide it.",
    "Please feel free to contact me with any questions; I look forward to the next step.",
)
CLOSING_NO = (
    "Thank you again for your time and courtesy.",
    "With thanks again for your time, I wish you and your team every success.",
    "Thank you once more for a thoughtful conversation.",
    "Thank you again, and best wishes to you and your colleagues.",
    "I wish you every success with the search.",
    "My thanks again for a generous hour of your time.",
    "I send my best wishes for the work ahead.",
    "Thank you again for your openness during our meeting.",
)
DECISION = (  # the decision date is a fact every letter of the panel states, in its own words
    "I understand that a decision is expected by {decision}.",
    "I know you hope to decide by {decision}.",
    "I understand the team plans to decide by {decision}.",
    "You mentioned a decision by {decision}, and I will keep that date in mind.",
    "I note that you expect to reach a decision by {decision}.",
    "I understand the next step should be clear by {decision}.",
    "As you said, a decision should come by {decision}.",
    "I gather a decision is planned for {decision}.",
)
CARD_THANKS = (
    "Thank you for the warm welcome when I visited {team}{on_day}.",
    "Thank you for your kindness and help during my visit to {team}{on_day}.",
    "Thank you for making me feel welcome at {team}{on_day}.",
    "I appreciated your friendly help when I came to {team}{on_day}.",
    "Thank you for looking after me so well at {team}{on_day}.",
    "Many thanks for your help when I visited {team}{on_day}.",
    "Thank you for the kind reception at {team}{on_day}.",
    "I am grateful for the welcome you gave me at {team}{on_day}.",
)
CARD_PERSONAL = (
    "I enjoyed our chat about {note}.",
    "It was a pleasure talking with you about {note}.",
    "Our conversation about {note} made the wait fly by.",
    "I still smile thinking of our talk about {note}.",
    "Thank you for telling me about {note}.",
    "Hearing about {note} brightened my day.",
    "I enjoyed hearing about {note}.",
    "Our talk about {note} put me at ease.",
)
CARD_END = (
    "Your help made the visit go smoothly, and I am grateful.",
    "It made a real difference to my day.",
    "I hope to see you again soon.",
    "You made a busy day feel easy.",
    "Your kindness did not go unnoticed.",
    "It was a pleasure to meet you.",
    "I hope the rest of your week goes well.",
    "Your warmth made a good impression on me.",
)
#: Keep-in-touch (R14): how the process ended, as the start of an OUTCOME_REST sentence.
OUTCOME = {
    "Not Selected": "Although I was not chosen this time",
    "Position Filled": "Although the position has now been filled",
    "Withdrawn": "Although I withdrew from the process",
    "Offer Declined": "Although I decided not to accept the offer",
}
OUTCOME_REST = (
    "{although}, I valued meeting you and learning about your work.",
    "{although}, I am glad to have met you and heard about your work.",
    "{although}, our conversation taught me a great deal.",
    "{although}, I enjoyed getting to know you and your team.",
    "{although}, meeting you was well worth it.",
    "{although}, I came away with real respect for the work of your team.",
    "{although}, I value the time we spent together.",
    "{although}, I learned much from you about the field.",
)
KEEP_OPEN = (
    "Thank you again for considering me for {the_position}{at_company}.",
    "I appreciated being considered for {the_position}{at_company}.",
    "Thank you for the time you gave my application for {the_position}{at_company}.",
    "I am grateful for the consideration you gave me for {the_position}{at_company}.",
    "Thank you for including me in your search for {the_position}{at_company}.",
    "My thanks for considering my application for {the_position}{at_company}.",
    "I want to thank you for your part in the process for {the_position}{at_company}.",
    "Thank you for the care you took over my application for {the_position}{at_company}.",
)
NETWORK = (
    "I would like to stay in touch. I have added you to my professional network, and I hope "
    "you will keep me in yours.",
    "I hope we can stay in contact; I have added you to my network and would be glad to be "
    "part of yours.",
    "I would value keeping in touch, and I hope you will count me in your professional network.",
    "I have added you to my professional network, and I would be glad to be in yours as well.",
    "Please keep me in your network; I would be glad to stay connected.",
    "I would like us to stay connected, and I hope you will keep me in your network.",
    "Staying in touch would mean a lot to me, so I have added you to my network and hope you "
    "will add me to yours.",
    "I hope our paths keep crossing, and I would be glad to be part of your professional network.",
)
REFERRAL_PLAIN = (
    "If you know of others in your field who might welcome a conversation with me, I would be "
    "grateful for a referral or an introduction.",
    "I would welcome a referral to anyone in your field who might be glad to talk with me.",
    "Should you think of a colleague I ought to meet, a referral would be much appreciated.",
    "Any referral or introduction to people in your field would mean a great deal to me.",
    "If someone comes to mind who would be worth my speaking to, I would be grateful for a "
    "referral.",
    "I would appreciate a referral to anyone you think I should meet.",
    "A referral to a colleague who is hiring would be most welcome.",
    "If you hear of an opening elsewhere, I would be thankful for a referral.",
)
KEEP_CLOSE = (
    "Thank you for your time, and I wish you continued success.",
    "With thanks, I wish you and your team all the best.",
    "I wish you every success in the months ahead.",
    "Thank you again, and I hope to speak with you before long.",
    "All the best to you and your colleagues.",
    "I look forward to staying in touch.",
    "With my thanks and best wishes for your work.",
    "I hope we meet again soon.",
)

ORACLE: dict[str, tuple[str, ...]] = {
    "appreciation": APPRECIATION,
    "personal": PERSONAL,
    "interest": INTEREST,
    "interest_unsure": INTEREST_UNSURE,
    "no_interest": NO_INTEREST,
    "strengths": STRENGTHS,
    "strengths_no": STRENGTHS_NO,
    "strengths_sentence": STRENGTHS_SENTENCE,
    "strengths_sentence_no": STRENGTHS_SENTENCE_NO,
    "forgot": FORGOT,
    "enclosed": ENCLOSED,
    "enclosed_one": ENCLOSED_ONE,
    "closing": CLOSING,
    "closing_no": CLOSING_NO,
    "decision": DECISION,
    "card_thanks": CARD_THANKS,
    "card_personal": CARD_PERSONAL,
    "card_end": CARD_END,
    "outcome_not_selected": (OUTCOME["Not Selected"],),
    "outcome_position_filled": (OUTCOME["Position Filled"],),
    "outcome_withdrawn": (OUTCOME["Withdrawn"],),
    "outcome_offer_declined": (OUTCOME["Offer Declined"],),
    "outcome_rest": OUTCOME_REST,
    "keep_open": KEEP_OPEN,
    "network": NETWORK,
    "referral_plain": REFERRAL_PLAIN,
    "keep_close": KEEP_CLOSE,
}


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


def test_shipped_file_holds_the_words_of_the_python_tuples():
    """Moving the words into the file changed none of them (the referral aside)."""
    assert {k: v for k, v in shipped().slots.items() if k != "referral"} == ORACLE


#: Cells that reach every slot: Strengths as a list and as a sentence, none, one and two
#: enclosures, a Personal Note as a phrase and as a sentence.
CELLS = [
    ("ten years of retail management; fluent Spanish", ("List of references", "Writing sample"),
     "the new café"),
    ("I turned two failing stores around in one year.", ("CV",), "the new café"),
    ("", (), ""),
    ("ten years of retail management", ("CV",), "You made me feel welcome."),
]  # fmt: skip
DECIDE = date(2026, 12, 4)
LETTER_KINDS = [Kind.THANK_YOU_LETTER, Kind.THANK_YOU_EMAIL, Kind.THANK_YOU_FAX, Kind.NOTE_CARD,
                Kind.KEEP_IN_TOUCH]  # fmt: skip


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_letters_worded_from_the_file_equal_letters_worded_from_the_tuples(kind):
    """Every sentence of every kind, status, Want Job and panel place reads as it did."""
    tuples = Phrasebook({**ORACLE, "referral": shipped().slots["referral"]})
    checked = 0
    for status in ("Interviewed", "Not Selected", "Position Filled", "Withdrawn",
                   "Offer Declined"):  # fmt: skip
        for want in ("Yes", "No", "Unsure"):
            for strengths, enclosures, note in CELLS:
                iv = replace(INTERVIEW, status=status, want_job=want, strengths=strengths,
                             enclosures=enclosures, decision_expected=DECIDE)  # fmt: skip
                contact = replace(RENEE, personal_note=note)
                for variant in range(8):
                    data = LetterData(action(contact, kind, iv=iv), PROFILE, contact, iv, variant)
                    assert letter_context(data, TODAY) == letter_context(data, TODAY, tuples)
                    checked += 1
    assert checked == 5 * 3 * len(CELLS) * 8


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
     "slots are listed in README.md (Your own phrasebook)"),
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
    assert any(p.endswith(s) for p in text for s in CLOSING)  # a slot left out: ours
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
    ("Managed three stores.\nCut stock losses by a fifth.",
     "I would be grateful for a referral to anyone in your circle who values these strengths: "
     "managed three stores and cut stock losses by a fifth."),
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


def test_readme_documents_every_slot_and_placeholder():
    """The letters guide lists every slot with its placeholders, as the code knows them."""
    doc = (REPO / "README.md").read_text("utf-8")
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
