"""When the scheduler's tick last completed: what the health check and the metrics read.

Apart from the scheduler so that the metrics can read a watch without importing the ticker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# The health check calls the tick stalled once it has not completed for this many periods.
STALLED_PERIODS = 3


@dataclass(eq=False)  # identity: two tickers with the same figures are still two
class TickWatch:
    """When the tick of one running Ticker last completed, on the monotonic clock."""

    period_seconds: float
    monotonic: Callable[[], float] = time.monotonic
    started: float | None = None
    last_completed: float | None = None
    last_duration: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def begin(self) -> None:
        """The ticker starts: the wait for the first completion starts now."""
        with self._lock:
            self.started = self.monotonic()
            self.last_completed = None

    def completed(self, duration_seconds: float) -> None:
        """A tick has just finished (well or not: a failed tick still proves the loop turns)."""
        with self._lock:
            self.last_completed = self.monotonic()
            self.last_duration = duration_seconds

    def seconds_since_completed(self) -> float | None:
        """Seconds since the last completed tick (or since the start, before the first one)."""
        with self._lock:
            since = self.last_completed if self.last_completed is not None else self.started
        return None if since is None else max(0.0, self.monotonic() - since)

    def stalled(self) -> bool:
        """Tell whether the tick has not completed for STALLED_PERIODS periods."""
        waited = self.seconds_since_completed()
        return waited is not None and waited > STALLED_PERIODS * self.period_seconds


# The tickers running in this process (one under `sla-bot run`; tests start and stop many).
_running: list[TickWatch] = []
_running_lock = threading.Lock()


def running_watches() -> list[TickWatch]:
    """The watches of the tickers running in this process right now."""
    with _running_lock:
        return list(_running)


def track(watch: TickWatch) -> None:
    """A ticker has started in this process: its watch is read from now on."""
    with _running_lock:
        _running.append(watch)


def untrack(watch: TickWatch) -> None:
    """A ticker has stopped: its watch is no longer read."""
    with _running_lock:
        if watch in _running:
            _running.remove(watch)
