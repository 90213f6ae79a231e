"""The calendar file: real workbooks, the real rules, and two independent iCalendar parsers."""

from __future__ import annotations

import io
import re
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from factory import make_book
from followup_xl import ics
from followup_xl.model import Action, Book, Kind, Profile, Status
from followup_xl.read.reader import read_workbook
from followup_xl.rules import due_actions

MON = date(2026, 11, 23)

INTERVIEW = {
    "Interview ID": "HL-1",
    "Company": "Hart & Lowe Books",
    "Position": "Marketing Coordinator",
    "Interview Date": datetime(2026, 11, 20, 10, 30),
    "Status": "Interviewed",
    "Want Job": "Yes",
    "Decision Expected": date(2026, 12, 18),
    "Callback Expected": date(2026, 12, 4),
    "Strengths": "ten years of bookshop events",
}
RENEE = {
    "Contact ID": "HL-RD",
    "Interview ID": "HL-1",
    "Role": "Interviewer",
    "Honorific": "Ms.",
    "First Name": "Renée",
    "Last Name": "Dubois-Okafor",
    "Job Title": "Director of Marketing",
    "Phone": "+1 617 555 0142",
    "Preferred Channel": "Mail",
}
TOM = {**RENEE, "Contact ID": "HL-TO", "First Name": "Tom", "Last Name": "O'Brien",
       "Honorific": "Mr.", "Phone": "+1 617 555 0177"}  # fmt: skip
REFERENCE = {
    "Contact ID": "REF-1",
    "Role": "Reference",
    "Honorific": "Dr.",
    "First Name": "Ada",
    "Last Name": "Quist",
    "Job Title": "Professor",
    "Phone": "+1 617 555 0199",
}


def book_of(tmp_path: Path, log: list[dict], name: str = "t.xlsx"):
    """Build the workbook for real, read it back and return the Book."""
    path = make_book(tmp_path / name, interviews=[INTERVIEW], contacts=[RENEE, TOM, REFERENCE],
                     log=log)  # fmt: skip
    return read_workbook(path).book


MAILED = [
    {"Date": date(2026, 11, 20), "Interview ID": "HL-1", "Contact ID": c,
     "Action": "Thank-You Letter Mailed"}
    for c in ("HL-RD", "HL-TO")
]  # fmt: skip


def events(data: bytes) -> dict[str, object]:
    """Return the calendar's events by UID, parsed by icalendar."""
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def carried(
    book: Book, actions: list[Action], *, today: date, previous: bytes, tmp_path: Path
) -> tuple[bytes, list[str]]:
    """Return the calendar a run writes when last week's, saved as a file, held `previous`."""
    path = tmp_path / f"last week {len(list(tmp_path.glob('last week *')))}.ics"
    path.write_bytes(previous)
    with path.open("rb") as fh:
        return ics.build_calendar(book, actions, today=today, previous=fh)


def test_each_call_is_an_event_on_a_working_day_at_ten_with_a_reminder(tmp_path):
    """The R12 calls land at 10:00 (the user's and the callee's, both in Boston) on working
    days, written as instants, with the phone number and an alarm."""
    book = book_of(tmp_path, MAILED)
    actions = due_actions(book, MON)
    data, notes = ics.build_calendar(book, actions, today=MON)
    assert notes == []
    calls = [a for a in actions if a.kind is Kind.PHONE_CALL]
    assert len(calls) == 2
    got = events(data)
    for action in calls:
        event = got[ics.action_uid(action)]
        start = event.decoded("dtstart")  # an instant: 10:00 in Boston, the user's zone
        assert start.tzinfo is not None
        start = start.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
        assert start.time() == ics.CALL_AT
        assert start.date() == action.due and start.weekday() < 5
        assert event.decoded("duration") == timedelta(minutes=15)
        assert str(event["status"]) == "CONFIRMED"
        assert "Phone: +1 617 555 0" in str(event["description"])
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger") == timedelta(minutes=-15)
        assert str(alarm["action"]) == "DISPLAY"
    summaries = sorted(str(e["summary"]) for e in got.values())
    assert "Call Ms. Renée Dubois-Okafor (Hart & Lowe Books)" in summaries


