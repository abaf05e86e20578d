"""SignedSlackClient: sends the bot what Slack would, signed with the v0 HMAC scheme."""

import contextlib
import hashlib
import hmac
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.local.standin import payloads
from bot.local.standin.server import SlackStandIn

# A closed local port: without a stand-in, a bot replying to response_url fails fast offline.
_DEAD_RESPONSE_URL = "http://127.0.0.1:9/response/"
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return Slack's v0 signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class BotResponse:
    """The bot's HTTP answer to one signed request."""

    status: int
    body: str
    json: Any | None
    response_url: str | None = None


@dataclass
class SlashResult(BotResponse):
    """A slash command's ack plus access to what the bot later posts to its response_url."""

    standin: SlackStandIn | None = field(default=None, repr=False, compare=False)

    def ack_body(self) -> dict[str, Any] | None:
        """The immediate ack as a message dict (plain text acks become {"text": ...})."""
        if isinstance(self.json, dict):
            return self.json
        return {"text": self.body} if self.body.strip() else None

    def replies(self, min_count: int = 1, timeout: float = 2.0) -> list[dict[str, Any]]:
        """Ack body (if any) then response_url bodies, polling until min_count or timeout."""
        ack = self.ack_body()
        head = [ack] if ack is not None else []
        if self.standin is None or self.response_url is None:
            return head
        url = self.response_url
        # Returning what arrived lets the test's own assertion say what is missing.
        with contextlib.suppress(AssertionError):
            self.standin.wait_for(lambda s: len(head) + len(s.responses(url)) >= min_count, timeout)
        return head + self.standin.responses(url)


class SignedSlackClient:
    """Drives the bot's /slack/events endpoint with Slack-signed requests."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        standin: SlackStandIn | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.standin = standin
        self.clock = clock
        self.timeout = timeout
        self._counter = itertools.count(1)

    # -- low level ---------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp_offset: int = 0,
        secret_override: str | None = None,
    ) -> BotResponse:
        """Sign and POST a raw body; offset/override produce stale or forged requests."""
        timestamp = str(int(self.clock()) + timestamp_offset)
        secret = self.signing_secret if secret_override is None else secret_override
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack_signature(secret, timestamp, body),
            **(headers or {}),
        }
        return self.send_raw(body, signed)

    def send_raw(self, body: bytes, headers: dict[str, str]) -> BotResponse:
        """POST exactly these bytes and headers (no signing), for signature-rejection tests."""
        request = urllib.request.Request(self.bot_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        return BotResponse(status, text, parsed)

    def _post_form(self, fields: dict[str, str], **kwargs: Any) -> BotResponse:
        return self.post(urlencode(fields).encode(), _FORM, **kwargs)

    def _post_payload(self, payload: dict[str, Any], **kwargs: Any) -> BotResponse:
        return self._post_form({"payload": json.dumps(payload)}, **kwargs)

    # -- helpers -----------------------------------------------------------------------------

    def _trigger_id(self) -> str:
        if self.standin is not None:
            return self.standin.issue_trigger_id()
        n = next(self._counter)
        return f"{n}.{int(self.clock())}.{secrets.token_hex(16)}"

    def _response_url(self, channel: str | None, message_ts: str | None, user_id: str) -> str:
        if self.standin is not None:
            return self.standin.new_response_url(channel, message_ts, user_id)
        return _DEAD_RESPONSE_URL + secrets.token_hex(12)

    @staticmethod
    def _user_name(user_id: str, user_name: str | None) -> str:
        return user_name or f"user.{user_id.lower()}"

    # -- Slack request kinds -----------------------------------------------------------------

    def slash_command(
        self,
        text: str,
        user_id: str = "U0REP1",
        command: str = "/sla",
        channel_id: str = "C0HANDOFF",
        user_name: str | None = None,
        **kwargs: Any,
    ) -> SlashResult:
        """Send a slash command (form-encoded, like Slack) and return its SlashResult."""
        response_url = self._response_url(channel_id, None, user_id)
        fields = payloads.slash_command_form(
            command=command,
            text=text,
            user_id=user_id,
            user_name=self._user_name(user_id, user_name),
            channel_id=channel_id,
            response_url=response_url,
            trigger_id=self._trigger_id(),
        )
        reply = self._post_form(fields, **kwargs)
        return SlashResult(reply.status, reply.body, reply.json, response_url, self.standin)

    def block_action(
        self,
        action_id: str,
        value: str,
        user_id: str,
        *,
        channel_id: str | None = None,
        message_ts: str | None = None,
        container: dict[str, Any] | None = None,
        response_url: bool | str = True,
        block_id: str | None = None,
        user_name: str | None = None,
        element: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> BotResponse:
        """Click a button (or use another element); message state comes from the stand-in."""
        if container is None:
            container = (
                {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel_id,
                    "is_ephemeral": False,
                }
                if message_ts
                else {"type": "view", "view_id": "V0HOME"}
            )
        message = view = None
        if message_ts and channel_id:
            stored = self.standin.message(channel_id, message_ts) if self.standin else None
            message = payloads.message_for_payload(stored, channel_id, message_ts)
        if container.get("type") == "view" and self.standin is not None:
            view = next(
                (v for v in self.standin.views() if v["id"] == container.get("view_id")), None
            )
        url: str | None
        if response_url is True:
            url = self._response_url(channel_id, message_ts, user_id)
        else:
            url = response_url or None
        payload = payloads.block_actions_payload(
            action_id=action_id,
            value=value,
            block_id=block_id or f"{action_id}_block",
            user_id=user_id,
            user_name=self._user_name(user_id, user_name),
            trigger_id=self._trigger_id(),
            action_ts=f"{self.clock():.6f}",
            container=container,
            channel_id=channel_id,
            message=message,
            view=view,
            response_url=url,
            element=element,
        )
        reply = self._post_payload(payload, **kwargs)
        reply.response_url = url
        return reply

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, Any],
        user_id: str,
        *,
        private_metadata: str = "",
        view_id: str | None = None,
        user_name: str | None = None,
        **kwargs: Any,
    ) -> BotResponse:
        """Submit a modal; string leaves in values become plain_text_input states."""
        base = None
        if view_id and self.standin is not None:
            base = next((v for v in self.standin.views() if v["id"] == view_id), None)
        payload = payloads.view_submission_payload(
            callback_id=callback_id,
            values=values,
            user_id=user_id,
            user_name=self._user_name(user_id, user_name),
            private_metadata=private_metadata,
            trigger_id=self._trigger_id(),
            view_id=view_id or "V0MODAL",
            base_view=base,
        )
        return self._post_payload(payload, **kwargs)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **kwargs: Any,
    ) -> BotResponse:
        """Deliver an Events API event_callback (JSON); retry_num marks a Slack retry."""
        event_id = event_id or f"Ev{next(self._counter):08d}STANDIN"
        body = payloads.event_callback_body(event, event_id=event_id, event_time=int(self.clock()))
        headers = dict(kwargs.pop("headers", None) or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self.post(json.dumps(body).encode(), _JSON, headers=headers, **kwargs)

    def url_verification(self, challenge: str = "standin-challenge") -> BotResponse:
        """Send the url_verification handshake Slack uses when the Request URL is saved."""
        body = {
            "token": payloads.VERIFICATION_TOKEN,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.post(json.dumps(body).encode(), _JSON)
