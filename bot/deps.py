"""Everything a listener may use, assembled once by the app factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.bootstrap import UseCases
from bot.cadence.actions import CadenceActions
from bot.cadence.away import AwayTime
from bot.cadence.touches import Touches
from bot.escalation.sweeper import Sweeper
from bot.goals.record import CountRecorder
from bot.home.events import EventUseCases
from bot.leads.claim_inbox import ClaimInbox
from bot.leads.claims import Claims
from bot.leads.handoffs import Handoffs
from bot.leads.messages import LeadMessages
from bot.outbox.worker import OutboxWorker
from bot.runtime.background import Background
from bot.runtime.clock import Clock
from bot.runtime.replies import ReplySender
from bot.settings import Settings
from bot.slash.commands import SlaCommands
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from storage.unit_of_work import Database


@dataclass
class Deps:
    """The application's parts, handed to each handlers module's register()."""

    settings: Settings
    agreement: Agreement
    catalogue: Catalogue
    database: Database
    clock: Clock
    commands: SlaCommands
    events: EventUseCases
    messages: LeadMessages
    handoffs: Handoffs
    claims: Claims
    touches: Touches
    cadence: CadenceActions
    away: AwayTime
    sweeper: Sweeper
    counts: CountRecorder
    cases: UseCases
    outbox: OutboxWorker
    background: Background
    replies: ReplySender
    claim_inbox: ClaimInbox
    # Socket Mode only: whether the WebSocket to Slack is up right now (set once connected).
    socket_connected: Callable[[], bool] | None = None

    @property
    def hours_text(self) -> str:
        """Business hours as people read them, for refusals."""
        hours = self.agreement.business_hours
        return f"{hours.start:%H:%M}–{hours.end:%H:%M} {self.agreement.timezone}"
