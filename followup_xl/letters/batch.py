"""Render the due letters as one batch: letters, print file, envelopes, proofreading report.

Every due action of a letter kind (model.LETTER_KINDS) becomes one file in the output folder:
a .docx letter, a .docx note card, a .docx fax (cover sheet + letter) or an unsent .eml draft.
Proofreading (proofread.py) reads the rendered text back. Files are staged first and published
into the output folder once everything succeeded; then print_batch joins the letters as they
are on disk into the print file, and the envelopes in print order (printing.py).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .. import localize
from ..errors import FollowupError, WriteError
from ..logbook import LogIndex, done_for
from ..model import Action, Book, Contact, Interview, Kind
from ..names import family_first
from ..outbox import Outbox
from ..proofread import (
    Finding,
    LetterText,
    Vocabulary,
    check_panels,
    proofread_letter,
    write_report,
)
from ..timing import lap
from . import address as postal
from .compose import join
from .context import (
    LetterData,
    Lookups,
    clean,
    fax_pages,
    letter_context,
    recipient_address,
    split_items,
)
from .eml import build_eml
from .files import Writer, letter_file_name
from .package import Package
from .pagefit import PageFit, overflow
from .printing import (
    PrintItem,
    build,
    envelope_item,
    order_records,
    paper_of,
    previous_plan,
    unreadable,
)
from .render import Renderer
from .templates import (
    ENVELOPE,
    ENVELOPE_KINDS,
    KIND_LABELS,
    Templates,
    check_templates,
    is_email,
    templates_for,
)
from .window import LEGIBLE_MIN


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
    #: the output folder, and the printed letters in the Due sheet's order (see print_batch)
    folder: Path | None = None
    printing: list[PrintItem] = field(default_factory=list)
    #: file name -> SHA-256 of the bytes this run wrote (to tell a user's edit later)
    written: dict[str, str] = field(default_factory=dict)
    #: new letter's file name -> the existing file of its own name that was kept (an edit?)
    kept: dict[str, str] = field(default_factory=dict)
    #: the print order, as the summary says it, and what the manifest records about printing
    print_order: list[str] = field(default_factory=list)
    print_plan: dict[str, Any] = field(default_factory=dict)
    #: why the print file could not be written (the letters are in place; only a warning)
    print_error: str | None = None


class BookIndex:
    """The look-ups a batch makes per letter, built once per batch as dictionaries, so that
    a letter's look-ups cost the same whatever the size of the workbook."""

    def __init__(self, book: Book) -> None:
        self.interviews = book.interviews_by_id
        self.panels: dict[str, list[Contact]] = {}
        for c in book.contacts:
            for iid in c.interviews:
                self.panels.setdefault(iid, []).append(c)
        #: (interview, contact) -> the contact's first place on the interview's panel
        self.places: dict[tuple[str, str], int] = {}
        for interview_id, panel in self.panels.items():
            panel.sort(key=lambda c: (c.row, c.contact_id))
            for i, c in enumerate(panel):
                self.places.setdefault((interview_id, c.contact_id), i)
        self.contacts = book.contacts_by_id
        self.log = LogIndex(book.log)

    def done(self, action: Action) -> bool:
        """Return True when the Log records this letter as done: the rules' own answer."""
        contact = self.contacts.get(action.contact_id)
        if contact is None:
            return False
        iv = self.interviews.get(action.interview_id or contact.interview_id)
        return done_for(action, contact, iv, self.log)

    def place(self, contact: Contact, interview_id: str) -> int:
        """Return the contact's place on the interview's panel, from 0."""
        return self.places.get((interview_id, contact.contact_id), 0)

    def variant(self, contact: Contact, interview_id: str) -> int:
        """Return the contact's place on the interview's panel, offset by a stable hash."""
        return zlib.crc32(interview_id.encode("utf-8")) % 4 + self.place(contact, interview_id)


