"""The business-hours clock on real calendars: holidays, DST switches, nights and weekends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_rules.agreement import BusinessHours, Clock, load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.durations import parse_duration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEXICO = ZoneInfo("America/Mexico_City")
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
WORKWEEK = ["mon", "tue", "wed", "thu", "fri"]
EVERY_DAY = [*WORKWEEK, "sat", "sun"]
CHRISTMAS_EVE = date(2026, 12, 24)
MICROSECOND = timedelta(microseconds=1)


def business_hours(
    country: str | None = None,
    extra: Sequence[date] = (),
    days: Sequence[str] = WORKWEEK,
    start: str = "09:00",
    end: str = "18:00",
) -> BusinessHours:
    return BusinessHours.model_validate(
        {
            "days": list(days),
            "start": start,
            "end": end,
            "holidays_country": country,
            "holidays": list(extra),
        }
    )


CLOCKS = {
    "mexico": BusinessClock(business_hours("MX", [CHRISTMAS_EVE]), MEXICO),
    "madrid": BusinessClock(business_hours("ES"), MADRID),
    "new_york": BusinessClock(business_hours("US"), NEW_YORK),
}
ZONES = {"mexico": MEXICO, "madrid": MADRID, "new_york": NEW_YORK}


def local(zone: ZoneInfo, text: str) -> datetime:
    """A wall time in the zone; gap and fold times keep fold=0, as people type them."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- The holidays data the tables rely on ----------------------------------------------------


def test_holiday_data_matches_the_tables() -> None:
    # If a holidays release moves one of these, the deadlines below move with it.
    mexico = holidays.country_holidays("MX", years=2026)
    assert date(2026, 11, 16) in mexico  # Revolution Day, observed on the third Monday
    assert date(2026, 11, 20) not in mexico  # the historical date is a working Friday
    assert date(2026, 3, 16) in mexico  # Benito Juárez's birthday (third Monday of March)
    assert date(2026, 5, 1) in mexico
    assert CHRISTMAS_EVE not in mexico  # only a day off through the agreement's extra list
    assert date(2026, 4, 3) in holidays.country_holidays("ES", years=2026)  # Good Friday
    united_states = holidays.country_holidays("US", years=2026)
    assert date(2026, 7, 3) in united_states  # Independence Day observed on the Friday
    assert date(2026, 11, 26) in united_states  # Thanksgiving


@pytest.mark.parametrize(
    ("clock", "day", "expected"),
    [
        ("mexico", date(2026, 3, 17), True),
        ("mexico", date(2026, 3, 16), False),  # public holiday
        ("mexico", date(2026, 11, 16), False),  # Revolution Day observed
        ("mexico", date(2026, 11, 20), True),
        ("mexico", CHRISTMAS_EVE, False),  # extra holiday from the agreement
        ("mexico", date(2026, 3, 21), False),  # Saturday
        ("mexico", date(2027, 11, 15), False),  # next year's holidays load too
        ("madrid", date(2026, 4, 3), False),
        ("madrid", date(2026, 4, 2), True),  # Maundy Thursday is regional, not national
        ("new_york", date(2026, 7, 3), False),
        ("new_york", date(2026, 11, 27), True),
    ],
)
def test_is_business_day(clock: str, day: date, expected: bool) -> None:
    assert CLOCKS[clock].is_business_day(day) is expected


# --- Deadlines at tricky instants ------------------------------------------------------------

