"""What the connectors tell the managers: one DM each, owed in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from storage.outbox import enqueue


def tell_managers(session: Session, managers: Sequence[str], now: datetime, text: str) -> None:
    """Owe each manager a DM with this text."""
    for manager in managers:
        enqueue(session, kind="dm", channel=manager, now=now, payload={"text": text})