def test_thanksgiving_is_skipped_and_nothing_is_planned_in_the_past(tmp_path):
    """An overdue action goes on the next working day, never on Thanksgiving or a weekend."""
    book = book_of(tmp_path, MAILED)
    thanksgiving = date(2026, 11, 26)
    actions = due_actions(book, thanksgiving)
    data, _ = ics.build_calendar(book, actions, today=thanksgiving)
    days = {e.decoded("dtstart").date() for e in events(data).values()}
    assert days and min(days) == date(2026, 11, 27)  # Friday, the first working day
    assert all(d.weekday() < 5 and d != thanksgiving for d in days)


def test_uids_are_stable_so_a_reimport_updates_instead_of_duplicating(tmp_path):
    """The same follow-up keeps its UID from Monday's file to Wednesday's; SEQUENCE grows."""
    book = book_of(tmp_path, MAILED)
    monday, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    wed = MON + timedelta(days=2)
    wednesday, _ = carried(book, due_actions(book, wed), today=wed, previous=monday,
                           tmp_path=tmp_path)  # fmt: skip
    before, after = events(monday), events(wednesday)
    calls = {u for u, e in before.items() if str(e["summary"]).startswith("Call Ms.")}
    assert calls and calls <= set(after)
    for uid in calls:
        assert int(after[uid]["sequence"]) > int(before[uid]["sequence"])
    assert len(after) == len(set(after))


def test_a_call_that_was_made_comes_back_cancelled(tmp_path):
    """Once the call is logged, the next calendar cancels its event instead of dropping it."""
    book = book_of(tmp_path, MAILED)
    first, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    call = next(a for a in due_actions(book, MON) if a.contact_id == "HL-RD"
                and a.kind is Kind.PHONE_CALL)  # fmt: skip
    done = book_of(tmp_path, MAILED + [{"Date": date(2026, 11, 24), "Interview ID": "HL-1",
                   "Contact ID": "HL-RD", "Action": "Phone Call",
                   "Outcome": "decision mid-December"}], name="done.xlsx")  # fmt: skip
    tue = MON + timedelta(days=1)
    second, _ = carried(done, due_actions(done, tue), today=tue, previous=first,
                        tmp_path=tmp_path)  # fmt: skip
    event = events(second)[ics.action_uid(call)]
    assert str(event["status"]) == "CANCELLED"
    assert event.walk("VALARM") == []
    # cancelled events are carried four weeks, then no longer
    late = tue + ics.KEEP_CANCELLED + timedelta(days=7)
    third, _ = carried(done, [], today=late, previous=second, tmp_path=tmp_path)
    assert ics.action_uid(call) not in events(third)


def test_same_actions_same_day_same_bytes(tmp_path):
    """The calendar is deterministic: no clock, no random UIDs."""
    book = book_of(tmp_path, MAILED)
    a, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    b, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    assert a == b and a.startswith(b"BEGIN:VCALENDAR\r\n")


def test_an_independent_parser_reads_the_same_events(tmp_path):
    """vobject, a separate implementation, reads every event with its UID, start and alarm."""
    vobject = pytest.importorskip("vobject")
    book = book_of(tmp_path, MAILED)
    data, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    parsed = vobject.readOne(data.decode("utf-8"))
    got = {e.uid.value: e for e in parsed.vevent_list}
    assert set(got) == set(events(data))
    for uid, event in got.items():
        assert event.dtstart.value == events(data)[uid].decoded("dtstart")
        assert event.valarm.trigger.value == timedelta(minutes=-15)


def test_an_unreadable_previous_calendar_is_a_note_not_a_failure(tmp_path):
    """A damaged old file cancels nothing and says so."""
    book = book_of(tmp_path, MAILED)
    data, notes = carried(book, due_actions(book, MON), today=MON, tmp_path=tmp_path,
                          previous=b"BEGIN:VCALENDAR\r\nthis is not ical")  # fmt: skip
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert len(notes) == 1 and "cannot be read" in notes[0]


def test_the_previous_calendar_is_the_newest_earlier_dated_folder(tmp_path):
    """find_previous takes today's own file first, else the latest earlier run's."""
    for day in ("2026-11-09", "2026-11-16", "2026-11-30"):
        folder = tmp_path / f"followup {day}"
        folder.mkdir()
        (folder / ics.CALENDAR_NAME).write_text("x")
    (tmp_path / "followup notes").mkdir()
    out = tmp_path / "followup 2026-11-23"
    assert ics.find_previous(out, MON) == tmp_path / "followup 2026-11-16" / ics.CALENDAR_NAME
    out.mkdir()
    (out / ics.CALENDAR_NAME).write_text("x")
    assert ics.find_previous(out, MON) == out / ics.CALENDAR_NAME


