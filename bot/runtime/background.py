"""A small pool for work that follows an ack: the acks themselves never queue behind it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger("sla_bot.background")

# Few threads on purpose: under one GIL, more workers would only take the CPU that Slack's
# three-second acks need (a claim race is 20 clicks arriving at once).
WORKERS = 2


class Background:
    """Runs follow-up work (claims and their answers) after the listener has acked."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="follow-up")

    def submit(
        self, work: Callable[[], None], on_error: Callable[[Exception], None]
    ) -> Future[None]:
        """Run work soon; a failure is logged with its traceback and reported to on_error."""

        def run() -> None:
            try:
                work()
            except Exception as error:
                log.exception("follow-up work failed")
                try:
                    on_error(error)
                except Exception:  # telling the user failed too; the trace above is what matters
                    log.exception("could not report the failure")

        return self._pool.submit(run)

    def shutdown(self) -> None:
        """Finish what was submitted and stop."""
        self._pool.shutdown(wait=True)
