"""The one error handler: log the traceback, tell the user (of a verified request only)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from handlers.envelope import envelope_problem

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("sla_bot.errors")

# Set by a global middleware, which Bolt runs only after its own signature check passed (or
# for Socket Mode, whose requests arrive over the authenticated WebSocket).
VERIFIED = "sla_request_verified"


class VerifiedAndShaped(Middleware):
    """Marks the request verified and refuses payloads Bolt could not route safely.

    A Middleware object, not a function: Bolt builds a function middleware's arguments
    (`action`, `view`...) from the payload first, and that itself fails on a malformed one.
    """

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # Bolt's keyword
    ) -> BoltResponse | None:
        """Run after Bolt's own checks, before any listener is matched."""
        req.context[VERIFIED] = True
        # The HTTP route refuses these before Bolt; Socket Mode payloads arrive here first.
        problem = envelope_problem(req.body)
        if problem is not None:
            log.warning("malformed Slack payload refused: %s", problem)
            # Over Socket Mode the envelope is still acknowledged: Slack would only resend it.
            return BoltResponse(status=200 if req.mode == "socket_mode" else 400, body="")
        return next()


def register(app: App, deps: Deps) -> None:
    """Install the verification marker (with the payload shape check) and the error handler."""
    app.use(VerifiedAndShaped())

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> BoltResponse:
        log.error("listener failed: %s", error, exc_info=error)
        if not context.get(VERIFIED):
            # Whatever the body says (a response_url, a channel, a user) came from nobody we
            # know: it is not read, not even to apologise.
            return BoltResponse(status=401, body="")
        text = deps.catalogue.t("error.generic")
        try:
            tell_user(body, client, text)
        except Exception:  # the user could not be told; the traceback above is what matters
            log.exception("could not tell the user about the failure")
        return BoltResponse(status=500, body="")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _id_of(value: object) -> str | None:
    # Slack sends "user" as an object in interactions and as a plain ID in commands.
    if isinstance(value, dict):
        return _text(value.get("id"))
    return None


def tell_user(body: dict[str, Any], client: WebClient, text: str) -> None:
    """Tell the person who triggered a failed request, the quickest way the request allows."""
    urls = body.get("response_urls")
    first = urls[0] if isinstance(urls, list) and urls else None
    response_url = _text(body.get("response_url")) or (
        _text(first.get("response_url")) if isinstance(first, dict) else None
    )
    if response_url:
        WebhookClient(response_url).send(
            text=text, response_type="ephemeral", replace_original=False
        )
        return
    user = _text(body.get("user_id")) or _id_of(body.get("user"))
    channel = _text(body.get("channel_id")) or _id_of(body.get("channel"))
    if user and channel:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    elif user:
        client.chat_postMessage(channel=user, text=text)
