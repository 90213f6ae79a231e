"""Find the letter templates, check them before any rendering, and sandbox their Jinja.

The template names, which kinds use which, and every variable a template may use live
here; a user's folder overrides the shipped templates file by file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TemplateError
from ..model import Action, Contact, Interview, Kind, Profile, Status
from .context import LetterData, letter_context
from .phrasebook import (
    PHRASEBOOK,
    Phrasebook,
    capped,
    misnamed_phrasebooks,
    read_phrasebook,
    user_phrasebook,
)
from .shipped import default_template_dir

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


THANK_YOU_LETTER = "thank_you_letter.docx"
THANK_YOU_EMAIL = "thank_you_email.docx"
NOTE_CARD = "note_card.docx"
KEEP_IN_TOUCH = "keep_in_touch.docx"
KEEP_IN_TOUCH_EMAIL = "keep_in_touch_email.docx"
FAX_COVER = "fax_cover.docx"
ENVELOPE = "envelope.docx"
TEMPLATE_NAMES = (THANK_YOU_LETTER, THANK_YOU_EMAIL, NOTE_CARD, KEEP_IN_TOUCH, KEEP_IN_TOUCH_EMAIL,
                  FAX_COVER, ENVELOPE)  # fmt: skip

#: The templates each kind of letter needs, in the order they make up its file.
KIND_TEMPLATES: dict[Kind, tuple[str, ...]] = {
    Kind.THANK_YOU_LETTER: (THANK_YOU_LETTER,),
    Kind.THANK_YOU_EMAIL: (THANK_YOU_EMAIL,),
    Kind.THANK_YOU_FAX: (FAX_COVER, THANK_YOU_LETTER),
    Kind.NOTE_CARD: (NOTE_CARD,),
    Kind.KEEP_IN_TOUCH: (KEEP_IN_TOUCH,),
}


def is_email(action: Action) -> bool:
    """Return True when the letter is an email draft: a thank-you email, or a keep-in-touch
    to a contact whose preferred channel is Email (R5, R14)."""
    return action.kind is Kind.THANK_YOU_EMAIL or (
        action.kind is Kind.KEEP_IN_TOUCH and action.channel == "Email"
    )


def templates_for(action: Action) -> tuple[str, ...]:
    """Return the templates one letter is made of, in the order they make up its file."""
    if action.kind is Kind.KEEP_IN_TOUCH and is_email(action):
        return (KEEP_IN_TOUCH_EMAIL,)
    return KIND_TEMPLATES[action.kind]


#: The words that name a kind in its file name.
KIND_LABELS = {
    Kind.THANK_YOU_LETTER: "Thank-you",
    Kind.THANK_YOU_EMAIL: "Thank-you email",
    Kind.THANK_YOU_FAX: "Thank-you fax",
    Kind.NOTE_CARD: "Note card",
    Kind.KEEP_IN_TOUCH: "Keep in touch",
}
#: Kinds that go by post in an envelope, #10 or DL (note cards are addressed by hand).
ENVELOPE_KINDS = frozenset({Kind.THANK_YOU_LETTER, Kind.KEEP_IN_TOUCH})
#: The Log action that records each kind as done.
LOG_ACTION = {
    Kind.THANK_YOU_LETTER: "Thank-You Letter Mailed",
    Kind.THANK_YOU_EMAIL: "Thank-You Email Sent",
    Kind.THANK_YOU_FAX: "Thank-You Fax Sent",
    Kind.NOTE_CARD: "Note Card Mailed",
    Kind.KEEP_IN_TOUCH: "Keep-In-Touch Sent",
}

#: Every variable a template may use, with its meaning (docs/templates.md lists the same).
VARIABLES: dict[str, str] = {
    "date": 'the run day in the style of the Profile Country ("November 25, 2026")',
    "sender_name": "Profile Name",
    "sender_street": "Profile Street",
    "sender_city_line": 'the city line of the sender ("Springfield, IL 62704")',
    "sender_address": "street and city line(s), one per line (and the sender's country for a "
    "letter abroad)",
    "sender_phone": "Profile Phone",
    "sender_cell": "Profile Cell",
    "sender_email": "Profile Email",
    "sender_contact_line": 'phone and cell on one line ("Phone: … · Cell: …"; "Mobile" outside '
    "North America)",
    "sender_block": "the sender block of a letter: name, address, phone and cell, email",
    "sender_return_address": "name and address (the envelope's return address)",
    "email_signature": "name, phone and email, one per line (emails)",
    "recipient_honorific": "Honorific of the contact as the salutation writes it (Mr., Dr, "
    "Professor, Sir, …); empty for a contact greeted by job title",
    "recipient_first_name": "First Name of the contact",
    "recipient_last_name": "Last Name of the contact",
    "recipient_name": 'the name line: honorific, first and last name ("Ms. Renée Dubois-Okafor", '
    '"Lord Sugar", "佐藤 花子 様"); the job title, else the organization, of one with no name',
    "recipient_title": "Job Title of the contact",
    "recipient_organization": "Organization of the contact, else the interview's Company",
    "recipient_address": "the contact's address lines, else the interview's company address, "
    "in the destination country's format, with its country line when abroad",
    "recipient_block": "the recipient block: name, job title, organization, address, in the "
    "destination country's order",
    "recipient_email": "Email of the contact",
    "recipient_phone": "Phone of the contact",
    "recipient_fax": "Fax of the contact",
    "salutation": 'the salutation of a letter ("Dear Ms. Dubois-Okafor:")',
    "card_salutation": 'the salutation of a card or email ("Dear Ms. Lee,")',
    "complimentary_close": 'the close above the signature: "Sincerely," (US style) or "Yours '
    'sincerely," (British style; "Yours faithfully," to "Dear Sir or Madam")',
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
    "fax_pages": "pages of a fax, this cover sheet included (the letter's pages as the page-fit "
    "check counts them)",
}


def template_paths(template_dir: Path | None = None) -> dict[str, Traversable]:
    """Return each template's file: the user's folder first, the shipped template otherwise."""
    paths: dict[str, Traversable] = {}
    if template_dir is not None:
        template_dir = Path(template_dir)
        if not template_dir.is_dir():
            raise TemplateError(f"{template_dir}: template folder not found")
        paths = {n: template_dir / n for n in TEMPLATE_NAMES if (template_dir / n).is_file()}
        if (
            not paths
            and not user_phrasebook(template_dir)
            and not misnamed_phrasebooks(template_dir)
        ):
            raise TemplateError(
                f"{template_dir}: no letter templates in this folder; expected any of "
                + ", ".join((*TEMPLATE_NAMES, PHRASEBOOK))
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


def sandbox_environment() -> Any:
    """Return a new sandbox for one rendering, bounded in time and size (templatelimits)."""
    from jinja2 import StrictUndefined

    from ..templatelimits import BoundedEnvironment

    return BoundedEnvironment(undefined=StrictUndefined, autoescape=True, finalize=_finalize)


def _template_bytes(path: Traversable) -> bytes:
    """Return a template file's bytes; TemplateError when unreadable or not a Word .docx."""
    from ..docxsafe import not_docx

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path.name}: cannot read the template: {exc.strerror}") from exc
    why = not_docx(data)
    if why is not None:
        raise TemplateError(
            f"{path.name}: {why}: open it in Word or LibreOffice Writer and save it as a Word "
            "document (.docx)"
        )
    return data


