"""The month's goals: counts from the bot's records and from reports, progress, celebrations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Literal

from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from bot.runtime.clock import Clock
from sla_rules.agreement import Agreement, Goal
from sla_rules.business_clock import BusinessClock
from sla_rules.counts import check_count, parse_count
from sla_rules.progress import (
    Progress,
    milestone_to_announce,
    month_bounds,
    progress,
    reached_milestones,
)
from storage import goals as store
from storage.unit_of_work import Database

# Business hours are counted to the microsecond: the share of a day gone is an exact fraction.
_TICK = timedelta(microseconds=1)

Refusal = Literal[
    "unknown_metric",
    "not_reported",
    "not_whole",
    "negative",
    "too_large",
    "bad_date",
    "future_date",
    "closed_month",
    "bad_mode",
    "not_allowed",
]


@dataclass(frozen=True)
class RecordResult:
    """A recorded count (the day's new value) or why it was refused, naming the field."""

    day: date | None = None
    value: int | None = None
    refusal: Refusal | None = None
    field: str | None = None


@dataclass(frozen=True)
class Milestone:
    """A goal milestone to celebrate, its once-only key, and those of the lower ones it passed."""

    metric: str
    percent: int
    actual: int
    target: int
    key: str
    passed: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalStatus:
    """A goal and where it stands this month."""

    metric: str
    goal: Goal
    progress: Progress


class GoalBook:
    """Counts each goal month to date and records reported numbers."""

    def __init__(self, database: Database, agreement: Agreement, clock: Clock) -> None:
        self.database = database
        self.agreement = agreement
        self.business = BusinessClock.from_agreement(agreement)
        # The pace counts business hours whatever the response clock's mode.
        self._hours = BusinessClock(agreement.business_hours, agreement.zone, "business_hours")
        self.clock = clock

    def today(self) -> date:
        """Today in the agreement's zone."""
        return self.clock().astimezone(self.agreement.zone).date()

    def _start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.agreement.zone)

    def may_record(self, user_id: str) -> bool:
        """Marketers and managers record counts."""
        slack = self.agreement.slack
        return user_id in slack.marketers or user_id in slack.managers

    def count(self, session: Session, metric: str, goal: Goal, first: date, last: date) -> int:
        """A goal's count over the days [first, last] in the agreement's zone."""
        if goal.source == "reported":
            return sum(store.reported_by_day(session, metric, first, last).values())
        start, end = self._start(first), self._start(last + timedelta(days=1))
        if goal.source == "handoffs":
            return store.handoffs_between(session, start, end)
        return store.won_between(session, start, end)

    def _done(self, day: date) -> Fraction:
        """The share of the day's business hours already over now (1 for a day gone by)."""
        start, end = self._start(day), self._start(day + timedelta(days=1))
        hours = self._hours.elapsed(start, end)
        if not hours:
            return Fraction(1)
        # A day already over (a past month's last day) counts whole, one not begun as nothing.
        now = min(max(self.clock(), start), end)
        return Fraction(self._hours.elapsed(start, now) // _TICK, hours // _TICK)

    def statuses(self, today: date | None = None) -> list[GoalStatus]:
        """Every goal's progress this month, in the agreement's order."""
        today = today or self.today()
        first, _ = month_bounds(today)
        result = []
        with self.database.reading() as session:
            for metric, goal in self.agreement.goals.metrics.items():
                actual = self.count(session, metric, goal, first, today)
                result.append(
                    GoalStatus(
                        metric,
                        goal,
                        progress(
                            metric, goal.target, actual, today, self.business, self._done(today)
                        ),
                    )
                )
        return result

    def daily_totals(self, today: date | None = None) -> dict[str, list[tuple[date, float]]]:
        """Each goal's cumulative count for every day of the month so far (the chart's line)."""
        today = today or self.today()
        first, _ = month_bounds(today)
        series: dict[str, list[tuple[date, float]]] = {}
        with self.database.reading() as session:
            for metric, goal in self.agreement.goals.metrics.items():
                total = 0.0
                points = []
                day = first
                while day <= today:
                    total += self.count(session, metric, goal, day, day)
                    points.append((day, total))
                    day += timedelta(days=1)
                series[metric] = points
        return series

    def check(
        self, metric: str, value: object, day_text: str | None, mode: str, user_id: str | None
    ) -> RecordResult:
        """Validate a count to record, without storing it."""
        goals = self.agreement.goals.metrics
        if user_id is not None and not self.may_record(user_id):
            return RecordResult(refusal="not_allowed", field="user")
        if metric not in goals:
            return RecordResult(refusal="unknown_metric", field="metric")
        if goals[metric].source != "reported":
            return RecordResult(refusal="not_reported", field="metric")
        if mode not in ("add", "set"):
            return RecordResult(refusal="bad_mode", field="mode")
        number = parse_count(value)
        if isinstance(number, str):
            return RecordResult(refusal=number, field="value")
        today = self.today()
        if day_text is None:
            day = today
        else:
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                return RecordResult(refusal="bad_date", field="date")
        if day > today:
            return RecordResult(refusal="future_date", field="date")
        if day < month_bounds(today)[0]:
            return RecordResult(refusal="closed_month", field="date")
        return RecordResult(day=day, value=number)

    def record(
        self, metric: str, value: object, day_text: str | None, mode: str, user_id: str | None
    ) -> RecordResult:
        """Record a reported count (add to or set the day's number) once it is valid."""
        checked = self.check(metric, value, day_text, mode, user_id)
        if checked.refusal is not None or checked.day is None or checked.value is None:
            return checked
        add = mode == "add"
        try:
            with self.database.unit_of_work() as session:
                if add:
                    # Adding may outgrow the column even when each value fits: refuse first.
                    known = store.reported_by_day(session, metric, checked.day, checked.day)
                    if isinstance(check_count(known.get(checked.day, 0) + checked.value), str):
                        raise _TotalTooLarge
                total = store.record_count(
                    session,
                    metric,
                    checked.day,
                    checked.value,
                    add=add,
                    by=user_id,
                    now=self.clock(),
                )
        except _TotalTooLarge:
            return RecordResult(refusal="too_large", field="value")
        except DataError:
            # Two adds at once both passed the check; PostgreSQL refused the overflowing sum.
            return RecordResult(refusal="too_large", field="value")
        return RecordResult(day=checked.day, value=total)

    def milestones_reached(self, session: Session, today: date) -> list[Milestone]:
        """Per goal, the milestone to celebrate now: the highest reached this month, if new."""
        first, _ = month_bounds(today)
        milestones = self.agreement.goals.celebrate_at
        reached = []
        for metric, goal in self.agreement.goals.metrics.items():
            actual = self.count(session, metric, goal, first, today)
            keys = {m: f"celebrate:{metric}:{first:%Y-%m}:{m}" for m in milestones}
            celebrated = [m for m, key in keys.items() if store.once_at(session, key) is not None]
            percent = milestone_to_announce(actual, goal.target, milestones, celebrated)
            if percent is None:
                continue
            lower = reached_milestones(actual, goal.target, milestones)[:-1]
            passed = tuple(keys[m] for m in lower if m not in celebrated)
            reached.append(Milestone(metric, percent, actual, goal.target, keys[percent], passed))
        return reached

    def contributors(self, session: Session, metric: str, today: date) -> list[str]:
        """Whose work counted toward a goal this month (won leads' owners, reporters)."""
        goal = self.agreement.goals.metrics[metric]
        first, _ = month_bounds(today)
        start, end = self._start(first), self._start(today + timedelta(days=1))
        if goal.source == "reported":
            return sorted(store.reporters(session, metric, first, today))
        if goal.source == "won":
            return sorted(store.winners(session, start, end))
        return sorted(store.handed_off_by(session, start, end))


class _TotalTooLarge(Exception):
    """The day's total would no longer fit its column; the unit of work rolls it back."""
