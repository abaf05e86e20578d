"""Block Kit blocks the stand-in's tests post: a section of text and a row with one button."""

from __future__ import annotations

from typing import Any


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button_row(label: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "go",
                "value": "1",
                "text": {"type": "plain_text", "text": label},
            }
        ],
    }
