"""HubSpot in: a workflow's contact or a batch of subscription events becomes handoffs.

The request's signature is checked before this is called. A workflow sends the contact with its
properties and is handed off in the request. Subscription events only name a contact: they are
journaled in the inbox and answered at once (HubSpot waits 30 s at most), and the contact is read
through the CRM API after the answer (bot/crm/hubspot_inbox.py calls `settle`). A record the
mapping cannot use is kept and the managers told: HubSpot does not retry an answer in the 4xx
range, so refusing it would lose the lead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.crm.crm_close import CrmClose
from bot.crm.notices import tell_managers
from bot.leads.handoff_input import parse_handoff
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock
from bot.ui.catalogue import Catalogue
from sla_rules.crm_mapping import HubSpotMapping, Mapped, flat_properties, map_contact
from storage import crm_receipts as receipts
from storage import inbox
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.crm.hubspot")
# What HubSpot sends per request is at most 100 events; more is not HubSpot.
MAX_EVENTS = 1000
CONTACT_EVENTS = ("contact.creation", "contact.propertyChange")
# The inbox's kind for subscription events, and the key each one is journaled (and kept) under.
KIND = "hubspot"
# Reads a contact's properties by ID (None: no such contact); raises when HubSpot is unreachable.
ContactReader = Callable[[str, Sequence[str]], dict[str, Any] | None]
# Told the inbox IDs a request journaled, once committed (to read them off the request).
OnQueued = Callable[[list[int]], object]


def event_key(event_id: str) -> str:
    """The idempotency key of one subscription event (in the inbox and the receipts)."""
    return f"hubspot:event:{event_id}"


class Malformed(ValueError):
    """The body is not what HubSpot sends; `field` names the part that is wrong."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


class ContactUnreadable(RuntimeError):
    """HubSpot's CRM API did not answer (down, rate limited): the event stays owed."""


class ReadsPaused(RuntimeError):
    """HubSpot's rate limit is spent for `wait` seconds: read later, and it is no failure."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limit: {wait:.1f}s")
        self.wait = wait


@dataclass
class Received:
    """What one request became: a count per outcome and the leads it made (a workflow), or
    how many events were journaled and how many were known already (subscription events)."""

    outcomes: dict[str, int] = field(default_factory=dict)
    leads: list[str] = field(default_factory=list)
    events: bool = False

    def add(self, outcome: str) -> None:
        """Count one record's outcome."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def answer(self) -> dict[str, Any]:
        """The JSON answer: {queued, replayed} for events, {outcomes, leads} for a workflow."""
        if self.events:
            return {
                "queued": self.outcomes.get("queued", 0),
                "replayed": self.outcomes.get("replayed", 0),
            }
        return {"outcomes": self.outcomes, "leads": self.leads}


