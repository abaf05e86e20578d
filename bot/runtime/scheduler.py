"""The scheduler: one short interval tick per process; every timer lives in the database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import metrics
from bot.runtime.clock import utc_now
from bot.runtime.tick_watch import TickWatch, track, untrack

log = logging.getLogger("sla_bot.scheduler")


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
        track(self.watch)
        self._scheduler.start()
        self._scheduler.modify_job("sla-tick", next_run_time=utc_now())

    @property
    def running(self) -> bool:
        """Tell whether the scheduler is ticking in this process."""
        return bool(self._scheduler.running)

    def stop(self) -> None:
        """Stop ticking and wait for a running tick to finish."""
        untrack(self.watch)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
