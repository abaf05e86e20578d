"""The standup's span and pace on random business calendars: no lead or hour is lost or doubled."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from pytest import approx

from sla_rules.periods import since_last_business_day
from sla_rules.progress import progress
from tests.unit.business_clock.calendars import MADRID, MEXICO

DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


class Calendar:
    """Business days given as a set of weekdays and a set of holidays."""

    def __init__(self, weekdays: frozenset[int], holidays: frozenset[date]) -> None:
        self.weekdays = weekdays
        self.holidays = holidays

    def is_business_day(self, day: date) -> bool:
        """Whether the day is open."""
        return day.weekday() in self.weekdays and day not in self.holidays


CALENDARS = st.builds(
    Calendar,
    st.frozensets(st.integers(0, 6), min_size=1),
    st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=30),
)


@given(today=DAYS, calendar=CALENDARS, zone=st.sampled_from((MEXICO, MADRID)))
def test_the_span_starts_on_the_last_business_day_and_ends_today(today, calendar, zone) -> None:
    span = since_last_business_day(today, zone, calendar)
    first = span.first_day(zone)
    assert span.last_day(zone) == today - timedelta(days=1)
    assert calendar.is_business_day(first)
    # Every day between it and today is a day off: their leads belong to this span.
    day = first + timedelta(days=1)
    while day < today:
        assert not calendar.is_business_day(day)
        day += timedelta(days=1)


@given(today=DAYS, calendar=CALENDARS, zone=st.sampled_from((MEXICO, MADRID)))
def test_consecutive_standups_tile_time(today, calendar, zone) -> None:
    # The standup of the next business day starts where this one's span ended: today.
    if not calendar.is_business_day(today):
        return
    following = today + timedelta(days=1)
    while not calendar.is_business_day(following):
        following += timedelta(days=1)
    assert since_last_business_day(following, zone, calendar).start == (
        since_last_business_day(today, zone, calendar).end
    )


@given(
    today=DAYS,
    calendar=CALENDARS,
    done=st.fractions(min_value=0, max_value=1),
    target=st.integers(1, 10_000),
)
def test_the_pace_moves_with_the_hours_of_today(today, calendar, done, target) -> None:
    start = progress("visits", target, 0, today, calendar, Fraction(0))
    now = progress("visits", target, 0, today, calendar, done)
    end = progress("visits", target, 0, today, calendar, Fraction(1))
    assert start.expected <= now.expected <= end.expected
    month_days = end.business_days_in_month
    if calendar.is_business_day(today):
        # A whole business day apart from start to end; today left while its hours last.
        assert end.expected - start.expected == approx(target / month_days if month_days else 0)
        assert start.business_days_left == end.business_days_left + 1
    else:
        assert start == end
