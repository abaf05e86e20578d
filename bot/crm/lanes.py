"""External lanes: CRM writes that travel through the outbox beside the Slack messages.

A connector names its lane (an outbox channel starting with "ext:"), its pace (seconds between
calls, under the CRM's rate limit), which lead events it writes back, how to deliver one row and
how to settle a row whose earlier try had an unknown outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.outbox.calls import Pending
from storage import outbox as box

# The outbox row kind of every CRM write; the lead event it writes back is in its payload.
ROW_KIND = "crm"


@dataclass(frozen=True)
class ExternalOutcome:
    """How one CRM write went.

    retry_after: the CRM rate-limited it (never a fault); transient: a later try can fix it;
    unknown: the CRM may have done (part of) it; calls: how many API calls it made (pacing);
    not_before: the row's next try waits at least this many seconds (a CRM whose lookup of
    the unknown try lags behind its writes must not be asked too soon).
    """

    ok: bool
    retry_after: float | None = None
    transient: bool = False
    unknown: bool = False
    error: str = ""
    calls: int = 1
    not_before: float = 0.0


class Connector(Protocol):
    """One CRM (or webhook) the bot writes lead events back to."""

    @property
    def lane(self) -> str:
        """The outbox channel of its rows, e.g. "ext:hubspot"."""
        ...

    @property
    def pace(self) -> float:
        """Seconds between two API calls to it, across every process (its rate limit)."""
        ...

    @property
    def lease(self) -> float:
        """Seconds one write may take at worst (its calls' timeouts): no other worker takes it."""
        ...

    def wants(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        actor: str | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """The payload to owe the CRM for this lead event, or None when it does not care."""
        ...

    def deliver(self, row: Pending) -> ExternalOutcome:
        """Write one row to the CRM (no database session: the worker records the outcome)."""
        ...

    def settle(self, row: Pending) -> bool:
        """Whether an earlier try of this row already landed (looked up in the CRM).

        Raises when the CRM cannot be asked: the row stays in doubt and is looked up again.
        """
        ...


def is_external(channel: str) -> bool:
    """Whether an outbox row is a CRM write."""
    return channel.startswith(box.EXTERNAL)


class CrmFeed:
    """Owes each connector the lead events it wants, in the same transaction as the change."""

    def __init__(self, connectors: Sequence[Connector]) -> None:
        self.connectors = {connector.lane: connector for connector in connectors}

    def sink(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        at: datetime,
        actor: str | None,
        detail: dict[str, Any],
    ) -> None:
        """The storage event sink: one outbox row per connector that wants this event."""
        for lane, connector in self.connectors.items():
            payload = connector.wants(session, lead_id, kind, actor, detail)
            if payload is None:
                continue
            box.enqueue(
                session,
                kind=ROW_KIND,
                channel=lane,
                lead_id=lead_id,
                now=at,
                payload={"event": kind, "at": at.isoformat(), "actor": actor, **payload},
            )
