"""Queries and atomic updates on leads, handoffs and their timeline."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from sla_rules.leads import CLAIMED, OPEN_STATUSES, UNCLAIMED
from storage.models import Handoff, Lead, LeadEvent


def lead_by_id(session: Session, lead_id: int) -> Lead | None:
    """The lead with this number."""
    return session.get(Lead, lead_id)


def lead_by_external_id(session: Session, external_id: str) -> Lead | None:
    """The lead that a handoff with this external ID created or joined."""
    return session.scalar(
        select(Lead)
        .join(Handoff, Handoff.lead_id == Lead.id)
        .where(Handoff.external_id == external_id)
    )


def open_lead_by_email(session: Session, key: str) -> Lead | None:
    """The oldest open lead with this email key."""
    return session.scalar(
        select(Lead)
        .where(Lead.email_key == key, Lead.status.in_(OPEN_STATUSES))
        .order_by(Lead.id)
        .limit(1)
    )


def lock_email(session: Session, key: str) -> None:
    """Serialise handoffs of one email on PostgreSQL (SQLite already writes one at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(key.encode())})


def add_event(
    session: Session,
    lead_id: int,
    kind: str,
    at: datetime,
    actor: str | None = None,
    **detail: Any,
) -> None:
    """Append an entry to a lead's timeline."""
    session.add(LeadEvent(lead_id=lead_id, kind=kind, at=at, actor=actor, detail=detail))


def claim_lead(session: Session, lead_id: int, owner_id: str, now: datetime) -> bool:
    """Make the user the owner if nobody is; exactly one of many simultaneous calls wins."""
    result = session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.owner_id.is_(None), Lead.status == UNCLAIMED)
        .values(owner_id=owner_id, claimed_at=now, status=CLAIMED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def timeline(session: Session, lead_id: int) -> Sequence[LeadEvent]:
    """A lead's events, oldest first."""
    return session.scalars(
        select(LeadEvent).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.at, LeadEvent.id)
    ).all()


def leads_in_message(session: Session, channel: str, ts: str) -> Sequence[Lead]:
    """The leads announced by one message (several when it was a digest)."""
    return session.scalars(
        select(Lead)
        .where(Lead.announce_channel == channel, Lead.announce_ts == ts)
        .order_by(Lead.id)
    ).all()


def due_for_ladder(session: Session, now: datetime, limit: int) -> Sequence[Lead]:
    """Leads whose next ladder step is due, locked for this process (others skip them)."""
    query = (
        select(Lead)
        .where(Lead.next_step_due_at <= now)
        .order_by(Lead.next_step_due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()
