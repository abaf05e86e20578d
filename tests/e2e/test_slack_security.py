"""Request signatures are always verified in HTTP mode."""

from __future__ import annotations

import time
import urllib.parse

from bot.local.harness import LocalBot

BODY = urllib.parse.urlencode(
    {
        "command": "/sla",
        "text": "glossary",
        "user_id": "U0REP1",
        "team_id": "T1",
        "response_url": "http://127.0.0.1:9/none",
        "trigger_id": "1.2.3",
    }
).encode()
FORM = "application/x-www-form-urlencoded"


def test_wrong_secret_is_refused(english_bot: LocalBot) -> None:
    response = english_bot.slack.post(BODY, FORM, secret_override="not-the-secret")
    assert response.status == 401


def test_stale_timestamp_is_refused(english_bot: LocalBot) -> None:
    response = english_bot.slack.post(BODY, FORM, timestamp_offset=-301)
    assert response.status == 401


def test_unsigned_request_is_refused(english_bot: LocalBot) -> None:
    response = english_bot.slack.send_raw(BODY, {"Content-Type": FORM})
    assert response.status == 401


def test_tampered_body_is_refused(english_bot: LocalBot) -> None:
    from bot.local.harness import SIGNING_SECRET
    from bot.local.standin import slack_signature

    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, BODY),
    }
    response = english_bot.slack.send_raw(BODY.replace(b"glossary", b"owners"), headers)
    assert response.status == 401


def test_refused_requests_reach_no_listener(english_bot: LocalBot, standin) -> None:
    english_bot.slack.post(BODY, FORM, secret_override="nope")
    assert standin.calls("response_url") == []


def test_a_correct_signature_is_accepted(english_bot: LocalBot, standin) -> None:
    body = BODY.replace(
        urllib.parse.quote("http://127.0.0.1:9/none", safe="").encode(),
        urllib.parse.quote(standin.new_response_url(), safe="").encode(),
    )
    assert english_bot.slack.post(body, FORM).status == 200
    standin.wait_for_calls("response_url")
