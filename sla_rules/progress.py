"""Monthly goal progress on the business calendar, milestones, and the reverse funnel."""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal, Protocol

Band = Literal["on_track", "behind", "at_risk"]

# Recruiterflow's pace bands: at least 99% of the pro-rated target is on track, 81% behind.
ON_TRACK_FROM = 99
BEHIND_FROM = 81

_ONE_DAY = timedelta(days=1)
_FUNNEL_RATES = ("visit_to_lead", "lead_to_client")


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


def _prorated(target: int, elapsed: int, in_month: int) -> Fraction:
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
class Progress:
    """One goal's month-to-date standing on a given day, against its business-day pace."""

    metric: str
    """The goal's metric name, such as "visits"."""
    target: int
    """The monthly target."""
    actual: float
    """The count so far this month."""
    expected: float
    """The target pro-rated by business days: elapsed (today included) / all in the month."""
    pace: float | None
    """actual / expected in percent; None while nothing is expected yet."""
    band: Band
    """on_track at a pace >= 99 (or no pace yet), behind at >= 81, at_risk below."""
    forecast: float
    """The month-end count if the pace per elapsed business day holds; actual before day one."""
    remaining: float
    """What is still missing to reach the target; 0 once it is met."""
    business_days_left: int
    """Business days after today up to the month's end."""
    needed_per_day: float | None
    """remaining / business_days_left; 0 once the target is met, else None with no days left."""
    percent_of_target: float
    """actual / target in percent."""
    business_days_elapsed: int
    """Business days from the 1st up to and including today ("day 19 of 20")."""
    business_days_in_month: int
    """All business days in today's month."""


def progress(
    metric: str, target: int, actual: float, today: date, clock: BusinessCalendar
) -> Progress:
    """A goal's progress on `today`, counting today as an elapsed business day if it is one."""
    if target <= 0:
        raise ValueError(f"target must be greater than zero, got {target}")
    # Written as a negated comparison so NaN is refused too.
    if not actual >= 0:
        raise ValueError(f"actual must be zero or more, got {actual}")
    first, last = month_bounds(today)
    in_month = business_days(clock, first, last)
    elapsed = business_days(clock, first, today)
    days_left = business_days(clock, today + _ONE_DAY, last)
    exact_actual = Fraction(actual)
    expected = _prorated(target, elapsed, in_month)
    # Exact fractions so the band borders hold: 99% of the pace is on track, never 98.9999...
    pace = exact_actual * 100 / expected if expected else None
    forecast = exact_actual * in_month / elapsed if elapsed else exact_actual
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


def crossed_milestones(
    previous_actual: float, actual: float, target: int, milestones: Sequence[int]
) -> list[int]:
    """Milestones reached by actual but not by previous_actual, ascending: the ones to announce.

    This only compares two counts; announcing each (goal, month, milestone) once is up to the
    caller's record of what was already celebrated, since a count corrected down and back up
    crosses the same milestone twice.
    """
    before = set(reached_milestones(previous_actual, target, milestones))
    return [m for m in reached_milestones(actual, target, milestones) if m not in before]


# --- Reverse funnel -------------------------------------------------------------------------


class FunnelError(ValueError):
    """A reverse-funnel input out of range, naming the argument and why.

    `reason` is English; `code` (positive, rate, not_negative) and `value` let the bot say it
    in the agreement's language.
    """

    def __init__(self, argument: str, reason: str, code: str = "other", value: float = 0) -> None:
        super().__init__(f"{argument}: {reason}")
        self.argument = argument
        self.reason = reason
        self.code = code
        self.value = value


