"""Proofread rendered letters (R6, R7, R8) and compare a panel's letters (R3).

Works on the text read back from the rendered files, so it checks user-edited templates as
well as ours. Spelling uses pyspellchecker's English dictionary plus the workbook's own
names, companies and titles, followup_xl/data/words.txt and the user's word list.

One job: the checks share the sentence splitting and the findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from importlib.resources import files
from typing import TYPE_CHECKING

from .names import SALUTATION_WORDS, family_first

if TYPE_CHECKING:
    from spellchecker import SpellChecker

#: Complimentary closes accepted in a business letter (R9), each followed by a comma.
CLOSINGS = (
    "Sincerely", "Sincerely yours", "Yours sincerely", "Yours truly", "Respectfully",
    "Respectfully yours", "Best regards", "Kind regards", "Regards", "Yours faithfully",
)  # fmt: skip
#: Closes accepted on a note card or in an email besides the letter ones.
CARD_CLOSINGS = ("With thanks", "With many thanks", "Warm regards", "Warmly", "Thank you",
                 "Many thanks", "Best wishes", "All the best")  # fmt: skip
#: How similar two panel letters may be, names removed, before R3 warns.
SAMENESS_LIMIT = 0.85
#: Longest quotation of a sentence in a finding; longer ones are quoted around the problem.
MAX_QUOTE = 160
#: Findings of one check listed per letter; the rest are counted in one more finding.
MAX_PER_CHECK = 10
#: Words listed by name in the one spelling finding of a workbook cell.
MAX_LISTED = 8

_DESPERATE = (
    (r"\bdesperat\w*", "sounds desperate"),
    (r"\bneed (?:this|the|a|that) (?:job|position|role|work)\b", "sounds desperate"),
    (r"\b(?:really|badly|truly) need\b", "sounds desperate"),
    (r"\bany (?:position|job|role|opening|vacancy)\b", "asks for any position: sounds desperate"),
    (r"\bbeg(?:ging|ged)?\b", "pleading"),
    (r"\bplease,? please\b", "pleading"),
    (r"\bplease (?:give|hire|consider) me\b", "pleading"),
    (r"\bi(?:'|’)?ll do anything\b|\bi will do anything\b", "pleading"),
    (r"\banything at all\b", "pleading"),
    (r"\bi(?: am|'m|’m) begging\b", "pleading"),
    (r"\bmy last (?:chance|hope)\b", "sounds desperate"),
    (r"!\s*!", "several exclamation marks in a row"),
)
_SLANG = (
    r"\bhey\b", r"\bhiya\b", r"\bhi there\b", r"\bthanks a (?:bunch|ton|million)\b", r"\bthx\b",
    r"\bty\b", r"\bgonna\b", r"\bwanna\b", r"\bgotta\b", r"\bkinda\b", r"\bsorta\b",
    r"\byeah\b", r"\byep\b", r"\bnope\b", r"\bcool\b", r"\bawesome\b", r"\blol\b", r"\bbtw\b",
    r"\bfyi\b", r"\bomg\b", r"\bno worries\b", r"\bno biggie\b", r"\bcheers\b", r"\bxoxo\b",
    r"\bttyl\b", r"\bu\b", r"\bur\b", r"\bstoked\b", r"\bpsyched\b", r"\bwhatever\b",
    r"\bguys\b", r"\bdude\b", r"\bsuper excited\b", r"(?<!\w)[:;]-?[)(DPp](?!\w)",
)  # fmt: skip
#: The tone patterns compiled once, and all of them as one search: most sentences match none.
_DESPERATE_RE = tuple((re.compile(p, re.IGNORECASE), why) for p, why in _DESPERATE)
_SLANG_RE = tuple(re.compile(p, re.IGNORECASE) for p in _SLANG)


def _alternation(pattern: str) -> bool:
    """Return True when a pattern has a | outside any group (or a construct not read here)."""
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return depth != 0 or in_class


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    """Return one search that matches where any of the patterns would.

    The patterns that start with \\b (and have no top-level |) share one \\b, so the
    alternatives are tried at word boundaries only; `\\b(?:a|b)` matches as `\\ba|\\bb`.
    """
    shared = [p.startswith(r"\b") and not _alternation(p) for p in patterns]
    bounded = [p[2:] for p, ok in zip(patterns, shared, strict=True) if ok]
    rest = [p for p, ok in zip(patterns, shared, strict=True) if not ok]
    branches = [r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")"]
    return re.compile("|".join(branches + [f"(?:{p})" for p in rest]), re.IGNORECASE)


_ANY_TONE = _any_of([p for p, _ in _DESPERATE] + list(_SLANG))
_APPRECIATION = re.compile(r"\b(thank|thanks|appreciat\w*|grateful|gratitude)\b", re.IGNORECASE)
_INTEREST = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?interest\b|\binterested\b|\benthusias\w*|\beager\w*|\bexcited\b"
    r"|\bkeen\b",
    re.IGNORECASE,
)
#: A letter of the Latin script (English, and the accented letters of names like Renée).
_LATIN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(]?[A-Z0-9])")
# a word, then the same word again; "at AT&T" is not one (AT is part of a longer token)
_DOUBLED = re.compile(r"(?<![\w&'’-])([^\W\d_]+)\s+\1(?![\w&'’-])", re.IGNORECASE)
#: Strong claims of interest, wrong in a letter whose Want Job is No (R4).
_STRONG_INTEREST = (
    r"\bwould (?:love|really like) to (?:join|work|be part)\b",
    r"\b(?:my )?dream (?:job|role|position|company|employer)\b",
    r"\bcan(?:no|'|’)?t wait to (?:join|start|work|hear)\b",
    r"\bperfect (?:fit|job|role|match)\b",
    r"\bnothing (?:would|could) make me happier\b",
)
#: Three or more words in capitals in a row ("I AM SO EXCITED" without its "I").
_CAPS_RUN = re.compile(r"\b[A-Z]{2,}(?:[^\w&]+[A-Z]{2,}\b){2,}(?![&\w])")
_DOUBLE_OK = {"had", "that"}
#: Two full stops in a row ("B.V.."), or one after "!" or "?"; an ellipsis ("...") is not one.
_DOUBLE_STOP = re.compile(r"(?<![.…])(?:\.\.|[!?]\.)(?![.…])")
#: An article and the word after it ("a apple", "an SQL report").
_ARTICLE = re.compile(r"(?<![\w&'’.-])(a|an|A|An)\s+([^\W_][\w'’-]*)")
#: Words spelled with a vowel but said with a consonant first ("a unit", "a one-off").
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "ura", "ure", "uro", "ubi", "uku", "eu", "ewe",
                    "one", "once")  # fmt: skip
#: Words spelled with "u" and said with a vowel first ("an unusual", "an upper").
_VOWEL_SOUND_U = ("un", "up", "ug", "umb", "ult", "utt", "ush")
#: Words spelled with "h" and said with a vowel first ("an hour", "an honest").
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
#: Letters whose names start with a vowel sound ("an MBA", "an HR team"), read out one by one.
_VOWEL_LETTERS = "AEFHILMNORSX"


@dataclass(frozen=True)
class Finding:
    """One proofreading finding: which file, which sentence, what is wrong, which rule."""

    file: str
    sentence: str
    message: str
    rule: str = "R6"
    check: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        said = f'\n    "{self.sentence}"' if self.sentence else ""
        return f"{where}{self.rule} {self.check}: {self.message}{said}"


@dataclass(frozen=True)
class LetterText:
    """A rendered letter's text and what the workbook says it must contain."""

    file: str
    kind: str  # "letter" (thank-you letter or fax), "email", "card", "keep-in-touch"
    paragraphs: tuple[str, ...]
    panel: str = ""
    contact: str = ""
    person: str = ""
    names: tuple[str, ...] = ()
    last_name: str = ""
    sender_name: str = ""
    company: str = ""
    wants_job: bool = True
    strengths: tuple[str, ...] = ()
    forgot: str = ""
    enclosures: tuple[str, ...] = ()
    personal_note: str = ""
    #: "en-GB" for British-style senders: British spelling accepted, "Dear Dr Lee,"
    language: str = "en-US"
    #: (where, text) of the workbook cells whose text is in the letter, e.g.
    #: ("Contacts!Q5 (Personal Note)", "…"): each is spell-checked once, as one finding
    cells: tuple[tuple[str, str], ...] = ()

    @property
    def thank_you(self) -> bool:
        """Return True for the letters R7's five essentials apply to."""
        return self.kind in ("letter", "email")


