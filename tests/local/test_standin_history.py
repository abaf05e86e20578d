"""The stand-in's conversations.history / conversations.replies, message metadata and holds.

Shapes follow Slack's documentation: history is newest first, oldest/latest exclusive
unless `inclusive`, metadata only with `include_all_metadata`, cursor pagination; replies
start with the parent. The property test sends SLA_FUZZ_EXAMPLES hostile argument sets
(default 100):
`SLA_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/local/test_standin_history.py`.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin import SlackStandIn
from tests.fuzz_budget import fuzz_examples

FUZZ_EXAMPLES = fuzz_examples(100)
TAG = {"event_type": "sla_bot_outbox", "event_payload": {"outbox_id": 7}}


def client(standin: SlackStandIn, timeout: int = 5) -> WebClient:
    return WebClient(token="xoxb-t", base_url=standin.api_url, retry_handlers=[], timeout=timeout)


def post(web: WebClient, channel: str, text: str, **extra: Any) -> str:
    return str(web.chat_postMessage(channel=channel, text=text, **extra)["ts"])


def test_history_is_newest_first_windowed_and_paged(standin: SlackStandIn) -> None:
    web = client(standin)
    stamps = [post(web, "C1", f"m{n}") for n in range(5)]
    root = stamps[0]
    post(web, "C1", "a reply", thread_ts=root)  # replies stay out of history
    post(web, "C2", "elsewhere")
    page = web.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in page["messages"]] == ["m4", "m3"]
    assert page["has_more"] is True
    cursor = page["response_metadata"]["next_cursor"]
    rest = web.conversations_history(channel="C1", limit=10, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"]
    assert rest["has_more"] is False and rest["response_metadata"]["next_cursor"] == ""
    window = web.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3])
    assert [m["text"] for m in window["messages"]] == ["m2"]
    inclusive = web.conversations_history(
        channel="C1", oldest=stamps[1], latest=stamps[3], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1"]


def test_metadata_is_stored_and_shown_only_when_asked(standin: SlackStandIn) -> None:
    web = client(standin)
    ts = post(web, "C1", "tagged", metadata=TAG)
    [plain] = web.conversations_history(channel="C1")["messages"]
    assert "metadata" not in plain
    [full] = web.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert full["metadata"] == TAG and full["ts"] == ts
    try:
        web.chat_postMessage(channel="C1", text="x", metadata={"event_type": 5})
    except SlackApiError as error:
        assert error.response["error"] == "invalid_metadata_format"
    else:
        raise AssertionError("bad metadata was accepted")


def test_replies_start_with_the_parent_and_dms_are_found_by_their_channel(
    standin: SlackStandIn,
) -> None:
    web = client(standin)
    root = post(web, "C1", "root")
    post(web, "C1", "first", thread_ts=root, metadata=TAG)
    post(web, "C1", "second", thread_ts=root)
    thread = web.conversations_replies(channel="C1", ts=root, include_all_metadata=True)
    assert [m["text"] for m in thread["messages"]] == ["root", "first", "second"]
    assert thread["messages"][0]["reply_count"] == 2
    assert thread["messages"][1]["metadata"] == TAG
    try:
        web.conversations_replies(channel="C1", ts="1.000001")
    except SlackApiError as error:
        assert error.response["error"] == "thread_not_found"
    post(web, "U0REP1", "a DM")
    dm = web.conversations_open(users="U0REP1")["channel"]["id"]
    assert [m["text"] for m in web.conversations_history(channel=dm)["messages"]] == ["a DM"]


def test_a_held_answer_stores_the_post_first_and_answers_on_release(
    standin: SlackStandIn,
) -> None:
    hold = standin.hold("chat.postMessage", channel="C9")
    answers: list[str] = []
    thread = threading.Thread(target=lambda: answers.append(post(client(standin), "C9", "held")))
    thread.start()
    standin.wait_for(lambda s: hold.held == 1)
    assert [m["text"] for m in standin.messages("C9")] == ["held"] and answers == []
    post(client(standin), "C8", "another channel is not held")
    hold.release()
    thread.join(5)
    assert answers == [standin.messages("C9")[0]["ts"]]


def test_a_client_that_gives_up_on_a_held_answer_leaves_the_post(standin: SlackStandIn) -> None:
    standin.hold("chat.postMessage", seconds=3)
    try:
        post(client(standin, timeout=1), "C7", "timed out")
    except TimeoutError:
        pass
    else:
        raise AssertionError("the held answer arrived before the client's timeout")
    assert [m["text"] for m in standin.messages("C7")] == ["timed out"]


@pytest.fixture(scope="module")
def fuzz_standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        web = client(standin)
        root = post(web, "C1", "root", metadata=TAG)
        post(web, "C1", "reply", thread_ts=root)
        yield standin


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["<!channel>", "<@U123>", "\x00", "off:-5", "off:99999", "1e400", "-1"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    method=st.sampled_from(["conversations.history", "conversations.replies"]),
    args=st.fixed_dictionaries(
        {},
        optional={
            key: HOSTILE
            for key in (
                "channel",
                "ts",
                "oldest",
                "latest",
                "inclusive",
                "limit",
                "cursor",
                "include_all_metadata",
            )
        },
    ),
)
def test_hostile_arguments_get_a_slack_answer_never_a_crash(
    fuzz_standin: SlackStandIn, method: str, args: dict[str, Any]
) -> None:
    body = json.dumps(args, allow_nan=True).encode()
    request = urllib.request.Request(
        fuzz_standin.api_url + method,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-t"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())
    assert isinstance(answer["ok"], bool)
    if answer["ok"]:
        assert isinstance(answer["messages"], list)
    else:
        assert isinstance(answer["error"], str)
