"""HubSpot's subscription events: the wait between failed reads, and what a body journals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.crm.hubspot_in import Malformed, Received, parse_body
from bot.crm.hubspot_inbox import FIRST_WAIT, MAX_WAIT, backoff


def test_the_wait_doubles_from_five_seconds_and_stops_at_five_minutes() -> None:
    waits = [backoff(n) for n in range(1, 12)]
    assert waits[:4] == [FIRST_WAIT, FIRST_WAIT * 2, FIRST_WAIT * 4, FIRST_WAIT * 8]
    assert waits == sorted(waits) and max(waits) == MAX_WAIT == timedelta(minutes=5)
    assert backoff(10_000) == MAX_WAIT  # no overflow after days of an outage


def test_events_keep_the_contact_the_type_and_occurred_at_when_given() -> None:
    body = [
        {"eventId": 1, "objectId": "22", "subscriptionType": "contact.creation", "occurredAt": 7},
        {"eventId": 2, "objectId": 23, "subscriptionType": "x" * 99, "occurredAt": "soon"},
    ]
    shape, events = parse_body(body)
    assert shape == "events"
    assert events == [
        {"event": "1", "contact": "22", "type": "contact.creation", "occurred_at": 7},
        {"event": "2", "contact": "23", "type": "x" * 64},
    ]


@pytest.mark.parametrize(
    "body", [[{"eventId": True, "objectId": 1, "subscriptionType": "c"}], [{"eventId": 1}]]
)
def test_a_malformed_event_is_refused(body: object) -> None:
    with pytest.raises(Malformed):
        parse_body(body)


def test_the_answer_to_events_counts_queued_and_replayed() -> None:
    received = Received(events=True)
    received.add("queued")
    assert received.answer() == {"queued": 1, "replayed": 0}
    assert Received().answer() == {"outcomes": {}, "leads": []}
