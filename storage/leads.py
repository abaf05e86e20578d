"""Queries and atomic updates on leads, handoffs and their timeline."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from sla_rules.leads import CLAIMED, OPEN_STATUSES, UNCLAIMED
from storage.models import Handoff, Lead, LeadEvent
from storage.unit_of_work import EVENT_SINKS

# Built once: on the handoff hot path, building a statement costs more than running it.
_LEAD_OF_HANDOFF = select(Handoff.__table__.c.lead_id).where(
    Handoff.__table__.c.external_id == bindparam("external_id")
)
_OPEN_LEAD_OF_EMAIL = (
    select(Lead.__table__.c.id)
    .where(
        Lead.__table__.c.email_key == bindparam("key"),
        Lead.__table__.c.status.in_(OPEN_STATUSES),
    )
    .order_by(Lead.__table__.c.id)
    .limit(1)
)
_INSERT_LEAD = insert(Lead.__table__).returning(Lead.__table__.c.id)
_INSERT_HANDOFF = insert(Handoff.__table__)
_INSERT_EVENT = insert(LeadEvent.__table__)
_NOTE_ANNOUNCE_SECONDS = (
    update(Lead.__table__)
    .where(Lead.__table__.c.id == bindparam("lead"))
    .values(announce_seconds=bindparam("seconds"))
)


def lead_by_id(session: Session, lead_id: int) -> Lead | None:
    """The lead with this number."""
    return session.get(Lead, lead_id)


def lead_by_external_id(session: Session, external_id: str) -> Lead | None:
    """The lead that a handoff with this external ID created or joined."""
    lead_id = session.execute(_LEAD_OF_HANDOFF, {"external_id": external_id}).scalar()
    return None if lead_id is None else session.get(Lead, lead_id)


def open_lead_by_email(session: Session, key: str) -> Lead | None:
    """The oldest open lead with this email key."""
    lead_id = session.execute(_OPEN_LEAD_OF_EMAIL, {"key": key}).scalar()
    return None if lead_id is None else session.get(Lead, lead_id)


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
    """Append an entry to a lead's timeline, and tell the unit of work's event sinks."""
    # A plain INSERT: the ORM's unit of work costs more than the row on the handoff hot path.
    session.execute(
        _INSERT_EVENT,
        {"lead_id": lead_id, "kind": kind, "at": at, "actor": actor, "detail": detail},
    )
    for sink in session.info.get(EVENT_SINKS, ()):
        sink(session, lead_id, kind, at, actor, detail)


def insert_lead(session: Session, values: dict[str, Any]) -> int:
    """Store a new lead; return its number."""
    return session.execute(_INSERT_LEAD, values).scalar_one()


def insert_handoff(
    session: Session, external_id: str | None, lead_id: int, now: datetime, *, attached: bool
) -> None:
    """Remember a handoff (its external ID is unique: a replay finds it)."""
    session.execute(
        _INSERT_HANDOFF,
        {"external_id": external_id, "lead_id": lead_id, "received_at": now, "attached": attached},
    )


def note_first_announcement(session: Session, lead_ids: Sequence[int], at: datetime) -> None:
    """Keep how long each lead waited for Slack to show it first (later re-announcements not)."""
    waiting = session.execute(
        select(Lead.id, Lead.created_at).where(
            Lead.id.in_(lead_ids), Lead.announce_seconds.is_(None)
        )
    ).all()
    if waiting:
        session.execute(
            _NOTE_ANNOUNCE_SECONDS,
            [
                {"lead": lead, "seconds": max(0, int((at - created).total_seconds()))}
                for lead, created in waiting
            ],
        )


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


def due_for_ladder(
    session: Session, now: datetime, limit: int, skip: Collection[int] = ()
) -> Sequence[Lead]:
    """Leads whose next ladder step is due, locked for this process (others skip them).

    Set-aside leads never come back; `skip` names leads that already failed this tick.
    """
    query = (
        select(Lead)
        .where(Lead.next_step_due_at <= now, Lead.set_aside_at.is_(None))
        .order_by(Lead.next_step_due_at)
        .limit(limit)
    )
    if skip:
        query = query.where(Lead.id.not_in(list(skip)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()


def note_tick_failure(
    session: Session, lead_id: int, now: datetime, reason: str, limit: int
) -> bool:
    """Count one more failed tick for a lead; True when this one sets it aside (only once)."""
    failures = session.execute(
        update(Lead.__table__)
        .where(Lead.__table__.c.id == lead_id)
        .values(tick_failures=Lead.__table__.c.tick_failures + 1)
        .returning(Lead.__table__.c.tick_failures)
    ).scalar()
    if failures is None or failures < limit:
        return False
    # The set_aside_at guard decides, here or in another process: the lead is set aside once.
    result = session.execute(
        update(Lead.__table__)
        .where(Lead.__table__.c.id == lead_id, Lead.__table__.c.set_aside_at.is_(None))
        .values(set_aside_at=now, set_aside_reason=reason[:200])
    )
    return result.rowcount == 1


def count_set_aside(session: Session) -> int:
    """How many leads the tick has set aside (for /healthz and /metrics)."""
    return int(
        session.scalar(select(func.count()).select_from(Lead).where(Lead.set_aside_at.is_not(None)))
        or 0
    )


def external_id_from(session: Session, lead_id: int, prefix: str) -> str | None:
    """The external ID of the lead's first handoff from one source ("hubspot:", "salesforce:")."""
    return session.scalars(
        select(Handoff.external_id)
        .where(Handoff.lead_id == lead_id, Handoff.external_id.like(f"{prefix}%"))
        .order_by(Handoff.received_at)
        .limit(1)
    ).first()