def _workbook_words(book: Book, post: postal.Post) -> list[str]:
    """Return the workbook's own names, companies, titles and places (known to the speller)."""
    p = book.profile
    words = [p.name, p.street, p.city, p.state, p.email]
    for iv in book.interviews:
        words += [iv.company, iv.position, iv.company_street, iv.company_city, iv.company_state]
    for c in book.contacts:
        words += [c.honorific, c.first_name, c.last_name, c.job_title, c.organization, c.street,
                  c.city, c.state, c.email]  # fmt: skip
    # the country lines ("UNITED KINGDOM") and the post's own words are not shouting
    countries = {p.country, *(iv.company_country for iv in book.interviews),
                 *(c.country for c in book.contacts)}  # fmt: skip
    words += [post.post_words(x) for x in sorted(countries) if x and x.strip()]
    return [w for w in words if w]


def render_letters(
    book: Book,
    actions: Sequence[Action],
    *,
    today: date,
    out_dir: Path,
    template_dir: Path | None = None,
    words: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    box: Outbox | None = None,
    templates: Templates | None = None,
) -> LetterBatch:
    """Render one file per due letter, the print file, envelopes and the proofreading report.

    With `box` the files are only staged in it (the caller publishes them); without it they
    are staged in an outbox of their own and put in place at the end. `templates` are those
    of `template_dir` as check_templates returned them (a run checks them before anything
    else); without them they are checked here, before the first letter.
    """
    if templates is None:
        templates = check_templates(template_dir)
    if box is None:
        with Outbox(Path(out_dir)) as own:
            batch = render_letters(
                book, actions, today=today, out_dir=out_dir, template_dir=template_dir,
                words=words, progress=progress, box=own, templates=templates,
            )  # fmt: skip
            print_batch(batch, today=today, box=own)
            batch.notes += own.publish()
        return batch
    renderer = Renderer(templates)
    phrases = templates.phrases
    pages = PageFit()  # measures what the batch's letters share once
    writer = Writer(box)
    batch = LetterBatch(folder=box.folder)
    country = localize.country_code(book.profile.country)
    contacts = {c.contact_id: c for c in book.contacts}
    todo = [a for a in actions if a.makes_letter]
    texts: list[LetterText] = []
    lookups = Lookups(book.profile, today)
    known = Vocabulary([*_workbook_words(book, lookups.post), *words])  # once per batch
    reported: set[str] = set()  # workbook cells whose misspellings are reported already
    index = BookIndex(book)

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
            data = LetterData(
                action,
                book.profile,
                contact,
                iv,
                index.variant(contact, action.interview_id or contact.interview_id),
                index.place(contact, action.interview_id or contact.interview_id),
            )
            ctx = letter_context(data, today, phrases, lookups)
            title = f"{KIND_LABELS[action.kind]} to {ctx['recipient_name']}"
            *covers, main = templates_for(action)
            letter = renderer.letter(main, ctx, today, country, title)
            fitted = pages.fit(letter.layout) if not is_email(action) else None
            ctx["fax_pages"] = fax_pages(fitted.nominal if fitted else 1)  # the cover counts them
            docs = [*(renderer.letter(n, ctx, today, country, title) for n in covers), letter]
            lap("letters")
            name = letter_file_name(action, contact, today)
            if is_email(action):
                paragraphs = docs[0].paragraphs
                path = writer.write(name, build_eml(ctx, paragraphs))
            else:
                single = len(docs) == 1
                doc = docs[0].data if single else join([d.package for d in docs], today)[0]
                path = writer.write(name, doc)
                batch.written[path.name] = hashlib.sha256(doc).hexdigest()
                if path.name != name and (Path(out_dir) / name).is_file():
                    batch.kept[path.name] = name
                item = PrintItem(path.name, paper_of(action.kind), ctx["recipient_name"],
                                 letter=docs[0].package if single else Package(doc))  # fmt: skip
                paragraphs = docs[-1].paragraphs
                unfit = [u for d in docs for u in d.unfit]
                if action.kind in ENVELOPE_KINDS:
                    envelope = renderer.letter(ENVELOPE, ctx, today, country, title)
                    item = envelope_item(item, envelope.package, envelope.layout.sections)
                    unfit += envelope.unfit
                    lap("envelopes")
                batch.findings += _window_findings(path.name, unfit, book, contact, iv, ctx)
                batch.printing.append(item)
            batch.files[action.key] = path
            cells = _cells(book, contact, iv)
            batch.findings += overflow(path.name, fitted, _in_letter(cells, paragraphs))
            texts.append(_letter_text(path.name, action, ctx, paragraphs, cells,
                                      localize.language_tag(country)))  # fmt: skip
            batch.findings += _channel_findings(path.name, action, ctx)
            batch.findings += _address_findings(path.name, action, book, contact, iv, ctx,
                                                lookups.post)  # fmt: skip
            batch.findings += _name_findings(path.name, book, contact, iv)
        if progress is not None:
            progress(i, len(todo))
        lap("letters")

    for text in texts:
        batch.findings += proofread_letter(text, words=known, reported=reported)
    batch.findings += check_panels(texts)
    lap("proofreading")
    stamp = today.isoformat()
    if texts:
        report = write_report(batch.findings, letters=len(texts), day=today)
        batch.proofreading = writer.write(f"{stamp} Proofreading.txt", report.encode("utf-8"))
    lap("proofreading")
    batch.notes += writer.notes
    return batch


