"""The local HubSpot stand-in: a CRM v3 subset over real HTTP (port 0), and signed webhooks.

Speaks: GET /crm/v3/objects/contacts/{id}, POST /crm/v3/objects/{type},
POST /crm/v3/objects/{type}/search (EQ on one property),
PATCH /crm/v3/objects/contacts/{id}, GET /crm/v3/owners?email=. Records every call once
answered; answers 5xx while `failing`, and 429 + Retry-After beyond `per_10s` calls in a sliding
10 s window. Each call waits `delay` seconds, and while `open` is clear, until it is set, before
it takes effect. A `hold` lets a call take effect at once but keeps its answer back: a crash or
a client timeout in the middle of a write, as HubSpot would see it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import math
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    """One API call as the stand-in received it."""

    method: str
    path: str
    body: Any
    status: int
    at: float


@dataclass
class Hold:
    """Calls (by method and path prefix) whose effect happens at once, their answer held back."""

    method: str
    prefix: str
    remaining: int | None = 1  # how many calls to hold (None: all until released)
    held: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def matches(self, method: str, path: str) -> bool:
        """Whether this hold takes a call (and counts it)."""
        if self.released.is_set() or (self.remaining is not None and self.remaining <= 0):
            return False
        if method != self.method or not path.startswith(self.prefix):
            return False
        self.held += 1
        if self.remaining is not None:
            self.remaining -= 1
        return True

    def release(self) -> None:
        """Let the held answers go (clients that gave up, or died, are gone already)."""
        self.released.set()


@dataclass
class State:
    """What the stand-in holds: owners, objects, contacts, the calls, the faults to inject."""

    owners: dict[str, str] = field(default_factory=dict)  # email -> owner id
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failing: int = 0  # next N calls answer 503
    per_10s: int | None = None
    window: deque[float] = field(default_factory=deque)
    holds: list[Hold] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds before each answer (HubSpot's latency)
    open: threading.Event = field(default_factory=lambda: _opened(threading.Event()))


def _opened(event: threading.Event) -> threading.Event:
    event.set()
    return event


class _Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *_: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        url = urlparse(self.path)
        state = self.state
        state.open.wait(timeout=60)
        if state.delay > 0:
            time.sleep(state.delay)
        now = time.monotonic()
        with state.lock:
            status, answer, headers = self._route(url.path, parse_qs(url.query), body, now)
            state.calls.append(Call(self.command, url.path, body, status, now))
            hold = next((h for h in state.holds if h.matches(self.command, url.path)), None)
        if hold is not None:
            hold.released.wait(timeout=120)
        # The client may be gone (it timed out or was killed): the call took effect all the same.
        with contextlib.suppress(OSError):
            self._send(status, answer, headers)

    def _route(self, path: str, query: dict[str, list[str]], body: Any, now: float):
        state = self.state
        if state.failing > 0:
            state.failing -= 1
            return 503, {"status": "error", "message": "down"}, None
        if state.per_10s is not None:
            while state.window and now - state.window[0] >= 10.0:
                state.window.popleft()
            if len(state.window) >= state.per_10s:
                # per_10s = 0: every call is over the limit, for a full window.
                wait = 10.0 - (now - state.window[0]) if state.window else 10.0
                return (
                    429,
                    {"status": "error", "policyName": "TEN_SECONDLY_ROLLING"},
                    {"Retry-After": str(max(math.ceil(wait), 1))},  # whole seconds, as HTTP says
                )
            state.window.append(now)
        parts = path.strip("/").split("/")
        if parts[:3] == ["crm", "v3", "owners"]:
            email = (query.get("email") or [""])[0]
            owner = state.owners.get(email)
            results = [{"id": owner, "email": email}] if owner else []
            return 200, {"results": results}, None
        if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4:
            kind = parts[3]
            if self.command == "POST" and len(parts) == 5 and parts[4] == "search":
                [flt] = body["filterGroups"][0]["filters"]
                found = [
                    o
                    for o in state.objects.get(kind, [])
                    if o["properties"].get(flt["propertyName"]) == flt["value"]
                ]
                return 200, {"total": len(found), "results": found}, None
            if self.command == "POST" and len(parts) == 4:
                created = {"id": str(sum(map(len, state.objects.values())) + 1), **body}
                state.objects.setdefault(kind, []).append(created)
                return 201, {"id": created["id"], "properties": body["properties"]}, None
            if self.command == "GET" and kind == "contacts" and len(parts) == 5:
                if parts[4] not in state.contacts:
                    return 404, {"status": "error", "category": "OBJECT_NOT_FOUND"}, None
                wanted = ",".join(query.get("properties") or []).split(",")
                props = {k: v for k, v in state.contacts[parts[4]].items() if k in wanted}
                return 200, {"id": parts[4], "properties": props}, None
            if self.command == "PATCH" and kind == "contacts" and len(parts) == 5:
                contact = state.contacts.setdefault(parts[4], {})
                contact.update(body["properties"])
                return 200, {"id": parts[4], "properties": contact}, None
        return 404, {"status": "error", "message": "no route"}, None

    do_GET = do_POST = do_PATCH = _handle


class HubSpotFake:
    """Start with `with HubSpotFake() as hub:`; hub.url is the API base for HubSpot(host=...)."""

    def __init__(self) -> None:
        self.state = State()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HubSpotFake:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        with self.state.lock:
            for hold in self.state.holds:
                hold.release()
        self.server.shutdown()
        self.server.server_close()

    def hold(self, method: str, prefix: str, count: int | None = 1) -> Hold:
        """Hold the answers of the next `count` calls of method to a path starting with prefix."""
        hold = Hold(method, prefix, count)
        with self.state.lock:
            self.state.holds.append(hold)
        return hold

    def engagements(self, kind: str) -> list[dict[str, Any]]:
        """The objects of one kind created so far (calls, emails, notes)."""
        with self.state.lock:
            return list(self.state.objects.get(kind, []))


def hubspot_headers(
    secret: str, method: str, url: str, body: bytes, at_ms: int | None = None, version: str = "v3"
) -> dict[str, str]:
    """The headers HubSpot signs a request with, written from HubSpot's guide (not the bot's)."""
    if version == "v1":
        digest = hashlib.sha256((secret + body.decode()).encode()).hexdigest()
        return {"X-HubSpot-Signature": digest, "X-HubSpot-Signature-Version": "v1"}
    if version == "v2":
        digest = hashlib.sha256((secret + method + url + body.decode()).encode()).hexdigest()
        return {"X-HubSpot-Signature": digest, "X-HubSpot-Signature-Version": "v2"}
    stamp = str(int(time.time() * 1000) if at_ms is None else at_ms)
    source = f"{method}{url}{body.decode()}{stamp}".encode()
    mac = hmac.new(secret.encode(), source, hashlib.sha256).digest()
    return {
        "X-HubSpot-Signature-v3": base64.b64encode(mac).decode(),
        "X-HubSpot-Request-Timestamp": stamp,
    }


def send_webhook(
    url: str,
    payload: Any,
    secret: str,
    *,
    version: str = "v3",
    at_ms: int | None = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """POST a webhook to the bot as HubSpot would, signed; the status and the decoded answer."""
    body = raw if raw is not None else json.dumps(payload).encode()
    signed = hubspot_headers(secret, "POST", url, body, at_ms, version)
    sent = {"Content-Type": "application/json", **signed, **(headers or {})}
    request = urllib.request.Request(url, data=body, headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
