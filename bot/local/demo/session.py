"""`sla-bot demo`: the real bot against the local Slack stand-in, printed as a user would see it."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from bot.local.demo.cadence import cadence
from bot.local.demo.crm import hubspot_demo
from bot.local.demo.goals import goals_demo
from bot.local.demo.kit import (
    DEMO_LEADS,
    ENGLISH_EXAMPLE,
    SPANISH_EXAMPLE,
    Feed,
    Transcript,
    api_handoff,
    click_claim,
    fast_ladder,
    home,
    session,
    slash,
    tap,
)
from bot.local.harness import LocalBot


def knowledge(bot: LocalBot, show: Transcript) -> None:
    """Help, the glossary (with a near miss), owners, the agreement and the Home tab."""
    show.heading(f"Asking the agreement ({Path(bot.agreement_path).name})")
    for user, text in (
        ("U0REP1", ""),
        ("U0MKT1", "glossary"),
        ("U0MKT1", "glossary mql"),
        ("U0REP2", "glossary leed"),
        ("U0REP2", "owners"),
        ("U0MANAGER1", "owners marketing"),
        ("U0MANAGER1", "owners <@U0REP1|ana>"),
        ("U0REP3", "owners crm"),
        ("U0MANAGER1", "agreement"),
        ("U0REP3", "dance"),
    ):
        slash(bot, show, user, text)
    home(bot, show, "U0REP1")


def handoffs(bot: LocalBot, show: Transcript) -> None:
    """Three handoffs, a two-rep claim race, a duplicate, a burst of 30 as digests."""
    show.heading("Marketing hands off leads; Sales claims them")
    feed = Feed(bot, show)
    first = api_handoff(bot, show, DEMO_LEADS[0])
    feed.flush()
    for fields in DEMO_LEADS[1:]:
        api_handoff(bot, show, fields)
    feed.flush()
    click_claim(bot, show, ["U0REP1", "U0REP2"], int(first["id"].removeprefix("L-")))
    feed.flush()
    print("\nThe CRM sends the same lead again (a form submitted twice):", file=show.out)
    api_handoff(bot, show, {**DEMO_LEADS[0], "external_id": "crm-9001", "source": "pricing page"})
    feed.flush()
    show.heading("A webinar import: 30 leads at once become digests, not a flood")
    for n in range(30):
        lead = {
            "external_id": f"webinar-{n}",
            "name": f"Webinar attendee {n + 1}",
            "company": f"Company {n + 1}",
            "email": f"attendee{n}@example.com",
            "source": "webinar",
        }
        bot.api("/api/handoffs", lead)
    feed.flush(timeout=40)
    slash(bot, show, "U0MANAGER1", "lead L-1")


def ladder(bot: LocalBot, show: Transcript) -> None:
    """A lead touched in time (its clock stops) and one nobody touches (the whole ladder)."""
    show.heading("The response clock (compressed: a 3-second SLA, a ladder of seconds)")
    feed = Feed(bot, show)
    touched = api_handoff(bot, show, DEMO_LEADS[1])
    feed.flush()
    click_claim(bot, show, ["U0REP2"], int(touched["id"].removeprefix("L-")))
    feed.flush()
    tap(bot, show, "U0REP2", "Call: connected")
    feed.flush()
    print("\nNobody touches the next lead: watch the ladder climb.", file=show.out)
    api_handoff(bot, show, DEMO_LEADS[2])
    feed.flush()
    deadline = time.monotonic() + 9
    while time.monotonic() < deadline:
        time.sleep(0.5)
        feed.flush()
    slash(bot, show, "U0MANAGER1", "lead L-1")
    slash(bot, show, "U0MANAGER1", "lead L-2")


def spanish(bot: LocalBot, show: Transcript) -> None:
    """The Spanish agreement answers in Spanish."""
    show.heading(f"Lo mismo en español ({SPANISH_EXAMPLE.name})")
    slash(bot, show, "U0MKT2", "glosario contactos")
    slash(bot, show, "U0REP1", "responsables ventas")


def run_demo(agreement_path: str | None = None, out: TextIO | None = None) -> int:
    """Play the scripted session and print it; return the exit code."""
    show = Transcript(out or sys.stdout)
    started = time.monotonic()
    english = Path(agreement_path) if agreement_path else ENGLISH_EXAMPLE
    session(english, show, knowledge)
    session(english, show, handoffs)
    with tempfile.TemporaryDirectory(prefix="sla-demo-") as folder:
        fast = fast_ladder(english, Path(folder))
        session(fast, show, ladder, extra_env={"SLA_TICK_SECONDS": "0.3"})
    hubspot_demo(english, show)
    cadence(english, show)
    goals_demo(english, show)
    if agreement_path is None:
        session(SPANISH_EXAMPLE, show, spanish)
    print(f"\nDemo finished in {time.monotonic() - started:.1f} s.", file=show.out)
    return 0