DEADLINES = [
    # Mexico City: UTC-6 all year; MX public holidays plus 2026-12-24.
    ("mexico", "2026-03-10 22:00", "5m", "2026-03-11 15:05", "night: next morning 09:05"),
    ("mexico", "2026-03-11 06:30", "5m", "2026-03-11 15:05", "before opening"),
    ("mexico", "2026-03-07 10:00", "5m", "2026-03-09 15:05", "Saturday: Monday 09:05"),
    ("mexico", "2026-03-08 23:59", "5m", "2026-03-09 15:05", "Sunday night"),
    ("mexico", "2026-03-16 10:00", "5m", "2026-03-17 15:05", "public holiday"),
    ("mexico", "2026-01-01 10:00", "5m", "2026-01-02 15:05", "New Year's Day"),
    ("mexico", "2026-11-13 17:30", "2h", "2026-11-17 16:30", "Friday before Revolution Day"),
    ("mexico", "2026-12-24 10:00", "5m", "2026-12-28 15:05", "extra holiday, then Christmas"),
    ("mexico", "2026-12-23 17:58", "5m", "2026-12-28 15:03", "2 min now, 3 after the break"),
    ("mexico", "2026-03-11 17:59", "5m", "2026-03-12 15:04", "one minute before closing"),
    ("mexico", "2026-03-11 09:00", "5m", "2026-03-11 15:05", "exactly at opening"),
    ("mexico", "2026-03-11 18:00", "5m", "2026-03-12 15:05", "exactly at closing"),
    ("mexico", "2026-03-11 17:55", "5m", "2026-03-12 00:00", "time left: closing itself"),
    ("mexico", "2026-03-11 17:00", "2h", "2026-03-12 16:00", "2h over the night"),
    ("mexico", "2026-03-09 09:00", "1d", "2026-03-11 21:00", "1d = 9h + 9h + 6h"),
    ("mexico", "2026-03-13 09:00", "1d", "2026-03-18 21:00", "1d over a holiday Monday"),
    ("mexico", "2026-04-30 12:00", "1d", "2026-05-06 00:00", "1d ending at Tuesday closing"),
    # Madrid: CET (UTC+1) until 2026-03-29, CEST (UTC+2) until 2026-10-25.
    ("madrid", "2026-03-27 17:00", "2h", "2026-03-30 08:00", "Friday CET to Monday CEST"),
    ("madrid", "2026-03-27 17:59", "5m", "2026-03-30 07:04", "one minute before the switch"),
    ("madrid", "2026-03-28 23:00", "5m", "2026-03-30 07:05", "Saturday night"),
    ("madrid", "2026-03-29 02:30", "5m", "2026-03-30 07:05", "arrives in the DST gap"),
    ("madrid", "2026-10-23 17:30", "1h", "2026-10-26 08:30", "Friday CEST to Monday CET"),
    ("madrid", "2026-10-25 02:30", "5m", "2026-10-26 08:05", "arrives in the DST fold"),
    ("madrid", "2026-10-23 09:00", "1d", "2026-10-27 14:00", "1d across the switch"),
    ("madrid", "2026-04-02 17:00", "2h", "2026-04-06 08:00", "Good Friday"),
    # New York: EST (UTC-5) until 2026-03-08, EDT (UTC-4) until 2026-11-01.
    ("new_york", "2026-03-06 17:00", "2h", "2026-03-09 14:00", "Friday EST to Monday EDT"),
    ("new_york", "2026-03-06 17:59", "5m", "2026-03-09 13:04", "one minute before closing"),
    ("new_york", "2026-03-08 02:30", "5m", "2026-03-09 13:05", "arrives in the DST gap"),
    ("new_york", "2026-10-30 17:30", "1h", "2026-11-02 14:30", "Friday EDT to Monday EST"),
    ("new_york", "2026-03-06 09:00", "1d", "2026-03-10 19:00", "1d across the switch"),
    ("new_york", "2026-11-25 17:00", "2h", "2026-11-27 15:00", "Thanksgiving"),
    ("new_york", "2026-07-02 17:00", "2h", "2026-07-06 14:00", "Independence Day observed"),
]


@pytest.mark.parametrize(
    ("clock", "arrival", "within", "deadline"),
    [case[:4] for case in DEADLINES],
    ids=[f"{case[0]}: {case[4]}" for case in DEADLINES],
)
def test_deadline(clock: str, arrival: str, within: str, deadline: str) -> None:
    start = local(ZONES[clock], arrival)
    result = CLOCKS[clock].add(start, parse_duration(within))
    assert result == utc(deadline)
    assert result.tzinfo is UTC


