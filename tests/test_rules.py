"""Scenario tests of the rules engine: one or more per rule, with real calendar dates.

Every expected date below was worked out by hand from docs/followup-rules.md and a
2026 calendar (Wed 25 Nov 2026; US Thanksgiving Thu 26 Nov; GB Boxing Day observed
Mon 28 Dec; New Year Fri 1 Jan 2027), never by calling the code under test.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from followup_xl.localize import fmt_date
from followup_xl.model import Action, Book, Contact, Interview, Kind, LogEntry, Profile, Status
from followup_xl.rules import RULES, due_actions, next_marks, status_for

D = date


def iv(iid: str = "ACME-1", when: date | None = None, **kw) -> Interview:
    """Return an interview with a held status unless told otherwise."""
    when = when or D(2026, 11, 23)
    kw.setdefault("status", "Interviewed")
    kw.setdefault("company", iid.split("-")[0].title())
    kw.setdefault("position", "Analyst")
    kw.setdefault("decision_expected", D(2027, 3, 1))  # keep R1 quiet unless a test wants it
    return Interview(row=2, interview_id=iid, interview_date=when, **kw)


def person(cid: str, iid: str = "ACME-1", **kw) -> Contact:
    """Return a complete interviewer reached by mail unless told otherwise."""
    kw.setdefault("role", "Interviewer")
    if kw["role"] == "Interviewer":
        kw.setdefault("honorific", "Ms.")
        kw.setdefault("first_name", "Renée")
        kw.setdefault("last_name", f"Dubois-{cid}")
        kw.setdefault("job_title", "Store Manager")
        kw.setdefault("preferred_channel", "Mail")
    return Contact(row=2, contact_id=cid, interview_id=iid, **kw)


def log(day: date, action: str, cid: str = "", iid: str = "") -> LogEntry:
    """Return one Log row."""
    return LogEntry(row=2, date=day, action=action, interview_id=iid, contact_id=cid)


def book(interviews=(), contacts=(), entries=(), country: str = "US") -> Book:
    """Return a book; an Application Sent on the newest interview day keeps R11 quiet."""
    return Book(
        path="t.xlsx",
        profile=Profile(name="Pat Doe", country=country),
        interviews=tuple(interviews),
        contacts=tuple(contacts),
        log=tuple(entries),
    )


def pick(actions: list[Action], rule: str, cid: str = "", iid: str = "") -> list[Action]:
    """Return the actions of one rule, for one contact and/or interview when given."""
    return [
        a
        for a in actions
        if a.rule == rule
        and (not cid or a.contact_id == cid)
        and (not iid or a.interview_id == iid)
    ]


def one(actions: list[Action], rule: str, cid: str = "", iid: str = "") -> Action:
    found = pick(actions, rule, cid, iid)
    assert len(found) == 1, (rule, cid, iid, actions)
    return found[0]


# --- statuses and formatting ------------------------------------------------------------


def test_status_overdue_due_upcoming_and_horizon() -> None:
    """Past due is OVERDUE, today is DUE, within 7 days UPCOMING, later not listed."""
    today = D(2026, 11, 25)
    assert status_for(D(2026, 11, 24), today) is Status.OVERDUE
    assert status_for(D(2026, 11, 25), today) is Status.DUE
    assert status_for(D(2026, 12, 2), today) is Status.UPCOMING
    assert status_for(D(2026, 12, 3), today) is None
    # Inside a window the action is DUE until the window closes.
    assert status_for(D(2026, 11, 24), today, window_end=D(2026, 11, 26)) is Status.DUE
    assert status_for(D(2026, 11, 26), today, window_start=D(2026, 11, 25)) is Status.DUE
    assert status_for(D(2026, 11, 27), today, window_start=D(2026, 11, 26)) is Status.UPCOMING


def test_dates_are_formatted_without_locale() -> None:
    """'Mon 23 Nov 2026': weekday, day, month's name and year, the same in every locale."""
    assert fmt_date(D(2026, 11, 23)) == "Mon 23 Nov 2026"
    assert fmt_date(D(2027, 1, 1)) == "Fri 1 Jan 2027"


def test_rules_table_lists_r1_to_r14() -> None:
    """RULES names exactly the fourteen rules of the advice."""
    assert list(RULES) == [f"R{n}" for n in range(1, 15)]


