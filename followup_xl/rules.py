"""The follow-up rules R1–R14 as pure date logic: workbook records + today -> due actions.

No clock and no I/O: `today` is passed in, the country's working days come from
workdays.py. Every Action names its rule, and its `why` cites the dates it was computed
from. The readings of the advice that were judgement calls are listed in docs/rules.md.

One job in one module, though it is over 400 lines: the fourteen rules share one engine
(the book's indexes, the working-day calendar, the Log's answers) and read best side by side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from .localize import country_code, fmt_date
from .logbook import KEEP_IN_TOUCH_LOGS, THANK_YOU_LOGS, LogIndex
from .model import (
    ACCEPTED_STATUSES,
    TERMINAL_STATUSES,
    Action,
    Book,
    Contact,
    Interview,
    Kind,
    Status,
    contact_country,
    contact_region,
)
from .workdays import WorkCalendar, calendar_for

#: Rule ID -> short title (docs/followup-rules.md).
RULES: dict[str, str] = {
    "R1": "Ask about the timeline",
    "R2": "Record everyone",
    "R3": "Thank-you within 24 hours, one per person",
    "R4": "Thank-you even without wanting the job",
    "R5": "The right channel",
    "R6": "Zero errors",
    "R7": "Five essentials of the letter",
    "R8": "Handwritten note card",
    "R9": "Business-letter layout",
    "R10": "Tell your references",
    "R11": "Keep searching",
    "R12": "Phone 48-72 hours after mailing",
    "R13": "Patient but persistent, never desperate",
    "R14": "Keep the contact after a no",
}

#: Actions are listed when due within this many days (UPCOMING); nothing further out.
HORIZON_DAYS = 7
#: Never schedule two calls to one person closer than this (R13).
MIN_CALL_GAP_DAYS = 7
#: Calls to one company planned on one day at most; more move to the next working days.
CALLS_PER_COMPANY_DAY = 2
#: Working days a mailed letter takes to arrive, at home and to another country (R5, R8).
MAIL_DAYS, MAIL_DAYS_ABROAD = 2, 5

#: How each kind of logged thank-you went, for the Why of the call after it.
_SENT_HOW = (("Thank-You Letter Mailed", "mailed"), ("Note Card Mailed", "mailed"),
             ("Thank-You Email Sent", "emailed"), ("Thank-You Fax Sent", "faxed"))  # fmt: skip

CALL_LOG = "Phone Call"
#: A call or message from the employer: contact made, but no call of the user's (R13).
INCOMING_LOG = "Call Received"
_CALLS = frozenset({CALL_LOG, INCOMING_LOG})
REFERENCE_LOG = "Reference Notified"
APPLICATION_LOG = "Application Sent"

_CHANNEL_KIND = {
    "Mail": (Kind.THANK_YOU_LETTER, "Mail"),
    "Email": (Kind.THANK_YOU_EMAIL, "Email"),
    "Fax": (Kind.THANK_YOU_FAX, "Fax"),
    "Handwritten Card": (Kind.NOTE_CARD, "Handwritten Card"),
}
_FRONT_DESK = frozenset({"Receptionist", "Assistant"})


# --- formatting -------------------------------------------------------------------------


_T = TypeVar("_T", date, datetime)


def _later(when: _T, **delta: int) -> _T:
    """Return when + delta, or the last day Python knows for dates near 9999-12-31."""
    try:
        return when + timedelta(**delta)
    except OverflowError:
        return datetime.max if isinstance(when, datetime) else date.max


def _fmt_when(day: date, at: time | None) -> str:
    text = fmt_date(day)
    return f"{text} {at.hour:02d}:{at.minute:02d}" if at is not None else text


def held(iv: Interview, today: date) -> bool:
    """Return True when the interview has taken place (a past date counts as held)."""
    if iv.interview_date is None:
        return False
    if iv.interview_date < today:
        return True
    return iv.interview_date == today and iv.status != "Scheduled"


def thank_you_deadline(iv: Interview) -> tuple[date, str]:
    """Return the 24-hour deadline's date (a calendar day) and the 'interview …' text."""
    assert iv.interview_date is not None
    when = _fmt_when(iv.interview_date, iv.interview_time)
    if iv.interview_time is not None:
        moment = _later(datetime.combine(iv.interview_date, iv.interview_time), hours=24)
        by = _fmt_when(moment.date(), moment.time())
        return moment.date(), f"interview {when} → thank-you within 24 h, by {by}"
    deadline = _later(iv.interview_date, days=1)
    return deadline, f"interview {when} → thank-you within 24 h, by {fmt_date(deadline)}"


