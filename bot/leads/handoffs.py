"""The handoff use case: one way in for the API, the modal and the CSV import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.leads.handoff_input import HandoffIn
from bot.leads.messages import LeadMessages
from bot.runtime.clock import Clock
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.escalation import arrived_late, first_step, respond_by, step_due
from sla_rules.leads import UNCLAIMED, email_key
from storage import leads as repo
from storage.models import Lead
from storage.outbox import enqueue, enqueue_thread_note
from storage.unit_of_work import Database

Outcome = Literal["created", "known", "attached"]
# An import's late rows reach managers this long after each row, so a whole file is one note
# (the API's go at once: the outbox joins the rows of a burst that wait for the same DM).
LATE_NOTE_GATHER = timedelta(seconds=60)
Via = Literal["api", "slack", "import", "hubspot", "salesforce"]


@dataclass(frozen=True)
class HandoffResult:
    """What became of a handoff: a new lead, one already known, or joined to an open lead."""

    lead: LeadView
    outcome: Outcome


class Handoffs:
    """Receives handoffs: stores the lead and owes Slack its announcement, atomically."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        messages: LeadMessages,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.business = BusinessClock.from_agreement(agreement)
        self.messages = messages
        self.clock = clock
        self.on_commit = on_commit

    def hand_off(
        self, data: HandoffIn, via: Via, by: str | None = None, now: datetime | None = None
    ) -> HandoffResult:
        """Store a handoff exactly once and owe Slack what it causes (`now`: its receipt)."""
        now = self.clock() if now is None else now
        try:
            result = self._hand_off(data, via, by, now)
        except IntegrityError:
            # Another process stored the same external_id a moment ago: answer with its lead.
            result = self._hand_off(data, via, by, now)
        self.on_commit()
        return result

    def _hand_off(self, data: HandoffIn, via: Via, by: str | None, now: datetime) -> HandoffResult:
        with self.database.unit_of_work() as session:
            if data.external_id:
                known = repo.lead_by_external_id(session, data.external_id)
                if known is not None:
                    return HandoffResult(LeadView.of(known), "known")
            key = email_key(data.email)
            if key is not None:
                repo.lock_email(session, key)
                existing = repo.open_lead_by_email(session, key)
                if existing is not None:
                    return self._attach(session, existing, data, now)
            return self._create(session, data, via=via, by=by, key=key, now=now)

    def _create(
        self,
        session: Session,
        data: HandoffIn,
        *,
        via: Via,
        by: str | None,
        key: str | None,
        now: datetime,
    ) -> HandoffResult:
        handed_off_at = min(data.handed_off_at or now, now)
        policy = self.agreement.response
        step = first_step(policy)
        # The SLA clock starts at receipt (see README, "Back-dated handoffs"): nobody could
        # answer a lead before it reached the bot. How late it came is kept, against nobody.
        late = arrived_late(handed_off_at, now, policy.first_touch_within)
        values = {
            "external_id": data.external_id,
            "name": data.name,
            "email": data.email,
            "email_key": key,
            "phone": data.phone,
            "company": data.company,
            "source": data.source,
            "reason": data.reason,
            "via": via,
            "handed_off_by": by,
            "handed_off_at": handed_off_at,
            "respond_by": respond_by(self.business, policy, now),
            "next_step": step,
            "next_step_due_at": (
                None if step is None else step_due(self.business, now, policy.escalation[step])
            ),
            "status": UNCLAIMED,
            "announce_channel": self.agreement.slack.handoff_channel,
            "in_digest": False,
            "cadence_nudges": 0,
            "created_at": now,
        }
        # Plain INSERTs: the handoff is the hot path (hundreds a second from a webinar import).
        lead_id = repo.insert_lead(session, values)
        repo.insert_handoff(session, data.external_id, lead_id, now, attached=False)
        repo.add_event(session, lead_id, "handoff", handed_off_at, by, via=via)
        if late is not None:
            seconds = int(late.total_seconds())
            repo.add_event(session, lead_id, "arrived_late", now, None, late_seconds=seconds)
        enqueue(
            session, kind="announce", channel=values["announce_channel"], lead_id=lead_id, now=now
        )
        if late is not None:
            gather = LATE_NOTE_GATHER if via == "import" else timedelta(0)
            self._tell_managers_late(session, lead_id, now + gather)
        return HandoffResult(LeadView.from_values(lead_id, values), "created")

    def _tell_managers_late(self, session: Session, lead_id: int, due: datetime) -> None:
        """Owe each manager a note of the late arrival; the outbox joins a burst into one."""
        for manager in self.agreement.slack.managers:
            # No lead_id on the row: the lead's own messages must not wait for this note.
            enqueue(
                session,
                kind="late_note",
                channel=manager,
                now=due,
                payload={"lead": lead_id},
            )

    def _attach(
        self, session: Session, lead: Lead, data: HandoffIn, now: datetime
    ) -> HandoffResult:
        repo.insert_handoff(session, data.external_id, lead.id, now, attached=True)
        repo.add_event(
            session,
            lead.id,
            "duplicate",
            now,
            None,
            external_id=data.external_id,
            source=data.source,
            reason=data.reason,
        )
        view = LeadView.of(lead)
        note = self.messages.duplicate_note(view, data.source, data.reason)
        enqueue_thread_note(session, lead, now, note.payload())
        return HandoffResult(view, "attached")