def test_every_rule_is_explained_in_the_docs() -> None:
    """docs/rules.md has a row per rule, titled as in RULES."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text("utf-8")
    for rule, title in RULES.items():
        assert f"| **{rule}** {title} |" in text, rule


# --- R1 -------------------------------------------------------------------------------


def test_r1_unknown_timeline_asked_at_next_contact() -> None:
    """R1: held interview without decision/callback dates → ask, due with the R12 call."""
    interview = iv(decision_expected=None)
    contacts = [person("C1")]
    # Before the letter is mailed: due with the thank-you deadline, Tue 24 Nov.
    acts = due_actions(book([interview], contacts), D(2026, 11, 24))
    r1 = one(acts, "R1", iid="ACME-1")
    assert (r1.kind, r1.due, r1.status) == (Kind.DATA_GAP, D(2026, 11, 24), Status.DUE)
    assert "Mon 23 Nov" in r1.why
    # Mailed Tue 24 Nov → the call (and the question) on Fri 27 Nov, after Thanksgiving.
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    acts = due_actions(book([interview], contacts, entries), D(2026, 11, 25))
    r1 = one(acts, "R1", iid="ACME-1")
    assert (r1.due, r1.status) == (D(2026, 11, 27), Status.UPCOMING)
    assert "Fri 27 Nov" in r1.why


def test_r1_quiet_when_any_timeline_is_known_or_position_decided() -> None:
    """R1: a callback date, a timeline in days or a terminal status silences it."""
    contacts = [person("C1")]
    for interview in (
        iv(decision_expected=None, callback_expected=D(2026, 12, 4)),
        iv(decision_expected=None, hiring_timeline_days=45),
        iv(decision_expected=None, status="Not Selected"),
    ):
        assert not pick(due_actions(book([interview], contacts), D(2026, 11, 24)), "R1")


def test_r1_waits_for_a_call_planned_beyond_the_week() -> None:
    """R1: with the R12 call planned past the 7-day horizon, the question is not listed yet."""
    # A letter logged ahead for Mon 7 Dec gives a call on Wed 9 Dec, 14 days after today.
    entries = [log(D(2026, 12, 7), "Thank-You Letter Mailed", "C1")]
    b = book([iv(decision_expected=None)], [person("C1")], entries)
    assert not pick(due_actions(b, D(2026, 11, 25)), "R1")
    r1 = one(due_actions(b, D(2026, 12, 3)), "R1")
    assert (r1.due, r1.status) == (D(2026, 12, 9), Status.UPCOMING)


# --- R2 -------------------------------------------------------------------------------


def test_r2_missing_names_titles_and_nobody_recorded() -> None:
    """R2: interviewer without honorific/title, nameless receptionist, empty interview."""
    held = iv("ACME-1", D(2026, 11, 30))  # month end: deadline Tue 1 Dec
    empty = iv("GLOBEX-1", D(2026, 11, 30))
    contacts = [
        person("C1", honorific="", job_title=""),
        person("C2"),
        person("C3", role="Receptionist"),
        person("C4", role="Receptionist", first_name="Ann"),
    ]
    acts = due_actions(book([held, empty], contacts), D(2026, 12, 1))
    gap = one(acts, "R2", cid="C1")
    assert (gap.kind, gap.due, gap.status) == (Kind.DATA_GAP, D(2026, 12, 1), Status.DUE)
    assert "honorific" in gap.why and "job title" in gap.why and "last name" not in gap.why
    assert "name" in one(acts, "R2", cid="C3").why
    assert not pick(acts, "R2", cid="C2") and not pick(acts, "R2", cid="C4")
    nobody = [a for a in pick(acts, "R2", iid="GLOBEX-1") if not a.contact_id]
    assert len(nobody) == 1 and "no interviewer recorded" in nobody[0].why


def test_r2_prepares_a_scheduled_interview_within_a_week() -> None:
    """R2: a scheduled interview Thu 3 Dec with nobody recorded is UPCOMING; 20 Dec is not."""
    soon = iv("SOON-1", D(2026, 12, 3), status="Scheduled")
    later = iv("LATER-1", D(2026, 12, 20), status="Scheduled")
    acts = due_actions(book([soon, later]), D(2026, 11, 30))
    gap = one(acts, "R2", iid="SOON-1")
    assert (gap.due, gap.status) == (D(2026, 12, 4), Status.UPCOMING)
    assert not pick(acts, "R2", iid="LATER-1")
    assert not [a for a in acts if a.kind is not Kind.DATA_GAP and a.interview_id]


# --- R3 -------------------------------------------------------------------------------


def test_r3_late_evening_interview_at_year_end_is_a_calendar_deadline() -> None:
    """R3: interview Thu 31 Dec 21:30 → thank-you by Fri 1 Jan 21:30, holiday or not."""
    interview = iv("ACME-1", D(2026, 12, 31), interview_time=time(21, 30))
    contacts = [person("C1"), person("C2", preferred_channel="Email")]
    acts = due_actions(book([interview], contacts), D(2027, 1, 1))
    letter = one(acts, "R3", cid="C1")
    assert (letter.kind, letter.channel) == (Kind.THANK_YOU_LETTER, "Mail")
    assert (letter.due, letter.status) == (D(2027, 1, 1), Status.DUE)
    assert (letter.window_start, letter.window_end) == (D(2026, 12, 31), D(2027, 1, 1))
    assert "Thu 31 Dec 2026 21:30" in letter.why and "Fri 1 Jan 2027 21:30" in letter.why
    email = one(acts, "R3", cid="C2")
    assert (email.kind, email.channel) == (Kind.THANK_YOU_EMAIL, "Email")
    # One day later both are overdue.
    late = due_actions(book([interview], contacts), D(2027, 1, 2))
    assert {a.status for a in pick(late, "R3")} == {Status.OVERDUE}


def test_r3_one_per_interviewer_and_the_log_closes_each() -> None:
    """R3: each interviewer gets a letter; a logged letter closes only that person's."""
    interview = iv(interview_time=time(10, 0))
    contacts = [person("C1"), person("C2"), person("C3", preferred_channel="Fax")]
    entries = [
        log(D(2026, 11, 23), "Thank-You Letter Mailed", "C1", "ACME-1"),
        log(D(2026, 11, 20), "Thank-You Letter Mailed", "C2"),  # before the interview
    ]
    acts = due_actions(book([interview], contacts, entries), D(2026, 11, 23))
    assert {a.contact_id for a in pick(acts, "R3")} == {"C2", "C3"}
    assert one(acts, "R3", cid="C3").kind is Kind.THANK_YOU_FAX
    assert one(acts, "R3", cid="C2").status is Status.DUE


def test_r3_not_before_the_interview_and_date_only_is_due_next_day() -> None:
    """R3: a scheduled interview today creates no letter; a date-only one is due next day."""
    contacts = [person("C1")]
    scheduled = iv(when=D(2026, 11, 25), status="Scheduled")
    assert not pick(due_actions(book([scheduled], contacts), D(2026, 11, 25)), "R3")
    done = iv(when=D(2026, 11, 25))
    letter = one(due_actions(book([done], contacts), D(2026, 11, 25)), "R3")
    assert (letter.due, letter.status) == (D(2026, 11, 26), Status.DUE)


# --- R4 -------------------------------------------------------------------------------


def test_r4_thank_you_even_when_the_job_is_not_wanted() -> None:
    """R4: Want Job = No still gets a thank-you, named R4 and without claiming interest."""
    interview = iv(want_job="No", status="Withdrawn")
    acts = due_actions(book([interview], [person("C1")]), D(2026, 11, 24))
    letter = one(acts, "R4", cid="C1")
    assert (letter.kind, letter.due, letter.status) == (
        Kind.THANK_YOU_LETTER,
        D(2026, 11, 24),
        Status.DUE,
    )
    assert "without wanting the job" in letter.why
    assert not pick(acts, "R3")


# --- R5 -------------------------------------------------------------------------------


def test_r5_unknown_channel_is_a_gap_and_mail_is_the_default() -> None:
    """R5: blank channel → ask the receptionist, and the letter goes by mail."""
    acts = due_actions(book([iv()], [person("C1", preferred_channel="")]), D(2026, 11, 24))
    gap = one(acts, "R5", cid="C1")
    assert (gap.kind, gap.due, gap.status) == (Kind.DATA_GAP, D(2026, 11, 24), Status.DUE)
    assert "receptionist" in gap.why
    letter = one(acts, "R3", cid="C1")
    assert (letter.kind, letter.channel) == (Kind.THANK_YOU_LETTER, "Mail")


def test_r5_asked_at_a_scheduled_interview_and_closed_once_thanked() -> None:
    """R5: before a Mon 30 Nov interview it is UPCOMING; after the letter it is gone."""
    contacts = [person("C1", iid="SOON-1", preferred_channel="")]
    soon = iv("SOON-1", D(2026, 11, 30), status="Scheduled")
    gap = one(due_actions(book([soon], contacts), D(2026, 11, 25)), "R5")
    assert (gap.due, gap.status) == (D(2026, 12, 1), Status.UPCOMING)
    held = iv("SOON-1", D(2026, 11, 30))
    entries = [log(D(2026, 12, 1), "Thank-You Letter Mailed", "C1")]
    assert not pick(due_actions(book([held], contacts, entries), D(2026, 12, 1)), "R5")


# --- R6, R7, R9: letter content, not dates -------------------------------------------


def test_letter_content_rules_make_no_dated_actions_but_enclosures_are_cited() -> None:
    """R6/R7/R9 are checked in letters and proofreading; R7.5 enclosures show in the why."""
    interview = iv(enclosures=("references", "writing samples"))
    acts = due_actions(book([interview], [person("C1")]), D(2026, 11, 24))
    assert {"R6", "R7", "R9"} <= set(RULES)
    assert not {a.rule for a in acts} & {"R6", "R7", "R9"}
    assert "enclose: references, writing samples" in one(acts, "R3").why


