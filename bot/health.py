"""The health check: is the database answering, is the outbox moving, is the tick turning?"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.runtime.clock import Clock
from bot.runtime.tick_watch import STALLED_PERIODS, TickWatch
from storage import health as figures
from storage.leads import count_set_aside
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.health")


@dataclass
class Health:
    """The answer to /healthz: healthy or not, each problem with its reason, and the figures."""

    problems: list[dict[str, str]] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        """Tell whether nothing is wrong."""
        return not self.problems

    def problem(self, part: str, reason: str) -> None:
        """Note what is wrong (part: database, outbox or tick) and why."""
        self.problems.append({"part": part, "reason": reason})

    def as_json(self) -> dict[str, Any]:
        """The JSON body: status, the database, the problems, then the figures."""
        return {
            "status": "ok" if self.healthy else "unavailable",
            **self.body,
            "problems": self.problems,
        }


def check_health(
    database: Database,
    clock: Clock,
    max_outbox_age_seconds: float,
    watches: Callable[[], list[TickWatch]],
) -> Health:
    """Look at the database, the outbox's oldest waiting message and this process's tick."""
    health = Health()
    read: tuple[list[figures.Backlog], dict[str, int], int] | None = None
    if database.ping():
        try:
            with database.reading() as session:
                read = (
                    figures.outbox_backlog(session, clock()),
                    figures.dead_lettered_by_kind(session),
                    count_set_aside(session),
                )
        except Exception:  # answering but not as it should (no schema, a corrupt file…)
            log.warning("health: the database answered but could not be read", exc_info=True)
    if read is None:
        health.body["database"] = "not answering"
        health.problem("database", "the database does not answer a query")
    else:
        health.body["database"] = "ok"
        backlog, dead, set_aside = read
        _outbox(health, backlog, dead, max_outbox_age_seconds)
        health.body["set_aside_leads"] = set_aside
    _tick(health, watches())
    return health


def _outbox(
    health: Health, backlog: list[figures.Backlog], dead: dict[str, int], max_age: float
) -> None:
    waiting = [b for b in backlog if b.oldest_waiting_seconds is not None]
    oldest = max(waiting, key=lambda b: b.oldest_waiting_seconds or 0.0, default=None)
    age = None if oldest is None else oldest.oldest_waiting_seconds
    health.body["outbox"] = {
        "pending": sum(b.pending for b in backlog),
        "oldest_waiting_seconds": None if age is None else round(age, 1),
        "oldest_waiting_kind": None if oldest is None else oldest.kind,
        "max_age_seconds": max_age,
        "dead_lettered": sum(dead.values()),
    }
    if oldest is not None and age is not None and age > max_age:
        health.problem(
            "outbox",
            f"the oldest waiting message ({oldest.kind}) has waited {age:.0f} s, "
            f"more than {max_age:g} s",
        )


def _tick(health: Health, watches: list[TickWatch]) -> None:
    if not watches:
        # Another process may run the tick; this one cannot tell how that one is doing.
        health.body["tick"] = {"running": False}
        return
    waits = [w.seconds_since_completed() or 0.0 for w in watches]
    watch, waited = max(zip(watches, waits, strict=True), key=lambda pair: pair[1])
    health.body["tick"] = {
        "running": True,
        "period_seconds": watch.period_seconds,
        "seconds_since_completed": round(waited, 1),
    }
    if watch.stalled():
        health.problem(
            "tick",
            f"the tick has not completed for {waited:.0f} s "
            f"({STALLED_PERIODS} periods are {STALLED_PERIODS * watch.period_seconds:g} s)",
        )
