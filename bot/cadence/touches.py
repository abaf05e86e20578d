"""Logging touches: only the owner or a manager, once per click, and the first stops the clock."""

from __future__ import annotations

from collections.abc import Callable

from bot.cadence.keeper import CadenceKeeper
from bot.cadence.requests import TouchRequest, TouchResult
from bot.cadence.touch_messages import TouchMessages
from bot.runtime.clock import Clock
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.leads import OPEN_STATUSES
from sla_rules.response import within_sla
from storage import leads as repo
from storage.inserts import insert_if_absent
from storage.models import Touch
from storage.outbox import enqueue_card_update, enqueue_thread_note
from storage.unit_of_work import Database


class Touches:
    """Records touches and stops the response clock on the first one."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        messages: TouchMessages,
        keeper: CadenceKeeper,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.business = BusinessClock.from_agreement(agreement)
        self.messages = messages
        self.keeper = keeper
        self.clock = clock
        self.on_commit = on_commit

    def may_log(self, lead: LeadView, user_id: str) -> bool:
        """The owner or a manager may log touches on a lead."""
        return user_id == lead.owner_id or user_id in self.agreement.slack.managers

    def log(self, request: TouchRequest) -> TouchResult:
        """Record a touch (once per click key) and owe the lead's thread a note."""
        now = self.clock()
        # A dialer may report a touch made a little earlier: the touch and the first-touch
        # figures are timed at `at`; the notes and the cadence's own timers at now.
        at = min(request.at or now, now)
        with self.database.unit_of_work() as session:
            lead = repo.lead_by_id(session, request.lead_id)
            if lead is None:
                return TouchResult("missing", None)
            view = LeadView.of(lead)
            if lead.status not in OPEN_STATUSES:
                return TouchResult("closed", view)
            if not self.may_log(view, request.actor):
                return TouchResult("not_allowed", view)
            if request.step is not None and request.step != lead.cadence_step:
                return TouchResult("stale", view)
            values = {
                "lead_id": lead.id,
                "kind": request.kind,
                "outcome": request.outcome,
                "reason": request.reason,
                "actor": request.actor,
                "at": at,
                "click_key": request.click_key,
            }
            if not insert_if_absent(session, Touch.__table__, values):
                return TouchResult("duplicate", view)
            first = lead.first_touch_at is None
            if first:
                lead.first_touch_at = at
                # Timed from the SLA clock's start (receipt), as the claim is.
                since = max(at, lead.created_at)
                lead.first_touch_seconds = int((since - lead.created_at).total_seconds())
                lead.first_touch_business_seconds = int(
                    self.business.elapsed(lead.created_at, since).total_seconds()
                )
                # Only a human-logged touch stops the response clock and its ladder.
                lead.next_step = None
                lead.next_step_due_at = None
            within = within_sla(lead.respond_by, at) if first else None
            repo.add_event(
                session,
                lead.id,
                "touch",
                at,
                request.actor,
                touch_kind=request.kind,
                outcome=request.outcome,
                reason=request.reason,
                first=first,
            )
            session.flush()
            view = LeadView.of(lead)
            note = self.messages.thread_note(view, request, first=first, within_sla=within, now=now)
            enqueue_thread_note(session, lead, now, note.payload())
            if within is False:
                # A late first touch changes the card's verdict: redraw it (a moot row when
                # the lead was never announced).
                enqueue_card_update(session, lead, now)
            # The closing note (if this touch ended the cadence) follows the touch's own note.
            self.keeper.refresh(session, lead, now, reason=request.reason)
            session.flush()
            view = LeadView.of(lead)
        self.on_commit()
        return TouchResult("logged", view, first=first, within_sla=within)
