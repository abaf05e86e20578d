"""Logging set-up for the command line."""

from __future__ import annotations

import logging


def configure_logging(level: int = logging.INFO) -> None:
    """Log one line per record with time, level and source."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    # Alembic announces each of its plugins at INFO on import: noise for our users.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(level, logging.WARNING))
    # APScheduler logs every run of the tick at INFO: one line every few seconds, forever.
    logging.getLogger("apscheduler.executors.default").setLevel(max(level, logging.WARNING))