# --- R8 -------------------------------------------------------------------------------


def test_r8_note_cards_to_the_front_desk_whatever_their_channel() -> None:
    """R8: receptionist and assistant get a handwritten note card, even with Email set."""
    contacts = [
        person("C1", preferred_channel="Handwritten Card"),
        person("C2", role="Receptionist", first_name="Ann", preferred_channel="Email"),
        person("C3", role="Assistant", first_name="Bo", last_name="Li"),
    ]
    acts = due_actions(book([iv()], contacts), D(2026, 11, 24))
    for cid in ("C2", "C3"):
        card = one(acts, "R8", cid=cid)
        assert (card.kind, card.channel, card.due) == (
            Kind.NOTE_CARD,
            "Handwritten Card",
            D(2026, 11, 24),
        )
    # An interviewer who prefers a card gets one under R3.
    assert one(acts, "R3", cid="C1").kind is Kind.NOTE_CARD
    assert not pick(acts, "R5", cid="C2")  # no channel question for the front desk
    closed = [log(D(2026, 11, 24), "Note Card Mailed", "C2")]
    assert not pick(due_actions(book([iv()], contacts, closed), D(2026, 11, 24)), "R8", "C2")


# --- R10 ------------------------------------------------------------------------------


def test_r10_references_told_about_each_open_interview() -> None:
    """R10: one call per reference covering the interviews they were not told about."""
    acme = iv("ACME-1", D(2026, 11, 23))
    globex = iv("GLOBEX-1", D(2026, 11, 30), status="Scheduled")
    gone = iv("INITECH-1", D(2026, 11, 16), status="Position Filled")
    refs = [
        person("REF1", iid="", role="Reference", first_name="Ed", last_name="Lo"),
        person("REF2", iid="GLOBEX-1", role="Reference", first_name="Di", last_name="Ng"),
        person("REF3", iid="", role="Reference", first_name="Al", last_name="Ro"),
    ]
    entries = [
        log(D(2026, 11, 20), "Reference Notified", "REF1", "ACME-1"),
        log(D(2026, 11, 24), "Reference Notified", "REF3"),  # for the search so far
    ]
    acts = due_actions(book([acme, globex, gone], refs, entries), D(2026, 11, 25))
    r1 = one(acts, "R10", cid="REF1")
    assert (r1.kind, r1.interview_id, r1.due, r1.status) == (
        Kind.REFERENCE_CALL,
        "GLOBEX-1",
        D(2026, 11, 30),
        Status.UPCOMING,
    )
    assert one(acts, "R10", cid="REF2").interview_id == "GLOBEX-1"
    # REF3's notice without an Interview ID (Tue 24 Nov) covers Acme (Mon 23 Nov), not the
    # Globex interview that comes after it
    r3 = one(acts, "R10", cid="REF3")
    assert (r3.interview_id, r3.due) == ("GLOBEX-1", D(2026, 11, 30))
    assert "Acme" not in r3.why
    # Without REF1's ACME notice, ACME (Mon 23 Nov) comes first and is overdue.
    acts = due_actions(book([acme, globex, gone], refs, entries[1:]), D(2026, 11, 25))
    first = one(acts, "R10", cid="REF1")
    assert (first.interview_id, first.due, first.status) == (
        "ACME-1",
        D(2026, 11, 23),
        Status.OVERDUE,
    )
    assert "Acme" in first.why and "Globex" in first.why and "Initech" not in first.why


def test_r10_reference_call_falls_on_a_working_day() -> None:
    """R10 in DE: an interview on Sat 3 Oct 2026 (German Unity Day) → call Mon 5 Oct."""
    interview = iv("ACME-1", D(2026, 10, 3), status="Scheduled")
    ref = person("REF1", iid="", role="Reference", first_name="Ed", last_name="Lo")
    call = one(due_actions(book([interview], [ref], country="DE"), D(2026, 10, 1)), "R10")
    assert (call.due, call.status) == (D(2026, 10, 5), Status.UPCOMING)


# --- R11 ------------------------------------------------------------------------------


def test_r11_warns_after_a_quiet_week_until_a_job_is_accepted() -> None:
    """R11: last application Mon 16 Nov → quiet since Mon 23 Nov (OVERDUE on Wed 25 Nov)."""
    old = iv("ACME-1", D(2026, 11, 9), status="Offer")
    entries = [log(D(2026, 11, 16), "Application Sent")]
    acts = due_actions(book([old], [], entries), D(2026, 11, 25))
    warn = one(acts, "R11")
    assert (warn.kind, warn.due, warn.status) == (Kind.WARNING, D(2026, 11, 23), Status.OVERDUE)
    assert "Mon 16 Nov" in warn.why
    assert one(due_actions(book([old], [], entries), D(2026, 11, 23)), "R11").status is (Status.DUE)
    assert not pick(due_actions(book([old], [], entries), D(2026, 11, 22)), "R11")
    assert not pick(due_actions(book([old], [], entries), D(2026, 11, 25), quiet_days=14), "R11")
    hired = iv("ACME-1", D(2026, 11, 9), status="Hired")
    assert not pick(due_actions(book([hired], [], entries), D(2026, 11, 25)), "R11")


def test_r11_a_new_interview_counts_as_momentum() -> None:
    """R11: an interview on Tue 24 Nov resets the quiet week."""
    entries = [log(D(2026, 11, 2), "Application Sent")]
    acts = due_actions(book([iv("ACME-1", D(2026, 11, 24))], [], entries), D(2026, 11, 25))
    assert not pick(acts, "R11")


# --- R12 ------------------------------------------------------------------------------


def test_r12_call_window_skips_thanksgiving() -> None:
    """R12: mailed Tue 24 Nov → +2 is Thanksgiving → call Fri 27 Nov (window closes then)."""
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    acts = due_actions(book([iv()], [person("C1")], entries), D(2026, 11, 25))
    call = one(acts, "R12", cid="C1")
    assert (call.kind, call.channel, call.due, call.status) == (
        Kind.PHONE_CALL,
        "Phone",
        D(2026, 11, 27),
        Status.UPCOMING,
    )
    assert (call.window_start, call.window_end) == (D(2026, 11, 27), D(2026, 11, 27))
    assert "Tue 24 Nov" in call.why and "Thanksgiving" in call.why
    assert not pick(acts, "R3")


def test_a_call_abroad_lands_on_a_working_day_of_both_countries() -> None:
    """GB user, Boston contact: mailed Tue 24 Nov → +2 is US Thanksgiving → Fri 27 Nov."""
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    at_home = one(due_actions(book([iv()], [person("C1")], entries, country="GB"),
                             D(2026, 11, 25)), "R12", cid="C1")  # fmt: skip
    assert at_home.due == D(2026, 11, 26)  # a GB working day, the contact in GB too
    for contact, interview in (
        (person("C1", country="US"), iv()),
        (person("C1", country="United States"), iv()),
        (person("C1"), iv(company_country="USA")),  # the company's country, for its people
    ):
        acts = due_actions(book([interview], [contact], entries, country="GB"), D(2026, 11, 25))
        call = one(acts, "R12", cid="C1")
        assert call.due == D(2026, 11, 27), contact
        assert "moved past Thanksgiving Day in US" in call.why


