"""Render the due letters: strict, escaped docxtpl templates, safe file names, one print file.

Every due action of a letter kind (model.LETTER_KINDS) becomes one file in the output folder:
a .docx letter, a .docx note card, a .docx fax (cover sheet + letter) or an unsent .eml draft.
All printable documents are also joined into one print file, and every mailed letter gets a
#10 envelope in the same order. Proofreading (proofread.py) reads the rendered text back.

Rendering is strict: Jinja runs sandboxed with StrictUndefined and autoescape, every template
is checked (unknown variables, syntax) before anything is rendered, and cell text comes out
exactly as typed (``&``, ``<``, quotes, accents, emoji; line breaks become real line breaks).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import localize
from .errors import FollowupError, TemplateError, WriteError
from .logbook import LogIndex, done_for
from .model import ACCEPTED_STATUSES, Action, Book, Contact, Interview, Kind, Profile, Status
from .proofread import Finding, LetterText, check_panels, proofread_letter, write_report

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

# --- templates -------------------------------------------------------------------------------

THANK_YOU_LETTER = "thank_you_letter.docx"
THANK_YOU_EMAIL = "thank_you_email.docx"
NOTE_CARD = "note_card.docx"
KEEP_IN_TOUCH = "keep_in_touch.docx"
FAX_COVER = "fax_cover.docx"
ENVELOPE = "envelope.docx"
TEMPLATE_NAMES = (THANK_YOU_LETTER, THANK_YOU_EMAIL, NOTE_CARD, KEEP_IN_TOUCH, FAX_COVER, ENVELOPE)

#: The templates each kind of letter needs, in the order they make up its file.
KIND_TEMPLATES: dict[Kind, tuple[str, ...]] = {
    Kind.THANK_YOU_LETTER: (THANK_YOU_LETTER,),
    Kind.THANK_YOU_EMAIL: (THANK_YOU_EMAIL,),
    Kind.THANK_YOU_FAX: (FAX_COVER, THANK_YOU_LETTER),
    Kind.NOTE_CARD: (NOTE_CARD,),
    Kind.KEEP_IN_TOUCH: (KEEP_IN_TOUCH,),
}
#: The words that name a kind in its file name.
KIND_LABELS = {
    Kind.THANK_YOU_LETTER: "Thank-you",
    Kind.THANK_YOU_EMAIL: "Thank-you email",
    Kind.THANK_YOU_FAX: "Thank-you fax",
    Kind.NOTE_CARD: "Note card",
    Kind.KEEP_IN_TOUCH: "Keep in touch",
}
#: Kinds that go by post in a #10 envelope (note cards are addressed by hand).
ENVELOPE_KINDS = frozenset({Kind.THANK_YOU_LETTER, Kind.KEEP_IN_TOUCH})
#: The Log action that records each kind as done.
LOG_ACTION = {
    Kind.THANK_YOU_LETTER: "Thank-You Letter Mailed",
    Kind.THANK_YOU_EMAIL: "Thank-You Email Sent",
    Kind.THANK_YOU_FAX: "Thank-You Fax Sent",
    Kind.NOTE_CARD: "Note Card Mailed",
    Kind.KEEP_IN_TOUCH: "Keep-In-Touch Sent",
}

#: Every variable a template may use, with its meaning (the README lists the same).
VARIABLES: dict[str, str] = {
    "date": 'the run day in the style of the Profile Country ("November 25, 2026")',
    "sender_name": "Profile Name",
    "sender_street": "Profile Street",
    "sender_city_line": 'the city line of the sender ("Springfield, IL 62704")',
    "sender_address": "street and city line(s), one per line",
    "sender_phone": "Profile Phone",
    "sender_cell": "Profile Cell",
    "sender_email": "Profile Email",
    "sender_contact_line": 'phone and cell on one line ("Phone: … · Cell: …"; "Mobile" outside '
    "North America)",
    "sender_block": "the sender block of a letter: name, address, phone and cell, email",
    "sender_return_address": "name and address (the envelope's return address)",
    "email_signature": "name, phone and email, one per line (emails)",
    "recipient_honorific": "Honorific of the contact (Mr., Ms., Dr., …)",
    "recipient_first_name": "First Name of the contact",
    "recipient_last_name": "Last Name of the contact",
    "recipient_name": 'honorific, first and last name ("Ms. Renée Dubois-Okafor")',
    "recipient_title": "Job Title of the contact",
    "recipient_organization": "Organization of the contact, else the interview's Company",
    "recipient_address": "the contact's address lines, else the interview's company address",
    "recipient_block": "the recipient block: name, job title, organization, address",
    "recipient_email": "Email of the contact",
    "recipient_phone": "Phone of the contact",
    "recipient_fax": "Fax of the contact",
    "salutation": 'the salutation of a letter ("Dear Ms. Dubois-Okafor:")',
    "card_salutation": 'the salutation of a card or email ("Dear Ms. Lee,")',
    "company": "Company of the interview",
    "position": "Position of the interview",
    "interview_date": 'the interview day ("Tuesday, November 24"; the year when not this year)',
    "decision_expected": 'Decision Expected while still ahead ("Friday, December 4"), or ""',
    "status": "Status of the interview",
    "want_job": "Want Job of the interview (Yes, No, Unsure)",
    "wants_job": "false when Want Job is No (R4) or the position went to someone else, else true",
    "strengths": "Strengths, as typed",
    "strengths_list": 'Strengths as a sentence list ("a, b, and c")',
    "forgot_to_mention": "Forgot To Mention, as typed",
    "personal_note": "Personal Note of the contact, as typed",
    "enclosures": "the Enclosures, a list (use in a {% for %} loop)",
    "enclosures_text": "the Enclosures joined as a sentence list",
    "enclosures_line": 'the "Enclosures: …" line ("Attachments: …" in emails), or ""',
    "subject": "subject line of the email and the fax cover",
    "appreciation": "R7.2: thanks for the time and interest, near the beginning",
    "personal": 'R3: a sentence built from the Personal Note, or ""',
    "opening": "appreciation and personal sentence together (first paragraph)",
    "interest": "R7.3: restated interest; with Want Job = No a wish to stay in touch (R4)",
    "qualifications": 'R7.4: the Strengths restated, plus Forgot To Mention, or ""',
    "enclosure_sentence": 'R7.5: the sentence naming what is enclosed, or ""',
    "closing": "the last paragraph before the complimentary close",
    "card_message": "R8: the text of the handwritten note card",
    "network": "R14: asks to stay in each other's network",
    "referral": "R14: asks for referrals",
    "fax_message": "the message on the fax cover sheet",
}


def default_template_dir() -> Traversable:
    """Return the folder of the templates installed with followup_xl (a path or a zip entry)."""
    from importlib.resources import files

    return files("followup_xl.letter_templates")


def template_paths(template_dir: Path | None = None) -> dict[str, Traversable]:
    """Return each template's file: the user's folder first, the shipped template otherwise."""
    paths: dict[str, Traversable] = {}
    if template_dir is not None:
        template_dir = Path(template_dir)
        if not template_dir.is_dir():
            raise TemplateError(f"{template_dir}: template folder not found")
        paths = {n: template_dir / n for n in TEMPLATE_NAMES if (template_dir / n).is_file()}
        if not paths:
            raise TemplateError(
                f"{template_dir}: no letter templates in this folder; expected any of "
                + ", ".join(TEMPLATE_NAMES)
            )
    shipped = default_template_dir()
    for name in TEMPLATE_NAMES:
        if name not in paths:
            paths[name] = shipped / name
            if not paths[name].is_file():  # a broken install: never guess another folder
                raise TemplateError(
                    f"{name}: the letter template shipped with followup-xl is missing from "
                    f"its installation ({shipped}); reinstall followup-xl"
                )
    return {name: paths[name] for name in TEMPLATE_NAMES}


def _finalize(value: Any) -> Any:
    """Escape a printed value for XML, braces too.

    docxtpl turns "{_{" into "{{" (and the like) in the rendered XML; a cell that happens to
    contain such text would lose its underscore. As character references the braces survive.
    """
    from markupsafe import Markup, escape

    return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))


def _environment() -> Any:
    """Return a new sandbox for one rendering, bounded in time and size (templatelimits)."""
    from jinja2 import StrictUndefined

    from .templatelimits import BoundedEnvironment

    return BoundedEnvironment(undefined=StrictUndefined, autoescape=True, finalize=_finalize)


def _open_template(path: Traversable) -> Any:
    from docxtpl import DocxTemplate

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path.name}: cannot read the template: {exc.strerror}") from exc
    if not zipfile.is_zipfile(BytesIO(data)):
        raise TemplateError(f"{path.name}: not a Word .docx file")
    try:
        tpl = DocxTemplate(BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise TemplateError(f"{path.name}: not a readable Word .docx file ({exc})") from exc
    return tpl


def _syntax_context(tpl: Any, lineno: int | None) -> str:
    """Return the text of the paragraph a Jinja line number points into."""
    if not lineno:
        return ""
    try:
        xml = tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body))
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        line = xml.splitlines()[lineno - 1]
    except Exception:
        return ""
    text = re.sub(r"<[^>]+>", "", line).strip()
    return f' near "{text[:80]}"' if text else ""


def _did_you_mean(name: str) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, VARIABLES, n=1, cutoff=0.75)
    return f" (did you mean {{{{ {close[0]} }}}}?)" if close else ""


def _check_one(name: str, path: Traversable, sample: dict[str, Any]) -> list[str]:
    """Return every problem of one template (empty when it renders)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    try:
        tpl = _open_template(path)
    except TemplateError as exc:
        return [str(exc)]
    env = _environment()
    try:
        used = tpl.get_undeclared_template_variables(env)
    except TemplateSyntaxError as exc:
        return [f"{name}: template syntax error: {exc.message}{_syntax_context(tpl, exc.lineno)}"]
    except JinjaError as exc:
        return [f"{name}: template error: {exc}"]
    unknown = sorted(used - VARIABLES.keys())
    if unknown:
        listed = ", ".join(f"{{{{ {v} }}}}{_did_you_mean(v)}" for v in unknown)
        return [
            f"{name}: unknown variable{'s' if len(unknown) > 1 else ''} {listed}; "
            "the variables a template can use are listed in README.md (Template variables)"
        ]
    try:
        tpl.render(sample, env, autoescape=True)
    except JinjaError as exc:
        return [f"{name}: template error: {exc}"]
    except RecursionError:
        return [f"{name}: template error: a macro calls itself without end"]
    except Exception as exc:  # docxtpl's XML post-processing of a damaged template
        return [f"{name}: the template does not render: {exc}"]
    return []