def _cells(book: Book, contact: Contact, iv: Interview | None) -> list[tuple[str, str]]:
    """Return (where, text) of the free-text workbook cells behind a letter, e.g. its note."""
    from ..contract import CONTACTS_SHEET, INTERVIEWS_SHEET

    out = [(_where(book, CONTACTS_SHEET, "Personal Note", contact.row, contact.contact_id),
            contact.personal_note)]  # fmt: skip
    if iv is not None:
        for column, text in (("Strengths", iv.strengths),
                             ("Forgot To Mention", iv.forgot_to_mention),
                             ("Enclosures", "; ".join(iv.enclosures))):  # fmt: skip
            out.append((_where(book, INTERVIEWS_SHEET, column, iv.row, iv.interview_id), text))
    return [(w, clean(t)) for w, t in out if t and t.strip()]


def _where(book: Book, sheet: str, column: str, row: int, owner: str) -> str:
    """Return a workbook cell as a user finds it: "Contacts!F3 (Personal Note)"."""
    from ..contract import col_letter

    layout = book.layouts.get(sheet)
    if layout is not None and column in layout.columns:
        return f"{layout.name}!{col_letter(layout.columns[column])}{row} ({column})"
    return f"{column} of {owner}"


def _letter_text(
    name: str,
    action: Action,
    ctx: dict[str, Any],
    paragraphs: list[str],
    cells: Sequence[tuple[str, str]] = (),
    language: str = "en-US",
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
        strengths=tuple(split_items(ctx["strengths"])),
        forgot=ctx["forgot_to_mention"],
        enclosures=tuple(ctx["enclosures"]),
        personal_note=ctx["personal_note"],
        cells=_in_letter(cells, paragraphs),
        language=language,
    )


def _in_letter(
    cells: Sequence[tuple[str, str]], paragraphs: list[str]
) -> tuple[tuple[str, str], ...]:
    """Return the cells whose text the letter holds (a note card has no Strengths, say)."""
    whole = " ".join(" ".join(paragraphs).split())
    return tuple((w, t) for w, t in cells if " ".join(t.split())[:40] in whole)


