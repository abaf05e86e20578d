"""The tick: fire each due escalation step once, in order, with its messages in the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.escalation.messages import LadderMessages
from bot.runtime import metrics
from bot.runtime.batches import in_batches
from bot.runtime.clock import Clock
from bot.runtime.set_aside import SetAside
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement, EscalationStep
from sla_rules.business_clock import BusinessClock
from sla_rules.escalation import next_step, step_due, step_name
from sla_rules.leads import OPEN_STATUSES, UNCLAIMED, short_id
from storage import leads as repo
from storage.cadence import current_away
from storage.ledger import record_step
from storage.models import Lead
from storage.outbox import enqueue, enqueue_thread_note
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.sweeper")


class Sweeper:
    """Asks the database what is due and fires it; safe with any number of processes."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        messages: LadderMessages,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        set_aside: SetAside | None = None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.business = BusinessClock.from_agreement(agreement)
        self.messages = messages
        self.clock = clock
        self.on_commit = on_commit
        self.set_aside = set_aside or SetAside(agreement, messages.cat, on_commit)

    def tick(self) -> int:
        """Fire every step due by now (late ones too, once each, in order); return how many."""
        fired = in_batches(
            self.database,
            self.clock(),
            repo.due_for_ladder,
            self._advance,
            self.set_aside,
            "ladder",
        )
        if fired:
            self.on_commit()
        return fired

    def _advance(self, session: Session, lead: Lead, now: datetime) -> int:
        policy = self.agreement.response
        fired = 0
        while (
            lead.next_step is not None
            and lead.next_step_due_at is not None
            and lead.next_step_due_at <= now
        ):
            index = lead.next_step
            step = policy.escalation[index]
            due = lead.next_step_due_at
            if (
                lead.status in OPEN_STATUSES
                and lead.first_touch_at is None
                and record_step(session, lead.id, step_name(index), due, now)
            ):
                self._fire(session, lead, step, due, now)
                fired += 1
            following = next_step(policy, index)
            lead.next_step = following
            lead.next_step_due_at = (
                None
                if following is None
                else step_due(self.business, lead.created_at, policy.escalation[following])
            )
        return fired

    def _fire(
        self, session: Session, lead: Lead, step: EscalationStep, due: datetime, now: datetime
    ) -> None:
        view = LeadView.of(lead)
        if step.reassign:
            self._release(session, lead, now)
        elif step.notify == "owner":
            if lead.owner_id:
                enqueue(
                    session,
                    kind="dm",
                    channel=lead.owner_id,
                    lead_id=lead.id,
                    now=now,
                    payload=self.messages.remind_owner(view, now).payload(),
                )
            else:
                note = self.messages.remind_unclaimed(view, now)
                enqueue_thread_note(session, lead, now, note.payload())
        elif step.notify == "channel":
            if lead.breached_at is None:
                lead.breached_at = due
                # Connectors and the outgoing webhook react to this event (a CRM property).
                repo.add_event(session, lead.id, "breached", now, None, due=due.isoformat())
                # A lead whose tick rolls back may count again on its next try: /metrics
                # also reads the breached leads themselves from the database.
                metrics.breached()
            # An owner who is away will not call: the breach itself hands the lead on, so it
            # is told as such (nobody is asked to call) and the release comes after it.
            away = lead.owner_id is not None and current_away(session, lead.owner_id, now)
            breach = self.messages.breach_thread(view, now, owner_away=bool(away))
            enqueue_thread_note(session, lead, now, breach.payload())
            enqueue(
                session,
                kind="post",
                channel=self.agreement.slack.escalation_channel_id,
                lead_id=lead.id,
                now=now,
                payload=self.messages.breach_channel(view, now).payload(),
            )
            self._escalated(session, lead, step, due, now)
            if away:
                self._release(session, lead, now)
            return
        elif step.notify == "managers":
            for manager in self.agreement.slack.managers:
                enqueue(
                    session,
                    kind="dm",
                    channel=manager,
                    lead_id=lead.id,
                    now=now,
                    payload=self.messages.managers(view, now).payload(),
                )
        if not step.reassign:  # a release writes its own, more telling, event
            self._escalated(session, lead, step, due, now)
        else:
            log.info("lead %s: escalation step reassign fired", view.short_id)

    def _escalated(
        self, session: Session, lead: Lead, step: EscalationStep, due: datetime, now: datetime
    ) -> None:
        """Put the step on the lead's timeline (before anything the step causes)."""
        repo.add_event(
            session, lead.id, "escalation", now, None, step=step.notify, due=due.isoformat()
        )
        log.info("lead %s: escalation step %s fired", short_id(lead.id), step.notify)

    def _release(self, session: Session, lead: Lead, now: datetime) -> None:
        previous = lead.owner_id
        old_ts, old_digest = lead.announce_ts, lead.in_digest
        lead.owner_id = None
        lead.claimed_at = None
        lead.status = UNCLAIMED
        if lead.breached_at is None:
            lead.breached_at = now
            repo.add_event(session, lead.id, "breached", now, None, due=now.isoformat())
            metrics.breached()
        view = LeadView.of(lead)
        released = self.messages.released(view, previous, now)
        enqueue_thread_note(session, lead, now, released.payload())
        enqueue(
            session,
            kind="announce",
            channel=self.agreement.slack.handoff_channel,
            lead_id=lead.id,
            now=now,
        )
        if old_ts:
            enqueue(
                session,
                kind="update_announcement",
                channel=lead.announce_channel,
                lead_id=lead.id,
                now=now,
                payload={"ts": old_ts, "digest": old_digest, "released_from": previous},
            )
        repo.add_event(session, lead.id, "released", now, None, previous=previous)