def test_adding_nothing_returns_the_start_even_when_closed() -> None:
    saturday = local(MEXICO, "2026-03-07 10:00")
    assert CLOCKS["mexico"].add(saturday, timedelta(0)) == saturday


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CLOCKS["mexico"].add(local(MEXICO, "2026-03-11 10:00"), timedelta(seconds=-1))


def test_is_open_and_next_opening_at_the_edges() -> None:
    clock = CLOCKS["mexico"]
    assert clock.is_open(local(MEXICO, "2026-03-11 09:00"))
    assert clock.is_open(local(MEXICO, "2026-03-11 17:59:59.999999"))
    assert not clock.is_open(local(MEXICO, "2026-03-11 18:00"))
    assert not clock.is_open(local(MEXICO, "2026-03-11 08:59:59"))
    assert not clock.is_open(local(MEXICO, "2026-03-16 12:00"))  # holiday
    inside = local(MEXICO, "2026-03-11 12:34:56")
    assert clock.next_opening(inside) == inside
    assert clock.next_opening(local(MEXICO, "2026-03-13 18:00")) == utc("2026-03-17 15:00")


# --- DST change days open at local opening time ----------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "opening", "closing"),
    [
        (MADRID, "2026-03-29", "2026-03-29 07:00", "2026-03-29 16:00"),  # 09:00-18:00 CEST
        (MADRID, "2026-10-25", "2026-10-25 08:00", "2026-10-25 17:00"),  # 09:00-18:00 CET
        (NEW_YORK, "2026-03-08", "2026-03-08 13:00", "2026-03-08 22:00"),
        (NEW_YORK, "2026-11-01", "2026-11-01 14:00", "2026-11-01 23:00"),
    ],
)
def test_a_dst_change_day_keeps_local_hours(
    zone: ZoneInfo, day: str, opening: str, closing: str
) -> None:
    clock = BusinessClock(business_hours(days=EVERY_DAY), zone)
    midnight = local(zone, f"{day} 00:00")
    next_midnight = local(zone, f"{date.fromisoformat(day) + timedelta(days=1)} 00:00")
    intervals = list(clock.open_intervals(midnight, next_midnight))
    assert intervals == [(utc(opening), utc(closing))]
    assert clock.elapsed(midnight, next_midnight) == timedelta(hours=9)


def test_hours_inside_a_gap_or_fold_resolve_to_real_instants() -> None:
    # 02:30 does not exist on 2026-03-29 in Madrid and happens twice on 2026-10-25; fold=0
    # reads it with the offset in force before the switch.
    clock = BusinessClock(business_hours(days=EVERY_DAY, start="02:30", end="04:00"), MADRID)
    spring = list(clock.open_intervals(utc("2026-03-28 23:00"), utc("2026-03-29 23:00")))
    assert spring == [(utc("2026-03-29 01:30"), utc("2026-03-29 02:00"))]
    autumn = list(clock.open_intervals(utc("2026-10-24 23:00"), utc("2026-10-25 23:00")))
    assert autumn == [(utc("2026-10-25 00:30"), utc("2026-10-25 03:00"))]


def test_hours_lost_entirely_in_a_gap_leave_the_day_closed() -> None:
    clock = BusinessClock(business_hours(days=EVERY_DAY, start="02:00", end="03:00"), MADRID)
    assert clock.elapsed(utc("2026-03-28 23:00"), utc("2026-03-29 23:00")) == timedelta(0)
    assert clock.next_opening(utc("2026-03-29 00:30")) == utc("2026-03-30 00:00")


