"""A kill -9 while Slack's answer to a post is in flight sends nothing twice and loses nothing.

A real `sla-bot run` child process posts to the in-test stand-in, which stores the post at
once and holds its answer; the test kills the process while the answer is held, restarts it
on the same database and waits: each message must exist exactly once in Slack, and the
lead must point at it. Each case repeats over SLA_CRASH_KILLS kill moments (default 2):
`SLA_CRASH_KILLS=20 .venv/bin/python -m pytest tests/e2e/test_crash_sends.py` for a longer run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.local.standin import SlackStandIn
from bot.outbox.calls import tag_ids
from storage.engine import make_engine
from storage.models import Lead, OutboxMessage
from tests.helpers import MARTA, claim_values
from tests.paths import EXAMPLES
from tests.process_bot import BotProcess

AGREEMENT = EXAMPLES / "agreement.en.yaml"
KILLS = int(os.environ.get("SLA_CRASH_KILLS", "2"))
# The delivery client waits this long for an answer; every kill comes before it runs out, so
# the process dies with the post in Slack and its answer unread. Leases are 5x + 1 s.
CLIENT_TIMEOUT = 1.0
SETTLE_SECONDS = 45.0


def kill_moment(n: int) -> float:
    """Seconds after the post reached Slack at which kill n comes (spread over the timeout)."""
    return (n % 4) * CLIENT_TIMEOUT / 4


def read(url: str, query: Callable[[Any], Any]) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return query(connection)
    finally:
        engine.dispose()


def lead_state(url: str, lead_id: int) -> tuple[str | None, str | None]:
    row = read(
        url,
        lambda c: c.execute(
            select(Lead.announce_ts, Lead.thread_ts).where(Lead.id == lead_id)
        ).one(),
    )
    return row[0], row[1]


def pending(url: str) -> int:
    return len(
        read(
            url,
            lambda c: c.execute(
                select(OutboxMessage.id).where(OutboxMessage.status == "pending")
            ).all(),
        )
    )


def settle(standin: SlackStandIn, url: str, done: Callable[[], bool], log: str) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        if done() and pending(url) == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"not settled after the restart\n{standin.summary()}\n{log[-4000:]}")


def announced(standin: SlackStandIn, lead_id: int) -> list[dict[str, Any]]:
    return [
        m
        for m in standin.messages("C0HANDOFF")
        if not m.get("thread_ts") and str(lead_id) in claim_values(m)
    ]


@pytest.fixture
def bot_process(database_url: str, tmp_path: Path):
    with SlackStandIn() as standin:
        process = BotProcess(
            standin,
            database_url,
            AGREEMENT,
            tmp_path / "bot.log",
            extra_env={"SLACK_DELIVERY_TIMEOUT": str(CLIENT_TIMEOUT)},
        )
        try:
            yield process
        finally:
            process.stop()


def hand_off(process: BotProcess, n: int) -> int:
    status, answer = process.api(
        "/api/handoffs", {**MARTA, "external_id": f"crash-{n}", "email": f"crash{n}@example.com"}
    )
    assert status == 201, answer
    return int(answer["id"].removeprefix("L-"))


def test_a_kill_while_the_announcement_is_answered_neither_repeats_nor_loses_it(
    bot_process: BotProcess, database_url: str
) -> None:
    standin, url = bot_process.standin, database_url
    bot_process.start()
    repeated = lost = 0
    for n in range(KILLS):
        hold = standin.hold("chat.postMessage", channel="C0HANDOFF")
        lead = hand_off(bot_process, n)
        standin.wait_for(lambda s, hold=hold: hold.held == 1, timeout=15)
        time.sleep(kill_moment(n))
        bot_process.kill9()  # the post is in Slack; its answer never reaches the bot
        hold.release()
        bot_process.start()
        settle(
            standin,
            url,
            lambda lead=lead: lead_state(url, lead)[0] is not None,
            bot_process.log_text(),
        )
        found = announced(standin, lead)
        repeated += max(0, len(found) - 1)
        lost += 0 if found else 1
        assert len(found) == 1, f"kill {n}: {len(found)} announcements of L-{lead}"
        assert lead_state(url, lead) == (found[0]["ts"], found[0]["ts"])  # the adopted post
        assert_nothing_repeated(standin)
    print(f"\nannouncement kills={KILLS} expected={KILLS} lost={lost} repeated={repeated}")


def test_a_kill_while_the_owner_dm_is_answered_neither_repeats_nor_loses_it(
    bot_process: BotProcess, database_url: str
) -> None:
    standin, url = bot_process.standin, database_url
    bot_process.start()
    repeated = lost = 0
    for n in range(KILLS):
        rep = f"U0REP{n % 3 + 1}"  # the agreement's sales reps
        lead = hand_off(bot_process, n)
        standin.wait_for(lambda s, lead=lead: announced(s, lead), timeout=15)
        [message] = announced(standin, lead)
        hold = standin.hold("chat.postMessage", channel=rep)
        bot_process.slack.block_action(
            "claim_lead", str(lead), rep, channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        standin.wait_for(lambda s, hold=hold: hold.held == 1, timeout=15)
        time.sleep(kill_moment(n))
        bot_process.kill9()
        hold.release()
        bot_process.start()
        dm_row = read(
            url,
            lambda c, lead=lead: c.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.lead_id == lead, OutboxMessage.kind == "dm"
                )
            ).scalar_one(),
        )
        settle(
            standin,
            url,
            lambda dm_row=dm_row: bool(tagged_with(standin, dm_row)),
            bot_process.log_text(),
        )
        dms = tagged_with(standin, dm_row)
        repeated += max(0, len(dms) - 1)
        lost += 0 if dms else 1
        assert len(dms) == 1, f"kill {n}: {len(dms)} owner DMs for L-{lead}"
        assert dms[0]["channel"] == f"D{rep}"
        ts = read(
            url,
            lambda c, dm_row=dm_row: c.execute(
                select(OutboxMessage.ts).where(OutboxMessage.id == dm_row)
            ).scalar_one(),
        )
        assert ts == dms[0]["ts"]
        assert_nothing_repeated(standin)
    print(f"\nowner DM kills={KILLS} expected={KILLS} lost={lost} repeated={repeated}")


def tagged_with(standin: SlackStandIn, outbox_id: int) -> list[dict[str, Any]]:
    """The stand-in's messages carrying this outbox row's ID."""
    return [m for m in standin.messages() if outbox_id in tag_ids(m)]


def assert_nothing_repeated(standin: SlackStandIn) -> None:
    """No outbox row's ID is on two messages, in any channel."""
    seen = [i for m in standin.messages() for i in tag_ids(m)]
    assert len(seen) == len(set(seen)), sorted(seen)
