"""Block Kit limits the real Slack enforces, so the bot's layout bugs fail here as they would there.

Error strings follow Slack's "[ERROR] ... [json-pointer:/blocks/0/text/text]" shape; the error
codes (invalid_blocks, invalid_blocks_format, invalid_arguments) are the ones Slack returns.
"""

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_SURFACE_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_SECTION_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID_LENGTH = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000

_TEXT_TYPES = ("plain_text", "mrkdwn")


def _too_long(limit: int, pointer: str) -> str:
    return f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(limit: int, pointer: str) -> str:
    return f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"


def _text_object(obj: Any, pointer: str, limit: int, *, plain_only: bool = False) -> list[str]:
    """Check a composition text object: right shape, allowed type, length limit."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return [f"[ERROR] expected a text object [json-pointer:{pointer}]"]
    allowed = ("plain_text",) if plain_only else _TEXT_TYPES
    if obj.get("type") not in allowed:
        return [f"[ERROR] must be one of {list(allowed)} [json-pointer:{pointer}/type]"]
    if len(obj["text"]) > limit:
        return [_too_long(limit, f"{pointer}/text")]
    return []


def _element(element: Any, pointer: str, action_ids: set[str]) -> list[str]:
    """Check an interactive element; buttons get Slack's text and value limits."""
    if not isinstance(element, dict) or "type" not in element:
        return [f"[ERROR] missing required field: type [json-pointer:{pointer}]"]
    errors: list[str] = []
    action_id = element.get("action_id")
    if isinstance(action_id, str):
        if len(action_id) > MAX_ID_LENGTH:
            errors.append(_too_long(MAX_ID_LENGTH, f"{pointer}/action_id"))
        if action_id in action_ids:
            errors.append(f"[ERROR] duplicate action_id [json-pointer:{pointer}/action_id]")
        action_ids.add(action_id)
    if element["type"] == "button":
        errors += _text_object(
            element.get("text"), f"{pointer}/text", MAX_BUTTON_TEXT, plain_only=True
        )
        value = element.get("value")
        if isinstance(value, str) and len(value) > MAX_BUTTON_VALUE:
            errors.append(_too_long(MAX_BUTTON_VALUE, f"{pointer}/value"))
    return errors


def _section(block: dict[str, Any], pointer: str) -> list[str]:
    errors: list[str] = []
    if "text" in block:
        errors += _text_object(block["text"], f"{pointer}/text", MAX_SECTION_TEXT)
    fields = block.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
            errors.append(_too_many(MAX_SECTION_FIELDS, f"{pointer}/fields"))
        else:
            for i, item in enumerate(fields):
                errors += _text_object(item, f"{pointer}/fields/{i}", MAX_SECTION_FIELD_TEXT)
    if "text" not in block and fields is None:
        errors.append(f"[ERROR] must provide either text or fields [json-pointer:{pointer}]")
    if "accessory" in block:
        errors += _element(block["accessory"], f"{pointer}/accessory", set())
    return errors


def _block(block: Any, pointer: str, block_ids: set[str]) -> list[str]:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [f"[ERROR] missing required field: type [json-pointer:{pointer}]"]
    errors: list[str] = []
    block_id = block.get("block_id")
    if isinstance(block_id, str):
        if len(block_id) > MAX_ID_LENGTH:
            errors.append(_too_long(MAX_ID_LENGTH, f"{pointer}/block_id"))
        if block_id in block_ids:
            errors.append(f"[ERROR] duplicate block_id [json-pointer:{pointer}/block_id]")
        block_ids.add(block_id)
    kind = block["type"]
    if kind == "section":
        errors += _section(block, pointer)
    elif kind == "header":
        errors += _text_object(
            block.get("text"), f"{pointer}/text", MAX_HEADER_TEXT, plain_only=True
        )
    elif kind in ("actions", "context"):
        limit = MAX_ACTIONS_ELEMENTS if kind == "actions" else MAX_CONTEXT_ELEMENTS
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(f"[ERROR] missing required field: elements [json-pointer:{pointer}]")
        elif len(elements) > limit:
            errors.append(_too_many(limit, f"{pointer}/elements"))
        elif kind == "actions":
            action_ids: set[str] = set()
            for i, element in enumerate(elements):
                errors += _element(element, f"{pointer}/elements/{i}", action_ids)
    return errors


def block_list_errors(blocks: Any, pointer: str, max_blocks: int) -> list[str]:
    """Return Slack-style error strings for a block list (empty when Slack would accept it)."""
    if len(blocks) > max_blocks:
        return [_too_many(max_blocks, pointer)]
    errors: list[str] = []
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        errors += _block(block, f"{pointer}/{i}", block_ids)
    return errors


def check_message_blocks(blocks: Any) -> tuple[str, list[str]] | None:
    """Validate message blocks; return (error_code, messages) when Slack would reject them."""
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return "invalid_blocks_format", ["[ERROR] blocks must be a JSON array"]
    errors = block_list_errors(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    return ("invalid_blocks", errors) if errors else None


def check_view(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Validate a modal or Home tab view; non-empty result means invalid_arguments."""
    if not isinstance(view, dict):
        return ["[ERROR] missing required field: view"]
    kind = view.get("type")
    if kind not in ("modal", "home") or (expected_type and kind != expected_type):
        return [f"[ERROR] unsupported view type {kind!r} [json-pointer:/view/type]"]
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return ["[ERROR] missing required field: blocks [json-pointer:/view/blocks]"]
    errors = block_list_errors(blocks, "/view/blocks", MAX_SURFACE_BLOCKS)
    if kind == "modal":
        errors += _text_object(view.get("title"), "/view/title", MAX_VIEW_TITLE, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                errors += _text_object(view[key], f"/view/{key}", MAX_VIEW_TITLE, plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            errors.append(
                "[ERROR] submit is required when input blocks are present "
                "[json-pointer:/view/submit]"
            )
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > MAX_PRIVATE_METADATA:
        errors.append(_too_long(MAX_PRIVATE_METADATA, "/view/private_metadata"))
    callback_id = view.get("callback_id")
    if isinstance(callback_id, str) and len(callback_id) > MAX_ID_LENGTH:
        errors.append(_too_long(MAX_ID_LENGTH, "/view/callback_id"))
    return errors
