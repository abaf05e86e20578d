"""The stand-in's response_url (through slack_sdk's WebhookClient), its waits, and form posts."""

from __future__ import annotations

import json
import threading
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.local.standin import RESPONSE_URL_METHOD, SlackStandIn
from tests.local.standin.blocks import button_row, section

# -- response_url and waiting -------------------------------------------------------------------


def test_response_url_via_webhook_client(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="pending", blocks=[button_row("OK")])
    url = standin.new_response_url(channel="C1", message_ts=posted["ts"], user_id="U1")
    assert url.startswith(f"{standin.base_url}/response/")
    webhook = WebhookClient(url)

    assert webhook.send(text="thinking...").status_code == 200
    assert (
        webhook.send(text="done", blocks=[section("done")], replace_original=True).status_code
        == 200
    )

    bodies = standin.responses(url)
    assert [b["text"] for b in bodies] == ["thinking...", "done"]
    assert bodies[1]["blocks"] == [section("done")]
    token = url.rsplit("/", 1)[1]
    assert standin.calls(RESPONSE_URL_METHOD)[0].args["token"] == token
    assert standin.message("C1", posted["ts"])["text"] == "done"
    [ephemeral] = [m for m in standin.messages("C1") if m["ephemeral"]]
    assert ephemeral["user"] == "U1" and ephemeral["text"] == "thinking..."
    for _ in range(3):
        webhook.send(text="more")
    assert webhook.send(text="sixth").status_code == 404


def test_wait_for_timeout_raises_with_summary(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test -> 200 ok"):
        standin.wait_for(lambda s: bool(s.calls("chat.postMessage")), timeout=0.05)


def test_wait_for_calls_sees_calls_from_other_threads(
    standin: SlackStandIn, client: WebClient
) -> None:
    worker = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C1", text=str(i)) for i in range(3)]
    )
    worker.start()
    calls = standin.wait_for_calls("chat.postMessage", 3, timeout=2)
    worker.join()
    assert [c.args["text"] for c in calls] == ["0", "1", "2"]
    standin.clear()
    assert standin.calls() == [] and len(standin.messages("C1")) == 3


def test_form_encoded_and_query_params_are_accepted(standin: SlackStandIn) -> None:
    headers = {"Authorization": "Bearer xoxb-test"}
    form = urlencode({"channel": "C1", "text": "hi", "blocks": json.dumps([section("x")])})
    post = urllib.request.Request(
        f"{standin.api_url}chat.postMessage", data=form.encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(post, timeout=5) as resp:
        assert json.load(resp)["ok"]
    get = urllib.request.Request(f"{standin.api_url}users.info?user=U5", headers=headers)
    with urllib.request.urlopen(get, timeout=5) as resp:
        assert json.load(resp)["user"]["id"] == "U5"
    assert standin.calls("chat.postMessage")[0].args["blocks"] == [section("x")]
