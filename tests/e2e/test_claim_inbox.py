"""The claim inbox: every acked Claim click is journaled, decided once and answered once.

Through the running bot (real HTTP, Slack-signed requests, the stand-in) on SQLite and, when
TEST_DATABASE_URL is set, PostgreSQL. The hostile-payload property test runs
SLA_FUZZ_EXAMPLES examples (default 60); e.g. SLA_FUZZ_EXAMPLES=2000 for a longer run.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.leads.claim_button import ClaimClick
from bot.local.harness import SIGNING_SECRET, LocalBot
from bot.local.standin import SignedSlackClient, SlackStandIn
from bot.local.standin.payloads import block_actions_payload
from bot.ui.render import render_message
from storage import leads as repo
from storage.models import InboxItem
from tests.fuzz_budget import fuzz_examples
from tests.helpers import hand_off, lead_number, run_together, wait_announced
from tests.paths import EXAMPLES

FUZZ_EXAMPLES = fuzz_examples(30)


@pytest.fixture
def bot(english_bot_on_each_database: LocalBot) -> LocalBot:
    return english_bot_on_each_database


def items(bot: LocalBot) -> list[InboxItem]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return list(session.scalars(select(InboxItem).order_by(InboxItem.id)).all())


def wait_answered(bot: LocalBot, count: int) -> list[InboxItem]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = items(bot)
        if len(rows) >= count and all(r.answered_at is not None for r in rows):
            return rows
        time.sleep(0.02)
    raise AssertionError(f"inbox not answered: {[(r.id, r.status, r.answered_at) for r in rows]}")


def answers(bot: LocalBot, url: str | None, count: int = 1) -> list[dict[str, Any]]:
    """The answers posted to a response_url, once `count` have arrived."""
    assert url is not None
    bot.standin.wait_for(lambda s: len(s.responses(url)) >= count, timeout=10)
    return bot.standin.responses(url)


def announced_lead(bot: LocalBot, external_id: str = "crm-1001") -> tuple[int, dict[str, Any]]:
    lead = lead_number(hand_off(bot, external_id=external_id))
    messages = wait_announced(bot, lead)
    return lead, messages[-1]


def test_a_click_is_journaled_decided_and_answered_once(bot: LocalBot) -> None:
    lead, message = announced_lead(bot)
    result = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    assert result.status == 200
    [row] = wait_answered(bot, 1)
    assert (row.kind, row.status, row.outcome) == ("claim", "done", "claimed")
    assert row.payload["lead"] == lead and row.payload["user"] == "U0REP1"
    assert row.payload["response_url"] == result.response_url
    [answer] = answers(bot, result.response_url)
    assert "You claimed L-1" in render_message(answer)


def test_a_replayed_click_changes_nothing_and_is_answered_once(bot: LocalBot) -> None:
    lead, message = announced_lead(bot)
    # The same click twice (a captured request replayed, or a retry): same action_ts.
    fixed = time.time()
    slack = SignedSlackClient(bot.slack.bot_url, SIGNING_SECRET, bot.standin, clock=lambda: fixed)
    url = bot.standin.new_response_url("C0HANDOFF", message["ts"], "U0REP2")
    for _ in range(3):
        reply = slack.block_action(
            "claim_lead",
            str(lead),
            "U0REP2",
            channel_id="C0HANDOFF",
            message_ts=message["ts"],
            response_url=url,
        )
        assert reply.status == 200
    [row] = wait_answered(bot, 1)
    assert row.outcome == "claimed"
    answers(bot, url)
    time.sleep(0.3)  # a second answer would have had the time to arrive
    assert len(bot.standin.responses(url)) == 1
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        kinds = [e.kind for e in repo.timeline(session, lead)]
    assert kinds.count("claimed") == 1


def test_a_race_leaves_one_owner_and_one_answer_per_click(bot: LocalBot) -> None:
    lead, message = announced_lead(bot)
    reps = ["U0REP1", "U0REP2", "U0REP3"] * 4

    def clicker(user: str) -> Any:
        return lambda: bot.slack.block_action(
            "claim_lead", str(lead), user, channel_id="C0HANDOFF", message_ts=message["ts"]
        )

    results = run_together(*(clicker(user) for user in reps))
    assert [r.status for r in results] == [200] * len(reps)
    rows = wait_answered(bot, len(reps))
    assert len(rows) == len(reps)
    outcomes = sorted(r.outcome or "" for r in rows)
    assert outcomes.count("claimed") == 1
    assert set(outcomes) <= {"claimed", "taken", "yours"}
    for result in results:
        answers(bot, result.response_url)
    time.sleep(0.2)
    for result in results:
        assert len(bot.standin.responses(result.response_url)) == 1


def test_a_click_left_by_a_crash_is_replayed_by_the_tick(bot: LocalBot) -> None:
    """A journaled click whose process died (never processed, lease run out) is finished."""
    assert bot.bot is not None
    lead, message = announced_lead(bot)
    inbox = bot.bot.deps.claim_inbox
    url = bot.standin.new_response_url("C0HANDOFF", message["ts"], "U0REP3")
    # Journaled by a process that then died: an expired lease, nobody working on it.
    click = ClaimClick(lead, "U0REP3", url, "1764600000.000001")
    item = inbox.receive(click)
    assert item is not None
    inbox._let_go(item)
    with bot.bot.deps.database.unit_of_work() as session:
        row = session.get(InboxItem, item)
        assert row is not None
        row.lease_until = row.received_at - timedelta(seconds=1)
    assert bot.bot.tick_now() >= 1
    [row] = wait_answered(bot, 1)
    assert row.outcome == "claimed"
    [answer] = answers(bot, url)
    assert "You claimed L-1" in render_message(answer)
    # Replayed again (another tick, another process): nothing more happens.
    bot.bot.tick_now()
    time.sleep(0.2)
    assert len(bot.standin.responses(url)) == 1


def test_two_processes_replaying_one_click_claim_and_answer_it_once(
    bot: LocalBot, standin: SlackStandIn, database_url: str
) -> None:
    assert bot.bot is not None
    lead, message = announced_lead(bot)
    url = bot.standin.new_response_url("C0HANDOFF", message["ts"], "U0REP2")
    inbox = bot.bot.deps.claim_inbox
    item = inbox.receive(ClaimClick(lead, "U0REP2", url, "1764600000.000003"))
    assert item is not None
    inbox._let_go(item)
    with bot.bot.deps.database.unit_of_work() as session:
        row = session.get(InboxItem, item)
        assert row is not None
        row.lease_until = row.received_at
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, database_url=database_url, ticker=False
    ) as other:
        assert other.bot is not None
        taken = run_together(inbox.replay, other.bot.deps.claim_inbox.replay)
        assert sorted(taken) == [0, 1]
        [row] = wait_answered(bot, 1)
        answers(bot, url)
        time.sleep(0.3)
    assert row.outcome == "claimed"
    assert len(bot.standin.responses(url)) == 1


def test_clicks_answered_over_a_day_ago_are_forgotten(bot: LocalBot) -> None:
    assert bot.bot is not None
    lead, message = announced_lead(bot)
    result = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    assert result.status == 200
    [row] = wait_answered(bot, 1)
    bot.bot.tick_now()
    assert len(items(bot)) == 1
    with bot.bot.deps.database.unit_of_work() as session:
        kept = session.get(InboxItem, row.id)
        assert kept is not None and kept.answered_at is not None
        kept.answered_at -= timedelta(days=1, seconds=1)
    bot.bot.tick_now()
    assert items(bot) == []


def test_a_click_journaled_over_30_minutes_ago_is_claimed_but_not_answered(
    bot: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.bot is not None
    lead, message = announced_lead(bot)
    inbox = bot.bot.deps.claim_inbox
    url = bot.standin.new_response_url("C0HANDOFF", message["ts"], "U0REP1")
    item = inbox.receive(ClaimClick(lead, "U0REP1", url, "1764600000.000002"))
    assert item is not None
    inbox._let_go(item)
    with bot.bot.deps.database.unit_of_work() as session:
        row = session.get(InboxItem, item)
        assert row is not None
        row.received_at -= timedelta(minutes=31)
        row.lease_until = row.received_at
    bot.bot.tick_now()
    [row] = wait_answered(bot, 1)
    assert row.outcome == "claimed"
    deadline = time.monotonic() + 5
    while not any("answer dropped" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "the dropped answer was not logged"
        time.sleep(0.02)
    assert bot.standin.responses(url) == []
    with bot.bot.deps.database.reading() as session:
        lead_row = repo.lead_by_id(session, lead)
        assert lead_row is not None and lead_row.owner_id == "U0REP1"


def test_an_answer_slack_refused_with_500_is_sent_again(bot: LocalBot) -> None:
    assert bot.bot is not None
    lead, message = announced_lead(bot)
    # Three 500s: more than the sender's own retries, so the inbox must try again itself.
    bot.standin.fail("response_url", status=500, times=3)
    result = bot.slack.block_action(
        "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    assert result.status == 200
    deadline = time.monotonic() + 10
    while not bot.standin.responses(result.response_url) and time.monotonic() < deadline:
        bot.bot.tick_now()
        time.sleep(0.1)
    [row] = wait_answered(bot, 1)
    assert row.outcome == "claimed"
    answers(bot, result.response_url)
    time.sleep(0.2)
    assert len(bot.standin.responses(result.response_url)) == 1


def _payload(value: Any, user: Any, response_url: Any, action_ts: Any) -> dict[str, Any]:
    payload = block_actions_payload(
        action_id="claim_lead",
        value="1",
        block_id="claim_lead_block",
        user_id="U0REP1",
        user_name="rep1",
        trigger_id="1.2.3",
        action_ts="1764600000.1",
        container={"type": "message", "message_ts": "1.1", "channel_id": "C0HANDOFF"},
        channel_id="C0HANDOFF",
        message=None,
        view=None,
        response_url=None,
        element=None,
    )
    payload["actions"][0]["value"] = value
    payload["actions"][0]["action_ts"] = action_ts
    payload["user"] = user
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "+7", " 7", "²", "٣", "1e30", "1_000", str(2**31), str(2**63), "7\x00"]
    ),
    st.sampled_from(["<!channel>", "<@U123>", "L-1", "9" * 5000]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    value=HOSTILE,
    # A number or a boolean as `user` breaks Bolt's own user-ID extraction before any
    # listener runs (slack_bolt.request.internals.extract_user_id): not the claim listener's.
    user=st.one_of(
        st.none(),
        st.text(max_size=40),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.fixed_dictionaries({"id": HOSTILE}),
    ),
    action_ts=HOSTILE,
)
def test_a_malformed_claim_click_gets_no_500_and_no_inbox_row(
    bot: LocalBot, value: Any, user: Any, action_ts: Any
) -> None:
    url = bot.standin.new_response_url("C0HANDOFF", "1.1", "U0REP1")
    payload = _payload(value, user, url, action_ts)
    try:
        json.dumps(payload, allow_nan=False)
    except ValueError:
        return  # not JSON: Slack could not have sent it (the unverified path is h1's)
    reply = bot.slack._post_payload(payload)
    assert reply.status < 500, reply.body
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(InboxItem)) == 0


@pytest.mark.parametrize(
    ("value", "user"),
    [
        (None, {"id": "U0REP1"}),
        ("L-1", {"id": "U0REP1"}),
        (str(2**63), {"id": "U0REP1"}),
        ("1", "U0REP1"),
    ],
)
def test_a_malformed_claim_click_is_told_what_is_wrong(
    bot: LocalBot, value: Any, user: Any
) -> None:
    url = bot.standin.new_response_url("C0HANDOFF", "1.1", "U0REP1")
    reply = bot.slack._post_payload(_payload(value, user, url, "1764600000.5"))
    assert reply.status == 200
    [answer] = answers(bot, url)
    assert "did not name a lead I can read, so nothing was claimed" in render_message(answer)
    assert items(bot) == []
