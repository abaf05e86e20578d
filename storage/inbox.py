"""The inbox: clicks journaled before their ack, leased for processing, replayed after a crash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import InboxItem

PENDING = "pending"
DONE = "done"
_TABLE = InboxItem.__table__
# Built once: the journal insert is on the ack path, where building costs more than running.
_JOURNAL: dict[str, Any] = {
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id),
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id),
}


def journal(
    session: Session,
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    lease_until: datetime,
) -> int | None:
    """Keep a click, leased to this process; its ID, or None when the key was kept already."""
    values = {
        "kind": kind,
        "key": key,
        "payload": payload,
        "status": PENDING,
        "attempts": 1,
        "lease_until": lease_until,
        "received_at": now,
    }
    return session.execute(_JOURNAL[session.get_bind().dialect.name], values).scalar()


def owed(session: Session, now: datetime, limit: int, kind: str | None = None) -> Sequence[int]:
    """Items not yet answered whose lease ran out (their process died or gave up), oldest first."""
    of_kind = [] if kind is None else [_TABLE.c.kind == kind]
    return session.scalars(
        select(_TABLE.c.id)
        .where(
            _TABLE.c.answered_at.is_(None),
            or_(_TABLE.c.lease_until.is_(None), _TABLE.c.lease_until <= now),
            *of_kind,
        )
        .order_by(_TABLE.c.id)
        .limit(limit)
    ).all()


def take_lease(session: Session, item_id: int, now: datetime, until: datetime) -> bool:
    """Lease an unanswered item whose lease ran out; of several processes exactly one wins."""
    result = session.execute(
        update(_TABLE)
        .where(
            _TABLE.c.id == item_id,
            _TABLE.c.answered_at.is_(None),
            or_(_TABLE.c.lease_until.is_(None), _TABLE.c.lease_until <= now),
        )
        .values(lease_until=until, attempts=_TABLE.c.attempts + 1)
    )
    return result.rowcount == 1


def item_locked(session: Session, item_id: int) -> InboxItem | None:
    """The item, locked against other processes until this transaction ends."""
    # populate_existing: a row read earlier in this session must not hide a newer decision.
    return session.get(InboxItem, item_id, with_for_update=True, populate_existing=True)


def mark_done(item: InboxItem, outcome: str, now: datetime) -> None:
    """Record the decision (in the transaction that made it: the claim and this are one)."""
    item.status = DONE
    item.outcome = outcome
    item.done_at = now


def take_answer(session: Session, item_id: int, now: datetime) -> bool:
    """Mark the answer as sent, just before sending it; False when it was sent already."""
    # Marked before the bytes leave: a crash while Slack's reply is in flight must not send
    # the answer again (Slack has it by then); only a definite failure gives it back.
    result = session.execute(
        update(_TABLE)
        .where(_TABLE.c.id == item_id, _TABLE.c.answered_at.is_(None))
        .values(answered_at=now, lease_until=None)
    )
    return result.rowcount == 1


def answer_failed(session: Session, item_id: int) -> None:
    """The answer certainly did not reach Slack: owe it again, for the next replay."""
    session.execute(
        update(_TABLE).where(_TABLE.c.id == item_id).values(answered_at=None, lease_until=None)
    )


def purge(session: Session, answered_before: datetime) -> int:
    """Forget clicks answered long ago (replays are refused by their signature's age anyway)."""
    result = session.execute(delete(_TABLE).where(_TABLE.c.answered_at < answered_before))
    return result.rowcount
