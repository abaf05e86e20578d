"""The Web API methods the stand-in speaks, with the real API's response shapes and errors."""

import hashlib
from typing import Any

from bot.local.standin.blocks_limits import check_message_blocks, check_view
from bot.local.standin.reply import Reply, err, missing, ok, ratelimited
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


def _has_content(args: dict[str, Any]) -> bool:
    return any(args.get(key) for key in ("text", "blocks", "attachments"))


def resolve_channel(state: StandInState, channel: Any) -> str | None:
    """Map a user id to its DM, as Slack does when a bot posts to a user id."""
    if not isinstance(channel, str) or not channel:
        return None
    if channel[0] in "UW":
        return state.dm_channel(channel)[0]
    return channel


def message_object(msg: StoredMessage, with_metadata: bool = False) -> dict[str, Any]:
    """A stored message as the Web API shows it (its metadata only when asked for)."""
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
    channel = resolve_channel(state, args.get("channel"))
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
    return ok(channel=channel, ts=msg.ts, message=message_object(msg))


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
    return ok(channel=channel, ts=msg.ts, text=msg.text, message=message_object(msg))


def chat_post_ephemeral(state: StandInState, args: dict[str, Any]) -> Reply:
    """Show a message to one user in a channel."""
    channel = resolve_channel(state, args.get("channel"))
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
        return missing("trigger_id")
    if "view" not in args:
        return missing("view")
    if errors := check_view(args["view"], expected_type="modal"):
        return err("invalid_arguments", errors)
    if (problem := state.use_trigger(str(trigger_id))) is not None:
        return err(problem)
    return ok(view=_view_object(state, args["view"], state.next_id("V")))


def views_publish(state: StandInState, args: dict[str, Any]) -> Reply:
    """Publish a user's Home tab; a stale hash is a hash_conflict."""
    user_id = args.get("user_id")
    if not user_id:
        return missing("user_id")
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
        return missing("filename")
    try:
        length = int(args.get("length", ""))
    except ValueError:
        return missing("length")
    file_id = state.next_id("F")
    with state.mutating():
        state.files[file_id] = StoredFile(id=file_id, name=str(args["filename"]), length=length)
    return ok(upload_url=f"{state.base_url}/upload/{file_id}", file_id=file_id)


def files_complete_upload(state: StandInState, args: dict[str, Any]) -> Reply:
    """Step 3 of files_upload_v2: finish uploads and share them where asked."""
    items = args.get("files")
    if not isinstance(items, list) or not items:
        return missing("files")
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
