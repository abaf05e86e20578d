"""Monthly goal progress on the business calendar, what is still needed, and milestones."""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal, Protocol

Band = Literal["on_track", "behind", "at_risk"]

# Recruiterflow's pace bands: at least 99% of the pro-rated target is on track, 81% behind.
ON_TRACK_FROM = 99
BEHIND_FROM = 81

_ONE_DAY = timedelta(days=1)


class BusinessCalendar(Protocol):
    """What progress needs of a clock: which days are working days (BusinessClock fits)."""

    def is_business_day(self, day: date) -> bool:
        """Whether the day is a working day."""
        ...


# --- Calendar -------------------------------------------------------------------------------


def business_days(clock: BusinessCalendar, first: date, last: date) -> int:
    """The number of business days in [first, last], both included; 0 when last < first."""
    count = 0
    day = first
    while day <= last:
        count += clock.is_business_day(day)
        day += _ONE_DAY
    return count


def month_bounds(day: date) -> tuple[date, date]:
    """The first and the last calendar day of the day's month."""
    _, length = calendar.monthrange(day.year, day.month)
    return day.replace(day=1), day.replace(day=length)


def _prorated(target: int, elapsed: int | Fraction, in_month: int) -> Fraction:
    """The share of the target due after `elapsed` of the month's business days, exactly."""
    # A month with no business day at all has no pace to keep: nothing is ever due.
    if in_month == 0:
        return Fraction(0)
    return Fraction(target * elapsed, in_month)


def pace_line(
    target: int, clock: BusinessCalendar, month_first: date, month_last: date
) -> list[tuple[date, float]]:
    """Each calendar day with the cumulative count due by its end: the burn-up chart's pace line.

    The line climbs by target / (business days in the range) on each business day and stays
    flat on weekends and holidays, reaching the target on the range's last business day.
    """
    in_month = business_days(clock, month_first, month_last)
    line: list[tuple[date, float]] = []
    elapsed = 0
    day = month_first
    while day <= month_last:
        elapsed += clock.is_business_day(day)
        line.append((day, float(_prorated(target, elapsed, in_month))))
        day += _ONE_DAY
    return line


# --- Progress -------------------------------------------------------------------------------


def pace_band(pace: float | Fraction | None) -> Band:
    """The band for a pace in percent; no pace yet (nothing due) counts as on track."""
    if pace is None or pace >= ON_TRACK_FROM:
        return "on_track"
    return "behind" if pace >= BEHIND_FROM else "at_risk"


@dataclass(frozen=True, slots=True)
class Need:
    """What a goal still needs in whole units, and a rate over the business days left that gets it.

    At most one of per_day and every is set: per_day while at least one a day is needed, every
    (one each so many business days) below that; neither when nothing is missing or no business
    day is left. Both round toward meeting the target, so keeping the rate is enough.
    """

    more: int
    """Whole units still missing (part of one is a whole one still to get)."""
    days: int
    """Business days left to get them in."""
    per_day: int | None
    """At least this many each business day (rounded up)."""
    every: int | None
    """One every this many business days (rounded down), when less than one a day will do."""


