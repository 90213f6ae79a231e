"""Proofreading: seeded errors are found with file and sentence; clean letters pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from docx import Document

from followup_xl import letters
from followup_xl.model import Action, Book, Contact, Interview, Kind, Profile, Status
from followup_xl.proofread import (
    Finding,
    LetterText,
    Vocabulary,
    check_panels,
    proofread_letter,
    similarity,
    write_report,
)

CLEAN = LetterText(
    file="a.docx",
    kind="letter",
    paragraphs=(
        "November 25, 2026",
        "Jordan Ellis\n42 Maple Street\nSpringfield, IL 62704",
        "Ms. Renée Dubois-Okafor\nDistrict Manager\nBarnes & Noble",
        "Dear Ms. Dubois-Okafor:",
        "Thank you for meeting with me on Tuesday about the Store Manager position. I especially "
        "enjoyed our conversation about the children's reading hour.",
        "Our conversation confirmed my interest in the position and in the work of Barnes & Noble.",
        "As we discussed, I bring ten years of retail management. One thing I did not get to "
        "mention: I speak Spanish.",
        "As you requested, I have enclosed the following: List of references.",
        "I look forward to hearing from you.",
        "Sincerely,",
        "Jordan Ellis",
        "Enclosure: List of references",
        "cc: file",
    ),
    panel="BN-1",
    contact="C-1",
    person="Ms. Renée Dubois-Okafor",
    names=("Ms.", "Renée", "Dubois-Okafor"),
    last_name="Dubois-Okafor",
    sender_name="Jordan Ellis",
    company="Barnes & Noble",
    strengths=("ten years of retail management",),
    forgot="I speak Spanish",
    enclosures=("List of references",),
    personal_note="the children's reading hour",
)
NAMES = ("Jordan", "Ellis", "Maple", "Springfield", "Renée", "Dubois-Okafor", "Barnes", "Noble")
WORDS = Vocabulary(NAMES)


def with_paragraph(letter: LetterText, index: int, text: str) -> LetterText:
    """Return the letter with one paragraph replaced."""
    paras = list(letter.paragraphs)
    paras[index] = text
    return replace(letter, paragraphs=tuple(paras))


def checks(findings: list[Finding]) -> list[tuple[str, str]]:
    """Return (rule, check) of each finding."""
    return [(f.rule, f.check) for f in findings]


def test_clean_letter_has_no_findings():
    """A correct letter passes every check."""
    assert proofread_letter(CLEAN, words=WORDS) == []


def test_misspelling_is_found_with_file_sentence_and_suggestion():
    """R6: a misspelled word, the sentence it is in, and a suggestion."""
    letter = with_paragraph(CLEAN, 8, "I look forward to recieve your answer. Thank you again.")
    [finding] = proofread_letter(letter, words=WORDS)
    assert finding.file == "a.docx"
    assert finding.sentence == "I look forward to recieve your answer."
    assert (finding.rule, finding.check) == ("R6", "spelling")
    assert '"recieve"' in finding.message and '"receive"' in finding.message


def test_workbook_names_and_user_words_are_not_misspelled():
    """Names from the workbook and the user's word list are known words."""
    letter = with_paragraph(CLEAN, 8, "I look forward to seeing the Zorblax team again.")
    assert checks(proofread_letter(letter, words=WORDS)) == [("R6", "spelling")]
    assert proofread_letter(letter, words=Vocabulary((*NAMES, "Zorblax"))) == []


def test_doubled_word_is_found():
    """R6: "the the"."""
    letter = with_paragraph(CLEAN, 8, "I look forward to hearing from the the team.")
    [finding] = proofread_letter(letter, words=WORDS)
    assert finding.check == "doubled word" and '"the the"' in finding.message
    assert finding.sentence == "I look forward to hearing from the the team."


def test_salutation_without_honorific_and_with_a_comma():
    """R9/R6: "Dear Renée Dubois-Okafor," lacks the honorific and the colon."""
    letter = with_paragraph(CLEAN, 3, "Dear Renée Dubois-Okafor,")
    found = proofread_letter(letter, words=WORDS)
    assert checks(found) == [("R9", "salutation"), ("R6", "honorific")]
    assert all(f.sentence == "Dear Renée Dubois-Okafor," for f in found)


