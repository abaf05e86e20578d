"""Counts behind the goals: reported numbers, handoffs and won leads; once-only keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sla_rules.leads import WON
from storage.inserts import insert_if_absent
from storage.models import CountEntry, Lead, OnceKey, ReportedCount


def record_count(
    session: Session,
    metric: str,
    day: date,
    value: int,
    *,
    add: bool,
    by: str | None,
    now: datetime,
) -> int:
    """Add to or set a metric's count for a day; return the day's new count."""
    row = session.scalar(
        select(ReportedCount).where(ReportedCount.metric == metric, ReportedCount.day == day)
    )
    if row is None:
        row = ReportedCount(metric=metric, day=day, value=0, updated_at=now, updated_by=by)
        session.add(row)
    row.value = (row.value + value) if add else value
    row.updated_at = now
    row.updated_by = by
    session.add(
        CountEntry(metric=metric, day=day, value=value, mode="add" if add else "set", by=by, at=now)
    )
    session.flush()
    return row.value


def reported_by_day(session: Session, metric: str, first: date, last: date) -> dict[date, int]:
    """A reported metric's count for each day in [first, last] that has one."""
    rows = session.execute(
        select(ReportedCount.day, ReportedCount.value).where(
            ReportedCount.metric == metric, ReportedCount.day >= first, ReportedCount.day <= last
        )
    ).all()
    return {day: value for day, value in rows}


def handoffs_between(session: Session, start: datetime, end: datetime) -> int:
    """Leads handed off in [start, end)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.handed_off_at >= start, Lead.handed_off_at < end)
        )
        or 0
    )


def won_between(session: Session, start: datetime, end: datetime) -> int:
    """Leads won in [start, end)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.status == WON, Lead.closed_at >= start, Lead.closed_at < end)
        )
        or 0
    )


def reporters(session: Session, metric: str, first: date, last: date) -> Sequence[str]:
    """Who reported a metric's counts in [first, last]."""
    return session.scalars(
        select(CountEntry.by)
        .where(
            CountEntry.metric == metric,
            CountEntry.day >= first,
            CountEntry.day <= last,
            CountEntry.by.is_not(None),
        )
        .distinct()
    ).all()


def handed_off_by(session: Session, start: datetime, end: datetime) -> Sequence[str]:
    """The people who handed off leads in Slack in [start, end)."""
    return session.scalars(
        select(Lead.handed_off_by)
        .where(
            Lead.handed_off_at >= start,
            Lead.handed_off_at < end,
            Lead.handed_off_by.is_not(None),
        )
        .distinct()
    ).all()


def winners(session: Session, start: datetime, end: datetime) -> Sequence[str]:
    """The owners of the leads won in [start, end)."""
    return session.scalars(
        select(Lead.owner_id)
        .where(
            Lead.status == WON,
            Lead.closed_at >= start,
            Lead.closed_at < end,
            Lead.owner_id.is_not(None),
        )
        .distinct()
    ).all()


def once(session: Session, key: str, now: datetime) -> bool:
    """Claim a once-only key; False when it was claimed before (here or elsewhere)."""
    return insert_if_absent(session, OnceKey.__table__, {"key": key[:200], "at": now})


def once_at(session: Session, key: str) -> datetime | None:
    """When a once-only key was claimed."""
    return session.scalar(select(OnceKey.at).where(OnceKey.key == key))
