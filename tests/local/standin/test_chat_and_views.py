"""The stand-in's chat, conversations, users and views, driven through slack_sdk's WebClient."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin import SlackStandIn
from tests.local.standin.blocks import button_row, section

# -- chat ---------------------------------------------------------------------------------------


def test_post_then_update_reflects_latest_state(standin: SlackStandIn, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="v1", blocks=[section("one")])
    second = client.chat_postMessage(channel="C1", text="other", thread_ts=first["ts"])
    assert first["ok"] and first["channel"] == "C1" and first["message"]["text"] == "v1"
    assert second["ts"] > first["ts"]
    assert first["ts"].count(".") == 1 and len(first["ts"].split(".")[1]) == 6

    updated = client.chat_update(channel="C1", ts=first["ts"], text="v2", blocks=[section("two")])

    assert updated["ts"] == first["ts"] and updated["text"] == "v2"
    state = standin.message("C1", first["ts"])
    assert state is not None
    assert state["text"] == "v2" and state["blocks"] == [section("two")] and state["edits"] == 1
    assert [m["ts"] for m in standin.messages("C1")] == [first["ts"], second["ts"]]
    assert standin.messages("C1")[1]["thread_ts"] == first["ts"]
    assert standin.calls("chat.update")[0].args["blocks"] == [section("two")]


def test_update_unknown_ts_and_empty_update_are_errors(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="hello")
    with pytest.raises(SlackApiError) as unknown:
        client.chat_update(channel="C1", ts="1600000000.000001", text="x")
    assert unknown.value.response["error"] == "message_not_found"
    with pytest.raises(SlackApiError) as empty:
        client.api_call("chat.update", json={"channel": "C1", "ts": posted["ts"]})
    assert empty.value.response["error"] == "no_text"


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x")] * 51, "/blocks]"),
        ([section("x" * 3001)], "/blocks/0/text/text]"),
        ([button_row("b" * 76)], "/blocks/0/elements/0/text/text]"),
        ([{"type": "section", "text": "raw string"}], "/blocks/0/text]"),
    ],
    ids=["51-blocks", "section-3001", "button-76", "text-not-object"],
)
def test_block_kit_limits_rejected(
    client: WebClient, standin: SlackStandIn, blocks: list[dict[str, Any]], pointer: str
) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    assert exc.value.response["error"] == "invalid_blocks"
    assert exc.value.response["response_metadata"]["messages"][0].endswith(pointer)
    assert standin.messages() == []


def test_block_kit_limits_allow_the_maximum(client: WebClient) -> None:
    blocks = [section("x" * 3000)] * 49 + [button_row("b" * 75)]
    assert client.chat_postMessage(channel="C1", text="ok", blocks=blocks)["ok"]


def test_missing_channel_and_missing_token(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as missing:
        client.api_call("chat.postMessage", json={"text": "hi"})
    assert missing.value.response["error"] == "channel_not_found"
    anonymous = WebClient(token=None, base_url=standin.api_url)
    with pytest.raises(SlackApiError) as unauthed:
        anonymous.chat_postMessage(channel="C1", text="hi")
    assert unauthed.value.response["error"] == "not_authed"


def test_ephemeral_and_posting_to_user_id(standin: SlackStandIn, client: WebClient) -> None:
    eph = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    dm = client.chat_postMessage(channel="U7", text="psst")
    assert eph["message_ts"]
    assert dm["channel"] == client.conversations_open(users="U7")["channel"]["id"]
    [ephemeral] = standin.messages("C1")
    assert ephemeral["user"] == "U1" and ephemeral["ephemeral"]


# -- conversations, users, views ----------------------------------------------------------------


def test_conversations_open_is_stable_per_user(client: WebClient) -> None:
    a1 = client.conversations_open(users="U1")
    a2 = client.conversations_open(users=["U1"])
    b = client.conversations_open(users="U2")
    assert a1["channel"]["id"] == a2["channel"]["id"] and a1["channel"]["id"].startswith("D")
    assert b["channel"]["id"] != a1["channel"]["id"]
    assert a2["already_open"] is True


def test_users_info_known_unknown_and_lookup(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U1", "ana", real_name="Ana Ruiz", email="ana@acme.test", tz="Europe/Madrid")
    known = client.users_info(user="U1")["user"]
    unknown = client.users_info(user="U404")["user"]
    assert known["real_name"] == "Ana Ruiz" and known["tz"] == "Europe/Madrid"
    assert known["profile"]["email"] == "ana@acme.test"
    assert isinstance(known["tz_offset"], int)
    assert unknown["id"] == "U404" and unknown["profile"]["email"].endswith("@example.com")
    assert unknown["tz"] == "America/Mexico_City"
    assert client.users_lookupByEmail(email="ANA@acme.test")["user"]["id"] == "U1"


def test_views_open_publish_update_and_trigger_validity(
    standin: SlackStandIn, client: WebClient
) -> None:
    modal = {
        "type": "modal",
        "callback_id": "cb",
        "title": {"type": "plain_text", "text": "T"},
        "blocks": [section("x")],
    }
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=modal)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "cb"
    updated = client.views_update(view_id=opened["id"], view={**modal, "blocks": []})
    assert updated["view"]["id"] == opened["id"]
    home = {"type": "home", "blocks": [section("home")]}
    client.views_publish(user_id="U1", view=home)
    client.views_publish(user_id="U1", view=home)
    assert standin.home_view("U1") is not None
    assert len([v for v in standin.views() if v["type"] == "home"]) == 1

    reused = standin.issue_trigger_id()
    client.views_open(trigger_id=reused, view=modal)
    with pytest.raises(SlackApiError) as exchanged:
        client.views_open(trigger_id=reused, view=modal)
    assert exchanged.value.response["error"] == "exchanged_trigger_id"
    standin.trigger_ttl = 0.01
    stale = standin.issue_trigger_id()
    time.sleep(0.02)
    with pytest.raises(SlackApiError) as expired:
        client.views_open(trigger_id=stale, view=modal)
    assert expired.value.response["error"] == "expired_trigger_id"
    standin.trigger_ttl = 3.0
    with pytest.raises(SlackApiError) as too_big:
        client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 101})
    assert too_big.value.response["error"] == "invalid_arguments"