def test_a_contact_abroad_on_their_holiday_waits_for_it() -> None:
    """US user calling Germany: mailed Sat 4 Apr → +2 is Easter Monday in DE → Tue 7 Apr."""
    entries = [log(D(2026, 4, 4), "Thank-You Letter Mailed", "C1")]
    home = book([iv(when=D(2026, 4, 3))], [person("C1")], entries)
    assert one(due_actions(home, D(2026, 4, 5)), "R12", cid="C1").due == D(2026, 4, 6)
    abroad = book([iv(when=D(2026, 4, 3))], [person("C1", country="Germany")], entries)
    call = one(due_actions(abroad, D(2026, 4, 5)), "R12", cid="C1")
    assert call.due == D(2026, 4, 7)
    assert "moved past Easter Monday in DE" in call.why


def test_r12_window_over_a_weekend_due_then_overdue() -> None:
    """R12: mailed Wed 25 Nov → window Fri 27 Nov – Mon 30 Nov: DUE on Sat, OVERDUE Tue."""
    interview = iv(when=D(2026, 11, 24))
    entries = [log(D(2026, 11, 25), "Thank-You Email Sent", "C1")]
    b = book([interview], [person("C1", iid="ACME-1", preferred_channel="Email")], entries)
    call = one(due_actions(b, D(2026, 11, 28)), "R12")
    assert (call.due, call.window_end, call.status) == (
        D(2026, 11, 27),
        D(2026, 11, 30),
        Status.DUE,
    )
    assert one(due_actions(b, D(2026, 12, 1)), "R12").status is Status.OVERDUE


def test_r12_uses_the_logs_mailing_date_across_gb_christmas() -> None:
    """R12 in GB: mailed Thu 24 Dec → Sat, Sun, Boxing Day observed → call Tue 29 Dec."""
    interview = iv(when=D(2026, 12, 23))
    entries = [log(D(2026, 12, 24), "Thank-You Letter Mailed", "C1")]
    call = one(
        due_actions(book([interview], [person("C1")], entries, "GB"), D(2026, 12, 24)),
        "R12",
    )
    assert (call.due, call.window_end, call.status) == (
        D(2026, 12, 29),
        D(2026, 12, 29),
        Status.UPCOMING,
    )


def test_r12_closed_by_a_logged_call() -> None:
    """R12: a call on Mon 30 Nov closes it; the next (R13) call is Mon 7 Dec."""
    entries = [
        log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1"),
        log(D(2026, 11, 30), "Phone Call", "C1"),
    ]
    acts = due_actions(book([iv()], [person("C1")], entries), D(2026, 12, 1))
    assert not pick(acts, "R12")
    assert one(acts, "R13", cid="C1").due == D(2026, 12, 7)


# --- R13 ------------------------------------------------------------------------------


def _called(*days: date, cid: str = "C1") -> list[LogEntry]:
    return [log(D(2026, 11, 24), "Thank-You Letter Mailed", cid)] + [
        log(day, "Phone Call", cid) for day in days
    ]


def test_r13_weekly_calls_after_the_first_call() -> None:
    """R13: last call Mon 30 Nov → next Mon 7 Dec, UPCOMING on Wed 2 Dec, DUE that Monday."""
    b = book([iv(hiring_timeline_days=45)], [person("C1")], _called(D(2026, 11, 30)))
    call = one(due_actions(b, D(2026, 12, 2)), "R13", cid="C1")
    assert (call.kind, call.due, call.status) == (Kind.PHONE_CALL, D(2026, 12, 7), Status.UPCOMING)
    assert "45 days" in call.why and "weekly" in call.why
    assert one(due_actions(b, D(2026, 12, 7)), "R13").status is Status.DUE


def test_r13_weekly_call_skips_thanksgiving() -> None:
    """R13: last call Thu 19 Nov → +7 is Thanksgiving → Fri 27 Nov."""
    interview = iv(when=D(2026, 11, 16))
    entries = [
        log(D(2026, 11, 16), "Thank-You Letter Mailed", "C1"),
        log(D(2026, 11, 19), "Phone Call", "C1"),
    ]
    call = one(due_actions(book([interview], [person("C1")], entries), D(2026, 11, 25)), "R13")
    assert (call.due, call.status) == (D(2026, 11, 27), Status.UPCOMING)


def test_r13_waits_for_a_later_callback_date() -> None:
    """R13: callback expected Thu 10 Dec → call Fri 11 Dec rather than Mon 7 Dec."""
    b = book([iv(callback_expected=D(2026, 12, 10))], [person("C1")], _called(D(2026, 11, 30)))
    assert not pick(due_actions(b, D(2026, 12, 2)), "R13")  # 9 days out: not listed yet
    call = one(due_actions(b, D(2026, 12, 4)), "R13")
    assert (call.due, call.status) == (D(2026, 12, 11), Status.UPCOMING)
    assert "Thu 10 Dec" in call.why


def test_r13_long_timeline_spaces_calls_two_weeks() -> None:
    """R13: a 90-day timeline → next call 14 days after Mon 30 Nov, Mon 14 Dec."""
    b = book([iv(hiring_timeline_days=90)], [person("C1")], _called(D(2026, 11, 30)))
    assert one(due_actions(b, D(2026, 12, 8)), "R13").due == D(2026, 12, 14)


def test_r13_call_over_de_christmas_moves_to_monday() -> None:
    """R13 in DE: last call Fri 18 Dec → Fri 25 and Sat 26 Dec are holidays → Mon 28 Dec."""
    interview = iv(when=D(2026, 12, 7))
    entries = [
        log(D(2026, 12, 8), "Thank-You Letter Mailed", "C1"),
        log(D(2026, 12, 18), "Phone Call", "C1"),
    ]
    call = one(
        due_actions(book([interview], [person("C1")], entries, "DE"), D(2026, 12, 22)), "R13"
    )
    assert call.due == D(2026, 12, 28)


def test_r13_flags_calls_closer_than_a_week() -> None:
    """R13: calls Mon 30 Nov and Wed 2 Dec → a warning, and the next call waits to 9 Dec."""
    b = book([iv()], [person("C1")], _called(D(2026, 11, 30), D(2026, 12, 2)))
    acts = due_actions(b, D(2026, 12, 3))
    warn = [a for a in pick(acts, "R13", cid="C1") if a.kind is Kind.WARNING]
    assert len(warn) == 1 and "2 days apart" in warn[0].why
    assert warn[0].status is Status.DUE
    call = [a for a in pick(acts, "R13", cid="C1") if a.kind is Kind.PHONE_CALL]
    assert call[0].due == D(2026, 12, 9)


