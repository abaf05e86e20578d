"""The platform's routes: /healthz (is the bot moving?) and /metrics (Prometheus text format)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify

from bot.crm.status import connectors_on, dead_connector_writes
from bot.health import check_health
from bot.runtime import metrics
from bot.runtime.tick_watch import running_watches

if TYPE_CHECKING:
    from bot.deps import Deps


def register(web: Flask, deps: Deps) -> None:
    """Answer health checks and metric scrapes."""
    registry = metrics.registry_for(deps.database, deps.clock, running_watches)

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        health = check_health(
            deps.database,
            deps.clock,
            deps.settings.sla_health_outbox_max_age_seconds,
            running_watches,
        )
        # A CRM's failed last call is shown but is no reason for a 503: the writes wait in the
        # outbox and are retried, and restarting the bot would not bring the CRM back. A write
        # that failed until it was dead-lettered is lost to the CRM unless someone acts: 503.
        for lane, count in dead_connector_writes(deps.database).items():
            health.problem("connectors", f"{count} write(s) on {lane} were dead-lettered")
        body = health.as_json()
        # In Socket Mode the link is reported beside the rest but is no reason for a 503:
        # slack_sdk reconnects by itself, and a restart would not bring Slack back sooner.
        if deps.socket_connected is not None:
            body["slack"] = "connected" if deps.socket_connected() else "reconnecting"
        on = connectors_on(deps.settings)
        body["connectors"] = deps.connectors.report(on, deps.agreement.zone)
        return jsonify(body), 200 if health.healthy else 503

    @web.get("/metrics")
    def scrape() -> Response:
        return Response(
            metrics.exposition(registry), mimetype=None, content_type=metrics.CONTENT_TYPE
        )
