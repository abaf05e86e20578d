"""The business clock's deadlines and elapsed time at tricky instants, nights and weekends."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from sla_rules.durations import parse_duration
from tests.unit.business_clock.calendars import CLOCKS, MEXICO, ZONES, local, utc

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
