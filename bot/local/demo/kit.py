"""The demo's toolkit: the people, the transcript printer and the moves a user makes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.local.harness import LocalBot
from bot.runtime.clock import ShiftedClock
from bot.ui.render import render_blocks, render_message

DEFAULTS = Path(__file__).resolve().parents[1] / "agreements"
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
NAMES.update({f"D{user}": name for user, name in list(NAMES.items())})
CHANNELS = {"C0HANDOFF": "handoffs", "C0STANDUP": "standup", "C0ESCALATE": "escalations"}
# Slack allows one message a second per channel; the demo spaces them a little tighter to
# keep the transcript short (the stand-in does not rate-limit it).
DEMO_PACE_SECONDS = 0.3
DEMO_MORNING = datetime.fromisoformat("2026-11-30T08:40:00-06:00")


DEMO_LEADS: list[dict[str, str]] = [
    {
        "external_id": "crm-1001",
        "name": "Marta Quintana",
        "company": "Óptica Sur",
        "email": "marta@opticasur.mx",
        "phone": "+52 55 1234 5678",
        "source": "webinar",
        "reason": "Downloaded 3 guides; fit and engagement score 72",
    },
    {
        "external_id": "crm-1002",
        "name": "Jorge Ibarra",
        "company": "Ferretería Norte",
        "email": "jorge@ferrenorte.mx",
        "phone": "+52 81 5555 0101",
        "source": "contact form",
        "reason": "Asked for a quote for 40 seats",
    },
    {
        "external_id": "crm-1003",
        "name": "Lucía Ferrer",
        "company": "Clínica Vida",
        "email": "lucia@clinicavida.mx",
        "source": "ebook",
        "reason": "Score 65; visited pricing twice",
    },
]


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


def slash(bot: LocalBot, show: Transcript, user: str, text: str) -> None:
    """Type /sla TEXT as a user and print the reply."""
    assert bot.slack is not None
    shown = text.replace("<@U0REP1|ana>", "@ana")
    show.typed(user, f"/sla {shown}".rstrip())
    result = bot.slack.slash_command(text, user_id=user)
    for reply in result.replies():
        show.reply("SLA Bot (only visible to you):", render_message(reply, NAMES))


def home(bot: LocalBot, show: Transcript, user: str) -> None:
    """Open the App Home tab as a user and print it."""
    assert bot.slack is not None
    print(f"\n@{NAMES[user]} opens the SLA Bot app's Home tab", file=show.out)
    before = len(bot.standin.calls("views.publish"))
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME"})
    bot.standin.wait_for(lambda s: len(s.calls("views.publish")) > before)
    view: dict[str, Any] = bot.standin.calls("views.publish")[-1].args["view"]
    show.reply("Home tab:", render_blocks(view["blocks"], NAMES))


class Feed:
    """Prints what Slack users see as the bot's messages arrive at the stand-in."""

    def __init__(self, bot: LocalBot, show: Transcript) -> None:
        self.bot = bot
        self.show = show
        self.seen = len(bot.standin.calls())

    def flush(self, timeout: float = 20.0) -> None:
        """Wait until the outbox owes nothing, then print every new call Slack received."""
        self.bot.wait_delivered(timeout)
        time.sleep(0.1)  # let answers to clicks (response_url) land too
        calls = self.bot.standin.calls()
        for call in calls[self.seen :]:
            self._print(call.method, call.args)
        self.seen = len(calls)

    def _print(self, method: str, args: dict[str, Any]) -> None:
        channel = str(args.get("channel", ""))
        where = (
            f"DM to @{NAMES.get(channel, channel)}"
            if channel.startswith(("U", "D"))
            else (f"#{CHANNELS.get(channel, channel)}")
        )
        if method == "chat.postMessage":
            place = f"{where}, in the lead's thread" if args.get("thread_ts") else where
            self.show.reply(f"[{place}] SLA Bot:", render_message(args, NAMES))
        elif method == "chat.update":
            self.show.reply(f"[{where}] SLA Bot updates its message:", render_message(args, NAMES))
        elif method == "response_url" and args.get("replace_original"):
            self.show.reply(
                "SLA Bot updates the message that was tapped:", render_message(args, NAMES)
            )
        elif method == "response_url":
            self.show.reply("SLA Bot (only visible to the clicker):", render_message(args, NAMES))


