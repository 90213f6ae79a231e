"""Build one letter's context: the sender, the recipient and the phrasebook's sentences.

Cell text comes out exactly as typed (``&``, ``<``, quotes, accents, emoji); the text helpers
here clean XML-illegal characters and turn a cell's line breaks into sentences or lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import localize
from ..model import ACCEPTED_STATUSES, Action, Contact, Interview, Kind, Profile
from ..ooxml import XML_ILLEGAL, unify_line_breaks
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
    """Split a list cell on semicolons and line breaks."""
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


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
        licenses award awards""",
    )
)


def mid_sentence(text: str) -> str:
    """Return a cell fragment as it reads inside a sentence ("The new cover sheets" -> "the
    new cover sheets"); proper nouns and acronyms (AT&T, CV, Python) are left as typed."""
    first = text.split(" ", 1)[0].rstrip(",;:")
    if first[:1].isupper() and first[1:] == first[1:].lower() and first.lower() in _ORDINARY_WORDS:
        return text[:1].lower() + text[1:]
    return text


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
    item = mid_sentence(item)
    first = item.split(" ", 1)[0].lower()
    return item if first in _DETERMINERS else f"my {item}"


#: Longest Strengths list a referral request names; a longer one is left out of it.
MAX_REFERRAL_WORDS = 20


def referral_strengths(items: Sequence[str], country: str) -> str:
    """Return Strengths as the list a referral request ends with ("…: a and b."), or "" when
    they do not fit one: a whole sentence, several sentences, or a long paragraph."""
    if not items or (len(items) == 1 and _is_sentence(items[0])):
        return ""
    parts = [mid_sentence(x.rstrip(" .!?,;:")) for x in items]
    if any(re.search(r"[.!?]\s", p) for p in parts) or not all(parts):
        return ""  # several sentences in one item
    text = localize.join_list(parts, country)
    return text if len(text.split()) <= MAX_REFERRAL_WORDS else ""


@dataclass(frozen=True)
class LetterData:
    """The records behind one letter."""

    action: Action
    profile: Profile
    contact: Contact
    interview: Interview | None
    #: position of the contact among the interview's contacts: picks the R3 phrasing
    variant: int = 0


def _the_position(position: str) -> str:
    if not position:
        return "the position"
    if re.search(r"\b(position|role|job|post)$", position, re.IGNORECASE):
        return f"the {position}"
    return f"the {position} position"


def _sender(profile: Profile, country: str, to: str) -> dict[str, str]:
    """Return the sender's variables: the address in the sender's own format, and the
    sender's country after it when the letter goes abroad (so it can be answered or returned)."""
    name = _one_line(profile.name)
    street = clean(profile.street)
    city, state, zip_code = clean(profile.city), clean(profile.state), clean(profile.zip)
    address = postal.lines(postal.Address(street, city, state, zip_code), country)
    home = "" if not address else postal.country_line(country, to)
    address += [home] if home else []
    phone, cell, email = _one_line(profile.phone), _one_line(profile.cell), _one_line(profile.email)
    cell_label = localize.cell_label(country)
    contact_line = " · ".join(
        p
        for p in (f"Phone: {phone}" if phone else "", f"{cell_label}: {cell}" if cell else "")
        if p
    )
    city_line = ", ".join(postal.lines(postal.Address("", city, state, zip_code), country))
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


#: Honorifics written without a full stop in British letters ("Dr Lee", "Ms Lee").
_SHORT_HONORIFICS = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mx."})


