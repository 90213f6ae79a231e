"""Build one letter's context: the sender, the recipient and the phrasebook's sentences.

Cell text comes out exactly as typed (``&``, ``<``, quotes, accents, emoji); the text helpers
here clean XML-illegal characters and turn a cell's line breaks into sentences or lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import localize, names
from ..model import ACCEPTED_STATUSES, Action, Contact, Interview, Kind, Profile
from ..ooxml import XML_ILLEGAL, unify_line_breaks
from ..proofread import article_for
from . import address as postal
from .phrasebook import OUTCOME_SLOTS, Phrasebook, load_phrasebook


def clean(value: object) -> str:
    """Return cell text safe for a docx part: line breaks kept, XML-illegal characters dropped."""
    text = "" if value is None else str(value)
    text = unify_line_breaks(text).replace("\x0b", "\n")
    # \a and \f would become paragraph and page breaks in docxtpl: not something a cell means.
    return XML_ILLEGAL.sub("", text.replace("\a", "").replace("\f", "")).strip()


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def _is_sentence(text: str) -> bool:
    return bool(text) and text.rstrip("\"'”’)»").endswith((".", "!", "?", "…"))


def _sentence(text: str) -> str:
    """Return text that ends as a sentence does (a period added when it has none)."""
    text = text.strip()
    return text if not text or _is_sentence(text) else text + "."


def split_items(text: str) -> list[str]:
    """Split a list cell on semicolons and line breaks; a cell without either that is a list
    of three or more short phrases by commas ("SQL, Power BI, stakeholder reporting"), or of
    two ending in "and …", is split on its commas."""
    items = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if len(items) != 1:
        return items
    parts = [p.strip() for p in items[0].split(",")]
    if len(parts) > 1:
        parts[-1] = re.sub(r"^(?:and|&)\s+", "", parts[-1])
    ends_with_and = re.search(r",\s*(?:and|&)\s", items[0]) is not None
    listed = len(parts) >= 3 or (len(parts) == 2 and ends_with_and)
    if not listed or not all(parts) or any(len(p.split()) > MAX_LIST_PHRASE for p in parts):
        return items
    if any(re.search(r"[.!?]\s", p) or re.search(r"\d$", p) for p in parts[:-1]):
        return items  # sentences, or a number written with commas (2,300)
    return parts


#: Longest phrase, in words, of a comma list split_items splits.
MAX_LIST_PHRASE = 6


def join_items(items: Sequence[str], country: str) -> str:
    """Join list items as a sentence names them ("SQL, Power BI and reporting"; the comma
    before "and" as the sender's country writes it), with the serial comma whatever the
    country when an earlier item has its own "and" ("SQL and Power BI, and reporting")."""
    items = [i for i in items if i]
    if len(items) > 1 and any(re.search(r"\s(?:and|&)\s", i) for i in items[:-1]):
        return f"{', '.join(items[:-1])}, and {items[-1]}"
    return localize.join_list(items, country)


def fragment(text: str) -> str:
    """Return a list item as a phrase inside a sentence: first word as mid_sentence has it,
    and its closing full stop dropped ("reporting." -> "reporting") unless an abbreviation
    ends it ("Van der Berg B.V.")."""
    text = mid_sentence(text.strip())
    last = text.rsplit(" ", 1)[-1]
    if text.endswith(".") and not text.endswith("..") and not _ABBREVIATION.fullmatch(last):
        text = text[:-1]
    return text


#: A last word whose full stop is its own: "Inc.", "Ltd.", "Jr.", "B.V.", "U.S.".
_ABBREVIATION = re.compile(r"[A-Z][a-z]{0,3}\.|(?:[A-Za-z]\.){2,}")


#: Last words of a Strengths item naming one credential ("ACCA qualification"): without an
#: article it reads as a form, so it is "my ACCA qualification".
_CREDENTIALS = frozenset(
    re.split(
        r"\s+",
        """qualification certificate certification licence license diploma degree accreditation
        award endorsement belt registration membership""",
    )
)
#: Last words of an item naming what the user is ("certified forklift operator"): "experience
#: as a certified forklift operator".
_ROLES = frozenset(
    re.split(
        r"\s+",
        """operator instructor examiner electrician technician nurse chef driver teacher
        specialist engineer analyst accountant mechanic plumber carpenter welder cashier
        supervisor consultant lifeguard paralegal bookkeeper tutor interpreter translator""",
    )
)


def noun_phrase(item: str) -> str:
    """Return a Strengths item as a noun phrase a sentence can hold: a bare credential takes
    "my" ("my ACCA qualification"), a bare role "experience as a" ("… as a certified forklift
    operator"); anything else as fragment() has it."""
    words = item.split()
    if not words or words[0].lower() in _DETERMINERS or words[0].lower() in _ARTICLES:
        return item
    last = words[-1].lower()
    if last in _CREDENTIALS:
        return f"my {item}"
    if last in _ROLES:
        return f"experience as {article_for(words[0]) or 'a'} {item}"
    return item


#: Ordinary words a cell fragment may start with; capitalized in the cell ("Writing samples",
#: "The new cover sheets"), they are lower-cased inside a sentence. Any other first word
#: (names, products, languages, acronyms, words with inner capitals) stays as typed.
_ORDINARY_WORDS = frozenset(
    re.split(
        r"\s+",
        """a an the my our your his her their its this that these those some any all both each
        every several many few more most other another such no one two three four five six seven
        eight nine ten eleven twelve fifteen twenty thirty hundred first second third last next
        new old recent latest updated current full short long detailed brief signed original
        printed digital official final strong good great deep solid proven excellent advanced
        basic broad wide extensive annual monthly weekly daily
        copy copies list lists reference references letter letters recommendation
        recommendations writing work design code sample samples portfolio portfolios transcript
        transcripts certificate certificates degree degrees diploma diplomas proof photos photo
        résumé resume report reports article articles examples example plan plans presentation
        presentations rights database databases cover sheet sheets notes summary summaries
        years year months experience knowledge background skills skill management leadership
        customer customers client clients team teams project projects budget budgets sales data
        research training teaching fluent native children's children kids reading store stores
        staff weekend weekends holiday holidays loyalty inventory software rota events event
        office remote travel shift shifts schedule schedules volunteer volunteering community
        school schools hiring onboarding marketing finance accounting payroll safety quality
        service support patience patient bilingual multilingual reliable organized organised
        punctual creative friendly calm dependable flexible hard-working hardworking motivated
        self-motivated analytical attention communication teamwork negotiation editing
        proofreading coaching mentoring planning problem-solving languages people
        managed led ran built trained grew launched designed developed created improved cut
        reduced increased opened supervised oversaw handled
        book books flyer flyers brochure brochures catalogue catalogues catalog catalogs poster
        posters proposal proposals essay essays memo memos newsletter newsletters map maps chart
        charts slides slide deck drawings drawing sketches sketch menu menus press clippings
        clipping website websites video videos recording recordings licence license licences
        licenses award awards certified licensed qualified registered accredited""",
    )
)


def mid_sentence(text: str) -> str:
    """Return a cell fragment as it reads inside a sentence ("The new cover sheets" -> "the
    new cover sheets"); proper nouns and acronyms (AT&T, CV, Python) are left as typed."""
    first, _, rest = text.partition(" ")
    first = first.rstrip(",;:")
    if not (first[:1].isupper() and first[1:] == first[1:].lower()):
        return text
    if first.lower() not in _ORDINARY_WORDS:
        return text
    # "Six Sigma Black Belt", "New York office": a capitalized word after the first makes the
    # first part of a name, unless the first is an article ("The Hague office" -> "the …")
    if rest[:1].isupper() and first.lower() not in _ARTICLES:
        return text
    return text[:1].lower() + text[1:]


#: Words before a name that are not part of it ("the New York office").
_ARTICLES = frozenset({"a", "an", "the", "my", "our", "your", "his", "her", "their", "its",
                       "this", "that", "these", "those"})  # fmt: skip


#: Verbs a Strengths item may start with to say what the user did ("grew sales 12%"): such
#: an item is a deed, not a noun phrase, and goes into a sentence of its own.
_DEEDS = frozenset(
    re.split(
        r"\s+",
        """managed led ran built trained grew launched designed developed created improved cut
        reduced increased opened supervised oversaw handled delivered coordinated organized
        organised taught sold won raised saved negotiated drove wrote edited produced
        implemented established founded doubled tripled halved streamlined automated migrated
        mentored coached hired recruited planned restructured expanded boosted earned""",
    )
)


def is_deed(phrase: str) -> bool:
    """Return True for a Strengths item that says what the user did ("Grew sales 12%")."""
    return phrase.split(" ", 1)[0].lower() in _DEEDS


def deed(phrase: str) -> str:
    """Return a deed as it reads after "I": its verb in lower case ("Grew" -> "grew")."""
    return phrase[:1].lower() + phrase[1:]


#: First words after which an enclosure needs no "my" ("the list", "two samples", "my CV").
_DETERMINERS = frozenset(
    re.split(
        r"\s+",
        """a an the my our your his her their this that these those some two three four five
        six seven eight nine ten several copies copy""",
    )
)


def _one_enclosure(item: str) -> str:
    """Return a single enclosure as a sentence names it: "CV" -> "my CV"."""
    item = fragment(item)
    first = item.split(" ", 1)[0].lower()
    return item if first in _DETERMINERS else f"my {item}"


def enclosure_list(items: Sequence[str], country: str) -> str:
    """Return enclosures as a sentence lists them: "my references, writing samples and
    portfolio" (one "my" for the run of items that take it), "the list and my CV"."""
    named = [_one_enclosure(e) for e in items]
    if all(item.startswith("my ") for item in named):  # "my a, my b" reads as a form
        named = [named[0], *(item[3:] for item in named[1:])]
    return join_items(named, country)


#: Longest Strengths list a referral request names; a longer one is left out of it.
MAX_REFERRAL_WORDS = 20


def referral_strengths(items: Sequence[str], country: str) -> str:
    """Return Strengths as the list a referral request ends with ("…: a and b."), or "" when
    they do not fit one: a whole sentence, several sentences, or a long paragraph."""
    if not items or (len(items) == 1 and _is_sentence(items[0])):
        return ""
    parts = [fragment(x.rstrip(" !?,;:")) for x in items]
    if any(re.search(r"[.!?]\s", p) or is_deed(p) for p in parts) or not all(parts):
        return ""  # several sentences in one item, or what the user did
    text = join_items(parts, country)
    return text if len(text.split()) <= MAX_REFERRAL_WORDS else ""


@dataclass(frozen=True)
class Unit:
    """One sentence of a letter, worded by its phrasing's shift in a joined sentence."""

    make: Callable[[int], str]
    #: the sentence joined to this one when it stands alone in its paragraph: another way of
    #: closing or of restating interest reads well after the first; a second thanks does not
    partner: Callable[[int], str] | None = None


def joined(parts: Sequence[str], heads: frozenset[str]) -> str:
    """Return sentences as one, joined by semicolons ("A; b."); a word in `heads` that starts
    a later sentence is lower-cased, names and "I" are not."""
    from ..proofread import sentences

    pieces = [x for part in parts for x in sentences(part)]
    out = []
    for i, piece in enumerate(pieces):
        first = piece.split(" ", 1)[0]
        if i and first in heads:
            piece = piece[:1].lower() + piece[1:]
        last = piece.rsplit(" ", 1)[-1]
        if i < len(pieces) - 1 and piece.endswith(".") and not _ABBREVIATION.fullmatch(last):
            piece = piece[:-1]
        out.append(piece)
    return "; ".join(out)


def _panel_paragraphs(
    paragraphs: list[list[Unit]], rounds: int, heads: frozenset[str]
) -> list[list[str]]:
    """Return the sentences of each paragraph.

    The first `width` members of a panel (rounds 0) take one phrasing per slot, each its own.
    Later members join the sentences of each paragraph in twos (threes at an odd end), the
    second phrasing shifted by the round, so each joined sentence is one no other letter of
    the panel has; a sentence alone in its paragraph is joined with another phrasing of its
    slot, or, for the thanks, with the interest sentence that follows it.
    """
    if not rounds:
        return [[u.make(0) for u in units] for units in paragraphs]
    paragraphs = [list(units) for units in paragraphs]
    opening, middle = paragraphs[0], paragraphs[1]
    if len(opening) == 1 and len(middle) >= 3:  # "Thank you …; I remain very interested …"
        opening.append(middle.pop(0))
    out = []
    for units in paragraphs:
        if len(units) == 1:
            only = units[0]
            partner = only.partner or (only.make if units is opening else None)
            parts = [only.make(0), *([partner(rounds)] if partner else [])]
            out.append([joined(parts, heads)])
            continue
        groups = [units[i : i + 2] for i in range(0, len(units) - len(units) % 2, 2)]
        if len(units) % 2:
            groups[-1].append(units[-1])
        out.append([joined([u.make(rounds * k) for k, u in enumerate(g)], heads) for g in groups])
    return out


@dataclass(frozen=True)
class LetterData:
    """The records behind one letter."""

    action: Action
    profile: Profile
    contact: Contact
    interview: Interview | None
    #: position of the contact among the interview's contacts: picks the R3 phrasing
    variant: int = 0
    #: the contact's place on the panel, from 0: past the phrasebook's width, sentences join
    place: int = 0


def _the_position(position: str) -> str:
    if not position:
        return "the position"
    if re.search(r"\b(position|role|job|post)$", position, re.IGNORECASE):
        return f"the {position}"
    return f"the {position} position"


def _sender(profile: Profile, country: str, to: str, post: postal.Post) -> dict[str, str]:
    """Return the sender's variables: the address in the sender's own format, and the
    sender's country after it when the letter goes abroad (so it can be answered or returned)."""
    name = _one_line(profile.name)
    street = clean(profile.street)
    city, state, zip_code = clean(profile.city), clean(profile.state), clean(profile.zip)
    address = post.lines(postal.Address(street, city, state, zip_code), country)
    home = "" if not address else post.country_line(country, to)
    address += [home] if home else []
    phone, cell, email = _one_line(profile.phone), _one_line(profile.cell), _one_line(profile.email)
    cell_label = localize.cell_label(country)
    contact_line = " · ".join(
        p
        for p in (f"Phone: {phone}" if phone else "", f"{cell_label}: {cell}" if cell else "")
        if p
    )
    city_line = ", ".join(post.lines(postal.Address("", city, state, zip_code), country))
    return {
        "sender_name": name,
        "sender_street": street,
        "sender_city_line": city_line,
        "sender_address": "\n".join(address),
        "sender_phone": phone,
        "sender_cell": cell,
        "sender_email": email,
        "sender_contact_line": contact_line,
        "sender_block": "\n".join(p for p in [name, *address, contact_line, email] if p),
        "sender_return_address": "\n".join(p for p in [name, *address] if p),
        "email_signature": "\n".join(p for p in (name, phone or cell, email) if p),
    }


def _recipient(
    contact: Contact, interview: Interview | None, country: str, to: str, post: postal.Post
) -> dict[str, str]:
    """Return the recipient's variables: the address in the format of `to`, the country the
    letter goes to, with its country line when that is not the sender's `country`."""
    honorific, first, last = (_one_line(x) for x in (contact.honorific, contact.first_name,
                                                     contact.last_name))  # fmt: skip
    british = localize.british(country)
    title = _one_line(contact.job_title)
    called = names.naming(honorific, first, last, title=title, country=country, to=to)
    organization = _one_line(contact.organization) or (
        _one_line(interview.company) if interview else ""
    )
    # a contact without a name is named by its title, else by its organisation
    name = called.name or organization
    where = recipient_address(contact, interview)
    lines = [called.name, title] if first or last else [title]
    block = post.lines(where, to, name=lines, organization=organization, capitals=True)
    address = post.lines(where, to, capitals=True)
    abroad = "" if where.blank() else post.country_line(to, country)
    block += [abroad] if abroad else []
    address += [abroad] if abroad else []
    addressee = called.addressee
    return {
        "recipient_honorific": called.honorific,
        "recipient_first_name": first,
        "recipient_last_name": last,
        "recipient_name": name,
        "recipient_title": title,
        "recipient_organization": organization,
        "recipient_address": "\n".join(address),
        "recipient_block": "\n".join(block),
        "recipient_email": _one_line(contact.email),
        "recipient_phone": _one_line(contact.phone),
        "recipient_fax": _one_line(contact.fax),
        # R9: "Dear Dr. Lee:" in the US; "Dear Dr Lee," in British letters
        "salutation": f"Dear {addressee}{',' if british else ':'}",
        "card_salutation": f"Dear {addressee},",
        "complimentary_close": _close(british, named=called.named),
    }


def recipient_address(contact: Contact, interview: Interview | None) -> postal.Address:
    """Return the contact's address, else (all four cells blank) the interview's company's."""
    if not postal.Address(contact.street, contact.city, contact.state, contact.zip).blank():
        parts = (contact.street, contact.city, contact.state, contact.zip)
    elif interview is not None:
        parts = (interview.company_street, interview.company_city, interview.company_state,
                 interview.company_zip)  # fmt: skip
    else:
        parts = ("", "", "", "")
    return postal.Address(*(clean(p) for p in parts))


def _close(british: bool, *, named: bool) -> str:
    """Return the complimentary close: "Sincerely," (US); "Yours sincerely," (British), and
    "Yours faithfully," to "Dear Sir or Madam"."""
    if not british:
        return "Sincerely,"
    return "Yours sincerely," if named else "Yours faithfully,"


def fax_pages(letter_pages: int) -> str:
    """Return the page count a fax cover states: itself and the letter's pages."""
    return str(1 + max(1, letter_pages))


class Lookups:
    """What the letters of one batch (one profile, one day) look up, each worked out once and
    dropped with the batch: the sender's dates, the address layouts, and the date and sender
    variables by the country a letter goes to."""

    def __init__(self, profile: Profile, today: date) -> None:
        self.profile = profile
        self.country = localize.country_code(profile.country)
        self.dates = localize.Dates(self.country, today)
        self.post = postal.Post()
        self._senders: dict[str, dict[str, str]] = {}

    def sender(self, to: str) -> dict[str, str]:
        """Return the date and sender variables of a letter to the country `to`."""
        found = self._senders.get(to)
        if found is None:
            found = self._senders[to] = {
                "date": self.dates.long(self.dates.today),
                **_sender(self.profile, self.country, to, self.post),
            }
        return found


def letter_context(
    data: LetterData,
    today: date,
    phrases: Phrasebook | None = None,
    lookups: Lookups | None = None,
) -> dict[str, Any]:
    """Return the template variables of one letter (see VARIABLES), worded from `phrases`
    (the shipped phrasebook by default).

    `lookups` are the batch's (made for this profile and day when not given).
    """
    book = phrases or load_phrasebook()
    kind, profile, contact, iv = data.action.kind, data.profile, data.contact, data.interview
    shared = lookups or Lookups(profile, today)
    country = shared.country
    v = data.variant
    to = postal.destination(contact, iv, profile)
    ctx: dict[str, Any] = dict(shared.sender(to))
    ctx |= _recipient(contact, iv, country, to, shared.post)

    company = _one_line(iv.company) if iv else _one_line(data.action.company)
    position = _one_line(iv.position) if iv else _one_line(data.action.position)
    want_job = (iv.want_job if iv else "Yes") or "Yes"
    # After a "no" (not selected, filled, withdrawn, declined) a letter claims no interest.
    decided = bool(iv and iv.terminal and iv.status not in ACCEPTED_STATUSES)
    wants = want_job.strip().lower() != "no" and not decided
    day = shared.dates.weekday(iv.interview_date) if iv and iv.interview_date else ""
    decision = ""
    if iv and iv.decision_expected and iv.decision_expected > today:
        decision = shared.dates.weekday(iv.decision_expected)
    strengths = clean(iv.strengths) if iv else ""
    forgot = clean(iv.forgot_to_mention) if iv else ""
    note = clean(contact.personal_note)
    enclosures = [e for e in (clean(x) for x in (iv.enclosures if iv else ())) if e]
    email = kind is Kind.THANK_YOU_EMAIL

    strength_items = split_items(strengths)
    sentence_like = len(strength_items) == 1 and _is_sentence(strength_items[0])
    parts = [] if sentence_like else [fragment(x) for x in strength_items]
    strengths_list = join_items(parts, country)
    # the strengths slots take a noun phrase ("I bring SQL"); what the user did ("grew sales
    # 12%") is said in a sentence of its own ("I also grew sales 12%.")
    nouns = join_items([noun_phrase(p) for p in parts if not is_deed(p)], country)
    deeds = join_items([deed(p) for p in parts if is_deed(p)], country)
    fill = {
        "on_day": f" on {day}" if day else "",
        "the_position": _the_position(position),
        "at_company": f" at {company}" if company else "",
        "team": company or "your team",
        "note": mid_sentence(note.rstrip(".").strip()) if note else "",
    }

    def say(slot: str, offset: int, **values: str) -> str:
        return book.say(slot, v, offset, fill | values)

    # Each sentence is a unit: a function of the shift its place in a joined sentence gives
    # its phrasing. A panel larger than the phrasebook's width joins units with semicolons
    # (see _panel_paragraphs), so that no two letters of the panel share a sentence.
    def unit(slot: str, offset: int, partner: str = "", **values: str) -> Unit:
        other = (lambda shift: say(partner, offset + shift, **values)) if partner else None
        return Unit(lambda shift: say(slot, offset + shift, **values), other)

    opening_units = [unit("appreciation", 0)]
    if note:
        opening_units.append(Unit(lambda _: note) if _is_sentence(note) else unit("personal", 1))
    unsure = want_job.strip().lower() == "unsure"
    interest_slot = ("interest_unsure" if unsure else "interest") if wants else "no_interest"
    middle_units = [unit(interest_slot, 2, partner=interest_slot)]
    if sentence_like or (deeds and not nouns):
        lead_slot = "strengths_sentence" if wants else "strengths_sentence_no"
        told = strength_items[0] if sentence_like else f"I {deeds}."
        middle_units.append(Unit(lambda shift: f"{say(lead_slot, 3 + shift)} {told}"))
    elif nouns:
        strengths_slot = "strengths" if wants else "strengths_no"
        also = [f"I also {deeds}."] if deeds else []
        middle_units.append(Unit(lambda shift: joined(
            [say(strengths_slot, 3 + shift, strengths=nouns), *also], book.heads)))  # fmt: skip
    if forgot:
        middle_units.append(unit("forgot", 0, forgot=_sentence(forgot)))
    enclosures_text = join_items([fragment(e) for e in enclosures], country)
    closing_units: list[Unit] = []
    enclosures_line = ""
    if enclosures:
        word = "attached" if email else "enclosed"
        if len(enclosures) == 1:
            one = _one_enclosure(enclosures[0])
            closing_units.append(unit("enclosed_one", 1, enclosed=word, item=one))
        else:
            items = enclosure_list(enclosures, country)
            closing_units.append(unit("enclosed", 1, enclosed=word, items=items))
        label = "Attachment" if email else "Enclosure"
        enclosures_line = f"{label}{'s' if len(enclosures) > 1 else ''}: " + "; ".join(enclosures)
    if decision and wants:
        closing_units.append(unit("decision", 3, decision=decision))
    closing_slot = "closing" if wants else "closing_no"
    closing_units.append(unit(closing_slot, 2, partner=closing_slot))
    card_units = [unit("card_thanks", 0)]
    if note:
        card_units.append(Unit(lambda _: note) if _is_sentence(note) else unit("card_personal", 1))
    card_units.append(unit("card_end", 2, partner="card_end"))

    # a slot with one phrasing cannot make two letters differ, joined or not: the user chose
    # the repetition, and proofreading's sameness check names the letters that read alike
    rounds = data.place // book.width if book.width > 1 else 0
    opening, middle, last, card = _panel_paragraphs(
        [opening_units, middle_units, closing_units, card_units], rounds, book.heads
    )
    appreciation, personal = (opening[0], " ".join(opening[1:])) if not rounds else (
        " ".join(opening), "")  # fmt: skip
    interest, qualifications = middle[0], " ".join(middle[1:])
    if rounds:  # the decision's day joins the enclosures, or the closing when none
        enclosure_sentence, closing = " ".join(last[:-1]), last[-1]
    else:
        enclosure_sentence = last[0] if enclosures else ""
        closing = " ".join(last[1:] if enclosures else last)
    card_message = " ".join(card)
    outcome_slot = OUTCOME_SLOTS.get(iv.status if iv else "")
    named = referral_strengths(strength_items, country)
    referral_unit = (
        unit("referral", 2, partner="referral_plain", strengths=named)
        if named
        else unit("referral_plain", 2, partner="referral_plain")
    )
    kept = [unit("keep_open", 0)]
    if outcome_slot:
        kept.append(Unit(lambda shift: say("outcome_rest", 1 + shift,
                                           although=say(outcome_slot, 1))))  # fmt: skip
    opened, network, asked, closed = _panel_paragraphs(
        [kept, [unit("network", 4, partner="network")], [referral_unit],
         [unit("keep_close", 3, partner="keep_close")]], rounds, book.heads)  # fmt: skip
    referral = asked[0]
    if kind is Kind.KEEP_IN_TOUCH:
        appreciation, personal = (opened[0], " ".join(opened[1:])) if not rounds else (
            " ".join(opened), "")  # fmt: skip
        closing = closed[0]
    subject = f"Thank you — {position} interview" if position else "Thank you for the interview"
    if kind is Kind.KEEP_IN_TOUCH:
        subject = f"Keeping in touch — {company}" if company else "Keeping in touch"
    phone = ctx["sender_phone"] or ctx["sender_cell"]
    at_phone = f" at {phone}" if phone else ""
    ctx |= {
        "company": company,
        "position": position,
        "interview_date": day,
        "decision_expected": decision,
        "status": _one_line(iv.status) if iv else "",
        "want_job": want_job,
        "wants_job": wants,
        "strengths": strengths,
        "strengths_list": strengths_list,
        "forgot_to_mention": forgot,
        "personal_note": note,
        "enclosures": enclosures,
        "enclosures_text": enclosures_text,
        "enclosures_line": enclosures_line,
        "subject": subject,
        "appreciation": appreciation,
        "personal": personal,
        "opening": " ".join(p for p in (appreciation, personal) if p),
        "interest": interest,
        "qualifications": qualifications,
        "enclosure_sentence": enclosure_sentence,
        "closing": closing,
        "card_message": card_message,
        "network": network[0],
        "referral": referral,
        # the cover sheet and a one-page letter; batch.py puts in the letter's real count
        "fax_pages": fax_pages(1),
        "fax_message": _sentence(f"Please deliver the following letter to {ctx['recipient_name']}")
        + f" If any page is missing or hard to read, please call me{at_phone}.",
    }
    return ctx
