"""Leads in from Salesforce: each Outbound Message notification journaled, then handed off."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.crm.salesforce_soap import OutboundMessage
from bot.leads.handoff_input import parse_handoff
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock
from bot.ui.blocks import Reply, section
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.salesforce_mapping import map_lead
from storage import inbox
from storage.models import InboxItem
from storage.outbox import enqueue
from storage.unit_of_work import Database

log = logging.getLogger(__name__)
KIND = "salesforce"
LEASE = timedelta(minutes=5)
REPLAY_BATCH = 100


@dataclass(frozen=True)
class Received:
    """How many notifications were new, replayed, handed off and kept unmapped."""

    new: int = 0
    replayed: int = 0
    handed_off: int = 0
    unmapped: int = 0


class SalesforceInbox:
    """Receives Outbound Messages: journal first (so an ack is never lost), then hand off."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        catalogue: Catalogue,
        handoffs: Handoffs,
        clock: Clock,
    ) -> None:
        self.clock = clock
        self.database = database
        self.agreement = agreement
        self.catalogue = catalogue
        self.handoffs = handoffs

    def receive(self, message: OutboundMessage, now: datetime) -> Received:
        """Journal every notification not seen before and act on it; replays do nothing."""
        new = replayed = handed = unmapped = 0
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
        return Received(new, replayed, handed, unmapped)

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
        if mapped.meaning != "mql":
            # Won and disqualified are kept in the journal; closing the lead is not wired yet.
            return mapped.meaning
        if mapped.missing:
            return self._unmapped(record_id, list(mapped.missing), now)
        data, errors = parse_handoff(mapped.handoff, self.catalogue, now=now)
        if data is None:
            return self._unmapped(record_id, sorted(errors), now)
        self.handoffs.hand_off(data, via="api", now=now)
        return "handed_off"

    def _unmapped(self, record_id: str, missing: list[str], now: datetime) -> str:
        cat = self.catalogue
        text = cat.t("salesforce.unmapped", id=record_id or "?", missing=", ".join(missing))
        reply = Reply(text=text, blocks=[section(text)])
        with self.database.unit_of_work() as session:
            for manager in self.agreement.slack.managers:
                enqueue(session, kind="dm", channel=manager, now=now, payload=reply.payload())
        log.warning("salesforce notification kept unmapped (missing: %s)", ", ".join(missing))
        return "unmapped"
