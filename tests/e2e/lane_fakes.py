"""A recording connector for the external-lane tests: in memory, switchable down or rate-limited."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.crm.lanes import ExternalOutcome
from bot.outbox.calls import Pending


@dataclass
class Recorder:
    """Takes every write it is given; `down`, `limited` and `land_then_time_out` misbehave."""

    lane: str = "ext:fake"
    pace: float = 0.01
    lease: float = 0.0
    kinds: tuple[str, ...] = ("handoff", "claimed", "touch", "closed", "breached")
    down: bool = False
    limited: int = 0
    retry_after: float = 0.3
    land_then_time_out: int = 0
    written: list[tuple[int | None, int, dict[str, Any]]] = field(default_factory=list)
    calls: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wants(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        actor: str | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        return {"detail": dict(detail)} if kind in self.kinds else None

    def deliver(self, row: Pending) -> ExternalOutcome:
        with self.lock:
            if self.down:
                self.calls.append((time.monotonic(), "503"))
                return ExternalOutcome(False, transient=True, error="http_503")
            if self.limited > 0:
                self.limited -= 1
                self.calls.append((time.monotonic(), "429"))
                return ExternalOutcome(False, retry_after=self.retry_after, error="http_429")
            self.calls.append((time.monotonic(), "ok"))
            self.written.append((row.lead_id, row.id, row.payload))
            if self.land_then_time_out > 0:
                self.land_then_time_out -= 1
                return ExternalOutcome(False, transient=True, unknown=True, error="Timeout")
            return ExternalOutcome(True)

    def settle(self, row: Pending) -> bool:
        with self.lock:
            return any(written == row.id for _, written, _ in self.written)

    def ids(self) -> list[int]:
        with self.lock:
            return [row for _, row, _ in self.written]
