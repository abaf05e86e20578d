"""The HTTP route Slack calls: /slack/events (health and metrics are in handlers/health.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

if TYPE_CHECKING:
    from bot.deps import Deps


def register(web: Flask, bolt: App, deps: Deps) -> None:
    """Route Slack's requests to Bolt."""
    slack = SlackRequestHandler(bolt)

    @web.post("/slack/events")
    def slack_events() -> Response:
        return slack.handle(request)