ODD_TEXTS = [
    "Hart, Lowe; & Sons \\ Co.",
    "line one\nline two\r\nthree\rfour \\N five",
    "Renée Dubois-Okafor 😀 " * 6,
    "x" * 73 + "\\" + ",;" * 40,
    "日本語の会社名" * 12,
    "a" * 74,
    "b" * 75,
    "é" * 37 + "ab",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_events_written_as_text_are_icalendars_bytes(text):
    """Escapes, line ends, folds at 75 octets next to emoji, accents and backslashes: the
    text the tool writes is byte for byte what icalendar writes for the same event."""
    from icalendar import Calendar as Cal

    from followup_xl.model import Action, Book, Contact, Profile, Status

    contact = Contact(row=2, contact_id="C1", interview_id="I1", role="Interviewer",
                      first_name=text[:40], last_name="Lee", phone=text[:20])  # fmt: skip
    book = Book(path="x.xlsx", profile=Profile(name="Pat"), interviews=[], contacts=[contact],
                log=[])  # fmt: skip
    actions = [
        Action("R12", Kind.PHONE_CALL, Status.DUE, date(2026, 11, 26), text, company=text[:30],
               position=text, contact_id="C1", interview_id="I1"),
        Action("R1", Kind.THANK_YOU_LETTER, Status.OVERDUE, date(2026, 11, 20), text,
               company=text, who=text[::-1], interview_id="I1"),
    ]  # fmt: skip
    got, _ = ics.build_calendar(book, actions, today=MON)
    # icalendar, reading those events and writing them again, writes the very same bytes
    assert got == Cal.from_ical(got).to_ical()
    assert all(len(line) <= 75 for line in got.split(b"\r\n"))
    read = {str(e["UID"]): str(e["DESCRIPTION"]) for e in Cal.from_ical(got).walk("VEVENT")}
    meant = f"R12: {text}".replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")
    assert meant in read[ics.action_uid(actions[0])]  # the text reads back as meant


def test_a_cancelled_event_keeps_the_time_zone_it_names(tmp_path):
    """A previous calendar re-saved by a calendar program with TZID times: the cancelled
    event's zone comes along (a TZID without its VTIMEZONE is one a calendar may refuse),
    and a TZID the old file never defined becomes the time as written."""
    book = book_of(tmp_path, MAILED)
    first, _ = ics.build_calendar(book, due_actions(book, MON), today=MON)
    call = next(a for a in due_actions(book, MON) if a.contact_id == "HL-RD"
                and a.kind is Kind.PHONE_CALL)  # fmt: skip
    other = next(a for a in due_actions(book, MON) if a.contact_id == "HL-TO"
                 and a.kind is Kind.PHONE_CALL)  # fmt: skip
    zone = "\r\n".join(["BEGIN:VTIMEZONE", "TZID:Custom", "BEGIN:STANDARD",
                        "DTSTART:19700101T000000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0500",
                        "END:STANDARD", "END:VTIMEZONE", ""])  # fmt: skip
    text = first.decode("utf-8").replace("X-WR-CALNAME:Follow-ups\r\n",
                                         "X-WR-CALNAME:Follow-ups\r\n" + zone)  # fmt: skip
    lines = text.split("\r\n")
    for uid, tzid in ((ics.action_uid(call), "Custom"), (ics.action_uid(other), "Nowhere")):
        at = lines.index(f"UID:{uid}")
        begin = max(i for i in range(at) if lines[i] == "BEGIN:VEVENT")
        end = lines.index("END:VEVENT", at)
        for i in range(begin, end):
            if lines[i].startswith(("DTSTART", "DTEND")) and ":" in lines[i]:
                key, value = lines[i].split(":", 1)
                lines[i] = f"{key.split(';')[0]};TZID={tzid}:{value}"
    previous = "\r\n".join(lines).encode("utf-8")
    tue = MON + timedelta(days=1)
    logged = [{"Date": date(2026, 11, 24), "Interview ID": "HL-1", "Contact ID": c,
               "Action": "Phone Call"} for c in ("HL-RD", "HL-TO")]  # fmt: skip
    done = book_of(tmp_path, MAILED + logged, name="done.xlsx")
    second, _ = carried(done, due_actions(done, tue), today=tue, previous=previous,
                        tmp_path=tmp_path)  # fmt: skip
    cal = Calendar.from_ical(second)
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Custom"]
    got = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert got[ics.action_uid(call)]["dtstart"].params["TZID"] == "Custom"
    assert "TZID" not in got[ics.action_uid(other)]["dtstart"].params
    assert str(got[ics.action_uid(other)]["status"]) == "CANCELLED"


def test_no_call_lands_at_the_hour_of_an_interview_that_day(tmp_path):
    """The reference call (R10) is due on the interview's own day; with the interview at
    10:00, the call moves to 14:00, two hours or more from it. Other days keep 10:00."""
    from followup_xl.timezones import call_moment

    interview = {**INTERVIEW, "Interview ID": "NEW-1", "Company": "Northwind",
                 "Interview Date": datetime(2026, 11, 25, 10, 0), "Status": "Scheduled",
                 "Decision Expected": None, "Callback Expected": None}  # fmt: skip
    told = {"Date": date(2026, 11, 20), "Interview ID": "HL-1", "Contact ID": "REF-1",
            "Action": "Reference Notified"}  # so the call left is about Northwind  # fmt: skip
    path = make_book(tmp_path / "t.xlsx", interviews=[INTERVIEW, interview],
                     contacts=[RENEE, REFERENCE], log=[*MAILED[:1], told])  # fmt: skip
    book = read_workbook(path).book
    today = date(2026, 11, 24)
    data, _ = ics.build_calendar(book, due_actions(book, today), today=today)
    ref_call = next(e for e in events(data).values() if "Ada" in str(e["summary"]))
    start = ref_call.decoded("dtstart").astimezone(ZoneInfo("America/New_York"))
    assert start.replace(tzinfo=None) == datetime(2026, 11, 25, 14, 0), start
    boston = "America/New_York"
    busy = {date(2026, 11, 25): [time(10, 0)]}
    assert call_moment(date(2026, 11, 26), boston, boston, busy).mine.hour == 10
    two = {date(2026, 11, 25): [time(13, 0), time(10, 0)]}
    assert call_moment(date(2026, 11, 25), boston, boston, two).mine.time() == time(15, 0)


# --- last week's calendar: any size, any program's export, damaged ----------------------------

LOGGED = [
    {"Date": date(2026, 11, 24), "Interview ID": "HL-1", "Contact ID": c, "Action": "Phone Call"}
    for c in ("HL-RD", "HL-TO")
]
TUE = MON + timedelta(days=1)


def calls_made(tmp_path: Path) -> tuple[bytes, Book, dict[str, str]]:
    """Return Monday's calendar, the workbook once both R12 calls are logged on Tuesday, and
    the UIDs of the calls to Renée and Tom (made) and to the reference (still due)."""
    book = book_of(tmp_path, MAILED)
    actions = due_actions(book, MON)
    first, _ = ics.build_calendar(book, actions, today=MON)
    uids = {
        {"HL-RD": "renee", "HL-TO": "tom", "REF-1": "reference"}[a.contact_id]: ics.action_uid(a)
        for a in actions
    }
    return first, book_of(tmp_path, MAILED + LOGGED, name="done.xlsx"), uids


def statuses(data: bytes) -> dict[str, str]:
    """Return each event's STATUS by UID, parsed by icalendar."""
    return {uid: str(e["status"]) for uid, e in events(data).items()}


def many_letters(n: int) -> tuple[Book, list[Action]]:
    """Return a book and n thank-you letters whose position and reason fill a long cell with
    accents, emoji and backslashes, so that every event folds over many lines."""
    text = ("Coordinatrice événementielle 😀 \\ stratégie, «rayon» jeunesse; " * 150)[:9_000]
    book = Book(path="x.xlsx", profile=Profile(name="Pat"), interviews=[], contacts=[], log=[])
    actions = [
        Action("R1", Kind.THANK_YOU_LETTER, Status.DUE, MON + timedelta(days=i % 5), text,
               company=f"Company {i}", position=text, who=f"Contact {i}", interview_id=f"I{i}")
        for i in range(n)
    ]  # fmt: skip
    return book, actions


def test_a_calendar_of_many_megabytes_has_its_vanished_events_cancelled(tmp_path):
    """A career centre's calendar, over 5 MB: a week later the half of its follow-ups that
    were dealt with come back CANCELLED, written as they were but for STATUS, SEQUENCE,
    DTSTAMP and the reminder, the rest stay; the same file saved with LF line ends gives
    the same bytes; and reading it holds a fraction of the file, not the file."""
    book, actions = many_letters(250)
    first, _ = ics.build_calendar(book, actions, today=MON)
    assert len(first) > 5 * 2**20
    later = MON + timedelta(days=3)
    second, notes = carried(book, actions[::2], today=later, previous=first, tmp_path=tmp_path)
    assert notes == []
    lf = first.replace(b"\r\n", b"\n")
    assert carried(book, actions[::2], today=later, previous=lf, tmp_path=tmp_path)[0] == second
    after = events(second)
    assert len(after) == len(actions)
    for i, action in enumerate(actions):
        event = after[ics.action_uid(action)]
        assert str(event["status"]) == ("CANCELLED" if i % 2 else "CONFIRMED")
        assert len(event.walk("VALARM")) == (0 if i % 2 else 1)
    was, now = blocks(first), blocks(second)
    for action in actions[1::2]:
        uid = ics.action_uid(action)
        old = was[uid].split(b"BEGIN:VALARM")[0]
        for name, value in ((b"STATUS", b"CANCELLED"), (b"SEQUENCE", b"2521"),
                            (b"DTSTAMP", b"20261126T000000Z")):  # fmt: skip
            old = re.sub(rb"\r\n" + name + rb":[^\r]*", b"\r\n" + name + b":" + value, old)
        assert now[uid] == old + b"END:VEVENT\r\n"
    # a week when nothing is left to carry: what the reader holds is a fraction of the file
    path = tmp_path / "big.ics"
    path.write_bytes(first)
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            ics.build_calendar(book, [], today=MON + 2 * ics.KEEP_CANCELLED, previous=fh)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(first) / 4, peak


def blocks(data: bytes) -> dict[str, bytes]:
    """Return each event of a calendar as the tool wrote it, by UID."""
    found = {}
    for block in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        uid = re.search(rb"\r\nUID:([^\r]*)", block)
        assert uid is not None
        found[uid[1].decode()] = block.split(b"END:VEVENT\r\n")[0] + b"END:VEVENT\r\n"
    return found


def fold_octets(line: str) -> bytes:
    """Fold a line every 75 octets, inside a character when one falls there, as some
    calendar programs do."""
    raw = line.encode("utf-8")
    return b"\r\n ".join([raw[:75]] + [raw[i : i + 74] for i in range(75, len(raw), 74)])


#: The description of Renée's call in the export: its é falls across a fold.
RENEE_TEXT = ("Phone: +1 617 555 0142\nR12: thank-you letter mailed to Ms Renée Dubois-Okafor "
              "on Fri 20 Nov 2026 → phone 48–72 h later\nDue: Mon 23 Nov 2026")  # fmt: skip


def exported(uids: dict[str, str]) -> bytes:
    """Return Monday's calendar as a calendar program exports it after the import: Renée's
    call as Google Calendar writes it (zone, TZID times, its own alarm and fields), Tom's as
    Outlook does (X- properties, DTEND, no STATUS or SEQUENCE), the reference call, and an
    event of the user's own."""
    zone = ["BEGIN:VTIMEZONE", "TZID:America/New_York", "X-LIC-LOCATION:America/New_York",
            "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT",
            "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
            "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
            "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
            "END:STANDARD", "END:VTIMEZONE"]  # fmt: skip
    renee = ["BEGIN:VEVENT", "DTSTART;TZID=America/New_York:20261123T100000",
             "DTEND;TZID=America/New_York:20261123T101500", "DTSTAMP:20261123T181502Z",
             f"UID:{uids['renee']}", "CREATED:20261123T181455Z",
             "DESCRIPTION:" + RENEE_TEXT.replace("\n", "\\n"),
             "LAST-MODIFIED:20261123T181455Z", "LOCATION:", "SEQUENCE:2518",
             "STATUS:CONFIRMED", "SUMMARY:Call Ms. Renée Dubois-Okafor (Hart & Lowe Books)",
             "TRANSP:TRANSPARENT", "BEGIN:VALARM", "ACTION:DISPLAY",
             "DESCRIPTION:This is an event reminder", "TRIGGER:-P0DT0H15M0S", "END:VALARM",
             "END:VEVENT"]  # fmt: skip
    tom = ["BEGIN:VEVENT", "CLASS:PUBLIC", "CREATED:20261123T181455Z",
           "DESCRIPTION:Phone: +1 617 555 0177\\nR12: thank-you mailed Fri 20 Nov 2026",
           "DTEND:20261123T151500Z", "DTSTAMP:20261123T181502Z", "DTSTART:20261123T150000Z",
           "PRIORITY:5", "SUMMARY;LANGUAGE=en-us:Call Mr. Tom O'Brien (Hart & Lowe Books)",
           "TRANSP:TRANSPARENT", f"UID:{uids['tom']}", "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
           "X-MICROSOFT-CDO-IMPORTANCE:1", "END:VEVENT"]  # fmt: skip
    reference = ["BEGIN:VEVENT", "DTSTART:20261123T150000Z", "DTEND:20261123T151500Z",
                 f"UID:{uids['reference']}", "SUMMARY:Call your reference Dr. Ada Quist",
                 "END:VEVENT"]  # fmt: skip
    own = ["BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261125", "DTEND;VALUE=DATE:20261126",
           "UID:3q0b1kq2jv8f3lr9@google.com", "SUMMARY:Dentist", "END:VEVENT"]  # fmt: skip
    head = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Follow-ups",
            "X-WR-TIMEZONE:America/New_York"]  # fmt: skip
    lines = [*head, *zone, *renee, *tom, *reference, *own, "END:VCALENDAR"]
    return b"".join(fold_octets(line) + b"\r\n" for line in lines)


