"""How each CRM connector's last call went, for /healthz: a small thread-safe registry."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.health import dead_lettered_external
from storage.unit_of_work import Database

CONNECTORS = ("hubspot", "salesforce", "webhook")
MAX_ERROR = 200  # an error's text is a reason, never a payload (no contact data in it)


@dataclass(frozen=True)
class LastCall:
    """One connector's last call: ok or failed, when, and why it failed."""

    ok: bool
    at: datetime
    error: str | None = None


class ConnectorStatus:
    """The last call of each connector, recorded by the connectors, read by /healthz."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, LastCall] = {}

    def record_ok(self, name: str, at: datetime) -> None:
        """Note that the connector's last call worked."""
        with self._lock:
            self._last[name] = LastCall(True, at)

    def record_failure(self, name: str, at: datetime, error: str) -> None:
        """Note that the connector's last call failed, and why (short, no payload)."""
        with self._lock:
            self._last[name] = LastCall(False, at, " ".join(error.split())[:MAX_ERROR])

    def last(self, name: str) -> LastCall | None:
        """The connector's last call, or None before its first."""
        with self._lock:
            return self._last.get(name)

    def report(self, on: dict[str, bool], zone: Any = None) -> dict[str, dict[str, Any]]:
        """/healthz's `connectors` object: on, last_call (ok|failed|null), at, last_error."""
        shown: dict[str, dict[str, Any]] = {}
        for name, enabled in on.items():
            last = self.last(name)
            entry: dict[str, Any] = {"on": enabled, "last_call": None}
            if last is not None:
                entry["last_call"] = "ok" if last.ok else "failed"
                at = last.at.astimezone(zone) if zone is not None else last.at
                entry["at"] = at.isoformat(timespec="seconds")
                if last.error is not None:
                    entry["last_error"] = last.error
            shown[name] = entry
        return shown


def connectors_on(settings: Any) -> dict[str, bool]:
    """Which connectors are configured (each is off until its settings are set)."""

    def has(*names: str) -> bool:
        return all(getattr(settings, name, None) for name in names)

    return {
        "hubspot": has("hubspot_access_token") or has("hubspot_client_secret"),
        "salesforce": has("salesforce_instance_url"),
        "webhook": has("outgoing_webhook_url", "outgoing_webhook_secret"),
    }


def dead_connector_writes(database: Database) -> dict[str, int]:
    """Dead-lettered writes per external lane (ext:hubspot, ...); {} when the read fails."""
    try:
        with database.reading() as session:
            return dead_lettered_external(session)
    except Exception:  # /healthz's database check reports an unreadable database already
        return {}


class Watched:
    """A connector whose every write is noted in the status registry (HubSpot, Salesforce)."""

    def __init__(self, inner: Any, status: ConnectorStatus, name: str, clock: Any) -> None:
        self.inner = inner
        self.status = status
        self.name = name
        self.clock = clock

    @property
    def lane(self) -> str:
        """The inner connector's lane."""
        return str(self.inner.lane)

    @property
    def pace(self) -> float:
        """The inner connector's pace."""
        return float(self.inner.pace)

    @property
    def lease(self) -> float:
        """The inner connector's lease."""
        return float(self.inner.lease)

    def wants(self, *args: Any, **kwargs: Any) -> Any:
        """What the inner connector owes for a lead event."""
        return self.inner.wants(*args, **kwargs)

    def settle(self, row: Any) -> bool:
        """Whether an earlier try landed, as the inner connector looks it up."""
        return bool(self.inner.settle(row))

    def deliver(self, row: Any) -> Any:
        """Write through the inner connector and note how the call went."""
        try:
            outcome = self.inner.deliver(row)
        except Exception as error:
            self.status.record_failure(self.name, self.clock(), type(error).__name__)
            raise
        if outcome.ok:
            self.status.record_ok(self.name, self.clock())
        else:
            reason = "rate limited" if outcome.retry_after is not None else outcome.error
            self.status.record_failure(self.name, self.clock(), str(reason or "failed"))
        return outcome
