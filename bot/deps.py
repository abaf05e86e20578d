"""What the listeners and routes use, assembled once by the app factory.

Each field is the one object a handler calls for its surface, named after it, so a click can
be followed from its listener to the use case that answers it. The app's lifecycle parts (the
outbox worker, the pools, every use case) stay on SlaBot: no handler needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.cadence.actions import CadenceActions
from bot.cadence.answers import TouchAnswers
from bot.cadence.api_touches import ApiTouches
from bot.cadence.touches import Touches
from bot.crm.hubspot_in import HubSpotIn
from bot.crm.status import ConnectorStatus
from bot.goals.book import GoalBook
from bot.goals.record import CountRecorder
from bot.home.events import EventUseCases
from bot.leads.claim_inbox import ClaimInbox
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock
from bot.settings import Settings
from bot.slash.commands import SlaCommands
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from storage.unit_of_work import Database


@dataclass
class Deps:
    """The parts each handlers module's register() is handed, by the surface that calls them."""

    settings: Settings
    agreement: Agreement
    catalogue: Catalogue
    database: Database  # request keys (replayed commands and modals) and /healthz
    clock: Clock
    commands: SlaCommands  # /sla and its subcommands
    events: EventUseCases  # app_home_opened
    handoffs: Handoffs  # the handoff modal and POST /api/handoffs
    claim_inbox: ClaimInbox  # the Claim button: journal, ack, claim, answer
    touches: Touches  # the touch buttons
    touch_answers: TouchAnswers  # the answer after a tap on a touch or step control
    cadence: CadenceActions  # the nudge's skip, snooze and disqualify controls
    goals: GoalBook  # POST /api/counts
    counts: CountRecorder  # why a count was refused, in words
    hubspot_in: HubSpotIn | None = None  # POST /api/hubspot (None: HubSpot in is off)
    # Socket Mode only: whether the WebSocket to Slack is up right now (set once connected).
    socket_connected: Callable[[], bool] | None = None
    api_touches: ApiTouches | None = None  # POST /api/touches (dialers, email tools)
    connectors: ConnectorStatus = field(default_factory=ConnectorStatus)  # /healthz

    @property
    def hours_text(self) -> str:
        """Business hours as people read them, for refusals."""
        hours = self.agreement.business_hours
        return f"{hours.start:%H:%M}–{hours.end:%H:%M} {self.agreement.timezone}"
