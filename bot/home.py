"""The App Home tab's view (a pure builder)."""

from __future__ import annotations

from typing import Any

from bot.blocks import context, divider, section
from bot.catalogue import Catalogue
from bot.knowledge import HELP_TOPICS


def home_view(company: str, cat: Catalogue) -> dict[str, Any]:
    """Build the home tab: what the bot is for and how to ask it things."""
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": cat.t("home.title")}},
        section(cat.t("home.intro", company=company)),
        divider(),
        section("\n".join(cat.t(f"help.{topic}") for topic in HELP_TOPICS)),
        context(cat.t("help.footer")),
    ]
    return {"type": "home", "blocks": blocks}
