"""The week's calls and letter deadlines as an iCalendar file (RFC 5545) to import into a calendar.

One event per call and per letter, each with a reminder 15 minutes before, on a working day of
the user's country: a call at the hour it lands in the callee's business hours, as a UTC
instant (floating when the user's zone is unknown); a letter at 09:00 floating local time. The
UID of an event comes from its action alone, so importing next week's file updates the events
instead of adding copies; an event of the previous file whose action is gone (done, or no
longer due) comes back as CANCELLED, so the calendar drops it too. Same actions, same day and
the same previous file give the same bytes.

The file is written as text here. Writing it with icalendar gives the same bytes but costs
far more: for the 18,426 events of benchmarks/bench_week.py's workbook it measured 34 s, of
which `Calendar.to_ical()` alone took 19.6 s, where this writer takes 1.0 s (2026-12-06), so
the writer stays; the tests read every file it writes back with icalendar and vobject. Each
event is encoded as it is written and a long line folded by slicing its UTF-8 bytes, so the
file is held once, as bytes.

The previous file is read here too, streamed a chunk at a time (see _read_previous): only
the events it cancels and the time zones they name are held, each written back as its lines
were, with its STATUS, SEQUENCE and DTSTAMP replaced and its reminder dropped. For the same
workbook's 11.7 MB calendar that takes 1.1 s and 0.5 MiB when none of its events is
cancelled, 1.9 s and 37 MiB when all are; icalendar took 21.8 s and 183 MiB, and 31.2 s
with writing the cancelled events (2026-12-06).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from .localize import fmt_date
from .model import LETTER_KINDS, Action, Book, Contact, Kind
from .timezones import CallPlanner
from .workdays import WorkCalendar, calendar_for

CALENDAR_NAME = "followup.ics"
PRODID = "-//followup-xl//Follow-ups after job interviews//EN"
CALL_KINDS = frozenset({Kind.PHONE_CALL, Kind.REFERENCE_CALL})
#: When events start, and how long they last (minutes).
CALL_AT, CALL_MINUTES = time(10, 0), 15
LETTER_AT, LETTER_MINUTES = time(9, 0), 30

REMINDER = timedelta(minutes=-15)
#: How long a cancelled event is carried from one calendar file to the next.
KEEP_CANCELLED = timedelta(days=28)
#: SEQUENCE counts days from here, so every later run's version of an event wins.
_EPOCH = date(2020, 1, 1)
#: The largest previous calendar read back. It is streamed, so this bounds the time taken,
#: not the memory: the tool writes about 1.2 KB per interview of the workbook (11.7 MB for
#: 10,000 interviews), so 256 MiB is the calendar of some 220,000 interviews.
MAX_PREVIOUS = 256 * 2**20
#: The longest line, event or time zone read back from it (an event of the tool's is a few
#: KB; cells of 32,767 characters in each of its fields stay under this).
MAX_COMPONENT = 2**20
_CHUNK = 2**16
_UNFOLD = re.compile(rb"\r?\n[ \t]")
_DATED_FOLDER = re.compile(r"followup (\d{4}-\d{2}-\d{2})(?: \(.+\))?")

_VERBS = {
    Kind.THANK_YOU_LETTER: "Mail the thank-you letter to",
    Kind.THANK_YOU_EMAIL: "Send the thank-you email to",
    Kind.THANK_YOU_FAX: "Fax the thank-you to",
    Kind.NOTE_CARD: "Mail the note card to",
    Kind.KEEP_IN_TOUCH: "Send the keep-in-touch letter to",
    Kind.PHONE_CALL: "Call",
    Kind.REFERENCE_CALL: "Call your reference",
}


def calendar_kinds() -> frozenset[Kind]:
    """Return the kinds of action that become calendar events."""
    return CALL_KINDS | LETTER_KINDS


def action_uid(action: Action) -> str:
    """Return the event UID of an action: the same for the same follow-up on every run."""
    digest = hashlib.sha256("\x1f".join(action.key).encode("utf-8")).hexdigest()
    return f"{digest[:32]}@followup-xl"


def event_day(action: Action, today: date, cal: WorkCalendar) -> date:
    """Return the working day an action goes in the calendar on.

    Nothing is put in the past: an overdue action goes on today (or the next working day).
    A deadline on a weekend or holiday moves to the working day before it when that is not
    past yet, so a letter is not planned after its deadline.
    """
    day = max(action.due, today)
    if cal.is_workday(day):
        return day
    before = day - timedelta(days=1)
    while before >= today and not cal.is_workday(before):
        before -= timedelta(days=1)
    return before if before >= today else cal.on_or_after(day)


def find_previous(out_dir: Path, today: date, *, workbook: Path | None = None) -> Path | None:
    """Return the calendar written by the latest run before this one, or None.

    That is the same folder's file on a rerun the same day, else the newest calendar in a
    dated sibling folder ("followup YYYY-MM-DD", or "followup YYYY-MM-DD (name)") of an
    earlier day that `workbook`'s runs wrote: another workbook's events are never cancelled.
    """
    from .manifest import folder_workbook

    same = out_dir / CALENDAR_NAME
    if same.is_file():
        return same
    best: tuple[str, Path] | None = None
    parent = out_dir.parent
    if not parent.is_dir():
        return None
    mine = Path(workbook).resolve() if workbook is not None else None
    for folder in parent.iterdir():
        m = _DATED_FOLDER.fullmatch(folder.name)
        if not m or m.group(1) >= today.isoformat() or not (folder / CALENDAR_NAME).is_file():
            continue
        if best is not None and m.group(1) <= best[0]:
            continue
        owner = folder_workbook(folder) if mine is not None else None
        if owner is None or owner == mine:
            best = (m.group(1), folder / CALENDAR_NAME)
    return None if best is None else best[1]


def build_calendar(
    book: Book, actions: Iterable[Action], *, today: date, previous: BinaryIO | None = None
) -> tuple[bytes, list[str]]:
    """Return the .ics bytes for the actions, and notes (e.g. an unreadable old calendar).

    `previous` is the calendar of the run before (find_previous), open for reading, of at
    most MAX_PREVIOUS bytes: its events whose action is gone come back CANCELLED.
    """
    cal_days = calendar_for(book.profile.country, book.profile.state)
    contacts = {c.contact_id: c for c in book.contacts}
    stamp = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    sequence = max((today - _EPOCH).days, 0)
    kinds = calendar_kinds()
    current: set[str] = set()
    events = []
    for action in actions:
        if action.kind not in kinds:
            continue
        uid = action_uid(action)
        if uid in current:
            continue
        current.add(uid)
        day = event_day(action, today, cal_days)
        events.append((day, uid, action))
    planner = CallPlanner(book)
    interviews = {iv.interview_id: iv for iv in reversed(book.interviews)}  # the first wins
    notes: list[str] = []
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    cancelled, zones = _cancelled(previous, current, today, stamp_text, sequence, notes)
    head = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Follow-ups",
    ]  # fmt: skip
    # each event is encoded as it is written: the whole file is never held as one string
    out = ["".join(f"{_fold(line)}\r\n" for line in head).encode("utf-8")]
    out.extend(zones)
    for day, uid, action in sorted(events, key=lambda e: (e[0], e[1])):
        if action.kind in CALL_KINDS:
            contact = contacts.get(action.contact_id)
            moment = planner.moment(day, contact, interviews.get(action.interview_id))
            start = (moment.instant.strftime("%Y%m%dT%H%M%SZ") if moment.instant
                     else moment.mine.strftime("%Y%m%dT%H%M%S"))  # fmt: skip
        else:
            start = datetime.combine(day, LETTER_AT).strftime("%Y%m%dT%H%M%S")
        out.append(_event(action, uid, start, contacts, stamp_text, sequence).encode("utf-8"))
    out.extend(cancelled)
    out.append(b"END:VCALENDAR\r\n")
    return b"".join(out), notes


def _event(
    action: Action,
    uid: str,
    start: str,
    contacts: dict[str, Contact],
    stamp: str,
    sequence: int,
) -> str:
    """Return the VEVENT of one action starting at `start` (an iCalendar DATE-TIME: UTC
    with "Z", or floating), with its reminder, as text."""
    call = action.kind in CALL_KINDS
    contact = contacts.get(action.contact_id)
    who = (contact.display_name if contact else "") or action.who or action.company
    where = f" ({action.company})" if action.company and action.company not in who else ""
    summary = _text(f"{_VERBS.get(action.kind, action.kind.value)} {who}{where}")
    lines = [
        f"{action.rule}: {action.why}",
        f"Due: {fmt_date(action.due)} ({action.status.value})",
    ]
    if call and contact is not None and contact.phone:
        lines.insert(0, f"Phone: {contact.phone}")
    if action.position:
        lines.append(f"Position: {action.position}")
    # icalendar's order of a VEVENT's properties, so the bytes stay what they were
    props = [
        f"SUMMARY:{summary}",
        f"DTSTART:{start}",
        f"DURATION:{_CALL_LENGTH if call else _LETTER_LENGTH}",
        f"DTSTAMP:{stamp}",
        f"UID:{_text(uid)}",
        f"SEQUENCE:{sequence}",
        f"CATEGORIES:Follow-up,{'Call' if call else 'Letter'}",
        f"DESCRIPTION:{_text(chr(10).join(lines))}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",  # a reminder, not a meeting: the time stays free
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{summary}",
        f"TRIGGER:{_TRIGGER}",
        "END:VALARM",
    ]
    return "".join(f"{_fold(line)}\r\n" for line in ["BEGIN:VEVENT", *props, "END:VEVENT"])


def _text(value: str) -> str:
    """Return a TEXT value escaped (RFC 5545 3.3.11), as icalendar escapes it."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _duration(value: timedelta) -> str:
    """Return a DURATION value: -PT15M, PT30M, PT1H30M, P1DT2H."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    days = f"{value.days}D" if value.days else ""
    return f"{sign}P{days}{'T' + clock if clock else ''}" if days or clock else "PT0S"


#: The DURATION of a call's and a letter's event and the TRIGGER of their reminder.
_CALL_LENGTH = _duration(timedelta(minutes=CALL_MINUTES))
_LETTER_LENGTH = _duration(timedelta(minutes=LETTER_MINUTES))
_TRIGGER = _duration(REMINDER)


def _fold(line: str, limit: int = 75) -> str:
    """Return a content line folded to lines under `limit` octets (RFC 5545 3.1), as
    icalendar folds it: never inside a character, nor right after a backslash."""
    if len(line) < limit and line.isascii():
        return line
    raw = line.encode("utf-8")
    folded: list[bytes] = []
    start = 0
    while len(raw) - start >= limit:
        cut = start + limit - 1  # the first byte that does not fit
        while raw[cut] & 0xC0 == 0x80:  # inside a character: fold before it
            cut -= 1
        if cut - start > 1 and raw[cut - 1] in b"\\^":  # carried to the next line
            cut -= 1
        folded.append(raw[start:cut])
        start = cut
    folded.append(raw[start:])
    return b"\r\n ".join(folded).decode("utf-8")


def _content_lines(fh: BinaryIO) -> Iterator[bytes | None]:
    """Yield an iCalendar stream's content lines unfolded (RFC 5545 3.1: a line end followed
    by a space or a tab continues the line), without their line ends (CRLF or LF); None in
    place of one longer than MAX_COMPONENT, whose bytes are skipped, never held.

    The stream is read _CHUNK bytes at a time, and each chunk, up to its last line end that
    no fold follows, unfolded and split at once: a Python loop over each physical line takes
    three times as long on the tool's own calendars, whose events fold every few lines.
    """
    carry = b""
    skipping = False  # inside a line over MAX_COMPONENT: drop it up to its end
    while True:
        chunk = fh.read(_CHUNK)
        buf = carry + chunk if carry else chunk
        end = len(buf)
        if chunk:  # the last line end with a byte after it that is no fold
            end = buf.rfind(b"\n", 0, len(buf) - 1)
            while end != -1 and buf[end + 1] in b" \t":
                end = buf.rfind(b"\n", 0, end)
        if end == -1:  # no line ends here yet
            if len(buf) > MAX_COMPONENT and not skipping:
                skipping = True
                yield None
            carry = buf[-1:] if skipping else buf  # one byte: is a line end next?
            continue
        lines = _UNFOLD.sub(b"", buf[:end]).replace(b"\r\n", b"\n").split(b"\n")
        if lines[-1].endswith(b"\r"):  # the CR of the chunk's last CRLF
            lines[-1] = lines[-1][:-1]
        if skipping:
            skipping = False
            del lines[0]
        for line in lines:
            yield line if len(line) <= MAX_COMPONENT else None
        if not chunk:
            return
        carry = buf[end + 1 :]


#: A content line (RFC 5545 3.1): name, parameters (quoted or not), ":" and the value; no
#: control character but a tab anywhere.
_NAME = r"[A-Za-z0-9-]+"
_PVALUE = r'(?:"[^"\x00-\x08\x0a-\x1f\x7f]*"|[^";:,\x00-\x08\x0a-\x1f\x7f]*)'
_PARAM = re.compile(rf";({_NAME})=({_PVALUE}(?:,{_PVALUE})*)")
_LINE = re.compile(
    rf"(?P<name>{_NAME})(?P<params>(?:{_PARAM.pattern})*):(?P<value>[^\x00-\x08\x0a-\x1f\x7f]*)"
)
_DATE_VALUE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?")


@dataclass
class _Gone:
    """What the previous calendar leaves to carry forward: the events whose action is gone
    (their UID and content lines, BEGIN and END left out, nested alarms dropped), its time
    zones (TZID -> the VTIMEZONE's lines) and what could not be read."""

    events: list[tuple[str, list[str]]] = field(default_factory=list)
    zones: dict[str, list[str]] = field(default_factory=dict)
    skipped: int = 0
    first_skipped: str = ""

    def skip(self, why: str) -> None:
        """Count a part that cannot be read; the first one's reason is kept for the note."""
        self.skipped += 1
        self.first_skipped = self.first_skipped or why


def _read_previous(fh: BinaryIO, current: set[str], today: date) -> _Gone | str:
    """Return the tool's events of a previous calendar whose UID is not in `current`, dated
    since KEEP_CANCELLED before today, and its time zones; or why it is no iCalendar file.

    The file is streamed a content line at a time and only those events and zones are
    kept, so the memory taken is that of what is carried forward, whatever the file's size.
    A calendar program's export reads as the tool's own: VTIMEZONE blocks, X- properties,
    folded lines, CRLF or LF, lower-case names. A part that cannot be read (an unbalanced
    BEGIN/END, a line over MAX_COMPONENT, a line that is no content line, a DTSTART that is
    no date) is skipped and counted; an event without the tool's UID is the user's own and
    is left alone.
    """
    gone = _Gone()
    lines = _content_lines(fh)
    first = next((line for line in lines if line != b""), None)
    if first is None or first.removeprefix(b"\xef\xbb\xbf").upper() != b"BEGIN:VCALENDAR":
        return "it does not begin with BEGIN:VCALENDAR"
    stack = [b"VCALENDAR"]
    part: list[bytes] | None = None  # the lines of the VEVENT or VTIMEZONE being read
    kind, depth, size, bad = b"", 0, 0, ""
    for line in lines:
        if line is None:
            if part is None:
                gone.skip(f"a line over {MAX_COMPONENT:,} bytes")
            else:
                bad = bad or f"a line over {MAX_COMPONENT:,} bytes"
            continue
        if not line:
            continue
        word = line[:6].upper() if line[:1] in b"BbEe" else b""  # most lines are neither
        if word == b"BEGIN:":
            stack.append(line[6:].strip().upper())
            if part is None and stack[-1] in (b"VEVENT", b"VTIMEZONE"):
                part, kind, depth, size, bad = [], stack[-1], len(stack), 0, ""
            if part is None or kind == b"VEVENT":
                continue  # a VEVENT keeps no component nested in it
        elif word[:4] == b"END:":
            name = line[4:].strip().upper()
            if name not in stack:
                bad = bad or f"END:{name.decode('ascii', 'replace')} without its BEGIN"
                continue
            if stack[-1] != name:
                bad = bad or f"END:{name.decode('ascii', 'replace')} before its parts end"
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
            if part is not None and len(stack) < depth:
                if bad:
                    gone.skip(bad)
                elif kind == b"VEVENT":
                    _take_event(part, current, today, gone)
                else:
                    _take_zone([*part, line], gone)
                part = None
            if part is None or kind == b"VEVENT":
                continue
        elif part is None:
            if not _LINE.fullmatch(line.decode("utf-8", "replace")):
                gone.skip(f"{line[:40].decode('utf-8', 'replace')!r} is no content line")
            continue
        elif kind == b"VEVENT" and len(stack) != depth:
            continue
        size += len(line)
        if size > MAX_COMPONENT:
            bad, part = bad or f"a part over {MAX_COMPONENT:,} bytes", []
        elif not bad:
            part.append(line)
    if part is not None:
        gone.skip(f"the file ends inside a {kind.decode('ascii')}")
    elif stack:
        gone.skip("the file ends before END:VCALENDAR")
    return gone


def _take_event(lines: list[bytes], current: set[str], today: date, gone: _Gone) -> None:
    """Keep an event of the previous calendar if it is the tool's, its action is gone and it
    is recent; count it as unreadable if it is the tool's but cannot be read."""
    found: dict[bytes, str] = {}
    for line in lines:  # the UID and DTSTART only: most events are this run's too
        name = line.split(b":", 1)[0].split(b";", 1)[0].upper()
        if name in (b"UID", b"DTSTART") and name not in found:
            m = _LINE.fullmatch(line.decode("utf-8", "replace"))
            found[name] = m["value"] if m else ""
    uid = found.get(b"UID", "")
    if not uid.endswith("@followup-xl") or uid in current:
        return  # the user's own event, or one this run writes again
    when = _DATE_VALUE.fullmatch(found.get(b"DTSTART", ""))
    try:
        day = date(*(int(n) for n in when.groups())) if when else None
    except ValueError:  # month 13, 30 February
        day = None
    if day is None:
        gone.skip(f"event {uid} has no DTSTART that is a date")
        return
    if day < today - KEEP_CANCELLED:
        return  # long past: the calendar has had its chance to drop it
    try:
        text = [line.decode("utf-8") for line in lines]
    except UnicodeDecodeError:
        gone.skip(f"event {uid} is not UTF-8")
        return
    if not all(_LINE.fullmatch(line) for line in text):
        gone.skip(f"event {uid} has a line that is no iCalendar content line")
        return
    gone.events.append((uid, text))


def _take_zone(lines: list[bytes], gone: _Gone) -> None:
    """Keep a VTIMEZONE of the previous calendar by its TZID, if it can be read."""
    try:
        text = [line.decode("utf-8") for line in lines]
    except UnicodeDecodeError:
        gone.skip("a VTIMEZONE that is not UTF-8")
        return
    parsed = [_LINE.fullmatch(line) for line in text]
    tzid = next((m["value"] for m in parsed if m and m["name"].upper() == "TZID"), None)
    if tzid is None or not all(parsed):
        gone.skip("a VTIMEZONE without TZID or with a line that is none")
        return
    gone.zones[tzid] = text


def _cancelled(
    previous: BinaryIO | None,
    current: set[str],
    today: date,
    stamp: str,
    sequence: int,
    notes: list[str],
) -> tuple[list[bytes], list[bytes]]:
    """Return the previous calendar's events that are gone now, marked CANCELLED (without
    their reminder), and the time zones (VTIMEZONE) their times name, which the new calendar
    must carry too: an event whose TZID names no time zone in the file is one a calendar may
    refuse, so a TZID the old file did not define leaves the time as written, floating."""
    if previous is None:
        return [], []
    try:
        gone = _read_previous(previous, current, today)
    except OSError as exc:  # a disk error half-way
        notes.append(f"the previous {CALENDAR_NAME} cannot be read ({exc}); no event cancelled")
        return [], []
    if isinstance(gone, str):
        notes.append(f"the previous {CALENDAR_NAME} cannot be read ({gone}); no event cancelled")
        return [], []
    if gone.skipped:
        notes.append(
            f"{gone.skipped:,} part(s) of the previous {CALENDAR_NAME} cannot be read (the "
            f"first: {gone.first_skipped}); no event in them is cancelled"
        )
    fresh = {"STATUS": "STATUS:CANCELLED", "SEQUENCE": f"SEQUENCE:{sequence}",
             "DTSTAMP": f"DTSTAMP:{stamp}"}  # fmt: skip
    used: set[str] = set()
    out = []
    for _uid, lines in sorted(gone.events, key=lambda e: e[0]):
        written = ["BEGIN:VEVENT"]
        todo = dict(fresh)
        for line in lines:  # each a content line: its name ends at the first ";" or ":"
            head = line.split(":", 1)[0]
            name = head.split(";", 1)[0].upper()
            if name in fresh:
                if name in todo:
                    written.append(todo.pop(name))
                continue
            m = _LINE.fullmatch(line) if name in ("DTSTART", "DTEND") and ";" in head else None
            if m is not None:
                line = f"{m['name']}{_zoned(m['params'], gone.zones, used)}:{m['value']}"
            written.append(line)
        written += [*todo.values(), "END:VEVENT"]
        out.append("".join(f"{_fold(line)}\r\n" for line in written).encode("utf-8"))
    zones = [
        "".join(f"{_fold(line)}\r\n" for line in gone.zones[tzid]).encode("utf-8")
        for tzid in sorted(used)
    ]
    return out, zones


def _zoned(params: str, zones: dict[str, list[str]], used: set[str]) -> str:
    """Return a time's parameters with its TZID kept, and noted in `used`, if `zones`
    defines that zone, else left out."""
    kept = []
    for m in _PARAM.finditer(params):
        if m[1].upper() == "TZID":
            tzid = m[2][1:-1] if m[2].startswith('"') and m[2].endswith('"') else m[2]
            if tzid not in zones:
                continue
            used.add(tzid)
        kept.append(m[0])
    return "".join(kept)
