"""SocketSlackClient: sends the bot what Slack would, as Socket Mode envelopes over the stand-in."""

import json
from typing import Any

from bot.local.standin import payloads
from bot.local.standin.signed_client import BotResponse, SignedSlackClient

ACK_TIMEOUT = 10.0


class SocketSlackClient(SignedSlackClient):
    """The same Slack requests as SignedSlackClient, delivered over the app's WebSocket.

    Socket Mode carries no signatures: the HTTP-only knobs (stale timestamps, forged secrets)
    do not apply and are ignored. The answer is the app's acknowledgement of the envelope.
    """

    def __init__(self, standin: Any, timeout: float = ACK_TIMEOUT) -> None:
        super().__init__("socket-mode://", "", standin, timeout=timeout)

    def _envelope(self, kind: str, payload: dict[str, Any], retry: int = 0) -> BotResponse:
        envelope = self.standin.socket_send(
            kind, payload, accepts_response_payload=kind != "events_api", retry_attempt=retry
        )
        ack = self.standin.socket_ack(envelope, timeout=self.timeout)
        if ack is None:
            raise AssertionError(f"the bot did not acknowledge {kind} within {self.timeout} s")
        answer = ack.get("payload")
        body = json.dumps(answer) if answer is not None else ""
        return BotResponse(200, body, answer)

    def _post_form(self, fields: dict[str, str], **_http_only: Any) -> BotResponse:
        return self._envelope("slash_commands", dict(fields))

    def _post_payload(self, payload: dict[str, Any], **_http_only: Any) -> BotResponse:
        return self._envelope("interactive", payload)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "timeout",
        **_http_only: Any,
    ) -> BotResponse:
        """Deliver an events_api envelope; retry_num marks Slack's redelivery."""
        event_id = event_id or f"Ev{next(self._counter):08d}STANDIN"
        body = payloads.event_callback_body(event, event_id=event_id, event_time=int(self.clock()))
        return self._envelope("events_api", body, retry=retry_num or 0)

    def url_verification(self, challenge: str = "standin-challenge") -> BotResponse:
        """Socket Mode apps are never asked to verify a URL."""
        raise NotImplementedError("url_verification is an HTTP-mode handshake")
