"""Time zones of the user and of the people they call: the hour a call lands in both days.

A call is planned for a day (rules.py); this module picks its hour. The callee's zone comes
from their country and state or region (the company's when they have no address of their
own), the user's from the Profile. The hour is one of the callee's working hours that falls
in the user's waking hours and two hours or more from an interview of the user's that day;
when no hour is both (Tokyo calling Boston), the working hour nearest the user's waking
hours is taken and the note says so. Without a zone for the user the hour is 10:00 floating
local time, as a calendar shows it wherever it is opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib.resources import files

from .localize import country_code
from .model import Book, Contact, Interview, contact_country, contact_region

#: The callee's working hours a call may take, most suitable first.
WORK_HOURS = (time(10), time(11), time(14), time(15), time(16), time(9), time(17))
#: The user's waking hours: a call is planned between these, where it can be.
WAKING = (time(8), time(21))
#: A call is not planned closer than this to the start of one of the user's interviews.
CLEAR_OF_INTERVIEW = timedelta(hours=2)

#: The zone of each state or region in countries that span several (the holidays library's
#: codes, as the Profile and Contacts type them).
_REGION_ZONES: dict[str, dict[str, str]] = {
    country: {region: zone for zone, regions in table for region in regions.split()}
    for country, table in {
        "US": (
            ("America/New_York",
             "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV"),
            ("America/Chicago", "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI"),
            ("America/Denver", "CO MT NM UT WY ID"),
            ("America/Phoenix", "AZ"),
            ("America/Los_Angeles", "CA NV OR WA"),
            ("America/Anchorage", "AK"),
            ("Pacific/Honolulu", "HI"),
            ("America/Puerto_Rico", "PR"),
        ),
        "CA": (
            ("America/Toronto", "ON QC"), ("America/St_Johns", "NL"),
            ("America/Halifax", "NS NB PE"), ("America/Winnipeg", "MB"),
            ("America/Regina", "SK"), ("America/Edmonton", "AB"),
            ("America/Vancouver", "BC"), ("America/Whitehorse", "YT"),
            ("America/Yellowknife", "NT"), ("America/Iqaluit", "NU"),
        ),
        "AU": (
            ("Australia/Sydney", "NSW ACT"), ("Australia/Melbourne", "VIC"),
            ("Australia/Brisbane", "QLD"), ("Australia/Adelaide", "SA"),
            ("Australia/Perth", "WA"), ("Australia/Hobart", "TAS"), ("Australia/Darwin", "NT"),
        ),
    }.items()
}  # fmt: skip
#: The zone of a country of several zones when no state or region says which, where the
#: data's first zone for it is not where most of its people live.
_MAIN_ZONE = {
    "US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "MX": "America/Mexico_City", "RU": "Europe/Moscow",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "AR": "America/Argentina/Buenos_Aires",
    "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "DE": "Europe/Berlin", "NZ": "Pacific/Auckland",
    "CL": "America/Santiago", "EC": "America/Guayaquil", "CN": "Asia/Shanghai",
    "MY": "Asia/Kuala_Lumpur", "UA": "Europe/Kyiv", "MN": "Asia/Ulaanbaatar",
    "CD": "Africa/Kinshasa",
}  # fmt: skip


@dataclass(frozen=True)
class CallTime:
    """When a call lands: for the user and for the callee (wall-clock times), and as one
    instant (None when the user's zone is unknown: the time is then floating)."""

    mine: datetime
    theirs: datetime
    instant: datetime | None = None
    #: the callee's zone when it is not the user's ("America/New_York"), else ""
    their_zone: str = ""
    #: why the hour is not a comfortable one, or ""
    note: str = ""


def zone_for(country: str, region: str = "") -> str:
    """Return the IANA zone of a country (and state or region), or "" when unknown."""
    code = country_code(country) if country.strip() else ""
    if not code:
        return ""
    region_code = _region_code(code, region)
    by_region = _REGION_ZONES.get(code, {})
    if region_code in by_region:
        return by_region[region_code]
    zones = _COUNTRY_ZONES.get(code, ())
    return _MAIN_ZONE.get(code) or (zones[0] if zones else "")


def _region_code(code: str, region: str) -> str:
    """Return the holidays library's code of a typed state or region, or "" (workdays.py
    reads regions the same way)."""
    from .workdays import calendar_for

    return calendar_for(code, region).region if region.strip() else ""


def _read_zone_tab() -> dict[str, tuple[str, ...]]:
    """Return {ISO code: its zones, in the data's order} from the IANA data's zone.tab."""
    text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, _, zone = line.split("\t")[:3]
        out.setdefault(code, []).append(zone)
    return {code: tuple(zones) for code, zones in out.items()}


#: The zones of each country, read once when the module is imported: a constant of the install.
_COUNTRY_ZONES = _read_zone_tab()


class CallPlanner:
    """When the calls of one call sheet or calendar land: the user's zone and interviews are
    looked up once, and each callee's zone and each day's hour in a zone worked out once
    (thousands of calls share a few zones and days)."""

    def __init__(self, book: Book) -> None:
        self.book = book
        #: the user's zone, from the Profile's country and state
        self.mine = zone_for(book.profile.country, book.profile.state)
        self.busy = busy_hours(book.interviews)  # so no call lands on an interview
        self.zones: dict[tuple[str, str], str] = {}
        self.moments: dict[tuple[date, str], CallTime] = {}

    def zone(self, country: str, region: str) -> str:
        """Return zone_for(country, region), worked out once per planner."""
        key = (country, region)
        if key not in self.zones:
            self.zones[key] = zone_for(country, region)
        return self.zones[key]

    def their_zone(self, contact: Contact | None, interview: Interview | None) -> str:
        """Return the callee's zone: their country and region, else the company's, else the
        user's country (a contact with no country is where the user is)."""
        if contact is None:
            return self.mine
        country, region = contact_country(contact, interview), contact_region(contact, interview)
        if not country:
            return self.zone(self.book.profile.country, region) or self.mine
        return self.zone(country, region)

    def moment(self, day: date, contact: Contact | None, interview: Interview | None) -> CallTime:
        """Return when a call to this contact planned for `day` lands (call_moment)."""
        key = (day, self.their_zone(contact, interview))
        if key not in self.moments:
            self.moments[key] = call_moment(day, self.mine, key[1], self.busy)
        return self.moments[key]


def busy_hours(interviews: Iterable[Interview]) -> dict[date, list[time]]:
    """Return the start times of the user's interviews by day (in the user's own time)."""
    busy: dict[date, list[time]] = {}
    for iv in interviews:
        if iv.interview_date is not None and iv.interview_time is not None:
            busy.setdefault(iv.interview_date, []).append(iv.interview_time)
    return busy


def call_moment(day: date, mine: str, theirs: str, busy: dict[date, list[time]]) -> CallTime:
    """Return when a call planned for `day` (the callee's date) lands, for both."""
    from zoneinfo import ZoneInfo

    if not mine:  # no zone for the user: floating time, clear of the day's interviews
        at = next((h for h in WORK_HOURS if _clear(datetime.combine(day, h), busy)), WORK_HOURS[0])
        moment = datetime.combine(day, at)
        return CallTime(mine=moment, theirs=moment)
    theirs = theirs or mine
    my_tz, their_tz = ZoneInfo(mine), ZoneInfo(theirs)
    options = []
    for hour in WORK_HOURS:
        start = datetime.combine(day, hour, tzinfo=their_tz)
        local = start.astimezone(my_tz).replace(tzinfo=None)
        if not _clear(local, busy):
            continue
        if WAKING[0] <= local.time() <= WAKING[1]:
            return _moment(start, local, mine, theirs)
        options.append((_outside(local.time()), start, local))
    if not options:
        start = datetime.combine(day, WORK_HOURS[0], tzinfo=their_tz)
        return _moment(start, start.astimezone(my_tz).replace(tzinfo=None), mine, theirs)
    _, start, local = min(options, key=lambda o: o[0])
    note = (
        f"no hour of their working day falls in your waking hours "
        f"({WAKING[0]:%H:%M}-{WAKING[1]:%H:%M}): this is the nearest"
    )
    return _moment(start, local, mine, theirs, note)


def _moment(start: datetime, local: datetime, mine: str, theirs: str, note: str = "") -> CallTime:
    """Return the CallTime of an instant given in the callee's zone."""
    from datetime import timezone

    return CallTime(
        mine=local,
        theirs=start.replace(tzinfo=None),
        instant=start.astimezone(timezone.utc),
        their_zone=theirs if theirs != mine else "",
        note=note,
    )


def _clear(local: datetime, busy: dict[date, list[time]]) -> bool:
    """Return True when a moment of the user's is two hours or more from their interviews."""
    return all(
        abs(local - datetime.combine(local.date(), t)) >= CLEAR_OF_INTERVIEW
        for t in busy.get(local.date(), ())
    )


def _outside(at: time) -> float:
    """Return how many hours a time of day lies outside the waking hours (0 inside)."""
    minutes = at.hour * 60 + at.minute
    first = WAKING[0].hour * 60 + WAKING[0].minute
    last = WAKING[1].hour * 60 + WAKING[1].minute
    return max(first - minutes, minutes - last, 0) / 60


def place_name(zone: str) -> str:
    """Return the place a zone is named after: "America/New_York" -> "New York"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")