def who_text(contact: Contact) -> str:
    """Return 'Ms. Renée Dubois-Okafor, Store Manager (C1)', or 'Receptionist (C3)' and
    'Hiring Committee (C4)' for contacts without a name."""
    name = (
        contact.display_name
        if contact.full_name
        else contact.job_title or contact.role or "Contact"
    )
    if contact.full_name and contact.job_title:
        name += f", {contact.job_title}"
    return f"{name} ({contact.contact_id})"


# --- status ---------------------------------------------------------------------------


def status_for(
    due: date,
    today: date,
    window_start: date | None = None,
    window_end: date | None = None,
) -> Status | None:
    """Return OVERDUE/DUE/UPCOMING, or None when the action is further out than the horizon.

    Inside its window (when it has one) an action is DUE; after the later of due date and
    window end it is OVERDUE; before it starts it is UPCOMING within HORIZON_DAYS.
    """
    start = min(due, window_start) if window_start is not None else due
    end = max(due, window_end) if window_end is not None else due
    if today > end:
        return Status.OVERDUE
    if today >= start:
        return Status.DUE
    if (start - today).days <= HORIZON_DAYS:
        return Status.UPCOMING
    return None


#: A planned call: its due date and its window, if it has one.
_Planned = tuple[date, tuple[date, date] | None]


# --- the engine -----------------------------------------------------------------------


