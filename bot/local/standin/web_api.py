"""The Web API methods the stand-in speaks, with the real API's response shapes and errors."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.local.standin.blocks_limits import check_message_blocks, check_view
from bot.local.standin.socket_mode import LINK_PATH
from bot.local.standin.state import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    StandInState,
    StoredFile,
    StoredMessage,
)
from bot.local.standin.users import lookup_by_email, user_object


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


def _missing(name: str) -> Reply:
    return err("invalid_arguments", [f"[ERROR] missing required field: {name}"])


def _has_content(args: dict[str, Any]) -> bool:
    return any(args.get(key) for key in ("text", "blocks", "attachments"))


def _resolve_channel(state: StandInState, channel: Any) -> str | None:
    """Map a user id to its DM, as Slack does when a bot posts to a user id."""
    if not isinstance(channel, str) or not channel:
        return None
    if channel[0] in "UW":
        return state.dm_channel(channel)[0]
    return channel


def _message_object(msg: StoredMessage, with_metadata: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": TEAM_ID,
        "text": msg.text,
        "ts": msg.ts,
        "blocks": msg.blocks,
    }
    if msg.thread_ts:
        body["thread_ts"] = msg.thread_ts
    if msg.files:
        body["files"] = [{"id": file_id} for file_id in msg.files]
    if with_metadata and msg.metadata is not None:
        body["metadata"] = msg.metadata
    return body


def _checked_metadata(args: dict[str, Any]) -> tuple[dict[str, Any] | None, Reply | None]:
    """Slack's message metadata: an object with an event_type string and an event_payload."""
    metadata = args.get("metadata")
    if metadata is None or metadata == "":
        return None, None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return None, err("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}, None


def _checked_blocks(args: dict[str, Any]) -> Reply | None:
    problem = check_message_blocks(args.get("blocks"))
    return err(*problem) if problem else None


def auth_test(state: StandInState, args: dict[str, Any]) -> Reply:
    """Identify the bot, as Bolt does at start-up."""
    return ok(
        url=f"https://{TEAM_DOMAIN}.slack.com/",
        team="Stand-in Workspace",
        user="sla-bot",
        team_id=TEAM_ID,
        user_id=BOT_USER_ID,
        bot_id=BOT_ID,
        is_enterprise_install=False,
    )


def chat_post_message(state: StandInState, args: dict[str, Any]) -> Reply:
    """Post a message, enforcing content, Block Kit and per-channel rate limits."""
    channel = _resolve_channel(state, args.get("channel"))
    if channel is None:
        return err("channel_not_found")
    if state.post_is_rate_limited(channel):
        return ratelimited()
    if not _has_content(args):
        return err("no_text")
    if (problem := _checked_blocks(args)) is not None:
        return problem
    metadata, problem = _checked_metadata(args)
    if problem is not None:
        return problem
    msg = state.add_message(
        StoredMessage(
            channel=channel,
            ts=state.next_ts(),
            text=str(args.get("text") or ""),
            blocks=args.get("blocks") or [],
            thread_ts=args.get("thread_ts"),
            metadata=metadata,
        )
    )
    state.note_post(channel)
    return ok(channel=channel, ts=msg.ts, message=_message_object(msg))


def chat_update(state: StandInState, args: dict[str, Any]) -> Reply:
    """Edit a known non-ephemeral message; omitted blocks are kept, as Slack documents."""
    channel = args.get("channel")
    if not channel:
        return err("channel_not_found")
    msg = state.find_message(channel, args.get("ts"))
    if msg is None or msg.user is not None:
        return err("message_not_found")
    if not _has_content(args):
        return err("no_text")
    if (problem := _checked_blocks(args)) is not None:
        return problem
    with state.mutating():
        if "text" in args:
            msg.text = str(args["text"] or "")
        if "blocks" in args:
            msg.blocks = args["blocks"] or []
        msg.edits += 1
    return ok(channel=channel, ts=msg.ts, text=msg.text, message=_message_object(msg))


def chat_post_ephemeral(state: StandInState, args: dict[str, Any]) -> Reply:
    """Show a message to one user in a channel."""
    channel = _resolve_channel(state, args.get("channel"))
    if channel is None:
        return err("channel_not_found")
    if not args.get("user"):
        return err("user_not_found")
    if not _has_content(args):
        return err("no_text")
    if (problem := _checked_blocks(args)) is not None:
        return problem
    msg = state.add_message(
        StoredMessage(
            channel=channel,
            ts=state.next_ts(),
            text=str(args.get("text") or ""),
            blocks=args.get("blocks") or [],
            thread_ts=args.get("thread_ts"),
            user=str(args["user"]),
        )
    )
    return ok(message_ts=msg.ts)


def conversations_open(state: StandInState, args: dict[str, Any]) -> Reply:
    """Open (or re-open) a DM; the id is stable per user."""
    if args.get("channel"):
        return ok(channel={"id": args["channel"]}, no_op=True, already_open=True)
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if not users:
        return err("users_list_not_supplied")
    if len(users) == 1:
        channel_id, existed = state.dm_channel(users[0])
    else:
        digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:9].upper()
        channel_id, existed = f"G{digest}", False
    channel: dict[str, Any] = {"id": channel_id}
    if str(args.get("return_im", "")).lower() in ("1", "true"):
        channel.update(
            created=1_700_000_000,
            is_im=len(users) == 1,
            is_org_shared=False,
            user=users[0],
            is_user_deleted=False,
            priority=0,
        )
    extra = {"no_op": True, "already_open": True} if existed else {}
    return ok(channel=channel, **extra)


