"""The Slack surfaces in Socket Mode: the same requests, as envelopes over the WebSocket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.local.demo.kit import PEOPLE
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.render import render_message
from tests.helpers import (
    HANDOFF_MODAL,
    announcements,
    claim_values,
    drain,
    hand_off,
    lead_number,
    run_together,
)
from tests.paths import EXAMPLES


@pytest.fixture(scope="module")
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        for user, (name, real_name) in PEOPLE.items():
            server.add_user(user, name, real_name=real_name)
        yield server


@pytest.fixture(scope="module")
def bot(standin: SlackStandIn) -> Iterator[LocalBot]:
    # One bot for the module: closing slack_sdk's socket client takes ~3 s.
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        pace_seconds=0.05,
        ticker=False,
        socket_mode=True,
    ) as running:
        yield running


def announced(bot: LocalBot, lead: int) -> dict:
    bot.standin.wait_for(
        lambda s: any(str(lead) in claim_values(m) for m in announcements(bot)), timeout=15
    )
    return next(m for m in announcements(bot) if str(lead) in claim_values(m))


def test_the_bot_is_connected_and_says_so(bot: LocalBot) -> None:
    assert bot.standin.socket_links_opened == 1
    assert bot.bot is not None and bot.bot.deps.socket_connected is not None
    assert bot.bot.deps.socket_connected()


def test_a_slash_command_is_acked_and_answered(bot: LocalBot) -> None:
    [reply] = bot.slack.slash_command("glossary MQL").replies()
    assert render_message(reply).startswith("MQL: A contact whose fit")


def test_the_handoff_modal_answers_in_the_ack(bot: LocalBot) -> None:
    wrong = {**HANDOFF_MODAL, "email": {"value": "jorge at ferrenorte"}}
    answer = bot.slack.view_submission("handoff", wrong, "U0MKT1").json
    assert answer == {"response_action": "errors", "errors": {"email": "is not an email address"}}
    answer = bot.slack.view_submission("handoff", HANDOFF_MODAL, "U0MKT1").json
    assert answer["response_action"] == "update"
    assert "(Jorge Ibarra)" in json.dumps(answer["view"], ensure_ascii=False)


def test_a_claim_race_over_the_socket_has_one_winner(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot, external_id="sock-race", email="race@example.com"))
    message = announced(bot, lead)
    reps = ["U0REP1", "U0REP2", "U0REP3"] * 4

    def click(rep: str) -> tuple[str, str]:
        result = bot.slack.block_action(
            "claim_lead", str(lead), rep, channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        assert result.status == 200
        url = result.response_url
        bot.standin.wait_for(lambda s: bool(s.responses(url)), timeout=15)
        return rep, bot.standin.responses(url)[0]["text"]

    answers = run_together(*(lambda rep=rep: click(rep) for rep in reps))
    [winner] = [rep for rep, text in answers if text.startswith(f"You claimed *L-{lead}*")]
    others = sorted(text for rep, text in answers if not text.startswith("You claimed"))
    assert (
        others
        == [f"*L-{lead}* is already claimed by <@{winner}>."] * 8
        + [f"You already own *L-{lead}*."] * 3
    )


def test_a_tap_in_the_owners_dm_logs_the_touch(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot, external_id="sock-tap", email="tap@example.com"))
    message = announced(bot, lead)
    claim = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: bool(s.responses(claim.response_url)))
    drain(bot)
    dm = [m for m in bot.standin.messages("DU0REP1") if f"L-{lead}" in m["text"]][-1]
    [actions] = [b for b in dm["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["text"]["text"] == "Call: no answer"]
    tap = bot.slack.block_action(
        button["action_id"],
        button["value"],
        "U0REP1",
        channel_id=dm["channel"],
        message_ts=dm["ts"],
    )
    bot.standin.wait_for(lambda s: bool(s.responses(tap.response_url)))
    updated = render_message(bot.standin.message("DU0REP1", dm["ts"]))
    assert f"Logged on L-{lead}: a call: no answer." in updated


def test_an_event_redelivered_by_slack_is_handled_once(bot: LocalBot) -> None:
    before = len(bot.standin.calls("views.publish"))
    event = {"type": "app_home_opened", "user": "U0REP2", "tab": "home", "channel": "D2"}
    assert bot.slack.event(event, event_id="EvSOCKET1").status == 200
    bot.standin.wait_for_calls("views.publish", before + 1)
    bot.slack.event(event, event_id="EvSOCKET1", retry_num=1)
    bot.slack.event(event, event_id="EvSOCKET2")
    bot.standin.wait_for_calls("views.publish", before + 2)
    drain(bot)
    assert len(bot.standin.calls("views.publish")) == before + 2
