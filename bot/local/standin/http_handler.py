"""HTTP plumbing of the stand-in: parse what slack_sdk sends, fault-inject, record, answer."""

import contextlib
import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.local.standin import response_urls
from bot.local.standin.methods import METHODS
from bot.local.standin.reply import Reply, err, ratelimited
from bot.local.standin.socket_mode import LINK_PATH, SocketLink, accept_key
from bot.local.standin.state import (
    APP_ID,
    RESPONSE_URL_METHOD,
    UPLOAD_METHOD,
    RecordedCall,
    StandInState,
)
from bot.local.standin.web_api import receive_upload

# Fields slack_sdk (or a form-encoding client) sends as JSON strings; tests want objects.
_JSON_FIELDS = ("blocks", "view", "attachments", "files", "metadata")


# A hold nobody releases still ends, so a test's stand-in can stop.
HOLD_LIMIT_SECONDS = 300.0


def _channels_of(args: dict[str, Any], reply: Reply) -> tuple[str | None, ...]:
    """The channel a call names, and the one Slack resolved it to (a user ID's DM)."""
    named = args.get("channel") or args.get("channel_id")
    resolved = reply.body.get("channel") if isinstance(reply.body, dict) else None
    return tuple(c if isinstance(c, str) else None for c in (named, resolved))


class StandInHTTPServer(ThreadingHTTPServer):
    """A threading server whose handlers share one StandInState."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: StandInState) -> None:
        super().__init__(address, StandInHandler)
        self.state = state


def _multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """Decode multipart/form-data: text fields as str, file parts as bytes."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is None:
            fields[str(name)] = payload.decode("utf-8", "replace")
        else:
            fields[str(name)] = payload
    return fields


def parse_args(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
    """Merge query params and the JSON / form / multipart body, decoding JSON-string fields."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind == "application/json" and raw:
        decoded = json.loads(raw)
        if isinstance(decoded, dict):
            args.update(decoded)
    elif kind == "multipart/form-data":
        args.update(_multipart(content_type, raw))
    elif raw:
        args.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    for key in _JSON_FIELDS:
        if isinstance(args.get(key), str):
            # Undecodable values stay strings so validation reports invalid_blocks_format.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


class StandInHandler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/<file_id>, /response/<token> and /link/ (Socket Mode)."""

    server: StandInHTTPServer
    # Slack keeps connections alive for clients that ask (slack_sdk's urllib does not). On a
    # kept-alive connection, Nagle's algorithm would hold the body written after the headers
    # until the client's delayed ACK: 40 ms per answer that Slack does not take.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        """Answer a POST (slack_sdk sends every Web API call as POST)."""
        self._dispatch()

    def do_GET(self) -> None:
        """Answer a GET with query params, or open a Socket Mode link on /link/."""
        url = urlsplit(self.path)
        if url.path == LINK_PATH and self.headers.get("Upgrade", "").lower() == "websocket":
            self._open_link(dict(parse_qsl(url.query)).get("ticket", ""))
            return
        self._dispatch()

    def _open_link(self, ticket: str) -> None:
        """Upgrade to a WebSocket and hold it, as Slack does for a Socket Mode app."""
        hub = self.server.state.sockets
        key = self.headers.get("Sec-WebSocket-Key", "")
        if not key or not hub.admit(ticket):
            self._send(Reply(401, {"ok": False, "error": "invalid_ticket"}, text="invalid_ticket"))
            return
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept_key(key))
        self.end_headers()
        link = SocketLink(self.connection, self.rfile)
        hub.attach(link)
        link.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}})
        try:
            link.serve(hub.received)
        finally:
            hub.detached()
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; the recorded calls are the log."""

    def _dispatch(self) -> None:
        arrived = time.monotonic()
        state = self.server.state
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = [p for p in url.path.split("/") if p]
        if len(parts) != 2 or parts[0] not in ("api", "upload", "response"):
            self._send(Reply(404, {"ok": False, "error": "not_found"}, text="not_found"))
            return
        route, name = parts
        content_type = self.headers.get("Content-Type", "")
        try:
            if route == "upload":
                method = UPLOAD_METHOD
                args = self._upload_args(name, content_type, raw)
            else:
                method = name if route == "api" else RESPONSE_URL_METHOD
                args = parse_args(url.query, content_type, raw)
        except ValueError:
            method, args = (name if route == "api" else route), {"_raw": raw}
            reply = err("invalid_json" if route == "api" else "invalid_payload", status=400)
        else:
            reply = self._answer(state, route, method, name, args)
        if route == "response":
            args = {**args, "token": name}
        headers = {k.lower(): v for k, v in self.headers.items()}
        state.record(RecordedCall(method, args, reply.status, arrived, reply.body, headers))
        # The work is done before the delay, so a client timing out still leaves its effect,
        # exactly the situation that makes blind retries post twice on the real Slack.
        channels = _channels_of(args, reply)
        pause = state.delay_for(method, channels)
        if pause > 0:
            time.sleep(pause)
        hold = state.take_hold(method, channels)
        if hold is not None:
            hold.released.wait(hold.seconds if hold.seconds is not None else HOLD_LIMIT_SECONDS)
        self._send(reply)

    def _upload_args(self, file_id: str, content_type: str, raw: bytes) -> dict[str, Any]:
        """slack_sdk POSTs raw bytes; curl-style clients send multipart with a file part."""
        content = raw
        if content_type.lower().startswith("multipart/form-data"):
            parts = [v for v in _multipart(content_type, raw).values() if isinstance(v, bytes)]
            content = parts[0] if parts else b""
        return {"file_id": file_id, "content": content, "length": len(content)}

    def _answer(
        self, state: StandInState, route: str, method: str, name: str, args: dict[str, Any]
    ) -> Reply:
        if route == "api":
            token = args.pop("token", None)
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                token = auth[len("Bearer ") :].strip()
            if not token:
                return err("not_authed")
            if method == "apps.connections.open":
                # Only an app-level token may open Socket Mode; the bot token may not.
                if not token.startswith("xapp-"):
                    return err("not_allowed_token_type")
            elif state.valid_token is not None and token != state.valid_token:
                return err("invalid_auth")
        fault = state.take_fault(method)
        if fault is not None:
            if fault.status == 429:
                return ratelimited(fault.retry_after or 1)
            reply = err(fault.error, status=fault.status)
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
            return reply
        if route == "upload":
            return receive_upload(state, name, args["content"])
        if route == "response":
            return response_urls.post(state, name, args)
        handler = METHODS.get(method)
        if handler is None:
            return err("unknown_method")
        return handler(state, args)

    def _send(self, reply: Reply) -> None:
        if reply.text is not None:
            payload, kind = reply.text.encode(), "text/plain; charset=utf-8"
        else:
            payload, kind = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
        # A client that timed out (see delay()) has gone; that is the scenario, not an error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
