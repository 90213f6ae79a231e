"""One answer to "is this done?" from the Log, shared by the rules, the Due sheet and letters.

A Log row counts from the interview day on; a blank Contact ID means everyone at that
interview, a blank Interview ID means any interview of that person. A row dated before the
interview (a slip, or an earlier round) does not make the interview's follow-up done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from .model import Action, Contact, Interview, Kind, LogEntry

THANK_YOU_LOGS = frozenset(
    {"Thank-You Letter Mailed", "Thank-You Email Sent", "Thank-You Fax Sent", "Note Card Mailed"}
)
KEEP_IN_TOUCH_LOGS = frozenset({"Keep-In-Touch Sent", "Referral Requested"})
#: The Log actions that make a letter of each kind done.
DONE_BY = {
    Kind.THANK_YOU_LETTER: THANK_YOU_LOGS,
    Kind.THANK_YOU_EMAIL: THANK_YOU_LOGS,
    Kind.THANK_YOU_FAX: THANK_YOU_LOGS,
    Kind.NOTE_CARD: THANK_YOU_LOGS,
    Kind.KEEP_IN_TOUCH: KEEP_IN_TOUCH_LOGS,
}


class LogIndex:
    """The Log rows by contact and, for rows without a contact, by interview."""

    def __init__(self, log: Iterable[LogEntry]) -> None:
        self.by_contact: dict[str, list[LogEntry]] = defaultdict(list)
        self.by_interview: dict[str, list[LogEntry]] = defaultdict(list)
        for entry in log:
            if entry.contact_id:
                self.by_contact[entry.contact_id].append(entry)
            elif entry.interview_id:
                self.by_interview[entry.interview_id].append(entry)

    def entries(
        self, actions: Collection[str], iv: Interview, contact: Contact
    ) -> list[tuple[date, str]]:
        """Return the (date, action) of Log rows of these actions for this person and
        interview, sorted."""
        since = iv.interview_date or date.min
        iid = iv.interview_id
        # a LogEntry is a named tuple: unpacked, its fields cost no attribute lookups
        found = [
            (day, action)
            for _, day, action, interview_id, _, _ in self.by_contact.get(contact.contact_id, ())
            if action in actions and day >= since and interview_id in ("", iid)
        ]
        found += [(day, action) for _, day, action, _, _, _ in self.by_interview.get(iid, ())
                  if action in actions and day >= since]  # fmt: skip
        found.sort()
        return found

    def logged(self, actions: Collection[str], iv: Interview, contact: Contact) -> list[date]:
        """Return sorted dates of Log rows of these actions for this person and interview."""
        return [day for day, _ in self.entries(actions, iv, contact)]


def done_for(action: Action, contact: Contact, iv: Interview | None, index: LogIndex) -> bool:
    """Return True when the Log records this action as done for this contact and interview."""
    wanted = DONE_BY.get(action.kind)
    if wanted is None:
        return False
    if iv is None:
        iv = Interview(row=0, interview_id=action.interview_id, company="")
    return bool(index.logged(wanted, iv, contact))
