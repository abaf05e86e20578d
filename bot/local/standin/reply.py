"""The stand-in's HTTP answers in Slack's shapes: success, error, rate limit."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """An HTTP answer: status, JSON body, extra headers, or raw text instead of JSON."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None


def ok(**fields: Any) -> Reply:
    """Build a successful Slack reply."""
    return Reply(200, {"ok": True, **fields})


def err(error: str, messages: list[str] | None = None, status: int = 200) -> Reply:
    """Build a Slack error reply; Slack answers most API errors with HTTP 200."""
    body: dict[str, Any] = {"ok": False, "error": error}
    if messages:
        body["response_metadata"] = {"messages": messages}
    return Reply(status, body)


def ratelimited(retry_after: int = 1) -> Reply:
    """Build Slack's 429 answer with its Retry-After header."""
    return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def missing(name: str) -> Reply:
    """Slack's answer to a call that lacks a required field."""
    return err("invalid_arguments", [f"[ERROR] missing required field: {name}"])
