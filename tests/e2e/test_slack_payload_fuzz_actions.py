"""Malformed but correctly signed block actions never crash the bot (issue 10, item 9).

Hypothesis breaks the payloads of every button and picker (keys removed, values of the wrong
type, huge and deeply nested values, absurd numbers and dates, unicode, NUL, mentions) and
snoozes to absurd times. Each is signed for real and sent over HTTP to the running bot: every
answer is below 500, no ERROR is logged, no row is written and nothing is posted to a channel.

Each test runs SLA_FUZZ_EXAMPLES examples (default 30) per database; for a longer run:
`SLA_FUZZ_EXAMPLES=1000 .venv/bin/python -m pytest tests/e2e/test_slack_payload_fuzz_*.py`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.e2e.slack_payloads import (
    ACTION_PATHS,
    FUZZ,
    HOSTILE,
    IN_ACTION,
    Watch,
    action_payload,
    actions_for,
    broken,
    run_one,
    send_payload,
)


@FUZZ
@given(data=st.data(), which=st.integers(0, 4), user=st.sampled_from(["U0REP1", "U0REP2"]))
def test_block_actions_of_any_shape(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, data: Any, which: int, user: str
) -> None:
    bot, lead, _ = rig
    action = data.draw(broken(actions_for(lead)[which], [(key,) for key in IN_ACTION]))
    # The owner's well-formed taps would really log: only broken ones come from the owner.
    if user == "U0REP1" and action == actions_for(lead)[which]:
        user = "U0REP2"
    payload = data.draw(broken(action_payload(standin, action, user), ACTION_PATHS))
    run_one(f"block_actions {which}", rig, standin, lambda: send_payload(bot, payload))


@FUZZ
@given(moment=st.one_of(HOSTILE, st.sampled_from([1e30, -1, 0, 2**63, "1e30", 10**12, 4102444800])))
def test_a_snooze_at_an_absurd_time_is_answered(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, moment: Any
) -> None:
    bot, lead, _ = rig
    action = dict(actions_for(lead)[2], selected_date_time=moment)
    payload = action_payload(standin, action, "U0REP1")
    run_one("snooze time", rig, standin, lambda: send_payload(bot, payload))
    [answer] = standin.responses(payload["response_url"])
    assert answer["text"]
    assert "wrong" not in answer["text"]
