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
from bot.claims import Claims
from bot.clock import Clock, utc_now
from bot.commands import SlaCommands
from bot.deps import Deps
from bot.events import EventUseCases
from bot.handoffs import Handoffs
from bot.knowledge import KnowledgeAnswers
from bot.lead_messages import LeadMessages
from bot.lead_story import LeadStories
from bot.outbox.worker import PACE_SECONDS, OutboxWorker
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

    def start_background(self) -> None:
        """Start the outbox worker."""
        self.deps.outbox.start()

    def close(self) -> None:
        """Stop the background work and release the database connections."""
        self.deps.outbox.stop()
        self.deps.database.dispose()


def create_app(
    settings: Settings,
    agreement: Agreement,
    *,
    database: Database | None = None,
    clock: Clock = utc_now,
    pace_seconds: float = PACE_SECONDS,
) -> SlaBot:
    """Build the whole bot from its settings and agreement."""
    database = database or Database(make_engine(settings.database_url))
    catalogue = Catalogue(agreement.locale)
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)],
    )
    # The outbox retries by itself, with the database as its memory: a silent client-side
    # retry after a timeout could post a message twice.
    delivery_client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[],
        timeout=15,
    )
    bolt = App(
        client=client,
        # Socket Mode requests arrive over the websocket and carry no signature to check.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=True,
        name="sla-bot",
    )
    messages = LeadMessages(catalogue, agreement.zone, agreement.response.first_touch_within)
    outbox = OutboxWorker(database, delivery_client, messages, clock, pace_seconds=pace_seconds)
    stories = LeadStories(database, catalogue, agreement.zone, clock)
    deps = Deps(
        settings=settings,
        agreement=agreement,
        catalogue=catalogue,
        database=database,
        clock=clock,
        commands=SlaCommands(KnowledgeAnswers(agreement, catalogue), stories),
        events=EventUseCases(database, agreement.company, catalogue, clock),
        messages=messages,
        handoffs=Handoffs(database, agreement, messages, clock, on_commit=outbox.wake),
        claims=Claims(database, agreement, messages, clock, on_commit=outbox.wake),
        outbox=outbox,
    )
    web = Flask("sla-bot")
    handlers.register(bolt, web, deps)
    return SlaBot(bolt=bolt, web=web, deps=deps)