# --- Elapsed business time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "start", "end", "expected"),
    [
        ("mexico", "2026-03-06 17:00", "2026-03-09 10:00", timedelta(hours=2)),  # weekend
        ("mexico", "2026-03-13 17:00", "2026-03-17 10:00", timedelta(hours=2)),  # holiday
        ("mexico", "2026-12-23 17:00", "2026-12-28 09:30", timedelta(hours=1, minutes=30)),
        ("mexico", "2026-03-01 00:00", "2026-04-01 00:00", timedelta(hours=21 * 9)),  # March
        ("mexico", "2026-03-07 00:00", "2026-03-09 00:00", timedelta(0)),  # a whole weekend
        ("mexico", "2026-03-11 18:00", "2026-03-12 09:00", timedelta(0)),  # a whole night
        ("madrid", "2026-03-27 17:00", "2026-03-30 10:00", timedelta(hours=2)),
        ("madrid", "2026-03-27 09:00", "2026-03-30 18:00", timedelta(hours=18)),
        ("new_york", "2026-10-30 17:00", "2026-11-02 10:00", timedelta(hours=2)),
        ("mexico", "2026-03-12 10:00", "2026-03-11 10:00", timedelta(0)),  # end before start
    ],
)
def test_elapsed(clock: str, start: str, end: str, expected: timedelta) -> None:
    zone = ZONES[clock]
    assert CLOCKS[clock].elapsed(local(zone, start), local(zone, end)) == expected


def test_open_intervals_are_clipped_and_skip_closed_days() -> None:
    clock = CLOCKS["mexico"]
    intervals = list(
        clock.open_intervals(local(MEXICO, "2026-03-13 12:00"), local(MEXICO, "2026-03-17 10:00"))
    )
    assert intervals == [
        (utc("2026-03-13 18:00"), utc("2026-03-14 00:00")),
        (utc("2026-03-17 15:00"), utc("2026-03-17 16:00")),
    ]


# --- The "always" clock ----------------------------------------------------------------------


def test_always_mode_counts_every_second() -> None:
    clock = BusinessClock(business_hours("ES"), MADRID, mode="always")
    saturday = local(MADRID, "2026-03-28 12:00")  # the night before the clocks go forward
    assert clock.is_open(saturday)
    assert clock.next_opening(saturday) == utc("2026-03-28 11:00")
    assert clock.add(saturday, timedelta(hours=24)) == utc("2026-03-29 11:00")  # 13:00 CEST
    sunday = local(MADRID, "2026-03-29 12:00")
    assert clock.elapsed(saturday, sunday) == timedelta(hours=23)
    assert clock.elapsed(sunday, saturday) == timedelta(0)
    assert list(clock.open_intervals(saturday, sunday)) == [
        (utc("2026-03-28 11:00"), utc("2026-03-29 10:00"))
    ]


def test_always_mode_keeps_the_business_calendar_for_cadence_days() -> None:
    clock = BusinessClock(business_hours("MX"), MEXICO, mode="always")
    assert not clock.is_business_day(date(2026, 3, 16))
    friday_night = local(MEXICO, "2026-03-13 20:00")
    assert clock.add_business_days(friday_night, 1) == utc("2026-03-18 15:00")


def test_from_agreement_uses_the_response_clock() -> None:
    agreement = load_agreement(EXAMPLES / "agreement.en.yaml")
    clock = BusinessClock.from_agreement(agreement)
    assert clock.mode == "business_hours"
    assert not clock.is_business_day(CHRISTMAS_EVE)
    assert clock.add(local(MEXICO, "2026-03-11 17:59"), agreement.response.first_touch_within) == (
        utc("2026-03-12 15:04")
    )
    always = agreement.model_copy(
        update={"response": agreement.response.model_copy(update={"clock": "always"})}
    )
    assert BusinessClock.from_agreement(always).mode == "always"


