"""The scheduler: one short interval tick per process; every timer lives in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import utc_now

log = logging.getLogger("sla_bot.scheduler")


class Ticker:
    """Runs the tick every few seconds in a background thread, never two at once."""

    def __init__(self, tick: Callable[[], int], every_seconds: float) -> None:
        self._tick = tick
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

    def _run(self) -> None:
        try:
            self._tick()
        except Exception:  # one failed tick must not stop the next; the log keeps the trace
            log.exception("tick failed")

    def run_once(self) -> int:
        """Run the tick now, in the calling thread."""
        return int(self._tick() or 0)

    def start(self) -> None:
        """Start ticking (the first tick runs at once)."""
        self._scheduler.start()
        self._scheduler.modify_job("sla-tick", next_run_time=utc_now())

    def stop(self) -> None:
        """Stop ticking and wait for a running tick to finish."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
