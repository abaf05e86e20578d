"""The app factory: assembles Bolt, the HTTP server's routes and the use cases in one place."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

import handlers
from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.answers import TouchAnswers
from bot.cadence.api_touches import ApiTouches, slack_user_finder
from bot.cadence.mine import MyLeads
from bot.crm.crm_close import CrmClose
from bot.crm.hubspot_in import HubSpotIn
from bot.crm.hubspot_inbox import HubSpotInbox
from bot.crm.hubspot_reader import SharedPace, contact_reader
from bot.crm.hubspot_setup import hubspot_out
from bot.crm.lanes import Connector, CrmFeed
from bot.crm.salesforce_in import SalesforceInbox
from bot.crm.salesforce_setup import salesforce_out
from bot.crm.status import ConnectorStatus, Watched
from bot.crm.webhook_lane import WebhookConnector
from bot.deps import Deps
from bot.home.events import EventUseCases
from bot.home.tab import HomeTab
from bot.knowledge.answers import KnowledgeAnswers
from bot.leads.claim_inbox import ClaimInbox
from bot.outbox.worker import PACE_SECONDS, OutboxWorker
from bot.runtime.background import Background
from bot.runtime.clock import Clock, utc_now
from bot.runtime.replies import ReplySender
from bot.runtime.scheduler import Ticker
from bot.runtime.server import SERVER_THREADS
from bot.runtime.tick_parts import run_parts
from bot.settings import Settings
from bot.slash.commands import SlaCommands
from bot.slash.goals import GoalCommands
from bot.slash.touch import TouchCommand
from bot.ui.catalogue import Catalogue
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
    cases: UseCases
    outbox: OutboxWorker
    background: Background
    replies: ReplySender
    ticker: Ticker
    hubspot_inbox: HubSpotInbox

    def start_background(self, ticker: bool = True) -> None:
        """Start the outbox worker and (unless told not to) the scheduler's tick."""
        self.outbox.start()
        if ticker:
            self.ticker.start()

    def tick_now(self) -> int:
        """Run one scheduler tick in the calling thread (the demo and tests use it)."""
        return self.ticker.run_once()

    def close(self) -> None:
        """Stop the background work and release the database connections."""
        self.ticker.stop()
        self.hubspot_inbox.stop()  # what it has not read stays owed, for the next process
        self.background.shutdown()
        self.replies.shutdown()  # after the follow-up work that hands it answers
        self.outbox.stop()
        self.deps.database.dispose()


