"""The outgoing webhook as a connector on the ext:webhook lane: each lead event, signed, once."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.crm.lanes import ExternalOutcome
from bot.crm.status import ConnectorStatus
from bot.crm.webhook_out import event_body, signed_headers
from bot.outbox.calls import Pending
from bot.ui.lead_view import LeadView
from storage.models import Lead

LANE = "ext:webhook"
# Lead events (storage event kinds) and the webhook's event types.
TYPES = {
    "handoff": "lead.handed_off",
    "claimed": "lead.claimed",
    "touch": "lead.touched",
    "breached": "lead.breached",
    "closed": "lead.closed",
}
TIMEOUT_SECONDS = 10.0


class WebhookConnector:
    """POSTs every lead event to OUTGOING_WEBHOOK_URL, signed with OUTGOING_WEBHOOK_SECRET."""

    def __init__(
        self,
        url: str,
        secret: str,
        zone: Any,
        clock: Callable[[], datetime],
        status: ConnectorStatus,
        pace: float = 0.05,
    ) -> None:
        self.url = url
        self.secret = secret
        self.zone = zone
        self.clock = clock
        self.status = status
        self.lane = LANE
        self.pace = pace
        self.lease = TIMEOUT_SECONDS + 5.0

    def wants(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        actor: str | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """The event's type and the lead as the API shows it (as of this change)."""
        event_type = TYPES.get(kind)
        lead = session.get(Lead, lead_id)
        if event_type is None or lead is None:
            return None
        return {"type": event_type, "lead": LeadView.of(lead).api(self.zone)}

    def deliver(self, row: Pending) -> ExternalOutcome:
        """POST the signed event; 2xx is done, 429 waits, 5xx and network errors retry."""
        payload = row.payload if isinstance(row.payload, dict) else {}
        try:
            occurred = datetime.fromisoformat(str(payload["at"])).astimezone(self.zone)
            body = event_body(str(payload["type"]), occurred, payload["lead"])
        except (KeyError, ValueError, TypeError) as bad:
            return ExternalOutcome(False, error=f"unusable row: {type(bad).__name__}")
        now = self.clock()
        headers = signed_headers(self.secret, int(now.timestamp()), body, f"evt-{row.id}")
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
                answer.read()
        except urllib.error.HTTPError as refused:
            error = f"HTTP {refused.code}"
            self.status.record_failure("webhook", now, error)
            if refused.code == 429:
                wait = refused.headers.get("Retry-After", "")
                return ExternalOutcome(False, retry_after=float(wait) if wait.isdigit() else 1.0)
            return ExternalOutcome(False, transient=refused.code >= 500, error=error)
        except (urllib.error.URLError, TimeoutError, OSError) as failed:
            self.status.record_failure("webhook", now, type(failed).__name__)
            # The receiver may have had it: it dedupes on X-Sla-Event-Id, so a resend is safe.
            return ExternalOutcome(False, transient=True, error=type(failed).__name__)
        self.status.record_ok("webhook", now)
        return ExternalOutcome(True)

    def settle(self, row: Pending) -> bool:
        """Never known to have landed: resend (the event ID makes a repeat harmless)."""
        return False
