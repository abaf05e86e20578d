"""The signed client that plays Slack towards the bot: signatures verify, replies collect."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.standin import SignedSlackClient, SlackStandIn

SECRET = "test-signing-secret"


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
