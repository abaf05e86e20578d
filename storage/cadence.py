"""Queries behind the cadence: a lead's touches and step events, due nudges, time away."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sla_rules.leads import OPEN_STATUSES
from storage.models import AwayPeriod, CadenceEvent, Lead, Touch


def touches_of(session: Session, lead_id: int) -> Sequence[Touch]:
    """A lead's touches, oldest first."""
    return session.scalars(
        select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.at, Touch.id)
    ).all()


def step_events_of(session: Session, lead_id: int) -> Sequence[CadenceEvent]:
    """A lead's skips and snoozes, oldest first."""
    return session.scalars(
        select(CadenceEvent)
        .where(CadenceEvent.lead_id == lead_id)
        .order_by(CadenceEvent.at, CadenceEvent.id)
    ).all()


def due_nudges(
    session: Session, now: datetime, limit: int, skip: Collection[int] = ()
) -> Sequence[Lead]:
    """Open leads whose cadence nudge is due, locked for this process (others skip them).

    Set-aside leads never come back; `skip` names leads that already failed this tick.
    """
    query = (
        select(Lead)
        .where(
            Lead.cadence_due_at <= now,
            Lead.status.in_(OPEN_STATUSES),
            Lead.set_aside_at.is_(None),
        )
        .order_by(Lead.cadence_due_at)
        .limit(limit)
    )
    if skip:
        query = query.where(Lead.id.not_in(list(skip)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()


def current_away(session: Session, user_id: str, now: datetime) -> AwayPeriod | None:
    """The user's time away in force now, if any."""
    return session.scalar(
        select(AwayPeriod)
        .where(
            AwayPeriod.user_id == user_id,
            AwayPeriod.starts_at <= now,
            AwayPeriod.ended_at.is_(None),
            or_(AwayPeriod.until.is_(None), AwayPeriod.until > now),
        )
        .order_by(AwayPeriod.id.desc())
        .limit(1)
    )


def open_leads_of(session: Session, owner_id: str) -> Sequence[Lead]:
    """The open leads a user owns."""
    return session.scalars(
        select(Lead).where(Lead.owner_id == owner_id, Lead.status.in_(OPEN_STATUSES))
    ).all()
