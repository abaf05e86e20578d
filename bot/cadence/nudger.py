"""The cadence's tick: nudge owners when a touch falls due, remind, then tell the managers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.cadence.away import note_pause
from bot.cadence.keeper import MAX_REMINDERS, CadenceKeeper
from bot.cadence.messages import CadenceMessages
from bot.runtime.batches import in_batches
from bot.runtime.clock import Clock
from bot.runtime.set_aside import SetAside
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
from storage import cadence as store
from storage.ledger import record_step
from storage.models import Lead, Touch
from storage.outbox import enqueue
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.nudger")


class Nudger:
    """Sends each due nudge once (ledger), only in business hours, never to someone away."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        keeper: CadenceKeeper,
        messages: CadenceMessages,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        set_aside: SetAside | None = None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.business: BusinessClock = keeper.business
        self.keeper = keeper
        self.messages = messages
        self.clock = clock
        self.on_commit = on_commit
        self.set_aside = set_aside or SetAside(agreement, messages.cat, on_commit)

    def tick(self) -> int:
        """Handle every nudge due by now; return how many messages were owed."""
        sent = in_batches(
            self.database, self.clock(), store.due_nudges, self._nudge, self.set_aside, "nudges"
        )
        if sent:
            self.on_commit()
        return sent

    def _nudge(self, session: Session, lead: Lead, now: datetime) -> int:
        if not self.business.is_open(now):
            # Nudges only in business hours: wait for the next opening.
            lead.cadence_due_at = self.business.next_opening(now)
            return 0
        owner = lead.owner_id
        if owner is None or lead.cadence_step is None:
            lead.cadence_due_at = None
            return 0
        away = store.current_away(session, owner, now)
        if away is not None:
            lead.cadence_due_at = away.until  # None: wait for /sla back
            note_pause(session, lead, away, self.agreement.zone, now)
            return 0
        # Read once: the plan is replayed from the touches and the nudge lists them.
        touches = store.touches_of(session, lead.id)
        state = self.keeper.state(session, lead, touches)
        step = state.next_step
        if step is None:
            lead.cadence_due_at = None
            return 0
        number = lead.cadence_nudges
        sent = 0
        if number <= MAX_REMINDERS:
            if record_step(
                session,
                lead.id,
                # Keyed by the due time too: a snooze moves it and its reminders start again.
                f"cadence:{step.number}:{int(step.due_at.timestamp())}:nudge:{number}",
                lead.cadence_due_at or now,
                now,
            ):
                self._send_nudge(
                    session, lead, step.number, step.kind, step.due_at, number, touches, now
                )
                sent = 1
        elif record_step(
            session, lead.id, f"cadence:{step.number}:managers", lead.cadence_due_at or now, now
        ):
            overdue = sum(1 for s in state.steps if s.done_at is None and s.due_at <= now)
            notice = self.messages.managers_overdue(LeadView.of(lead), overdue)
            for manager in self.agreement.slack.managers:
                enqueue(
                    session,
                    kind="dm",
                    channel=manager,
                    lead_id=lead.id,
                    now=now,
                    payload=notice.payload(),
                )
                sent += 1
        lead.cadence_nudges = number + 1
        lead.cadence_due_at = self.keeper.nudge_due(step.due_at, lead.cadence_nudges)
        return sent

    def _send_nudge(
        self,
        session: Session,
        lead: Lead,
        step: int,
        kind: str,
        due_at: datetime,
        reminder: int,
        touches: Sequence[Touch],
        now: datetime,
    ) -> None:
        history = [self.messages.history_line(t.at, t.kind, t.outcome, now) for t in touches]
        reply = self.messages.nudge(
            LeadView.of(lead),
            step,
            len(self.agreement.cadence.touches),
            kind,
            due_at,
            history,
            reminder,
            now,
        )
        enqueue(
            session,
            kind="dm",
            channel=lead.owner_id or "",
            lead_id=lead.id,
            now=now,
            payload=reply.payload(),
        )