def test_misspelled_name_in_the_salutation():
    """R6: the salutation must spell the name as the workbook does."""
    letter = with_paragraph(CLEAN, 3, "Dear Ms. Dubois-Okafur:")
    assert ("R6", "name") in checks(proofread_letter(letter, words=WORDS))


def test_closing_form():
    """R9: "sincerely" without capital and comma is reported; a missing close too."""
    letter = with_paragraph(CLEAN, 9, "sincerely")
    [finding] = proofread_letter(letter, words=WORDS)
    assert finding.check == "closing" and 'write the closing as "Sincerely,"' in finding.message
    gone = replace(CLEAN, paragraphs=tuple(p for p in CLEAN.paragraphs if p != "Sincerely,"))
    assert ("R9", "closing") in checks(proofread_letter(gone, words=WORDS))


def test_desperate_phrasing_is_found():
    """R7.3: desperate, need this job, any position, pleading, several exclamation marks."""
    text = (
        "I am desperate for work. I really need this job. I would accept any position. "
        "Please, please give me a chance!!"
    )
    letter = with_paragraph(CLEAN, 8, text)
    found = [f for f in proofread_letter(letter, words=WORDS) if f.check == "tone"]
    assert [f.sentence for f in found] == [
        "I am desperate for work.",
        "I really need this job.",
        "I really need this job.",
        "I would accept any position.",
        "Please, please give me a chance!!",
        "Please, please give me a chance!!",
        "Please, please give me a chance!!",
    ]


@pytest.mark.parametrize("kind", ["email", "letter", "card", "keep-in-touch"])
def test_slang_is_found_in_every_kind_of_letter(kind):
    """R8: slang is too casual in an email, and in a letter or card just as much."""
    text = "Hey, thanks a bunch, it was awesome and I'm gonna follow up :)"
    letter = replace(with_paragraph(CLEAN, 8, text), kind=kind)
    slang = [f.message for f in proofread_letter(letter, words=WORDS) if f.check == "slang"]
    assert [m.split('"')[1] for m in slang] == ["Hey", "thanks a bunch", "gonna", "awesome", ":)"]


def test_slang_in_a_cell_is_one_finding_naming_the_cell():
    """A casual Personal Note is reported once, at its cell, not again in each sentence."""
    note = "sooo excited lol"
    where = "Contacts!Q5 (Personal Note)"
    letter = replace(with_paragraph(CLEAN, 8, f"I enjoyed our talk: {note}."),
                     cells=((where, note),), personal_note=note)  # fmt: skip
    reported: set[str] = set()
    found = [f for f in proofread_letter(letter, words=WORDS, reported=reported)
             if f.check == "slang"]  # fmt: skip
    assert [f.message for f in found] == [f'{where}: "lol" is too casual for a letter to an '
                                          "interviewer"]  # fmt: skip
    again = proofread_letter(replace(letter, file="b.docx"), words=WORDS, reported=reported)
    assert [f for f in again if f.check == "slang"] == []


def test_a_direction_control_in_a_cell_is_one_finding_naming_it():
    """A pasted right-to-left override (U+202E) prints the rest of the line reversed."""
    note = "the \u202enew cover sheets"
    where = "Contacts!Q5 (Personal Note)"
    letter = replace(with_paragraph(CLEAN, 8, f"I enjoyed our talk about {note}."),
                     cells=((where, note),), personal_note=note)  # fmt: skip
    found = [f for f in proofread_letter(letter, words=WORDS) if f.check == "invisible character"]
    assert [f.message for f in found] == [
        f"{where}: an invisible right-to-left override (U+202E) changes the order of the text "
        "after it in print: delete it from the workbook cell"
    ]
    assert "\u202e" not in found[0].sentence  # the quote shows the text as typed, without it


def test_right_to_left_marks_in_a_name_are_no_finding():
    """U+200F (a right-to-left mark) belongs in some names: it is left alone."""
    letter = with_paragraph(CLEAN, 8, "Thank you, too, for introducing me to \u200fSara.")
    found = proofread_letter(letter, words=Vocabulary((*NAMES, "Sara")))
    assert [f for f in found if f.check == "invisible character"] == []