def create_app(
    settings: Settings,
    agreement: Agreement,
    *,
    database: Database | None = None,
    clock: Clock = utc_now,
    pace_seconds: float = PACE_SECONDS,
    connectors: Sequence[Connector] = (),
) -> SlaBot:
    """Build the whole bot from its settings and agreement (plus its configured CRM connectors)."""
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
        timeout=settings.slack_delivery_timeout,
    )
    # Every lead event owes each configured connector its write, in the change's transaction.
    hubspot = hubspot_out(
        settings, delivery_client, database, catalogue, agreement.slack.managers, clock
    )
    connector_status = ConnectorStatus()
    webhook = (
        WebhookConnector(
            settings.outgoing_webhook_url,
            settings.outgoing_webhook_secret,
            agreement.zone,
            clock,
            connector_status,
        )
        if settings.outgoing_webhook_url and settings.outgoing_webhook_secret
        else None
    )
    salesforce = salesforce_out(
        settings, delivery_client, database, catalogue, agreement.slack.managers, clock
    )
    # /healthz tells whether each CRM's last call worked (the webhook records its own).
    watched = [
        Watched(crm, connector_status, name, clock)
        for name, crm in (("hubspot", hubspot), ("salesforce", salesforce))
        if crm is not None
    ]
    crms: list[Connector] = [*watched, *([webhook] if webhook else [])]
    feed = CrmFeed([*connectors, *crms])
    if feed.connectors:
        database.event_sinks.append(feed.sink)
    bolt = App(
        client=client,
        # Bolt's default of 5 listener threads makes clicks queue for a thread before they
        # are even acknowledged; the web server has 16.
        listener_executor=ThreadPoolExecutor(max_workers=SERVER_THREADS),
        # Socket Mode requests arrive over the websocket and carry no signature to check.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=True,
        name="sla-bot",
    )
    # The lambda reads `outbox` when called: a commit wakes the worker built just below.
    cases = build_use_cases(database, agreement, clock, on_commit=lambda: outbox.wake())  # noqa: PLW0108
    outbox = OutboxWorker(
        database,
        delivery_client,
        cases.messages,
        clock,
        pace_seconds=pace_seconds,
        # A lease outlives a whole delivery: the lookup of an unknown try (up to four calls)
        # and the post, each bounded by the client's timeout.
        lease_seconds=5 * settings.slack_delivery_timeout + 1,
        charts=cases.burn_up,
        managers=agreement.slack.managers,
        connectors=feed.connectors,
    )
    replies = ReplySender(proxy=client.proxy)
    background = Background()
    claim_inbox = ClaimInbox(
        database, agreement, cases.claims, catalogue, replies, background, clock
    )
    touch_answers = TouchAnswers(cases.messages.touches)
    my_leads = MyLeads(database, agreement, catalogue, clock, cases.nudger.keeper)
    home = HomeTab(
        agreement.company, catalogue, my_leads, cases.goals, cases.goal_messages, cases.reports
    )
    # A CRM that says a lead is won or disqualified closes it (HubSpot in, Salesforce in).
    closer = CrmClose(database, catalogue, clock, on_commit=lambda: outbox.wake())  # noqa: PLW0108
    hubspot_in = HubSpotIn(
        database,
        cases.handoffs,
        agreement.crm.hubspot,
        catalogue,
        clock,
        agreement.slack.managers,
        contact_reader(settings, SharedPace(database, clock, settings.hubspot_rate_per_10s)),
        closer,
    )
    # Subscription events are journaled in the request and their contacts read on its own pool.
    hubspot_inbox = HubSpotInbox(database, hubspot_in, catalogue, agreement.slack.managers, clock)
    hubspot_in.on_queued = hubspot_inbox.process_soon
    deps = Deps(
        settings=settings,
        agreement=agreement,
        catalogue=catalogue,
        database=database,
        clock=clock,
        commands=SlaCommands(
            KnowledgeAnswers(agreement, catalogue),
            cases.stories,
            TouchCommand(cases.touches, touch_answers, cases.stories, catalogue),
            my_leads,
            cases.away,
            GoalCommands(
                cases.goals, cases.goal_messages, cases.reports, cases.calculator, cases.counts
            ),
        ),
        events=EventUseCases(database, home, clock),
        handoffs=cases.handoffs,
        claim_inbox=claim_inbox,
        touches=cases.touches,
        touch_answers=touch_answers,
        cadence=cases.cadence,
        goals=cases.goals,
        counts=cases.counts,
        hubspot_in=hubspot_in,
        connectors=connector_status,
        api_touches=ApiTouches(
            database, cases.touches, slack_user_finder(client), catalogue, agreement.zone
        ),
    )
    if settings.salesforce_org_id is not None:
        deps.salesforce = SalesforceInbox(
            database, agreement, catalogue, cases.handoffs, clock, closer
        )
    web = Flask("sla-bot")
    handlers.register(bolt, web, deps)
    # Each tick also takes over the claim clicks a crashed process left (the first, at start).
    parts = [*cases.tick_parts(), ("claim inbox", claim_inbox.replay)]
    if deps.salesforce is not None:
        parts.append(("salesforce inbox", deps.salesforce.replay))
    if settings.hubspot_client_secret:
        parts.append(("hubspot inbox", hubspot_inbox.replay))
    ticker = Ticker(lambda: run_parts(parts), settings.sla_tick_seconds)
    return SlaBot(
        bolt=bolt,
        web=web,
        deps=deps,
        cases=cases,
        outbox=outbox,
        background=background,
        replies=replies,
        ticker=ticker,
        hubspot_inbox=hubspot_inbox,
    )
