"""The stand-in's file uploads and its faults: 429s, 500s, delays, timeouts, rate limits."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin import UPLOAD_METHOD, SlackStandIn

# -- files --------------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C9", text="report below")
    content = b"lead,status\nL1,late\n"

    result = client.files_upload_v2(
        content=content,
        filename="sla.csv",
        title="SLA report",
        channel="C9",
        thread_ts=parent["ts"],
        initial_comment="weekly",
    )

    assert result["file"]["title"] == "SLA report"
    methods = [c.method for c in standin.calls()]
    assert methods[-3:] == [
        "files.getUploadURLExternal",
        UPLOAD_METHOD,
        "files.completeUploadExternal",
    ]
    assert standin.calls(UPLOAD_METHOD)[0].args["content"] == content
    complete = standin.calls("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "C9" and complete["thread_ts"] == parent["ts"]
    assert complete["files"] == [{"id": result["file"]["id"], "title": "SLA report"}]
    [stored] = standin.files()
    assert stored["content"] == content and stored["completed"]
    share = standin.messages("C9")[-1]
    assert share["files"] == [stored["id"]] and share["thread_ts"] == parent["ts"]
    assert share["text"] == "weekly"


# -- faults -------------------------------------------------------------------------------------


def test_429_with_retry_after_is_visible_to_client(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail("chat.postMessage", status=429, times=1, retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert exc.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert [c.status for c in standin.calls("chat.postMessage")] == [429, 200]


def test_500_injection_applies_given_times(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("users.info", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.users_info(user="U1")
        assert exc.value.response.status_code == 500
    assert client.users_info(user="U1")["ok"]
    assert client.auth_test()["ok"]


def test_delay_slows_only_the_chosen_method(standin: SlackStandIn, client: WebClient) -> None:
    standin.delay("auth.test", 0.2)
    started = time.monotonic()
    client.auth_test()
    slow = time.monotonic() - started
    started = time.monotonic()
    client.users_info(user="U1")
    fast = time.monotonic() - started
    standin.delay("auth.test", 0)
    assert slow >= 0.2 > fast


def test_delay_timeout_still_leaves_the_effect(standin: SlackStandIn) -> None:
    impatient = WebClient(token="xoxb-test", base_url=standin.api_url, timeout=0.1)
    standin.delay(None, 0.3)
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C1", text="did it post?")
    standin.delay(None, 0)
    assert [m["text"] for m in standin.messages("C1")] == ["did it post?"]


def test_rate_limit_per_channel(standin: SlackStandIn, client: WebClient) -> None:
    standin.rate_limit_per_channel(1.0)
    client.chat_postMessage(channel="C1", text="first")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="too soon")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C2", text="other channel")["ok"]
    assert standin.rate_limited_count == 1
    standin.rate_limit_per_channel(None)
    assert client.chat_postMessage(channel="C1", text="unlimited")["ok"]
