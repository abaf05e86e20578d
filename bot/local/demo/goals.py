"""The demo's goals part: a simulated month to date, the standup post, its chart on disk."""

from __future__ import annotations

import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.local.demo.kit import NAMES, PEOPLE, Transcript, slash
from bot.local.harness import LocalBot
from bot.runtime.clock import ShiftedClock
from bot.ui.render import render_blocks

# Friday 27 November 2026, just before the 09:00 standup, in Mexico City.
MORNING = datetime.fromisoformat("2026-11-27T08:50:00-06:00")
STANDUP = datetime.fromisoformat("2026-11-27T09:00:00-06:00")
REPS = ("U0REP1", "U0REP2", "U0REP3")


def _settle(bot: LocalBot, timeout: float = 60) -> None:
    bot.wait_delivered(timeout)


def _simulate_month(bot: LocalBot, clock: ShiftedClock, today: date) -> None:
    """Visits reported daily, leads handed off and worked, some won: November so far."""
    assert bot.bot is not None
    cases = bot.bot.cases
    business = cases.goals.business
    chance = random.Random(27)  # the same month every run
    day = today.replace(day=1)
    number = 0
    while day < today:
        if business.is_business_day(day):
            starts = sorted(chance.randint(9 * 60, 17 * 60) for _ in range(chance.randint(9, 14)))
            for minute in starts:
                number += 1
                # The calendar runs through the day: each lead handed off, claimed, called.
                clock.jump_to(_at(day, minute))
                lead = cases.handoffs.hand_off(
                    HandoffIn(
                        external_id=f"sim-{number}",
                        name=f"Lead {number}",
                        source=chance.choice(("webinar", "ebook", "contact form")),
                    ),
                    via="api",
                    by="U0MKT2",
                ).lead
                # Announced before the calendar moves on, as the live bot would have done.
                _settle(bot)
                rep = chance.choice(REPS)
                clock.jump_to(_at(day, minute, seconds=chance.randint(30, 150)))
                cases.claims.claim(lead.id, rep)
                clock.jump_to(_at(day, minute, seconds=chance.randint(160, 600)))
                outcome = "won" if chance.random() < 0.06 else "no_answer"
                cases.touches.log(TouchRequest(lead.id, "call", outcome, rep))
            # The day's visits come from analytics at its end (a count for a day not yet
            # begun would be refused).
            visits = chance.randint(95, 140)
            cases.goals.record("visits", visits, day.isoformat(), "set", "U0MKT1")
        day += timedelta(days=1)


def _at(day: date, minute: int, seconds: int = 0) -> datetime:
    start = datetime.combine(day, datetime.min.time(), MORNING.tzinfo)
    return start + timedelta(minutes=minute, seconds=seconds)


def goals_demo(agreement: Path, show: Transcript, database_url: str | None = None) -> None:
    """Simulate the month, post the standup at 09:00, save the chart and print its path.

    The month is kept in a temporary database unless `database_url` names one to keep.
    """
    clock = ShiftedClock(MORNING.replace(day=1, hour=0, minute=0))
    # The past month's messages need no pacing: the stand-in takes them as fast as they come.
    with LocalBot(
        agreement, pace_seconds=0.001, clock=clock, ticker=False, database_url=database_url
    ) as bot:
        assert bot.bot is not None
        for user, (name, real_name) in PEOPLE.items():
            bot.standin.add_user(user, name, real_name=real_name)
        show.heading("Goals: November so far (simulated), then the 09:00 standup")
        print(
            "\nThe month so far: visits reported every day, about a dozen handoffs a day, "
            "each claimed and called, some won.",
            file=show.out,
        )
        _simulate_month(bot, clock, MORNING.date())
        _settle(bot)
        clock.jump_to(MORNING)
        seen = len(bot.standin.messages("C0STANDUP"))
        clock.jump_to(STANDUP)
        bot.bot.tick_now()
        _settle(bot)
        for message in bot.standin.messages("C0STANDUP")[seen:]:
            if message.get("files"):
                continue
            where = "in the standup's thread" if message.get("thread_ts") else "#standup"
            show.reply(f"[{where}] SLA Bot:", render_blocks(message["blocks"], NAMES))
        files = bot.standin.files()
        if files:
            folder = Path(tempfile.mkdtemp(prefix="sla-bot-chart-"))
            path = folder / str(files[-1].get("filename") or "burn-up.png")
            path.write_bytes(bytes(files[-1]["content"]))
            print(f"\nThe burn-up chart posted in the thread is saved at {path}", file=show.out)
        slash(bot, show, "U0MANAGER1", "calc")
        slash(bot, show, "U0MANAGER1", "report speed month")
