"""Reading a conversation back: conversations.history and .replies, paged as Slack pages."""

from typing import Any

from bot.local.standin.reply import Reply, err, missing, ok
from bot.local.standin.state import StandInState, StoredMessage
from bot.local.standin.web_api import message_object, resolve_channel


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _page(
    state: StandInState, found: list[StoredMessage], args: dict[str, Any]
) -> Reply | tuple[list[dict[str, Any]], dict[str, Any]]:
    """Slice found (already in Slack's order) by limit and cursor, as Slack paginates."""
    try:
        limit = int(args.get("limit") or 100)
        start = int(str(args.get("cursor") or "0").removeprefix("off:"))
    except (TypeError, ValueError):
        return err("invalid_cursor" if args.get("cursor") else "invalid_limit")
    limit = max(1, min(limit, 999))
    start = max(0, start)
    page = found[start : start + limit]
    more = start + limit < len(found)
    with_metadata = _flag(args.get("include_all_metadata"))
    with state.lock:
        messages = [message_object(m, with_metadata) for m in page]
    return messages, {
        "has_more": more,
        "response_metadata": {"next_cursor": f"off:{start + limit}" if more else ""},
    }


def _in_window(ts: str, args: dict[str, Any]) -> bool:
    """Whether ts lies between oldest and latest (inclusive only when asked)."""
    inclusive = _flag(args.get("inclusive"))
    value = float(ts)
    oldest, latest = args.get("oldest"), args.get("latest")
    if oldest not in (None, "") and (
        value < float(oldest) or (value == float(oldest) and not inclusive)
    ):
        return False
    return latest in (None, "") or value < float(latest) or (value == float(latest) and inclusive)


def conversations_history(state: StandInState, args: dict[str, Any]) -> Reply:
    """A channel's top-level messages, newest first, within oldest/latest, paginated."""
    channel = resolve_channel(state, args.get("channel"))
    if channel is None:
        return err("channel_not_found")
    try:
        with state.lock:
            found = [
                m
                for m in state.messages.values()
                if m.channel == channel
                and m.user is None
                and (not m.thread_ts or m.thread_ts == m.ts)
                and _in_window(m.ts, args)
            ]
    except (TypeError, ValueError):
        return err("invalid_ts_oldest")
    found.sort(key=lambda m: float(m.ts), reverse=True)
    paged = _page(state, found, args)
    if isinstance(paged, Reply):
        return paged
    messages, extra = paged
    return ok(
        messages=messages, pin_count=0, channel_actions_ts=None, channel_actions_count=0, **extra
    )


def conversations_replies(state: StandInState, args: dict[str, Any]) -> Reply:
    """A thread: its parent first, then the replies oldest first, paginated."""
    channel = resolve_channel(state, args.get("channel"))
    if channel is None:
        return err("channel_not_found")
    parent_ts = args.get("ts")
    if not parent_ts:
        return missing("ts")
    parent = state.find_message(channel, str(parent_ts))
    if parent is None or parent.user is not None:
        return err("thread_not_found")
    try:
        with state.lock:
            replies = [
                m
                for m in state.messages.values()
                if m.channel == channel
                and m.user is None
                and m.thread_ts == parent.ts
                and m.ts != parent.ts
                and _in_window(m.ts, args)
            ]
    except (TypeError, ValueError):
        return err("invalid_ts_oldest")
    replies.sort(key=lambda m: float(m.ts))
    paged = _page(state, [parent, *replies], args)
    if isinstance(paged, Reply):
        return paged
    messages, extra = paged
    if messages and messages[0]["ts"] == parent.ts:
        messages[0].update(reply_count=len(replies), thread_ts=parent.ts)
    return ok(messages=messages, **extra)
