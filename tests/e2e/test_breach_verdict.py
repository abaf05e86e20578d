"""One breach rule wherever a lead's lateness shows: its card, its thread, /sla lead, reports.

The rule is sla_rules/response.py (a first touch after respond_by, or none by then), not the
ladder: here no tick runs, so the channel step (due at the deadline) never fires and
`breached_at` stays empty, as with a ladder that has no channel step or a touch logged
between the deadline and the next tick.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.leads.messages import LeadMessages
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.catalogue import Catalogue
from bot.ui.render import render_message
from sla_rules.response import breached
from storage.models import Lead
from tests.e2e.test_announce_delay import StepClock
from tests.e2e.test_mentions import view_of
from tests.helpers import announcements, hand_off, lead_number
from tests.paths import EXAMPLES

# Wednesday 25 November 2026, 10:00 in Mexico City: business hours; respond by 10:05.
START = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def stepped_bot(standin: SlackStandIn, tmp_path: Path, clock: StepClock) -> LocalBot:
    return LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        database_url=f"sqlite:///{tmp_path / 'verdict.db'}",
        clock=clock,
        background=False,
        ticker=False,
        pace_seconds=0.0,
    )


def deliver_all(bot: LocalBot) -> None:
    assert bot.bot is not None
    while bot.bot.outbox.deliver_once():
        pass


def ask(bot: LocalBot, text: str, user: str = "U0REP1") -> str:
    assert bot.slack is not None
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def claim(bot: LocalBot, lead: int, card: dict[str, object]) -> None:
    assert bot.slack is not None
    click = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=str(card["ts"])
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))


def recount_breaches(bot: LocalBot, now: datetime) -> tuple[int, int]:
    """Breaches recounted from the raw rows by the SLA's rule; and how many the ladder posted."""
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        leads = session.scalars(select(Lead)).all()
        rule = sum(breached(lead.respond_by, lead.first_touch_at, now) for lead in leads)
        posted = sum(lead.breached_at is not None for lead in leads)
    return rule, posted


def test_a_lead_touched_late_without_a_channel_step_is_a_breach_everywhere(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        lead = lead_number(hand_off(bot))
        deliver_all(bot)
        [card] = announcements(bot)
        assert "SLA breached" not in render_message(card)
        clock.now = START + timedelta(minutes=1)
        claim(bot, lead, card)
        deliver_all(bot)

        clock.now = START + timedelta(minutes=12)  # seven minutes past the deadline
        assert ask(bot, f"touch L-{lead} call connected").startswith("Logged on")
        deliver_all(bot)

        shown = render_message(standin.message("C0HANDOFF", card["ts"]))
        assert "SLA breached: the first touch (10:12) came after the deadline (10:05)" in shown
        thread = [render_message(m) for m in standin.messages("C0HANDOFF") if m.get("thread_ts")]
        assert any("later than the 5m SLA" in note for note in thread), thread
        story = ask(bot, f"lead L-{lead}")
        assert "SLA breached: the first touch came after the deadline" in story, story
        assert "Within the SLA" not in story
        report = ask(bot, "report speed today")
        rule, posted = recount_breaches(bot, clock.now)
        assert (rule, posted) == (1, 0)
        assert f"SLA breaches: {rule}" in report, report


def test_an_untouched_lead_claimed_past_its_deadline_shows_the_breach(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        lead = lead_number(hand_off(bot))
        deliver_all(bot)
        [card] = announcements(bot)
        clock.now = START + timedelta(minutes=7)
        claim(bot, lead, card)
        deliver_all(bot)

        shown = render_message(standin.message("C0HANDOFF", card["ts"]))
        assert "SLA breached: no touch by 10:05" in shown, shown
        story = ask(bot, f"lead L-{lead}")
        assert "SLA breached: no touch by the deadline" in story, story
        assert recount_breaches(bot, clock.now) == (1, 0)
        assert "SLA breaches: 1" in ask(bot, "report speed today")


def test_a_lead_touched_in_time_is_within_the_sla_on_its_card_and_story(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    clock = StepClock(START)
    with stepped_bot(standin, tmp_path, clock) as bot:
        lead = lead_number(hand_off(bot))
        deliver_all(bot)
        [card] = announcements(bot)
        clock.now = START + timedelta(minutes=1)
        claim(bot, lead, card)
        clock.now = START + timedelta(minutes=5)  # the deadline itself counts
        assert ask(bot, f"touch L-{lead} call connected").startswith("Logged on")
        clock.now = START + timedelta(hours=3)
        deliver_all(bot)
        assert "SLA breached" not in render_message(standin.message("C0HANDOFF", card["ts"]))
        story = ask(bot, f"lead L-{lead}")
        assert "Within the SLA: first touch by the deadline" in story, story
        assert recount_breaches(bot, clock.now) == (0, 0)
        assert "SLA breaches: 0" in ask(bot, "report speed today")


MINUTES = st.integers(min_value=0, max_value=24 * 60)


@settings(max_examples=200, deadline=None)
@given(deadline=MINUTES, touch=st.none() | MINUTES, drawn=MINUTES, posted=st.booleans())
def test_the_card_shows_a_breach_exactly_when_the_sla_rule_says_so(
    deadline: int, touch: int | None, drawn: int, posted: bool
) -> None:
    # Whatever the ladder posted (breached_at), the card follows the rule as of its drawing.
    respond_by = START + timedelta(minutes=deadline)
    touched = None if touch is None else START + timedelta(minutes=touch)
    now = START + timedelta(minutes=drawn)
    lead = view_of(
        respond_by=respond_by,  # type: ignore[arg-type]
        first_touch_at=touched,  # type: ignore[arg-type]
        breached_at=respond_by if posted else None,  # type: ignore[arg-type]
        created_at=START,  # type: ignore[arg-type]
    )
    messages = LeadMessages(Catalogue("en"), ZoneInfo("America/Mexico_City"), timedelta(0))
    shown = render_message(messages.announcement(lead, now).payload())
    assert ("SLA breached" in shown) is breached(respond_by, touched, now)