class _Engine:
    """One evaluation of the rules over one book on one day."""

    def __init__(self, book: Book, today: date, quiet_days: int) -> None:
        self.book = book
        self.today = today
        self.quiet_days = quiet_days
        self.cal: WorkCalendar = calendar_for(book.profile.country, book.profile.state)
        #: the contacts' calendars by (country code, region as typed), each made once
        self.calendars: dict[tuple[str, str], WorkCalendar] = {}
        self.out: list[Action] = []
        self.interviews = book.interviews_by_id
        self.contacts = book.contacts_by_id
        # Log rows by contact ID, and those without a contact by interview: the same index
        # answers "is this done?" for the letters (letters/batch.BookIndex)
        self.log = LogIndex(book.log)
        self.by_contact = self.log.by_contact
        #: logged(actions, iv, contact): the sorted dates of Log rows of these actions for this
        #: person and interview (logbook.py says which rows count)
        self.logged = self.log.logged
        self.people: dict[str, list[Contact]] = defaultdict(list)
        for c in sorted(self.contacts.values(), key=lambda c: c.contact_id):
            for iid in c.interviews:  # one person may sit on several panels
                self.people[iid].append(c)
        # the rounds of each application (same company and position), latest last
        self.application = {iid: application_key(iv) for iid, iv in self.interviews.items()}
        rounds: dict[tuple[str, str], list[Interview]] = defaultdict(list)
        for iid, iv in self.interviews.items():
            rounds[self.application[iid]].append(iv)
        self.latest: dict[tuple[str, str], Interview] = {
            key: max(ivs, key=lambda i: (i.interview_date or date.min, i.row, i.interview_id))
            for key, ivs in rounds.items()
        }
        self.first_round: dict[tuple[str, str], date] = {
            key: min((i.interview_date for i in ivs if i.interview_date), default=date.max)
            for key, ivs in rounds.items()
        }
        # each interviewer's rounds of an application, whatever rows they are on (one row
        # naming two interviews, or a row per round with the same email or name), in order
        # (self.series finds them by one row's Interview ID and Contact ID)
        self.rounds_of: dict[tuple, list[tuple[Interview, Contact]]] = defaultdict(list)
        self.series: dict[tuple[str, str], list[tuple[Interview, Contact]]] = {}
        interviewers = [(found, c) for iid, panel in self.people.items()
                        if (found := self.interviews.get(iid)) is not None
                        for c in panel if c.role == "Interviewer"]  # fmt: skip
        # a row without an email is the person of the application's emailed row of that name
        # (a second round's row typed with the name only)
        emailed: dict[tuple, tuple[str, ...]] = {}
        for found, c in interviewers:
            if c.email.strip():
                named = (self.application[found.interview_id], name_key(c, found))
                emailed.setdefault(named, person_key(c, found))
        for found, c in interviewers:
            app, key = self.application[found.interview_id], person_key(c, found)
            rounds_seen = self.rounds_of[(app, emailed.get((app, key), key))]
            rounds_seen.append((found, c))
            self.series[(found.interview_id, c.contact_id)] = rounds_seen
        for seen in self.rounds_of.values():
            seen.sort(key=lambda pair: (pair[0].interview_date or date.min, pair[0].row,
                                        pair[0].interview_id, pair[1].row))  # fmt: skip
        # the Who of each contact, and each day moved onto a working day, worked out once
        self.who: dict[str, str] = {}
        self.moved: dict[tuple[date, WorkCalendar | None], tuple[date, str]] = {}

    # helpers ------------------------------------------------------------------------

    def held(self, iv: Interview) -> bool:
        """Return True when the interview has taken place (a past date counts as held)."""
        return held(iv, self.today)

    def add(
        self,
        rule: str,
        kind: Kind,
        due: date,
        why: str,
        *,
        iv: Interview | None = None,
        contact: Contact | None = None,
        channel: str = "",
        window: tuple[date, date] | None = None,
    ) -> Action | None:
        """Add an action when it is within the horizon; return it, or None."""
        window_start, window_end = window if window else (None, None)
        status = status_for(due, self.today, window_start, window_end)
        if status is None:
            return None
        action = Action(
            rule=rule,
            kind=kind,
            status=status,
            due=due,
            why=why,
            channel=channel,
            interview_id=iv.interview_id if iv else "",
            company=iv.company if iv else "",
            position=iv.position if iv else "",
            contact_id=contact.contact_id if contact else "",
            who=self.who_of(contact) if contact else "",
            window_start=window_start,
            window_end=window_end,
        )
        self.out.append(action)
        return action

    def who_of(self, contact: Contact) -> str:
        """Return who_text of a contact, worked out once per contact."""
        who = self.who.get(contact.contact_id)
        if who is None:
            who = self.who[contact.contact_id] = who_text(contact)
        return who

    def workday(self, day: date, other: WorkCalendar | None = None) -> tuple[date, str]:
        """Move a day onto a working day (of both countries, for a call abroad); say why."""
        got = self.moved.get((day, other))
        if got is None:
            got = self.moved[(day, other)] = self.move_to_workday(day, other)
        return got

    def move_to_workday(self, day: date, other: WorkCalendar | None) -> tuple[date, str]:
        """Return the first working day from `day` of both calendars, and why it moved."""
        cals = [self.cal] if other is None or other == self.cal else [self.cal, other]
        moved = day
        for _ in range(60):  # any real pair of calendars shares a working day within weeks
            if all(cal.is_workday(moved) for cal in cals):
                break
            moved += timedelta(days=1)
        if moved == day:
            return day, ""
        reasons: list[str] = []
        for cal in cals:
            for reason in cal.skipped(day, moved):
                label = reason if cal is self.cal or reason == "weekend" else (
                    f"{reason} in {cal.country}")  # fmt: skip
                reasons.append(label)
        return moved, f" (moved past {', '.join(dict.fromkeys(reasons))})"

    def their_calendar(self, c: Contact, iv: Interview | None) -> WorkCalendar | None:
        """Return the working days of the contact's country (and state or region) when they
        are not the user's."""
        country = contact_country(c, iv)
        if not country:
            return None
        key = (country_code(country), contact_region(c, iv))
        theirs = self.calendars.get(key)
        if theirs is None:
            theirs = self.calendars[key] = calendar_for(*key)
        same = (theirs.country, theirs.region) == (self.cal.country, self.cal.region)
        return None if same else theirs

    # rules --------------------------------------------------------------------------

    def settled(self, iv: Interview) -> str:
        """Return the status that settles the interview's application, or "".

        A terminal status on any round settles that round; the latest round's Offer or
        terminal status settles every round of the application (an offer made after the
        second round ends the calls about the first).
        """
        if iv.terminal:
            return iv.status
        latest = self.latest[self.application[iv.interview_id]]
        if latest.terminal or latest.status == "Offer":
            return latest.status
        return ""

    def run(self) -> list[Action]:
        for iid in sorted(self.interviews):
            iv = self.interviews[iid]
            if iv.interview_date is None:
                continue
            self.record_everyone(iv)
            self.thank_yous(iv)
            if not self.held(iv):
                continue
            settled = self.settled(iv)
            if not settled and iv.want_job == "No":
                self.not_wanted(iv)
            elif not settled:
                calls = self.calls(iv)
                self.timeline(iv, calls)
            if settled in TERMINAL_STATUSES and settled not in ACCEPTED_STATUSES:
                self.keep_in_touch(iv, settled)
        self.references()
        self.keep_searching()
        self.spread_calls()
        return self.out

    def spread_calls(self) -> None:
        """Plan at most CALLS_PER_COMPANY_DAY calls to one company on one day: the others
        move to the next working days (R13's "persistent, never desperate" for a company too,
        and a day's calls a person can sensibly make). Overdue calls stay as they are."""
        count: dict[tuple[str, date], int] = defaultdict(int)
        order = sorted(
            (i for i, a in enumerate(self.out) if a.kind is Kind.PHONE_CALL),
            key=lambda i: (self.out[i].due, self.out[i].rule, self.out[i].contact_id, i),
        )
        for i in order:
            action = self.out[i]
            company = _fold(action.company)
            day = action.due
            if day < self.today or not company:
                continue
            while count[(company, day)] >= CALLS_PER_COMPANY_DAY:
                day, _ = self.workday(_later(day, days=1))
            count[(company, day)] += 1
            if day == action.due:
                continue
            end = max(action.window_end or day, day)
            status = status_for(day, self.today, day if action.window_start else None,
                                end if action.window_end else None)  # fmt: skip
            why = (f"{action.why}; moved to {fmt_date(day)}: at most {CALLS_PER_COMPANY_DAY} "
                   f"calls to {action.company} a day")  # fmt: skip
            self.out[i] = replace(action, due=day, why=why, status=status or Status.UPCOMING,
                                  window_start=day if action.window_start else None,
                                  window_end=end if action.window_end else None)  # fmt: skip

    def not_wanted(self, iv: Interview) -> None:
        """R4: the thank-you goes out, but no calls about a job the user does not want;
        say so once, and how to end it (Withdrawn then starts R14)."""
        assert iv.interview_date is not None
        deadline, _ = thank_you_deadline(iv)
        self.add(
            "R4",
            Kind.WARNING,
            max(deadline, self.today),
            f"Want Job is No (interview {fmt_date(iv.interview_date)}) → no follow-up calls about "
            "this position; if you will not take it, tell them you withdraw and set Status to "
            "Withdrawn (the keep-in-touch letters follow, R14)",
            iv=iv,
        )

    def record_everyone(self, iv: Interview) -> None:
        """R2: every interviewer with name, honorific and title; nobody recorded is a gap."""
        assert iv.interview_date is not None
        deadline, _ = thank_you_deadline(iv)
        window = (iv.interview_date, deadline)
        when = fmt_date(iv.interview_date)
        people = self.people.get(iv.interview_id, [])
        if iv.terminal:
            # A decided position only needs the names of people still owed a letter.
            people = [c for c in people if self.letter_owed(iv, c)]
        elif not any(c.role == "Interviewer" for c in people):
            verb = "had" if self.held(iv) else "have"
            self.add(
                "R2",
                Kind.DATA_GAP,
                deadline,
                f"interview {when}: no interviewer recorded → add everyone you {verb} met "
                "(names and titles from their business cards) to Contacts",
                iv=iv,
                window=window,
            )
        for c in people:
            if c.role == "Interviewer":
                missing = [
                    label
                    for label, value in (
                        ("honorific", c.honorific),
                        ("last name", c.last_name),
                        ("job title", c.job_title),
                    )
                    if not value
                ]
            elif c.role in _FRONT_DESK:
                missing = [] if (c.first_name or c.last_name) else ["name"]
            else:
                continue
            if missing:
                self.add(
                    "R2",
                    Kind.DATA_GAP,
                    deadline,
                    f"interview {when}: {c.role.lower()} without {', '.join(missing)} → "
                    f"record it (business card, website, receptionist) before the "
                    f"thank-you, due {fmt_date(deadline)}",
                    iv=iv,
                    contact=c,
                    window=window,
                )

    def letter_owed(self, iv: Interview, c: Contact) -> bool:
        """Return True when a thank-you or (after a no) a keep-in-touch letter is still open."""
        if not self.logged(THANK_YOU_LOGS, iv, c):
            return True
        return (
            c.role == "Interviewer"
            and iv.status not in ACCEPTED_STATUSES
            and not self.logged(KEEP_IN_TOUCH_LOGS, iv, c)
        )

    def thank_yous(self, iv: Interview) -> None:
        """R3/R4/R5/R8: one thank-you per interviewer, a note card to the front desk."""
        assert iv.interview_date is not None
        deadline, base = thank_you_deadline(iv)
        window = (iv.interview_date, deadline)
        enclose = f"; enclose: {', '.join(iv.enclosures)}" if iv.enclosures else ""
        for c in self.people.get(iv.interview_id, []):
            if c.role not in ("Interviewer", *_FRONT_DESK):
                continue
            if self.logged(THANK_YOU_LOGS, iv, c):
                continue
            if c.role == "Interviewer" and not c.preferred_channel:
                # R5 is a question to ask at the interview, so it may be listed before it.
                self.add(
                    "R5",
                    Kind.DATA_GAP,
                    deadline,
                    f"interview {fmt_date(iv.interview_date)}: no preferred channel → ask the "
                    "receptionist whether mail, email or fax reaches this person best; "
                    "the letter goes by mail meanwhile",
                    iv=iv,
                    contact=c,
                    window=window,
                )
            if not self.held(iv):
                continue
            if c.role in _FRONT_DESK:
                self.add(
                    "R8",
                    Kind.NOTE_CARD,
                    deadline,
                    f"{base}: a handwritten note card to the {c.role.lower()}",
                    iv=iv,
                    contact=c,
                    channel="Handwritten Card",
                    window=window,
                )
                continue
            kind, channel = _CHANNEL_KIND.get(c.preferred_channel, (Kind.THANK_YOU_LETTER, "Mail"))
            if iv.want_job == "No":
                rule, why = (
                    "R4",
                    f"{base}, also without wanting the job (no claim of strong interest)",
                )
            else:
                rule, why = "R3", f"{base}, an individual one to each interviewer"
            self.add(
                rule,
                kind,
                deadline,
                why + enclose,
                iv=iv,
                contact=c,
                channel=channel,
                window=window,
            )
            if kind in (Kind.THANK_YOU_LETTER, Kind.NOTE_CARD):
                self.fastest(iv, c, deadline, window)

    def mail_arrival(self, sent: date, c: Contact, iv: Interview) -> date:
        """Return about when a letter mailed on `sent` arrives: MAIL_DAYS working days later
        at home, MAIL_DAYS_ABROAD to another country (working days of both)."""
        theirs = self.their_calendar(c, iv)
        day = sent
        for _ in range(MAIL_DAYS if theirs is None else MAIL_DAYS_ABROAD):
            day, _ = self.workday(_later(day, days=1), theirs)
        return day

    def fastest(self, iv: Interview, c: Contact, deadline: date, window: tuple[date, date]) -> None:
        """R5/R8: when the decision (or the callback) is due before a mailed thank-you could
        arrive, the thank-you also goes by email or fax, whichever is on file; with neither,
        ask for one."""
        soon = [(d, label) for d, label in ((iv.decision_expected, "decision"),
                                             (iv.callback_expected, "callback")) if d]  # fmt: skip
        if not soon:
            return
        day, label = min(soon)
        arrival = self.mail_arrival(deadline, c, iv)
        if day > arrival:
            return
        late = (f"{label} expected {fmt_date(day)}, before a mailed letter would arrive (about "
                f"{fmt_date(arrival)})")  # fmt: skip
        if c.email or c.fax:
            kind, channel = (
                (Kind.THANK_YOU_EMAIL, "Email") if c.email else (Kind.THANK_YOU_FAX, "Fax")
            )
            self.add("R8", kind, deadline,
                     f"{late} → send the thank-you by {channel.lower()} as well, the fastest "
                     "way that reaches them in time", iv=iv, contact=c, channel=channel,
                     window=window)  # fmt: skip
            return
        self.add("R5", Kind.DATA_GAP, deadline,
                 f"{late}, and no email or fax on file → ask for an email address (or a fax "
                 "number) and send the thank-you that way too", iv=iv, contact=c,
                 window=window)  # fmt: skip

    def calls(self, iv: Interview) -> list[_Planned]:
        """R12/R13: the call 48–72 h after mailing, then spaced calls until a decision.

        Return every planned call, listed or not (one further out than the horizon is
        still the "next contact" that R1 waits for).
        """
        made: list[_Planned] = []
        for c in self.people.get(iv.interview_id, []):
            if c.role != "Interviewer":
                continue
            # one person, one series of calls per application: the latest round they sat on
            # plans it, and a call logged on any of their rows or rounds counts
            seen = self.series[(iv.interview_id, c.contact_id)]
            if seen and seen[-1] != (iv, c):
                continue
            sent = self.log.entries(THANK_YOU_LOGS, iv, c)
            how = sent_how(sent) if sent else "mailed"
            both = {got for i, p in seen or [(iv, c)] for got in self.log.entries(_CALLS, i, p)}
            mine = sorted({day for day, action in both if action == CALL_LOG})
            # a call they made counts as the contact it was, never as a call too soon (R13)
            calls = sorted({day for day, _ in both})
            mailed = sent[0][0] if sent else None
            self.too_close(iv, c, mine)
            if mailed is not None and not any(day >= mailed for day in calls):
                made.append(self.first_call(iv, c, mailed, calls, how))
            elif calls:
                made.append(self.next_call(iv, c, calls[-1], incoming=calls[-1] not in mine))
        return made

    def first_call(
        self, iv: Interview, c: Contact, mailed: date, calls: list[date], how: str = "mailed"
    ) -> _Planned:
        """R12: phone 48–72 h after the thank-you was mailed (or sent), on working days."""
        theirs = self.their_calendar(c, iv)
        start, moved_start = self.workday(_later(mailed, days=2), theirs)
        end, _ = self.workday(_later(mailed, days=3), theirs)
        gap = ""
        if calls and start < _later(calls[-1], days=MIN_CALL_GAP_DAYS):
            start, _ = self.workday(_later(calls[-1], days=MIN_CALL_GAP_DAYS), theirs)
            gap = f", and at least {MIN_CALL_GAP_DAYS} days after the call on {fmt_date(calls[-1])}"
        end = max(end, start)
        span = fmt_date(start) if start == end else f"{fmt_date(start)}–{fmt_date(end)}"
        why = f"thank-you {how} {fmt_date(mailed)} → phone 48–72 h later: {span}{moved_start}{gap}"
        self.add(
            "R12",
            Kind.PHONE_CALL,
            start,
            why + self.cal_note(),
            iv=iv,
            contact=c,
            channel="Phone",
            window=(start, end),
        )
        return start, (start, end)

    def spacing(self, iv: Interview) -> tuple[int, str]:
        """Return the days between follow-up calls and how the timeline shaped them (R13)."""
        days = iv.hiring_timeline_days
        if days is None or days <= 60:
            told = f"hiring timeline {days} days → " if days is not None else ""
            return 7, f"{told}weekly calls"
        if days <= 120:
            return 14, f"hiring timeline {days} days → a call every 2 weeks"
        return 28, f"hiring timeline {days} days → a call every 4 weeks"

    def next_call(
        self, iv: Interview, c: Contact, last: date, *, incoming: bool = False
    ) -> _Planned:
        """R13: the next call, spaced from the last one, moved after a promised date near it.

        An expected callback or decision date that falls inside the next interval moves the
        call to the day after it (no calling just before they said they would answer); a
        date further out does not stop the regular calls meanwhile.
        """
        every, how = self.spacing(iv)
        regular = _later(last, days=every)
        earliest = regular
        said = "they called you" if incoming else "last call"
        why = f"{said} {fmt_date(last)} → {how} until the position is decided"
        near = [
            (day, label)
            for day, label in (
                (iv.callback_expected, "callback expected"),
                (iv.decision_expected, "decision expected"),
            )
            if day is not None and regular <= day < _later(regular, days=every)
        ]
        if near:
            day, label = min(near)
            earliest = _later(day, days=1)
            why += f"; {label} {fmt_date(day)} → call the day after it"
        due, moved = self.workday(earliest, self.their_calendar(c, iv))
        why += f": next call {fmt_date(due)}{moved}"
        self.add(
            "R13",
            Kind.PHONE_CALL,
            due,
            why + self.cal_note(),
            iv=iv,
            contact=c,
            channel="Phone",
        )
        return due, None

    def too_close(self, iv: Interview, c: Contact, calls: list[date]) -> None:
        """R13: flag when the last two logged calls to a person are less than a week apart."""
        if len(calls) < 2:
            return
        before, last = calls[-2], calls[-1]
        gap = (last - before).days
        if gap >= MIN_CALL_GAP_DAYS:
            return
        apart = "on the same day" if gap == 0 else f"{gap} day{'s' if gap != 1 else ''} apart"
        self.add(
            "R13",
            Kind.WARNING,
            self.today,
            f"calls on {fmt_date(before)} and {fmt_date(last)} were {apart} → leave at least "
            f"{MIN_CALL_GAP_DAYS} days between calls: persistent, never desperate",
            iv=iv,
            contact=c,
        )

    def timeline(self, iv: Interview, calls: list[_Planned]) -> None:
        """R1: after the interview, no decision or callback date known → ask at next contact."""
        if iv.decision_expected or iv.callback_expected or iv.hiring_timeline_days:
            return
        assert iv.interview_date is not None
        when = fmt_date(iv.interview_date)
        why = f"interview {when}: no decision or callback date recorded → ask when they "
        if calls:
            due, window = min(calls, key=lambda p: (p[0], p[1] or (p[0], p[0])))
            self.add(
                "R1",
                Kind.DATA_GAP,
                due,
                why + f"will decide, during the call on {fmt_date(due)}",
                iv=iv,
                window=window,
            )
            return
        deadline, _ = thank_you_deadline(iv)
        self.add(
            "R1",
            Kind.DATA_GAP,
            deadline,
            why + "will decide, at the next contact",
            iv=iv,
            window=(iv.interview_date, deadline),
        )

    def keep_in_touch(self, iv: Interview, settled: str) -> None:
        """R14: after a no, keep each interviewer as a contact and ask for referrals."""
        assert iv.interview_date is not None
        for c in self.people.get(iv.interview_id, []):
            if c.role != "Interviewer":
                continue
            # one letter per person per application, from the latest round they sat on
            seen = self.series[(iv.interview_id, c.contact_id)]
            if seen and seen[-1] != (iv, c):
                continue
            if any(self.logged(KEEP_IN_TOUCH_LOGS, i, p) for i, p in seen or [(iv, c)]):
                continue
            if not self.logged(THANK_YOU_LOGS, iv, c):
                # The thank-you (R4) goes first; two letters in one week would read oddly.
                continue
            self.add(
                "R14",
                Kind.KEEP_IN_TOUCH,
                self.today,
                f"{_settled_by(iv, settled)} (interview {fmt_date(iv.interview_date)}) → no more "
                "calls about this position; keep in touch and ask for referrals",
                iv=iv,
                contact=c,
                channel="Email" if c.preferred_channel == "Email" else "Mail",  # as written
            )

    def references(self) -> None:
        """R10: call each reference about the open applications they have not heard of.

        Once per application (any round told of covers its other rounds); a Reference
        Notified row without an Interview ID covers the applications whose first interview
        was by its date (their later rounds too), not the ones that come later.
        """
        refs = sorted(
            (c for c in self.contacts.values() if c.role == "Reference"),
            key=lambda c: c.contact_id,
        )
        # the open interviews, by date, once: a reference tied to one looks only at it
        open_ivs = sorted(
            (iv.interview_date, iv.interview_id)
            for iv in self.interviews.values()
            if iv.interview_date is not None and self.settled(iv) not in TERMINAL_STATUSES
        )
        open_by_id = {iid: (day, iid) for day, iid in open_ivs}
        for ref in refs:
            told_until = date.min  # the latest day a row without an Interview ID covers
            told: set[tuple[str, str]] = set()  # the applications they were told of
            for entry in self.by_contact.get(ref.contact_id, ()):
                if entry.action != REFERENCE_LOG:
                    continue
                named = self.interviews.get(entry.interview_id) if entry.interview_id else None
                if named is not None:
                    told.add(self.application[named.interview_id])
                elif not entry.interview_id:
                    told_until = max(told_until, entry.date)
            if ref.interview_id:
                one = open_by_id.get(ref.interview_id)
                candidates = [one] if one is not None else []
            else:
                candidates = open_ivs
            pending: list[tuple[date, str]] = []
            seen: set[tuple[str, str]] = set()
            for day, iid in candidates:
                key = self.application[iid]
                if key in told or key in seen or self.first_round[key] <= told_until:
                    continue
                seen.add(key)  # once per application: its earliest open round
                pending.append((day, iid))
            if not pending:
                continue
            first = self.interviews[pending[0][1]]
            assert first.interview_date is not None
            due, moved = self.workday(first.interview_date, self.their_calendar(ref, None))
            names = ", ".join(
                f"{self.interviews[iid].company or iid} ({fmt_date(day)})" for day, iid in pending
            )
            self.add(
                "R10",
                Kind.REFERENCE_CALL,
                due,
                f"interview{'s' if len(pending) > 1 else ''} at {names} → call this reference "
                f"by {fmt_date(due)}{moved} and tell them they may be contacted" + self.cal_note(),
                iv=first,
                contact=ref,
                channel="Phone",
            )

    def keep_searching(self) -> None:
        """R11: warn when no application or interview was recorded for `quiet_days`."""
        if any(iv.status in ACCEPTED_STATUSES for iv in self.interviews.values()):
            return
        days = [e.date for e in self.book.log if e.action == APPLICATION_LOG]
        days += [iv.interview_date for iv in self.interviews.values() if iv.interview_date]
        if not days:
            return
        last = max(days)
        if (self.today - last).days < self.quiet_days:
            return
        quiet_since = _later(last, days=self.quiet_days)
        self.add(
            "R11",
            Kind.WARNING,
            quiet_since,
            f"last application or interview {fmt_date(last)}, nothing new for "
            f"{(self.today - last).days} days → keep applying and interviewing while you wait",
        )

    def cal_note(self) -> str:
        return f" [{self.cal.note}]" if self.cal.note else ""


