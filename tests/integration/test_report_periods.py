"""The report periods: today, yesterday, week, month and a named month, as local days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sla_rules.periods import Period, parse_period, yesterday
from tests.integration.report_stories import (
    MADRID,
    MX,
)

# --- Periods --------------------------------------------------------------------------------


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "today", "start", "end", "key"),
    [
        ("today", date(2026, 11, 25), "2026-11-25 06:00", "2026-11-26 06:00", "today"),
        ("hoy", date(2026, 11, 25), "2026-11-25 06:00", "2026-11-26 06:00", "today"),
        ("yesterday", date(2026, 11, 25), "2026-11-24 06:00", "2026-11-25 06:00", "yesterday"),
        ("Ayer", date(2027, 1, 1), "2026-12-31 06:00", "2027-01-01 06:00", "yesterday"),
        ("week", date(2026, 11, 25), "2026-11-23 06:00", "2026-11-26 06:00", "week"),
        ("semana", date(2026, 11, 29), "2026-11-23 06:00", "2026-11-30 06:00", "week"),
        ("week", date(2026, 11, 23), "2026-11-23 06:00", "2026-11-24 06:00", "week"),
        ("month", date(2026, 11, 25), "2026-11-01 06:00", "2026-11-26 06:00", "month"),
        ("", date(2026, 11, 25), "2026-11-01 06:00", "2026-11-26 06:00", "month"),
        (" MES ", date(2026, 12, 1), "2026-12-01 06:00", "2026-12-02 06:00", "month"),
        ("2026-02", date(2026, 11, 25), "2026-02-01 06:00", "2026-03-01 06:00", "2026-02"),
        ("2026-12", date(2026, 11, 25), "2026-12-01 06:00", "2027-01-01 06:00", "2026-12"),
    ],
)
def test_periods_in_mexico_city(text: str, today: date, start: str, end: str, key: str) -> None:
    assert parse_period(text, today, MX) == Period(utc(start), utc(end), key)


@pytest.mark.parametrize(
    "text",
    ["fortnight", "today please", "2026-13", "2026-00", "26-11", "2026-1", "9999-12", "0000-01"],
)
def test_anything_else_is_no_period(text: str) -> None:
    assert parse_period(text, date(2026, 11, 25), MX) is None


def test_a_week_across_daylight_saving_time_keeps_local_midnights() -> None:
    # Madrid moves from UTC+1 to UTC+2 on Sunday 29 March 2026.
    week = parse_period("week", date(2026, 3, 29), MADRID)
    assert week == Period(utc("2026-03-22 23:00"), utc("2026-03-29 22:00"), "week")
    assert (week.first_day(MADRID), week.last_day(MADRID)) == (date(2026, 3, 23), date(2026, 3, 29))


def test_yesterday_is_the_whole_day_before() -> None:
    assert yesterday(date(2026, 3, 1), MX) == Period(
        utc("2026-02-28 06:00"), utc("2026-03-01 06:00"), "yesterday"
    )
