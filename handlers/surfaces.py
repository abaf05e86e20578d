"""Every Slack listener and HTTP route, registered explicitly, one module per surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from slack_bolt import App

from handlers import (
    actions,
    api,
    commands,
    crm,
    errors,
    events,
    health,
    http,
    views,
)

if TYPE_CHECKING:
    from bot.deps import Deps


def register(bolt: App, web: Flask, deps: Deps) -> None:
    """Register every listener and route."""
    errors.register(bolt, deps)
    commands.register(bolt, deps)
    events.register(bolt, deps)
    actions.register(bolt, deps)
    views.register(bolt, deps)
    http.register(web, bolt, deps)
    api.register(web, deps)
    crm.register(web, deps)
    health.register(web, deps)
