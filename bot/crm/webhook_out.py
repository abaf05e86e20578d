"""The outgoing webhook: each lead event as signed JSON (payload builder, signer, verifier).

Headers: `X-Sla-Timestamp` (Unix seconds), `X-Sla-Signature: v1=<hex HMAC-SHA256 of
"<timestamp>.<body>">` with the shared secret, and `X-Sla-Event-Id` for receivers' dedupe.
Pure: no I/O; delivery goes through the outbox's ext:webhook lane.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any, Literal

EventType = Literal[
    "lead.handed_off", "lead.claimed", "lead.touched", "lead.breached", "lead.closed"
]
EVENT_TYPES: tuple[str, ...] = (
    "lead.handed_off",
    "lead.claimed",
    "lead.touched",
    "lead.breached",
    "lead.closed",
)
TIMESTAMP = "X-Sla-Timestamp"
SIGNATURE = "X-Sla-Signature"
EVENT_ID = "X-Sla-Event-Id"
TOLERANCE_SECONDS = 300


def event_body(event_type: str, occurred_at: datetime, lead: dict[str, Any], **extra: Any) -> bytes:
    """The JSON body of one event: type, occurred_at (ISO 8601 with offset), the lead."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if occurred_at.utcoffset() is None:
        raise ValueError("occurred_at needs a time zone")
    body = {
        "type": event_type,
        "occurred_at": occurred_at.isoformat(timespec="seconds"),
        "lead": lead,
        **extra,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """v1=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    message = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes, event_id: str) -> dict[str, str]:
    """The headers of one delivery (the same event ID on every retry)."""
    return {
        "Content-Type": "application/json",
        TIMESTAMP: str(timestamp),
        SIGNATURE: signature(secret, timestamp, body),
        EVENT_ID: event_id,
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """Whether a delivery is ours and fresh: what a receiver runs (copy it; stdlib only)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    stamp = lowered.get(TIMESTAMP.lower(), "")
    given = lowered.get(SIGNATURE.lower(), "")
    if not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    expected = signature(secret, int(stamp), body)
    # A receiver may see several v1= values while a secret rotates: any one may match.
    return any(hmac.compare_digest(part.strip(), expected) for part in given.split(","))
