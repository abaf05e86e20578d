"""The outgoing webhook's payload, signature and verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.crm.webhook_out import EVENT_TYPES, event_body, signature, signed_headers, verify
from tests.fuzz_budget import fuzz_examples

AT = datetime(2026, 12, 2, 10, 0, tzinfo=timezone(timedelta(hours=-6)))
LEAD = {"id": "L-42", "external_id": "crm-1", "status": "claimed", "name": "Marta <!channel>"}


def test_the_body_has_type_time_and_lead() -> None:
    body = json.loads(event_body("lead.claimed", AT, LEAD))
    assert body == {
        "type": "lead.claimed",
        "occurred_at": "2026-12-02T10:00:00-06:00",
        "lead": LEAD,
    }


def test_unknown_types_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        event_body("lead.deleted", AT, LEAD)
    with pytest.raises(ValueError):
        event_body("lead.claimed", AT.replace(tzinfo=None), LEAD)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"type":"lead.closed"}'
    expected = hmac.new(b"s3cret", b"1764669600." + body, hashlib.sha256).hexdigest()
    assert signature("s3cret", 1764669600, body) == f"v1={expected}"


def test_verify_accepts_ours_and_refuses_tampering_staleness_and_other_secrets() -> None:
    body = event_body("lead.touched", AT, LEAD)
    now = AT.timestamp()
    headers = signed_headers("s3cret", int(now), body, "evt-1")
    assert headers["X-Sla-Event-Id"] == "evt-1"
    assert verify("s3cret", headers, body, now)
    assert verify("s3cret", {k.lower(): v for k, v in headers.items()}, body, now)
    assert not verify("other", headers, body, now)
    assert not verify("s3cret", headers, body + b" ", now)
    assert not verify("s3cret", headers, body, now + 301)
    assert not verify("s3cret", {**headers, "X-Sla-Timestamp": "abc"}, body, now)
    assert not verify("s3cret", {}, body, now)


@hsettings(max_examples=fuzz_examples(50), deadline=None)
@given(
    kind=st.sampled_from(EVENT_TYPES),
    name=st.text(),
    secret=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1),
    stamp=st.integers(min_value=0, max_value=2**40),
)
def test_every_event_round_trips_and_verifies(kind, name, secret, stamp) -> None:
    lead = {**LEAD, "name": name}
    try:
        body = event_body(
            kind, datetime.fromtimestamp(0, UTC) + timedelta(seconds=stamp % 2**31), lead
        )
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be UTF-8: never part of a real lead
    assert json.loads(body)["lead"]["name"] == name
    assert verify(secret, signed_headers(secret, stamp, body, "e"), body, float(stamp))
