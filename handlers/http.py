"""The HTTP route Slack calls: /slack/events (health and metrics are in handlers/health.py)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from flask import Flask, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response
from slack_bolt.request.internals import parse_body

from handlers.envelope import envelope_problem
from handlers.signature import is_signed_by_slack

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("sla_bot.http")


def register(web: Flask, bolt: App, deps: Deps) -> None:
    """Route Slack's requests to Bolt, once their signature and shape are checked."""
    secret = deps.settings.slack_signing_secret or ""

    @web.post("/slack/events")
    def slack_events() -> Response:
        # Checked here, before Bolt: its own check can raise on a malformed header, and then
        # its error handler, middlewares and logging all see a body nobody vouched for.
        body = request.get_data(cache=True)
        if not is_signed_by_slack(secret, request.headers, body, time.time()):
            return Response("", status=401)
        try:
            # Bolt parses the body once, here; its shape is checked before Bolt reads it.
            bolt_request = to_bolt_request(request)
        except Exception as error:  # any failure to read the body makes it a bad request
            # Bolt reads part of the envelope (IDs, authorizations) as it builds its request;
            # a shape it does not expect, or JSON nested too deep, is the sender's fault.
            log.warning("unreadable Slack request refused (%s)", type(error).__name__)
            problem = _shape_problem(body, request.headers.get("Content-Type"))
            return Response(problem or "unreadable payload", status=400, mimetype="text/plain")
        problem = envelope_problem(bolt_request.body)
        if problem is not None:
            log.warning("malformed Slack payload refused: %s", problem)
            return Response(problem, status=400, mimetype="text/plain")
        return to_flask_response(bolt.dispatch(bolt_request))


def _shape_problem(body: bytes, content_type: str | None) -> str | None:
    """What is wrong with a body Bolt could not read, when its shape says (else None)."""
    try:
        return envelope_problem(parse_body(body.decode("utf-8"), content_type))
    except (ValueError, RecursionError):
        return None
