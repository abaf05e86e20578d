"""Block Kit and mrkdwn rendered to plain text: what the demo and the CLI print."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]+))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]+))?>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]+))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")


def plain(text: str, names: Mapping[str, str] | None = None) -> str:
    """Turn Slack mrkdwn into terminal text: mentions as @name/#channel, no bold stars."""
    names = names or {}
    text = _USER.sub(lambda m: "@" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return _BOLD.sub(r"\1", text)


def _element_text(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind in ("mrkdwn", "plain_text"):
        return str(element.get("text", ""))
    if kind == "button":
        return f"[{element['text']['text']}]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    label = element.get("placeholder") or element.get("text")
    return f"[{label.get('text', kind) if isinstance(label, Mapping) else kind}]"


def render_blocks(blocks: list[Mapping[str, Any]], names: Mapping[str, str] | None = None) -> str:
    """Render a list of blocks as readable plain text, one block a paragraph."""
    parts: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            texts = [str(block["text"]["text"])] if "text" in block else []
            texts += [_element_text(f) for f in block.get("fields", [])]
            if "accessory" in block:
                texts.append(_element_text(block["accessory"]))
            parts.append("\n".join(texts))
        elif kind in ("context", "actions"):
            parts.append("  ".join(_element_text(e) for e in block.get("elements", [])))
        elif kind == "divider":
            parts.append("-" * 40)
        elif kind == "input":
            parts.append(f"{block['label']['text']}: {_element_text(block.get('element', {}))}")
        elif kind == "image":
            parts.append(f"[image: {block.get('alt_text', '')}]")
    return plain("\n".join(parts), names)


def render_message(message: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """Render a posted message (blocks when it has them, else its text)."""
    blocks = message.get("blocks")
    if blocks:
        return render_blocks(blocks, names)
    return plain(str(message.get("text", "")), names)