def test_a_calendar_exported_by_a_calendar_program_is_carried_forward(tmp_path):
    """Last week's file replaced by Google Calendar's or Outlook's export of it (time zone,
    TZID times, lines folded inside a character, X- properties, an event of the user's
    own): the calls made come back CANCELLED in their zone, with their text and fields,
    read alike by icalendar and vobject; the user's own event is left alone."""
    vobject = pytest.importorskip("vobject")
    _, done, uids = calls_made(tmp_path)
    export = exported(uids)
    split = [line for line in export.split(b"\r\n") if line.startswith(b" ")]
    assert any(not piece.isascii() and not is_utf8(piece) for piece in split)
    second, notes = carried(done, due_actions(done, TUE), today=TUE, previous=export,
                            tmp_path=tmp_path)  # fmt: skip
    assert notes == []
    before, after = events(export), events(second)
    assert set(after) == {uids["renee"], uids["tom"], uids["reference"]}
    assert statuses(second) == {uids["renee"]: "CANCELLED", uids["tom"]: "CANCELLED",
                                uids["reference"]: "CONFIRMED"}  # fmt: skip
    (zone,) = Calendar.from_ical(second).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "America/New_York" and len(zone.subcomponents) == 2
    renee, tom = after[uids["renee"]], after[uids["tom"]]
    boston = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert renee.decoded("dtstart") == boston
    assert renee["dtstart"].params["TZID"] == "America/New_York"
    assert str(renee["description"]) == RENEE_TEXT  # the é whole, which icalendar splits
    assert str(tom["description"]) == str(before[uids["tom"]]["description"])
    for uid in (uids["renee"], uids["tom"]):
        assert after[uid].walk("VALARM") == []
        assert int(after[uid]["sequence"]) == (TUE - date(2020, 1, 1)).days
    assert str(tom["x-microsoft-cdo-busystatus"]) == "FREE"
    assert tom["summary"].params["LANGUAGE"] == "en-us"
    parsed = {e.uid.value: e for e in vobject.readOne(second.decode("utf-8")).vevent_list}
    assert parsed[uids["renee"]].dtstart.value == boston
    assert parsed[uids["tom"]].status.value == "CANCELLED"


