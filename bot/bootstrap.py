"""The use cases wired to one database and agreement: what the app, CLI and tests share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
from bot.runtime.clock import Clock
from bot.runtime.set_aside import SetAside
from bot.runtime.tick_parts import TickPart, run_parts
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
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
