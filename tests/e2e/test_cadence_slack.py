"""The cadence in Slack: nudge DMs and their controls, /sla mine, /sla away and /sla back."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.local.harness import LocalBot
from bot.runtime.clock import utc_now
from bot.ui.render import render_message
from storage.models import Lead
from tests.helpers import drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES


def always(tmp_path: Path) -> Path:
    # Wall-clock time, so that the nudges' business-hours check passes whenever CI runs.
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["response"]["clock"] = "always"
    path = tmp_path / "always.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.fixture
def bot(standin, tmp_path: Path):
    with LocalBot(always(tmp_path), standin=standin, pace_seconds=0.05, ticker=False) as running:
        yield running


def weekend_clock() -> Callable[[], datetime]:
    """The wall clock moved to a Saturday noon in the agreement's zone, still ticking."""
    started = utc_now()
    saturday = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City
    return lambda: saturday + (utc_now() - started)


@pytest.fixture
def weekend_bot(standin, tmp_path: Path):
    # The cadence's day-0 steps are due in business hours: on a weekday between 09:00 and 18:00
    # a touch logged now makes the next one due at once, off hours at the next opening. The
    # order /sla mine shows depends on that, so the test runs at one known moment.
    with LocalBot(
        always(tmp_path), standin=standin, clock=weekend_clock(), pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def wait_answer(bot: LocalBot, result) -> dict:
    bot.standin.wait_for(lambda s: s.responses(result.response_url))
    return bot.standin.responses(result.response_url)[-1]


def claim_and_first_touch(bot: LocalBot, rep: str = "U0REP1", **fields) -> int:
    lead = lead_number(hand_off(bot, **fields))
    message = next(m for m in wait_announced(bot, 1) if str(lead) in str(m["blocks"]))
    wait_answer(
        bot,
        bot.slack.block_action(
            "claim_lead", str(lead), rep, channel_id="C0HANDOFF", message_ts=message["ts"]
        ),
    )
    drain(bot)
    dm = bot.standin.messages(f"D{rep}")[-1]
    wait_answer(bot, press(bot, dm, "Call: no answer", rep))
    drain(bot)
    return lead


def press(bot: LocalBot, dm: dict, label: str, user: str = "U0REP1"):
    for block in dm["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["type"] == "button" and element["text"]["text"] == label:
                return bot.slack.block_action(
                    element["action_id"],
                    element["value"],
                    user,
                    channel_id=dm["channel"],
                    message_ts=dm["ts"],
                    block_id=block.get("block_id"),
                )
    raise AssertionError(f"no button {label!r}")


def make_due(bot: LocalBot, lead: int) -> dict:
    """Bring the lead's next nudge due now, tick, and return the nudge DM."""
    with bot.bot.deps.database.unit_of_work() as session:
        row = session.get(Lead, lead)
        row.cadence_due_at = datetime.now(UTC) - timedelta(seconds=1)
        owner = row.owner_id
    before = len(bot.standin.messages(f"D{owner}"))
    assert bot.bot.tick_now() >= 1
    drain(bot)
    messages = bot.standin.messages(f"D{owner}")
    assert len(messages) == before + 1
    return messages[-1]


def step_of(bot: LocalBot, lead: int) -> int | None:
    with bot.bot.deps.database.reading() as session:
        return session.get(Lead, lead).cadence_step


def test_a_nudge_dm_names_the_touch_and_logs_with_one_tap(bot: LocalBot) -> None:
    lead = claim_and_first_touch(bot)
    nudge = make_due(bot, lead)
    text = render_message(nudge)
    assert "Touch 2 of 12: email Marta Quintana (Óptica Sur) · L-1" in text
    assert "marta@opticasur.mx" in text
    assert "call: no answer" in text  # what happened so far
    labels = [
        e.get("text", {}).get("text")
        for b in nudge["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels[:3] == ["Email sent", "Meeting booked", "Won"]
    answer = wait_answer(bot, press(bot, nudge, "Email sent"))
    assert "Logged on *L-1*: an email: email sent." in answer["text"]
    assert step_of(bot, lead) == 3
    stale = wait_answer(bot, press(bot, nudge, "Email sent"))
    assert "That button is out of date: *L-1* is now on touch 3 (a call)" in stale["text"]


def test_skip_from_the_nudge(bot: LocalBot) -> None:
    lead = claim_and_first_touch(bot)
    nudge = make_due(bot, lead)
    answer = wait_answer(bot, press(bot, nudge, "Skip this touch"))
    assert answer["text"] == "Skipped touch 2 on *L-1*."
    assert step_of(bot, lead) == 3


def test_snooze_in_the_past_is_refused_with_the_reason(bot: LocalBot) -> None:
    lead = claim_and_first_touch(bot)
    nudge = make_due(bot, lead)
    past = int(time.time()) - 3600
    result = bot.slack.block_action(
        "cadence_snooze",
        "",
        "U0REP1",
        channel_id=nudge["channel"],
        message_ts=nudge["ts"],
        element={
            "type": "datetimepicker",
            "block_id": f"step-{lead}-2",
            "selected_date_time": past,
        },
    )
    assert "That time has already passed" in wait_answer(bot, result)["text"]
    assert step_of(bot, lead) == 2


def test_disqualify_from_the_nudge_tells_marketing_why(bot: LocalBot) -> None:
    lead = claim_and_first_touch(bot)
    nudge = make_due(bot, lead)
    result = bot.slack.block_action(
        "cadence_disqualify",
        "",
        "U0REP1",
        channel_id=nudge["channel"],
        message_ts=nudge["ts"],
        element={
            "type": "static_select",
            "block_id": f"step-{lead}-2",
            "selected_option": {"value": "no_budget"},
        },
    )
    wait_answer(bot, result)
    drain(bot)
    with bot.bot.deps.database.reading() as session:
        row = session.scalar(select(Lead))
        assert (row.status, row.close_reason) == ("disqualified", "no_budget")
    notes = [m["text"] for m in bot.standin.messages("C0HANDOFF") if m.get("thread_ts")]
    assert any("Reason for Marketing: *No budget*" in note for note in notes)
    # The menu's code is a word for people everywhere: the thread's touch note and the story.
    assert not any("no_budget" in note for note in notes), notes
    story = ask(bot, f"lead L-{lead}")
    assert "(reason: No budget)" in story and "no_budget" not in story


def ask(bot: LocalBot, text: str, user: str = "U0REP1") -> str:
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def test_mine_lists_open_leads_overdue_first(weekend_bot: LocalBot) -> None:
    bot = weekend_bot
    first = claim_and_first_touch(bot)
    with bot.bot.deps.database.unit_of_work() as session:
        session.get(Lead, first).cadence_due_at = bot.clock() + timedelta(hours=3)
    second = lead_number(
        hand_off(
            bot,
            external_id="crm-2",
            email="j@example.com",
            name="Jorge Ibarra",
            handed_off_at="2026-11-20T10:00:00-06:00",
        )
    )
    message = next(m for m in wait_announced(bot, 1) if str(second) in str(m["blocks"]))
    wait_answer(
        bot,
        bot.slack.block_action(
            "claim_lead", str(second), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        ),
    )
    answer = ask(bot, "mine")
    assert answer.startswith("Your open leads (2)")
    lines = answer.splitlines()
    # L-2 came back-dated, but its SLA clock started when the bot received it; L-1 shows its
    # touch's own due time (not the next reminder moved three hours on), so it sorts after.
    assert "L-2 Jorge Ibarra: first touch, due" in lines[1]
    assert "L-1 Marta Quintana: touch 2 of 12 (an email), due" in lines[2]
    assert ask(bot, "mine", "U0REP3").startswith("You have no open leads")


def test_away_and_back(bot: LocalBot) -> None:
    claim_and_first_touch(bot)
    assert "You are away through Jan 31, 2099" in ask(bot, "away until 2099-01-31")
    assert "Write the last day away as YYYY-MM-DD" in ask(bot, "away until friday")
    assert "That day has already passed" in ask(bot, "away until 2001-01-01")
    assert "Welcome back" in ask(bot, "back")
    assert ask(bot, "back") == "You are not marked away."
    story = ask(bot, "lead L-1", "U0MANAGER1")
    assert "paused" in story and "resumed" in story
