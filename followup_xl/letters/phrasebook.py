"""The phrasebook: read our own words for the letters from phrasebook.txt, and check a user's.

The wording lives in `letter_templates/phrasebook.txt`, shipped beside the templates: a
`[slot]` heading, then one phrasing per line, with `{placeholders}` for the facts of a letter.
A file of the same name in the user's --templates folder replaces the slots it has; the slots
it leaves out keep the shipped wording. The shipped file has eight phrasings in every slot, and
the letters to one panel take different ones in every slot (context.py), so a panel of up to
eight people shares no sentence apart from the salutation and the close; past eight, a letter
joins its sentences in pairs with semicolons, a different pair of phrasings for each member,
so a panel of up to 64 shares none either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import TemplateError
from .shipped import default_template_dir

PHRASEBOOK = "phrasebook.txt"
#: Largest phrasebook file read (the shipped one is about 20 KB).
MAX_BYTES = 262_144
#: Longest line of a phrasebook, in characters (the longest shipped phrasing has about 130).
MAX_LINE = 1_000
#: Problems listed in one error; the rest are counted.
MAX_PROBLEMS = 20

#: What each placeholder stands for; docs/templates.md and the file's comments say the same.
PLACEHOLDERS: dict[str, str] = {
    "team": 'the Company of the interview ("Barnes & Noble"), or "your team"',
    "the_position": '"the Store Manager position" (or "the position" when Position is empty)',
    "at_company": '" at Barnes & Noble" with its leading space, or nothing',
    "on_day": '" on Tuesday, November 24" with its leading space, or nothing',
    "note": 'the Personal Note as a phrase ("the children\'s reading hour")',
    "strengths": 'the Strengths as a list of noun phrases ("ten years of retail management and '
    'fluent Spanish"); what the user did ("grew sales 12%") follows in a sentence of its own',
    "forgot": "Forgot To Mention as a sentence, with its full stop",
    "enclosed": '"enclosed" in letters, "attached" in emails',
    "items": 'the Enclosures as a list ("my references and writing samples")',
    "item": 'the one Enclosure ("my CV")',
    "decision": 'the Decision Expected day ("Friday, December 4")',
    "although": "the clause of the matching [outcome_...] slot",
}
#: Placeholders holding a day: "Friday, December 4" is set off by commas mid-sentence.
DATES = frozenset({"on_day", "decision"})
#: Placeholders every slot may use: facts of the interview, always filled in.
COMMON = ("team", "the_position", "at_company", "on_day")
#: Every slot, in the file's order, with the placeholders of its own (besides COMMON).
SLOTS: dict[str, tuple[str, ...]] = {
    "appreciation": (),
    "personal": ("note",),
    "interest": (),
    "interest_unsure": (),
    "no_interest": (),
    "strengths": ("strengths",),
    "strengths_no": ("strengths",),
    "strengths_sentence": (),
    "strengths_sentence_no": (),
    "forgot": ("forgot",),
    "enclosed": ("enclosed", "items"),
    "enclosed_one": ("enclosed", "item"),
    "closing": (),
    "closing_no": (),
    "decision": ("decision",),
    "card_thanks": (),
    "card_personal": ("note",),
    "card_end": (),
    "outcome_not_selected": (),
    "outcome_position_filled": (),
    "outcome_withdrawn": (),
    "outcome_offer_declined": (),
    "outcome_rest": ("although",),
    "keep_open": (),
    "network": (),
    "referral": ("strengths",),
    "referral_plain": (),
    "keep_close": (),
}
#: Keep-in-touch (R14): the slot holding how the process ended, by Status.
OUTCOME_SLOTS = {
    "Not Selected": "outcome_not_selected",
    "Position Filled": "outcome_position_filled",
    "Withdrawn": "outcome_withdrawn",
    "Offer Declined": "outcome_offer_declined",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_HEADING = re.compile(r"\[([^\[\]]*)\]")
#: Characters a Word document cannot hold (tab aside), and other line breaks an editor hides.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufffe\uffff]")


def placeholders(slot: str) -> tuple[str, ...]:
    """Return the placeholders one slot may use: its own first, then the common ones."""
    return SLOTS[slot] + COMMON


@dataclass(frozen=True)
class Phrasebook:
    """Every slot's phrasings, checked: placeholders known, braces balanced, none empty."""

    slots: Mapping[str, tuple[str, ...]]

    @property
    def width(self) -> int:
        """Return the fewest phrasings a panel's slot has: the panel size whose letters each
        take a phrasing of their own in every slot (larger panels join sentences)."""
        return min(len(v) for k, v in self.slots.items() if k not in OUTCOME_SLOTS.values())

    @cached_property
    def heads(self) -> frozenset[str]:
        """Return the first words of the phrasings ("Thank", "Our"): words that start a
        sentence only because they come first, so lower-cased after a semicolon (worked out
        once per phrasebook: every letter of a batch asks)."""
        words = (text.split(" ", 1)[0] for v in self.slots.values() for text in v)
        return frozenset(w for w in words if w.isalpha() and w != "I")

    def say(self, slot: str, variant: int, offset: int, values: Mapping[str, str]) -> str:
        """Return one phrasing of a slot with its placeholders filled in.

        Panel members (variant) get different phrasings in every slot; `offset` keeps the
        slots of one letter from all taking the same position in their lists.
        """
        options = self.slots[slot]
        return fill(options[(variant + offset) % len(options)], values)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Return a phrasing with its placeholders filled in.

    A value ending in a full stop ("Van der Berg Logistiek B.V.") takes the place of the
    phrasing's own full stop after it; a date with a comma inside ("Friday, December 4") takes
    its closing comma when the sentence goes on ("on Friday, December 4, to talk").
    """
    out: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(text[pos : match.start()])
        name = match[1].strip()
        out.append(values[name])
        pos = match.end()
        written = "".join(out).rstrip("\"'”’)»")
        if text.startswith(".", pos) and written.endswith((".", "!", "?", "…")):
            pos += 1
        if name in DATES and "," in values[name] and re.match(r" [\w(]", text[pos:]):
            out.append(",")
    out.append(text[pos:])
    return "".join(out)


def parse(text: str, name: str = PHRASEBOOK) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Return the slots a phrasebook's text holds and every problem found, in line order."""
    slots: dict[str, list[str]] = {}
    where: dict[str, int] = {}
    problems: list[str] = []
    slot: str | None = None
    skipping = False  # under an unknown heading or after a stray phrasing, reported once
    tried = False  # the open slot has a line, even one with a problem

    def close() -> None:
        if slot is not None and not tried:
            problems.append(f"{name} line {where[slot]}: [{slot}] has no phrasing; write at "
                            "least one sentence under it, one per line, or delete the heading "
                            "to keep the shipped wording")  # fmt: skip

    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        line = raw.strip()
        at = f"{name} line {number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            close()
            slot, skipping, tried = *_heading(line, at, number, where, problems), False
            if slot is not None:
                slots[slot] = []
            continue
        tried = True
        if slot is None:
            if not skipping:
                problems.append(f"{at}: a phrasing before any [slot] heading; put it under "
                                "the heading of its slot, such as [appreciation]")  # fmt: skip
                skipping = True
        elif len(line) > MAX_LINE:
            problems.append(f"{at} is {len(line):,} characters long; a phrasing may be at most "
                            f"{MAX_LINE:,}: split it into shorter sentences")  # fmt: skip
        elif control := _CONTROL.search(line):
            problems.append(f"{at} holds the control character U+{ord(control[0]):04X}: delete "
                            "it (retype the line if you cannot see it)")  # fmt: skip
        else:
            problems += _placeholder_problems(line, slot, at)
            slots[slot].append(line)
    close()
    return {k: tuple(v) for k, v in slots.items() if v}, problems


