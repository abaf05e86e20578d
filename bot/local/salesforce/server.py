"""The Salesforce stand-in: a real HTTP server on port 0 that records every call.

Speaks the REST subset the bot uses (sObjects, SOQL with one = or LIKE) and the OAuth 2.0 JWT
bearer flow (POST /services/oauth2/token), checking the assertion as Salesforce does: RS256
under the connected app's certificate, iss = its consumer key, sub = a known username,
aud = the login host, not expired.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import jwt

ORG_ID = "00D000000000001AAA"
_SOBJECT = re.compile(r"^/services/data/v[0-9.]+/sobjects/(\w+)/?([A-Za-z0-9]*)$")
_QUERY = re.compile(r"^/services/data/v[0-9.]+/query/?$")
_EQ = re.compile(r"^SELECT (.+) FROM (\w+) WHERE (\w+) (=|LIKE) '((?:[^'\\]|\\.)*)'", re.I)
# What Salesforce accepts as a JWT's aud: its login hosts, or a My Domain.
_LOGIN_AUDIENCE = re.compile(
    r"^https://(login|test|[a-z0-9-]+(--[a-z0-9]+)?(\.[a-z]+)?\.my)\.salesforce\.com$"
)
_PREFIX = {"Lead": "00Q", "Contact": "003", "Task": "00T", "User": "005"}


@dataclass
class Call:
    """One request the stand-in answered."""

    method: str
    path: str
    body: Any
    status: int


@dataclass
class SalesforceState:
    """Records by type, every call, and failures owed on demand."""

    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # Statuses answered to the next calls, in turn (None: that call is answered as usual).
    failures: list[int | None] = field(default_factory=list)
    counter: int = 0
    # The JWT flow: consumer key -> (PEM public key, usernames it may log in as).
    apps: dict[str, tuple[bytes, set[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, kind: str) -> str:
        """An 18-character ID with the type's key prefix."""
        self.counter += 1
        return f"{_PREFIX.get(kind, '001')}{self.counter:015d}"


