"""Nothing from a request that failed signature verification is ever used (issue 10, item 1).

Each forged request names a real response_url on the stand-in, a channel and a user, and would
trigger a failing listener if it got in: the test asserts the bot answered 401 and that the
stand-in saw no call and no response_url post, and that no row was written.
The hypothesis test runs SLA_FUZZ_EXAMPLES examples (default 60); e.g.
`SLA_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/e2e/test_unverified.py` for a longer run.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.local.harness import SIGNING_SECRET, LocalBot
from bot.local.standin import SlackStandIn, slack_signature
from handlers.signature import is_signed_by_slack
from storage.models import Base
from tests.fuzz_budget import fuzz_examples

FORM = "application/x-www-form-urlencoded"
EXAMPLES = fuzz_examples(30)


def row_counts(bot: LocalBot) -> dict[str, int]:
    """How many rows each table holds."""
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


def touch_command(standin: SlackStandIn) -> bytes:
    """A /sla touch that would write (and fail on a missing lead) if it were let in."""
    fields = {
        "command": "/sla",
        "text": "touch L-1 call connected",
        "user_id": "U0REP1",
        "channel_id": "C0HANDOFF",
        "team_id": "T1",
        "response_url": standin.new_response_url("C0HANDOFF", None, "U0REP1"),
        "trigger_id": "1.2.3",
    }
    return urllib.parse.urlencode(fields).encode()


def crashing_action(standin: SlackStandIn) -> bytes:
    """A block action whose listener would fail, naming a response_url, channel and user."""
    payload = {
        "type": "block_actions",
        "user": {"id": "U0REP1"},
        "channel": {"id": "C0HANDOFF"},
        "response_url": standin.new_response_url("C0HANDOFF", None, "U0REP1"),
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "cadence_snooze", "block_id": "x", "type": "datepicker"}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def assert_nothing_used(bot: LocalBot, standin: SlackStandIn, before: dict[str, int]) -> None:
    """No Slack call, no response_url post, no row."""
    time.sleep(0.05)  # a background answer, were there one, would have left by now
    assert standin.calls() == []
    assert standin.responses() == []
    assert row_counts(bot) == before


# int() takes several of these ("+1", "1_0", "1\xa0"); Slack's timestamp is ASCII digits only.
MALFORMED_TIMESTAMPS = [
    "abc",
    "",
    "12.5",
    "1e9",
    "+1",
    "1_0",
    "1\xa0",
    "\xb2",
    "-5",
    "0x10",
    "9" * 40,
]


@pytest.mark.parametrize("timestamp", MALFORMED_TIMESTAMPS)
@pytest.mark.parametrize("make_body", [touch_command, crashing_action])
def test_a_malformed_timestamp_is_refused_before_anything_reads_the_body(
    english_bot: LocalBot, standin: SlackStandIn, timestamp: str, make_body: Any
) -> None:
    standin.clear()
    before = row_counts(english_bot)
    body = make_body(standin)
    # Even an HMAC computed over the malformed timestamp is no signature.
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, body),
    }
    response = english_bot.slack.send_raw(body, headers)
    assert response.status == 401
    assert_nothing_used(english_bot, standin, before)


@pytest.mark.parametrize(
    "signature",
    ["", "v0=", "v1=" + "0" * 64, "v0=" + "g" * 64, "v0=" + "0" * 63, "V0=abc", "v0=" + "0" * 64],
)
def test_a_malformed_or_wrong_signature_is_refused(
    english_bot: LocalBot, standin: SlackStandIn, signature: str
) -> None:
    standin.clear()
    before = row_counts(english_bot)
    body = crashing_action(standin)
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": signature,
    }
    assert english_bot.slack.send_raw(body, headers).status == 401
    assert_nothing_used(english_bot, standin, before)


def test_ssl_check_and_url_verification_need_a_signature_too(
    english_bot: LocalBot, standin: SlackStandIn
) -> None:
    standin.clear()
    for body, content_type in [
        (b"ssl_check=1&token=x", FORM),
        (b'{"type":"url_verification","challenge":"c"}', "application/json"),
    ]:
        response = english_bot.slack.send_raw(
            body, {"Content-Type": content_type, "X-Slack-Request-Timestamp": "abc"}
        )
        assert response.status == 401
        assert "c" not in response.body
    assert standin.calls() == []


def test_the_check_is_strict_about_its_headers() -> None:
    now = 1_800_000_000.0
    body = b"payload=%7B%7D"
    good = str(int(now))
    headers = {
        "X-Slack-Request-Timestamp": good,
        "X-Slack-Signature": slack_signature("s", good, body),
    }
    assert is_signed_by_slack("s", headers, body, now)
    assert not is_signed_by_slack("", headers, body, now)  # no secret configured
    assert not is_signed_by_slack("s", headers, body + b"x", now)
    assert not is_signed_by_slack("s", headers, body, now + 300)  # Bolt's limit, less 1 s
    assert is_signed_by_slack("s", headers, body, now + 299)
    assert is_signed_by_slack("s", headers, body, now - 299)
    assert not is_signed_by_slack("s", {}, body, now)


HEADER_TEXT = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"[0-9]{0,20}(\.[0-9]+)?(e[0-9]+)?", fullmatch=True),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    timestamp=st.one_of(st.none(), HEADER_TEXT),
    signature=st.one_of(st.none(), HEADER_TEXT, st.just("v0=" + "a" * 64)),
    sign_over_timestamp=st.booleans(),
    payload=st.dictionaries(
        st.sampled_from(["type", "user", "channel", "response_url", "actions", "view", "event"]),
        st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.integers())),
        max_size=7,
    ),
)
def test_unverified_requests_of_any_shape_are_refused(
    english_bot: LocalBot,
    standin: SlackStandIn,
    timestamp: str | None,
    signature: str | None,
    sign_over_timestamp: bool,
    payload: dict[str, Any],
) -> None:
    standin.clear()
    before = row_counts(english_bot)
    payload = {**payload, "response_url": standin.new_response_url("C0HANDOFF", None, "U0REP1")}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    headers = {"Content-Type": FORM}
    # Header values must travel over HTTP/1.1: drop what http.client refuses to send.
    if timestamp is not None and timestamp.isprintable() and timestamp.isascii():
        headers["X-Slack-Request-Timestamp"] = timestamp.strip()
    if sign_over_timestamp and "X-Slack-Request-Timestamp" in headers:
        signature = slack_signature(SIGNING_SECRET, headers["X-Slack-Request-Timestamp"], body)
    if signature is not None and signature.isprintable() and signature.isascii():
        headers["X-Slack-Signature"] = signature.strip()
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    if stamp.isdigit() and abs(time.time() - int(stamp)) <= 301 and sign_over_timestamp:
        return  # a genuinely valid signature: not what this test is about
    assert english_bot.slack.send_raw(body, headers).status == 401
    assert_nothing_used(english_bot, standin, before)


def test_bolt_alone_never_reads_an_unverified_body_either(
    english_bot: LocalBot, standin: SlackStandIn
) -> None:
    # Defence in depth: a request reaching Bolt by another way (not the checked route) with a
    # malformed timestamp still makes its error handler answer 401 without using the body.
    from slack_bolt import BoltRequest

    assert english_bot.bot is not None
    standin.clear()
    body = crashing_action(standin).decode()
    request = BoltRequest(
        body=body,
        headers={
            "content-type": FORM,
            "x-slack-request-timestamp": "abc",
            "x-slack-signature": "v0=" + "0" * 64,
        },
    )
    response = english_bot.bot.bolt.dispatch(request)
    assert response.status == 401
    time.sleep(0.05)
    assert standin.calls() == []
    assert standin.responses() == []
