"""Tests of the local Slack stand-in, driven through slack_sdk's real clients."""

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.standin import RESPONSE_URL_METHOD, UPLOAD_METHOD, SignedSlackClient, SlackStandIn

SECRET = "test-signing-secret"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button_row(label: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "go",
                "value": "1",
                "text": {"type": "plain_text", "text": label},
            }
        ],
    }


@pytest.fixture(scope="module")
def server() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def standin(server: SlackStandIn) -> SlackStandIn:
    server.reset()
    return server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.api_url, timeout=5)


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


# -- signed client ------------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    """Stands in for the bot: records each request and acks with a JSON text body."""

    seen: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((dict(self.headers.items()), body))  # type: ignore[attr-defined]
        payload = b'{"text": "on it"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_bot() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.daemon_threads = True
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/slack/events", httpd.seen  # type: ignore[attr-defined]
    httpd.shutdown()
    httpd.server_close()


def test_signed_client_signatures_verify(
    fake_bot: tuple[str, list[Any]], standin: SlackStandIn
) -> None:
    url, seen = fake_bot
    slack = SignedSlackClient(url, SECRET, standin=standin)
    verifier = SignatureVerifier(SECRET)

    slash = slack.slash_command("status L1", user_id="U1")
    slack.block_action("approve", "L1", "U1", channel_id="C1", message_ts="1700000000.000100")
    slack.view_submission("handoff", {"b": {"a": "text"}}, "U1", private_metadata="m")
    slack.event({"type": "app_home_opened", "user": "U1"}, event_id="Ev1", retry_num=1)
    slack.post(b"{}", "application/json", secret_override="wrong")
    slack.post(b"{}", "application/json", timestamp_offset=-301)

    assert [verifier.is_valid_request(body, headers) for headers, body in seen] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    form = {k: v[0] for k, v in parse_qs(seen[0][1].decode()).items()}
    assert form["command"] == "/sla" and form["text"] == "status L1"
    assert form["channel_id"] == "C0HANDOFF" and form["response_url"] == slash.response_url
    action = json.loads(parse_qs(seen[1][1].decode())["payload"][0])
    assert action["type"] == "block_actions" and action["actions"][0]["value"] == "L1"
    assert action["container"]["message_ts"] == "1700000000.000100"
    submission = json.loads(parse_qs(seen[2][1].decode())["payload"][0])
    assert submission["view"]["state"]["values"]["b"]["a"]["value"] == "text"
    event_headers = {k.lower(): v for k, v in seen[3][0].items()}
    assert event_headers["x-slack-retry-num"] == "1"
    assert json.loads(seen[3][1])["event_id"] == "Ev1"


def test_slash_result_replies_collects_ack_and_response_url(
    fake_bot: tuple[str, list[Any]], standin: SlackStandIn
) -> None:
    url, _ = fake_bot
    result = SignedSlackClient(url, SECRET, standin=standin).slash_command("help")
    assert result.status == 200 and result.json == {"text": "on it"}
    assert result.response_url is not None
    later = threading.Timer(0.05, WebhookClient(result.response_url).send, kwargs={"text": "done"})
    later.start()
    replies = result.replies(min_count=2, timeout=2)
    later.join()
    assert replies == [{"text": "on it"}, {"text": "done"}]