# --- Business days for the cadence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "start", "days", "expected"),
    [
        ("mexico", "2026-03-06 17:00", 1, "2026-03-09 23:00"),  # Fri 17:00 -> Mon 17:00
        ("mexico", "2026-03-06 20:00", 0, "2026-03-09 15:00"),  # Fri 20:00 -> Mon 09:00
        ("mexico", "2026-03-06 20:00", 1, "2026-03-10 15:00"),  # Fri 20:00 -> Tue 09:00
        ("mexico", "2026-03-07 11:00", 1, "2026-03-10 15:00"),  # Saturday counts as Monday
        ("mexico", "2026-03-13 17:00", 1, "2026-03-17 23:00"),  # over the holiday Monday
        ("mexico", "2026-03-11 07:00", 2, "2026-03-13 15:00"),  # before opening -> opening
        ("mexico", "2026-03-11 18:00", 0, "2026-03-12 15:00"),  # at closing -> next opening
        ("mexico", "2026-03-11 12:34", 0, "2026-03-11 18:34"),  # open: the instant itself
        ("mexico", "2026-11-09 10:00", 10, "2026-11-24 16:00"),  # over Revolution Day
        ("new_york", "2026-03-06 17:00", 1, "2026-03-09 21:00"),  # 17:00 EST -> 17:00 EDT
        ("madrid", "2026-10-23 12:00", 1, "2026-10-26 11:00"),  # 12:00 CEST -> 12:00 CET
    ],
)
def test_add_business_days(clock: str, start: str, days: int, expected: str) -> None:
    assert CLOCKS[clock].add_business_days(local(ZONES[clock], start), days) == utc(expected)


def test_negative_business_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CLOCKS["mexico"].add_business_days(local(MEXICO, "2026-03-11 10:00"), -1)


# --- Refusals --------------------------------------------------------------------------------

NAIVE = datetime(2026, 3, 11, 10, 0)  # noqa: DTZ001 - deliberately naive
AWARE = local(MEXICO, "2026-03-11 10:00")
NAIVE_CALLS: dict[str, Callable[[BusinessClock], object]] = {
    "is_open": lambda clock: clock.is_open(NAIVE),
    "next_opening": lambda clock: clock.next_opening(NAIVE),
    "add": lambda clock: clock.add(NAIVE, timedelta(minutes=5)),
    "add zero": lambda clock: clock.add(NAIVE, timedelta(0)),
    "elapsed start": lambda clock: clock.elapsed(NAIVE, AWARE),
    "elapsed end": lambda clock: clock.elapsed(AWARE, NAIVE),
    "open_intervals": lambda clock: clock.open_intervals(AWARE, NAIVE),
    "add_business_days": lambda clock: clock.add_business_days(NAIVE, 1),
}


@pytest.mark.parametrize("mode", ["business_hours", "always"])
@pytest.mark.parametrize("call", NAIVE_CALLS.values(), ids=NAIVE_CALLS.keys())
def test_naive_datetimes_are_refused(call: Callable[[BusinessClock], object], mode: Clock) -> None:
    clock = BusinessClock(business_hours("MX"), MEXICO, mode=mode)
    with pytest.raises(ValueError, match="timezone-aware"):
        call(clock)


def test_unknown_mode_and_country_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        BusinessClock(business_hours(), MEXICO, mode="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="XX"):
        BusinessClock(business_hours("XX"), MEXICO)


def test_a_calendar_that_never_opens_is_refused_rather_than_looping() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(5 * 53)]
    clock = BusinessClock(business_hours(extra=mondays, days=["mon"]), MEXICO)
    start = local(MEXICO, "2026-01-01 10:00")
    with pytest.raises(ValueError, match="never open"):
        clock.next_opening(start)
    with pytest.raises(ValueError, match="never open"):
        clock.add(start, timedelta(minutes=5))
    with pytest.raises(ValueError, match="never open"):
        clock.add_business_days(start, 1)
    # A bounded question still has an answer.
    assert clock.elapsed(start, start + timedelta(weeks=2)) == timedelta(0)


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
