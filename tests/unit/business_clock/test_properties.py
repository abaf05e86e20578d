"""Properties of the business clock in each zone: add and elapsed agree, closed time is skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.business_clock.calendars import CLOCKS, MICROSECOND, ZONES

# --- Properties, in each zone ----------------------------------------------------------------

FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2027, 12, 31)
EDGE_TIMES = [time(0), time(2, 30), time(8, 59, 59), time(9), time(17, 59), time(18), time(23, 59)]
NUDGES = [timedelta(0), MICROSECOND, -MICROSECOND]
THREE_WEEKS = timedelta(weeks=3)
PROPERTY = settings(max_examples=200, deadline=None)


def instants(zone: ZoneInfo) -> st.SearchStrategy[datetime]:
    """Any aware instant in 2026-2027, often right at or beside an opening or closing."""
    anywhere = st.datetimes(
        min_value=datetime.combine(FIRST_DAY, time(0)),
        max_value=datetime.combine(LAST_DAY, time(23, 59, 59)),
        timezones=st.just(zone),
    )
    edges = st.builds(
        lambda day, clock_time, nudge: datetime.combine(day, clock_time, tzinfo=zone) + nudge,
        st.dates(FIRST_DAY, LAST_DAY),
        st.sampled_from(EDGE_TIMES),
        st.sampled_from(NUDGES),
    )
    return st.one_of(anywhere, edges)


def durations() -> st.SearchStrategy[timedelta]:
    """Zero to three weeks, often a whole number of minutes or hours."""
    whole = st.integers(0, int(THREE_WEEKS / timedelta(minutes=1))).map(
        lambda minutes: timedelta(minutes=minutes)
    )
    return st.one_of(st.timedeltas(timedelta(0), THREE_WEEKS), whole)


INSTANTS = {name: instants(zone) for name, zone in ZONES.items()}
DURATIONS = durations()


def in_utc(*instants: datetime) -> list[datetime]:
    # Aware datetimes sharing a ZoneInfo compare as wall times, so compare them in UTC.
    return [instant.astimezone(UTC) for instant in instants]


zone_names = pytest.mark.parametrize("name", list(CLOCKS))


@zone_names
@PROPERTY
@given(data=st.data())
def test_add_then_elapsed_gives_back_the_duration(name: str, data: st.DataObject) -> None:
    clock = CLOCKS[name]
    start = data.draw(INSTANTS[name])
    duration = data.draw(DURATIONS)
    deadline = clock.add(start, duration)
    assert deadline.tzinfo is UTC
    assert deadline >= start
    assert clock.elapsed(start, deadline) == duration
    if duration:
        # The earliest such instant, and always open or the closing instant itself.
        assert clock.elapsed(start, deadline - MICROSECOND) < duration
        assert clock.is_open(deadline - MICROSECOND)


@zone_names
@PROPERTY
@given(data=st.data())
def test_add_is_monotonic(name: str, data: st.DataObject) -> None:
    clock = CLOCKS[name]
    first, second = sorted(in_utc(data.draw(INSTANTS[name]), data.draw(INSTANTS[name])))
    shorter, longer = sorted([data.draw(DURATIONS), data.draw(DURATIONS)])
    assert clock.add(first, shorter) <= clock.add(first, longer)
    assert clock.add(first, shorter) <= clock.add(second, shorter)


@zone_names
@PROPERTY
@given(data=st.data())
def test_elapsed_never_counts_closed_time(name: str, data: st.DataObject) -> None:
    clock = CLOCKS[name]
    start, end = in_utc(data.draw(INSTANTS[name]), data.draw(INSTANTS[name]))
    elapsed = clock.elapsed(start, end)
    assert timedelta(0) <= elapsed <= max(end - start, timedelta(0))
    intervals = list(clock.open_intervals(start, end))
    assert sum((high - low for low, high in intervals), timedelta(0)) == elapsed
    for low, high in intervals:
        assert start <= low < high <= end
        assert clock.is_open(low)
        assert clock.is_open(high - MICROSECOND)
    opening = clock.next_opening(start)
    assert opening >= start
    assert clock.is_open(opening)
    assert clock.elapsed(start, opening) == timedelta(0)
    assert (opening == start) is clock.is_open(start)


@zone_names
@PROPERTY
@given(data=st.data())
def test_elapsed_is_additive(name: str, data: st.DataObject) -> None:
    clock = CLOCKS[name]
    a, b, c = sorted(in_utc(*(data.draw(INSTANTS[name]) for _ in range(3))))
    assert clock.elapsed(a, b) + clock.elapsed(b, c) == clock.elapsed(a, c)


@zone_names
@PROPERTY
@given(data=st.data())
def test_add_business_days_lands_inside_business_hours(name: str, data: st.DataObject) -> None:
    clock = CLOCKS[name]
    start = data.draw(INSTANTS[name])
    days = data.draw(st.integers(0, 15))
    result = clock.add_business_days(start, days)
    assert clock.is_open(result)
    assert result >= clock.next_opening(start)
    assert clock.add_business_days(start, days + 1) > result
    first_day = clock.next_opening(start).astimezone(ZONES[name]).date()
    last_day = result.astimezone(ZONES[name]).date()
    business_days_between = sum(
        clock.is_business_day(first_day + timedelta(days=offset))
        for offset in range(1, (last_day - first_day).days + 1)
    )
    assert business_days_between == days