def _window_findings(
    name: str, unfit: Sequence[str], book: Book, contact: Contact, iv: Interview | None,
    ctx: dict[str, Any],
) -> list[Finding]:  # fmt: skip
    """R9: one finding for each block that fits its place on no setting (window.py), naming
    the longest cells behind it."""
    from ..contract import CONTACTS_SHEET, INTERVIEWS_SHEET, PROFILE_SHEET

    out = []
    for block in dict.fromkeys(unfit):
        if block == "sender block":
            profile = book.profile
            cells = [(f"{PROFILE_SHEET} {field}", value) for field, value in (
                ("Street", profile.street), ("Phone", profile.phone), ("Cell", profile.cell),
                ("Email", profile.email)) if value]  # fmt: skip
            where = "stays out of the envelope window"
        else:
            own = not postal.Address(contact.street, contact.city, contact.state,
                                     contact.zip).blank()  # fmt: skip
            cells = [(_where(book, CONTACTS_SHEET, col, contact.row, contact.contact_id), value)
                     for col, value in (("Job Title", contact.job_title),
                                        ("Organization", contact.organization))]  # fmt: skip
            for col, value in (
                ("Street", contact.street if own else iv and iv.company_street),
                ("City", contact.city if own else iv and iv.company_city),
            ):
                if own or iv is None:
                    cells.append((_where(book, CONTACTS_SHEET, col, contact.row,
                                         contact.contact_id), value or ""))  # fmt: skip
                else:
                    cells.append((_where(book, INTERVIEWS_SHEET, f"Company {col}", iv.row,
                                         iv.interview_id), value or ""))  # fmt: skip
            where = "fits the envelope window" if block == "inside address" else (
                "fits the envelope's address zone")  # fmt: skip
        ranked = sorted(((w, t) for w, t in cells if t and t.strip()), key=lambda c: -len(c[1]))
        shorten = " or ".join(f"{w} ({len(' '.join(t.split()))} characters)"
                              for w, t in ranked[:2])  # fmt: skip
        out.append(
            Finding(
                file=name,
                sentence="",
                rule="R9",
                check="window",
                message=f"the {block} for {ctx['recipient_name']} has more lines "
                f"than {where} holds, even set in {LEGIBLE_MIN:g} pt with the job "
                f"title and organisation on one line: shorten {shorten or 'it'}",
            )
        )
    return out


def _channel_findings(name: str, action: Action, ctx: dict[str, Any]) -> list[Finding]:
    if is_email(action) and not ctx["recipient_email"]:
        return [Finding(file=name, sentence="", rule="R5", check="channel",
                        message=f"no Email for {ctx['recipient_name']}: fill it in, or the "
                        "draft has no recipient")]  # fmt: skip
    if action.kind is Kind.THANK_YOU_FAX and not ctx["recipient_fax"]:
        return [Finding(file=name, sentence="", rule="R5", check="channel",
                        message=f"no Fax number for {ctx['recipient_name']} on the Contacts "
                        "sheet")]  # fmt: skip
    return []


def _name_findings(name: str, book: Book, contact: Contact, iv: Interview | None) -> list[Finding]:
    """R2: a name written in Chinese, Japanese or Korean characters gives the English
    salutation nothing to greet by; ask for it in Latin letters."""
    from ..contract import CONTACTS_SHEET

    to = localize.country_code(postal.destination(contact, iv, book.profile))
    script = family_first(contact.first_name + contact.last_name, to)
    if not script:
        return []
    cells = ", ".join(_where(book, CONTACTS_SHEET, col, contact.row, contact.contact_id)
                      for col in ("First Name", "Last Name"))  # fmt: skip
    language = {"ja": "Japanese", "zh": "Chinese", "ko": "Korean"}[script]
    return [Finding(file=name, sentence="", rule="R2", check="name",
                    message=f"the name in {cells} is written in {language} characters: the "
                    "address prints it so, but an English salutation needs it in Latin letters, "
                    "which the workbook has no column for, so the letter greets the contact by "
                    "job title; if you know how they write their name in English, change the "
                    "salutation by hand")]  # fmt: skip


#: Kinds that go by post, so need an address the destination's post can deliver to.
_POSTED_KINDS = ENVELOPE_KINDS | {Kind.NOTE_CARD}