def test_r13_no_calls_once_the_position_is_decided() -> None:
    """R13/R14: a terminal status stops every call about the position."""
    for status in ("Not Selected", "Position Filled", "Withdrawn", "Offer Declined", "Hired"):
        b = book([iv(status=status)], [person("C1")], _called(D(2026, 11, 30)))
        acts = due_actions(b, D(2026, 12, 7))
        assert not [a for a in acts if a.kind is Kind.PHONE_CALL], status


# --- R14 ------------------------------------------------------------------------------


def test_r14_keep_in_touch_after_a_no() -> None:
    """R14: Not Selected → a keep-in-touch letter per interviewer, until logged."""
    contacts = [person("C1", preferred_channel="Email"), person("C2")]
    entries = _called(D(2026, 11, 30)) + [log(D(2026, 12, 4), "Keep-In-Touch Sent", "C2")]
    entries += _called(cid="C2")
    b = book([iv(status="Not Selected")], contacts, entries)
    acts = due_actions(b, D(2026, 12, 7))
    letter = one(acts, "R14", cid="C1")
    assert (letter.kind, letter.channel, letter.due, letter.status) == (
        Kind.KEEP_IN_TOUCH,
        "Email",
        D(2026, 12, 7),
        Status.DUE,
    )
    assert "referrals" in letter.why
    assert not pick(acts, "R14", cid="C2")
    referral = entries + [log(D(2026, 12, 5), "Referral Requested", "C1")]
    assert not pick(
        due_actions(book([iv(status="Not Selected")], contacts, referral), D(2026, 12, 7)), "R14"
    )


def test_r14_not_after_accepting_the_job() -> None:
    """R14: Hired means this is the user's new employer: no keep-in-touch letter."""
    acts = due_actions(book([iv(status="Hired")], [person("C1")], _called()), D(2026, 12, 7))
    assert not pick(acts, "R14")


def test_r14_waits_for_the_thank_you_after_a_quick_no() -> None:
    """R4 then R14: a "no" before the thank-you went out gives the thank-you first, one letter."""
    b = book([iv(status="Position Filled")], [person("C1")])
    acts = due_actions(b, D(2026, 11, 24))  # interview Mon 23 Nov, filled the same day
    assert one(acts, "R3", cid="C1").kind is Kind.THANK_YOU_LETTER
    assert not pick(acts, "R14")
    thanked = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    acts = due_actions(
        book([iv(status="Position Filled")], [person("C1")], thanked), D(2026, 11, 30)
    )
    assert not pick(acts, "R3")
    assert one(acts, "R14", cid="C1").due == D(2026, 11, 30)


# --- the list as a whole -------------------------------------------------------------


def test_same_action_never_listed_twice_and_sorted() -> None:
    """A duplicated contact row still yields one action per key, sorted for the Due sheet."""
    contacts = [person("C1"), person("C1"), person("C2", preferred_channel="")]
    acts = due_actions(book([iv()], contacts), D(2026, 11, 25))
    keys = [a.key for a in acts]
    assert len(keys) == len(set(keys))
    assert acts == sorted(acts, key=lambda a: a.sort_key())
    assert one(acts, "R3", cid="C1").who == "Ms. Renée Dubois-C1, Store Manager (C1)"


def test_next_marks_give_the_most_urgent_action_per_row() -> None:
    """next_marks: per interview and per contact, the first open action of the Due list."""
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    b = book([iv()], [person("C1"), person("C2")], entries)
    acts = due_actions(b, D(2026, 11, 25))
    per_iv, per_c = next_marks(b, acts)
    assert per_iv["ACME-1"] == (
        "Thank-you letter: Ms. Renée Dubois-C2 (R3)",
        D(2026, 11, 24),
        "OVERDUE",
    )
    assert per_c["C1"] == ("Phone call (R12)", D(2026, 11, 27), "UPCOMING")
    assert per_c["C2"] == ("Thank-you letter (R3)", D(2026, 11, 24), "OVERDUE")


def test_r2_after_a_decision_only_for_people_still_owed_a_letter() -> None:
    """R2: once a position is decided and every letter is logged, old gaps drop off."""
    decided = iv(status="Not Selected")
    contacts = [person("C1", job_title=""), person("C2", job_title="")]
    entries = [
        log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1"),
        log(D(2026, 11, 24), "Thank-You Letter Mailed", "C2"),
        log(D(2026, 12, 1), "Keep-In-Touch Sent", "C2"),
    ]
    acts = due_actions(book([decided], contacts, entries), D(2026, 12, 2))
    assert [a.contact_id for a in pick(acts, "R2")] == ["C1"]
    # Nobody recorded on a decided position is no longer asked for.
    assert not pick(due_actions(book([decided]), D(2026, 12, 2)), "R2")


# --- applications: rounds of one company and position ------------------------------------
#
# Round 1 on Mon 16 Nov 2026 (thank-you mailed Tue 17 Nov, first call made Thu 19 Nov),
# round 2 on Mon 23 Nov (thank-you mailed Tue 24 Nov). On Mon 30 Nov round 1's weekly call
# (R13, a week after Thu 19 Nov) and round 2's first call (R12, 48–72 h after Tue 24 Nov) are
# due, unless something settled the application.


def _two_rounds(status2: str, position: str = "ANALYST") -> Book:
    """Round 1 (ACME-1, C1) and round 2 (ACME-2, C2) of one application (the company and
    position typed otherwise), both thanked; round 1's first call made."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 23), status=status2, company=" acme ", position=position)
    people = [person("C1", "ACME-1"), person("C2", "ACME-2")]
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 19), "Phone Call", "C1", "ACME-1"),
               log(D(2026, 11, 24), "Thank-You Letter Mailed", "C2", "ACME-2")]  # fmt: skip
    return book([r1, r2], people, entries)


def test_rounds_of_one_application_keep_their_own_calls_while_open() -> None:
    """Company and position alike (case and spaces aside): still open, each round's
    interviewer gets their calls (R13 for round 1, R12 for round 2)."""
    acts = due_actions(_two_rounds("Interviewed"), D(2026, 11, 30))
    assert one(acts, "R13", cid="C1").kind is Kind.PHONE_CALL
    assert one(acts, "R12", cid="C2").kind is Kind.PHONE_CALL


def test_an_offer_on_the_latest_round_ends_the_calls_of_every_round() -> None:
    """Offer on round 2: no "until the position is decided" calls to anyone, no R1 ask."""
    acts = due_actions(_two_rounds("Offer"), D(2026, 11, 30))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL]
    assert not pick(acts, "R1")


def test_hired_on_the_latest_round_settles_every_round_without_keep_in_touch() -> None:
    """Hired on round 2: round 1's interviewer gets no call and no R14 (the new employer)."""
    acts = due_actions(_two_rounds("Hired"), D(2026, 11, 30))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL]
    assert not pick(acts, "R14")


def test_a_no_on_the_latest_round_starts_keep_in_touch_for_every_round() -> None:
    """Not Selected on round 2: R14 for both rounds' interviewers, the Why says which round
    settled it."""
    acts = due_actions(_two_rounds("Not Selected"), D(2026, 11, 30))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL]
    first = one(acts, "R14", cid="C1")
    assert (first.kind, first.due) == (Kind.KEEP_IN_TOUCH, D(2026, 11, 30))
    assert "status Not Selected on a later round of this application" in first.why
    assert "status Not Selected (interview" in one(acts, "R14", cid="C2").why


