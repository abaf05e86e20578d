"""The notification ledger: one row per (lead, step), so each step fires exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.inserts import insert_if_absent
from storage.models import NotificationLedger


def record_step(session: Session, lead_id: int, step: str, due_at: datetime, now: datetime) -> bool:
    """Claim a step for a lead; False when it already fired (here or in another process)."""
    return insert_if_absent(
        session,
        NotificationLedger.__table__,
        {"lead_id": lead_id, "step": step, "due_at": due_at, "fired_at": now},
    )
