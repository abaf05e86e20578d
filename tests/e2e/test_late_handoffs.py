"""Back-dated handoffs (a CRM replay, an import): announced first, marked late, no alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.render import render_message
from tests.e2e.test_announce_delay import StepClock
from tests.helpers import announcements, hand_off, lead_number
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
# Wednesday 25 November 2026, 10:00 in Mexico City: business hours.
START = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
TWO_HOURS_AGO = "2026-11-25T08:00:00-06:00"


def stepped_bot(standin: SlackStandIn, tmp_path: Path, clock: StepClock) -> LocalBot:
    return LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=f"sqlite:///{tmp_path / 'late.db'}",
        clock=clock,
        background=False,
        ticker=False,
        pace_seconds=0.0,
    )


def deliver_all(bot: LocalBot, clock: StepClock) -> None:
    """Deliver what is owed, letting the clock on past the second a late note waits for."""
    assert bot.bot is not None
    for _ in range(2):
        while bot.bot.outbox.deliver_once():
            pass
        # A managers' note waits (one second at a time) until its leads are announced.
        clock.now += timedelta(seconds=1)


def test_a_lead_handed_off_two_hours_ago_is_announced_first_and_late(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        assert bot.bot is not None
        slack = bot.bot.deps.agreement.slack
        answer = hand_off(bot, handed_off_at=TWO_HOURS_AGO)
        # The SLA clock starts at receipt: the first touch is due five minutes from now.
        assert answer["respond_by"] == "2026-11-25T10:05:00-06:00", answer
        assert bot.bot.cases.sweeper.tick() == 0  # no reminder, breach or managers' DM
        deliver_all(bot, clock)
        [announcement] = announcements(bot)
        shown = render_message(announcement)
        assert "Arrived 2h after its handoff" in shown, shown
        assert standin.messages(slack.escalation_channel_id) == []
        for manager in slack.managers:  # told once, after the announcement
            [note] = standin.messages(f"D{manager}")
            assert "1 lead reached the bot late (up to 2h after its handoff)" in note["text"]
            assert float(note["ts"]) > float(announcement["ts"])

        # The ladder runs on from its first step, after the announcement, in its thread.
        clock.now = START + timedelta(minutes=2)
        assert bot.bot.cases.sweeper.tick() == 1
        deliver_all(bot, clock)
        thread = [m for m in standin.messages("C0HANDOFF") if m.get("thread_ts")]
        assert len(thread) == 1, thread
        assert thread and all(m["thread_ts"] == announcement["ts"] for m in thread)
        assert all(float(m["ts"]) > float(announcement["ts"]) for m in thread)
        assert standin.messages(slack.escalation_channel_id) == []

        story = bot.bot.cases.stories.story(answer["id"]).text
        assert "reached the bot 2h after the handoff" in story, story


def test_fifty_late_leads_give_each_manager_one_note(standin: SlackStandIn, tmp_path: Path) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        assert bot.bot is not None
        managers = bot.bot.deps.agreement.slack.managers
        ids = [
            lead_number(
                hand_off(
                    bot,
                    external_id=f"replay-{n}",
                    email=f"lead{n}@example.com",
                    handed_off_at=TWO_HOURS_AGO,
                )
            )
            for n in range(50)
        ]
        deliver_all(bot, clock)
        for manager in managers:
            [note] = standin.messages(f"D{manager}")
            text = render_message(note)
            assert "50 leads reached the bot late (up to 2h after their handoff)" in text, text
            assert all(f"L-{n}" in text for n in ids)
        assert bot.bot.cases.sweeper.tick() == 0