def test_another_position_at_the_same_company_is_another_application() -> None:
    """An offer for a different position leaves this one's calls as they were."""
    b = _two_rounds("Offer", position="Senior Analyst")
    acts = due_actions(b, D(2026, 11, 30))
    assert one(acts, "R13", cid="C1").kind is Kind.PHONE_CALL
    assert not pick(acts, "R12", cid="C2")


def test_want_job_no_gets_the_thank_you_and_no_calls() -> None:
    """R4: the thank-you goes out; no R12/R13 calls about a job the user does not want, and
    one line says how to end it (Withdrawn, which starts R14)."""
    interview = iv(want_job="No")
    thanked = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1")]
    acts = due_actions(book([interview], [person("C1")]), D(2026, 11, 24))
    assert one(acts, "R4", cid="C1").kind is Kind.THANK_YOU_LETTER
    acts = due_actions(book([interview], [person("C1")], thanked), D(2026, 11, 30))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL]
    advice = one(acts, "R4", iid="ACME-1")
    assert advice.kind is Kind.WARNING and "set Status to Withdrawn" in advice.why
    withdrawn = iv(want_job="No", status="Withdrawn")
    acts = due_actions(book([withdrawn], [person("C1")], thanked), D(2026, 11, 30))
    assert not pick(acts, "R4") and one(acts, "R14", cid="C1").kind is Kind.KEEP_IN_TOUCH


# --- calls they made -------------------------------------------------------------------------


def test_a_call_they_made_is_no_breach_and_restarts_the_weekly_rhythm() -> None:
    """Thank-you mailed Tue 24 Nov; the user called Mon 30 Nov; the employer called back Wed
    2 Dec (Call Received). No "calls 2 days apart" warning (R13 counts the user's calls), and
    the next call is a week after their call: Wed 9 Dec."""
    entries = _called(D(2026, 11, 30)) + [log(D(2026, 12, 2), "Call Received", "C1")]
    acts = due_actions(book([iv()], [person("C1")], entries), D(2026, 12, 3))
    assert not [a for a in acts if a.kind is Kind.WARNING and a.rule == "R13"]
    call = one(acts, "R13", cid="C1")
    assert (call.kind, call.due) == (Kind.PHONE_CALL, D(2026, 12, 9))
    assert call.why.startswith("they called you Wed 2 Dec 2026 → weekly calls")


def test_a_call_they_made_after_the_thank_you_answers_the_first_call() -> None:
    """They phoned on Fri 27 Nov, three days after the thank-you was mailed: the 48-72 h
    call (R12) is not needed; the next call is a week after theirs, Fri 4 Dec."""
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1"),
               log(D(2026, 11, 27), "Call Received", "C1")]  # fmt: skip
    acts = due_actions(book([iv()], [person("C1")], entries), D(2026, 11, 30))
    assert not pick(acts, "R12")
    assert one(acts, "R13", cid="C1").due == D(2026, 12, 4)


def test_two_calls_of_the_users_own_two_days_apart_are_still_flagged() -> None:
    """A call received between them changes nothing: the user's own calls were too close."""
    entries = _called(D(2026, 11, 30), D(2026, 12, 2)) + [
        log(D(2026, 12, 1), "Call Received", "C1")
    ]
    acts = due_actions(book([iv()], [person("C1")], entries), D(2026, 12, 3))
    flag = [a for a in acts if a.kind is Kind.WARNING and a.rule == "R13"]
    assert len(flag) == 1 and "2 days apart" in flag[0].why


def test_every_run_says_where_the_latest_interviews_thank_yous_stand() -> None:
    """The 24-hour thank-you needs a run the evening after each interview: a run lists the
    interviews of the last two days and today with their thank-yous (on time, late, sent)."""
    from followup_xl.rules import thank_you_cadence

    morning = iv("ACME-1", D(2026, 11, 26), interview_time=time(9, 30))  # Thu
    friday = iv("BETA-1", D(2026, 11, 27), interview_time=time(14, 0))  # Fri
    older = iv("GAMMA-1", D(2026, 11, 23))
    people = [person("C1", "ACME-1"), person("C2", "BETA-1"), person("C3", "GAMMA-1")]
    b = book([morning, friday, older], people)
    on_friday = D(2026, 11, 27)
    assert thank_you_cadence(b, due_actions(b, on_friday), on_friday) == [
        "Acme interview Thu 26 Nov 2026 09:30: 1 thank-you(s) on time if sent by Fri 27 Nov 2026",
        "Beta interview Fri 27 Nov 2026 14:00: 1 thank-you(s) on time if sent by Sat 28 Nov 2026",
    ]
    on_saturday = D(2026, 11, 28)  # Thursday's deadline (Fri 09:30) has passed
    thanked = book([morning, friday, older], people,
                   [log(D(2026, 11, 27), "Thank-You Letter Mailed", "C2", "BETA-1")])  # fmt: skip
    assert thank_you_cadence(thanked, due_actions(thanked, on_saturday), on_saturday) == [
        "Acme interview Thu 26 Nov 2026 09:30: 1 thank-you(s) are late: send them today",
        "Beta interview Fri 27 Nov 2026 14:00: every thank-you is sent (or logged as sent)",
    ]
    on_sunday = D(2026, 11, 29)  # the weekly run alone: Friday's thank-yous are late
    assert thank_you_cadence(b, due_actions(b, on_sunday), on_sunday) == [
        "Beta interview Fri 27 Nov 2026 14:00: 1 thank-you(s) are late: send them today"
    ]


def test_the_call_after_an_emailed_or_faxed_thank_you_says_so() -> None:
    """The Why names how the thank-you went: "emailed", "faxed", "mailed" (it said
    "mailed" of an email and of a fax)."""
    for action, how in (("Thank-You Email Sent", "emailed"), ("Thank-You Fax Sent", "faxed"),
                        ("Thank-You Letter Mailed", "mailed")):  # fmt: skip
        entries = [log(D(2026, 11, 24), action, "C1")]
        call = one(due_actions(book([iv()], [person("C1")], entries), D(2026, 11, 27)), "R12")
        assert call.why.startswith(f"thank-you {how} Tue 24 Nov 2026 → phone 48–72 h later"), how


def test_keep_in_touch_channel_is_what_is_written() -> None:
    """R14 writes a mailed letter (or an email draft): a Fax contact's row says Mail."""
    entries = _called()
    acts = due_actions(book([iv(status="Not Selected")],
                            [person("C1", preferred_channel="Fax", fax="555-0100")], entries),
                       D(2026, 12, 7))  # fmt: skip
    assert one(acts, "R14", cid="C1").channel == "Mail"