def _heading(
    line: str, at: str, number: int, where: dict[str, int], problems: list[str]
) -> tuple[str | None, bool]:
    """Read a `[slot]` heading line; return the slot it opens (None when it opens none) and
    whether the lines under it are to be skipped."""
    match = _HEADING.fullmatch(line)
    if match is None:
        problems.append(f"{at}: a slot heading is a name in square brackets on a line of its "
                        f"own, such as [appreciation]; this line is {_quote(line)}")  # fmt: skip
        return None, True
    key = match[1].strip().lower()
    if key not in SLOTS:
        problems.append(f"{at}: unknown slot [{match[1].strip()}]{_did_you_mean(key, SLOTS, '[]')}"
                        "; the slots are listed in docs/templates.md "
                        "(Your own phrasebook)")  # fmt: skip
        return None, True
    if key in where:
        problems.append(f"{at}: [{key}] appears a second time (first on line "
                        f"{where[key]}); put all its phrasings under one heading")  # fmt: skip
        return None, True
    where[key] = number
    return key, False


def _placeholder_problems(line: str, slot: str, at: str) -> list[str]:
    """Return the problems of one phrasing's placeholders and braces."""
    allowed = placeholders(slot)
    if "{{" in line or "}}" in line:
        return [f"{at}: double braces in [{slot}]; a placeholder has single braces, such as "
                f"{{{allowed[0]}}}, not {{{{{allowed[0]}}}}}"]  # fmt: skip
    problems = []
    for match in _PLACEHOLDER.finditer(line):
        name = match[1].strip()
        if name not in allowed:
            listed = ", ".join(f"{{{p}}}" for p in allowed)
            problems.append(f"{at}: unknown placeholder {{{match[1]}}} in [{slot}]"
                            f"{_did_you_mean(name, allowed, '{}')}; the placeholders of this "
                            f"slot are {listed}")  # fmt: skip
    rest = _PLACEHOLDER.sub("", line)
    if "{" in rest or "}" in rest:
        problems.append(f"{at}: unbalanced braces in [{slot}]: every {{ needs a }} after the "
                        f"placeholder's name, such as {{{allowed[0]}}}; braces cannot stand "
                        "alone in a phrasing")  # fmt: skip
    return problems


