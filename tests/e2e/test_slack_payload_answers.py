"""What a user is told when a signed Slack payload cannot be used (issue 10, item 9).

The fuzz tests check that nothing breaks; these check the words: each malformed payload gets an
answer naming what is wrong (or a 400 naming the part Bolt could not route).
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.e2e.slack_payloads import action_payload, actions_for, send_payload, submission
from tests.helpers import drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def bot(standin: SlackStandIn) -> Iterator[LocalBot]:
    with LocalBot(EXAMPLES / "agreement.en.yaml", standin=standin, ticker=False) as running:
        yield running


def claimed(bot: LocalBot) -> int:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    assert bot.slack is not None
    click = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    return lead


def answer_to(bot: LocalBot, action: dict[str, Any], user: str = "U0REP1") -> str:
    payload = action_payload(bot.standin, action, user)
    assert send_payload(bot, payload) == 200
    bot.standin.wait_for(lambda s: s.responses(payload["response_url"]), timeout=5)
    [reply] = bot.standin.responses(payload["response_url"])
    return str(reply["text"])


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-3600, "That time has already passed"),
        (-(10**9), "That time has already passed"),
        (100 * 86400, "more than 60 days away"),
        (10**30, "more than 60 days away"),
    ],
)
def test_a_snooze_too_early_or_too_late_is_refused_in_words(
    bot: LocalBot, offset: int, expected: str
) -> None:
    lead = claimed(bot)
    action = dict(actions_for(lead)[2], selected_date_time=int(time.time()) + offset)
    assert expected in answer_to(bot, action)


@pytest.mark.parametrize("moment", [1e30, -1, "soon", None, [1], "1e30"])
def test_a_snooze_time_that_is_no_time_is_named(bot: LocalBot, moment: Any) -> None:
    lead = claimed(bot)
    action = dict(actions_for(lead)[2], selected_date_time=moment)
    text = answer_to(bot, action)
    assert "That time has already passed" in text or "(no date and time)" in text


@pytest.mark.parametrize(
    ("which", "change", "problem"),
    [
        (0, {"value": "not json"}, "a button value I cannot read"),
        (0, {"value": json.dumps({"lead": 1, "kind": "<!channel>", "outcome": "x"})}, "value"),
        (0, {"value": json.dumps({"lead": 2**63, "kind": "call", "outcome": "no_answer"})}, "lead"),
        (1, {"value": json.dumps({"lead": "L-1", "step": 1})}, "no lead I know"),
        (1, {"value": json.dumps({"lead": 1, "step": [1]})}, "no touch step"),
        (2, {"block_id": "step-1-99999999999999999999"}, "no touch step"),
        (3, {"selected_option": {"value": "<!here>"}}, "no reason picked"),
        (3, {"block_id": "step-x-1"}, "no lead I know"),
    ],
)
def test_a_control_with_a_bad_value_says_what_is_wrong(
    bot: LocalBot, which: int, change: dict[str, Any], problem: str
) -> None:
    lead = claimed(bot)
    text = answer_to(bot, {**actions_for(lead)[which], **change})
    assert text.startswith("I could not read that request from Slack")
    assert problem in text


def test_a_payload_bolt_cannot_route_is_a_400_naming_the_part(bot: LocalBot) -> None:
    assert bot.slack is not None
    for payload, part in [
        ({"type": "block_actions", "actions": [{}]}, "action_id"),
        ({"type": "block_actions", "actions": None}, "actions"),
        ({"type": "view_submission", "view": {"callback_id": 5}}, "callback_id"),
        ({"type": "block_actions", "user": 5, "actions": [{"action_id": "a"}]}, "user"),
    ]:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        response = bot.slack.post(body, FORM)
        assert response.status == 400
        assert part in response.body
    event = json.dumps({"type": "event_callback", "event": None}).encode()
    assert bot.slack.post(event, "application/json").status == 400


def test_a_command_without_a_user_is_answered_in_the_ack(bot: LocalBot) -> None:
    assert bot.slack is not None
    body = urllib.parse.urlencode({"command": "/sla", "text": "touch L-1 call connected"})
    response = bot.slack.post(body.encode(), FORM)
    assert response.status == 200
    assert "could not read that request from Slack (no user)" in response.body


def test_a_modal_of_the_wrong_shape_is_answered_in_the_modal(bot: LocalBot) -> None:
    payload = submission("U0MKT1")
    payload["view"]["state"] = {"values": {"name": {"value": {"value": {"deep": ["x"]}}}}}
    assert bot.slack is not None
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    response = bot.slack.post(body, FORM)
    assert response.status == 200
    assert response.json["response_action"] == "update"
    assert "a form I cannot read" in json.dumps(response.json["view"])
