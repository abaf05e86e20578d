"""The Claim button: its action ID and value, built and read back in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.slack_input import MAX_ID, response_url_of

CLAIM_ACTION = "claim_lead"
# The inbox's kind for a claim click, the first part of each click's key.
KIND = "claim"
MAX_TEXT = 200
MAX_URL = 2000


def claim_value(lead_id: int) -> str:
    """The Claim button's value: the lead's ID, in ASCII digits."""
    return str(lead_id)


@dataclass(frozen=True)
class ClaimClick:
    """What finishing a Claim click needs, read from Slack's block_actions payload."""

    lead_id: int
    user_id: str
    response_url: str
    action_ts: str

    @property
    def key(self) -> str:
        """One key per click: a replayed or retried request carries the same one."""
        return f"{KIND}:{self.user_id}:{self.lead_id}:{self.action_ts}"

    def payload(self) -> dict[str, Any]:
        """The click as the inbox keeps it."""
        return {
            "lead": self.lead_id,
            "user": self.user_id,
            "response_url": self.response_url,
            "action_ts": self.action_ts,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ClaimClick:
        """The click back from the inbox."""
        return cls(
            int(payload["lead"]),
            str(payload["user"]),
            str(payload["response_url"]),
            str(payload["action_ts"]),
        )


def _text(value: object) -> str | None:
    if isinstance(value, str) and value and len(value) <= MAX_TEXT and "\x00" not in value:
        return value
    return None


def kept_response_url(body: object) -> str | None:
    """The payload's response_url when it is usable and short enough to keep in the inbox."""
    url = response_url_of(body) if isinstance(body, dict) else None
    return url if url is not None and len(url) <= MAX_URL else None


def parse_click(action: object, body: object) -> ClaimClick | None:
    """The click, or None when the payload cannot name a lead, a user and where to answer."""
    if not isinstance(action, dict) or not isinstance(body, dict):
        return None
    value = action.get("value")
    # ASCII digits only: int() would also take "²", "٣", " 7", "+7" and "1_000".
    if not isinstance(value, str) or not (0 < len(value) <= 10) or not value.isascii():
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        return None
    user = body.get("user")
    user_id = _text(user.get("id")) if isinstance(user, dict) else None
    if user_id is None or len(user_id) > 32:
        return None
    url = kept_response_url(body)
    stamp = _text(action.get("action_ts")) or _text(body.get("trigger_id"))
    if url is None or stamp is None:
        return None
    return ClaimClick(int(value), user_id, url, stamp)