def test_at_and_t_is_not_a_doubled_word():
    """ "at AT&T" is a preposition and a company, not the doubled word "at AT"."""
    letter = with_paragraph(CLEAN, 8, "I led the billing team at AT&T for six years.")
    assert checks(proofread_letter(letter, words=Vocabulary((*NAMES, "AT&T")))) == []
    doubled = with_paragraph(CLEAN, 8, "I look forward to to hearing from you.")
    assert checks(proofread_letter(doubled, words=WORDS)) == [("R6", "doubled word")]


@pytest.mark.parametrize("text, shouting", [
    ("I AM SO EXCITED to hear from you.", True),
    ("I would be THRILLED to hear from you.", True),
    ("I ran SQL and AWS training at IBM.", False),
    ("I look forward to hearing from NOBLE soon.", False),  # a workbook word
])  # fmt: skip
def test_shouting_in_capitals_is_flagged_but_acronyms_are_not(text, shouting):
    """R8: capitals read as shouting; short acronyms and the workbook's own words do not."""
    found = proofread_letter(with_paragraph(CLEAN, 8, text), words=WORDS)
    assert any(f.check == "shouting" for f in found) is shouting


def test_want_job_no_letter_must_not_claim_strong_interest():
    """R4: a Want Job = No letter whose note says "would love to join" is flagged."""
    text = "I would love to join your team."
    for kind in ("letter", "card", "keep-in-touch"):
        letter = replace(with_paragraph(CLEAN, 8, text), kind=kind, wants_job=False)
        assert ("R7", "interest") in checks(proofread_letter(letter, words=WORDS))
    assert checks(proofread_letter(with_paragraph(CLEAN, 8, text), words=WORDS)) == []


def test_missing_essentials_are_each_reported():
    """R7: no thanks, no interest, a strength, the forgotten item and an enclosure missing."""
    letter = replace(
        CLEAN,
        paragraphs=(
            "Dear Ms. Dubois-Okafor:",
            "I met with you on Tuesday about the position.",
            "I bring patience.",
            "Sincerely,",
            "Jordan Ellis",
        ),
    )
    assert checks(proofread_letter(letter, words=WORDS)) == [
        ("R7", "appreciation"),
        ("R7", "interest"),
        ("R7", "interest"),  # the company is not named
        ("R7", "qualifications"),
        ("R7", "qualifications"),
        ("R7", "enclosures"),
        ("R9", "enclosures"),
    ]


def test_want_job_no_must_not_claim_interest():
    """R4: with Want Job = No, "I remain very interested" is a finding."""
    letter = replace(CLEAN, wants_job=False)
    [finding] = proofread_letter(letter, words=WORDS)
    assert finding.check == "interest" and "Want Job is No" in finding.message
    assert finding.sentence.startswith("Our conversation confirmed my interest")


def test_empty_strengths_is_reported():
    """R7.4: nothing to restate is a gap to fill."""
    letter = replace(CLEAN, strengths=())
    assert checks(proofread_letter(letter, words=WORDS)) == [("R7", "qualifications")]


def test_panel_letters_alike_once_names_are_removed():
    """R3: two letters identical except for the names are reported."""
    other = replace(
        CLEAN,
        file="b.docx",
        contact="C-2",
        person="Mr. Tom Weber",
        names=("Mr.", "Tom", "Weber"),
        last_name="Weber",
        paragraphs=tuple(
            p.replace("Dubois-Okafor", "Weber").replace("Renée", "Tom") for p in CLEAN.paragraphs
        ),  # fmt: skip
    )
    assert similarity(CLEAN, other) == 1.0
    [finding] = check_panels([CLEAN, other])
    assert (finding.rule, finding.check, finding.file) == ("R3", "individual", "a.docx")
    assert "b.docx" in finding.message


def test_missing_personal_note_is_reported():
    """R3: a thank-you without a Personal Note is not individual."""
    [finding] = check_panels([replace(CLEAN, personal_note="")])
    assert "no Personal Note" in finding.message


def test_report_names_file_and_sentence():
    """The proofreading file lists each finding with its file and sentence."""
    finding = Finding(
        "a.docx", "I recieve.", '"recieve" is not in the dictionary', "R6", "spelling"
    )
    text = write_report([finding], letters=2, day=date(2026, 11, 25))
    assert text == (
        "Proofreading of 2 letters, 2026-11-25\n1 finding:\n\n"
        'a.docx: R6 spelling: "recieve" is not in the dictionary\n    "I recieve."\n'
    )
    assert write_report([], letters=1, day=date(2026, 11, 25)) == (
        "Proofreading of 1 letter, 2026-11-25\n\nNo findings.\n"
    )