def _address_findings(
    name: str, action: Action, book: Book, contact: Contact, iv: Interview | None,
    ctx: dict[str, Any], post: postal.Post,
) -> list[Finding]:  # fmt: skip
    """R9: one finding for a posted letter whose address lacks a part its country's post
    requires (a US State or ZIP, a UK or German postcode, …), naming the cells to fill in."""
    from ..contract import CONTACTS_SHEET, INTERVIEWS_SHEET

    if action.kind not in _POSTED_KINDS:
        return []
    where = recipient_address(contact, iv)
    to = postal.destination(contact, iv, book.profile)
    if not post.known(to):
        if contact.country.strip() or iv is None or not iv.company_country.strip():
            cell = _where(book, CONTACTS_SHEET, "Country", contact.row, contact.contact_id)
        else:
            cell = _where(book, INTERVIEWS_SHEET, "Company Country", iv.row, iv.interview_id)
        return [Finding(file=name, sentence="", rule="R9", check="address",
                        message=f'Country "{to}" for {ctx["recipient_name"]} is not a country '
                        "the address data knows, so the address follows no country's format: "
                        f"type its ISO code (DE, FR, …) or English name in {cell}")]  # fmt: skip
    gaps = post.missing(where, to)
    if not gaps:
        return []
    own = not postal.Address(contact.street, contact.city, contact.state, contact.zip).blank()
    if own or iv is None:
        cells = [_where(book, CONTACTS_SHEET, col, contact.row, contact.contact_id) for col in gaps]
    else:
        cells = [_where(book, INTERVIEWS_SHEET, f"Company {col}", iv.row, iv.interview_id)
                 for col in gaps]  # fmt: skip
    country = localize.country_code(to)
    words = ", ".join(post.column_word(col, to) for col in gaps)
    what = "no postal address" if where.blank() else f"no {words} in the address"
    return [Finding(file=name, sentence="", rule="R9", check="address",
                    message=f"{what} for {ctx['recipient_name']} ({country}): fill in "
                    f"{', '.join(cells)}")]  # fmt: skip


def print_batch(batch: LetterBatch, *, today: date, box: Outbox) -> None:
    """Build the print file and envelopes from the letters as the outbox will leave the
    folder, and stage them in it.

    A letter whose earlier version of the same name was kept because the user changed it
    is printed as the user left it, and a note says so.
    """
    folder = batch.folder
    if folder is None or not batch.printing:
        return
    previous = previous_plan(folder)
    written = dict(previous.get("written") or {})
    items = []
    for item in batch.printing:
        base = batch.kept.get(item.file)
        data = box.read(base) if base else None
        damaged = unreadable(data) if base and data is not None else None
        if damaged is not None:
            batch.notes.append(
                f"{base} is not a Word document any more ({damaged}), so the print file "
                f"uses today's version, {item.file}"
            )
        elif base and data is not None and _edited(data, written.get(base)):
            batch.notes.append(
                f"{base} was changed after followup-xl wrote it (your correction?), so the "
                f"print file uses it as it is; today's version is {item.file}: to print that "
                f"one instead, delete {base} and run followup-xl print"
            )
            item = replace(item, file=base, alternative=item.file, letter=None)
        items.append(item)
    written.update(batch.written)
    try:
        result = build(box, items, day=today, previous={**previous, "written": written},
                       skip_damaged=True)  # fmt: skip
    except WriteError:  # the folder cannot take the file: the run stops, nothing written
        raise
    except FollowupError as exc:  # the letters are fine: `followup-xl print` can retry
        batch.print_error = str(exc)
        batch.print_plan = {"order": order_records(items), "written": written}
        return
    batch.print_file, batch.envelopes = result.print_file, result.envelopes
    batch.notes += result.notes
    batch.print_order = result.order
    batch.print_plan = {**result.plan, "written": written}


def _edited(data: bytes, written: str | None) -> bool:
    """Return True when a kept letter is a readable .docx other than what the tool wrote."""
    return written != hashlib.sha256(data).hexdigest() and unreadable(data) is None
