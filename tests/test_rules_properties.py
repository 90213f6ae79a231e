"""Property-based tests (hypothesis) of invariants that hold for every workbook and day."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_xl.contract import (
    CHANNELS,
    HONORIFICS,
    INTERVIEW_STATUSES,
    LOG_ACTIONS,
    ROLES,
    WANT_JOB,
)
from followup_xl.model import (
    TERMINAL_STATUSES,
    Action,
    Book,
    Contact,
    Interview,
    Kind,
    LogEntry,
    Profile,
    Status,
)
from followup_xl.rules import RULES, due_actions

FIRST = date(2026, 10, 1)
SPAN = 150  # days: October 2026 to February 2027, across Thanksgiving and the year end
CALL_KINDS = (Kind.PHONE_CALL, Kind.REFERENCE_CALL)

SETTINGS = settings(max_examples=120, deadline=None)

days = st.integers(0, SPAN).map(lambda n: FIRST + timedelta(days=n))


@st.composite
def books(draw: st.DrawFn) -> tuple[Book, date]:
    """Draw a small workbook and a day to evaluate it on.

    Dates cluster around `today` and Log rows mostly concern real people shortly after
    their interview, so that thank-yous, calls and their spacing are exercised often.
    """
    today = draw(days)
    near = st.integers(-60, 12).map(lambda n: today + timedelta(days=n))
    n_iv = draw(st.integers(0, 4))
    iids = [f"IV-{i}" for i in range(n_iv)]
    interviews = tuple(
        Interview(
            row=i + 2,
            interview_id=iid,
            company=f"Co {i}",
            position="Analyst",
            interview_date=draw(st.none() | near | near | near),
            interview_time=draw(
                st.none() | st.builds(time, st.integers(0, 23), st.integers(0, 59))
            ),
            status=draw(st.sampled_from(["Interviewed", "Interviewed", *INTERVIEW_STATUSES])),
            want_job=draw(st.sampled_from(WANT_JOB)),
            decision_expected=draw(st.none() | near),
            callback_expected=draw(st.none() | near),
            hiring_timeline_days=draw(st.none() | st.integers(1, 200)),
        )
        for i, iid in enumerate(iids)
    )
    n_c = draw(st.integers(0, 6))
    cids = [f"C{i}" for i in range(n_c)]
    contacts = tuple(
        Contact(
            row=i + 2,
            contact_id=cid,
            interview_id=draw(st.sampled_from(["", *iids])),
            role=draw(st.sampled_from(["Interviewer", "Interviewer", *ROLES])),
            honorific=draw(st.sampled_from(["", *HONORIFICS])),
            first_name=draw(st.sampled_from(["", "Ann", "Renée"])),
            last_name=draw(st.sampled_from(["", "Lo", "Dubois-Okafor"])),
            job_title=draw(st.sampled_from(["", "Store Manager"])),
            preferred_channel=draw(st.sampled_from(["", *CHANNELS])),
        )
        for i, cid in enumerate(cids)
    )
    by_id = {iv.interview_id: iv for iv in interviews}
    common = ["Thank-You Letter Mailed", *["Phone Call"] * 4, *LOG_ACTIONS]
    log = []
    for i in range(draw(st.integers(0, 20))):
        cid = draw(st.sampled_from(["", *cids]))
        linked = next((c.interview_id for c in contacts if c.contact_id == cid), "")
        iid = draw(st.sampled_from(["", linked] if linked else ["", *iids]))
        base = by_id[iid].interview_date if iid and by_id[iid].interview_date else None
        if base is None and linked and by_id[linked].interview_date:
            base = by_id[linked].interview_date
        when = draw(
            st.integers(-2, 30).map(lambda n, b=base: b + timedelta(days=n)) if base else near
        )
        log.append(
            LogEntry(
                row=i + 2,
                date=when,
                action=draw(st.sampled_from(common)),
                interview_id=iid,
                contact_id=cid,
            )
        )
    country = draw(st.sampled_from(["US", "GB", "DE", "XX"]))
    book = Book(
        path="p.xlsx",
        profile=Profile(country=country),
        interviews=interviews,
        contacts=contacts,
        log=tuple(log),
    )
    return book, today


def _interview(book: Book, action: Action) -> Interview | None:
    return book.interview(action.interview_id) if action.interview_id else None


@SETTINGS
@given(books())
def test_no_action_before_its_interview(drawn: tuple[Book, date]) -> None:
    """An action about an interview is never due (nor opens) before the interview day."""
    book, today = drawn
    for action in due_actions(book, today):
        iv = _interview(book, action)
        if iv is None:
            continue
        assert iv.interview_date is not None
        assert action.due >= iv.interview_date, action
        if action.window_start is not None:
            assert action.window_start >= iv.interview_date, action


@SETTINGS
@given(books())
def test_only_preparation_before_an_interview_is_held(drawn: tuple[Book, date]) -> None:
    """Before an interview has happened, only data gaps and reference calls are listed."""
    book, today = drawn
    for action in due_actions(book, today):
        iv = _interview(book, action)
        if iv is None or iv.interview_date is None:
            continue
        held = iv.interview_date < today or (
            iv.interview_date == today and iv.status != "Scheduled"
        )
        if not held:
            assert action.kind in (Kind.DATA_GAP, Kind.REFERENCE_CALL), action


@SETTINGS
@given(books())
def test_no_call_about_a_terminal_interview(drawn: tuple[Book, date]) -> None:
    """Terminal outcomes stop every call about the position (R13, R14)."""
    book, today = drawn
    for action in due_actions(book, today):
        iv = _interview(book, action)
        if iv is not None and iv.status in TERMINAL_STATUSES:
            assert action.kind not in CALL_KINDS, action
            assert action.rule not in ("R12", "R13"), action


@SETTINGS
@given(books())
def test_scheduled_calls_to_one_person_are_a_week_apart(drawn: tuple[Book, date]) -> None:
    """No two listed calls to one person are less than 7 days apart."""
    book, today = drawn
    calls = [a for a in due_actions(book, today) if a.kind in CALL_KINDS]
    for i, a in enumerate(calls):
        for b in calls[i + 1 :]:
            if a.contact_id == b.contact_id:
                assert abs((a.due - b.due).days) >= 7, (a, b)


@SETTINGS
@given(books())
def test_follow_up_calls_keep_a_week_from_logged_calls(drawn: tuple[Book, date]) -> None:
    """A scheduled interviewer call is at least 7 days after every logged call about it."""
    book, today = drawn
    for action in due_actions(book, today):
        if action.kind is not Kind.PHONE_CALL:
            continue
        iv = _interview(book, action)
        assert iv is not None and iv.interview_date is not None
        for entry in book.log:
            if entry.action != "Phone Call" or entry.date < iv.interview_date:
                continue
            if entry.interview_id not in ("", action.interview_id):
                continue
            about_person = entry.contact_id == action.contact_id or (
                not entry.contact_id and entry.interview_id == action.interview_id
            )
            if about_person:
                assert action.due >= entry.date + timedelta(days=7), (action, entry)


@SETTINGS
@given(books(), st.integers(1, 30))
def test_every_action_names_a_rule_and_is_within_the_horizon(
    drawn: tuple[Book, date], quiet_days: int
) -> None:
    """Each action cites an existing rule; nothing starts more than 7 days ahead; no repeats."""
    book, today = drawn
    actions = due_actions(book, today, quiet_days=quiet_days)
    keys = [a.key for a in actions]
    assert len(keys) == len(set(keys))
    assert actions == sorted(actions, key=lambda a: a.sort_key())
    for a in actions:
        assert a.rule in RULES
        start = min(a.due, a.window_start or a.due)
        end = max(a.due, a.window_end or a.due)
        assert start <= today + timedelta(days=7), a
        assert (a.status is Status.OVERDUE) == (end < today), a
        assert (a.status is Status.UPCOMING) == (start > today), a
        assert a.why


@SETTINGS
@given(books(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_row_order(drawn: tuple[Book, date], rnd) -> None:
    """Shuffling the interviews, contacts and log rows gives exactly the same list."""
    book, today = drawn
    shuffled = []
    for rows in (book.interviews, book.contacts, book.log):
        rows = list(rows)
        rnd.shuffle(rows)
        shuffled.append(tuple(rows))
    other = Book(
        path=book.path,
        profile=book.profile,
        interviews=shuffled[0],
        contacts=shuffled[1],
        log=shuffled[2],
    )
    assert due_actions(other, today) == due_actions(book, today)


@st.composite
def call_histories(draw: st.DrawFn) -> tuple[Book, date]:
    """Draw one open interview with one interviewer, a mailed letter and logged calls."""
    held = draw(days)
    mailed = held + timedelta(days=draw(st.integers(0, 3)))
    calls = draw(st.lists(st.integers(0, 60), max_size=6))
    today = held + timedelta(days=draw(st.integers(1, 90)))
    interview = Interview(
        row=2,
        interview_id="IV-1",
        interview_date=held,
        status=draw(st.sampled_from(["Interviewed", "Second Interview", "Offer"])),
        decision_expected=draw(st.none() | st.integers(0, 90).map(lambda n: held + timedelta(n))),
        callback_expected=draw(st.none() | st.integers(0, 90).map(lambda n: held + timedelta(n))),
        hiring_timeline_days=draw(st.none() | st.integers(1, 200)),
    )
    person = Contact(row=2, contact_id="C1", interview_id="IV-1", last_name="Lo")
    log = [LogEntry(row=2, date=mailed, action="Thank-You Letter Mailed", contact_id="C1")]
    log += [
        LogEntry(row=3 + i, date=mailed + timedelta(days=n), action="Phone Call", contact_id="C1")
        for i, n in enumerate(calls)
    ]
    country = draw(st.sampled_from(["US", "GB", "DE"]))
    book = Book("p.xlsx", Profile(country=country), (interview,), (person,), tuple(log))
    return book, today


@SETTINGS
@given(call_histories())
def test_next_call_is_a_working_day_a_week_after_the_last(drawn: tuple[Book, date]) -> None:
    """R12/R13: one call is scheduled, on a working day, never within 7 days of a logged one."""
    from followup_xl.workdays import calendar_for

    book, today = drawn
    cal = calendar_for(book.profile.country)
    calls = [a for a in due_actions(book, today) if a.kind is Kind.PHONE_CALL]
    assert len(calls) <= 1
    logged = [e.date for e in book.log if e.action == "Phone Call"]
    mailed = book.log[0].date
    for call in calls:
        assert cal.is_workday(call.due), call
        assert call.due >= mailed + timedelta(days=2), call
        for day in logged:
            assert call.due >= day + timedelta(days=7), (call, day)
        # The first call after mailing is R12; later ones are R13.
        assert call.rule == ("R13" if any(d >= mailed for d in logged) else "R12"), call
