"""The week's calls and letter deadlines as an iCalendar file (RFC 5545) to import into a calendar.

One event per call and per letter, each with a reminder 15 minutes before, on a working day of
the user's country: a call at the hour it lands in the callee's business hours, as a UTC
instant (floating when the user's zone is unknown); a letter at 09:00 floating local time. The
UID of an event comes from its action alone, so importing next week's file updates the events
instead of adding copies; an event of the previous file whose action is gone (done, or no
longer due) comes back as CANCELLED, so the calendar drops it too. Same actions and same day
give the same bytes.

The file is written as text here and read back with icalendar. Writing it with icalendar
gives the same bytes but costs far more: for the 18,426 events of benchmarks/bench_week.py's
workbook it measured 34 s, of which `Calendar.to_ical()` alone took 19.6 s, where this writer
takes 1.0 s (2026-12-06), so the writer stays; the tests read every file it writes back with
icalendar and vobject. Each event is encoded as it is written and a long line folded by
slicing its UTF-8 bytes, so the file is held once, as bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

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
#: The largest previous calendar read back (the tool's own are a few KB per week).
MAX_PREVIOUS = 5_000_000
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
    book: Book, actions: Iterable[Action], *, today: date, previous: bytes | None = None
) -> tuple[bytes, list[str]]:
    """Return the .ics bytes for the actions, and notes (e.g. an unreadable old calendar).

    The events are written as text (one per action, tens of thousands for a career centre);
    icalendar reads the previous file and writes the events it cancels.
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
    cancelled, zones = _cancelled(previous, current, today, stamp, sequence, notes)
    head = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Follow-ups",
    ]  # fmt: skip
    # each event is encoded as it is written: the whole file is never held as one string
    out = ["".join(f"{_fold(line)}\r\n" for line in head).encode("utf-8")]
    out.extend(zone.to_ical() for zone in zones)
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    for day, uid, action in sorted(events, key=lambda e: (e[0], e[1])):
        if action.kind in CALL_KINDS:
            contact = contacts.get(action.contact_id)
            moment = planner.moment(day, contact, interviews.get(action.interview_id))
            start = (moment.instant.strftime("%Y%m%dT%H%M%SZ") if moment.instant
                     else moment.mine.strftime("%Y%m%dT%H%M%S"))  # fmt: skip
        else:
            start = datetime.combine(day, LETTER_AT).strftime("%Y%m%dT%H%M%S")
        out.append(_event(action, uid, start, contacts, stamp_text, sequence).encode("utf-8"))
    out.extend(event.to_ical() for event in cancelled)
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


def _cancelled(
    previous: bytes | None,
    current: set[str],
    today: date,
    stamp: datetime,
    sequence: int,
    notes: list[str],
) -> tuple[list[Any], list[Any]]:
    """Return the previous calendar's events that are gone now, marked CANCELLED, and the
    time zones (VTIMEZONE) their times name, which the new calendar must carry too: an
    event whose TZID names no time zone in the file is one a calendar may refuse."""
    from icalendar import Calendar

    if not previous:
        return [], []
    if len(previous) > MAX_PREVIOUS:
        notes.append(f"the previous {CALENDAR_NAME} is over {MAX_PREVIOUS:,} bytes; not read")
        return [], []
    try:
        old = Calendar.from_ical(previous)
    except Exception as exc:  # icalendar raises ValueError and friends on damaged files
        notes.append(f"the previous {CALENDAR_NAME} cannot be read ({exc}); no event cancelled")
        return [], []
    zones = {str(z.get("tzid", "")): z for z in old.walk("VTIMEZONE")}
    used: set[str] = set()
    out = []
    for event in old.walk("VEVENT"):
        uid = str(event.get("uid", ""))
        if not uid.endswith("@followup-xl") or uid in current:
            continue
        start = event.decoded("dtstart", None)
        day = start.date() if isinstance(start, datetime) else start
        if not isinstance(day, date) or day < today - KEEP_CANCELLED:
            continue  # long past: the calendar has had its chance to drop it
        event.pop("status", None)
        event.add("status", "CANCELLED")
        event.pop("sequence", None)
        event.add("sequence", sequence)
        event.pop("dtstamp", None)
        event.add("dtstamp", stamp)
        event.subcomponents = []  # no reminder for what is off
        for name in ("dtstart", "dtend"):
            prop = event.get(name)
            tzid = str(prop.params.get("TZID", "")) if prop is not None else ""
            if tzid and tzid in zones:
                used.add(tzid)
            elif tzid:  # a zone the old file did not define: the time as written, floating
                del prop.params["TZID"]
        out.append(event)
    return sorted(out, key=lambda e: str(e["uid"])), [zones[t] for t in sorted(used)]
