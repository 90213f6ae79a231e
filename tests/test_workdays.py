"""Working days per country: weekends and public holidays from the `holidays` package."""

from __future__ import annotations

from datetime import date

from followup_xl.workdays import calendar_for


def test_us_thanksgiving_is_not_a_working_day() -> None:
    """Thanksgiving 2026 falls on Thu 26 Nov; the next working day is Fri 27 Nov."""
    cal = calendar_for("US")
    assert not cal.is_workday(date(2026, 11, 26))
    assert cal.on_or_after(date(2026, 11, 26)) == date(2026, 11, 27)
    assert cal.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert cal.note == ""


def test_weekend_moves_to_monday() -> None:
    """Sat 28 Nov 2026 moves to Mon 30 Nov; a working day stays put."""
    cal = calendar_for("US")
    assert cal.on_or_after(date(2026, 11, 28)) == date(2026, 11, 30)
    assert cal.on_or_after(date(2026, 11, 25)) == date(2026, 11, 25)


def test_gb_christmas_and_boxing_day_observed() -> None:
    """GB 2026: Boxing Day is a Saturday, observed Mon 28 Dec; first working day Tue 29 Dec."""
    cal = calendar_for("GB")
    assert cal.on_or_after(date(2026, 12, 25)) == date(2026, 12, 29)
    assert cal.skipped(date(2026, 12, 26), date(2026, 12, 29)) == [
        "Boxing Day",
        "weekend",
        "Boxing Day (observed)",
    ]


def test_de_german_unity_day_and_new_year() -> None:
    """DE: Sat 3 Oct 2026 is a holiday on a weekend; 1 Jan 2027 is a Friday holiday."""
    cal = calendar_for("de")
    assert cal.country == "DE"
    assert cal.on_or_after(date(2026, 10, 3)) == date(2026, 10, 5)
    assert cal.on_or_after(date(2027, 1, 1)) == date(2027, 1, 4)


def test_unknown_country_skips_weekends_only_and_says_so() -> None:
    """An unknown code falls back to Sat/Sun with a note naming the code."""
    cal = calendar_for("XX")
    assert cal.is_workday(date(2026, 11, 26))
    assert not cal.is_workday(date(2026, 11, 28))
    assert "'XX'" in cal.note
    assert "only Saturdays and Sundays are skipped" in cal.note


def test_blank_country_has_a_note() -> None:
    """A blank Country says it skips only weekends."""
    cal = calendar_for("  ")
    assert "no Country" in cal.note
    assert cal.on_or_after(date(2026, 12, 25)) == date(2026, 12, 25)


def test_country_weekend_comes_from_the_library() -> None:
    """Israel's weekend is Friday and Saturday: Fri 27 Nov 2026 is not a working day."""
    cal = calendar_for("IL")
    assert not cal.is_workday(date(2026, 11, 27))
    assert cal.is_workday(date(2026, 11, 29))
