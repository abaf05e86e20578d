"""Goal progress on the example agreement's calendar, what is still needed, and milestones."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla_rules.agreement import load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.progress import (
    Need,
    business_days,
    crossed_milestones,
    milestone_to_announce,
    month_bounds,
    needed,
    pace_band,
    pace_line,
    progress,
    reached_milestones,
)
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
# Mexico City, Mon–Fri, MX public holidays plus 2026-12-24.
CLOCK = BusinessClock.from_agreement(AGREEMENT)
FUNNEL = AGREEMENT.funnel.model_dump(exclude={"currency"})

# November 2026 starts on a Sunday. Weekdays: 2–6, 9–13, 16–20, 23–27 and 30 = 21;
# minus Monday 16 (Revolution Day) = 20 business days.
NOVEMBER_BUSINESS_DAYS = 20
# Up to Friday 27: 5 + 5 + 4 + 5 = 19 business days; only Monday 30 is left after it.
FRIDAY_27 = date(2026, 11, 27)
ELAPSED_BY_27 = 19
# December 2026 starts on a Tuesday. Weekdays: 1–4, 7–11, 14–18, 21–25, 28–31 = 23;
# minus Thursday 24 (the agreement's extra day off) and Friday 25 (Christmas) = 21.
DECEMBER_BUSINESS_DAYS = 21
# January 2027: weekdays 1, 4–8, 11–15, 18–22, 25–29 = 21; minus Friday 1 (New Year) = 20.
# The 30th and 31st are a weekend, so Friday 29 is the last business day.
JANUARY_BUSINESS_DAYS = 20

business_dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


class ClosedCalendar:
    """A calendar on which no day is a working day."""

    def is_business_day(self, day: date) -> bool:
        return False


# --- Calendar -------------------------------------------------------------------------------


def test_month_bounds() -> None:
    assert month_bounds(date(2026, 11, 27)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert month_bounds(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_business_days_of_the_example_months() -> None:
    assert business_days(CLOCK, *month_bounds(date(2026, 11, 1))) == NOVEMBER_BUSINESS_DAYS
    assert business_days(CLOCK, *month_bounds(date(2026, 12, 1))) == DECEMBER_BUSINESS_DAYS
    assert business_days(CLOCK, *month_bounds(date(2027, 1, 1))) == JANUARY_BUSINESS_DAYS
    assert business_days(CLOCK, date(2026, 11, 1), FRIDAY_27) == ELAPSED_BY_27


def test_business_days_is_inclusive_and_empty_when_reversed() -> None:
    assert business_days(CLOCK, FRIDAY_27, FRIDAY_27) == 1
    assert business_days(CLOCK, date(2026, 11, 16), date(2026, 11, 16)) == 0  # holiday
    assert business_days(CLOCK, date(2026, 11, 28), date(2026, 11, 29)) == 0  # weekend
    assert business_days(CLOCK, FRIDAY_27, date(2026, 11, 26)) == 0


# --- Progress -------------------------------------------------------------------------------


def test_progress_on_friday_27_november() -> None:
    result = progress("visits", 2500, 1900, FRIDAY_27, CLOCK)
    assert result.metric == "visits"
    assert result.target == 2500
    assert result.actual == 1900
    assert result.expected == 2375.0  # 2500 * 19 / 20
    assert result.pace == 80.0  # 1900 / 2375
    assert result.band == "at_risk"
    assert result.forecast == 2000.0  # 1900 / 19 * 20
    assert result.remaining == 600.0
    assert result.business_days_left == 1  # Monday 30
    assert result.needed_per_day == 600.0
    assert result.percent_of_target == 76.0
    assert result.business_days_elapsed == ELAPSED_BY_27
    assert result.business_days_in_month == NOVEMBER_BUSINESS_DAYS


def test_a_weekend_day_counts_as_far_as_the_friday_before() -> None:
    saturday = progress("visits", 2500, 1900, date(2026, 11, 28), CLOCK)
    friday = progress("visits", 2500, 1900, FRIDAY_27, CLOCK)
    assert saturday.expected == friday.expected
    assert saturday.pace == friday.pace
    assert saturday.business_days_left == 1


@pytest.mark.parametrize(
    ("actual", "pace", "band"),
    [
        (2351.25, 99.0, "on_track"),  # 2375 * 0.99, exactly
        (2351.0125, 98.99, "behind"),
        (1923.75, 81.0, "behind"),  # 2375 * 0.81, exactly
        (1923.5125, 80.99, "at_risk"),
    ],
)
def test_bands_at_their_borders(actual: float, pace: float, band: str) -> None:
    result = progress("visits", 2500, actual, FRIDAY_27, CLOCK)
    assert result.pace == pytest.approx(pace, abs=1e-9)
    assert result.band == band


@pytest.mark.parametrize(
    ("pace", "band"),
    [
        (None, "on_track"),
        (150.0, "on_track"),
        (99.0, "on_track"),
        (98.99, "behind"),
        (81.0, "behind"),
        (80.99, "at_risk"),
        (0.0, "at_risk"),
    ],
)
def test_pace_band(pace: float | None, band: str) -> None:
    assert pace_band(pace) == band


@settings(max_examples=150, deadline=None)
@given(today=business_dates, target=st.integers(min_value=1, max_value=10**7))
def test_actual_equal_to_expected_is_exactly_on_pace(today: date, target: int) -> None:
    assume(CLOCK.is_business_day(today))
    expected = progress("visits", target, 0, today, CLOCK).expected
    result = progress("visits", target, expected, today, CLOCK)
    assert result.pace is not None
    assert abs(result.pace - 100) < 1e-9
    assert result.band == "on_track"


def test_before_the_first_business_day_there_is_no_pace() -> None:
    sunday_first = date(2026, 11, 1)
    result = progress("visits", 2500, 40, sunday_first, CLOCK)
    assert result.expected == 0
    assert result.pace is None
    assert result.band == "on_track"
    assert result.forecast == 40  # no business day to extrapolate from
    assert result.business_days_left == NOVEMBER_BUSINESS_DAYS
    assert result.needed_per_day == 2460 / 20


def test_a_month_without_business_days_expects_nothing() -> None:
    result = progress("visits", 100, 10, date(2026, 11, 15), ClosedCalendar())
    assert (result.expected, result.pace, result.band) == (0, None, "on_track")
    assert result.business_days_left == 0
    assert result.needed_per_day is None


def test_last_day_of_the_month() -> None:
    result = progress("visits", 2500, 2400, date(2026, 11, 30), CLOCK)
    assert result.expected == 2500
    assert result.pace == 96.0
    assert result.band == "behind"
    assert result.forecast == 2400
    assert result.remaining == 100
    assert result.business_days_left == 0
    assert result.needed_per_day is None


def test_target_already_met() -> None:
    result = progress("visits", 2500, 2600, date(2026, 11, 20), CLOCK)
    assert result.remaining == 0
    assert result.needed_per_day == 0
    assert result.percent_of_target == 104.0
    assert result.band == "on_track"
    # Met on the last day too: nothing more is needed, rather than "no days left".
    assert progress("visits", 2500, 2500, date(2026, 11, 30), CLOCK).needed_per_day == 0


def test_progress_refuses_impossible_inputs() -> None:
    with pytest.raises(ValueError, match="target"):
        progress("visits", 0, 10, FRIDAY_27, CLOCK)
    with pytest.raises(ValueError, match="actual"):
        progress("visits", 2500, -1, FRIDAY_27, CLOCK)
    with pytest.raises(ValueError, match="actual"):
        progress("visits", 2500, math.nan, FRIDAY_27, CLOCK)


# --- Pace line ------------------------------------------------------------------------------


def test_pace_line_for_november() -> None:
    line = dict(pace_line(2500, CLOCK, *month_bounds(date(2026, 11, 1))))
    assert len(line) == 30
    assert line[date(2026, 11, 1)] == 0  # Sunday
    assert line[date(2026, 11, 2)] == 125  # 2500 / 20 per business day
    assert line[date(2026, 11, 6)] == line[date(2026, 11, 7)] == line[date(2026, 11, 8)] == 625
    assert line[date(2026, 11, 13)] == line[date(2026, 11, 16)] == 1250  # Revolution Day
    assert line[FRIDAY_27] == 2375
    assert line[date(2026, 11, 30)] == 2500


def test_pace_line_flat_over_christmas_and_at_target_before_a_closing_weekend() -> None:
    december = dict(pace_line(210, CLOCK, *month_bounds(date(2026, 12, 1))))
    # 10 a business day: 23 Dec is the 17th business day; 24, 25 and the weekend add nothing.
    christmas = [december[date(2026, 12, day)] for day in range(23, 28)]
    assert christmas == [170] * 5
    assert december[date(2026, 12, 31)] == 210
    january = dict(pace_line(20, CLOCK, *month_bounds(date(2027, 1, 1))))
    assert january[date(2027, 1, 1)] == 0  # New Year's Day
    assert january[date(2027, 1, 29)] == january[date(2027, 1, 31)] == 20


@settings(max_examples=40, deadline=None)
@given(day=business_dates, target=st.integers(min_value=1, max_value=10**6))
def test_pace_line_climbs_on_business_days_only_and_matches_progress(
    day: date, target: int
) -> None:
    first, last = month_bounds(day)
    line = pace_line(target, CLOCK, first, last)
    assert [when for when, _ in line] == [first + timedelta(days=n) for n in range(last.day)]
    for (_, before), (when, value) in itertools.pairwise(line):
        assert value >= before
        assert (value > before) == CLOCK.is_business_day(when)
    last_open = max(when for when, _ in line if CLOCK.is_business_day(when))
    assert all(value == target for when, value in line if when >= last_open)
    assert dict(line)[day] == progress("visits", target, 0, day, CLOCK).expected


# --- Milestones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "actual", "crossed"),
    [
        (40, 60, [50]),
        (40, 120, [50, 100]),
        (60, 70, []),
        (0, 50, [50]),
        (100, 100, []),
        (120, 40, []),  # a count corrected down announces nothing
    ],
)
def test_crossed_milestones(previous: float, actual: float, crossed: list[int]) -> None:
    assert crossed_milestones(previous, actual, 100, [50, 100]) == crossed


def test_milestones_compare_exactly_and_ascending() -> None:
    assert crossed_milestones(124, 125, 250, [100, 50]) == [50]
    assert reached_milestones(125, 250, [100, 50]) == [50]
    assert reached_milestones(249.999, 250, [50, 100]) == [50]
    assert reached_milestones(600, 250, [50, 100, 200]) == [50, 100, 200]
    assert reached_milestones(0, 250, [50, 100]) == []


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(st.integers(min_value=0, max_value=60), max_size=12),
    target=st.integers(min_value=1, max_value=200),
)
def test_each_milestone_is_crossed_once_on_the_way_up(steps: list[int], target: int) -> None:
    milestones = [25, 50, 100, 150]
    announced: list[int] = []
    count = 0
    for step in steps:
        announced += crossed_milestones(count, count + step, target, milestones)
        count += step
    assert announced == reached_milestones(count, target, milestones)


@pytest.mark.parametrize(
    ("actual", "celebrated", "announced"),
    [
        (120, [], 100),  # 50% and 100% in one jump: one message, for the goal met
        (60, [], 50),
        (120, [50], 100),
        (120, [100], None),
        (60, [100], None),  # a count corrected down never announces what a jump passed
        (40, [], None),
    ],
)
def test_milestone_to_announce(actual: float, celebrated: list[int], announced: int | None) -> None:
    assert milestone_to_announce(actual, 100, [50, 100], celebrated) == announced


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    target=st.integers(min_value=1, max_value=200),
)
def test_a_month_of_counts_announces_rising_milestones_once_each(
    counts: list[int], target: int
) -> None:
    milestones = [25, 50, 100, 150]
    celebrated: set[int] = set()
    announced: list[int] = []
    for count in counts:
        milestone = milestone_to_announce(count, target, milestones, celebrated)
        if milestone is not None:
            announced.append(milestone)
            celebrated |= set(reached_milestones(count, target, milestones))
        # At most one message per count, and nothing is left to announce right after it.
        assert milestone_to_announce(count, target, milestones, celebrated) is None
    assert announced == sorted(set(announced))  # rising, each once
    highest = max(counts, default=0)
    assert set(reached_milestones(highest, target, milestones)) == celebrated
    assert announced[-1:] == reached_milestones(highest, target, milestones)[-1:]


# --- What is still needed -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    remaining=st.fractions(min_value=0, max_value=10**6, max_denominator=4),
    days=st.integers(min_value=0, max_value=23),
)
def test_keeping_the_needed_rate_meets_the_target_and_no_slower_rate_does(
    remaining: Fraction, days: int
) -> None:
    need = needed(remaining, days)
    assert need.more == math.ceil(remaining)
    assert need.days == days
    if need.more == 0 or days == 0:
        assert (need.per_day, need.every) == (None, None)
    elif need.per_day is not None:
        assert need.every is None
        assert need.per_day * days >= need.more > (need.per_day - 1) * days
    else:
        assert need.every is not None and need.every >= 2
        # One on every every-th business day: days // every of them fit in the days left.
        assert days // need.every >= need.more > days // (need.every + 1)


def test_needed_at_the_pilot_teams_numbers() -> None:
    assert needed(4, 30) == Need(4, 30, None, 7)  # not "1 a day for 30 business days"
    assert needed(60, 20) == Need(60, 20, 3, None)
    assert needed(0, 20) == Need(0, 20, None, None)
    assert needed(5, 0) == Need(5, 0, None, None)
