"""What the health check and /metrics read from the database: backlog, set-aside rows, breaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Lead, OutboxMessage
from storage.outbox import DEAD, PENDING
from storage.reports import breached


@dataclass(frozen=True)
class Backlog:
    """The messages owed for one kind of message (announce, dm, thread…)."""

    kind: str
    pending: int
    # Seconds the oldest message that is owed now, and not leased by a live worker, has waited.
    oldest_waiting_seconds: float | None


def outbox_backlog(session: Session, now: datetime) -> list[Backlog]:
    """Pending messages per kind, and how long the oldest one owed now has waited, by kind.

    A message waits from when it fell due; once it has failed an attempt, from when it was
    created, so that retries that keep failing (a Slack outage) show, between tries too.
    """
    retried = OutboxMessage.attempts > 0
    waiting_since = case((retried, OutboxMessage.created_at), else_=OutboxMessage.due_at)
    pending = dict(
        session.execute(
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.status == PENDING)
            .group_by(OutboxMessage.kind)
        ).all()
    )
    oldest = dict(
        session.execute(
            select(OutboxMessage.kind, func.min(waiting_since))
            .where(
                OutboxMessage.status == PENDING,
                or_(retried, OutboxMessage.due_at <= now),
                # A row leased by a live worker is being delivered: movement, not waiting.
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            .group_by(OutboxMessage.kind)
        ).all()
    )
    return [
        Backlog(
            kind=kind,
            pending=count,
            oldest_waiting_seconds=(
                max(0.0, (now - oldest[kind]).total_seconds()) if kind in oldest else None
            ),
        )
        for kind, count in sorted(pending.items())
    ]


def dead_lettered_by_kind(session: Session) -> dict[str, int]:
    """Outbox rows set aside after failing again and again, per kind."""
    return dict(
        session.execute(
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.status == DEAD)
            .group_by(OutboxMessage.kind)
        ).all()
    )


def count_breached_leads(session: Session, now: datetime) -> int:
    """Leads whose first touch came (or is still) after the response deadline, as of now."""
    return session.scalar(select(func.count()).select_from(Lead).where(breached(now))) or 0


def dead_lettered_external(session: Session) -> dict[str, int]:
    """Dead-lettered CRM and webhook writes (outbox rows on the ext: lanes), per lane."""
    return dict(
        session.execute(
            select(OutboxMessage.channel, func.count())
            .where(OutboxMessage.status == DEAD, OutboxMessage.channel.like("ext:%"))
            .group_by(OutboxMessage.channel)
        ).all()
    )
