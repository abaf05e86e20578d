"""A Slack user's email (users.info, scope users:read.email): how a rep is found in a CRM."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def slack_email(slack: WebClient, user: str) -> str | None:
    """The user's email as Slack has it, or None (no email, no access, or Slack refused)."""
    try:
        answer = slack.api_call("users.info", params={"user": user})
    except SlackApiError:
        return None
    email = ((answer.get("user") or {}).get("profile") or {}).get("email")
    return email if isinstance(email, str) and "@" in email else None