def test_r10_once_per_application_and_a_blank_notice_only_for_what_came_before() -> None:
    """A reference told of round 1 is not called again about round 2 of the same
    application; a notice without an Interview ID does not silence later applications."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 23), company="ACME")
    other = iv("BETA-1", D(2026, 11, 24))
    ref = person("REF1", iid="", role="Reference", first_name="Ed", last_name="Lo")
    told = [log(D(2026, 11, 16), "Reference Notified", "REF1", "ACME-1")]
    acts = due_actions(book([r1, r2, other], [ref], told), D(2026, 11, 25))
    call = one(acts, "R10", cid="REF1")
    assert call.interview_id == "BETA-1" and "Acme" not in call.why
    # a notice without an Interview ID on Tue 17 Nov covers the application whose first
    # round was Mon 16 Nov (its round 2 too), not Beta's, which came after it
    blank = [log(D(2026, 11, 17), "Reference Notified", "REF1")]
    acts = due_actions(book([r1, r2, other], [ref], blank), D(2026, 11, 25))
    call = one(acts, "R10", cid="REF1")
    assert call.why.startswith("interview at Beta (Tue 24 Nov 2026) →"), call.why


# --- the fastest channel that arrives in time (R5, R8) ----------------------------------
#
# Interview Thu 26 Nov 2026 10:00 (US Thanksgiving, as the tests above use it): thank-you by
# Fri 27 Nov 10:00. Mailed then, a letter arrives about two US working days later, Tue 1 Dec
# (Mon 30 Nov, Tue 1 Dec); to Britain about five working days of both countries, Fri 4 Dec.


def _imminent(decision: date, **contact: str) -> list[Action]:
    interview = iv(when=D(2026, 11, 26), interview_time=time(10, 0), decision_expected=decision)
    return due_actions(book([interview], [person("C1", **contact)]), D(2026, 11, 26))


def test_a_decision_before_the_mail_arrives_sends_the_thank_you_by_fax_as_well() -> None:
    """Decision expected Fri 27 Nov, fax on file: the letter, and the thank-you by fax."""
    acts = _imminent(D(2026, 11, 27), fax="+1 617 555 0100")
    assert one(acts, "R3", cid="C1").kind is Kind.THANK_YOU_LETTER
    fax = one(acts, "R8", cid="C1")
    assert (fax.kind, fax.channel, fax.due) == (Kind.THANK_YOU_FAX, "Fax", D(2026, 11, 27))
    assert fax.why.startswith(
        "decision expected Fri 27 Nov 2026, before a mailed letter would arrive (about Tue 1 Dec "
        "2026) → send the thank-you by fax as well"
    )


def test_email_is_the_fastest_channel_when_both_are_on_file() -> None:
    acts = _imminent(D(2026, 11, 30), fax="+1 617 555 0100", email="c1@example.com")
    assert one(acts, "R8", cid="C1").kind is Kind.THANK_YOU_EMAIL


def test_with_no_email_or_fax_the_gap_is_asked_about() -> None:
    """R5: nothing faster on file: ask for an email address."""
    gap = one(_imminent(D(2026, 11, 27)), "R5", cid="C1")
    assert gap.kind is Kind.DATA_GAP and "ask for an email address" in gap.why


def test_a_decision_after_the_mail_arrives_needs_nothing_more() -> None:
    """Decision Wed 2 Dec: the letter (arriving about Tue 1 Dec) is in time."""
    acts = _imminent(D(2026, 12, 2), fax="+1 617 555 0100")
    assert not pick(acts, "R8") and not pick(acts, "R5")


def test_mail_abroad_takes_longer() -> None:
    """Thu 3 Dec is in time at home (Tue 1 Dec), not to London (about Fri 4 Dec)."""
    assert not pick(_imminent(D(2026, 12, 3), fax="+44 20 7946 0000"), "R8")
    abroad = _imminent(D(2026, 12, 3), fax="+44 20 7946 0000", country="GB")
    assert "(about Fri 4 Dec 2026)" in one(abroad, "R8", cid="C1").why


# --- one person on two panels ----------------------------------------------------------------


def test_one_row_naming_both_rounds_thanks_her_for_each_and_calls_her_once() -> None:
    """Ms. Bree sat on both panels; her one Contacts row names both interviews. Each round
    owes her its own thank-you; the calls are one series, planned from the latest round."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 23), company="Acme")
    bree = person("C1", "ACME-1", interview_ids=("ACME-1", "ACME-2"))
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 19), "Phone Call", "C1", "ACME-1")]  # fmt: skip
    acts = due_actions(book([r1, r2], [bree], entries), D(2026, 11, 23))
    thanks = one(acts, "R3", cid="C1")
    assert (thanks.interview_id, thanks.due) == ("ACME-2", D(2026, 11, 24))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL and a.interview_id == "ACME-1"]
    # round 2 thanked Tue 24 Nov: one R12 call, from round 2, at least a week after Thu 19 Nov
    entries.append(log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1", "ACME-2"))
    acts = due_actions(book([r1, r2], [bree], entries), D(2026, 11, 27))
    calls = [a for a in acts if a.kind is Kind.PHONE_CALL]
    assert [(a.rule, a.interview_id, a.due) for a in calls] == [("R12", "ACME-2", D(2026, 11, 27))]


def test_two_rows_of_one_person_share_their_calls() -> None:
    """A second row for her (same email) on round 2: no R13 from round 1 as well as R12 from
    round 2, and a call logged under the round-2 row counts for round 1 too."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 23), company="Acme")
    first = person("C1", "ACME-1", email="bree@acme.example")
    again = person("C1b", "ACME-2", email="Bree@Acme.example ", last_name="Dubois-C1")
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 19), "Phone Call", "C1", "ACME-1"),
               log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1b", "ACME-2")]  # fmt: skip
    acts = due_actions(book([r1, r2], [first, again], entries), D(2026, 11, 27))
    calls = [(a.rule, a.contact_id) for a in acts if a.kind is Kind.PHONE_CALL]
    assert calls == [("R12", "C1b")]
    entries.append(log(D(2026, 11, 27), "Phone Call", "C1b", "ACME-2"))
    acts = due_actions(book([r1, r2], [first, again], entries), D(2026, 12, 1))
    calls = [(a.rule, a.contact_id, a.due) for a in acts if a.kind is Kind.PHONE_CALL]
    assert calls == [("R13", "C1b", D(2026, 12, 4))]  # a week after Fri 27 Nov


def test_a_second_rounds_row_typed_without_her_email_is_still_her() -> None:
    """Round 2's row for her has her name but not her email (typed in a hurry): it is the
    same person as the emailed round-1 row, as if both rows had the email: one series of
    calls, planned from round 2, not a second one from round 1; a namesake at another
    company is someone else."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 30), company="Acme")
    first = person("C1", "ACME-1", email="bree@acme.example", last_name="Dubois")
    again = person("C1b", "ACME-2", last_name="Dubois")
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 20), "Phone Call", "C1", "ACME-1")]  # fmt: skip

    def calls(rows: list[Contact]) -> list[tuple[str, str, date]]:
        acts = due_actions(book([r1, r2], rows, entries), D(2026, 11, 30))
        return [(a.rule, a.contact_id, a.due) for a in acts if a.kind is Kind.PHONE_CALL]

    assert calls([first, again]) == [("R13", "C1b", D(2026, 11, 27))]
    assert calls([first, again]) == calls([first, again._replace(email="bree@acme.example")])
    # another surname is another person: round 1 goes on with its own series
    assert calls([first, again._replace(last_name="Dubois-Okafor")]) == [
        ("R13", "C1", D(2026, 11, 27))
    ]
    other = iv("OTHER-1", D(2026, 11, 16), company="Other Co")
    namesake = person("C9", "OTHER-1", last_name="Dubois")
    entries.append(log(D(2026, 11, 17), "Thank-You Letter Mailed", "C9", "OTHER-1"))
    acts = due_actions(book([r1, r2, other], [first, again, namesake], entries), D(2026, 11, 30))
    found = {(a.rule, a.contact_id) for a in acts if a.kind is Kind.PHONE_CALL}
    assert found == {("R13", "C1b"), ("R12", "C9")}  # her one series, and the namesake's