def is_utf8(data: bytes) -> bool:
    """Return True if the bytes are UTF-8 text."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def in_event(uid: str, change: Callable[[list[bytes]], list[bytes]]) -> Callable[[bytes], bytes]:
    """Return a damage that passes the lines of event `uid` (unfolded) through `change`."""

    def damage(data: bytes) -> bytes:
        lines = data.replace(b"\r\n ", b"").split(b"\r\n")
        at = lines.index(b"UID:" + uid.encode())
        begin = max(i for i in range(at) if lines[i] == b"BEGIN:VEVENT")
        end = lines.index(b"END:VEVENT", at)
        return b"\r\n".join([*lines[: begin + 1], *change(lines[begin + 1 : end]), *lines[end:]])

    return damage


def replaced(name: bytes, line: bytes) -> Callable[[list[bytes]], list[bytes]]:
    """Return a change that puts `line` in place of the event's property `name`."""
    return lambda lines: [line if x.startswith(name + b":") else x for x in lines]


HUGE = 3 * 2**20
#: (what is wrong, the damage done to Monday's calendar given the calls' UIDs, what the note
#: says or None, the calls cancelled on Tuesday)
DAMAGES = [
    ("empty", lambda u: lambda d: b"", "does not begin with BEGIN:VCALENDAR", set()),
    ("a zip file", lambda u: lambda d: b"PK\x03\x04" + bytes(range(256)) * 4096,
     "does not begin with BEGIN:VCALENDAR", set()),
    ("binary lines between the header and the events",
     lambda u: lambda d: d.replace(b"BEGIN:VEVENT", bytes(range(256)) * 8 + b"\r\nBEGIN:VEVENT", 1),
     "is no content line", {"renee", "tom"}),
    ("cut inside the last event", lambda u: lambda d: d[: d.rindex(b"DESCRIPTION")],
     "ends inside a VEVENT", {"renee"}),
    ("3 MiB of text without a line end at the end", lambda u: lambda d: d + b"x" * HUGE,
     "a line over", {"renee", "tom"}),
    ("an event without UID",
     lambda u: in_event(u["tom"], lambda ls: [x for x in ls if not x.startswith(b"UID:")]),
     None, {"renee"}),
    ("a DTSTART that is no date",
     lambda u: in_event(u["tom"], replaced(b"DTSTART", b"DTSTART:2026-11-23T10:00")),
     "has no DTSTART that is a date", {"renee"}),
    ("a DTSTART on 30 February",
     lambda u: in_event(u["tom"], replaced(b"DTSTART", b"DTSTART:20260230T100000Z")),
     "has no DTSTART that is a date", {"renee"}),
    ("a NUL in the summary",
     lambda u: in_event(u["tom"], replaced(b"SUMMARY", b"SUMMARY:Call\x00Tom")),
     "no iCalendar content line", {"renee"}),
    ("a summary in Latin-1",
     lambda u: in_event(u["tom"], replaced(b"SUMMARY", b"SUMMARY:Call Ren\xe9e")),
     "not UTF-8", {"renee"}),
    ("a description of 3 MiB on one line",
     lambda u: in_event(u["tom"], replaced(b"DESCRIPTION", b"DESCRIPTION:" + b"x" * HUGE)),
     "a line over", {"renee"}),
    ("an alarm without its END",
     lambda u: in_event(u["tom"], lambda ls: [x for x in ls if x != b"END:VALARM"]),
     "END:VEVENT before its parts end", {"renee"}),
]  # fmt: skip


