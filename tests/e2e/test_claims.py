"""Claiming a lead: one click wins, in place, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from bot.leads.claims import Claims
from bot.leads.handoff_input import HandoffIn
from bot.leads.handoffs import Handoffs
from bot.leads.messages import LeadMessages
from bot.local.harness import LocalBot
from bot.ui.catalogue import Catalogue
from bot.ui.render import render_message
from sla_rules.agreement import load_agreement
from storage import leads as repo
from tests.helpers import claim_values, drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def click(bot: LocalBot, lead: int, user: str, message: dict) -> str:
    """Click Claim as a user; return the ephemeral answer they see."""
    result = bot.slack.block_action(
        "claim_lead", str(lead), user, channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    assert result.status == 200
    bot.standin.wait_for(lambda s: s.responses(result.response_url))
    return render_message(bot.standin.responses(result.response_url)[-1])


def test_a_claim_updates_the_announcement_and_dms_the_owner(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    answer = click(bot, lead, "U0REP1", message)
    assert "You claimed L-1 (Marta Quintana)" in answer
    bot.standin.wait_for(lambda s: s.calls("chat.update") and s.messages("DU0REP1"))
    updated = bot.standin.message("C0HANDOFF", message["ts"])
    text = render_message(updated)
    assert "Claimed by @U0REP1 after" in text
    assert claim_values(updated) == []
    [dm] = bot.standin.messages("DU0REP1")
    dm_text = render_message(dm)
    assert "marta@opticasur.mx" in dm_text and "+52 55 1234 5678" in dm_text
    assert "call now" in dm_text


def test_a_late_clicker_is_told_who_won_and_nothing_changes(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    click(bot, lead, "U0REP1", message)
    assert click(bot, lead, "U0REP2", message) == "L-1 is already claimed by @U0REP1."
    # Everything owed is delivered first (the running worker may hold a lease that a direct
    # deliver_once() would skip): then exactly one update, and nothing for the late clicker.
    drain(bot)
    assert len(bot.standin.calls("chat.update")) == 1
    assert bot.standin.messages("DU0REP2") == []


def test_a_double_click_by_the_winner_is_harmless(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    click(bot, lead, "U0REP1", message)
    assert click(bot, lead, "U0REP1", message) == "You already own L-1."
    bot.standin.wait_for(lambda s: s.messages("DU0REP1"))
    bot.bot.outbox.deliver_once()
    assert len(bot.standin.messages("DU0REP1")) == 1
    assert len(bot.standin.calls("chat.update")) == 1


def test_only_sales_reps_may_claim(bot: LocalBot) -> None:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    answer = click(bot, lead, "U0MKT1", message)
    assert "Only sales reps may claim leads" in answer
    assert bot.bot.cases.claims.claim(lead, "U0REP3").outcome == "claimed"


def _use_cases(database) -> tuple[Handoffs, Claims]:
    messages = LeadMessages(Catalogue("en"), AGREEMENT.zone, AGREEMENT.response.first_touch_within)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    return (
        Handoffs(database, AGREEMENT, messages, clock),
        Claims(database, AGREEMENT, messages, clock),
    )


def test_fifty_simultaneous_claims_make_exactly_one_owner(database) -> None:
    handoffs, claims = _use_cases(database)
    lead = handoffs.hand_off(HandoffIn(external_id="race", name="Race Lead"), via="api").lead
    reps = ["U0REP1", "U0REP2", "U0REP3"]
    outcomes: list[str] = []
    barrier = threading.Barrier(50)
    lock = threading.Lock()

    def clicker(n: int) -> None:
        barrier.wait()
        result = claims.claim(lead.id, reps[n % 3])
        with lock:
            outcomes.append(result.outcome)

    threads = [threading.Thread(target=clicker, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("claimed") == 1
    assert set(outcomes) <= {"claimed", "taken", "yours"}
    with database.reading() as session:
        owner = repo.lead_by_id(session, lead.id).owner_id
        events = [e.kind for e in repo.timeline(session, lead.id)]
    assert owner in reps
    assert events.count("claimed") == 1


def test_the_time_to_claim_is_measured_from_the_handoff(database) -> None:
    handoffs, claims = _use_cases(database)
    with freeze_time("2026-11-27 16:00:00"):
        lead = handoffs.hand_off(HandoffIn(external_id="t", name="Timed"), via="api").lead
    with freeze_time("2026-11-27 16:01:12"):
        result = claims.claim(lead.id, "U0REP2")
    assert result.lead is not None
    assert result.lead.time_to_claim is not None
    assert result.lead.time_to_claim.total_seconds() == 72


def test_a_failing_claim_tells_the_clicker_and_logs_the_trace(
    bot: LocalBot, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)

    def broken(session, lead_id, user_id, now):
        raise RuntimeError("disk full")

    # The click is decided inside the inbox's transaction, through claim_in.
    monkeypatch.setattr(bot.bot.cases.claims, "claim_in", broken)
    answer = click(bot, lead, "U0REP1", message)
    assert answer.startswith("Sorry, something went wrong on my side")
    assert any("disk full" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