#: The thank-you kinds R3, R4 and R8 ask for within 24 hours of an interview.
_THANK_YOU_KINDS = frozenset(
    {Kind.THANK_YOU_LETTER, Kind.THANK_YOU_EMAIL, Kind.THANK_YOU_FAX, Kind.NOTE_CARD}
)


def thank_you_cadence(book: Book, actions: Iterable[Action], today: date) -> list[str]:
    """Return a line per interview of the last two days and today: are its thank-yous on
    time, late, or sent?

    The 24-hour thank-you (R3) needs a run the evening after each interview; a weekly run
    alone misses it (a Friday morning's thank-yous are late by Sunday), so every run says
    where the latest interviews stand.
    """
    pending: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if action.kind in _THANK_YOU_KINDS and action.rule in ("R3", "R4", "R8"):
            pending[action.interview_id].append(action)
    lines = []
    interviews = book.interviews_by_id
    for iid in sorted(interviews):
        iv = interviews[iid]
        if iv.interview_date is None or not held(iv, today):
            continue
        if (today - iv.interview_date).days > 2:
            continue
        deadline, _ = thank_you_deadline(iv)
        when = _fmt_when(iv.interview_date, iv.interview_time)
        left = pending.get(iid, [])
        head = f"{iv.company or iid} interview {when}: "
        if not left:
            lines.append(head + "every thank-you is sent (or logged as sent)")
        elif any(a.status is Status.OVERDUE for a in left):
            lines.append(head + f"{len(left)} thank-you(s) are late: send them today")
        else:
            lines.append(head + f"{len(left)} thank-you(s) on time if sent by {fmt_date(deadline)}")
    return lines