@pytest.mark.parametrize(("damage", "note", "cancelled"), [d[1:] for d in DAMAGES],
                         ids=[d[0] for d in DAMAGES])  # fmt: skip
def test_a_damaged_calendar_from_last_week_is_a_note_not_a_failure(
    tmp_path, damage, note, cancelled
):
    """Whatever was saved in place of last week's calendar, the run writes this week's:
    what cannot be read is skipped and named in one note, and every event that can be read
    is still cancelled."""
    first, done, uids = calls_made(tmp_path)
    second, notes = carried(done, due_actions(done, TUE), today=TUE,
                            previous=damage(uids)(first), tmp_path=tmp_path)  # fmt: skip
    assert notes == [] if note is None else len(notes) == 1 and note in notes[0], notes
    got = statuses(second)
    assert got[uids["reference"]] == "CONFIRMED"
    assert {who for who in ("renee", "tom") if got.get(uids[who]) == "CANCELLED"} == cancelled


class FailingDisk(io.BytesIO):
    """A file whose disk fails once its first chunk has been read."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell():
            raise OSError(5, "Input/output error")
        return super().read(size)


def test_a_disk_error_while_reading_last_weeks_calendar_is_a_note(tmp_path):
    """The disk fails half-way through last week's calendar: this week's is written, and
    the note says that nothing was cancelled and why."""
    first, done, uids = calls_made(tmp_path)
    data, notes = ics.build_calendar(done, due_actions(done, TUE), today=TUE,
                                     previous=FailingDisk(first))  # fmt: skip
    assert statuses(data) == {uids["reference"]: "CONFIRMED"}
    assert len(notes) == 1 and "Input/output error" in notes[0], notes
    assert "no event cancelled" in notes[0]
