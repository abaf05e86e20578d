"""The one error handler: log the traceback, tell the user in plain words."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("sla_bot.errors")


def register(app: App, deps: Deps) -> None:
    """Install the error handler."""

    @app.error
    def on_error(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
        log.error("listener failed: %s", error, exc_info=error)
        text = deps.catalogue.t("error.generic")
        try:
            tell_user(body, client, text)
        except Exception:  # the user could not be told; the traceback above is what matters
            log.exception("could not tell the user about the failure")
        return BoltResponse(status=500, body="")


def tell_user(body: dict[str, Any], client: WebClient, text: str) -> None:
    """Tell the person who triggered a failed request, the quickest way the request allows."""
    response_url = body.get("response_url") or next(
        (url.get("response_url") for url in body.get("response_urls", [])), None
    )
    if response_url:
        WebhookClient(response_url).send(
            text=text, response_type="ephemeral", replace_original=False
        )
        return
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    if user and channel:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    elif user:
        client.chat_postMessage(channel=user, text=text)
