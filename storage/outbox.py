"""The outbox tables: messages owed to Slack, their leases, and per-channel pacing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.inserts import insert_if_absent
from storage.models import Lead, OutboxMessage, PaceSlot

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
# Set aside after failing MAX_ATTEMPTS times for a reason of its own (not Slack's refusal):
# it no longer blocks its lead's later messages, and managers are told.
DEAD = "dead"
# Rows whose channel starts with this are CRM writes ("external lanes", e.g. "ext:hubspot"):
# each lane keeps its own per-lead order, apart from the Slack messages.
EXTERNAL = "ext:"
SLACK_LANE = "slack"


def lane_of(channel: str) -> str:
    """The ordering lane of a row: its channel for an external lane, "slack" otherwise."""
    return channel if channel.startswith(EXTERNAL) else SLACK_LANE


def enqueue(
    session: Session,
    *,
    kind: str,
    channel: str,
    now: datetime,
    lead_id: int | None = None,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> int:
    """Owe Slack a message (it leaves when the transaction commits, or at due_at); its ID."""
    table = OutboxMessage.__table__
    return session.execute(
        insert(table)
        .values(
            kind=kind,
            channel=channel,
            lead_id=lead_id,
            payload=payload or {},
            status=PENDING,
            attempts=0,
            due_at=now if due_at is None else due_at,
            created_at=now,
        )
        .returning(table.c.id)
    ).scalar_one()


def enqueue_thread_note(
    session: Session, lead: Lead, now: datetime, payload: dict[str, Any]
) -> int:
    """Owe a note in the lead's thread (the worker finds the thread's ts at delivery)."""
    return enqueue(
        session,
        kind="thread",
        channel=lead.announce_channel,
        lead_id=lead.id,
        now=now,
        payload=payload,
    )


def enqueue_card_update(session: Session, lead: Lead, now: datetime) -> int:
    """Owe a redraw of the lead's announcement from its state at delivery."""
    return enqueue(
        session,
        kind="update_announcement",
        channel=lead.announce_channel,
        lead_id=lead.id,
        now=now,
    )


class DueRow(NamedTuple):
    """What choosing the next sends needs of a row (its payload is read only once leased)."""

    id: int
    kind: str
    channel: str
    lead_id: int | None
    # Read before the lease sets the flag again: whether an earlier try's outcome is unknown.
    in_doubt: bool


def due_messages(
    session: Session, now: datetime, limit: int, lane: str = SLACK_LANE
) -> list[DueRow]:
    """Pending messages of one lane that are due and not leased by a live worker, oldest first.

    Each lane is read on its own: a backlog of CRM writes never hides the Slack messages.
    """
    on_lane = (
        OutboxMessage.channel.not_like(f"{EXTERNAL}%")
        if lane == SLACK_LANE
        else OutboxMessage.channel == lane
    )
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.channel,
            OutboxMessage.lead_id,
            OutboxMessage.in_doubt,
        )
        .where(
            OutboxMessage.status == PENDING,
            on_lane,
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return [DueRow(*row[:4], bool(row[4])) for row in rows]


def messages_by_id(session: Session, ids: Sequence[int]) -> dict[int, OutboxMessage]:
    """Rows by ID (with their payloads)."""
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    return {row.id: row for row in rows}


def closed_slots(session: Session, keys: Sequence[str], now: datetime) -> dict[str, datetime]:
    """The pacing keys whose next send is not allowed yet, with when it will be."""
    if not keys:
        return {}
    rows = session.execute(
        select(PaceSlot.key, PaceSlot.next_at).where(PaceSlot.key.in_(keys), PaceSlot.next_at > now)
    ).all()
    return {key: next_at for key, next_at in rows}


def first_pending_per_lead(
    session: Session, lead_ids: Collection[int]
) -> dict[tuple[int, str], int]:
    """For each (lead, lane), the ID of its oldest pending message: only that one may go next.

    Lanes are independent: a lead's Slack messages never wait behind its CRM writes, nor the
    reverse (see lane_of).
    """
    if not lead_ids:
        return {}
    lane = case(
        (OutboxMessage.channel.like(f"{EXTERNAL}%"), OutboxMessage.channel), else_=SLACK_LANE
    )
    rows = session.execute(
        select(OutboxMessage.lead_id, lane, func.min(OutboxMessage.id))
        .where(OutboxMessage.status == PENDING, OutboxMessage.lead_id.in_(lead_ids))
        .group_by(OutboxMessage.lead_id, lane)
    ).all()
    return {(lead_id, str(kind)): first for lead_id, kind, first in rows if lead_id is not None}


def take_slot(session: Session, key: str, now: datetime, next_at: datetime) -> bool:
    """Reserve the next send on a pacing key (a channel); False while it is too soon."""
    if insert_if_absent(session, PaceSlot.__table__, {"key": key, "next_at": next_at}):
        return True
    result = session.execute(
        update(PaceSlot)
        .where(PaceSlot.key == key, PaceSlot.next_at <= now)
        .values(next_at=next_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def hold_slot(session: Session, key: str, until: datetime) -> None:
    """Keep a pacing key closed until a time (Slack's Retry-After)."""
    if not insert_if_absent(session, PaceSlot.__table__, {"key": key, "next_at": until}):
        session.execute(
            update(PaceSlot)
            .where(PaceSlot.key == key, PaceSlot.next_at < until)
            .values(next_at=until)
            .execution_options(synchronize_session=False)
        )


def lease(session: Session, ids: Sequence[int], now: datetime, until: datetime) -> bool:
    """Lease messages to this worker; False if another worker took any of them first.

    The lease marks the rows in doubt durably before any call leaves: a crash or a timeout
    from here on leaves the flag set, and the next try looks for the message in Slack first.
    """
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == PENDING,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .values(lease_until=until, in_doubt=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == len(ids)


def mark_sent(session: Session, ids: Sequence[int], ts: str | None, now: datetime) -> None:
    """Record delivery and the message's ts."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=SENT, ts=ts, sent_at=now, lease_until=None, in_doubt=False)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, ids: Sequence[int], *, in_doubt: bool = False) -> None:
    """Give messages back (rate limited, or never tried); in_doubt: an older try is unsettled."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(lease_until=None, in_doubt=in_doubt)
        .execution_options(synchronize_session=False)
    )


def retry_later(
    session: Session,
    ids: Sequence[int],
    due_at: datetime,
    error: str,
    *,
    in_doubt: bool = False,
    fault: bool = False,
) -> None:
    """Count a failed attempt and try again at due_at.

    in_doubt: Slack may have the message; fault: the failure was the row's own, not Slack's.
    """
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            attempts=OutboxMessage.attempts + 1,
            faults=OutboxMessage.faults + (1 if fault else 0),
            due_at=due_at,
            lease_until=None,
            error=error[:300],
            in_doubt=in_doubt,
        )
        .execution_options(synchronize_session=False)
    )


def postpone(
    session: Session, ids: Sequence[int], due_at: datetime, *, in_doubt: bool = False
) -> None:
    """Try again later without counting a failed attempt (the message waits for another)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(due_at=due_at, lease_until=None, in_doubt=in_doubt)
        .execution_options(synchronize_session=False)
    )


def give_up(session: Session, ids: Sequence[int], error: str, now: datetime) -> None:
    """Mark messages that Slack refuses for good (the error is kept for the operator)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=FAILED, error=error[:300], lease_until=None, sent_at=now, in_doubt=False)
        .execution_options(synchronize_session=False)
    )


