"""The CRM receipts: what HubSpot (or Salesforce) sent, kept once per key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.inserts import insert_if_absent
from storage.models import CrmReceipt


def seen(session: Session, key: str) -> CrmReceipt | None:
    """The receipt kept under a key, if any."""
    return session.scalar(select(CrmReceipt).where(CrmReceipt.key == key))


def kept_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these keys have a receipt (one query for a whole batch)."""
    if not keys:
        return set()
    return set(session.scalars(select(CrmReceipt.key).where(CrmReceipt.key.in_(list(keys)))))


def keep(
    session: Session,
    *,
    source: str,
    key: str,
    verdict: str,
    outcome: str,
    missing: list[str],
    payload: dict[str, Any],
    lead_id: int | None,
    now: datetime,
) -> bool:
    """Keep a receipt; False when its key was kept already (a replay)."""
    values = {
        "source": source,
        "key": key[:200],
        "verdict": verdict,
        "outcome": outcome,
        "missing": missing,
        "payload": payload,
        "lead_id": lead_id,
        "received_at": now,
    }
    return insert_if_absent(session, CrmReceipt.__table__, values)
