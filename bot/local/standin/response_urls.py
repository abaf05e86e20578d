"""response_url handling: what Slack does with the bodies Bolt's respond() posts."""

import secrets
from typing import Any

from bot.local.standin.blocks_limits import check_message_blocks
from bot.local.standin.reply import Reply
from bot.local.standin.state import ResponseUrl, StandInState, StoredMessage


def issue(
    state: StandInState, channel: str | None, message_ts: str | None, user_id: str | None
) -> str:
    """Create a response_url bound to the channel/message/user a real payload would carry."""
    token = secrets.token_hex(12)
    with state.mutating():
        state.response_urls[token] = ResponseUrl(token, channel, message_ts, user_id)
    return f"{state.base_url}/response/{token}"


def token_of(token_or_url: str) -> str:
    """Accept either a bare token or a full response_url."""
    return token_or_url.rstrip("/").rsplit("/", 1)[-1]


def _apply(state: StandInState, bound: ResponseUrl, body: dict[str, Any]) -> None:
    """Mirror Slack: replace/delete the source message, or post a new (ephemeral) one."""
    original = state.find_message(bound.channel, bound.message_ts)
    if body.get("delete_original") in (True, "true") and original is not None:
        del state.messages[(original.channel, original.ts)]
        return
    if body.get("replace_original") in (True, "true") and original is not None:
        if "text" in body:
            original.text = str(body["text"] or "")
        if "blocks" in body:
            original.blocks = body["blocks"] or []
        original.edits += 1
        return
    if bound.channel is None:
        return
    ephemeral = body.get("response_type") != "in_channel"
    state.add_message(
        StoredMessage(
            channel=bound.channel,
            ts=state.next_ts(),
            text=str(body.get("text") or ""),
            blocks=body.get("blocks") or [],
            thread_ts=body.get("thread_ts"),
            user=(bound.user_id or "") if ephemeral else None,
        )
    )


def post(state: StandInState, token: str, body: Any) -> Reply:
    """Handle a POST to a response_url (at most response_url_max_uses per URL, like Slack)."""
    if not isinstance(body, dict):
        return Reply(400, {"ok": False, "error": "invalid_payload"}, text="invalid_payload")
    problem = check_message_blocks(body.get("blocks"))
    if problem is not None:
        return Reply(
            400, {"ok": False, "error": problem[0], "response_metadata": {"messages": problem[1]}}
        )
    with state.mutating():
        # Unknown tokens are accepted so tests may hand-craft URLs; they are bound to nothing.
        bound = state.response_urls.setdefault(token, ResponseUrl(token))
        if bound.uses >= state.response_url_max_uses:
            return Reply(404, {"ok": False, "error": "used_url"})
        bound.uses += 1
        state.response_bodies.append((token, body))
        _apply(state, bound, body)
    return Reply(200, {"ok": True})