#: How far `today` may lie before the first interview, or after the last thing the
#: workbook records, before a run says the year may be wrong.
_EARLY_DAYS, _LATE_DAYS = 60, 365


def today_problem(book: Book, today: date) -> str | None:
    """Return why `today` looks like a mistyped year for this workbook, or None.

    Deterministic (no clock): a day long before every interview, or long after everything
    the workbook records, is what `--today 2026-01-27` meant as 2027 looks like.
    """
    days = [iv.interview_date for iv in book.interviews if iv.interview_date is not None]
    days += [e.date for e in book.log]
    if not days:
        return None
    first, last = min(days), max(days)
    if (first - today).days > _EARLY_DAYS:
        return (
            f"today is {fmt_date(today)}, {(first - today).days} days before anything the "
            f"workbook records (the first is {fmt_date(first)}), so little or nothing is due: "
            "if --today has the wrong year, run again with the right one"
        )
    if (today - last).days > _LATE_DAYS:
        return (
            f"today is {fmt_date(today)}, {(today - last).days} days after the last thing the "
            f"workbook records ({fmt_date(last)}): if --today has the wrong year, run again "
            "with the right one"
        )
    return None


def sent_how(sent: list[tuple[date, str]]) -> str:
    """Return how the first thank-you of these sorted (date, action) rows went: mailed,
    emailed or faxed (a letter mailed that day says mailed)."""
    first = {action for day, action in sent if day == sent[0][0]}
    return next((how for action, how in _SENT_HOW if action in first), "mailed")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def name_key(c: Contact, iv: Interview) -> tuple[str, ...] | None:
    """Return a row's name at its organization (the interview's company when blank), case
    and spacing aside, or None for a row without a name."""
    if not (c.first_name or c.last_name):
        return None
    return ("name", _fold(c.first_name), _fold(c.last_name), _fold(c.organization or iv.company))


