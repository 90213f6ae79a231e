"""Working days of a country (and region): weekends and public holidays, from `holidays`.

Calls and reminders land on working days; a 24-hour deadline stays a calendar deadline and
does not use this module. An unknown or blank country falls back to Saturday/Sunday
weekends with no public holidays, and says so in `WorkCalendar.note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

_SAT_SUN = frozenset({5, 6})


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days in one country; `note` explains a fallback."""

    country: str
    weekend: frozenset[int] = _SAT_SUN
    note: str = ""
    #: the state or region whose holidays count too (the library's code), or ""
    region: str = ""
    _holidays: holidays.HolidayBase | None = field(default=None, repr=False, compare=False)

    def holiday_name(self, day: date) -> str | None:
        """Return the public holiday's name on this day, or None."""
        if self._holidays is None:
            return None
        return self._holidays.get(day)

    def is_workday(self, day: date) -> bool:
        """Return True when the day is neither a weekend day nor a public holiday."""
        return day.weekday() not in self.weekend and self.holiday_name(day) is None

    def on_or_after(self, day: date) -> date:
        """Return this day when it is a working day, else the next working day."""
        # Any real calendar has a working day within a few weeks; the bound guards bad data.
        for _ in range(60):
            if self.is_workday(day) or day == date.max:
                return day
            day += timedelta(days=1)
        return day

    def skipped(self, start: date, end: date) -> list[str]:
        """Describe the non-working days from start up to (not including) end."""
        out = []
        day = start
        while day < end:
            name = self.holiday_name(day)
            if name:
                out.append(name)
            elif day.weekday() in self.weekend:
                out.append("weekend")
            day += timedelta(days=1)
        # Keep the first mention of each reason, in order.
        return list(dict.fromkeys(out))


def calendar_for(country: str, region: str = "") -> WorkCalendar:
    """Return the working-day calendar for an ISO country code such as US, GB or DE, with
    the public holidays of a state or region as well ("VIC", "Victoria", "BY", "MA") where
    the holidays library knows it; a region it does not know is ignored.

    Each call makes a new calendar (the library fills in a year's holidays when first asked):
    a run that asks for many contacts' calendars keeps those it made (rules.py)."""
    code, region = country.strip().upper(), " ".join(region.split()).casefold()
    if not code:
        return WorkCalendar(
            country="",
            note="no Country in the Profile: only Saturdays and Sundays are skipped, "
            "no public holidays",
        )
    try:
        table = holidays.country_holidays(code)
    except NotImplementedError:
        return WorkCalendar(
            country=code,
            note=f"country {code!r} is not known to the holidays library: only Saturdays "
            "and Sundays are skipped, no public holidays (use an ISO code such as US, GB, DE)",
        )
    subdiv = _subdivision(table, region)
    if subdiv:
        table = holidays.country_holidays(code, subdiv=subdiv)
    weekend = frozenset(getattr(table, "weekend", _SAT_SUN)) or _SAT_SUN
    return WorkCalendar(country=code, weekend=weekend, _holidays=table, region=subdiv)


def _subdivision(table: holidays.HolidayBase, region: str) -> str:
    """Return the holidays library's code of a typed state or region ("" when unknown)."""
    if not region:
        return ""
    codes = {str(c).casefold(): str(c) for c in getattr(table, "subdivisions", ())}
    names = getattr(table, "subdivisions_aliases", {}) or {}
    codes.update({str(n).casefold(): str(c) for n, c in names.items()})
    return codes.get(region, "")
