"""Closing an open lead because its CRM says so: won (a customer) or disqualified."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from bot.runtime.clock import Clock
from bot.ui.catalogue import Catalogue
from sla_rules.leads import OPEN_STATUSES, short_id
from storage import leads as repo
from storage.outbox import enqueue_thread_note
from storage.unit_of_work import Database

Closed = Literal["closed", "already_closed", "unknown"]


class CrmClose:
    """Closes a lead by its external ID, once, with a note in its thread."""

    def __init__(
        self, database: Database, cat: Catalogue, clock: Clock, on_commit: Callable[[], None]
    ) -> None:
        self.database = database
        self.cat = cat
        self.clock = clock
        self.on_commit = on_commit

    def close(self, external_id: str, status: Literal["won", "disqualified"], crm: str) -> Closed:
        """Close the open lead handed off with this external ID (a closed one is left alone)."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            lead = repo.lead_by_external_id(session, external_id)
            if lead is None:
                return "unknown"
            # Locked till commit: simultaneous notifications close it once (SQLite: one writer).
            session.refresh(lead, with_for_update=True)
            if lead.status not in OPEN_STATUSES:
                return "already_closed"
            lead.status = status
            lead.closed_at = now
            lead.close_reason = self.cat.t(f"crm_close.reason_{status}", crm=crm)[:300]
            lead.cadence_step = None
            lead.cadence_due_at = None
            lead.next_step = None
            lead.next_step_due_at = None
            # On the timeline like a cadence's own close: reports, the goal and connectors see it.
            repo.add_event(
                session, lead.id, "closed", now, None, status=status, reason=lead.close_reason
            )
            text = self.cat.t(f"crm_close.note_{status}", id=short_id(lead.id), crm=crm)
            enqueue_thread_note(session, lead, now, {"text": text})
        self.on_commit()
        return "closed"