_CHECKED: set[tuple[tuple[str, str], ...]] = set()


def _cleaned(path: Traversable) -> Any:
    """Return a template's bytes with external links and remote fields removed (docxsafe)."""
    from .docxsafe import strip_external

    try:
        return strip_external(path.read_bytes())
    except OSError as exc:
        raise TemplateError(f"{path.name}: cannot read the template: {exc.strerror}") from exc
    except Exception as exc:  # a damaged package or part
        raise TemplateError(f"{path.name}: not a readable Word .docx file ({exc})") from exc


def template_removals(template_dir: Path | None = None) -> list[tuple[str, str]]:
    """Return (template, what) for each external link or remote field rendering leaves out."""
    out = []
    for path in template_paths(template_dir).values():
        out += [(path.name, what) for what in _cleaned(path).removed]
    return out


def check_templates(template_dir: Path | None = None) -> None:
    """Check every template before rendering; raise one TemplateError listing all problems."""
    paths = template_paths(template_dir)
    try:
        key = tuple((str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths.values())
    except OSError:
        key = ()
    if key and key in _CHECKED:
        return  # the same files passed already in this process (run.py checks, then renders)
    sample = _sample_context()
    problems: list[str] = []
    for name, path in paths.items():
        problems += _check_one(name, path, sample)
    if problems:
        where = f" in {template_dir}" if template_dir else ""
        raise TemplateError(f"letter templates{where} have problems:\n" + "\n".join(problems))
    _CHECKED.add(key)


# --- text helpers ----------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: object) -> str:
    """Return cell text safe for a docx part: line breaks kept, XML-illegal characters dropped."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    # \a and \f would become paragraph and page breaks in docxtpl: not something a cell means.
    return _XML_ILLEGAL.sub("", text.replace("\a", "").replace("\f", "")).strip()


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def _is_sentence(text: str) -> bool:
    return bool(text) and text.rstrip("\"'”’)»").endswith((".", "!", "?", "…"))


def _sentence(text: str) -> str:
    """Return text that ends as a sentence does (a period added when it has none)."""
    text = text.strip()
    return text if not text or _is_sentence(text) else text + "."


def _items(text: str) -> list[str]:
    """Split a list cell on semicolons and line breaks."""
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


#: Common words an Enclosures item starts with; capitalized in the cell ("Writing samples"),
#: they are lower-cased inside a sentence. Anything else (names, products) stays as typed.
_ENCLOSURE_WORDS = frozenset(
    re.split(
        r"\s+",
        """a an the my two three four five copy copies list lists reference references letter
        letters recommendation recommendations writing work design code sample samples
        portfolio portfolios transcript transcripts certificate certificates diploma proof
        photos photo résumé resume report reports article articles examples example plan plans
        presentation presentations""",
    )
)


def _mid_sentence(item: str) -> str:
    """Return an Enclosures item as a sentence has it: "Writing samples" -> "writing samples"."""
    first = item.split(" ", 1)[0]
    if first[:1].isupper() and first[1:] == first[1:].lower() and first.lower() in _ENCLOSURE_WORDS:
        return item[:1].lower() + item[1:]
    return item


def _pick(options: Sequence[str], variant: int, slot: int) -> str:
    """Return the phrasing for a slot; panel members get different variants in every slot."""
    return options[(variant + slot) % len(options)]


# --- the phrasebook (our own words; R3 variants, R4, R7, R8, R14) ----------------------------

APPRECIATION = (
    "Thank you for taking the time to meet with me about {the_position}{at_company}{on_day}.",
    "I appreciated your interest in my application for {the_position}{at_company} and the "
    "time you spent with me{on_day}.",
    "Thank you for meeting with me{on_day}. I appreciated your interest in my background and "
    "the chance to learn more about {the_position}{at_company}.",
    "I am grateful for your time and for the interest you showed in my background when we "
    "discussed {the_position}{at_company}{on_day}.",
)
PERSONAL = (
    "I especially enjoyed our conversation about {note}.",
    "Our discussion of {note} has stayed with me since.",
    "I particularly valued hearing your thoughts on {note}.",
    "Thank you, too, for the conversation about {note}.",
)
INTEREST = (
    "Our conversation confirmed my interest in the position and in the work of {team}.",
    "I left our meeting even more interested in the role and in contributing to {team}.",
    "Everything I learned strengthened my interest in joining {team}.",
    "I remain very interested in this role and in the direction of {team}.",
)
NO_INTEREST = (  # R4: thanks and a wish to stay in touch, no claim of interest in the job
    "I enjoyed learning about {team} and the people who make it work, and I hope we can stay "
    "in touch.",
    "Learning how your team works was a pleasure, and I would welcome staying in touch.",
    "I valued everything I learned about {team}, and I hope our paths cross again.",
    "It was a pleasure to learn about your work, and I would be glad to keep in touch.",
)
STRENGTHS = (
    "As we discussed, I bring {strengths}.",
    "I would bring {strengths} to this role.",
    "In this role I would draw on {strengths}.",
    "I am confident that {strengths} would let me contribute from the start.",
)
STRENGTHS_NO = (  # each reads well after the NO_INTEREST sentence it is paired with
    "Thank you as well for the chance to talk about {strengths}.",
    "I was glad to have the chance to talk about {strengths}.",
    "I appreciated your questions about {strengths}.",
    "I enjoyed telling you about {strengths}.",
)
FORGOT = (
    "One thing I did not get to mention: {forgot}",
    "I would also like to add something I did not mention during the interview: {forgot}",
    "There is one more thing I meant to tell you: {forgot}",
    "I also want to add a point we did not cover: {forgot}",
)
ENCLOSED = (
    "As you requested, I have {enclosed} the following: {items}.",
    "You will find {enclosed} the materials you asked for: {items}.",
    "I have {enclosed} what you asked me to send: {items}.",
    "As promised, the materials you requested are {enclosed}: {items}.",
)
CLOSING = (
    "I look forward to hearing from you about the next steps.",
    "Please let me know if I can provide anything else. I look forward to hearing from you.",
    "Thank you again for your time and consideration. I look forward to our next conversation.",
    "I would be glad to answer any further questions, and I look forward to hearing from you.",
)
CLOSING_NO = (
    "Thank you again for your time and courtesy.",
    "With thanks again for your time, I wish you and your team every success.",
    "Thank you once more for a thoughtful conversation.",
    "Thank you again, and best wishes to you and your colleagues.",
)
CARD_THANKS = (
    "Thank you for the warm welcome when I visited {team}{on_day}.",
    "Thank you for your kindness and help during my visit to {team}{on_day}.",
    "Thank you for making me feel welcome at {team}{on_day}.",
    "I appreciated your friendly help when I came to {team}{on_day}.",
)
CARD_PERSONAL = (
    "I enjoyed our chat about {note}.",
    "It was a pleasure talking with you about {note}.",
    "Our conversation about {note} made the wait fly by.",
    "I still smile thinking of our talk about {note}.",
)
CARD_END = (
    "Your help made the visit go smoothly, and I am grateful.",
    "It made a real difference to my day.",
    "I hope to see you again soon.",
    "You made a busy day feel easy.",
)
OUTCOME = {
    "Not Selected": "Although I was not chosen this time, I valued meeting you and learning "
    "about your work.",
    "Position Filled": "Although the position has now been filled, I valued meeting you and "
    "learning about your work.",
    "Withdrawn": "Although I withdrew from the process, I valued meeting you and learning "
    "about your work.",
    "Offer Declined": "Although I decided not to accept the offer, I valued meeting you and "
    "learning about your work.",
}
KEEP_OPEN = "Thank you again for considering me for {the_position}{at_company}."
NETWORK = (
    "I would like to stay in touch. I have added you to my professional network, and I hope "
    "you will keep me in yours."
)
REFERRAL = (
    "If you know of anyone who could use someone with {strengths}, I would be grateful for a "
    "referral or an introduction."
)
REFERRAL_PLAIN = (
    "If you know of others in your field who might welcome a conversation with me, I would be "
    "grateful for a referral or an introduction."
)
KEEP_CLOSE = "Thank you for your time, and I wish you continued success."


# --- the context of one letter ---------------------------------------------------------------


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


def _sender(profile: Profile, country: str) -> dict[str, str]:
    name = _one_line(profile.name)
    address = localize.address_lines(
        clean(profile.street), clean(profile.city), clean(profile.state), clean(profile.zip),
        country,
    )  # fmt: skip
    phone, cell, email = _one_line(profile.phone), _one_line(profile.cell), _one_line(profile.email)
    cell_label = localize.cell_label(country)
    contact_line = " · ".join(
        p
        for p in (f"Phone: {phone}" if phone else "", f"{cell_label}: {cell}" if cell else "")
        if p
    )
    city_line = ", ".join(address[len(_street_lines(profile.street)) :])
    return {
        "sender_name": name,
        "sender_street": clean(profile.street),
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


def _street_lines(street: str) -> list[str]:
    return [ln for ln in clean(street).splitlines() if ln.strip()]


def _recipient(contact: Contact, interview: Interview | None, country: str) -> dict[str, str]:
    honorific, first, last = (_one_line(x) for x in (contact.honorific, contact.first_name,
                                                     contact.last_name))  # fmt: skip
    name = " ".join(p for p in (honorific, first, last) if p) or _one_line(contact.contact_id)
    organization = _one_line(contact.organization) or (
        _one_line(interview.company) if interview else ""
    )
    if any(x.strip() for x in (contact.street, contact.city, contact.state, contact.zip)):
        parts = (contact.street, contact.city, contact.state, contact.zip)
    elif interview is not None:
        parts = (interview.company_street, interview.company_city, interview.company_state,
                 interview.company_zip)  # fmt: skip
    else:
        parts = ("", "", "", "")
    street, city, state, zip_code = (clean(p) for p in parts)
    address = localize.address_lines(street, city, state, zip_code, country)
    title = _one_line(contact.job_title)
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
        "recipient_block": "\n".join(p for p in [name, title, organization, *address] if p),
        "recipient_email": _one_line(contact.email),
        "recipient_phone": _one_line(contact.phone),
        "recipient_fax": _one_line(contact.fax),
        "salutation": f"Dear {addressee}:",
        "card_salutation": f"Dear {addressee},",
    }


def letter_context(data: LetterData, today: date) -> dict[str, Any]:
    """Return the template variables of one letter (see VARIABLES)."""
    kind, profile, contact, iv = data.action.kind, data.profile, data.contact, data.interview
    country = localize.country_code(profile.country)
    v = data.variant
    ctx: dict[str, Any] = {"date": localize.long_date(today, country)}
    ctx |= _sender(profile, country)
    ctx |= _recipient(contact, iv, country)

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

    strength_items = _items(strengths)
    sentence_like = len(strength_items) == 1 and _is_sentence(strength_items[0])
    strengths_list = "" if sentence_like else localize.join_list(strength_items, country)
    fill = {
        "on_day": f" on {day}" if day else "",
        "the_position": _the_position(position),
        "at_company": f" at {company}" if company else "",
        "team": company or "your team",
        "note": note.rstrip(".").strip() if note else "",
    }

    appreciation = _pick(APPRECIATION, v, 0).format(**fill)
    personal = ""
    if note:
        personal = note if _is_sentence(note) else _pick(PERSONAL, v, 1).format(**fill)
    interest = _pick(INTEREST if wants else NO_INTEREST, v, 2).format(**fill)
    qualifications = ""
    if sentence_like:
        lead = "To restate what I would bring:" if wants else "As we discussed:"
        qualifications = f"{lead} {strength_items[0]}"
    elif strengths_list:
        qualifications = _pick(STRENGTHS if wants else STRENGTHS_NO, v, 3).format(
            strengths=strengths_list
        )
    if forgot:
        extra = _pick(FORGOT, v, 0).format(forgot=_sentence(forgot))
        qualifications = f"{qualifications} {extra}".strip()
    enclosures_text = localize.join_list([_mid_sentence(e) for e in enclosures], country)
    enclosure_sentence = ""
    enclosures_line = ""
    if enclosures:
        word = "attached" if email else "enclosed"
        enclosure_sentence = _pick(ENCLOSED, v, 1).format(enclosed=word, items=enclosures_text)
        label = "Attachment" if email else "Enclosure"
        enclosures_line = f"{label}{'s' if len(enclosures) > 1 else ''}: " + "; ".join(enclosures)
    closing = _pick(CLOSING if wants else CLOSING_NO, v, 2)
    if decision and wants:
        closing = f"I understand that a decision is expected by {decision}. {closing}"

    card_personal = _pick(CARD_PERSONAL, v, 1).format(**fill) if note else ""
    if note and _is_sentence(note):
        card_personal = note
    card_message = " ".join(
        p
        for p in (_pick(CARD_THANKS, v, 0).format(**fill), card_personal, _pick(CARD_END, v, 2))
        if p
    )
    outcome = OUTCOME.get(iv.status if iv else "", "")
    if kind is Kind.KEEP_IN_TOUCH:
        appreciation = KEEP_OPEN.format(**fill)
        personal = outcome
        closing = KEEP_CLOSE
    referral = REFERRAL.format(strengths=strengths_list) if strengths_list else REFERRAL_PLAIN
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
        "network": NETWORK,
        "referral": referral,
        "fax_message": f"Please deliver the following letter to {ctx['recipient_name']}. If any "
        f"page is missing or hard to read, please call me{at_phone}.",
    }
    return ctx


def _sample_context() -> dict[str, Any]:
    """Return a full context to dry-run templates with (values only need the right types)."""
    profile = Profile(name="Sample Sender", street="1 Main St", city="Springfield", state="IL",
                      zip="62704", phone="555-0100", email="s@example.com")  # fmt: skip
    iv = Interview(row=2, interview_id="S-1", company="Sample Co", position="Clerk",
                   interview_date=date(2026, 1, 5), strengths="patience",
                   enclosures=("References",))  # fmt: skip
    contact = Contact(row=2, contact_id="C-1", interview_id="S-1", honorific="Ms.",
                      first_name="Ann", last_name="Lee", personal_note="books")  # fmt: skip
    action = Action(rule="R3", kind=Kind.THANK_YOU_LETTER, status=Status.DUE,
                    due=date(2026, 1, 6), why="", interview_id="S-1", contact_id="C-1")  # fmt: skip
    return letter_context(LetterData(action, profile, contact, iv), date(2026, 1, 6))


# --- rendering -------------------------------------------------------------------------------


def _normalize_zip(data: bytes, day: date) -> bytes:
    """Rewrite a .docx with fixed timestamps so the same letter on the same day is identical."""
    stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)  # ZIP years
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


_LETTER_SIZE = (12240, 15840)  # twips
_A4_SIZE = (11906, 16838)


def _fit_paper(document: Any, country: str) -> None:
    """Print A4 letters outside the US Letter countries (only pages that are US Letter)."""
    if localize.paper_size(country) != "a4":
        return
    from docx.shared import Twips

    for section in document.sections:
        w, h = section.page_width, section.page_height
        if w is None or h is None:
            continue
        size = (round(w / 635), round(h / 635))  # EMU -> twips
        if abs(size[0] - _LETTER_SIZE[0]) <= 20 and abs(size[1] - _LETTER_SIZE[1]) <= 20:
            section.page_width, section.page_height = Twips(_A4_SIZE[0]), Twips(_A4_SIZE[1])


def _set_properties(document: Any, today: date, title: str, author: str) -> None:
    props = document.core_properties
    stamp = datetime(today.year, today.month, today.day)
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = author[:200]
    props.author = author[:200]
    props.title = title[:200]  # the core properties hold at most 255 characters
    props.revision = 1


def _save(document: Any, today: date) -> bytes:
    buf = BytesIO()
    document.save(buf)
    return _normalize_zip(buf.getvalue(), today)


class _Renderer:
    """Loads each template once and renders letters from it."""

    def __init__(self, template_dir: Path | None) -> None:
        check_templates(template_dir)
        # import docxcompose (and undo its prefix rebinding) before the first render, so the
        # first letter of a process gets the same core properties as every later one
        _composer_class()
        self.paths = template_paths(template_dir)
        self.data = {}
        for name, path in self.paths.items():
            self.data[name] = _cleaned(path).data

    def render(
        self, name: str, ctx: dict[str, Any], today: date, country: str, title: str
    ) -> bytes:
        """Render one template with ctx; return the .docx bytes."""
        from docxtpl import DocxTemplate
        from jinja2 import TemplateError as JinjaError

        tpl = DocxTemplate(BytesIO(self.data[name]))
        try:
            tpl.render(ctx, _environment(), autoescape=True)
        except JinjaError as exc:
            raise TemplateError(f"{self.paths[name].name}: template error: {exc}") from exc
        except RecursionError as exc:
            raise TemplateError(
                f"{self.paths[name].name}: template error: a macro calls itself without end"
            ) from exc
        document = tpl.docx
        _fit_paper(document, country)
        _set_properties(document, today, title, ctx["sender_name"])
        return _save(document, today)


def docx_paragraphs(data: bytes) -> list[str]:
    """Return the text of a .docx's paragraphs in reading order (tables cell by cell)."""
    from docx import Document
    from docx.table import Table

    document = Document(BytesIO(data))
    out: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            else:
                out.append(block.text)

    walk(document)
    return out


_CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _composer_class() -> Any:
    """Import docxcompose's Composer without letting it break python-docx's core properties."""
    from docx.oxml.ns import nsmap
    from docxcompose.composer import Composer

    # docxcompose rebinds the global "cp" prefix to the custom-properties namespace on import;
    # python-docx would then write lastModifiedBy and revision in the wrong namespace.
    nsmap["cp"] = _CORE_PROPERTIES_NS

    class LinearComposer(Composer):
        """docxcompose's Composer, appending each element before the body's sectPr.

        Composer.insert puts every element at a numeric index, and lxml walks the body to
        find it: joining n letters cost n² (7,665 letters ran for hours). Apart from that
        one step this is docxcompose 2.2's insert, helpers and order unchanged.
        """

        def append(self, doc: Any, remove_property_fields: bool = True) -> None:
            from copy import deepcopy as copy_element

            from docx.oxml.section import CT_SectPr
            from docxcompose.properties import CustomProperties

            self.reset_reference_mapping()
            self._current_preserved_styles: dict[str, Any] = {}
            if remove_property_fields:
                cprops = CustomProperties(doc)
                for name in cprops.keys():  # noqa: SIM118 - not a dict
                    cprops.dissolve_fields(name)
            self._create_style_id_mapping(doc)
            self.retain_formatting_from_default_styles(doc)
            body = self.doc.element.body
            anchor = _section_properties(self.doc)
            for element in doc.element.body:
                if isinstance(element, CT_SectPr):
                    continue
                element = copy_element(element)
                anchor.addprevious(element)
                self.add_referenced_parts(doc.part, self.doc.part, element)
                self.add_styles(doc, element)
                self.add_numberings(doc, element)
                self.restart_first_numbering(doc, element)
                self.add_images(doc, element)
                self.add_diagrams(doc, element)
                self.add_shapes(doc, element)
                self.add_footnotes(doc, element)
                self.remove_header_and_footer_references(doc, element)
            assert anchor.getparent() is body
            self.add_styles_from_other_parts(doc)
            self.renumber_bookmarks()
            self.renumber_docpr_ids()
            self.renumber_nvpicpr_ids()
            self.fix_section_types(doc)
            self.fix_header_and_footers(doc)

    return LinearComposer


def _section_properties(document: Any) -> Any:
    """Return the body's final w:sectPr, adding an empty one (Word's defaults) when missing."""
    from docx.oxml.ns import qn

    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is None:  # a hand-made template may have none
        sect = body.makeelement(qn("w:sectPr"), {})
        body.append(sect)
    return sect


#: Documents joined at a time: docxcompose's append scans the whole joined document, so one
#: flat join of n letters takes time n²; joining groups of groups keeps it near n log n.
COMBINE_GROUP = 32


def combine(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files into one, each starting on a new page with its own page size."""
    parts = list(parts)
    while len(parts) > COMBINE_GROUP:
        parts = [
            _combine_flat(parts[i : i + COMBINE_GROUP], today)
            for i in range(0, len(parts), COMBINE_GROUP)
        ]
    return _combine_flat(parts, today)


def _combine_flat(parts: Sequence[bytes], today: date) -> bytes:
    """Join .docx files one after the other (each append costs the size of the result)."""
    if len(parts) == 1:
        return parts[0]
    from docx import Document
    from docx.oxml.ns import qn

    master = Document(BytesIO(parts[0]))
    composer = _composer_class()(master)
    for data in parts[1:]:
        doc = Document(BytesIO(data))
        body = master.element.body
        sect = _section_properties(master)
        # Close the previous letter's section in its last paragraph (a next-page section
        # break that keeps its page size), then give the rest the next letter's page setup.
        last_p = None
        for child in reversed(list(body)):
            if child.tag == qn("w:p"):
                last_p = child
                break
            if child.tag != qn("w:sectPr"):
                break
        if last_p is None or last_p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            last_p = body.makeelement(qn("w:p"), {})
            sect.addprevious(last_p)
        ppr = last_p.find(qn("w:pPr"))
        if ppr is None:
            ppr = last_p.makeelement(qn("w:pPr"), {})
            last_p.insert(0, ppr)
        ppr.append(deepcopy(sect))
        new_sect = deepcopy(_section_properties(doc))
        for ref in new_sect.findall(qn("w:headerReference")) + new_sect.findall(
            qn("w:footerReference")
        ):
            new_sect.remove(ref)
        body.replace(sect, new_sect)
        composer.append(doc)
    return _save(master, today)


# --- file names ------------------------------------------------------------------------------

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$", re.IGNORECASE)


def safe_part(text: str, max_bytes: int = 80) -> str:
    """Return text usable inside a file name on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    # Bidi overrides (U+202E turns "Ann‮fdp.exe" into "Annexe.pdf") and other invisible
    # format characters go; the zero-width joiner stays, emoji such as 👩‍💻 need it.
    text = "".join(ch for ch in text if ch == "\u200d" or unicodedata.category(ch) != "Cf")
    text = _FORBIDDEN.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    if len(text.encode("utf-8")) > max_bytes:
        cut = text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
        # never end inside a grapheme: drop dangling joiners, combining marks, selectors
        while cut and (
            unicodedata.combining(cut[-1]) or cut[-1] in "\u200d\ufe0e\ufe0f"
            or 0x1F3FB <= ord(cut[-1]) <= 0x1F3FF
        ):  # fmt: skip
            cut = cut[:-1]
        text = cut.rstrip(" .-")
    if _RESERVED.match(text.split(".")[0]):
        text = f"_{text}"
    return text


def letter_file_name(action: Action, contact: Contact | None, today: date) -> str:
    """Return the file name a person finds the letter by (without a uniqueness suffix)."""
    company = action.company or (contact.organization if contact else "")
    person = (contact.full_name if contact else "") or action.who or action.contact_id
    ext = ".eml" if action.kind is Kind.THANK_YOU_EMAIL else ".docx"
    parts = [safe_part(p) for p in (company, person)]
    stem = " — ".join([f"{today.isoformat()} {KIND_LABELS[action.kind]}", *[p for p in parts if p]])
    return stem + ext


class _Writer:
    """Chooses file names in the output folder and writes the files into a staging folder.

    Unique names, never outside the folder, never over a file already there: a file of that
    name with the same bytes is reused, one with other bytes (the user's edit) is kept and the
    next free name taken. Nothing lands in the output folder until `publish`.
    """

    def __init__(self, out_dir: Path, stage_dir: Path) -> None:
        self.out_dir = out_dir
        self.stage_dir = stage_dir
        self.root = out_dir.resolve()
        self.used: set[str] = set()
        self.notes: list[str] = []
        self.moves: list[tuple[Path, Path]] = []

    def write(self, name: str, data: bytes) -> Path:
        """Stage data as `name` (or `name (2)` …) and return the path it will have."""
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        n = 1
        while True:
            candidate = name if n == 1 else f"{stem} ({n}){dot}{ext}"
            n += 1
            if candidate.casefold() in self.used:
                continue
            path = self.out_dir / candidate
            if path.resolve().parent != self.root:  # pragma: no cover - names are sanitized
                raise WriteError(f"{candidate}: refusing to write outside {self.out_dir}")
            if path.is_symlink():
                continue
            if path.exists():
                same_size = path.is_file() and path.stat().st_size == len(data)
                if same_size and path.read_bytes() == data:
                    break  # a rerun on the same day: the same file is already there
                self.notes.append(
                    f"{candidate} already exists with different content; kept it and wrote "
                    "the new version under the next free name"
                )
                continue
            staged = self.stage_dir / candidate
            try:
                with open(staged, "xb") as fh:
                    fh.write(data)
            except OSError as exc:
                raise WriteError(
                    f"{path}: cannot write: {exc.strerror}; nothing was written to "
                    f"{self.out_dir} or the workbook"
                ) from exc
            self.moves.append((staged, path))
            break
        self.used.add(candidate.casefold())
        return path


def place(staged: Path, target: Path) -> tuple[Path, str | None]:
    """Move a finished file into place without replacing anything; return where and a note.

    The move is one atomic step (a hard link, else a rename), so no half-written file is ever
    seen under a letter's name. An existing file with other bytes is kept and the next free
    name taken.
    """
    stem, dot, ext = target.name.rpartition(".")
    if not dot:
        stem, ext = target.name, ""

    def done(where: Path) -> tuple[Path, str | None]:
        if where == target:
            return where, None
        return where, (
            f"{target.name} already exists and was not written by this run; kept it and "
            f"wrote the new file as {where.name}"
        )

    n = 1
    while True:
        candidate = target if n == 1 else target.with_name(f"{stem} ({n}){dot}{ext}")
        n += 1
        try:
            os.link(staged, candidate)
        except FileExistsError:
            if candidate.is_file() and candidate.read_bytes() == staged.read_bytes():
                staged.unlink()
                return done(candidate)
            continue
        except OSError:  # a file system without hard links: rename, after checking the name
            if os.path.lexists(candidate):
                continue
            os.rename(staged, candidate)
            return done(candidate)
        staged.unlink()
        return done(candidate)


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield a private folder beside the output folder for files not yet in place."""
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".followup-staging-", dir=parent))
    except OSError as exc:
        raise WriteError(f"{out_dir}: cannot create the output folder: {exc.strerror}") from exc
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(batch: LetterBatch) -> list[str]:
    """Move a batch's staged files into the output folder; return notes on renamed files."""
    notes: list[str] = []
    if not batch.moves:
        return notes
    out_dir = batch.moves[0][1].parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for staged, final in batch.moves:
            got, note = place(staged, final)
            if note:
                notes.append(note)
            if got != final:
                for key, path in batch.files.items():
                    if path == final:
                        batch.files[key] = got
                for attr in ("print_file", "envelopes", "proofreading"):
                    if getattr(batch, attr) == final:
                        setattr(batch, attr, got)
    except OSError as exc:
        raise WriteError(f"{out_dir}: cannot move the letters into place: {exc}") from exc
    batch.moves = []
    return notes


# --- the batch -------------------------------------------------------------------------------


@dataclass
class LetterBatch:
    """What render_letters made."""

    #: Action.key -> the letter's file (.docx, or .eml for emails)
    files: dict[tuple, Path] = field(default_factory=dict)
    print_file: Path | None = None
    envelopes: Path | None = None
    proofreading: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    #: things the user should know that are not proofreading findings (e.g. a kept file)
    notes: list[str] = field(default_factory=list)
    #: actions that made no letter because the Log already records them as done
    skipped: list[Action] = field(default_factory=list)
    #: (staged file, final path) still to move into the output folder (see publish)
    moves: list[tuple[Path, Path]] = field(default_factory=list)


class _BookIndex:
    """The look-ups a batch makes per letter, built once (a scan per letter made them n²)."""

    def __init__(self, book: Book) -> None:
        self.interviews: dict[str, Interview] = {}
        for iv in book.interviews:
            self.interviews.setdefault(iv.interview_id, iv)  # the first, as Book.interview
        self.panels: dict[str, list[Contact]] = {}
        for c in book.contacts:
            self.panels.setdefault(c.interview_id, []).append(c)
        for panel in self.panels.values():
            panel.sort(key=lambda c: (c.row, c.contact_id))
        self.contacts: dict[str, Contact] = {}
        for c in book.contacts:
            self.contacts.setdefault(c.contact_id, c)  # the first, as logbook.is_done
        self.log = LogIndex(book.log)

    def done(self, action: Action) -> bool:
        """Return True when the Log records this letter as done: the rules' own answer."""
        contact = self.contacts.get(action.contact_id)
        if contact is None:
            return False
        iv = self.interviews.get(action.interview_id or contact.interview_id)
        return done_for(action, contact, iv, self.log)

    def variant(self, contact: Contact) -> int:
        """Return the contact's place on the interview's panel, offset by a stable hash."""
        panel = self.panels.get(contact.interview_id, [])
        place = next((i for i, c in enumerate(panel) if c.contact_id == contact.contact_id), 0)
        return zlib.crc32(contact.interview_id.encode("utf-8")) % 4 + place


def _workbook_words(book: Book) -> list[str]:
    """Return the workbook's own names, companies, titles and places (known to the speller)."""
    p = book.profile
    words = [p.name, p.street, p.city, p.state, p.email]
    for iv in book.interviews:
        words += [iv.company, iv.position, iv.company_street, iv.company_city, iv.company_state]
    for c in book.contacts:
        words += [c.honorific, c.first_name, c.last_name, c.job_title, c.organization, c.street,
                  c.city, c.state, c.email]  # fmt: skip
    return [w for w in words if w]


def _eml(ctx: dict[str, Any], paragraphs: list[str]) -> bytes:
    """Return an unsent email draft (RFC 5322, UTF-8) built from the rendered email template."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP

    subject = ctx["subject"]
    body: list[str] = []
    for text in paragraphs:
        if not body and not text.strip():
            continue
        if not body and text.lower().startswith("subject:"):
            subject = text.split(":", 1)[1].strip() or subject
            continue
        body.append(text.strip())
    while body and not body[-1]:
        body.pop()
    text = "\n\n".join(p for p in body if p) + "\n"
    msg = EmailMessage(policy=SMTP)
    if ctx["recipient_email"]:
        person = " ".join(p for p in (ctx["recipient_first_name"], ctx["recipient_last_name"]) if p)
        msg["To"] = _address(Address, person, ctx["recipient_email"])
    if ctx["sender_email"]:
        msg["From"] = _address(Address, ctx["sender_name"], ctx["sender_email"])
    msg["Subject"] = " ".join(subject.split())
    msg["X-Unsent"] = "1"  # Outlook and others open it as a draft to edit and send
    msg.set_content(text, charset="utf-8")
    return msg.as_bytes()


def _address(address_cls: Any, name: str, email: str) -> Any:
    try:
        if "@" in email:
            user, domain = email.rsplit("@", 1)
            return address_cls(display_name=name, username=user, domain=domain)
    except (ValueError, TypeError):
        pass
    return email


def render_letters(
    book: Book,
    actions: Sequence[Action],
    *,
    today: date,
    out_dir: Path,
    template_dir: Path | None = None,
    words: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    stage_dir: Path | None = None,
) -> LetterBatch:
    """Render one file per due letter, the print file, envelopes and the proofreading report.

    With `stage_dir` the files are only staged there (batch.moves; `publish` puts them in
    place); without it they are staged privately and put in place at the end.
    """
    if stage_dir is None:
        with staging(Path(out_dir)) as stage:
            batch = render_letters(
                book, actions, today=today, out_dir=out_dir, template_dir=template_dir,
                words=words, progress=progress, stage_dir=stage,
            )  # fmt: skip
            batch.notes += publish(batch)
        return batch
    renderer = _Renderer(template_dir)
    writer = _Writer(Path(out_dir), stage_dir)
    batch = LetterBatch()
    country = localize.country_code(book.profile.country)
    contacts = {c.contact_id: c for c in book.contacts}
    todo = [a for a in actions if a.makes_letter]
    printable: list[bytes] = []
    envelopes: list[bytes] = []
    texts: list[LetterText] = []
    known = [*_workbook_words(book), *words]
    reported: set[str] = set()  # workbook cells whose misspellings are reported already
    index = _BookIndex(book)

    for i, action in enumerate(todo, 1):
        contact = contacts.get(action.contact_id)
        if index.done(action):
            batch.skipped.append(action)
        elif contact is None:
            batch.findings.append(
                Finding(file="", sentence="", rule="R2", check="missing contact",
                        message=f"{action.kind.value} for {action.who or action.contact_id}: "
                        f"no contact {action.contact_id!r} on the Contacts sheet; no letter made")
            )  # fmt: skip
        else:
            iv = index.interviews.get(action.interview_id or contact.interview_id)
            data = LetterData(action, book.profile, contact, iv, index.variant(contact))
            ctx = letter_context(data, today)
            title = f"{KIND_LABELS[action.kind]} to {ctx['recipient_name']}"
            docs = [renderer.render(n, ctx, today, country, title)
                    for n in KIND_TEMPLATES[action.kind]]  # fmt: skip
            name = letter_file_name(action, contact, today)
            if action.kind is Kind.THANK_YOU_EMAIL:
                paragraphs = docx_paragraphs(docs[0])
                path = writer.write(name, _eml(ctx, paragraphs))
            else:
                doc = docs[0] if len(docs) == 1 else combine(docs, today)
                path = writer.write(name, doc)
                printable.append(doc)
                paragraphs = docx_paragraphs(docs[-1])
                if action.kind in ENVELOPE_KINDS:
                    envelopes.append(renderer.render(ENVELOPE, ctx, today, country, title))
            batch.files[action.key] = path
            cells = _cells(book, contact, iv)
            texts.append(_letter_text(path.name, action, ctx, paragraphs, cells))
            batch.findings += _channel_findings(path.name, action, ctx)
        if progress is not None:
            progress(i, len(todo))

    for text in texts:
        batch.findings += proofread_letter(text, words=known, reported=reported)
    batch.findings += check_panels(texts)
    stamp = today.isoformat()
    if printable:
        batch.print_file = writer.write(f"{stamp} Print all letters.docx",
                                        combine(printable, today))  # fmt: skip
    if envelopes:
        batch.envelopes = writer.write(f"{stamp} Envelopes.docx", combine(envelopes, today))
    if texts:
        report = write_report(batch.findings, letters=len(texts), day=today)
        batch.proofreading = writer.write(f"{stamp} Proofreading.txt", report.encode("utf-8"))
    batch.notes += writer.notes
    batch.moves = list(writer.moves)
    return batch


def _cells(book: Book, contact: Contact, iv: Interview | None) -> list[tuple[str, str]]:
    """Return (where, text) of the free-text workbook cells behind a letter, e.g. its note."""
    from .contract import CONTACTS_SHEET, INTERVIEWS_SHEET, col_letter

    def where(sheet: str, column: str, row: int, owner: str) -> str:
        layout = book.layouts.get(sheet)
        if layout is not None and column in layout.columns:
            return f"{layout.name}!{col_letter(layout.columns[column])}{row} ({column})"
        return f"{column} of {owner}"

    out = [(where(CONTACTS_SHEET, "Personal Note", contact.row, contact.contact_id),
            contact.personal_note)]  # fmt: skip
    if iv is not None:
        for column, text in (("Strengths", iv.strengths),
                             ("Forgot To Mention", iv.forgot_to_mention),
                             ("Enclosures", "; ".join(iv.enclosures))):  # fmt: skip
            out.append((where(INTERVIEWS_SHEET, column, iv.row, iv.interview_id), text))
    return [(w, clean(t)) for w, t in out if t and t.strip()]


def _letter_text(
    name: str,
    action: Action,
    ctx: dict[str, Any],
    paragraphs: list[str],
    cells: Sequence[tuple[str, str]] = (),
) -> LetterText:
    kind = {
        Kind.THANK_YOU_LETTER: "letter",
        Kind.THANK_YOU_FAX: "letter",
        Kind.THANK_YOU_EMAIL: "email",
        Kind.NOTE_CARD: "card",
        Kind.KEEP_IN_TOUCH: "keep-in-touch",
    }[action.kind]
    return LetterText(
        file=name,
        kind=kind,
        paragraphs=tuple(paragraphs),
        panel=action.interview_id,
        contact=action.contact_id,
        person=ctx["recipient_name"],
        names=tuple(
            ctx[k] for k in ("recipient_honorific", "recipient_first_name", "recipient_last_name")
        ),  # fmt: skip
        last_name=ctx["recipient_last_name"],
        sender_name=ctx["sender_name"],
        company=ctx["company"],
        wants_job=ctx["wants_job"],
        strengths=tuple(_items(ctx["strengths"])),
        forgot=ctx["forgot_to_mention"],
        enclosures=tuple(ctx["enclosures"]),
        personal_note=ctx["personal_note"],
        cells=_in_letter(cells, paragraphs),
    )


def _in_letter(
    cells: Sequence[tuple[str, str]], paragraphs: list[str]
) -> tuple[tuple[str, str], ...]:
    """Return the cells whose text the letter holds (a note card has no Strengths, say)."""
    whole = " ".join(" ".join(paragraphs).split())
    return tuple((w, t) for w, t in cells if " ".join(t.split())[:40] in whole)


def _channel_findings(name: str, action: Action, ctx: dict[str, Any]) -> list[Finding]:
    if action.kind is Kind.THANK_YOU_EMAIL and not ctx["recipient_email"]:
        return [Finding(file=name, sentence="", rule="R5", check="channel",
                        message=f"no Email for {ctx['recipient_name']}: fill it in, or the "
                        "draft has no recipient")]  # fmt: skip
    if action.kind is Kind.THANK_YOU_FAX and not ctx["recipient_fax"]:
        return [Finding(file=name, sentence="", rule="R5", check="channel",
                        message=f"no Fax number for {ctx['recipient_name']} on the Contacts "
                        "sheet")]  # fmt: skip
    return []


def convert_print_file_to_pdf(batch: LetterBatch) -> tuple[Path, str | None]:
    """Convert the placed print file to PDF beside it with headless LibreOffice.

    The PDF is made in a private folder and moved into place without replacing any file;
    return where it went and a note when it took another name.
    """
    from .office import convert

    if batch.print_file is None:
        raise FollowupError("there is no print file to convert: no letters were due")
    with staging(batch.print_file.parent) as stage:
        made = convert(batch.print_file, "pdf", stage)
        pdf = batch.print_file.with_suffix(".pdf")
        try:
            return place(made, pdf)
        except OSError as exc:
            raise WriteError(f"{pdf}: cannot write: {exc}") from exc
