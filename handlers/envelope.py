"""The parts of a Slack payload Bolt reads to route it, checked before Bolt reads them.

Bolt's matchers index payloads as Slack shapes them (`actions[0]["action_id"]`,
`view["callback_id"]`, `event["type"]`); a verified payload of another shape would make
them raise, and the request would end in a 500 and a traceback instead of a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Keys whose value Bolt matches as text, wherever they appear at the top level.
_TEXT_KEYS = ("type", "command", "callback_id", "action_id", "text")
# Keys Bolt reads an ID from: Slack sends an object (or, in commands, a plain string).
_ID_KEYS = ("user", "channel", "team", "enterprise")
_OBJECT_KEYS = ("view", "event", "message", "container", "previous_message", "item")


def _text_or_missing(value: Mapping[str, Any], key: str) -> bool:
    return key not in value or isinstance(value[key], str)


def envelope_problem(body: object) -> str | None:
    """Name what keeps Bolt from routing this payload safely, or None when it can."""
    if not isinstance(body, Mapping):
        return "payload is not an object"
    for key in _TEXT_KEYS:
        if not _text_or_missing(body, key):
            return f"{key} is not text"
    for key in _ID_KEYS:
        value = body.get(key)
        if value is not None and not isinstance(value, str | Mapping):
            return f"{key} is neither an ID nor an object"
    for key in _OBJECT_KEYS:
        # Bolt reads these with .get(key, {}): present, they must be objects (null included).
        if key in body and not isinstance(body[key], Mapping):
            return f"{key} is not an object"
    event = body.get("event")
    if isinstance(event, Mapping) and not all(
        isinstance(event.get("type"), str) and _text_or_missing(event, key)
        for key in ("subtype", "callback_id")
    ):
        return "event has no type"
    view = body.get("view")
    if isinstance(view, Mapping) and not (
        _text_or_missing(view, "callback_id") and isinstance(view.get("type"), str)
    ):
        return "view has no type or callback_id"
    if body.get("type") in ("view_submission", "view_closed") and not isinstance(view, Mapping):
        return "view is missing"
    for key in ("response_urls", "authorizations"):
        items = body.get(key, [])
        if not (isinstance(items, list) and all(isinstance(item, Mapping) for item in items)):
            return f"{key} is not a list of objects"
    if "actions" in body or body.get("type") == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions is not a list"
        for action in actions:
            if not (
                isinstance(action, Mapping)
                and isinstance(action.get("action_id"), str)
                and _text_or_missing(action, "block_id")
            ):
                return "an action has no action_id"
    return None