_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def docx_template(data: bytes) -> Any:
    """Return docxtpl's DocxTemplate of a template's bytes: the one way letters open docxtpl.

    Importing docxtpl imports docxcompose, which binds python-docx's global "cp" prefix to
    the custom-properties namespace; python-docx would then write a letter's lastModifiedBy
    and revision there, where Word does not read them. The prefix is bound back here.
    """
    from docx.oxml.ns import nsmap
    from docxtpl import DocxTemplate

    nsmap["cp"] = _CORE_PROPERTIES
    return DocxTemplate(BytesIO(data))


def _open_template(path: Traversable) -> Any:
    data = _template_bytes(path)
    try:
        tpl = docx_template(data)
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
    env = sandbox_environment()
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
            "the variables a template can use are listed in docs/templates.md (Template variables)"
        ]
    try:
        tpl.render(sample, env, autoescape=True)
    except JinjaError as exc:
        return [f"{name}: template error: {exc}"]
    except RecursionError:
        return [f"{name}: template error: a macro calls itself without end"]
    except Exception as exc:  # docxtpl's XML post-processing of a damaged template
        return [f"{name}: the template does not render: {exc}"]
    return [f"{name}: template error: {why}" for why in _structure_problems(tpl.docx)[:1]]


def _structure_problems(document: Any) -> list[str]:
    """Return what is wrong with the structure of a rendered document's parts (body,
    headers, footers)."""
    from ..docxsafe import misplaced_markup

    parts = [p for p in document.part.package.parts if p.content_type in _RENDERED_TYPES]
    found = [misplaced_markup(p.element) for p in parts if hasattr(p, "element")]
    return [why for why in found if why]


