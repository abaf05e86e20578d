"""The scheduler: one short interval tick per process; every timer lives in the database."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import metrics
from bot.runtime.clock import utc_now

log = logging.getLogger("sla_bot.scheduler")

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


class Ticker:
    """Runs the tick every few seconds in a background thread, never two at once."""

    def __init__(
        self,
        tick: Callable[[], int],
        every_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tick = tick
        self._monotonic = monotonic
        self._scheduler = BackgroundScheduler(timezone="UTC")
        # Jobs are not persisted: APScheduler 3 cannot share a job store between processes,
        # so the tick only asks the database what is due.
        self._scheduler.add_job(
            self._run,
            "interval",
            seconds=every_seconds,
            id="sla-tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(every_seconds)),
            next_run_time=None,
        )
        self.every = timedelta(seconds=every_seconds)
        self.watch = TickWatch(every_seconds, monotonic)
        self._last_start: float | None = None

    def _run(self) -> None:
        started = self._monotonic()
        # How much later than one period after the previous start this one began: a tick that
        # overran, or a starved scheduler thread, shows here.
        lateness = 0.0
        if self._last_start is not None:
            lateness = max(0.0, started - self._last_start - self.every.total_seconds())
        self._last_start = started
        try:
            self._tick()
        except Exception:  # one failed tick must not stop the next; the log keeps the trace
            log.exception("tick failed")
        finally:
            duration = max(0.0, self._monotonic() - started)
            self.watch.completed(duration)
            metrics.tick_finished(duration, lateness)

    def run_once(self) -> int:
        """Run the tick now, in the calling thread."""
        return int(self._tick() or 0)

    def start(self) -> None:
        """Start ticking (the first tick runs at once)."""
        self.watch.begin()
        with _running_lock:
            _running.append(self.watch)
        self._scheduler.start()
        self._scheduler.modify_job("sla-tick", next_run_time=utc_now())

    @property
    def running(self) -> bool:
        """Tell whether the scheduler is ticking in this process."""
        return bool(self._scheduler.running)

    def stop(self) -> None:
        """Stop ticking and wait for a running tick to finish."""
        with _running_lock:
            if self.watch in _running:
                _running.remove(self.watch)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
