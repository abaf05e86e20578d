"""The demo's cadence part: 12 touches on a compressed calendar, a stop, a rep away."""

from __future__ import annotations

from datetime import datetime

from bot.local.demo.kit import (
    DEMO_LEADS,
    NAMES,
    PEOPLE,
    Transcript,
    api_handoff,
    click_claim,
    slash,
)
from bot.local.harness import LocalBot
from bot.runtime.clock import ShiftedClock
from bot.ui.render import render_blocks
from storage.models import Lead

# A Monday morning in Mexico City: the calendar then jumps from one due touch to the next.
START = datetime.fromisoformat("2026-11-30T10:00:00-06:00")
OUTCOME_FOR = {"call": "No answer", "voicemail": "Left voicemail", "email": "Email sent"}


def _settle(bot: LocalBot) -> None:
    bot.wait_delivered()


def _due(bot: LocalBot, lead: int) -> tuple[datetime | None, int | None, str]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        row = session.get(Lead, lead)
        assert row is not None
        return row.cadence_due_at, row.cadence_step, row.status


def _press(bot: LocalBot, user: str, label: str) -> None:
    assert bot.slack is not None
    dm = bot.standin.messages(f"D{user}")[-1]
    for block in dm["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["type"] == "button" and element["text"]["text"] == label:
                result = bot.slack.block_action(
                    element["action_id"],
                    element["value"],
                    user,
                    channel_id=dm["channel"],
                    message_ts=dm["ts"],
                )
                url = result.response_url
                bot.standin.wait_for(lambda s, url=url: s.responses(url))
                _settle(bot)
                return
    raise LookupError(label)


def _first_line(bot: LocalBot, user: str) -> str:
    dm = bot.standin.messages(f"D{user}")[-1]
    return render_blocks(dm["blocks"][:1], NAMES).splitlines()[0]


def _walk(
    bot: LocalBot,
    show: Transcript,
    clock: ShiftedClock,
    lead: int,
    user: str,
    stop_at: int | None = None,
) -> None:
    """Jump to each due touch, show the nudge, tap an outcome; stop early if asked."""
    assert bot.bot is not None
    zone = bot.bot.deps.agreement.zone
    kinds = [t.kind for t in bot.bot.deps.agreement.cadence.touches]
    while True:
        due, step, status = _due(bot, lead)
        if due is None or step is None:
            print(f"  (L-{lead} is now {status})", file=show.out)
            return
        clock.jump_to(due)
        bot.bot.tick_now()
        _settle(bot)
        label = "Connected" if step == stop_at else OUTCOME_FOR[kinds[step - 1]]
        when = bot.bot.deps.catalogue.date_time(due.astimezone(zone))
        print(f"  {when}  DM to @{NAMES[user]}: {_first_line(bot, user)}", file=show.out)
        print(f"  {' ' * len(when)}  @{NAMES[user]} taps “{label}”", file=show.out)
        _press(bot, user, label)


def _thread_notes(bot: LocalBot, show: Transcript, lead: int) -> None:
    notes = [m for m in bot.standin.messages("C0HANDOFF") if m.get("thread_ts")]
    for note in notes:
        if f"L-{lead}*" in note["text"] and ("Cadence" in note["text"] or "closed" in note["text"]):
            show.reply(
                "[#handoffs, in the lead's thread] SLA Bot:", render_blocks(note["blocks"], NAMES)
            )


def cadence(path_to_agreement: object, show: Transcript) -> None:
    """Walk a lead through 12 touches, stop one at 'connected', pause a rep who is away."""
    clock = ShiftedClock(START)
    # The calendar jumps days at a time: a tighter pacing keeps the transcript quick.
    with LocalBot(str(path_to_agreement), pace_seconds=0.05, clock=clock, background=False) as bot:
        assert bot.bot is not None
        bot.bot.outbox.start()  # deliver, but tick only when the calendar jumps
        for user, (name, real_name) in PEOPLE.items():
            bot.standin.add_user(user, name, real_name=real_name)
        show.heading("The 12-touch cadence on a compressed calendar (from Mon 30 Nov, 10:00)")
        walked = int(api_handoff(bot, show, DEMO_LEADS[0])["id"].removeprefix("L-"))
        _settle(bot)
        click_claim(bot, show, ["U0REP3"], walked)
        _settle(bot)
        print(
            "\n@sofia logs the first touch from the claim DM, then follows the nudges:",
            file=show.out,
        )
        _press(bot, "U0REP3", "Call: no answer")
        _walk(bot, show, clock, walked, "U0REP3")
        _thread_notes(bot, show, walked)
        slash(bot, show, "U0MANAGER1", f"lead L-{walked}")

        show.heading("A lead stopped by “connected”, and a rep away")
        stopped = int(api_handoff(bot, show, DEMO_LEADS[1])["id"].removeprefix("L-"))
        _settle(bot)
        click_claim(bot, show, ["U0REP2"], stopped)
        _settle(bot)
        _press(bot, "U0REP2", "Call: no answer")
        _walk(bot, show, clock, stopped, "U0REP2", stop_at=3)
        _thread_notes(bot, show, stopped)
        away = int(api_handoff(bot, show, DEMO_LEADS[2])["id"].removeprefix("L-"))
        _settle(bot)
        click_claim(bot, show, ["U0REP1"], away)
        _settle(bot)
        _press(bot, "U0REP1", "Call: left voicemail")
        slash(bot, show, "U0REP1", "away until 2026-12-31")
        due, _, _ = _due(bot, away)
        assert due is not None
        clock.jump_to(due)
        bot.bot.tick_now()
        _settle(bot)
        print(
            f"\nThe next touch on L-{away} falls due: no nudge goes to @ana while she is away.",
            file=show.out,
        )
        slash(bot, show, "U0REP1", "back")
        slash(bot, show, "U0REP1", "mine")
        slash(bot, show, "U0MANAGER1", f"lead L-{away}")
