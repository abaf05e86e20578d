"""The use cases wired to one database and agreement: what the app, CLI and tests share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.away import AwayTime
from bot.burnup import BurnUp
from bot.cadence_actions import CadenceActions
from bot.cadence_keeper import CadenceKeeper
from bot.cadence_messages import CadenceMessages
from bot.calc import Calculator
from bot.catalogue import Catalogue
from bot.claims import Claims
from bot.clock import Clock
from bot.goal_messages import GoalMessages
from bot.goals import GoalBook
from bot.handoffs import Handoffs
from bot.ladder_messages import LadderMessages
from bot.lead_messages import LeadMessages
from bot.lead_story import LeadStories
from bot.nudger import Nudger
from bot.record_command import CountRecorder
from bot.reports import Reports
from bot.set_aside import SetAside
from bot.standup import Standup
from bot.sweeper import Sweeper
from bot.tick_parts import TickPart, run_parts
from bot.touches import Touches
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
