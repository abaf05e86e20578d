"""Finding a post whose first try had an unknown outcome, by the outbox IDs in its metadata."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.calls import SlackCall, tag_ids

# A try's post is at most a lease after its row was written; the margin covers clock skew
# between this host and Slack.
LOOKBACK_MARGIN = timedelta(minutes=10)
PAGE_LIMIT = 200
MAX_PAGES = 3


class LookupFailed(Exception):
    """Slack could not be asked (or refused): whether the post exists is still unknown."""


def _channel_id(client: WebClient, channel: str) -> str:
    """A DM is posted to a user ID; its history lives under the DM channel's own ID."""
    if channel[:1] not in ("U", "W"):
        return channel
    answer = client.api_call("conversations.open", json={"users": channel})
    opened = answer.get("channel")
    if not isinstance(opened, dict) or not isinstance(opened.get("id"), str):
        raise LookupFailed("conversations.open gave no channel")
    return str(opened["id"])


def _pages(client: WebClient, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to MAX_PAGES pages of messages, following Slack's cursor."""
    found: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(MAX_PAGES):
        page = client.api_call(method, params={**params, **({"cursor": cursor} if cursor else {})})
        messages = page.get("messages")
        if isinstance(messages, list):
            found.extend(m for m in messages if isinstance(m, dict))
        meta = page.get("response_metadata")
        cursor = str(meta.get("next_cursor") or "") if isinstance(meta, dict) else ""
        if not cursor or not page.get("has_more"):
            break
    return found


def find_posted(
    client: WebClient, call: SlackCall, ids: Collection[int], written_at: datetime | None
) -> dict[int, str]:
    """Which of these outbox rows Slack already holds a post for, with that post's ts.

    Top-level posts are searched in the channel's recent history, thread notes in their
    thread. Ephemeral messages cannot be looked up at all; the outbox never sends them.
    """
    try:
        channel = _channel_id(client, str(call.args["channel"]))
        common = {"channel": channel, "include_all_metadata": "true", "limit": PAGE_LIMIT}
        thread_ts = call.args.get("thread_ts")
        if thread_ts:
            messages = _pages(client, "conversations.replies", {**common, "ts": thread_ts})
        else:
            since = (written_at or datetime.now(UTC)) - LOOKBACK_MARGIN
            messages = _pages(
                client, "conversations.history", {**common, "oldest": f"{since.timestamp():.6f}"}
            )
    except SlackApiError as error:
        raise LookupFailed(str(error.response.get("error") or "slack_error")) from error
    except (OSError, ValueError) as error:  # connection trouble or a garbled answer
        raise LookupFailed(type(error).__name__) from error
    wanted = set(ids)
    posted: dict[int, str] = {}
    for message in messages:
        ts = message.get("ts")
        if not isinstance(ts, str):
            continue
        for outbox_id in tag_ids(message):
            if outbox_id in wanted:
                posted.setdefault(outbox_id, ts)
    return posted
