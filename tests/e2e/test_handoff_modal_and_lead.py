"""/sla handoff (the modal) and /sla lead (the timeline), end to end."""

from __future__ import annotations

import json

import pytest

from bot.local.harness import LocalBot
from bot.ui.render import render_message
from tests.helpers import HANDOFF_MODAL, drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

VALUES = HANDOFF_MODAL


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def ask(bot: LocalBot, text: str, user: str = "U0REP1") -> str:
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def test_a_marketer_gets_the_handoff_modal(bot: LocalBot) -> None:
    result = bot.slack.slash_command("handoff", user_id="U0MKT1")
    assert result.status == 200
    [call] = bot.standin.wait_for_calls("views.open")
    view = call.args["view"]
    assert view["callback_id"] == "handoff"
    assert [b["block_id"] for b in view["blocks"]] == [
        "name",
        "company",
        "email",
        "phone",
        "source",
        "reason",
    ]


def test_a_rep_may_not_hand_off(bot: LocalBot) -> None:
    assert "Only marketers and managers hand off leads" in ask(bot, "handoff", user="U0REP2")
    assert bot.standin.calls("views.open") == []


def test_the_modal_shows_field_errors_inside_it(bot: LocalBot) -> None:
    values = {**VALUES, "email": {"value": "jorge at ferrenorte"}, "name": {"value": " "}}
    response = bot.slack.view_submission("handoff", values, "U0MKT1")
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"name", "email"}
    assert answer["errors"]["email"] == "is not an email address"
    assert bot.standin.calls("chat.postMessage") == []


def test_a_submitted_modal_hands_off_and_confirms(bot: LocalBot) -> None:
    response = bot.slack.view_submission("handoff", VALUES, "U0MKT1")
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    assert "Handed off *L-1* (Jorge Ibarra)" in json.dumps(answer["view"], ensure_ascii=False)
    [message] = wait_announced(bot, 1)
    assert "Jorge Ibarra" in render_message(message)
    story = ask(bot, "lead L-1")
    assert "handed off through Slack by @U0MKT1" in story


def _confirmation(bot: LocalBot, values: dict[str, dict[str, str]] = VALUES) -> str:
    response = bot.slack.view_submission("handoff", values, "U0MKT1")
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    [block] = answer["view"]["blocks"]
    return block["text"]["text"]


def test_the_confirmation_links_the_channel_it_was_announced_in(bot: LocalBot) -> None:
    text = _confirmation(bot)
    assert "announced in <#C0HANDOFF>" in text
    assert "<#<#" not in text


def test_a_duplicate_of_an_unclaimed_lead_says_it_still_waits_for_a_claimer(
    bot: LocalBot,
) -> None:
    _confirmation(bot)
    wait_announced(bot, 1)
    again = {**VALUES, "source": {"value": "webinar"}}
    text = _confirmation(bot, again)
    assert "*L-1*" in text
    assert "owner" not in text
    assert "still waiting for someone to claim it" in text
    assert "<#C0HANDOFF>" in text


def test_a_duplicate_of_a_claimed_lead_names_the_owner_who_was_told(bot: LocalBot) -> None:
    _confirmation(bot)
    [message] = wait_announced(bot, 1)
    click = bot.slack.block_action(
        "claim_lead", "1", "U0REP3", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    text = _confirmation(bot, {**VALUES, "source": {"value": "webinar"}})
    assert "<@U0REP3>" in text
    assert "still waiting" not in text


def test_lead_story_by_short_or_external_id(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot, handed_off_at="2026-11-20T10:00:00-06:00"))
    [message] = wait_announced(bot, 1)
    click = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP3", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    for reference in ("L-1", "l1", "crm-1001"):
        story = ask(bot, f"lead {reference}")
        assert story.startswith("L-1 · Marta Quintana · Óptica Sur")
        assert "Status: claimed, owned by @U0REP3" in story
        assert "Nov 20, 2026, 10:00 handed off through the API" in story
        assert "announced in #C0HANDOFF" in story
        assert "claimed by @U0REP3 after" in story


def test_lead_story_of_an_unknown_lead_says_how_to_name_one(bot: LocalBot) -> None:
    assert "I know no lead “L-999”" in ask(bot, "lead L-999")
    assert "/sla lead L-42" in ask(bot, "lead")


def test_spanish_handoff_alias_opens_the_modal_in_spanish(standin) -> None:
    with LocalBot(EXAMPLES / "acuerdo.es.yaml", standin=standin, ticker=False) as bot:
        marketer = bot.bot.deps.agreement.slack.marketers[0]
        bot.slack.slash_command("entrega", user_id=marketer)
        [call] = bot.standin.wait_for_calls("views.open")
        assert call.args["view"]["title"]["text"] == "Entregar un lead"