def _view_object(
    state: StandInState, view: dict[str, Any], view_id: str, user_id: str | None = None
) -> dict[str, Any]:
    stored = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": view.get("type"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": state.next_id("h"),
        "title": view.get("title"),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    if user_id is not None:
        stored["user_id"] = user_id
    with state.mutating():
        state.views[view_id] = stored
    return stored


def views_open(state: StandInState, args: dict[str, Any]) -> Reply:
    """Open a modal; the trigger_id must be fresh (3 s) and unused."""
    trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
    if not trigger_id:
        return _missing("trigger_id")
    if "view" not in args:
        return _missing("view")
    if errors := check_view(args["view"], expected_type="modal"):
        return err("invalid_arguments", errors)
    if (problem := state.use_trigger(str(trigger_id))) is not None:
        return err(problem)
    return ok(view=_view_object(state, args["view"], state.next_id("V")))


def views_publish(state: StandInState, args: dict[str, Any]) -> Reply:
    """Publish a user's Home tab; a stale hash is a hash_conflict."""
    user_id = args.get("user_id")
    if not user_id:
        return _missing("user_id")
    if errors := check_view(args.get("view"), expected_type="home"):
        return err("invalid_arguments", errors)
    with state.lock:
        current = state.views.get(state.home_views.get(user_id, ""))
        if args.get("hash") and current is not None and args["hash"] != current["hash"]:
            return err("hash_conflict")
        if user_id not in state.home_views:
            state.home_views[user_id] = state.next_id("V")
        view_id = state.home_views[user_id]
        return ok(view=_view_object(state, args["view"], view_id, user_id))