def _did_you_mean(name: str, known: object, brackets: str) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name.lower(), list(known), n=1, cutoff=0.7)  # type: ignore[call-overload]
    return f" (did you mean {brackets[0]}{close[0]}{brackets[1]}?)" if close else ""


def _quote(line: str) -> str:
    return f'"{line[:60]}…"' if len(line) > 60 else f'"{line}"'


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Return a phrasebook file's text, or the problem that stops it from being read."""
    if len(data) > MAX_BYTES:
        return "", [f"{name} is larger than {MAX_BYTES:,} bytes, the most a phrasebook may "
                    "be: keep only the slots you change"]  # fmt: skip
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", [f"{name} line {line} is not UTF-8 text (byte 0x{data[exc.start]:02X}): "
                    "save the phrasebook as UTF-8 (in Notepad: Save As, Encoding: UTF-8) and "
                    "run again"]  # fmt: skip


def user_phrasebook(template_dir: Path | None) -> Path | None:
    """Return the user's phrasebook in a --templates folder, or None when it has none."""
    if template_dir is None:
        return None
    path = Path(template_dir) / PHRASEBOOK
    return path if path.is_file() else None


#: Names a phrasebook gets by mistake: saved by Word, WordPad or TextEdit, or with Windows
#: hiding the extension (compared in lower case).
_MISNAMED = tuple(f"phrasebook{ext}" for ext in ("", ".txt", ".txt.txt", ".rtf", ".doc", ".docx",
                                                  ".odt"))  # fmt: skip


def misnamed_phrasebooks(template_dir: Path) -> list[str]:
    """Return a problem for each file of the folder meant as the phrasebook but not read as one."""
    try:
        names = sorted(p.name for p in Path(template_dir).iterdir() if p.is_file())
    except OSError:
        return []
    return [
        f"{name}: only a plain text file named exactly {PHRASEBOOK} is read as the phrasebook; "
        f"rename it, or save it again as plain text (UTF-8) named {PHRASEBOOK}"
        for name in names
        if name.lower() in _MISNAMED and name != PHRASEBOOK
    ]


def _shipped() -> bytes:
    """Return the shipped phrasebook's bytes."""
    path = default_template_dir() / PHRASEBOOK
    try:
        return path.read_bytes()
    except OSError:  # a broken install: never guess another file
        raise TemplateError(
            f"{PHRASEBOOK}: the phrasebook shipped with followup-xl is missing from its "
            f"installation ({default_template_dir()}); reinstall followup-xl"
        ) from None


def _user_bytes(path: Path) -> bytes:
    """Return the user's file, read no further than one byte past MAX_BYTES."""
    try:
        with path.open("rb") as file:
            return file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the phrasebook: {exc.strerror}") from exc


def read_phrasebook(template_dir: Path | None = None) -> Phrasebook | list[str]:
    """Return the phrasebook of a --templates folder (shipped slots for any it leaves out),
    or its problems, each located."""
    user = user_phrasebook(template_dir)
    if template_dir is not None and user is None:
        misnamed = misnamed_phrasebooks(template_dir)
        if misnamed:
            return misnamed
    text, problems = _decode(_shipped(), PHRASEBOOK)
    slots, problems = parse(text) if not problems else ({}, problems)
    if problems or slots.keys() != SLOTS.keys():
        raise TemplateError(
            f"{PHRASEBOOK}: the phrasebook shipped with followup-xl is damaged; reinstall "
            "followup-xl"
        )
    if user:
        text, problems = _decode(_user_bytes(user), PHRASEBOOK)
        theirs, more = parse(text) if not problems else ({}, [])
        problems += more
        slots |= theirs
    return problems or Phrasebook(slots)


def capped(problems: list[str]) -> list[str]:
    """Return the first MAX_PROBLEMS problems, and a line counting the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"… and {len(problems) - MAX_PROBLEMS} more problem(s)"]


def load_phrasebook(template_dir: Path | None = None) -> Phrasebook:
    """Return the phrasebook of a --templates folder; raise TemplateError listing its problems."""
    loaded = read_phrasebook(template_dir)
    if isinstance(loaded, list):
        raise TemplateError(
            f"the phrasebook {Path(template_dir or '') / PHRASEBOOK} has problems:\n"
            + "\n".join(capped(loaded))
        )
    return loaded