@dataclass(frozen=True, slots=True)
class FunnelPlan:
    """What a month's revenue goal takes at each funnel stage, and the rates it assumed."""

    revenue_goal: float
    """The month's sales target, in the agreement's currency."""
    marketing_revenue: float
    """The part of the revenue goal expected from Marketing's leads."""
    clients: float
    """Clients needed: marketing revenue / average deal size."""
    leads: float
    """Leads needed: clients / lead-to-client rate."""
    visits: float
    """Visits needed: leads / visit-to-lead rate."""
    marketing_share: float
    """The share of revenue from Marketing's leads used here."""
    average_deal_size: float
    """The average deal size used here."""
    lead_to_client: float
    """The lead-to-client rate used here (the agreement's, or this month's actual)."""
    visit_to_lead: float
    """The visit-to-lead rate used here (the agreement's, or this month's actual)."""


def _exact(value: float) -> Fraction:
    """The decimal the float was written as, so 20 / 0.08 is 250 and not 250.00000000000003."""
    # Callers may round these up ("leads needed"), where a stray ulp would add a whole lead.
    return Fraction(repr(float(value)))


def _positive(argument: str, value: float) -> Fraction:
    """A finite money amount above zero, or FunnelError."""
    if not (math.isfinite(value) and value > 0):
        raise FunnelError(
            argument, f"must be a number greater than 0, got {value}", "positive", value
        )
    return _exact(value)


def _rate(argument: str, value: float) -> Fraction:
    """A share or conversion rate within (0, 1], or FunnelError."""
    # Written as a negated range so NaN is refused too.
    if not 0 < value <= 1:
        raise FunnelError(
            argument, f"must be greater than 0 and at most 1, got {value}", "rate", value
        )
    return _exact(value)


def reverse_funnel(
    revenue_goal: float,
    marketing_share: float,
    average_deal_size: float,
    lead_to_client: float,
    visit_to_lead: float,
) -> FunnelPlan:
    """Work back from the revenue goal to the clients, leads and visits it takes."""
    revenue = _positive("revenue_goal", revenue_goal)
    share = _rate("marketing_share", marketing_share)
    deal = _positive("average_deal_size", average_deal_size)
    closing = _rate("lead_to_client", lead_to_client)
    converting = _rate("visit_to_lead", visit_to_lead)
    marketing_revenue = revenue * share
    clients = marketing_revenue / deal
    leads = clients / closing
    return FunnelPlan(
        revenue_goal=float(revenue),
        marketing_revenue=float(marketing_revenue),
        clients=float(clients),
        leads=float(leads),
        visits=float(leads / converting),
        marketing_share=float(share),
        average_deal_size=float(deal),
        lead_to_client=float(closing),
        visit_to_lead=float(converting),
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def actual_rates(visits: float, leads: float, clients: float) -> dict[str, float | None]:
    """This month's conversion rates so far; None where the stage before saw nothing."""
    for argument, value in (("visits", visits), ("leads", leads), ("clients", clients)):
        if not value >= 0:
            raise FunnelError(argument, f"must be zero or more, got {value}", "not_negative", value)
    return {"visit_to_lead": _ratio(leads, visits), "lead_to_client": _ratio(clients, leads)}


def funnel_with_actuals(
    revenue_goal: float,
    marketing_share: float,
    average_deal_size: float,
    lead_to_client: float,
    visit_to_lead: float,
    *,
    actual: Mapping[str, float | None],
) -> FunnelPlan:
    """The reverse funnel at this month's actual rates, the agreement's where none is usable.

    An actual rate is usable within (0, 1]; above 1 it only means this month's clients came
    from earlier months' leads, which says nothing about the rate going forward.
    """
    agreed = {"lead_to_client": lead_to_client, "visit_to_lead": visit_to_lead}
    rates: dict[str, float] = {}
    for name in _FUNNEL_RATES:
        measured = actual.get(name)
        rates[name] = measured if measured is not None and 0 < measured <= 1 else agreed[name]
    return reverse_funnel(
        revenue_goal,
        marketing_share,
        average_deal_size,
        lead_to_client=rates["lead_to_client"],
        visit_to_lead=rates["visit_to_lead"],
    )
