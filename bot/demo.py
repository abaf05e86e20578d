"""`sla-bot demo`: the real bot against the local Slack stand-in, printed as a user would see it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.harness import LocalBot
from bot.render import render_blocks, render_message

DEFAULTS = Path(__file__).resolve().parent / "defaults"
ENGLISH_EXAMPLE = DEFAULTS / "agreement.en.yaml"
SPANISH_EXAMPLE = DEFAULTS / "acuerdo.es.yaml"

# The people of the example agreement, so that mentions print as names.
PEOPLE: dict[str, tuple[str, str]] = {
    "U0MANAGER1": ("maria", "María Ortega"),
    "U0REP1": ("ana", "Ana Ruiz"),
    "U0REP2": ("luis", "Luis Paredes"),
    "U0REP3": ("sofia", "Sofía Lema"),
    "U0MKT1": ("carla", "Carla Núñez"),
    "U0MKT2": ("diego", "Diego Campos"),
}
NAMES = {user: name for user, (name, _) in PEOPLE.items()}


class Transcript:
    """Prints each step of the session the way a Slack user would read it."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def heading(self, text: str) -> None:
        """Start a new part of the session."""
        print(f"\n=== {text} ===", file=self.out)

    def typed(self, user: str, text: str) -> None:
        """Show what a user typed."""
        print(f"\n@{NAMES.get(user, user)} types: {text}", file=self.out)

    def reply(self, header: str, body: str) -> None:
        """Show what the bot answered, indented under its header."""
        print(f"  {header}", file=self.out)
        for line in body.splitlines():
            print(f"    {line}" if line else "", file=self.out)


def _slash(bot: LocalBot, show: Transcript, user: str, text: str) -> None:
    assert bot.slack is not None
    shown = text.replace("<@U0REP1|ana>", "@ana")
    show.typed(user, f"/sla {shown}".rstrip())
    result = bot.slack.slash_command(text, user_id=user)
    for reply in result.replies():
        show.reply("SLA Bot (only visible to you):", render_message(reply, NAMES))


def _home(bot: LocalBot, show: Transcript, user: str) -> None:
    assert bot.slack is not None
    print(f"\n@{NAMES[user]} opens the SLA Bot app's Home tab", file=show.out)
    before = len(bot.standin.calls("views.publish"))
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME"})
    bot.standin.wait_for(lambda s: len(s.calls("views.publish")) > before)
    view: dict[str, Any] = bot.standin.calls("views.publish")[-1].args["view"]
    show.reply("Home tab:", render_blocks(view["blocks"], NAMES))


def _session(path: Path, show: Transcript, steps: Callable[[LocalBot], None]) -> None:
    with LocalBot(path) as bot:
        for user, (name, real_name) in PEOPLE.items():
            bot.standin.add_user(user, name, real_name=real_name)
        steps(bot)


def run_demo(agreement_path: str | None = None, out: TextIO | None = None) -> int:
    """Play the scripted session and print it; return the exit code."""
    show = Transcript(out or sys.stdout)
    started = time.monotonic()
    english = Path(agreement_path) if agreement_path else ENGLISH_EXAMPLE

    def knowledge(bot: LocalBot) -> None:
        show.heading(f"Asking the agreement ({english.name})")
        _slash(bot, show, "U0REP1", "")
        _slash(bot, show, "U0MKT1", "glossary")
        _slash(bot, show, "U0MKT1", "glossary mql")
        _slash(bot, show, "U0REP2", "glossary leed")
        _slash(bot, show, "U0REP2", "owners")
        _slash(bot, show, "U0MANAGER1", "owners marketing")
        _slash(bot, show, "U0MANAGER1", "owners <@U0REP1|ana>")
        _slash(bot, show, "U0REP3", "owners crm")
        _slash(bot, show, "U0MANAGER1", "agreement")
        _slash(bot, show, "U0REP3", "dance")
        _home(bot, show, "U0REP1")

    def spanish(bot: LocalBot) -> None:
        show.heading(f"Lo mismo en español ({SPANISH_EXAMPLE.name})")
        _slash(bot, show, "U0MKT2", "glosario contactos")
        _slash(bot, show, "U0REP1", "responsables ventas")

    _session(english, show, knowledge)
    if agreement_path is None:
        _session(SPANISH_EXAMPLE, show, spanish)
    print(f"\nDemo finished in {time.monotonic() - started:.1f} s.", file=show.out)
    return 0