# --- dictionary ------------------------------------------------------------------------------


def _word_list(name: str) -> frozenset[str]:
    """Return the lower-case words of a word list in followup_xl/data ("#" starts a comment)."""
    # package data: a missing file is a broken install and fails loudly, never an empty list
    lines = (files("followup_xl") / "data" / name).read_text("utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


#: Words the English dictionary lacks that letters use (data/words.txt), read on import.
EXTRA_WORDS = _word_list("words.txt")
#: Word beginnings spelled -our in British English (colour, favourite, honourable, …).
_OUR_STEMS = (
    "color", "honor", "favor", "labor", "neighbor", "behavior", "humor", "flavor", "rumor",
    "harbor", "endeavor", "vapor", "vigor", "rigor", "armor", "candor", "clamor", "parlor",
    "splendor", "odor", "valor", "savior", "savor", "fervor", "demeanor", "tumor",
)  # fmt: skip
#: Words spelled -re in British English (centre, theatre, …), with their -s and -d forms.
_RE_STEMS = ("center", "theater", "fiber", "liter", "caliber", "somber", "luster", "saber",
             "meager", "specter", "centimeter", "kilometer", "millimeter")  # fmt: skip
#: The British spellings no rule makes: the -re words above and data/british.txt's
#: (programme, cheque, …).
_BRITISH_LISTED = _word_list("british.txt") | {
    stem[:-2] + "re" + end for stem in _RE_STEMS for end in ("", "s", "d")
}
#: How British English respells the end of an American word: (the American ending, the
#: British one, the way back). A word is a British spelling when the way back gives a word
#: of the dictionary that the rule turns into it (organisation, analysed, travelled, catalogue).
_BRITISH_RULES = tuple(
    (re.compile(us), gb, re.compile(back), us_again)
    for us, gb, back, us_again in (
        (r"iz(e|es|ed|ing|ation|ations|er|ers)$", r"is\1",
         r"is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"),
        (r"yz(e|es|ed|ing|er|ers)$", r"ys\1", r"ys(e|es|ed|ing|er|ers)$", r"yz\1"),
        (r"([aeiou])l(ed|ing|er|ers|or|ors)$", r"\1ll\2",
         r"([aeiou])ll(ed|ing|er|ers|or|ors)$", r"\1l\2"),
        (r"(catal|dial|anal|prol|epil)og(s?)$", r"\1ogue\2",
         r"(catal|dial|anal|prol|epil)ogue(s?)$", r"\1og\2"),
    )
)  # fmt: skip


def british_spelling(word: str, dictionary: Container[str]) -> bool:
    """Return True when a lower-case word is the British spelling of an American word of
    `dictionary` (organisation, colour, centre, catalogue, travelled) or a listed one
    (programme, cheque)."""
    if word in _BRITISH_LISTED:
        return True
    for us, gb, back, us_again in _BRITISH_RULES:
        american = back.sub(us_again, word)
        if american != word and american in dictionary and us.sub(gb, american) == word:
            return True
    for stem in _OUR_STEMS:
        british = stem[:-2] + "our"
        if word.startswith(british) and stem + word[len(british) :] in dictionary:
            return True
    return False


def _norm(word: str) -> str:
    word = word.replace("’", "'").lower()
    return word[:-2] if word.endswith("'s") else word


def words_of(texts: Iterable[str]) -> set[str]:
    """Return the lower-case words of some texts (how a word list is read).

    The texts are searched as one, a line apart (no word runs across a line break), and each
    distinct word is normalised once: a workbook's 250,000 names hold a few thousand words.
    """
    return {_norm(w) for w in set(_WORD.findall("\n".join(t for t in texts if t)))}


class _Known(set):
    """The words of one letter that are fine, on top of what the batch's vocabulary knows."""

    def __init__(self, vocabulary: Vocabulary, british: bool) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.british = british
        self.words = vocabulary.words

    def __contains__(self, word: object) -> bool:
        return (
            word in self.words
            or super().__contains__(word)
            or (self.british and isinstance(word, str) and self.vocabulary.knows(word, True))
        )


class Vocabulary:
    """One batch's dictionary: pyspellchecker's English one, loaded when the batch first asks
    (it takes a quarter of a second), and the words the batch knows besides (workbook names,
    word lists).

    Pass one to proofread_letter for every letter of a batch: the dictionary is loaded and the
    workbook's words are normalised once per batch, not once per letter; all of it, and each
    word's verdict, is dropped with the batch.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words = frozenset(words_of(words))
        self._speller: SpellChecker | None = None
        #: (word as written, British?) -> its verdict (see verdict), for the batch's letters
        self._verdicts: dict[tuple[str, bool], tuple[str, bool, bool]] = {}
        #: text -> what its tone checks find in the text alone (see tone)
        self._tones: dict[str, _Tone] = {}

    @property
    def speller(self) -> SpellChecker:
        """Return the English spell checker, loaded on first use."""
        if self._speller is None:
            from spellchecker import SpellChecker

            # distance 1 keeps suggestions fast (distance 2 costs seconds per long word)
            self._speller = SpellChecker(language="en", distance=1)
        return self._speller

    def knows(self, word: str, british: bool = False) -> bool:
        """Return True for a known (lower-case) word: the batch's own, or in a British-style
        letter a British spelling of a dictionary word."""
        return word in self.words or (
            british and british_spelling(word, self.speller.word_frequency.dictionary)
        )

    def unknown(self, word: str) -> bool:
        """Return True when the dictionary lacks a (normalised) word."""
        return bool(self.speller.unknown([word]))

    def suggestion(self, word: str) -> str:
        """Return ' (did you mean "…"?)' with the dictionary's best guess, or ""."""
        try:
            best = self.speller.correction(_norm(word))
        except Exception:  # pragma: no cover - the speller's own edge cases
            best = None
        return f' (did you mean "{best}"?)' if best and best != _norm(word) else ""

    def verdict(self, word: str, british: bool) -> tuple[str, bool, bool]:
        """Return a word's lower-case form, whether the batch knows it (too short, a known or
        extra word), and whether it is a misspelling otherwise; worked out once per batch."""
        key = (word, british)
        found = self._verdicts.get(key)
        if found is None:
            w = _norm(word)
            fine = len(w) < 2 or w in EXTRA_WORDS or self.knows(w, british)
            found = self._verdicts[key] = (w, fine, not fine and self._misspelling(word, w))
        return found

    def _misspelling(self, word: str, w: str) -> bool:
        """Return True when a word (`w` lower-case) is one the dictionary does not know."""
        if word.isupper() or any(c.isupper() for c in word[1:]):
            return False  # acronyms and CamelCase names (SQL, GitHub): not dictionary words
        if not _LATIN.search(word):
            return False  # 北京市朝阳区, Москва: an English dictionary has nothing to say of them
        # a plural of a known word (podcasts, dashboards) is known
        unknown = self.unknown
        return unknown(w) and not (w.endswith("s") and len(w) > 3 and not unknown(w[:-1]))

    def tone(self, text: str) -> _Tone:
        """Return what the tone checks find in a text alone, once per batch for the same text
        (the letters share many sentences)."""
        found = self._tones.get(text)
        if found is None:
            hits: list[tuple[str, str, str, str]] = []
            if _ANY_TONE.search(text) is not None:
                for pattern, why in _DESPERATE_RE:
                    if hit := pattern.search(text):
                        hits.append((hit[0], f'"{hit[0]}": {why}', "R7", "tone"))
                for pattern in _SLANG_RE:
                    if hit := pattern.search(text):
                        hits.append((hit[0], f'"{hit[0]}" is too casual for a letter to an '
                                     "interviewer", "R8", "slang"))  # fmt: skip
            shout = _CAPS_RUN.search(text)
            capitals = [w for w in _WORD.findall(text) if len(w) >= 5 and w.isupper()]
            found = self._tones[text] = _Tone(hits, shout[0] if shout else None, capitals)
        return found


@dataclass(frozen=True)
class _Tone:
    """What the tone checks find in a text before the letter's known words are asked."""

    hits: list[tuple[str, str, str, str]]  # desperation and slang: (excerpt, why, rule, check)
    shout: str | None  # the first run of words in capitals
    capitals: list[str]  # the words of five or more capitals, in order


def misspelled(words: Iterable[str], known: _Known) -> list[str]:
    """Return the words that are in neither the dictionary nor `known`, in first-seen order
    (the first spelling of a word decides for the letter)."""
    out: list[str] = []
    seen: set[str] = set()
    for word in words:
        w, fine, wrong = known.vocabulary.verdict(word, known.british)
        if fine or w in seen or w in known:
            continue
        seen.add(w)
        if wrong:
            out.append(word)
    return out


# --- one letter ------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (line breaks end a sentence too)."""
    out: list[str] = []
    for line in text.splitlines():
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def article_for(word: str) -> str:
    """Return the article a word takes ("a" or "an"), or "" when its sound is unclear (an
    acronym said as a word, such as NATO, or a symbol)."""
    if word[:1].isdigit():
        digits = re.match(r"[\d,]*", word)[0].replace(",", "")  # type: ignore[index]
        eleven = digits[:2] in ("11", "18") and len(digits) % 3 == 2
        return "an" if digits.startswith("8") or eleven else "a"
    letters = word.split("-")[0]
    if len(letters) > 1 and letters.isupper():
        # an acronym with no vowel is read out letter by letter ("an HR", "a CV")
        if any(c in "AEIOUY" for c in letters) or letters == "SQL":
            return ""
        return "an" if letters[0] in _VOWEL_LETTERS else "a"
    if len(letters) == 1:  # a letter said by its name ("an X-ray", "a U-turn")
        return "an" if letters.upper() in _VOWEL_LETTERS else "a"
    low = word.lower()
    if low.startswith(_CONSONANT_SOUND):
        return "a"
    if low[0] == "u":
        return "an" if low.startswith(_VOWEL_SOUND_U) else ""
    if low[0] in "aeio":
        return "an"
    if low.startswith(_SILENT_H):
        return "an"
    if low[0] == "h":  # "a historic" and "an historic" are both written
        return "" if low.startswith(("historic", "hotel", "herb")) else "a"
    return "a" if "a" <= low[0] <= "z" else ""


def _norm_space(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def quote(sentence: str, around: str = "", limit: int = MAX_QUOTE) -> str:
    """Return a sentence to quote: whole when short, else an excerpt around `around`."""
    if len(sentence) <= limit:
        return sentence
    at = sentence.find(around) if around else 0
    start = max(0, min(at - limit // 3, len(sentence) - limit))
    text = sentence[start : start + limit].strip()
    return f"{'…' if start else ''}{text}{'…' if start + limit < len(sentence) else ''}"


def proofread_letter(
    letter: LetterText,
    *,
    words: Vocabulary | None = None,
    reported: set[str] | None = None,
) -> list[Finding]:
    """Return every finding in one letter: spelling, doubled words, form, tone, R7 essentials.

    `words` are the batch's known words besides the dictionary (none when not given).
    Misspellings in a workbook cell (letter.cells) are one finding naming the cell, once per
    `reported` set (the batch's); long sentences are quoted in excerpts and each check lists
    at most MAX_PER_CHECK findings per letter, so a 32,767-character cell gives a few lines.
    """
    found: list[Finding] = []
    counts: dict[tuple[str, str], int] = {}

    def add(sentence: str, message: str, rule: str, check: str, around: str = "") -> None:
        n = counts[rule, check] = counts.get((rule, check), 0) + 1
        if n <= MAX_PER_CHECK:
            found.append(Finding(letter.file, quote(sentence, around), message, rule, check))

    british = letter.language == "en-GB"
    vocabulary = words or Vocabulary()
    known = _Known(vocabulary, british)
    # tone in the workbook cells: one finding per cell, naming it, before the sentences
    toned: list[str] = []  # cell texts whose tone findings are made (or made in another letter)
    for where, text in letter.cells:
        hits = _tone(text, known, letter)
        if not hits:
            continue
        toned.append(text.casefold())
        if reported is not None and f"{where} tone" in reported:
            continue
        if reported is not None:
            reported.add(f"{where} tone")
        for hit, why, rule, check in hits:
            add(text, f"{where}: {why}", rule, check, hit)
    for where, text in letter.cells:
        bad = misspelled(_WORD.findall(text), known)
        known.update(_norm(w) for w in bad)
        if not bad or (reported is not None and where in reported):
            continue
        if reported is not None:
            reported.add(where)
        listed = ", ".join(f'"{w}"' for w in bad[:MAX_LISTED])
        more = f" and {len(bad) - MAX_LISTED:,} more" if len(bad) > MAX_LISTED else ""
        verb = f"is not in the dictionary{vocabulary.suggestion(bad[0])}" if len(bad) == 1 else (
            "are not in the dictionary")  # fmt: skip
        add(text, f"{where}: {listed}{more} {verb}; if right, add them to your word list",
            "R6", "spelling", bad[0])  # fmt: skip
    _direction_controls(letter, add)
    all_sentences = [s for p in letter.paragraphs for s in sentences(p)]
    for sentence in all_sentences:
        for word in misspelled(_WORD.findall(sentence), known):
            known.add(_norm(word))  # report each word once per letter
            add(sentence, f'"{word}" is not in the dictionary{vocabulary.suggestion(word)}; '
                "if it is right, add it to your word list", "R6", "spelling", word)  # fmt: skip
        for m in _DOUBLED.finditer(sentence):
            if m.group(1).lower() not in _DOUBLE_OK:
                add(sentence, f'doubled word "{m.group(0)}"', "R6", "doubled word", m.group(0))
        if stop := _DOUBLE_STOP.search(sentence):
            add(sentence, f'a doubled full stop "{stop.group(0)}": keep one (a name that ends '
                'in "." ends the sentence too)', "R6", "punctuation", stop.group(0))  # fmt: skip
    for sentence in (s for p in _body(letter) for s in sentences(p)):
        for m in _ARTICLE.finditer(sentence):
            want = article_for(m.group(2))
            if want and want != m.group(1).lower():
                add(sentence, f'"{m.group(0)}" should read "{want} {m.group(2)}"', "R6",
                    "article", m.group(0))  # fmt: skip
        for hit, why, rule, check in _tone(sentence, known, letter):
            if not any(hit.casefold() in t for t in toned):  # else reported at its cell
                add(sentence, why, rule, check, hit)
    _form(letter, add)
    if letter.thank_you:
        _essentials(letter, add)
    for (rule, check), n in counts.items():
        if n > MAX_PER_CHECK:
            more = f"{n - MAX_PER_CHECK:,} more finding(s) of this kind here are not listed"
            found.append(Finding(letter.file, "", more, rule, check))
    return found


#: Direction controls (embeddings, overrides, isolates): invisible, and the text after one
#: prints reversed or out of order. Nobody types them; a pasted one makes a line read wrong.
#: (The marks U+200E and U+200F are left alone: right-to-left names use them.)
_DIRECTION_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _direction_controls(letter: LetterText, add: Callable[..., None]) -> None:
    """R6: one finding per letter holding an invisible direction control, naming its cell."""
    import unicodedata

    for paragraph in letter.paragraphs:
        hit = _DIRECTION_CONTROL.search(paragraph)
        if hit is None:
            continue
        ch = hit.group(0)
        where = next((w for w, t in letter.cells if ch in t), "")
        cell = f"{where}: " if where else ""
        source = "the workbook cell" if where else "the template or phrasebook it comes from"
        name = unicodedata.name(ch, "direction control").lower()
        add(paragraph.replace(ch, ""), f"{cell}an invisible {name} (U+{ord(ch):04X}) changes "
            f"the order of the text after it in print: delete it from {source}",
            "R6", "invisible character")  # fmt: skip
        return


def _tone(text: str, known: _Known, letter: LetterText) -> list[tuple[str, str, str, str]]:
    """Return (excerpt, message, rule, check) of the tone problems in a text: desperation,
    slang, shouting in capitals, and strong interest claimed when Want Job is No (R4, R7, R8)."""
    tone = known.vocabulary.tone(text)
    out = list(tone.hits)
    shout = tone.shout
    if shout is not None and not all(_norm(w) in known or _norm(w) in EXTRA_WORDS
                                     for w in _WORD.findall(shout)):  # fmt: skip
        out.append((shout, f'"{shout}": words in capitals read as shouting', "R8", "shouting"))
    else:
        for word in tone.capitals:
            if _norm(word) not in known and _norm(word) not in EXTRA_WORDS:
                out.append((word, f'"{word}" in capitals reads as shouting; if it is a name '
                            "or acronym, add it to your word list", "R8", "shouting"))  # fmt: skip
                break
    if not letter.wants_job:
        for claim in _STRONG_INTEREST:
            hit = re.search(claim, text, re.IGNORECASE)
            if hit:
                out.append((hit.group(0), f'"{hit.group(0)}": Want Job is No, but this claims '
                            "strong interest in the job (R4)", "R7", "interest"))  # fmt: skip
    return out


def _lines(letter: LetterText) -> list[str]:
    return [ln.strip() for p in letter.paragraphs for ln in p.splitlines()]


def _form(letter: LetterText, add) -> None:  # noqa: ANN001 - local callback
    """Check salutation, honorific, name spelling, closing and the signature (R6, R9)."""
    lines = _lines(letter)
    business = letter.kind in ("letter", "keep-in-touch")
    salutation = next((ln for ln in lines if re.match(r"(?i)^dear\b", ln)), None)
    if salutation is None:
        add("", f'no salutation such as "Dear {letter.person or "Ms. Lee"}:"', "R9", "salutation")
    else:
        british = letter.language == "en-GB"
        ends = (":",) if business and not british else (":", ",")
        if not salutation.startswith("Dear "):
            add(salutation, 'the salutation should start with "Dear "', "R9", "salutation")
        if not salutation.endswith(ends):
            want = 'a colon ("Dear Ms. Lee:")' if business and not british else "a comma or a colon"
            add(salutation, f"the salutation should end with {want}", "R9", "salutation")
        # "Dear Hiring Committee," greets no person; nor does a letter to a name written in
        # Chinese, Japanese or Korean characters (R2 asks for its Latin form)
        native = family_first(" ".join(letter.names))
        named = any(letter.names[1:]) and not native
        if named and not any(f" {h} " in f" {salutation} " for h in SALUTATION_WORDS):
            add(salutation, f"no honorific (Mr., Ms., Dr., …) for {letter.person}: fill in "
                "Honorific on the Contacts sheet", "R6", "honorific")  # fmt: skip
        if letter.last_name and not native and letter.last_name not in salutation:
            add(salutation, f'the salutation does not spell the name as recorded '
                f'("{letter.last_name}")', "R6", "name")  # fmt: skip
    closes = CLOSINGS + (CARD_CLOSINGS if not business else ())
    close_at = next((i for i, ln in enumerate(lines) if ln.rstrip(",") in closes), None)
    if close_at is None:
        loose = next(
            (ln for ln in lines if ln.rstrip(",.!").casefold() in {c.casefold() for c in closes}),
            None,
        )
        if loose:
            add(loose, f'write the closing as "{loose.rstrip(",.!").capitalize()},"', "R9",
                "closing")  # fmt: skip
        else:
            add("", 'no complimentary close such as "Sincerely,"', "R9", "closing")
    else:
        if not lines[close_at].endswith(","):
            add(lines[close_at], "the complimentary close should end with a comma", "R9",
                "closing")  # fmt: skip
        rest = [ln for ln in lines[close_at + 1 :] if ln]
        if letter.sender_name and letter.sender_name not in rest[:3]:
            add(lines[close_at], "no typed name under the closing", "R9", "signature")


def _contains(haystack: str, needle: str) -> bool:
    return _norm_space(needle) in haystack


def _essentials(letter: LetterText, add) -> None:  # noqa: ANN001 - local callback
    """Check R7's five essentials (etiquette is _form's part)."""
    body = _body(letter)
    text = _norm_space(" ".join(body))
    # 2: appreciation near the beginning (the first two paragraphs after the salutation)
    if not any(_APPRECIATION.search(p) for p in body[:2]):
        add(body[0] if body else "", "no thanks for the interviewer's time near the beginning",
            "R7", "appreciation")  # fmt: skip
    # 3: restated interest, unless the user does not want the job (R4)
    interest = _INTEREST.search(" ".join(body))
    if letter.wants_job and not interest:
        add("", "the letter does not restate your interest in the job", "R7", "interest")
    elif not letter.wants_job and interest:
        sentence = next((s for p in body for s in sentences(p) if _INTEREST.search(s)), "")
        add(sentence, "Want Job is No, but the letter claims interest in the job (R4)", "R7",
            "interest")  # fmt: skip
    if letter.wants_job and letter.company and not _contains(text, letter.company):
        add("", f"the letter does not name the company ({quote(letter.company, limit=80)})", "R7",
            "interest")  # fmt: skip
    # 4: qualifications restated, plus what was forgotten
    if not letter.strengths:
        add("", "no qualifications restated: fill in Strengths for this interview", "R7",
            "qualifications")  # fmt: skip
    for item in letter.strengths:
        if not _contains(text, item.rstrip(".")):
            add("", f'the strength "{quote(item, limit=80)}" is not restated', "R7",
                "qualifications")  # fmt: skip
    if letter.forgot and not _contains(text, letter.forgot.rstrip(".")):
        forgot = quote(letter.forgot, limit=80)
        add("", f'Forgot To Mention ("{forgot}") is not in the letter', "R7", "qualifications")
    # 5: every enclosure named, and an Enclosure(s)/Attachment(s) line
    whole = _norm_space(" ".join(letter.paragraphs))
    for item in letter.enclosures:
        if not _contains(whole, item):
            add("", f'the enclosure "{quote(item, limit=80)}" is not named in the letter', "R7",
                "enclosures")  # fmt: skip
    label = "attachment" if letter.kind == "email" else "enclosure"
    if letter.enclosures and not any(ln.casefold().startswith(label) for ln in _lines(letter)):
        add("", f'no "{label.capitalize()}s:" line naming what is enclosed', "R9", "enclosures")


def _body(letter: LetterText) -> list[str]:
    """Return the paragraphs between the salutation and the complimentary close."""
    paras = [p.strip() for p in letter.paragraphs if p.strip()]
    start = next((i + 1 for i, p in enumerate(paras) if re.match(r"(?i)^dear\b", p)), 0)
    closes = {c.casefold() for c in CLOSINGS + CARD_CLOSINGS}
    end = next(
        (i for i, p in enumerate(paras[start:], start)
         if p.splitlines()[0].rstrip(",.").casefold() in closes),
        len(paras),
    )  # fmt: skip
    return paras[start:end]


# --- a panel's letters (R3) ------------------------------------------------------------------


def _body_words(letter: LetterText) -> list[str]:
    return [_norm(x) for x in _WORD.findall(" ".join(_body(letter)))]


def similarity(a: LetterText, b: LetterText) -> float:
    """Return how alike two letters' bodies are once both people's names are removed (0 to 1)."""
    names = words_of(a.names) | words_of(b.names)
    words_a = [w for w in _body_words(a) if w not in names]
    words_b = [w for w in _body_words(b) if w not in names]
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def _alike(a: tuple[list[str], set[str]], b: tuple[list[str], set[str]]) -> float | None:
    """Return similarity() of two letters given (body words, names), or None when it is
    surely below SAMENESS_LIMIT (SequenceMatcher's quick ratios bound the ratio from above)."""
    names = a[1] | b[1]
    matcher = SequenceMatcher(None, [w for w in a[0] if w not in names],
                              [w for w in b[0] if w not in names], autojunk=False)  # fmt: skip
    if matcher.real_quick_ratio() < SAMENESS_LIMIT or matcher.quick_ratio() < SAMENESS_LIMIT:
        return None
    return matcher.ratio()


def check_panels(letters: Sequence[LetterText]) -> list[Finding]:
    """Warn when two letters of one kind to one panel read alike, and when a thank-you lacks
    a Personal Note (R3); every kind is compared (thank-yous, cards, keep-in-touch)."""
    found: list[Finding] = []
    panels: dict[tuple[str, str], list[LetterText]] = {}
    for letter in letters:
        if letter.thank_you and not letter.personal_note:
            found.append(Finding(letter.file, "", f"no Personal Note for {letter.person}: "
                                 "add what you talked about so the letter is individual",
                                 "R3", "individual"))  # fmt: skip
        if letter.panel:
            # a thank-you letter, fax and email read alike to the eye: one group
            group = "thank-you" if letter.thank_you else letter.kind
            panels.setdefault((letter.panel, group), []).append(letter)
    for panel in panels.values():
        # every pair of one panel is compared (a finding names both letters); each letter's
        # words are read once, and the quick upper bounds skip most full comparisons
        read = [(_body_words(letter), words_of(letter.names)) for letter in panel]
        for i, a in enumerate(panel):
            for j in range(i + 1, len(panel)):
                b = panel[j]
                if a.contact and a.contact == b.contact:
                    continue  # the same person by two channels (e.g. email and a letter)
                ratio = _alike(read[i], read[j])
                if ratio is not None and ratio >= SAMENESS_LIMIT:
                    found.append(Finding(a.file, "", f"reads {ratio:.0%} like {b.file} once the "
                                         "names are removed: vary the wording or the Personal "
                                         "Note", "R3", "individual"))  # fmt: skip
    return found


# --- the report ------------------------------------------------------------------------------


def write_report(findings: Sequence[Finding], *, letters: int, day: date) -> str:
    """Return the proofreading file's text: one block per finding, file and sentence included."""
    head = f"Proofreading of {letters} letter{'s' if letters != 1 else ''}, {day.isoformat()}"
    if not findings:
        return f"{head}\n\nNo findings.\n"
    lines = [head, f"{len(findings)} finding{'s' if len(findings) != 1 else ''}:", ""]
    lines += [str(f) for f in findings]
    return "\n".join(lines) + "\n"
