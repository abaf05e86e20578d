"""The pure HubSpot builders: which events become which writes, and hostile input."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.crm import hubspot_map as hub
from sla_rules.agreement.fields import OUTCOMES
from tests.fuzz_budget import fuzz_examples

AT = "2026-12-02T10:00:00+00:00"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_only_hubspot_contact_ids_are_contacts() -> None:
    assert hub.contact_of("hubspot:901") == "901"
    for other in (None, "", "hubspot:", "hubspot:abc", "salesforce:1", "hubspot:1 ", "x:hubspot:1"):
        assert hub.contact_of(other) is None


@given(st.text(max_size=60))
@settings(max_examples=fuzz_examples(100))
def test_contact_of_never_raises_and_only_gives_digits(text: str) -> None:
    contact = hub.contact_of(text)
    assert contact is None or (contact.isdigit() and contact.isascii())


def test_every_outcome_has_a_lead_status_and_calls_a_disposition() -> None:
    assert set(hub.STATUS_AFTER_OUTCOME) == set(OUTCOMES)
    for outcome in OUTCOMES:
        if outcome != "email_sent":
            assert outcome in hub.DISPOSITIONS


def test_a_call_is_associated_to_the_contact_with_its_disposition_and_tag() -> None:
    payload = hub.operation("touch", "U1", {"touch_kind": "call", "outcome": "connected"})
    assert payload is not None and payload["status"] == "CONNECTED"
    kind, body = hub.engagement({**payload, "at": AT}, "901", "7001", 42, "a call")
    assert kind == "calls"
    props = body["properties"]
    assert props["hs_call_disposition"] == hub.DISPOSITIONS["connected"]
    assert props[hub.TAG_PROPERTY] == "42" and props["hubspot_owner_id"] == "7001"
    assert props["hs_timestamp"] == "1796205600000"
    [association] = body["associations"]
    assert association["to"] == {"id": "901"}
    assert association["types"][0]["associationTypeId"] == 194


def test_an_email_touch_is_an_email_engagement() -> None:
    payload = hub.operation("touch", "U1", {"touch_kind": "email", "outcome": "email_sent"})
    kind, body = hub.engagement({**payload, "at": AT}, "901", None, 7, "an email")
    assert kind == "emails" and "hubspot_owner_id" not in body["properties"]
    assert body["associations"][0]["types"][0]["associationTypeId"] == 198


def test_claims_releases_closes_and_breaches() -> None:
    assert hub.operation("claimed", "U1", {}) == {
        "op": "owner",
        "user": "U1",
        "status": "IN_PROGRESS",
    }
    assert hub.operation("claimed", None, {}) is None
    released = hub.operation("released", None, {})
    assert released == {"op": "status", "status": "OPEN", "clear_owner": True}
    assert hub.contact_update(released, None, None) == {
        "hs_lead_status": "OPEN",
        "hubspot_owner_id": "",
    }
    assert hub.operation("closed", None, {"status": "disqualified"})["status"] == "UNQUALIFIED"
    assert hub.operation("closed", None, {"status": "reached"}) is None
    assert hub.operation("breached", None, {}) == {"op": "breach"}
    assert hub.operation("announced", None, {}) is None
    update = hub.contact_update({"op": "breach"}, None, "sla_breached")
    assert update == {"sla_breached": "true"}
    assert hub.contact_update({"op": "breach"}, None, None) == {}


@given(
    st.text(max_size=20),
    st.one_of(st.none(), st.text(max_size=20)),
    st.dictionaries(st.text(max_size=12), JSON, max_size=6),
)
@settings(max_examples=fuzz_examples(100))
def test_any_event_gives_a_json_payload_or_none(kind: str, actor: str | None, detail: dict) -> None:
    for event in (kind, "touch", "claimed", "closed"):
        payload = hub.operation(event, actor, detail)
        if payload is not None:
            json.dumps(payload)  # storable as the outbox row's payload
