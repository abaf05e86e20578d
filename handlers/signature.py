"""Slack's v0 request signature, checked before anything reads the request."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

# Slack's tolerance for clock skew is 300 s; one second less here, so that Bolt's own check, a
# moment later, never refuses (and logs the body of) a request this one let through.
MAX_AGE_SECONDS = 299
# Unix seconds in ASCII digits only: int() would also take " 12", "1_0", "١٢" or "+12",
# and a second reading of the header could then disagree with this one.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def is_signed_by_slack(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> bool:
    """Tell whether the request carries a fresh, valid v0 signature; any malformed header fails."""
    if not secret:
        return False
    timestamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if timestamp is None or signature is None:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii"))
