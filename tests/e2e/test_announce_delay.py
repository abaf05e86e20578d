"""The system's share of the wait: how long Slack took to show a lead, kept apart from the reps'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.goals.reports import Reports
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.render import render_blocks
from sla_rules.periods import Period, parse_period
from storage import leads as repo
from storage.models import Lead
from tests.helpers import announcements, hand_off, lead_number
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
# Wednesday 25 November 2026, 10:00 in Mexico City: business hours.
START = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


class StepClock:
    """Stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def today(reports: Reports) -> Period:
    found = parse_period("today", reports.today(), reports.zone)
    assert found is not None
    return found


def stepped_bot(standin: SlackStandIn, tmp_path: Path, clock: StepClock) -> LocalBot:
    """The bot on a clock the test moves; the outbox delivers only when the test says."""
    return LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=f"sqlite:///{tmp_path / 'delay.db'}",
        clock=clock,
        background=False,
        ticker=False,
        pace_seconds=0.0,
    )


def announce_seconds(bot: LocalBot) -> dict[int, int | None]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return dict(session.execute(select(Lead.id, Lead.announce_seconds)).all())


def test_a_late_announcement_is_counted_as_the_systems_delay(standin, tmp_path: Path) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        assert bot.bot is not None
        late = lead_number(hand_off(bot, external_id="late", email="late@example.com"))
        clock.now += timedelta(seconds=95)  # Slack was unreachable meanwhile
        prompt = lead_number(hand_off(bot, external_id="prompt", email="prompt@example.com"))
        assert bot.bot.outbox.deliver_once() == 1  # both in one digest
        assert announce_seconds(bot) == {late: 95, prompt: 0}
        # Announced again later (a reassignment): the first wait is the one that counts.
        with bot.bot.deps.database.unit_of_work() as session:
            repo.note_first_announcement(session, [late, prompt], clock.now + timedelta(hours=1))
        assert announce_seconds(bot) == {late: 95, prompt: 0}

        reports = bot.bot.cases.reports
        full = reports.command("speed today").text.splitlines()
        assert (
            "Time for the bot and Slack to announce them: median 0s · p90 1m 35s"
            " (wall clock, counted against nobody)"
        ) in full
        compact = reports.speed_lines(reports.speed(today(reports)), compact=True)
        assert compact[-1] == (
            ":warning: Announcements reached Slack late (p90 1m 35s after the bot received the"
            " leads): the system's delay, not the reps'"
        )


def test_prompt_announcements_add_no_warning_to_the_standup(standin, tmp_path: Path) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        assert bot.bot is not None
        lead = lead_number(hand_off(bot))
        clock.now += timedelta(seconds=2)
        assert bot.bot.outbox.deliver_once() == 1
        assert announce_seconds(bot) == {lead: 2}
        reports = bot.bot.cases.reports
        compact = reports.speed_lines(reports.speed(today(reports)), compact=True)
        assert not any("late" in line for line in compact)
        assert any(
            "median 2s · p90 2s" in line for line in reports.command("speed").text.split("\n")
        )


def claim_and_redraw(bot: LocalBot, clock: StepClock, wait: int, claim_after: int) -> str:
    """Hand a lead off, let Slack take `wait` s to show it, claim it; the announcement's text."""
    assert bot.bot is not None
    lead = lead_number(hand_off(bot))
    clock.now += timedelta(seconds=wait)
    assert bot.bot.outbox.deliver_once() == 1
    clock.now += timedelta(seconds=claim_after)
    assert bot.bot.cases.claims.claim(lead, "U0REP1").outcome == "claimed"
    while bot.bot.outbox.deliver_once():  # the redraw, the thread root, the owner's DM
        clock.now += timedelta(seconds=1)
    (message,) = announcements(bot)
    return render_blocks(message["blocks"], {})


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (95, "Claimed by @U0REP1 after 2m 5s (1m 35s of it waiting for Slack to show the lead)"),
        (20, "Claimed by @U0REP1 after 50s"),  # a short wait is not worth a word
    ],
)
def test_the_claim_notice_says_how_much_of_the_wait_was_slacks(
    standin, tmp_path: Path, wait: int, expected: str
) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        text = claim_and_redraw(bot, clock, wait, claim_after=30)
    assert expected in text
    assert ("waiting for Slack" in text) == (wait >= 60)
