"""Slack events: the App Home tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the event listeners."""

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        if not deps.events.first_delivery(body.get("event_id")):
            return
        client.views_publish(user_id=event["user"], view=deps.events.home(event["user"]))
