"""Realistic request bodies Slack sends to an app: slash commands, interactions, events."""

from typing import Any

from bot.local.standin.state import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

# Slack still sends the deprecated verification token; Bolt ignores it.
VERIFICATION_TOKEN = "standin-verification-token"


def channel_name(channel_id: str) -> str:
    """The channel_name Slack reports: "directmessage" for DMs, a readable name otherwise."""
    return "directmessage" if channel_id.startswith("D") else channel_id.lower()


def user_block(user_id: str, user_name: str) -> dict[str, str]:
    """The user object of interaction payloads."""
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM_ID}


def slash_command_form(
    *,
    command: str,
    text: str,
    user_id: str,
    user_name: str,
    channel_id: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """Form fields of a slash command request, as Slack posts them."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_actions_payload(
    *,
    action_id: str,
    value: str,
    block_id: str,
    user_id: str,
    user_name: str,
    trigger_id: str,
    action_ts: str,
    container: dict[str, Any],
    channel_id: str | None,
    message: dict[str, Any] | None,
    view: dict[str, Any] | None,
    response_url: str | None,
    element: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A block_actions payload for one click: a button, or another element when given."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_block(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": action_ts,
            }
        ],
    }
    if element is not None:
        # Selects and pickers send their choice instead of a button's text and value.
        action = payload["actions"][0]
        for key in ("text", "value"):
            action.pop(key)
        action.update(element)
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_name(channel_id)}
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def message_for_payload(
    stored: dict[str, Any] | None, channel_id: str, message_ts: str
) -> dict[str, Any]:
    """The message object of a block_actions payload, from stand-in state when known."""
    stored = stored or {"text": "", "blocks": [], "thread_ts": None}
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "ts": message_ts,
        "team": TEAM_ID,
        "text": stored["text"],
        "blocks": stored["blocks"],
        "channel": channel_id,
    }
    if stored.get("thread_ts"):
        message["thread_ts"] = stored["thread_ts"]
    return message


def state_values(values: dict[str, Any]) -> dict[str, Any]:
    """Expand {block: {action: "text"}} shorthands into Slack's plain_text_input state shape."""
    expanded: dict[str, Any] = {}
    for block_id, actions in values.items():
        expanded[block_id] = {
            action_id: ({"type": "plain_text_input", "value": v} if isinstance(v, str) else v)
            for action_id, v in actions.items()
        }
    return expanded


def view_submission_payload(
    *,
    callback_id: str,
    values: dict[str, Any],
    user_id: str,
    user_name: str,
    private_metadata: str,
    trigger_id: str,
    view_id: str,
    base_view: dict[str, Any] | None,
) -> dict[str, Any]:
    """A view_submission payload; base_view (a stored modal) supplies blocks and title."""
    base = base_view or {}
    view = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": base.get("blocks", []),
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": state_values(values)},
        "hash": base.get("hash", "1700000000.standin"),
        "title": base.get("title", {"type": "plain_text", "text": "SLA Bot"}),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": base.get("close"),
        "submit": base.get("submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": base.get("bot_id"),
    }
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": user_block(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event_callback_body(event: dict[str, Any], *, event_id: str, event_time: int) -> dict[str, Any]:
    """An Events API event_callback envelope around one event."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": {"event_ts": f"{event_time}.000100", **event},
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-standin-{event_id}",
    }
