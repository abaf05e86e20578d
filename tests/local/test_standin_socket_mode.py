"""The stand-in's Socket Mode: slack_sdk's own client connects, receives envelopes, acks them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.local.standin import SlackStandIn
from bot.local.standin.socket_mode import PING, TEXT, accept_key, encode_frame, read_frame

APP_TOKEN = "xapp-1-A0SLABOT-1-secret"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> Iterator[tuple[SocketModeClient, list[dict[str, Any]]]]:
    web = WebClient(token="xoxb-socket-test", base_url=standin.api_url)
    app = SocketModeClient(app_token=APP_TOKEN, web_client=web, auto_reconnect_enabled=True)
    seen: list[dict[str, Any]] = []

    def on_request(socket: SocketModeClient, request: SocketModeRequest) -> None:
        seen.append({"type": request.type, **request.payload})
        answer = {"text": f"got {request.payload.get('text')}"}
        socket.send_socket_mode_response(SocketModeResponse(request.envelope_id, answer))

    app.socket_mode_request_listeners.append(on_request)  # type: ignore[arg-type]
    app.connect()
    yield app, seen
    app.close()


def test_rfc6455_accept_key_example() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_frames_round_trip_at_each_length_encoding(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert read_frame(io.BytesIO(encode_frame(TEXT, payload))) == (TEXT, payload)
    assert read_frame(io.BytesIO(encode_frame(PING, b"x")[:1])) is None


def test_an_app_receives_an_envelope_and_its_ack_comes_back(
    standin: SlackStandIn, client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    _, seen = client
    envelope = standin.socket_send(
        "slash_commands", {"command": "/sla", "text": "help"}, accepts_response_payload=True
    )
    ack = standin.socket_ack(envelope)
    assert ack == {"envelope_id": envelope, "payload": {"text": "got help"}}
    assert seen == [{"type": "slash_commands", "command": "/sla", "text": "help"}]
    assert standin.socket_links_opened == 1
    assert [c.method for c in standin.calls()] == ["apps.connections.open"]


def test_a_refresh_makes_the_app_reconnect_and_nothing_is_lost(
    standin: SlackStandIn, client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    _, seen = client
    standin.socket_refresh()
    envelope = standin.socket_send("slash_commands", {"text": "after"}, after=1)
    assert standin.socket_ack(envelope) == {
        "envelope_id": envelope,
        "payload": {"text": "got after"},
    }
    assert standin.socket_links_opened == 2
    assert seen[-1]["text"] == "after"


def test_the_bot_token_cannot_open_socket_mode(standin: SlackStandIn) -> None:
    web = WebClient(token="xoxb-socket-test", base_url=standin.api_url)
    with pytest.raises(SlackApiError) as refused:
        web.apps_connections_open(app_token="xoxb-socket-test")
    assert refused.value.response["error"] == "not_allowed_token_type"


def test_no_app_connected_is_a_clear_error(standin: SlackStandIn) -> None:
    with pytest.raises(TimeoutError, match="no Socket Mode app is connected"):
        standin.socket_send("events_api", {}, timeout=0.1)
