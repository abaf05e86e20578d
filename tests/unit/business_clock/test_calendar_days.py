"""Which days and hours count: holidays, DST change days, the always clock, cadence days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from sla_rules.agreement import Clock, load_agreement
from sla_rules.business_clock import BusinessClock
from tests.paths import EXAMPLES
from tests.unit.business_clock.calendars import (
    CHRISTMAS_EVE,
    CLOCKS,
    EVERY_DAY,
    MADRID,
    MEXICO,
    NEW_YORK,
    ZONES,
    business_hours,
    local,
    utc,
)

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
