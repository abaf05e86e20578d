"""Durations as people write them: 30s, 5m, 2h, 1d."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla_rules.durations import format_duration, parse_duration

UNITS = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1)}
UNITS["d"] = timedelta(days=1)
# How many of a unit fit before the next unit up takes over when formatting.
BELOW_NEXT_UNIT = {"s": 59, "m": 59, "h": 23, "d": 100_000}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("90m", timedelta(minutes=90)),
        (" 5 m ", timedelta(minutes=5)),
        ("\t2h\n", timedelta(hours=2)),
        ("05m", timedelta(minutes=5)),
    ],
)
def test_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "5", "m", "5x", "5 minutes", "1.5h", "-5m", "+5m", "5mm", "1h30m", "1h 30m", "5M", "٥m"],
)
def test_parse_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="must be a number and a unit, such as 30s, 5m, 2h or 1d"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["0s", "0m", "00h", "0d"])
def test_parse_refuses_zero(text: str) -> None:
    with pytest.raises(ValueError, match="greater than zero"):
        parse_duration(text)


def test_parse_refuses_absurd_lengths() -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_duration("9999999999999d")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=1), "1d"),
        (timedelta(minutes=90), "1h 30m"),
        (timedelta(days=1, hours=2, seconds=3), "1d 2h 3s"),
        (timedelta(minutes=120), "2h"),
        (timedelta(seconds=59, microseconds=999_999), "59s"),
        (timedelta(microseconds=1), "0s"),
        (timedelta(minutes=-90), "-1h 30m"),
    ],
)
def test_format(value: timedelta, expected: str) -> None:
    assert format_duration(value) == expected


@given(unit=st.sampled_from(sorted(UNITS)), data=st.data())
def test_format_then_parse_gives_back_whole_unit_durations(unit: str, data: st.DataObject) -> None:
    amount = data.draw(st.integers(min_value=1, max_value=BELOW_NEXT_UNIT[unit]))
    value = amount * UNITS[unit]
    assert parse_duration(format_duration(value)) == value


@given(amount=st.integers(min_value=1, max_value=1_000_000), unit=st.sampled_from(sorted(UNITS)))
def test_every_formatted_part_parses_and_adds_up(amount: int, unit: str) -> None:
    value = parse_duration(f"{amount}{unit}")
    assert value == amount * UNITS[unit]
    parts = format_duration(value).split()
    assert sum((parse_duration(part) for part in parts), timedelta()) == value


@given(seconds=st.integers(min_value=0, max_value=10**9))
def test_format_is_compact(seconds: int) -> None:
    parts = format_duration(timedelta(seconds=seconds)).split()
    units = [part[-1] for part in parts]
    # Largest unit first, each unit at most once.
    assert units == sorted(set(units), key="dhms".index)
