"""The claim use case: first click wins, atomically, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.leads.messages import LeadMessages
from bot.leads.results import ClaimOutcome, ClaimResult
from bot.runtime.clock import Clock
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.business_clock import BusinessClock
from storage import leads as repo
from storage.cadence import current_away
from storage.models import Lead
from storage.outbox import enqueue, enqueue_card_update
from storage.unit_of_work import Database


class Claims:
    """Gives a lead to the first rep who claims it and owes Slack the consequences."""

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

    def claim(self, lead_id: int, user_id: str) -> ClaimResult:
        """Claim a lead for a user."""
        if not self.agreement.slack.may_claim(user_id):
            return ClaimResult("not_rep", None)
        now = self.clock()
        # Most clicks in a race lose: answer those from a read, without queuing for the write.
        with self.database.reading() as session:
            settled = self._settled(repo.lead_by_id(session, lead_id), user_id)
            if settled is not None:
                return settled
        with self.database.unit_of_work() as session:
            result = self.claim_in(session, lead_id, user_id, now)
        if result.outcome == "claimed":
            self.on_commit()
        return result

    def claim_in(self, session: Session, lead_id: int, user_id: str, now: datetime) -> ClaimResult:
        """Decide a claim inside the caller's transaction (call on_commit after a "claimed")."""
        if not self.agreement.slack.may_claim(user_id):
            return ClaimResult("not_rep", None)
        settled = self._settled(repo.lead_by_id(session, lead_id), user_id)
        if settled is not None:
            return settled
        # Someone away is skipped as a claimer: the lead should go to a rep who is working.
        if current_away(session, user_id, now) is not None:
            return ClaimResult("away", None)
        won = repo.claim_lead(session, lead_id, user_id, now)
        lead = repo.lead_by_id(session, lead_id)
        if lead is None:
            return ClaimResult("missing", None)
        session.refresh(lead)
        view = LeadView.of(lead)
        if not won:
            if lead.owner_id == user_id:
                return ClaimResult("yours", view)
            if lead.owner_id is not None:
                return ClaimResult("taken", view)
            return ClaimResult("closed", view)
        # Timed from the SLA clock's start (receipt): a late arrival's lateness is nobody's.
        lead.claim_seconds = int((now - lead.created_at).total_seconds())
        lead.claim_business_seconds = int(
            self.business.elapsed(lead.created_at, now).total_seconds()
        )
        repo.add_event(session, lead_id, "claimed", now, user_id, seconds=lead.claim_seconds)
        enqueue_card_update(session, lead, now)
        # Whether the announcement was a digest is known for sure only at delivery (the
        # worker may not have recorded it yet): always owe the root, moot if not needed.
        enqueue(
            session,
            kind="thread_root",
            channel=lead.announce_channel,
            lead_id=lead_id,
            now=now,
        )
        dm = self.messages.owner_dm(view, now)
        enqueue(session, kind="dm", channel=user_id, lead_id=lead_id, now=now, payload=dm.payload())
        return ClaimResult("claimed", view)

    @staticmethod
    def _settled(current: Lead | None, user_id: str) -> ClaimResult | None:
        """The answer when there is nothing to claim: no such lead, or it has an owner."""
        if current is None:
            return ClaimResult("missing", None)
        if current.owner_id is not None:
            view = LeadView.of(current)
            return ClaimResult("yours" if current.owner_id == user_id else "taken", view)
        return None

    def result_of(self, session: Session, outcome: ClaimOutcome, lead_id: int) -> ClaimResult:
        """A claim decided earlier, told again: its outcome with the lead as it stands now."""
        lead = repo.lead_by_id(session, lead_id)
        if outcome in ("not_rep", "away", "missing") or lead is None:
            return ClaimResult(outcome, None)
        return ClaimResult(outcome, LeadView.of(lead))