def _object_id(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Malformed(where, "not_id")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        raise Malformed(where, "not_id")
    return text


def parse_body(body: Any) -> tuple[str, list[dict[str, Any]]]:
    """Tell a workflow contact from subscription events; raise Malformed when it is neither."""
    if isinstance(body, dict):
        raw = body.get("objectId", body.get("vid", body.get("id")))
        if raw is None:
            raise Malformed("objectId", "required")
        contact = _object_id(raw, "objectId")
        properties = body.get("properties")
        if not isinstance(properties, dict):
            raise Malformed("properties", "not_object")
        return "contact", [{"id": contact, "properties": properties}]
    if not isinstance(body, list):
        raise Malformed("body", "not_object_or_list")
    if len(body) > MAX_EVENTS:
        raise Malformed("body", "too_many_events")
    events = []
    for n, event in enumerate(body):
        if not isinstance(event, dict):
            raise Malformed(f"[{n}]", "not_object")
        kind = event.get("subscriptionType")
        if not isinstance(kind, str):
            raise Malformed(f"[{n}].subscriptionType", "required")
        parsed = {
            "event": _object_id(event.get("eventId"), f"[{n}].eventId"),
            "contact": _object_id(event.get("objectId"), f"[{n}].objectId"),
            "type": kind[:64],
        }
        occurred = event.get("occurredAt")
        if isinstance(occurred, int) and not isinstance(occurred, bool) and 0 <= occurred < 10**15:
            parsed["occurred_at"] = occurred  # milliseconds since the epoch, as HubSpot sends
        events.append(parsed)
    return "events", events


class HubSpotIn:
    """Receives what HubSpot sends and hands off the MQLs in it."""

    def __init__(
        self,
        database: Database,
        handoffs: Handoffs,
        mapping: HubSpotMapping,
        cat: Catalogue,
        clock: Clock,
        managers: Sequence[str],
        read_contact: ContactReader | None,
        closer: CrmClose | None = None,
    ) -> None:
        self.database = database
        self.handoffs = handoffs
        self.mapping = mapping
        self.cat = cat
        self.clock = clock
        self.managers = list(managers)
        self.read_contact = read_contact
        self.closer = closer
        # Set by the app: reads the journaled events off the request (the tick replays anyway).
        self.on_queued: OnQueued | None = None

    @property
    def wanted(self) -> list[str]:
        """The properties the mapping reads."""
        m = self.mapping
        names = [*m.name, m.company, m.email, m.phone, m.source, m.reason]
        names += [m.mql_property, m.won_property, m.disqualified_property]
        return list(dict.fromkeys(names))

    def receive(self, body: Any) -> Received:
        """Take a verified body (raises Malformed before anything is stored)."""
        shape, records = parse_body(body)
        received = Received()
        if shape == "contact":
            record = records[0]
            self._contact(record["id"], flat_properties(record["properties"]), None, received)
            return received
        received.events = True
        queued = self._journal(records, received)
        if queued and self.on_queued is not None:
            try:
                self.on_queued(queued)
            except Exception:  # shutting down: journaled, so the next tick (anywhere) reads them
                log.exception("HubSpot events journaled but not queued; the tick will read them")
        return received

    def _journal(self, events: list[dict[str, Any]], received: Received) -> list[int]:
        """Journal the events not seen before, in one transaction; their inbox IDs."""
        now = self.clock()
        keys = [event_key(event["event"]) for event in events]
        queued: list[int] = []
        with self.database.unit_of_work() as session:
            # An event settled so long ago that its inbox row was purged still has its receipt.
            settled = receipts.kept_keys(session, keys)
            for event, key in zip(events, keys, strict=True):
                item = None
                if key not in settled:
                    # Free to take at once (lease_until = now): whoever takes its lease reads it.
                    item = inbox.journal(
                        session, kind=KIND, key=key, payload=event, now=now, lease_until=now
                    )
                if item is None:
                    received.add("replayed")
                else:
                    received.add("queued")
                    queued.append(item)
        return queued

    def settle(self, event: dict[str, Any]) -> str:
        """Act on one journaled event: read its contact and hand it off; the outcome.

        Raises ContactUnreadable when HubSpot's API does not answer (nothing is kept then)."""
        key = event_key(str(event.get("event", "")))
        contact = str(event.get("contact", ""))
        kept = {"contact": contact, "type": str(event.get("type", ""))}
        received = Received()
        with self.database.reading() as session:
            if receipts.seen(session, key) is not None:
                return "replayed"
        if kept["type"] not in CONTACT_EVENTS:
            self._keep(key, "ignore", "ignored", [], kept, None)
            return "ignored"
        if self.read_contact is None:
            self._unmapped(key, contact, ["HUBSPOT_ACCESS_TOKEN"], kept, received)
            return "unmapped"
        try:
            found = self.read_contact(contact, self.wanted)
        except Exception as error:
            log.warning("HubSpot contact read failed (%s)", type(error).__name__)
            raise ContactUnreadable(type(error).__name__) from error
        if found is None:  # deleted since (404): nothing to hand off
            self._keep(key, "ignore", "ignored", ["contact"], kept, None)
            return "ignored"
        self._contact(contact, flat_properties(found), key, received)
        return next(iter(received.outcomes), "ignored")

    def _contact(
        self, contact: str, properties: dict[str, str], key: str | None, received: Received
    ) -> None:
        mapped = map_contact(self.mapping, properties)
        kept = {"contact": contact}
        if mapped.verdict != "mql":
            outcome = "ignored"
            if mapped.verdict in ("won", "disqualified") and self.closer is not None:
                # The CRM is where deals are won: its open lead closes (a replay finds it closed).
                verdict = "won" if mapped.verdict == "won" else "disqualified"
                outcome = self.closer.close(f"hubspot:{contact}", verdict, "HubSpot")
            if key is not None:
                self._keep(key, mapped.verdict, outcome[:16], [], kept, None)
            received.add(mapped.verdict if outcome != "closed" else f"closed_{mapped.verdict}")
            return
        data, missing = self._handoff(contact, mapped)
        if data is None:
            self._unmapped(key or f"hubspot:unmapped:{contact}", contact, missing, kept, received)
            return
        result = self.handoffs.hand_off(data, via="hubspot")
        if key is not None:
            self._keep(key, "mql", result.outcome, [], kept, result.lead.id)
        received.add(result.outcome)
        received.leads.append(result.lead.short_id)

    def _handoff(self, contact: str, mapped: Mapped) -> tuple[Any, list[str]]:
        if mapped.missing:
            return None, mapped.missing
        fields: dict[str, Any] = {"external_id": f"hubspot:{contact}", **mapped.fields}
        data, errors = parse_handoff(fields, self.cat, now=self.clock())
        if data is None:
            # A malformed optional value (an email HubSpot let through) is left out, not fatal.
            kept = {k: v for k, v in fields.items() if k not in errors or k == "name"}
            data, errors = parse_handoff(kept, self.cat, now=self.clock())
        if data is None:
            return None, sorted(errors)
        return data, []

    def _keep(
        self,
        key: str,
        verdict: str,
        outcome: str,
        missing: list[str],
        payload: dict[str, Any],
        lead_id: int | None,
    ) -> bool:
        with self.database.unit_of_work() as session:
            return receipts.keep(
                session,
                source="hubspot",
                key=key,
                verdict=verdict,
                outcome=outcome,
                missing=missing,
                payload=payload,
                lead_id=lead_id,
                now=self.clock(),
            )

    def _unmapped(
        self,
        key: str,
        contact: str,
        missing: list[str],
        payload: dict[str, Any],
        received: Received,
    ) -> None:
        received.add("unmapped")
        now = self.clock()
        text = self.cat.t("hubspot_in.unmapped", contact=contact, missing=", ".join(missing))
        with self.database.unit_of_work() as session:
            first = receipts.keep(
                session,
                source="hubspot",
                key=key,
                verdict="mql",
                outcome="unmapped",
                missing=missing,
                payload=payload,
                lead_id=None,
                now=now,
            )
            if first:  # a replay of the same contact tells nobody twice
                tell_managers(session, self.managers, now, text)
        log.warning("HubSpot contact kept unmapped: missing %s", ", ".join(missing))