def test_after_a_no_someone_met_twice_gets_one_keep_in_touch_letter() -> None:
    """Not Selected after round 2: Ms. Bree, on both panels, gets one R14 letter (from round
    2, once its thank-you is logged), not one per round."""
    r1 = iv("ACME-1", D(2026, 11, 16))
    r2 = iv("ACME-2", D(2026, 11, 23), company="Acme", status="Not Selected")
    bree = person("C1", "ACME-1", interview_ids=("ACME-1", "ACME-2"))
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 24), "Thank-You Letter Mailed", "C1", "ACME-2")]  # fmt: skip
    acts = due_actions(book([r1, r2], [bree], entries), D(2026, 11, 30))
    assert [(a.rule, a.interview_id) for a in acts if a.kind is Kind.KEEP_IN_TOUCH] == [
        ("R14", "ACME-2")
    ]


def test_a_days_calls_to_one_company_are_spread_two_a_day() -> None:
    """Five interviewers at one bank, all thanked Tue 24 Nov: their R12 calls would all start
    Fri 27 Nov (Thu 26 Nov is Thanksgiving). Two a day: Fri 27 Nov, Mon 30 Nov, Tue 1 Dec."""
    panel = [person(f"C{n}") for n in range(1, 6)]
    entries = [log(D(2026, 11, 24), "Thank-You Letter Mailed", c.contact_id) for c in panel]
    acts = due_actions(book([iv()], panel, entries), D(2026, 11, 25))
    calls = sorted((a.due, a.contact_id) for a in acts if a.kind is Kind.PHONE_CALL)
    assert [d for d, _ in calls] == [D(2026, 11, 27), D(2026, 11, 27), D(2026, 11, 30),
                                     D(2026, 11, 30), D(2026, 12, 1)]  # fmt: skip
    moved = [a for a in acts if a.kind is Kind.PHONE_CALL and a.due == D(2026, 12, 1)]
    assert moved[0].why.endswith("; moved to Tue 1 Dec 2026: at most 2 calls to Acme a day")
    assert moved[0].status is Status.UPCOMING


# --- the holidays of a state or region ---------------------------------------------------------


def test_a_melbourne_user_skips_melbourne_cup_day() -> None:
    """Profile VIC, Australia: mailed Sun 1 Nov 2026 → 48 h later is Tue 3 Nov, Melbourne
    Cup Day (a Victorian holiday only), so the call opens Wed 4 Nov; in NSW it is Tue 3 Nov."""
    entries = [log(D(2026, 11, 1), "Thank-You Letter Mailed", "C1")]
    interview = iv(when=D(2026, 10, 30))
    vic = Book(path="t.xlsx", profile=Profile(name="Pat Doe", country="AU", state="VIC"),
               interviews=(interview,), contacts=(person("C1"),), log=tuple(entries))  # fmt: skip
    call = one(due_actions(vic, D(2026, 11, 2)), "R12", cid="C1")
    assert call.due == D(2026, 11, 4) and "Melbourne Cup" in call.why
    nsw = Book(path="t.xlsx", profile=Profile(name="Pat Doe", country="AU", state="NSW"),
               interviews=(interview,), contacts=(person("C1"),), log=tuple(entries))  # fmt: skip
    assert one(due_actions(nsw, D(2026, 11, 2)), "R12", cid="C1").due == D(2026, 11, 3)


def test_a_call_to_bavaria_waits_for_epiphany() -> None:
    """A US user calling Munich on Tue 5 Jan 2027's R13 rhythm: Wed 6 Jan is Epiphany in
    Bavaria (not in Berlin), so the call moves to Thu 7 Jan; to Berlin it stays Wed 6 Jan."""
    entries = _called(D(2026, 12, 30))
    munich = person("C1", country="DE", state="BY", street="Marienplatz 1", city="München")
    call = one(due_actions(book([iv()], [munich], entries), D(2027, 1, 5)), "R13", cid="C1")
    assert call.due == D(2027, 1, 7) and "Epiphany" in call.why
    berlin = person("C1", country="DE", state="BE", street="Unter den Linden 5", city="Berlin")
    assert one(due_actions(book([iv()], [berlin], entries), D(2027, 1, 5)), "R13").due == D(
        2027, 1, 6
    )


def test_a_melbourne_users_weekly_call_over_christmas_waits_for_the_holidays() -> None:
    """Profile VIC: last call Fri 18 Dec 2026 → a week later is Christmas Day; Sat 26 and
    Sun 27 are the weekend and Mon 28 Dec is Boxing Day observed: the call is Tue 29 Dec."""
    entries = _called(D(2026, 12, 18))
    vic = Book(path="t.xlsx", profile=Profile(name="Pat Doe", country="AU", state="VIC"),
               interviews=(iv(),), contacts=(person("C1"),), log=tuple(entries))  # fmt: skip
    call = one(due_actions(vic, D(2026, 12, 23)), "R13", cid="C1")
    assert call.due == D(2026, 12, 29)
    assert "Christmas Day" in call.why and "Boxing Day" in call.why


def test_the_application_column_says_which_rows_are_rounds_of_one_application() -> None:
    """Round 2 booked under the recruiter's name: the same Application text makes the rows
    one application, so the offer on round 2 ends round 1's calls too."""
    r1 = iv("ACME-1", D(2026, 11, 16), application="Acme analyst")
    r2 = iv("ACME-2", D(2026, 11, 23), company="Talent Partners", position="Analyst II",
            status="Offer", application="ACME analyst ")  # fmt: skip
    entries = [log(D(2026, 11, 17), "Thank-You Letter Mailed", "C1", "ACME-1"),
               log(D(2026, 11, 19), "Phone Call", "C1", "ACME-1")]  # fmt: skip
    acts = due_actions(book([r1, r2], [person("C1", "ACME-1")], entries), D(2026, 11, 30))
    assert not [a for a in acts if a.kind is Kind.PHONE_CALL]
    apart = iv("ACME-2", D(2026, 11, 23), company="Talent Partners", status="Offer")
    acts = due_actions(book([r1, apart], [person("C1", "ACME-1")], entries), D(2026, 11, 30))
    assert one(acts, "R13", cid="C1").kind is Kind.PHONE_CALL
