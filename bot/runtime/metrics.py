"""Every metric the bot exposes on /metrics (Prometheus text format), and how to count them.

Two sources. Events (deliveries, failures, 429s, claims, breaches, ticks) are counted in this
process by the small functions below, which any part of the bot may call without holding a
reference to anything: they live in this module, outside prometheus_client's global default
registry. State (the outbox backlog, set-aside rows, breached leads) is read from the database
at each scrape by a collector bound to one app's database, so every process reports the same
shared truth and a restart loses none of it.

Why not one registry per app for the counters too: the calls sit deep in the outbox, claims
and sweeper, which would all need the app's registry handed down. One `sla-bot run` process
holds one app, so process-wide counters are exact there; tests build many apps in one process
and therefore compare counters before and after, never absolute values. Each app gets its own
CollectorRegistry (`registry_for`), so no collector is ever registered twice.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from bot.runtime.clock import Clock
from storage import health as figures
from storage.leads import count_set_aside
from storage.unit_of_work import Database

if TYPE_CHECKING:
    from bot.runtime.tick_watch import TickWatch

log = logging.getLogger("sla_bot.metrics")

# The classic text format every Prometheus server reads (what generate_latest writes).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A label takes at most this many values per metric; more (an unexpected error text, say)
# are counted as "other" so that a bad day cannot grow the series without bound.
MAX_LABEL_VALUES = 50
_LABEL = re.compile(r"[^A-Za-z0-9_.:-]+")

_DELIVERED = Counter(
    "sla_slack_deliveries",
    "Outbox messages Slack accepted, by Web API method.",
    ["method"],
    registry=None,
)
_FAILED = Counter(
    "sla_slack_delivery_failures",
    "Outbox calls Slack refused or that failed, by Web API method and Slack error.",
    ["method", "error"],
    registry=None,
)
_RATE_LIMITED = Counter(
    "sla_slack_rate_limited",
    "HTTP 429 answers from Slack (Retry-After honoured), by Web API method.",
    ["method"],
    registry=None,
)
_DEAD_LETTERED = Counter(
    "sla_outbox_dead_lettered",
    "Outbox messages set aside after failing again and again, by kind.",
    ["kind"],
    registry=None,
)
_CLAIMS = Counter(
    "sla_claims", "Claim clicks, by outcome (claimed, taken, refused…).", ["outcome"], registry=None
)
_BREACHES = Counter(
    "sla_breaches",
    "Leads that passed their response deadline without a first touch.",
    registry=None,
)
_TICK_DURATION = Histogram(
    "sla_tick_duration_seconds",
    "How long each scheduler tick took.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=None,
)
_TICK_LATENESS = Histogram(
    "sla_tick_lateness_seconds",
    "How much later than one period after the previous tick each tick started.",
    buckets=(0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=None,
)
_EVENTS = (
    _DELIVERED,
    _FAILED,
    _RATE_LIMITED,
    _DEAD_LETTERED,
    _CLAIMS,
    _BREACHES,
    _TICK_DURATION,
    _TICK_LATENESS,
)

_seen: dict[tuple[str, str], set[str]] = {}
_seen_lock = threading.Lock()


def _label(metric: str, position: str, value: str) -> str:
    clean = _LABEL.sub("_", str(value)).strip("_")[:64] or "unknown"
    with _seen_lock:
        values = _seen.setdefault((metric, position), set())
        if clean not in values:
            if len(values) >= MAX_LABEL_VALUES:
                return "other"
            values.add(clean)
    return clean


def delivered(method: str) -> None:
    """Count a message Slack accepted (method: the Web API method, e.g. chat.postMessage)."""
    _DELIVERED.labels(_label("delivered", "method", method)).inc()


def delivery_failed(method: str, error: str) -> None:
    """Count a failed delivery attempt with Slack's error code (or the exception's name)."""
    _FAILED.labels(_label("failed", "method", method), _label("failed", "error", error)).inc()


def rate_limited(method: str) -> None:
    """Count a 429 from Slack."""
    _RATE_LIMITED.labels(_label("rate_limited", "method", method)).inc()


def dead_lettered(kind: str) -> None:
    """Count an outbox message set aside for good (kind: announce, dm, thread…)."""
    _DEAD_LETTERED.labels(_label("dead_lettered", "kind", kind)).inc()


def claimed(outcome: str) -> None:
    """Count a claim click by its outcome."""
    _CLAIMS.labels(_label("claims", "outcome", outcome)).inc()


def breached() -> None:
    """Count a lead passing its response deadline."""
    _BREACHES.inc()


def tick_finished(duration_s: float, lateness_s: float) -> None:
    """Record one scheduler tick: how long it took and how late it started."""
    _TICK_DURATION.observe(max(0.0, duration_s))
    _TICK_LATENESS.observe(max(0.0, lateness_s))


class _ProcessEvents:
    """Yields this process's event counters into an app's registry."""

    def __init__(self, watches: Callable[[], list[TickWatch]]) -> None:
        self._watches = watches

    def collect(self) -> Iterator[Metric]:
        for metric in _EVENTS:
            yield from metric.collect()
        watches = self._watches()
        since = GaugeMetricFamily(
            "sla_tick_seconds_since_completed",
            "Seconds since the tick running in this process last completed.",
        )
        for watch in watches:
            waited = watch.seconds_since_completed()
            if waited is not None:
                since.add_metric([], waited)
        yield since
        yield GaugeMetricFamily(
            "sla_tick_running", "Whether the tick runs in this process.", value=int(bool(watches))
        )


class _DatabaseState:
    """Reads the outbox backlog, set-aside rows and breaches from one app's database."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def collect(self) -> Iterable[Metric]:
        try:
            with self._database.reading() as session:
                now = self._clock()
                backlog = figures.outbox_backlog(session, now)
                dead = figures.dead_lettered_by_kind(session)
                set_aside = count_set_aside(session)
                breached_leads = figures.count_breached_leads(session, now)
        except Exception:  # a scrape must answer even when the database does not
            log.warning("metrics: the database did not answer", exc_info=True)
            return [GaugeMetricFamily("sla_database_up", "Whether the database answered.", 0)]
        pending = GaugeMetricFamily(
            "sla_outbox_pending", "Messages owed to Slack, by kind.", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "sla_outbox_oldest_pending_age_seconds",
            "Seconds the oldest due, unleased message of each kind has waited (0: none).",
            labels=["kind"],
        )
        for each in backlog:
            pending.add_metric([each.kind], each.pending)
            oldest.add_metric([each.kind], each.oldest_waiting_seconds or 0.0)
        dead_rows = GaugeMetricFamily(
            "sla_outbox_dead_rows",
            "Outbox rows set aside (dead-lettered), by kind.",
            labels=["kind"],
        )
        for kind, count in sorted(dead.items()):
            dead_rows.add_metric([kind], count)
        return [
            GaugeMetricFamily("sla_database_up", "Whether the database answered.", 1),
            pending,
            oldest,
            dead_rows,
            GaugeMetricFamily(
                "sla_leads_set_aside",
                "Leads the tick set aside after repeated failures.",
                set_aside,
            ),
            GaugeMetricFamily(
                "sla_leads_breached", "Leads that breached their response deadline.", breached_leads
            ),
        ]


def registry_for(
    database: Database, clock: Clock, watches: Callable[[], list[TickWatch]]
) -> CollectorRegistry:
    """A registry for one app: this process's events and that app's database state."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessEvents(watches))
    registry.register(_DatabaseState(database, clock))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The registry's metrics in Prometheus text format."""
    return generate_latest(registry)