# --- through real rendering --------------------------------------------------------------------

PROFILE = Profile(name="Jordan Ellis", street="42 Maple Street", city="Springfield", state="IL",
                  zip="62704", phone="(217) 555-0143", email="jordan@example.com")  # fmt: skip
IV = Interview(row=2, interview_id="BN-1", company="Barnes & Noble", position="Store Manager",
               interview_date=date(2026, 11, 24), strengths="ten years of retail management",
               enclosures=("List of references",), company_street="555 Fifth Avenue",
               company_city="New York", company_state="NY", company_zip="10017")  # fmt: skip
C = Contact(row=2, contact_id="C-1", interview_id="BN-1", honorific="Ms.", first_name="Renée",
            last_name="Dubois-Okafor", personal_note="the reading hour")  # fmt: skip
ACT = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE, due=date(2026, 11, 25),
             why="", interview_id="BN-1", company="Barnes & Noble", contact_id="C-1",
             who="Ms. Renée Dubois-Okafor")  # fmt: skip


def test_seeded_errors_in_a_user_template_are_found(tmp_path):
    """A user's template with a typo, a doubled word and a desperate line: all reported."""
    mine = tmp_path / "mine"
    mine.mkdir()
    doc = Document()
    for text in ("{{ salutation }}", "{{ opening }}", "I am desparate to join the the team!!",
                 "{{ qualifications }}", "{{ enclosure_sentence }}", "Sincerely,",
                 "{{ sender_name }}", "{{ enclosures_line }}"):  # fmt: skip
        doc.add_paragraph(text)
    doc.save(str(mine / "thank_you_letter.docx"))
    book = Book(path="t.xlsx", profile=PROFILE, interviews=(IV,), contacts=(C,))
    batch = letters.render_letters(book, [ACT], today=date(2026, 11, 25), out_dir=tmp_path / "o",
                                   template_dir=mine)  # fmt: skip
    sentence = "I am desparate to join the the team!!"
    assert [(f.check, f.sentence) for f in batch.findings] == [
        ("spelling", sentence),
        ("doubled word", sentence),
        ("tone", sentence),
        ("interest", ""),  # the template restates no interest
    ]
    report = batch.proofreading.read_text(encoding="utf-8")
    assert "2026-11-25 Thank-you — Barnes & Noble — Renée Dubois-Okafor.docx: R6 spelling" in report
    assert f'    "{sentence}"' in report


def test_clean_rendered_letters_pass(tmp_path):
    """Our own templates, filled from a complete workbook, give no findings at all."""
    book = Book(path="t.xlsx", profile=PROFILE, interviews=(IV,), contacts=(C,))
    batch = letters.render_letters(book, [ACT], today=date(2026, 11, 25), out_dir=tmp_path)
    assert batch.findings == []
    assert batch.proofreading.read_text() == (
        "Proofreading of 1 letter, 2026-11-25\n\nNo findings.\n"
    )


def test_identical_keep_in_touch_letters_to_a_panel_are_reported():
    """R3: the sameness check covers keep-in-touch letters and cards, not only thank-yous."""
    body = ("Dear Ms. Adams:", "Thank you again for considering me.", "I hope we stay in touch "
            "and that you keep me in your network.", "Sincerely,", "Jo")  # fmt: skip
    a = LetterText(file="a.docx", kind="keep-in-touch", paragraphs=body, panel="P", contact="1",
                   names=("Ms.", "Ann", "Adams"))  # fmt: skip
    b = LetterText(file="b.docx", kind="keep-in-touch", contact="2", panel="P",
                   names=("Mr.", "Bo", "Baker"),
                   paragraphs=tuple(p.replace("Ms. Adams", "Mr. Baker") for p in body))  # fmt: skip
    assert [f.check for f in check_panels([a, b])] == ["individual"]


