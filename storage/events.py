"""Slack events already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.inserts import insert_if_absent
from storage.models import SlackEvent


def remember_event(session: Session, event_id: str, now: datetime) -> bool:
    """Record an event ID; tell whether it is the first time it was seen."""
    return insert_if_absent(
        session, SlackEvent.__table__, {"event_id": event_id[:64], "received_at": now}
    )
