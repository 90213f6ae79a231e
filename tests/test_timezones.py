"""Time zones: where a call lands in the callee's working day and the user's waking hours.

Every expected hour below was worked out by hand from the zones' offsets in late 2026
(Boston UTC-5 after 1 Nov, Tokyo UTC+9, Melbourne UTC+11 in summer time), never by calling
the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar

from followup_xl import ics
from followup_xl.model import Book, Contact, Interview, Kind, LogEntry, Profile
from followup_xl.rules import due_actions
from followup_xl.timezones import call_moment, zone_for

BOSTON, TOKYO = "America/New_York", "Asia/Tokyo"


@pytest.mark.parametrize(
    ("country", "region", "zone"),
    [("US", "MA", "America/New_York"), ("United States", "California", "America/Los_Angeles"),
     ("US", "", "America/New_York"), ("AU", "VIC", "Australia/Melbourne"),
     ("Australia", "Western Australia", "Australia/Perth"), ("CA", "BC", "America/Vancouver"),
     ("JP", "", "Asia/Tokyo"), ("GB", "", "Europe/London"), ("NL", "", "Europe/Amsterdam"),
     ("DE", "BY", "Europe/Berlin"), ("Narnia", "", ""), ("", "", "")],
)  # fmt: skip
def test_the_zone_of_a_country_and_region(country: str, region: str, zone: str) -> None:
    """Country and state as users type them; a country of several zones without a region
    takes its main one; an unknown country has none (the time is then floating)."""
    assert zone_for(country, region) == zone


def test_tokyo_calling_boston_takes_the_working_hour_nearest_waking_hours() -> None:
    """No Boston working hour (09:00-17:00) is between 08:00 and 21:00 in Tokyo: 17:00 in
    Boston is 07:00 in Tokyo, one hour early; that is the nearest, and the note says so."""
    moment = call_moment(date(2026, 11, 30), TOKYO, BOSTON, {})
    assert moment.theirs == datetime(2026, 11, 30, 17, 0)
    assert moment.mine == datetime(2026, 12, 1, 7, 0)
    assert moment.instant == datetime(2026, 11, 30, 22, 0, tzinfo=timezone.utc)
    assert moment.their_zone == BOSTON and "no hour of their working day" in moment.note


def test_boston_calling_tokyo_at_ten_in_the_morning_there() -> None:
    """10:00 Tuesday in Tokyo is 20:00 Monday in Boston: inside the waking hours."""
    moment = call_moment(date(2026, 12, 1), BOSTON, TOKYO, {})
    assert (moment.theirs, moment.mine) == (datetime(2026, 12, 1, 10, 0),
                                            datetime(2026, 11, 30, 20, 0))  # fmt: skip
    assert moment.note == ""


def test_the_calendar_and_call_sheet_give_the_call_in_both_times(tmp_path) -> None:
    """A user in Tokyo, an interviewer in Boston: the .ics has the instant (22:00 UTC), the
    call sheet says 17:00 Boston (New York) time and 07:00 the next morning in Tokyo."""
    from followup_xl.callsheet import call_sheet
    from followup_xl.letters import docx_paragraphs

    iv = Interview(row=2, interview_id="HL-1", company="Hart & Lowe", position="Clerk",
                   interview_date=date(2026, 11, 20), status="Interviewed",
                   decision_expected=date(2027, 3, 1), company_country="US",
                   company_state="MA")  # fmt: skip
    c = Contact(row=2, contact_id="C1", interview_id="HL-1", honorific="Ms.", first_name="Ann",
                last_name="Lee", job_title="Manager", preferred_channel="Mail",
                phone="+1 617 555 0100")  # fmt: skip
    book = Book(path="t.xlsx", profile=Profile(name="Aiko Sato", country="JP"),
                interviews=(iv,), contacts=(c,),
                log=(LogEntry(row=2, date=date(2026, 11, 25), action="Thank-You Letter Mailed",
                              interview_id="HL-1", contact_id="C1"),))  # fmt: skip
    today = date(2026, 11, 27)
    actions = due_actions(book, today)
    (call,) = [a for a in actions if a.kind is Kind.PHONE_CALL]
    assert call.due == date(2026, 11, 27)  # 48 h after Wed 25 Nov, a working day in both
    data, _ = ics.build_calendar(book, actions, today=today)
    (event,) = [e for e in Calendar.from_ical(data).walk("VEVENT") if "Call" in str(e["summary"])]
    assert event.decoded("dtstart") == datetime(2026, 11, 27, 22, 0, tzinfo=timezone.utc)
    sheet = call_sheet(book, actions, today=today)
    assert sheet is not None
    text = "\n".join(docx_paragraphs(sheet))
    when = next(line for line in text.splitlines() if line.startswith("17:00 New York time"))
    assert "November 28, 07:00 your time)" in when and "nearest" in when, when