#: One phrase per tone pattern (desperation, then slang), in odd capitals and places.
TONE_PHRASES = [
    "I am DESPERATE.", "We need this job now", "I really need it", "open to Any Role",
    "I am begging", "please, PLEASE", "Please hire me", "I'll do anything", "anything at all",
    "I’m begging you", "my last chance", "Wow! !", "Hey Ann", "hiya", "Hi there", "thanks a ton",
    "thx", "ty!", "gonna", "wanna", "gotta", "kinda", "sorta", "Yeah", "yep", "nope", "Cool.",
    "awesome", "LOL", "btw", "FYI", "omg", "no worries", "no biggie", "Cheers,", "xoxo", "ttyl",
    "see u", "ur team", "stoked", "psyched", "whatever", "guys", "dude", "super excited",
    "great :)",
]  # fmt: skip


def test_one_search_finds_every_sentence_a_tone_pattern_finds() -> None:
    """The combined search that skips clean sentences never skips one a pattern would flag."""
    import re

    from followup_xl.proofread import _ANY_TONE, _DESPERATE, _SLANG

    patterns = [p for p, _ in _DESPERATE] + list(_SLANG)
    for p in patterns:  # the phrases cover every pattern
        assert any(re.search(p, t, re.IGNORECASE) for t in TONE_PHRASES), p
    texts = TONE_PHRASES + [f"Dear Ann, {t} — and more." for t in TONE_PHRASES]
    texts += ["Thank you for your time at Acme.", "Sincerely,", "abstract reasoning", "COOLANT"]
    for t in texts:
        hit = any(re.search(p, t, re.IGNORECASE) for p in patterns)
        assert (_ANY_TONE.search(t) is not None) == hit, t


def test_a_doubled_full_stop_is_found_wherever_it_comes_from():
    """A name ending in "." before the sentence's own full stop reads "B.V..": R6 says so."""
    letter = with_paragraph(CLEAN, 5, "Our conversation confirmed my interest in the work of "
                            "Van der Berg Logistiek B.V.. I look forward to more.")  # fmt: skip
    found = [f for f in proofread_letter(letter, words=WORDS) if f.check == "punctuation"]
    assert [f.message.split(":")[0] for f in found] == ['a doubled full stop ".."']
    ellipsis = with_paragraph(CLEAN, 5, "Our conversation confirmed my interest... truly.")
    assert not [f for f in proofread_letter(ellipsis, words=WORDS) if f.check == "punctuation"]


@pytest.mark.parametrize(
    ("sentence", "wrong"),
    [
        ("I bring a extensive background in retail.", '"a extensive" should read "an extensive"'),
        ("I led an team of twelve.", '"an team" should read "a team"'),
        ("I hold a MSc in logistics and a HR certificate.", '"a HR" should read "an HR"'),
        ("I worked a 8-hour shift.", '"a 8-hour" should read "an 8-hour"'),
        ("It was an unique chance.", '"an unique" should read "a unique"'),
    ],
)
def test_a_wrong_article_is_found(sentence, wrong):
    """ "a" before a vowel sound and "an" before a consonant sound are R6 findings."""
    letter = with_paragraph(CLEAN, 6, f"As we discussed, I bring ten years of retail management. "
                            f"{sentence}")  # fmt: skip
    found = [f.message for f in proofread_letter(letter, words=WORDS) if f.check == "article"]
    assert wrong in found


def test_right_articles_are_not_flagged():
    """An hour, a unit, an MBA-free CV, a one-off, an X-ray, a European role: all correct."""
    text = ("I spent an hour on a unit plan, a CV, an HR review, a one-off event, an X-ray "
            "scan, a European role, an 11-hour day and a university course.")  # fmt: skip
    letter = with_paragraph(CLEAN, 6, f"As we discussed, I bring ten years of retail management. "
                            f"{text}")  # fmt: skip
    assert not [f for f in proofread_letter(letter, words=WORDS) if f.check == "article"]


def test_everyday_job_words_and_other_scripts_are_not_misspellings():
    """ "app", "roadmaps", plurals of known words and an address in Chinese characters pass;
    a real misspelling next to them is still found."""
    letter = with_paragraph(
        CLEAN,
        6,
        "As we discussed, I bring ten years of retail management. "
        "I built the store's app, wrote our roadmaps and ran podcasts and "
        "webinars from our office at 北京市朝阳区 and Москва; I recieve praise.",
    )
    found = [f.message for f in proofread_letter(letter, words=WORDS) if f.check == "spelling"]
    assert len(found) == 1 and found[0].startswith('"recieve" is not in the dictionary')
