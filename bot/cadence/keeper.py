"""Keeps a lead's cadence pointer in step with what was logged, and closes finished cadences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.cadence.messages import CadenceMessages
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.cadence import CadenceState, StepEvent, replay
from sla_rules.leads import NOT_REACHED, OPEN_STATUSES, status_after
from storage import cadence as store
from storage import leads as repo
from storage.models import Lead, Touch
from storage.outbox import enqueue_thread_note

# The first nudge, then this many reminders; after them the managers are told once.
MAX_REMINDERS = 3


@dataclass(frozen=True)
class Refreshed:
    """What a refresh found: the cadence's state and whether it just closed the lead."""

    state: CadenceState
    closed: bool


class CadenceKeeper:
    """Replays a lead's touches, skips and snoozes into the plan and stores the result."""

    def __init__(
        self, agreement: Agreement, business: BusinessClock, messages: CadenceMessages
    ) -> None:
        self.agreement = agreement
        self.business = business
        self.messages = messages

    def state(
        self, session: Session, lead: Lead, touches: Sequence[Touch] | None = None
    ) -> CadenceState:
        """The lead's cadence as its events have shaped it (touches given when already read)."""
        if touches is None:
            touches = store.touches_of(session, lead.id)
        events = [
            StepEvent(at=t.at, action="touch", kind=t.kind, outcome=t.outcome) for t in touches
        ]
        events += [
            StepEvent(at=e.at, action=e.action, until=e.until)  # type: ignore[arg-type]
            for e in store.step_events_of(session, lead.id)
        ]
        events.sort(key=lambda event: event.at)
        # The plan runs on the lead's clock, which starts at receipt (a back-dated lead's too).
        return replay(self.agreement.cadence, self.business, lead.created_at, events)

    def refresh(
        self, session: Session, lead: Lead, now: datetime, reason: str | None = None
    ) -> Refreshed:
        """Point the lead at its next step's nudge, or close it when the cadence has ended."""
        state = self.state(session, lead)
        if lead.status not in OPEN_STATUSES:
            return Refreshed(state, closed=False)
        if state.finished:
            lead.status = status_after(state.stopped_by) if state.stopped_by else NOT_REACHED
            lead.closed_at = now
            lead.close_reason = reason if state.stopped_by == "disqualified" else None
            lead.cadence_step = None
            lead.cadence_due_at = None
            lead.next_step = None
            lead.next_step_due_at = None
            repo.add_event(
                session, lead.id, "closed", now, None, status=lead.status, reason=lead.close_reason
            )
            note = self.messages.closed_note(LeadView.of(lead))
            enqueue_thread_note(session, lead, now, note.payload())
            return Refreshed(state, closed=True)
        step = state.next_step
        # Nudges wait for the first touch: until then the response clock's ladder chases it.
        if step is None or lead.first_touch_at is None:
            lead.cadence_step = step.number if step else None
            lead.cadence_due_at = None
            return Refreshed(state, closed=False)
        if lead.cadence_step != step.number:
            lead.cadence_nudges = 0
        lead.cadence_step = step.number
        lead.cadence_due_at = self.nudge_due(step.due_at, lead.cadence_nudges)
        return Refreshed(state, closed=False)

    def nudge_due(self, step_due: datetime, sent: int) -> datetime | None:
        """When nudge number `sent` is due: the step, then every remind_every, then managers."""
        if sent > MAX_REMINDERS + 1:
            return None
        return self.business.add(step_due, self.agreement.cadence.remind_every * sent)
