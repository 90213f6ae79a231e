"""The print file, envelopes and PDF, built from the letter files as they are on disk.

Print order, for one pass at a home printer: the letters on plain paper first, then the note
cards (card stock: the printer asks for it once, at the first card), then the fax pages (cover
sheet and letter, plain paper, for the fax machine). Within each group the Due sheet's order.
The envelopes file holds the envelopes in the same order as the letters they belong to, so
the n-th envelope goes with the n-th letter that has one; the summary numbers both. The
manifest records which letters' envelopes the file holds ("holds"), so `print` cuts the file
back into those envelopes and writes it again for the letters still there, however many times
it runs; an envelopes file that no longer cuts back is only kept while it still matches the
letters, otherwise `print` stops and says why.

`build` is called by the run once the letters are in place; `reprint` (the `print` command)
rebuilds the same files from the folder after the user edited letters, using the folder's
batch manifest to know which letters are the run's. A file the tool wrote is replaced only
while it still has the bytes the tool wrote (the manifest keeps their SHA-256); anything else
is kept, and the new file takes the next free name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FollowupError
from ..model import Kind
from .compose import join, split_sections
from .package import Package

if TYPE_CHECKING:
    from ..outbox import Outbox

PRINT_FILE = "Print all letters.docx"
ENVELOPES_FILE = "Envelopes.docx"
#: The paper groups of the print file, in print order.
PAPERS = ("letter", "card", "fax")
_PAPER_OF = {Kind.NOTE_CARD: "card", Kind.THANK_YOU_FAX: "fax"}
_GROUP_WORDS = {
    "letter": ("plain paper", "letter"),
    "card": ("card stock", "note card"),
    "fax": ("plain paper, to fax (cover sheet first), not to mail", "fax"),
}


def paper_of(kind: Kind) -> str:
    """Return the paper group a printed letter of this kind belongs to."""
    return _PAPER_OF.get(kind, "letter")


@dataclass(frozen=True)
class PrintItem:
    """One printed letter: its file in the folder, its paper, whom it is for."""

    file: str
    paper: str
    who: str
    #: the envelope's .docx (the run only; `reprint` takes envelopes from the envelopes file)
    envelope: Package | None = field(default=None, repr=False, compare=False)
    #: how many sections the run's envelope for it has (0: the run made it none)
    envelope_sections: int = 0
    #: the run's own new version of a letter the user had changed: printed once `file` is gone
    alternative: str = ""
    #: the letter as the run rendered and staged it, so it is not read back from the folder
    #: (the run only; `reprint` and a letter the user kept read `file`)
    letter: Package | None = field(default=None, repr=False, compare=False)


@dataclass
class PrintResult:
    """What was printed where, in which order, and what the user should know."""

    print_file: Path | None = None
    envelopes: Path | None = None
    pdf: Path | None = None
    order: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: what the manifest records under "print": the order and the files with their SHA-256
    plan: dict[str, Any] = field(default_factory=dict)
    #: why no PDF was made although one was asked for (only a warning)
    pdf_error: str | None = None


def print_order(items: Sequence[PrintItem]) -> list[PrintItem]:
    """Return the items in print order: letters, then cards, then faxes; stable within each."""
    return sorted(items, key=lambda item: PAPERS.index(item.paper))


def order_lines(
    items: Sequence[PrintItem],
    print_name: str,
    envelopes_name: str | None,
    with_envelopes: Sequence[PrintItem],
) -> list[str]:
    """Return the print order as the summary and the `print` command say it.

    `with_envelopes` are the items whose envelopes the envelopes file holds, in its order.
    """
    lines = [f'Print order of "{print_name}", one letter after the other:']
    n = 0
    for paper in PAPERS:
        group = [item for item in items if item.paper == paper]
        if not group:
            continue
        stock, noun = _GROUP_WORDS[paper]
        first, n = n + 1, n + len(group)
        span = f"{first}" if first == n else f"{first}-{n}"
        lines.append(f"  {span}. {stock}: {_count(len(group), noun)} to {_names(group)}")
    if envelopes_name and with_envelopes:
        lines.append(
            f'  then "{envelopes_name}": {_count(len(with_envelopes), "envelope")} in the same '
            "order as their letters, "
            f"envelope 1 for {with_envelopes[0].who}"
            + (f", the last for {with_envelopes[-1].who}" if len(with_envelopes) > 1 else "")
        )
    return lines


def order_records(items: Sequence[PrintItem]) -> list[dict[str, Any]]:
    """Return the print order as the manifest records it (for `followup-xl print`)."""
    return [
        {
            "file": item.file,
            "paper": item.paper,
            "who": item.who,
            "envelope_sections": item.envelope_sections,
            **({"alternative": item.alternative} if item.alternative else {}),
        }
        for item in print_order(items)
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}es" if noun.endswith("x") else f"{n} {noun}s"


def _names(items: Sequence[PrintItem]) -> str:
    names = [item.who for item in items]
    return (
        ", ".join(names)
        if len(names) <= 6
        else ", ".join(names[:5]) + f" and {len(names) - 5} more"
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unreadable(data: bytes) -> str | None:
    """Return why data is not a .docx the print file can take, or None when it is.

    Checked as the workbook is: within the unpack limits (a small letter can unpack to
    gigabytes), every XML part well-formed (styles, numbering, headers), and every part a
    relationship names present (a picture or header deleted from the zip).
    """
    import io
    import posixpath
    import zipfile
    import zlib

    from lxml import etree

    from ..docxsafe import not_docx
    from ..errors import WorkbookError
    from ..read.sniff import check_members

    wrong = not_docx(data)
    if wrong is not None:
        return wrong
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_members(zf, "letter", kind="letter")
            names = set(zf.namelist())
            for name in sorted(names):
                if not name.endswith((".xml", ".rels")):
                    continue
                root = etree.fromstring(zf.read(name), parser)
                if not name.endswith(".rels"):
                    continue
                folder = posixpath.dirname(posixpath.dirname(name))
                for rel in root:
                    if rel.get("TargetMode") == "External":
                        continue
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else (
                        posixpath.normpath(posixpath.join(folder, target)))  # fmt: skip
                    if part not in names:
                        return f"its part {part} is missing"
    except WorkbookError as exc:
        return str(exc).removeprefix("letter: ")
    except etree.XMLSyntaxError as exc:
        return f"a part is damaged XML ({exc})"
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError) as exc:
        return str(exc) or type(exc).__name__
    return None


def envelope_item(item: PrintItem, envelope: Package, sections: int) -> PrintItem:
    """Return the item with its envelope (a .docx of that many sections) attached."""
    return replace(item, envelope=envelope, envelope_sections=sections)


def _ours(sha: str | None) -> Callable[[bytes], bool]:
    """Return the test of a file being the tool's own: it still has the bytes the tool wrote
    (their SHA-256 as recorded), so a file the user changed is never replaced."""
    return lambda old: sha is not None and _sha(old) == sha


def build(
    box: Outbox,
    items: Sequence[PrintItem],
    *,
    day: date,
    previous: dict[str, Any] | None = None,
    skip_damaged: bool = False,
) -> PrintResult:
    """Join the letters (as the outbox will leave the folder, in print order) and their
    envelopes; stage both in the outbox.

    A letter that is no longer a sound .docx stops the print (FollowupError), or with
    `skip_damaged` is left out with a note; one with the bytes the tool wrote (as
    `previous["written"]` records them) is known sound and not checked again. Whatever the
    letters carry from elsewhere (macros, external links, remote fields) stays out of the
    print file, with a note.
    """
    folder = box.folder
    previous = previous or {}
    written = previous.get("written")
    trusted = {str(v) for v in written.values()} if isinstance(written, dict) else set()
    result = PrintResult()
    items = print_order(items)
    present = []
    for item in items:
        if item.letter is not None:  # the bytes the run staged, unchanged: known sound
            present.append((item, item.letter))
            continue
        path = folder / item.file
        try:
            found = box.read(item.file)  # a FIFO or device there: WriteError, never a hang
        except OSError as exc:
            raise FollowupError(f"{path}: cannot be read: {exc.strerror}") from exc
        if found is not None:
            data = found
            # a letter with the bytes the tool wrote is sound; only an edited one is checked
            why = None if _sha(data) in trusted else unreadable(data)
            if why is not None and not skip_damaged:
                raise FollowupError(
                    f"{path}: is not a Word document any more ({why}): open it in Word and "
                    "save it as .docx, or delete it to leave it out; nothing was printed"
                )
            if why is not None:
                result.notes.append(
                    f"{item.file} is left out of the print file: it is not a Word document "
                    f"any more ({why}); open it in Word and save it as .docx, then run "
                    "followup-xl print"
                )
                continue
            present.append((item, Package(data)))
        else:
            also = " (and its envelope)" if item.envelope is not None else ""
            result.notes.append(
                f"{item.file} is no longer in the folder, so it{also} is left out of the print file"
            )
    if items and not present:
        result.notes.append("none of the letters is in the folder any more: nothing to print")
    stamp = day.isoformat()
    plan: dict[str, Any] = {"order": order_records(items)}
    if present:
        data, restyled = join([d for _, d in present], day)
        data = _plain(data, "print file", result.notes)
        if restyled:
            result.notes.append(
                f"{restyled} letter(s) have styles of their own (edited in Word?): in the print "
                "file a style the other letters also have (Normal, say) looks as theirs does, "
                "so look through those letters before printing"
            )
        name = f"{stamp} {PRINT_FILE}"
        result.print_file, note = box.put(
            name, data, replace=_ours(_own(previous, "print_file", name))
        )
        if note:
            result.notes.append(note)
        plan["print_file"] = {"name": result.print_file.name, "sha256": _sha(data)}
    kept = [item for item, _ in present]
    enveloped = [item for item in kept if item.envelope is not None]
    if envelopes := [item.envelope for item in enveloped if item.envelope is not None]:
        data, _ = join(envelopes, day)
        data = _plain(data, "envelopes file", result.notes)
        name = f"{stamp} {ENVELOPES_FILE}"
        result.envelopes, note = box.put(
            name, data, replace=_ours(_own(previous, "envelopes", name))
        )
        if note:
            result.notes.append(note)
        plan["envelopes"] = {
            "name": result.envelopes.name,
            "sha256": _sha(data),
            "holds": [{"file": i.file, "sections": i.envelope_sections} for i in enveloped],
        }
    if "pdf" not in plan and "pdf" in previous:
        plan["pdf"] = previous["pdf"]
    result.plan = plan
    result.order = order_lines(kept, result.print_file.name if result.print_file else PRINT_FILE,
                               result.envelopes.name if result.envelopes else None,
                               enveloped)  # fmt: skip
    return result


def _plain(data: bytes, what: str, notes: list[str]) -> bytes:
    """Return a joined file without macros or links to elsewhere; note what was removed."""
    from ..docxsafe import strip_external

    cleaned = strip_external(data)
    if cleaned.removed:
        notes.append(f"left out of the {what} (a letter carried them): "
                     + "; ".join(cleaned.removed))  # fmt: skip
    return cleaned.data


def _own(previous: dict[str, Any], key: str, name: str) -> str | None:
    """Return the SHA-256 the tool recorded for its file of that name, if it wrote one."""
    record = previous.get(key)
    if isinstance(record, dict) and record.get("name") == name:
        return str(record.get("sha256"))
    return None


def make_pdf(print_file: Path, plan: dict[str, Any]) -> tuple[Path, str | None]:
    """Convert the print file to PDF beside it with headless LibreOffice.

    The tool's own earlier PDF (as `plan` records it) is replaced; any other file of that
    name is kept and the PDF takes the next free name. Return where it went and a note.
    """
    import tempfile

    from ..office import convert
    from ..outbox import write_file
    from ..safewrite import read_file

    ours = _own(plan, "pdf", print_file.with_suffix(".pdf").name)
    with tempfile.TemporaryDirectory(prefix="followup-pdf-") as stage:
        made = read_file(convert(print_file, "pdf", Path(stage)))
    return write_file(print_file.with_suffix(".pdf"), made, replace=_ours(ours))


def reprint(folder: Path, *, pdf: bool = False) -> PrintResult:
    """Rebuild the print file, envelopes (and PDF) of a batch folder from its letters on disk."""
    from .. import manifest
    from ..outbox import Outbox
    from ..safewrite import read_file

    folder = Path(folder)
    doc = manifest.manifest(folder)
    where = folder / manifest.MANIFEST
    previous = doc.get("print")
    if not isinstance(previous, dict) or not isinstance(previous.get("order"), list):
        raise FollowupError(
            f"{where}: records no printed letters (only email drafts, or a batch written by an "
            "older followup-xl); run `followup-xl run` again to write a new batch"
        )
    try:
        day = date.fromisoformat(str(doc.get("day")))
        items = [
            PrintItem(
                file=str(e["file"]),
                paper=str(e["paper"]),
                who=str(e["who"]),
                envelope_sections=int(e.get("envelope_sections", 0)),
                alternative=str(e.get("alternative", "")),
            )
            for e in previous["order"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise FollowupError(
            f"{where}: cannot be read ({exc}); run `followup-xl run` again to write a new batch"
        ) from None
    names = [n for i in items for n in (i.file, i.alternative) if n]
    bad = [n for n in names if n != Path(n).name or n in (".", "..")]
    bad += [i.file for i in items if i.paper not in PAPERS]
    if bad:
        raise FollowupError(f"{where}: {bad[0]!r} is not a letter file of this folder")
    notes: list[str] = []
    record = previous.get("envelopes")
    held = _held(record, items, where)
    envelope_of: dict[str, Package] = {}
    kept_file: Path | None = None
    if held and isinstance(record, dict):
        env_path = folder / str(record["name"])
        if not env_path.is_file():
            notes.append(
                f"{env_path.name} is no longer in the folder, so there are no envelopes this "
                "time: address the envelopes by hand, or run `followup-xl run` again"
            )
        elif [f for f, _ in held] == [f for f, _ in held if _present(folder, items, f)]:
            kept_file = env_path  # every letter it has an envelope for is still here
        else:
            parts = split_sections(read_file(env_path), [n for _, n in held], day)
            if parts is None:
                raise FollowupError(
                    f"{env_path}: no longer holds the {_count(len(held), 'envelope')} "
                    "followup-xl wrote (changed in Word?), so its envelopes cannot be matched "
                    "to the letters left: put it back as it was, or delete it to print without "
                    "envelopes; nothing was printed"
                )
            envelope_of = {file: Package(part) for (file, _), part in zip(held, parts, strict=True)}
    sections = dict(held)
    for item in items:
        if item.envelope_sections and item.file not in sections and (folder / item.file).is_file():
            notes.append(
                f"{item.file} is back, but its envelope left the envelopes file at an earlier "
                "print: address its envelope by hand"
            )
    items = [replace(i, envelope=envelope_of.get(i.file)) for i in items]
    items = [_fallback(folder, item) for item in items]
    with Outbox(folder) as box:
        result = build(box, items, day=day, previous=previous)
        result.notes += box.publish()
    if pdf and result.print_file is not None:
        try:
            result.pdf, note = make_pdf(result.print_file, previous)
        except FollowupError as exc:  # as in the run: the .docx files are there to print
            result.pdf_error = str(exc)
        else:
            if note:
                result.notes.append(note)
            record_pdf(result.plan, result.pdf)
    if kept_file is not None and isinstance(record, dict):
        if _sha(read_file(kept_file)) != record.get("sha256"):
            notes.append(
                f"{kept_file.name} was changed after followup-xl wrote it, so it is left as it "
                "is; it still holds an envelope for each of its letters, in their order"
            )
        result.plan["envelopes"] = record
        result.envelopes = kept_file
        files = dict(held)
        result.order = order_lines(
            [i for i in print_order(items) if (folder / i.file).is_file()],
            result.print_file.name if result.print_file else PRINT_FILE,
            kept_file.name,
            [i for i in print_order(items) if i.file in files],
        )
    if envelope_of and result.envelopes is None and isinstance(record, dict):
        notes.append(
            f"none of the letters {record['name']} has envelopes for is left to print, so it "
            "is out of date: do not use it"
        )
    result.notes = notes + result.notes
    manifest.record_printing(folder, result.plan)
    return result


def _present(folder: Path, items: Sequence[PrintItem], file: str) -> bool:
    """Return whether the letter `file` (or the run's new version of it) is in the folder."""
    return any(
        (folder / (i.file if (folder / i.file).is_file() else i.alternative or i.file)).is_file()
        for i in items
        if i.file == file
    )


def _held(record: Any, items: Sequence[PrintItem], where: Path) -> list[tuple[str, int]]:
    """Return the letters whose envelopes the envelopes file holds, in its order, each with
    its envelope's number of sections; a manifest without "holds" (written by the run of an
    older followup-xl) holds an envelope for every letter of the run that has one."""
    if not isinstance(record, dict) or Path(str(record.get("name"))).name != record.get("name"):
        return []
    holds = record.get("holds")
    if holds is None:
        return [(i.file, i.envelope_sections) for i in items if i.envelope_sections]
    try:
        return [(str(e["file"]), int(e["sections"])) for e in holds]
    except (KeyError, TypeError, ValueError) as exc:
        raise FollowupError(
            f"{where}: cannot be read ({exc}); run `followup-xl run` again to write a new batch"
        ) from None


def _fallback(folder: Path, item: PrintItem) -> PrintItem:
    """Print the run's own new version of a letter once the user's kept one is deleted."""
    if item.alternative and not (folder / item.file).is_file():
        return replace(item, file=item.alternative, alternative="")
    return item


def previous_plan(folder: Path) -> dict[str, Any]:
    """Return what the folder's manifest records about printing ({} when nothing)."""
    from .. import manifest

    if not (Path(folder) / manifest.MANIFEST).is_file():
        return {}
    try:
        plan = manifest.manifest(folder).get("print")
    except FollowupError:
        return {}
    return plan if isinstance(plan, dict) else {}


def record_pdf(plan: dict[str, Any], pdf: Path) -> None:
    """Note in the plan the PDF the tool wrote, so `print --pdf` may replace it later."""
    from ..safewrite import read_file

    plan["pdf"] = {"name": pdf.name, "sha256": _sha(read_file(pdf))}
