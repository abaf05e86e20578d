"""Slack events: the App Home tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack_input import Unreadable, text_of, user_of

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the event listeners."""

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        try:
            user = user_of({"user_id": event.get("user")})
        except Unreadable:
            return  # an event about nobody: there is no Home to show (events get no answer)
        if not deps.events.first_delivery(text_of(body.get("event_id"))):
            return
        client.views_publish(user_id=user, view=deps.events.home(user))
