"""The HTTP routes Slack and the platform call: /slack/events and /healthz."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

if TYPE_CHECKING:
    from bot.deps import Deps


def register(web: Flask, bolt: App, deps: Deps) -> None:
    """Route Slack's requests to Bolt and answer health checks."""
    slack = SlackRequestHandler(bolt)

    @web.post("/slack/events")
    def slack_events() -> Response:
        return slack.handle(request)

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        # The status follows the database only (the contract); in Socket Mode the link is
        # reported beside it, so monitoring can tell a deaf bot, while slack_sdk reconnects.
        link: dict[str, str] = {}
        if deps.socket_connected is not None:
            link["slack"] = "connected" if deps.socket_connected() else "reconnecting"
        if deps.database.ping():
            return jsonify(status="ok", database="ok", **link), 200
        return jsonify(status="unavailable", database="not answering", **link), 503