def person_key(c: Contact, iv: Interview) -> tuple[str, ...]:
    """Return what makes two Contacts rows one person: the same email, else the same name
    at the same organization (name_key). A row without an email is also the person of an
    emailed row of its name in the same application (the rules engine pairs them)."""
    if c.email.strip():
        return ("email", _fold(c.email))
    return name_key(c, iv) or ("row", c.contact_id)  # nothing else to tell them by


def application_key(iv: Interview) -> tuple[str, str]:
    """Return what makes interviews rounds of one application: the Application column when
    the user filled it in, else the company and position, ignoring case and spacing."""
    if iv.application.strip():
        return ("application", _fold(iv.application))
    return (_fold(iv.company), _fold(iv.position))


def _settled_by(iv: Interview, settled: str) -> str:
    """Return how a round's application was settled, for the Why."""
    if iv.status == settled:
        return f"status {settled}"
    return f"status {settled} on a later round of this application"


def due_actions(book: Book, today: date, *, quiet_days: int = 7) -> list[Action]:
    """Return the open follow-ups on `today`, most urgent first, each listed once."""
    actions = _Engine(book, today, quiet_days).run()
    best: dict[tuple[str, str, str, str], Action] = {}
    for action in sorted(actions, key=_full_key):
        best.setdefault(action.key, action)
    return list(best.values())  # in the order of their first sighting: sorted


