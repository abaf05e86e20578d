"""Leads in from Salesforce: each Outbound Message notification journaled, then handed off."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.crm.crm_close import CrmClose
from bot.crm.notices import tell_managers
from bot.crm.salesforce_soap import OutboundMessage
from bot.leads.handoff_input import parse_handoff
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock
from bot.ui.blocks import escape, truncate
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.salesforce_mapping import PREFIX, map_lead
from storage import inbox
from storage.models import InboxItem
from storage.unit_of_work import Database

log = logging.getLogger(__name__)
KIND = "salesforce"
# Acting on a notification takes milliseconds: a process that held one this long has died.
LEASE = timedelta(seconds=30)
REPLAY_BATCH = 100


@dataclass(frozen=True)
class Received:
    """How many notifications were new, replayed, handed off, kept unmapped and closed a lead."""

    new: int = 0
    replayed: int = 0
    handed_off: int = 0
    unmapped: int = 0
    closed: int = 0


class SalesforceInbox:
    """Receives Outbound Messages: journal first (so an ack is never lost), then hand off."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        catalogue: Catalogue,
        handoffs: Handoffs,
        clock: Clock,
        closer: CrmClose,
    ) -> None:
        self.clock = clock
        self.closer = closer
        self.database = database
        self.agreement = agreement
        self.catalogue = catalogue
        self.handoffs = handoffs

    def receive(self, message: OutboundMessage, now: datetime) -> Received:
        """Journal every notification not seen before and act on it; replays do nothing."""
        new = replayed = handed = unmapped = closed = 0
        for note in message.notifications:
            with self.database.unit_of_work() as session:
                item_id = inbox.journal(
                    session,
                    kind=KIND,
                    key=f"sf:{note.id}"[:200],
                    payload={"type": note.sobject_type, "fields": note.fields},
                    now=now,
                    lease_until=now + LEASE,
                )
            if item_id is None:
                replayed += 1
                continue
            new += 1
            outcome = self._finish(item_id, note.sobject_type, note.fields, now)
            handed += outcome == "handed_off"
            unmapped += outcome == "unmapped"
            closed += outcome.startswith("closed_")
        return Received(new, replayed, handed, unmapped, closed)

    def replay(self) -> int:
        """Finish the notifications a crashed process journaled (acked) but did not act on."""
        now = self.clock()
        with self.database.reading() as session:
            owed = inbox.owed(session, now, REPLAY_BATCH, kind=KIND)
        done = 0
        for item_id in owed:
            with self.database.unit_of_work() as session:
                if not inbox.take_lease(session, item_id, now, now + LEASE):
                    continue
                item = session.get(InboxItem, item_id)
                payload = dict(item.payload) if item is not None else {}
            fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else {}
            self._finish(item_id, str(payload.get("type", "")), fields, now)
            done += 1
        return done

    def _finish(self, item_id: int, kind: str, fields: dict[str, str], now: datetime) -> str:
        outcome = self._act(kind, fields.get("Id", ""), fields, now)
        with self.database.unit_of_work() as session:
            item = session.get(InboxItem, item_id)
            if item is not None:
                inbox.mark_done(item, outcome, now)
                item.answered_at = now  # acked by the HTTP answer: no Slack reply owed
                item.lease_until = None
        return outcome

    def _act(self, kind: str, record_id: str, fields: dict[str, str], now: datetime) -> str:
        if kind not in ("Lead", "Contact"):
            return self._unmapped(record_id, ["sObject type"], now)
        mapped = map_lead(self.agreement.crm.salesforce, record_id, fields)
        if mapped.meaning in ("won", "disqualified"):
            return self._close(record_id, mapped.meaning)
        if mapped.meaning != "mql":
            return mapped.meaning
        if mapped.missing:
            return self._unmapped(record_id, list(mapped.missing), now)
        data, errors = parse_handoff(mapped.handoff, self.catalogue, now=now)
        if data is None:
            return self._unmapped(record_id, sorted(errors), now)
        self.handoffs.hand_off(data, via="salesforce", now=now)
        return "handed_off"

    def _close(self, record_id: str, status: Literal["won", "disqualified"]) -> str:
        """Close the lead this record was handed off as: "closed_won", "already_closed", …."""
        if not record_id:
            return "unknown"
        # The CRM is where deals are won: its open lead closes once (a second one finds it closed).
        outcome = self.closer.close(f"{PREFIX}{record_id}", status, "Salesforce")
        return f"closed_{status}" if outcome == "closed" else outcome

    def _unmapped(self, record_id: str, missing: list[str], now: datetime) -> str:
        # The record's Id comes from the request: inert in the DM (no <!channel>, no fake link).
        shown = escape(truncate(record_id, 40) or "?")
        text = self.catalogue.t("salesforce.unmapped", id=shown, missing=", ".join(missing))
        with self.database.unit_of_work() as session:
            tell_managers(session, self.agreement.slack.managers, now, text)
        log.warning("salesforce notification kept unmapped (missing: %s)", ", ".join(missing))
        return "unmapped"