def needed(remaining: float | Fraction, days_left: int) -> Need:
    """The whole count still missing and the rate that reaches it in days_left business days."""
    more = math.ceil(Fraction(remaining))
    if more <= 0 or days_left <= 0:
        return Need(max(more, 0), max(days_left, 0), None, None)
    every = days_left // more
    # "1 every 1 business day" is one a day: said as a daily rate.
    if every >= 2:
        return Need(more, days_left, None, every)
    return Need(more, days_left, -(-more // days_left), None)


@dataclass(frozen=True, slots=True)
class Progress:
    """One goal's month-to-date standing on a given day, against its business-day pace."""

    metric: str
    """The goal's metric name, such as "visits"."""
    target: int
    """The monthly target."""
    actual: float
    """The count so far this month."""
    expected: float
    """The target pro-rated by business days over (today's share of its hours) / all."""
    pace: float | None
    """actual / expected in percent; None while nothing is expected yet."""
    band: Band
    """on_track at a pace >= 99 (or no pace yet), behind at >= 81, at_risk below."""
    forecast: float
    """The month-end count if the pace per business day over holds; actual before any."""
    remaining: float
    """What is still missing to reach the target; 0 once it is met."""
    business_days_left: int
    """Business days after today up to the month's end, and today until its hours are over."""
    needed_per_day: float | None
    """remaining / business_days_left; 0 once the target is met, else None with no days left."""
    percent_of_target: float
    """actual / target in percent."""
    business_days_elapsed: int
    """Business days from the 1st up to and including today ("day 19 of 20")."""
    business_days_in_month: int
    """All business days in today's month."""


def progress(
    metric: str,
    target: int,
    actual: float,
    today: date,
    clock: BusinessCalendar,
    today_done: Fraction = Fraction(1),
) -> Progress:
    """A goal's progress on `today`, with `today_done` of today's business hours gone.

    The pace counts the business days before today and the share of today already past: at
    a 09:00 standup (today_done 0) today is still ahead, at the close (1) it is a whole day.
    """
    if target <= 0:
        raise ValueError(f"target must be greater than zero, got {target}")
    # Written as a negated comparison so NaN is refused too.
    if not actual >= 0:
        raise ValueError(f"actual must be zero or more, got {actual}")
    if not 0 <= today_done <= 1:
        raise ValueError(f"today_done must be within [0, 1], got {today_done}")
    first, last = month_bounds(today)
    in_month = business_days(clock, first, last)
    elapsed = business_days(clock, first, today)
    open_today = clock.is_business_day(today)
    # Business days over so far, exactly: the ones before today and what is gone of today.
    gone = Fraction(elapsed - open_today) + (Fraction(today_done) if open_today else 0)
    # Today is still a day to work in until its hours are over.
    days_left = business_days(clock, today + _ONE_DAY, last) + (open_today and today_done < 1)
    exact_actual = Fraction(actual)
    expected = _prorated(target, gone, in_month)
    # Exact fractions so the band borders hold: 99% of the pace is on track, never 98.9999...
    pace = exact_actual * 100 / expected if expected else None
    forecast = exact_actual * in_month / gone if gone else exact_actual
    remaining = max(target - exact_actual, Fraction(0))
    needed: float | None
    if remaining == 0:
        needed = 0.0
    elif days_left == 0:
        needed = None
    else:
        needed = float(remaining / days_left)
    return Progress(
        metric=metric,
        target=target,
        actual=actual,
        expected=float(expected),
        pace=None if pace is None else float(pace),
        band=pace_band(pace),
        forecast=float(forecast),
        remaining=float(remaining),
        business_days_left=days_left,
        needed_per_day=needed,
        percent_of_target=float(exact_actual * 100 / target),
        business_days_elapsed=elapsed,
        business_days_in_month=in_month,
    )


# --- Milestones -----------------------------------------------------------------------------


def reached_milestones(actual: float, target: int, milestones: Sequence[int]) -> list[int]:
    """Every milestone (percent of target) at or below actual, ascending: all due this month."""
    if target <= 0:
        raise ValueError(f"target must be greater than zero, got {target}")
    # Compared exactly: 125 of 250 reaches 50% even where actual / target * 100 would not.
    exact = Fraction(actual) * 100
    return sorted({milestone for milestone in milestones if exact >= milestone * target})


def milestone_to_announce(
    actual: float, target: int, milestones: Sequence[int], celebrated: Collection[int]
) -> int | None:
    """The one milestone to announce at this count: the highest reached, if none at or above it
    was celebrated yet; None otherwise.

    A jump past several milestones is one piece of news: the lower ones it passed count as
    reached (the caller records them with it) and are never announced later.
    """
    reached = reached_milestones(actual, target, milestones)
    if not reached or any(done >= reached[-1] for done in celebrated):
        return None
    return reached[-1]


def crossed_milestones(
    previous_actual: float, actual: float, target: int, milestones: Sequence[int]
) -> list[int]:
    """Milestones reached by actual but not by previous_actual, ascending.

    This only compares two counts; what is announced is milestone_to_announce's, from the
    record of what was already celebrated, since a count corrected down and back up crosses the
    same milestone twice.
    """
    before = set(reached_milestones(previous_actual, target, milestones))
    return [m for m in reached_milestones(actual, target, milestones) if m not in before]