def skip(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Close messages that became moot before they went (e.g. no digest to start a thread from)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=SKIPPED, lease_until=None, sent_at=now, in_doubt=False)
        .execution_options(synchronize_session=False)
    )


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending message falls due."""
    return session.scalar(
        select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == PENDING)
    )


def count_pending(session: Session) -> int:
    """How many messages are still owed."""
    return (
        session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING)
        )
        or 0
    )


def lookup_later(session: Session, ids: Sequence[int], due_at: datetime, error: str) -> None:
    """Looking the message up in Slack failed: count it, stay in doubt, look again at due_at."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            lookups=OutboxMessage.lookups + 1,
            due_at=due_at,
            lease_until=None,
            error=error[:300],
            in_doubt=True,
        )
        .execution_options(synchronize_session=False)
    )


def bury(session: Session, ids: Sequence[int], error: str, now: datetime) -> None:
    """Set aside messages that keep failing on their own account (dead letters)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            status=DEAD,
            attempts=OutboxMessage.attempts + 1,
            faults=OutboxMessage.faults + 1,
            error=error[:300],
            lease_until=None,
            sent_at=now,
            in_doubt=False,
        )
        .execution_options(synchronize_session=False)
    )


def count_dead(session: Session) -> int:
    """How many messages were set aside as dead letters (for /healthz and /metrics)."""
    return (
        session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == DEAD)
        )
        or 0
    )


class DeadRow(NamedTuple):
    """A dead letter as an operator sees it: no payload, so no contact data."""

    id: int
    kind: str
    channel: str
    lead_id: int | None
    attempts: int
    error: str | None
    created_at: datetime
    dead_at: datetime | None


def dead_rows(session: Session, limit: int = 20) -> list[DeadRow]:
    """The newest dead letters first (for /healthz and operators)."""
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.channel,
            OutboxMessage.lead_id,
            OutboxMessage.attempts,
            OutboxMessage.error,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.status == DEAD)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    return [DeadRow(*row) for row in rows]


def announcement_pending(session: Session, lead_ids: Sequence[int]) -> bool:
    """Whether any of these leads' announcements is still waiting to reach Slack."""
    if not lead_ids:
        return False
    found = session.execute(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.kind == "announce",
            OutboxMessage.status == PENDING,
            OutboxMessage.lead_id.in_(lead_ids),
        )
        .limit(1)
    ).first()
    return found is not None