def api_handoff(bot: LocalBot, show: Transcript, fields: dict[str, str]) -> dict[str, Any]:
    """Send a handoff from the CRM and print the API's answer."""
    body = json.dumps(fields, ensure_ascii=False)
    print(f"\nThe CRM sends POST /api/handoffs {body}", file=show.out)
    status, answer = bot.api("/api/handoffs", fields)
    print(f"  -> {status} {json.dumps(answer, ensure_ascii=False)}", file=show.out)
    return answer


def click_claim(bot: LocalBot, show: Transcript, users: list[str], lead: int) -> None:
    """Click Claim as one or several users at once; wait for their answers."""
    assert bot.slack is not None
    message = next(
        m
        for m in bot.standin.messages(
            bot.bot.deps.agreement.slack.handoff_channel if bot.bot else ""
        )
        if f'"value": "{lead}"' in json.dumps(m.get("blocks") or [])
    )
    names = " and ".join(f"@{NAMES[u]}" for u in users)
    together = " at the same moment" if len(users) > 1 else ""
    print(
        f"\n{names} click{'' if len(users) > 1 else 's'} Claim on L-{lead}{together}", file=show.out
    )
    urls: list[str | None] = []

    def click(user: str) -> None:
        assert bot.slack is not None
        result = bot.slack.block_action(
            "claim_lead", str(lead), user, channel_id=message["channel"], message_ts=message["ts"]
        )
        urls.append(result.response_url)

    threads = [threading.Thread(target=click, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each clicker's answer comes once the claim is stored: wait for them before moving on.
    bot.standin.wait_for(lambda s: all(s.responses(url) for url in urls))


def fast_ladder(agreement: Path, folder: Path) -> Path:
    """The agreement with its response clock compressed to seconds, so the ladder shows."""
    data = yaml.safe_load(agreement.read_text(encoding="utf-8"))
    data["response"] = {
        "first_touch_within": "3s",
        "clock": "always",
        "escalation": [
            {"after": "1s", "notify": "owner"},
            {"after": "3s", "notify": "channel"},
            {"after": "5s", "notify": "managers"},
            {"after": "7s", "reassign": True},
        ],
    }
    path = folder / "fast-ladder.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def tap(bot: LocalBot, show: Transcript, user: str, label: str) -> None:
    """Tap a button in the user's latest DM that has it; wait for the answer."""
    assert bot.slack is not None
    # Reminders without buttons may have arrived since: look back for the one to tap.
    dm, button = next(
        (message, element)
        for message in reversed(bot.standin.messages(f"D{user}"))
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("text", {}).get("text") == label
    )
    print(f"\n@{NAMES[user]} taps “{label}” in the DM", file=show.out)
    bot.slack.block_action(
        button["action_id"], button["value"], user, channel_id=dm["channel"], message_ts=dm["ts"]
    )


def session(
    path: Path,
    show: Transcript,
    steps: Callable[[LocalBot, Transcript], None],
    extra_env: dict[str, str] | None = None,
) -> None:
    """Run steps against a fresh bot on an agreement, with the example's people."""
    # A fixed Monday morning, before the standup's time: the transcript reads the same
    # whenever the demo runs.
    clock = ShiftedClock(DEMO_MORNING)
    with LocalBot(path, pace_seconds=DEMO_PACE_SECONDS, extra_env=extra_env, clock=clock) as bot:
        for user, (name, real_name) in PEOPLE.items():
            bot.standin.add_user(user, name, real_name=real_name)
        steps(bot, show)