#: The content types of the parts a template's tags render into.
_RENDERED_TYPES = frozenset(
    "application/vnd.openxmlformats-officedocument.wordprocessingml." + kind
    for kind in ("document.main+xml", "header+xml", "footer+xml", "template.main+xml")
)


@dataclass(frozen=True)
class Templates:
    """One run's letter templates and phrasebook, checked and read once: what a batch uses."""

    #: template name -> its file (the user's, else the shipped one)
    paths: dict[str, Traversable]
    #: template name -> its bytes without external links and remote fields (docxsafe)
    data: dict[str, bytes]
    phrases: Phrasebook


def cleaned_template(path: Traversable) -> Any:
    """Return a template's bytes with external links and remote fields removed (docxsafe)."""
    from ..docxsafe import strip_external

    data = _template_bytes(path)
    try:
        return strip_external(data)
    except Exception as exc:  # a damaged package or part
        raise TemplateError(f"{path.name}: not a readable Word .docx file ({exc})") from exc


def template_removals(template_dir: Path | None = None) -> list[tuple[str, str]]:
    """Return (template, what) for each external link or remote field rendering leaves out."""
    out = []
    for path in template_paths(template_dir).values():
        out += [(path.name, what) for what in cleaned_template(path).removed]
    return out


def template_problems(template_dir: Path | None = None) -> list[str]:
    """Return every problem of the phrasebook and the templates, each naming its file."""
    return _checked(template_dir)[2]


def check_templates(template_dir: Path | None = None) -> Templates:
    """Check every template and the phrasebook before rendering and return them, read once
    for the batch; raise one TemplateError listing all problems."""
    paths, phrases, problems = _checked(template_dir)
    if problems or phrases is None:
        where = f" in {template_dir}" if template_dir else ""
        only_phrasebook = all(p.lower().startswith("phrasebook") for p in problems)
        what = (
            "the phrasebook" + where + " has"
            if only_phrasebook
            else ("letter templates" + where + " have")
        )
        raise TemplateError(f"{what} problems:\n" + "\n".join(capped(problems)))
    data = {name: cleaned_template(path).data for name, path in paths.items()}
    return Templates(paths, data, phrases)


def _checked(
    template_dir: Path | None,
) -> tuple[dict[str, Traversable], Phrasebook | None, list[str]]:
    """Return the templates' files, the phrasebook (None when it has problems) and every
    problem of either."""
    paths = template_paths(template_dir)
    phrases = read_phrasebook(template_dir)
    problems = list(phrases) if isinstance(phrases, list) else []
    sample = _sample_context()
    problems += [p for name, path in paths.items() for p in _check_one(name, path, sample)]
    return paths, None if isinstance(phrases, list) else phrases, problems


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


def copy_templates(dest: Path) -> list[Path]:
    """Copy the shipped templates, phrasebook and their README into `dest`, to edit there.

    `dest` may exist but must not hold any of those files: nothing is overwritten, and on a
    clash nothing is copied. Returns the files written.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise TemplateError(f"{dest}: is a file; give a folder to copy the templates into")
    names = [*TEMPLATE_NAMES, PHRASEBOOK, "README.md"]
    clash = [name for name in names if (dest / name).exists()]
    if clash:
        raise TemplateError(
            f"{dest}: already holds {', '.join(clash)}; nothing was copied, so your files are "
            "as they were: choose a new folder, or move those files away first"
        )
    shipped = default_template_dir()
    data = {}
    for name in names:
        source = shipped / name
        if not source.is_file():  # a broken install: say so rather than copy half a set
            raise TemplateError(f"{name}: missing from followup-xl's installation ({shipped}); "
                                "reinstall followup-xl")  # fmt: skip
        data[name] = source.read_bytes()
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in data.items():
        with open(dest / name, "xb") as out:  # "x": never replaces a file made meanwhile
            out.write(content)
        written.append(dest / name)
    return written
