"""The one boot path: settings -> agreement -> engine -> migrations -> use cases.

Every entry point boots through `boot` (`sla-bot run`, `standup`, `import`, the demo, the local
harness, benches); `build_use_cases` is its last step, which `create_app` also calls to wire the
use cases to its outbox worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.cadence.actions import CadenceActions
from bot.cadence.away import AwayTime
from bot.cadence.keeper import CadenceKeeper
from bot.cadence.messages import CadenceMessages
from bot.cadence.nudger import Nudger
from bot.cadence.touches import Touches
from bot.escalation.messages import LadderMessages
from bot.escalation.sweeper import Sweeper
from bot.goals.book import GoalBook
from bot.goals.burnup import BurnUp
from bot.goals.calc import Calculator
from bot.goals.messages import GoalMessages
from bot.goals.record import CountRecorder
from bot.goals.reports import Reports
from bot.goals.standup import Standup
from bot.leads.claims import Claims
from bot.leads.handoffs import Handoffs
from bot.leads.messages import LeadMessages
from bot.leads.story import LeadStories
from bot.runtime.clock import Clock, utc_now
from bot.runtime.set_aside import SetAside
from bot.runtime.tick_parts import TickPart, run_parts
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement, load_agreement
from sla_rules.business_clock import BusinessClock
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database


@dataclass
class UseCases:
    """Every state-changing use case, sharing one database, agreement, clock and catalogue."""

    catalogue: Catalogue
    messages: LeadMessages
    handoffs: Handoffs
    claims: Claims
    touches: Touches
    sweeper: Sweeper
    nudger: Nudger
    stories: LeadStories
    cadence: CadenceActions
    away: AwayTime
    goals: GoalBook
    goal_messages: GoalMessages
    reports: Reports
    standup: Standup
    counts: CountRecorder
    calculator: Calculator
    burn_up: BurnUp

    def tick_parts(self) -> list[TickPart]:
        """The tick's independent parts, by name: the ladder, the nudges, the standup."""
        return [
            ("ladder", self.sweeper.tick),
            ("nudges", self.nudger.tick),
            ("standup", self.standup.tick),
        ]

    def tick(self) -> int:
        """One scheduler tick; a part that fails (a standup, say) never stops the others."""
        return run_parts(self.tick_parts())


def build_use_cases(
    database: Database,
    agreement: Agreement,
    clock: Clock,
    on_commit: Callable[[], None] = lambda: None,
) -> UseCases:
    """Wire the use cases; on_commit is called after each commit that owes Slack a message."""
    catalogue = Catalogue(agreement.locale)
    kinds = tuple(touch.kind for touch in agreement.cadence.touches)
    messages = LeadMessages(catalogue, agreement.zone, agreement.response.first_touch_within, kinds)
    business = BusinessClock.from_agreement(agreement)
    cadence_messages = CadenceMessages(catalogue, agreement.zone)
    keeper = CadenceKeeper(agreement, business, cadence_messages)
    touches = Touches(database, agreement, messages.touches, keeper, clock, on_commit=on_commit)
    away = AwayTime(database, agreement, keeper, catalogue, clock, on_commit=on_commit)
    goals = GoalBook(database, agreement, clock)
    goal_messages = GoalMessages(catalogue, agreement.company, agreement.funnel.currency)
    reports = Reports(database, agreement, catalogue, clock)
    set_aside = SetAside(agreement, catalogue, on_commit)
    return UseCases(
        catalogue=catalogue,
        messages=messages,
        handoffs=Handoffs(database, agreement, messages, clock, on_commit=on_commit),
        claims=Claims(database, agreement, messages, clock, on_commit=on_commit),
        touches=touches,
        cadence=CadenceActions(database, agreement, keeper, touches, clock, on_commit=on_commit),
        away=away,
        nudger=Nudger(
            database,
            agreement,
            keeper,
            cadence_messages,
            clock,
            on_commit=on_commit,
            set_aside=set_aside,
        ),
        sweeper=Sweeper(
            database,
            agreement,
            LadderMessages(catalogue, agreement.zone),
            clock,
            on_commit=on_commit,
            set_aside=set_aside,
        ),
        stories=LeadStories(database, catalogue, agreement.zone, clock),
        goals=goals,
        goal_messages=goal_messages,
        reports=reports,
        standup=Standup(
            database, agreement, goals, reports, goal_messages, clock, on_commit=on_commit
        ),
        counts=CountRecorder(goals, catalogue),
        calculator=Calculator(agreement, goals, goal_messages, catalogue),
        burn_up=BurnUp(goals, catalogue),
    )


def build_handoffs(database: Database, agreement: Agreement, clock: Clock = utc_now) -> Handoffs:
    """The handoff use case as the bot wires it, minus Slack: the outbox keeps the messages."""
    return build_use_cases(database, agreement, clock).handoffs


@dataclass(frozen=True)
class Booted:
    """What boot assembled: the settings, the agreement, a migrated database and the use cases."""

    settings: Settings
    agreement: Agreement
    database: Database
    clock: Clock = utc_now

    @cached_property
    def cases(self) -> UseCases:
        """The use cases, built on first use (a served bot builds its own in create_app)."""
        # The served bot's use cases must wake its outbox worker, which create_app builds:
        # building them here as well would only make a second, idle set. Nothing booted here
        # has a worker to wake, so no on_commit.
        return build_use_cases(self.database, self.agreement, self.clock)


def read_agreement(
    settings: Settings, agreement: Agreement | str | Path | None = None
) -> Agreement:
    """The agreement given, or loaded from the path given, or from SLA_CONFIG (AgreementError)."""
    if isinstance(agreement, Agreement):
        return agreement
    return load_agreement(agreement or settings.sla_config)


def open_database(settings: Settings, database: Database | None = None) -> Database:
    """The database given (already migrated), or DATABASE_URL's engine migrated to the latest."""
    if database is not None:
        return database
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except BaseException:
        # A database that does not answer must not leave a pool behind (the import goes on
        # to print its message and exit).
        engine.dispose()
        raise
    return Database(engine)


def boot(
    settings: Settings,
    *,
    agreement: Agreement | str | Path | None = None,
    database: Database | None = None,
    clock: Clock = utc_now,
) -> Booted:
    """The agreement (or AgreementError), then the migrated database (or OperationalError)."""
    checked = read_agreement(settings, agreement)
    opened = open_database(settings, database)
    return Booted(settings, checked, opened, clock)