def views_update(state: StandInState, args: dict[str, Any]) -> Reply:
    """Replace an open view by view_id or external_id."""
    view_id = args.get("view_id")
    with state.lock:
        if not view_id and args.get("external_id"):
            matches = [
                v["id"] for v in state.views.values() if v.get("external_id") == args["external_id"]
            ]
            view_id = matches[0] if matches else None
        current = state.views.get(view_id or "")
    if current is None:
        return err("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        return err("hash_conflict")
    if errors := check_view(args.get("view"), expected_type=current["type"]):
        return err("invalid_arguments", errors)
    return ok(view=_view_object(state, args["view"], current["id"], current.get("user_id")))


def users_info(state: StandInState, args: dict[str, Any]) -> Reply:
    """Describe a user; unknown ids get a plausible generated profile."""
    user_id = args.get("user")
    if not user_id:
        return err("user_not_found")
    return ok(user=user_object(state, str(user_id)))


def users_lookup_by_email(state: StandInState, args: dict[str, Any]) -> Reply:
    """Find an added user by e-mail address."""
    user = lookup_by_email(state, str(args.get("email") or ""))
    return ok(user=user) if user is not None else err("users_not_found")


def files_get_upload_url(state: StandInState, args: dict[str, Any]) -> Reply:
    """Step 1 of files_upload_v2: reserve a file id and hand out an upload URL."""
    if not args.get("filename"):
        return _missing("filename")
    try:
        length = int(args.get("length", ""))
    except ValueError:
        return _missing("length")
    file_id = state.next_id("F")
    with state.mutating():
        state.files[file_id] = StoredFile(id=file_id, name=str(args["filename"]), length=length)
    return ok(upload_url=f"{state.base_url}/upload/{file_id}", file_id=file_id)


def files_complete_upload(state: StandInState, args: dict[str, Any]) -> Reply:
    """Step 3 of files_upload_v2: finish uploads and share them where asked."""
    items = args.get("files")
    if not isinstance(items, list) or not items:
        return _missing("files")
    stored: list[StoredFile] = []
    for item in items:
        with state.lock:
            found = state.files.get(item.get("id", "")) if isinstance(item, dict) else None
        if found is None or found.content is None:
            return err("file_not_found")
        stored.append(found)
    channels = [c for c in str(args.get("channels") or "").split(",") if c]
    if args.get("channel_id"):
        channels.insert(0, str(args["channel_id"]))
    with state.mutating():
        for item, found in zip(items, stored, strict=True):
            found.title = item.get("title") or found.name
            found.completed = True
            found.channels = channels
            found.thread_ts = args.get("thread_ts")
            found.initial_comment = args.get("initial_comment")
        for channel in channels:
            state.add_message(
                StoredMessage(
                    channel=channel,
                    ts=state.next_ts(),
                    text=str(args.get("initial_comment") or ""),
                    blocks=[],
                    thread_ts=args.get("thread_ts"),
                    files=[f.id for f in stored],
                )
            )
    return ok(
        files=[
            {
                "id": f.id,
                "title": f.title,
                "name": f.name,
                "size": len(f.content or b""),
                "user": BOT_USER_ID,
                "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{f.id}/{f.name}",
            }
            for f in stored
        ]
    )


def receive_upload(state: StandInState, file_id: str, content: bytes) -> Reply:
    """Step 2 of files_upload_v2: the bytes POSTed to upload_url; Slack answers plain text."""
    with state.mutating():
        found = state.files.get(file_id)
        if found is None:
            return Reply(404, {"ok": False, "error": "file_not_found"}, text="file_not_found")
        found.content = content
    return Reply(200, {"ok": True, "size": len(content)}, text=f"OK - {len(content)}")


def apps_connections_open(state: StandInState, args: dict[str, Any]) -> Reply:
    """Hand a Socket Mode app the WebSocket URL to connect to (the xapp token is checked before)."""
    ticket = state.sockets.issue_ticket()
    ws_base = state.base_url.replace("http://", "ws://", 1)
    return ok(url=f"{ws_base}{LINK_PATH}?ticket={ticket}")


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
        messages = [_message_object(m, with_metadata) for m in page]
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
    channel = _resolve_channel(state, args.get("channel"))
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
    channel = _resolve_channel(state, args.get("channel"))
    if channel is None:
        return err("channel_not_found")
    parent_ts = args.get("ts")
    if not parent_ts:
        return _missing("ts")
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


Handler = Callable[[StandInState, dict[str, Any]], Reply]

METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": apps_connections_open,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "views.open": views_open,
    "views.publish": views_publish,
    "views.update": views_update,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
