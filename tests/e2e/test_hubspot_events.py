"""HubSpot's subscription events after the answer: 100 at once, replays, two bots, outages."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.crm.hubspot_inbox import MAX_WAIT, OWED, TELL_AFTER
from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake, send_webhook
from bot.local.standin import SlackStandIn
from bot.runtime.clock import utc_now
from storage.models import InboxItem, OutboxMessage, PaceSlot
from tests.e2e.hubspot_rig import (
    MQL,
    SECRET,
    counts,
    event,
    hubspot_bot,
    items,
    owe_now,
    reads_of,
    url,
    wait_settled,
)
from tests.helpers import run_together

pytestmark = pytest.mark.postgres


@pytest.fixture
def hub() -> Iterator[HubSpotFake]:
    with HubSpotFake() as fake:
        yield fake


@pytest.fixture
def bot(standin: SlackStandIn, database_url: str, hub: HubSpotFake) -> Iterator[LocalBot]:
    with hubspot_bot(standin, database_url, hub) as running:
        yield running


def test_100_events_are_answered_before_any_contact_is_read(
    bot: LocalBot, hub: HubSpotFake
) -> None:
    for n in range(100):
        hub.state.contacts[str(1000 + n)] = dict(MQL, firstname=f"P{n}", email=f"p{n}@x.com")
    events = [event(20_000 + n, 1000 + n) for n in range(100)]
    hub.state.delay = 0.02  # HubSpot's latency, paid after the answer
    hub.state.open.clear()  # and not one read answered until the webhook has its answer
    try:
        started = time.monotonic()
        status, answer = send_webhook(url(bot), events, SECRET)
        took = time.monotonic() - started
        assert status == 200 and answer == {"queued": 100, "replayed": 0}
        assert reads_of(hub) == []
        assert took < 4.0
    finally:
        hub.state.open.set()
    rows = wait_settled(bot, 100, timeout=60)
    assert {r.outcome for r in rows} == {"created"}
    assert counts(bot) == (100, 100)
    assert len(reads_of(hub)) == 100


def test_a_replayed_batch_hands_off_nothing_twice(bot: LocalBot, hub: HubSpotFake) -> None:
    for n in range(3):
        hub.state.contacts[str(300 + n)] = dict(MQL, email=f"r{n}@x.com")
    events = [event(700 + n, 300 + n) for n in range(3)] + [event(799, 399)]  # 399: deleted
    status, answer = send_webhook(url(bot), events, SECRET)
    assert status == 200 and answer == {"queued": 4, "replayed": 0}
    rows = wait_settled(bot, 4)
    assert [r.outcome for r in rows] == ["created", "created", "created", "ignored"]
    again = [*events, events[0]]
    status, answer = send_webhook(url(bot), again, SECRET)
    assert status == 200 and answer == {"queued": 0, "replayed": 5}
    status, answer = send_webhook(url(bot), [event(800, 300), event(800, 300)], SECRET)
    assert answer == {"queued": 1, "replayed": 1}  # the same eventId twice in one body
    [*_, last] = wait_settled(bot, 5)
    assert last.outcome == "known"  # the same contact again: its lead, not a new one
    assert bot.bot is not None
    owe_now(bot)
    bot.bot.tick_now()
    time.sleep(0.2)
    assert counts(bot) == (3, 5)
    assert len(reads_of(hub)) == 5


def test_two_bots_replaying_the_same_owed_events_hand_each_off_once(
    bot: LocalBot, hub: HubSpotFake, standin: SlackStandIn, database_url: str
) -> None:
    for n in range(20):
        hub.state.contacts[str(400 + n)] = dict(MQL, email=f"t{n}@x.com")
    assert bot.bot is not None
    bot.bot.deps.hubspot_in.on_queued = None  # this process dies right after its answer
    status, answer = send_webhook(url(bot), [event(900 + n, 400 + n) for n in range(20)], SECRET)
    assert status == 200 and answer == {"queued": 20, "replayed": 0}
    time.sleep(0.2)
    assert reads_of(hub) == [] and counts(bot) == (0, 0)
    with hubspot_bot(standin, database_url, hub) as other:
        assert other.bot is not None
        run_together(bot.bot.hubspot_inbox.replay, other.bot.hubspot_inbox.replay)
        rows = wait_settled(bot, 20)
        time.sleep(0.3)
    assert {r.outcome for r in rows} == {"created"}
    assert counts(bot) == (20, 20)
    assert len(reads_of(hub)) == 20


def test_reads_failing_for_long_tell_the_managers_once_and_keep_trying(
    bot: LocalBot, hub: HubSpotFake
) -> None:
    hub.state.contacts["55"] = dict(MQL)
    hub.state.failing = 10_000
    assert bot.bot is not None
    bot.bot.deps.hubspot_in.on_queued = None  # this test reads it, try after try
    assert send_webhook(url(bot), [event(55, 55)], SECRET)[0] == 200
    [row] = items(bot)
    for _ in range(TELL_AFTER + 2):
        owe_now(bot)
        assert bot.bot.hubspot_inbox.process(row.id) == OWED
    [row] = items(bot)
    assert row.payload["failed_reads"] == TELL_AFTER + 2 and row.answered_at is None
    assert row.lease_until is not None and row.lease_until - row.received_at <= MAX_WAIT * 2
    with bot.bot.deps.database.reading() as session:
        notes = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "dm")).all()
    managers = bot.bot.deps.agreement.slack.managers
    assert sorted(n.channel for n in notes) == sorted(managers)  # told once
    assert all("55" in n.payload["text"] and "10 tries" in n.payload["text"] for n in notes)
    hub.state.failing = 0
    owe_now(bot)
    bot.bot.tick_now()
    [row] = wait_settled(bot, 1)
    assert row.outcome == "created" and counts(bot) == (1, 1)


def test_reads_share_the_rate_limit_with_the_writes_and_a_429_is_no_failure(
    hub: HubSpotFake, standin: SlackStandIn, database_url: str
) -> None:
    """HubSpot counts every call of the app: reads take the ext:hubspot pace slot, and a 429
    closes it for reads and writes alike without counting against the event."""
    for n in range(5):
        hub.state.contacts[str(600 + n)] = dict(MQL, email=f"s{n}@x.com")
    with hubspot_bot(standin, database_url, hub, per_10s=20) as paced:  # 0.56 s a call
        assert send_webhook(url(paced), [event(960 + n, 600 + n) for n in range(5)], SECRET)[0]
        wait_settled(paced, 5)
        times = [c.at for c in reads_of(hub)]
        assert len(times) == 5
        assert all(b - a >= 0.5 for a, b in itertools.pairwise(times)), times
        assert paced.bot is not None
        paced.bot.deps.hubspot_in.on_queued = None  # this test reads it itself
        hub.state.contacts["700"] = dict(MQL, email="limited@x.com")
        hub.state.per_10s = 0  # every call now answers 429 with a Retry-After
        assert send_webhook(url(paced), [event(970, 700)], SECRET)[0] == 200
        row = next(r for r in items(paced) if r.answered_at is None)
        assert paced.bot.hubspot_inbox.process(row.id) == OWED
        with paced.bot.deps.database.reading() as session:
            slot = session.get(PaceSlot, "ext:hubspot")
            paused = session.get(InboxItem, row.id)
        assert slot is not None and slot.next_at > utc_now() + timedelta(seconds=0.5)
        assert paused is not None and "failed_reads" not in paused.payload  # not a failure
        assert paused.lease_until is not None and paused.lease_until >= slot.next_at - timedelta(
            seconds=1
        )
        hub.state.per_10s = None
        with paced.bot.deps.database.unit_of_work() as session:
            session.get(PaceSlot, "ext:hubspot").next_at = utc_now()  # as if the wait ran out
        owe_now(paced)
        paced.bot.tick_now()
        done = wait_settled(paced, 6)
    assert done[-1].outcome == "created" and counts_of(done) == 6


def counts_of(rows: list[InboxItem]) -> int:
    return sum(1 for r in rows if r.outcome == "created")
