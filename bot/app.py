"""The app factory: assembles Bolt, the HTTP server's routes and the use cases in one place."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

import handlers
from bot.catalogue import Catalogue
from bot.clock import Clock, utc_now
from bot.commands import SlaCommands
from bot.deps import Deps
from bot.events import EventUseCases
from bot.knowledge import KnowledgeAnswers
from bot.settings import Settings
from sla_rules.agreement import Agreement
from storage.engine import make_engine
from storage.unit_of_work import Database

log = logging.getLogger(__name__)


@dataclass
class SlaBot:
    """The assembled bot: the Bolt app, the WSGI app that serves it, and their parts."""

    bolt: App
    web: Flask
    deps: Deps

    def close(self) -> None:
        """Release the database connections."""
        self.deps.database.dispose()


def create_app(
    settings: Settings,
    agreement: Agreement,
    *,
    database: Database | None = None,
    clock: Clock = utc_now,
) -> SlaBot:
    """Build the whole bot from its settings and agreement."""
    database = database or Database(make_engine(settings.database_url))
    catalogue = Catalogue(agreement.locale)
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)],
    )
    bolt = App(
        client=client,
        # Socket Mode requests arrive over the websocket and carry no signature to check.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=True,
        name="sla-bot",
    )
    deps = Deps(
        settings=settings,
        agreement=agreement,
        catalogue=catalogue,
        database=database,
        clock=clock,
        commands=SlaCommands(KnowledgeAnswers(agreement, catalogue)),
        events=EventUseCases(database, agreement.company, catalogue, clock),
    )
    web = Flask("sla-bot")
    handlers.register(bolt, web, deps)
    return SlaBot(bolt=bolt, web=web, deps=deps)
