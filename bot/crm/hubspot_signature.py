"""HubSpot's request signatures, as its "Validating requests" guide defines them.

v3: base64(HMAC-SHA256(client secret, method + URI + body + timestamp)), with the timestamp
(milliseconds) in X-HubSpot-Request-Timestamp, refused when older than 5 minutes. The older
forms HubSpot still sends, named by X-HubSpot-Signature-Version: v1 = hex(SHA-256(secret +
body)) and v2 = hex(SHA-256(secret + method + URI + body)), which carry no timestamp, so their
replays are made harmless by the event and contact IDs instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import unquote

MAX_AGE_MS = 5 * 60 * 1000
# HubSpot decodes these escapes in the URI before it signs (its guide's table); nothing else.
_DECODED = ("%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A", "%2C", "%3B")


def signed_uri(uri: str) -> str:
    """The URI as HubSpot signs it: the listed escapes decoded, any other left as sent."""
    for escape in _DECODED:
        uri = uri.replace(escape, unquote(escape)).replace(escape.lower(), unquote(escape))
    return uri


def v3_signature(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """The X-HubSpot-Signature-v3 value for a request."""
    source = method.upper().encode() + signed_uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), source, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def v1_signature(secret: str, body: bytes) -> str:
    """The X-HubSpot-Signature value when its version is v1."""
    return hashlib.sha256(secret.encode() + body).hexdigest()


def v2_signature(secret: str, method: str, uri: str, body: bytes) -> str:
    """The X-HubSpot-Signature value when its version is v2."""
    source = secret.encode() + method.upper().encode() + uri.encode() + body
    return hashlib.sha256(source).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def is_signed_by_hubspot(
    secret: str, method: str, uri: str, body: bytes, headers: Mapping[str, str], now_ms: int
) -> bool:
    """Whether a request carries a valid, fresh HubSpot signature (v3 preferred)."""
    if not secret:
        return False
    given = _header(headers, "X-HubSpot-Signature-v3")
    if given:
        timestamp = _header(headers, "X-HubSpot-Request-Timestamp")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 16:
            return False
        age = now_ms - int(timestamp)
        # A little ahead is clock skew; far ahead would let a captured request live forever.
        if age > MAX_AGE_MS or age < -MAX_AGE_MS:
            return False
        expected = v3_signature(secret, method, uri, body, timestamp)
        return hmac.compare_digest(given.encode(), expected.encode())
    given = _header(headers, "X-HubSpot-Signature")
    version = _header(headers, "X-HubSpot-Signature-Version").lower()
    if not given or not given.isascii():
        return False
    if version == "v1":
        expected = v1_signature(secret, body)
    elif version == "v2":
        expected = v2_signature(secret, method, uri, body)
    else:
        return False
    return hmac.compare_digest(given.lower().encode(), expected.encode())