def outbound_message(
    org_id: str, notifications: list[tuple[str, str, dict[str, str]]], kind: str = "Lead"
) -> bytes:
    """An Outbound Message as Salesforce sends it: (notification Id, record Id, fields) each."""
    items = []
    for note_id, record_id, fields in notifications:
        values = "".join(f"<sf:{k}>{escape(v)}</sf:{k}>" for k, v in fields.items())
        items.append(
            f"<Notification><Id>{escape(note_id)}</Id>"
            f'<sObject xsi:type="sf:{kind}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
            f"<sf:Id>{escape(record_id)}</sf:Id>{values}</sObject></Notification>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{escape(org_id)}</OrganizationId>"
        "<ActionId>04k000000000001AAA</ActionId>"
        '<SessionId xsi:nil="true"/>'
        "<EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/59.0/00D</EnterpriseUrl>"
        "<PartnerUrl>https://example.my.salesforce.com/services/Soap/u/59.0/00D</PartnerUrl>"
        f"{''.join(items)}</notifications></soapenv:Body></soapenv:Envelope>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, body: Any, path: str, given: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.server.state.calls.append(Call(self.command, path, given, status))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        given: Any = json.loads(raw) if raw and raw[:1] in b"{[" else raw.decode(errors="replace")
        with state.lock:
            status = state.failures.pop(0) if state.failures else None
            if status is not None:
                code = "REQUEST_LIMIT_EXCEEDED" if status == 403 else "SERVER_UNAVAILABLE"
                return self._answer(status, [{"message": code, "errorCode": code}], url.path, given)
            if url.path == "/services/oauth2/token" and self.command == "POST":
                return self._token(str(given), url.path)
            if self.headers.get("Authorization", "") != f"Bearer {self.server.token}":
                return self._answer(401, [{"errorCode": "INVALID_SESSION_ID"}], url.path, given)
            if _QUERY.match(url.path):
                soql = parse_qs(url.query).get("q", [""])[0]
                return self._answer(200, self._query(soql), url.path, soql)
            match = _SOBJECT.match(url.path)
            if match is None:
                return self._answer(404, [{"errorCode": "NOT_FOUND"}], url.path, given)
            kind, record_id = match.groups()
            table = state.records.setdefault(kind, {})
            if self.command == "POST" and not record_id and isinstance(given, dict):
                new = state.new_id(kind)
                table[new] = {**given, "Id": new}
                return self._answer(
                    201, {"id": new, "success": True, "errors": []}, url.path, given
                )
            if record_id not in table:
                return self._answer(404, [{"errorCode": "NOT_FOUND"}], url.path, given)
            if self.command == "PATCH" and isinstance(given, dict):
                table[record_id].update(given)
                return self._answer(204, None, url.path, given)
            if self.command == "GET":
                return self._answer(200, table[record_id], url.path, given)
            return self._answer(400, [{"errorCode": "MALFORMED_QUERY"}], url.path, given)

    def _token(self, form: str, path: str) -> None:
        """The JWT bearer flow's answer: an access token, or invalid_grant saying why."""
        fields = {k: v[0] for k, v in parse_qs(form).items()}
        assertion = fields.get("assertion", "")
        refusal = "invalid assertion"
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            key, users = self.server.state.apps[str(claims.get("iss"))]
            jwt.decode(  # the signature and expiry; the audience is checked below
                assertion,
                key,
                algorithms=["RS256"],
                options={"require": ["exp", "iss", "sub", "aud"], "verify_aud": False},
            )
            if not _LOGIN_AUDIENCE.match(str(claims.get("aud"))):
                refusal = "audience is not a Salesforce login URL"
                raise LookupError(refusal)
            if claims.get("sub") not in users:
                refusal = "user hasn't approved this consumer"
                raise LookupError(refusal)
        except (jwt.PyJWTError, KeyError, LookupError) as error:
            wrong = {"error": "invalid_grant", "error_description": refusal}
            return self._answer(400, wrong, path, type(error).__name__)
        if fields.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            wrong = {"error": "unsupported_grant_type", "error_description": "grant type"}
            return self._answer(400, wrong, path, fields.get("grant_type"))
        host, port = self.server.server_address[:2]
        token = {
            "access_token": self.server.token,
            "instance_url": f"https://{host}:{port}",
            "token_type": "Bearer",
        }
        return self._answer(200, token, path, "jwt")

    def _query(self, soql: str) -> dict[str, Any]:
        match = _EQ.match(soql.strip())
        rows: list[dict[str, Any]] = []
        if match is not None:
            columns, kind, column, op, value = match.groups()
            value = value.replace("\\'", "'")
            for record in self.server.state.records.get(kind, {}).values():
                have = str(record.get(column, ""))
                hit = have.casefold() == value.casefold() if op == "=" else value.strip("%") in have
                if hit:
                    rows.append({c.strip(): record.get(c.strip()) for c in columns.split(",")})
        return {"totalSize": len(rows), "done": True, "records": rows}

    do_GET = do_POST = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = SalesforceState()
        self.token = token


class SalesforceStandIn:
    """Start it, point simple-salesforce at `instance_url`, read `calls` and `records`."""

    def __init__(self, token: str = "00D!local-session", org_id: str = ORG_ID) -> None:
        self.token = token
        self.org_id = org_id
        self._server = _Server(token)
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SalesforceState:
        """What the stand-in holds."""
        return self._server.state

    @property
    def instance_url(self) -> str:
        """The base URL (http://127.0.0.1:<port>)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_user(self, email: str) -> str:
        """A Salesforce User with this email; its Id."""
        with self.state.lock:
            user_id = self.state.new_id("User")
            self.state.records.setdefault("User", {})[user_id] = {"Id": user_id, "Email": email}
        return user_id

    def add_connected_app(self, consumer_key: str, public_key_pem: bytes, *users: str) -> None:
        """A connected app whose certificate signs JWT logins for these usernames."""
        with self.state.lock:
            self.state.apps[consumer_key] = (public_key_pem, set(users))

    def fail_next(self, *statuses: int | None) -> None:
        """Answer the next calls with these statuses (403 REQUEST_LIMIT_EXCEEDED, 503, …).

        None answers that call as usual: (None, 500) lets one call land and refuses the next.
        """
        with self.state.lock:
            self.state.failures.extend(statuses)

    def send_outbound(self, url: str, body: bytes) -> tuple[int, bytes, str]:
        """POST an Outbound Message to the bot as Salesforce does; status, body, content type."""
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read(), answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read(), refused.headers.get("Content-Type", "")

    def start(self) -> SalesforceStandIn:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SalesforceStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