def _full_key(action: Action) -> tuple:
    return (*action.sort_key(), action.why, action.channel)


def next_marks(
    book: Book, actions: list[Action]
) -> tuple[dict[str, tuple[str, date, str]], dict[str, tuple[str, date, str]]]:
    """Return the most urgent open action per interview ID and per contact ID.

    Each value is (action text, due date, status) for the Next Action / Next Due /
    Follow-up Status columns; IDs without an open action are absent.
    """
    per_interview: dict[str, tuple[str, date, str]] = {}
    per_contact: dict[str, tuple[str, date, str]] = {}
    known_iv = {iv.interview_id for iv in book.interviews}
    names = {c.contact_id: c.display_name for c in sorted(book.contacts, key=lambda c: -c.row)}
    for action in sorted(actions, key=_full_key):
        label = f"{action.kind.value} ({action.rule})"
        if action.interview_id in known_iv and action.interview_id not in per_interview:
            text = label
            if action.contact_id:
                name = names.get(action.contact_id, action.contact_id)
                text = f"{action.kind.value}: {name} ({action.rule})"
            per_interview[action.interview_id] = (text, action.due, action.status.value)
        if action.contact_id in names and action.contact_id not in per_contact:
            per_contact[action.contact_id] = (label, action.due, action.status.value)
    return per_interview, per_contact
