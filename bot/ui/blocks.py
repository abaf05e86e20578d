"""Block Kit builders: pure functions from text to blocks, within Slack's limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_FALLBACK_TEXT = 3000

Block = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """A message for Slack: the blocks and the plain fallback text notifications show."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """Return the keyword arguments for chat.postMessage, chat.update or respond()."""
        return {"text": self.text, "blocks": self.blocks}


class Escaped(str):
    """Text escape() already made inert: escaping it again leaves it as it is."""

    __slots__ = ()


def escape(text: str) -> Escaped:
    """Make outside text inert in mrkdwn: no <!channel> pings, no fake links or mentions."""
    # The one definition of Slack's escaping (& < > only); an Escaped value passes through, so
    # text escaped at the root (LeadView.shown) is never shown with a doubled &amp;.
    if isinstance(text, Escaped):
        return text
    return Escaped(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def truncate(text: str, limit: int) -> str:
    """Cut text to a limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    """A mrkdwn section (text cut to Slack's 3,000-character limit)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, MAX_SECTION_TEXT)}}


def context(text: str) -> Block:
    """A small grey context line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 3000)}]}


def divider() -> Block:
    """A horizontal rule."""
    return {"type": "divider"}


def section_with_button(text: str, accessory: Block, block_id: str | None = None) -> Block:
    """A section with a button on its right."""
    block = section(text)
    block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def actions(*elements: Block, block_id: str | None = None) -> Block:
    """A row of buttons."""
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element (label cut to 75 characters)."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
        "value": truncate(value, 2000),
    }
    if style:
        element["style"] = style
    return element


def pack_lines(lines: Iterable[str], limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Group lines into chunks that each fit one section."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = truncate(raw, limit)
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        chunks.append("\n".join(current))
    return chunks


def text_reply(title: str, lines: Iterable[str] = (), footer: str | None = None) -> Reply:
    """A reply made of a title, lines packed into sections, and an optional footer."""
    blocks: list[Block] = [section(title)]
    body = list(lines)
    blocks.extend(section(chunk) for chunk in pack_lines(body))
    if footer:
        blocks.append(context(footer))
    if len(blocks) > MAX_BLOCKS:
        # Keep the footer visible and let the last kept section say that more was cut.
        blocks = [*blocks[: MAX_BLOCKS - 2], section("…"), blocks[-1]]
    fallback = "\n".join([title, *body])
    return Reply(text=truncate(fallback, MAX_FALLBACK_TEXT), blocks=blocks)