def _recipient(
    contact: Contact, interview: Interview | None, country: str, to: str
) -> dict[str, str]:
    """Return the recipient's variables: the address in the format of `to`, the country the
    letter goes to, with its country line when that is not the sender's `country`."""
    honorific, first, last = (_one_line(x) for x in (contact.honorific, contact.first_name,
                                                     contact.last_name))  # fmt: skip
    british = localize.british(country)
    if british and honorific in _SHORT_HONORIFICS:
        honorific = honorific[:-1]
    name = " ".join(p for p in (honorific, first, last) if p) or _one_line(contact.contact_id)
    organization = _one_line(contact.organization) or (
        _one_line(interview.company) if interview else ""
    )
    title = _one_line(contact.job_title)
    where = recipient_address(contact, interview)
    block = postal.lines(where, to, name=[name, title], organization=organization, capitals=True)
    address = postal.lines(where, to, capitals=True)
    abroad = "" if where.blank() else postal.country_line(to, country)
    block += [abroad] if abroad else []
    address += [abroad] if abroad else []
    if honorific and last:
        addressee = f"{honorific} {last}"
    elif first or last:
        addressee = " ".join(p for p in (first, last) if p)
    else:
        addressee = "Sir or Madam"
    return {
        "recipient_honorific": honorific,
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
        "complimentary_close": _close(british, named=addressee != "Sir or Madam"),
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


def letter_context(
    data: LetterData, today: date, phrases: Phrasebook | None = None
) -> dict[str, Any]:
    """Return the template variables of one letter (see VARIABLES), worded from `phrases`
    (the shipped phrasebook by default)."""
    book = phrases or load_phrasebook()
    kind, profile, contact, iv = data.action.kind, data.profile, data.contact, data.interview
    country = localize.country_code(profile.country)
    v = data.variant
    ctx: dict[str, Any] = {"date": localize.long_date(today, country)}
    to = postal.destination(contact, iv, profile)
    ctx |= _sender(profile, country, to)
    ctx |= _recipient(contact, iv, country, to)

    company = _one_line(iv.company) if iv else _one_line(data.action.company)
    position = _one_line(iv.position) if iv else _one_line(data.action.position)
    want_job = (iv.want_job if iv else "Yes") or "Yes"
    # After a "no" (not selected, filled, withdrawn, declined) a letter claims no interest.
    decided = bool(iv and iv.terminal and iv.status not in ACCEPTED_STATUSES)
    wants = want_job.strip().lower() != "no" and not decided
    day = (
        localize.weekday_date(iv.interview_date, country, today) if iv and iv.interview_date else ""
    )
    decision = ""
    if iv and iv.decision_expected and iv.decision_expected > today:
        decision = localize.weekday_date(iv.decision_expected, country, today)
    strengths = clean(iv.strengths) if iv else ""
    forgot = clean(iv.forgot_to_mention) if iv else ""
    note = clean(contact.personal_note)
    enclosures = [e for e in (clean(x) for x in (iv.enclosures if iv else ())) if e]
    email = kind is Kind.THANK_YOU_EMAIL

    strength_items = split_items(strengths)
    sentence_like = len(strength_items) == 1 and _is_sentence(strength_items[0])
    strengths_list = (
        "" if sentence_like else localize.join_list([mid_sentence(x) for x in strength_items],
                                                    country)
    )  # fmt: skip
    fill = {
        "on_day": f" on {day}" if day else "",
        "the_position": _the_position(position),
        "at_company": f" at {company}" if company else "",
        "team": company or "your team",
        "note": mid_sentence(note.rstrip(".").strip()) if note else "",
    }

    def say(slot: str, offset: int, **values: str) -> str:
        return book.say(slot, v, offset, fill | values)

    appreciation = say("appreciation", 0)
    personal = ""
    if note:
        personal = note if _is_sentence(note) else say("personal", 1)
    unsure = want_job.strip().lower() == "unsure"
    interest = say(("interest_unsure" if unsure else "interest") if wants else "no_interest", 2)
    qualifications = ""
    if sentence_like:
        lead = say("strengths_sentence" if wants else "strengths_sentence_no", 3)
        qualifications = f"{lead} {strength_items[0]}"
    elif strengths_list:
        qualifications = say("strengths" if wants else "strengths_no", 3, strengths=strengths_list)
    if forgot:
        extra = say("forgot", 0, forgot=_sentence(forgot))
        qualifications = f"{qualifications} {extra}".strip()
    enclosures_text = localize.join_list([mid_sentence(e) for e in enclosures], country)
    enclosure_sentence = ""
    enclosures_line = ""
    if enclosures:
        word = "attached" if email else "enclosed"
        if len(enclosures) == 1:
            one = _one_enclosure(enclosures[0])
            enclosure_sentence = say("enclosed_one", 1, enclosed=word, item=one)
        else:
            enclosure_sentence = say("enclosed", 1, enclosed=word, items=enclosures_text)
        label = "Attachment" if email else "Enclosure"
        enclosures_line = f"{label}{'s' if len(enclosures) > 1 else ''}: " + "; ".join(enclosures)
    closing = say("closing" if wants else "closing_no", 2)
    if decision and wants:
        closing = f"{say('decision', 3, decision=decision)} {closing}"

    card_personal = say("card_personal", 1) if note else ""
    if note and _is_sentence(note):
        card_personal = note
    card_message = " ".join(
        p for p in (say("card_thanks", 0), card_personal, say("card_end", 2)) if p
    )
    outcome_slot = OUTCOME_SLOTS.get(iv.status if iv else "")
    outcome = ""
    if outcome_slot:
        outcome = say("outcome_rest", 1, although=say(outcome_slot, 1))
    if kind is Kind.KEEP_IN_TOUCH:
        appreciation = say("keep_open", 0)
        personal = outcome
        closing = say("keep_close", 3)
    named = referral_strengths(strength_items, country)
    referral = say("referral", 2, strengths=named) if named else say("referral_plain", 2)
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
        "network": say("network", 4),
        "referral": referral,
        # the cover sheet and a one-page letter; batch.py puts in the letter's real count
        "fax_pages": fax_pages(1),
        "fax_message": f"Please deliver the following letter to {ctx['recipient_name']}. If any "
        f"page is missing or hard to read, please call me{at_phone}.",
    }
    return ctx
