"""The outbox: Slack outages, rate limits and restarts delay messages, never lose or repeat them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.local.harness import LocalBot
from bot.ui.render import render_message
from storage.models import Lead, OutboxMessage
from tests.helpers import (
    announcements,
    claim_values,
    drain,
    hand_off,
    lead_number,
    wait_announced,
)
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"


def outbox_rows(bot: LocalBot) -> list[OutboxMessage]:
    with bot.bot.deps.database.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_rate_limits_and_server_errors_delay_but_deliver_each_message_once_in_order(
    standin,
) -> None:
    with LocalBot(AGREEMENT, standin=standin, pace_seconds=0.05, ticker=False) as bot:
        standin.fail("chat.postMessage", status=429, times=2, retry_after=1)
        lead = lead_number(hand_off(bot))
        [message] = wait_announced(bot, 1)
        standin.fail("chat.update", status=500, times=2)
        standin.fail("chat.postMessage", status=503, times=1)
        bot.slack.block_action(
            "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        standin.wait_for(lambda s: s.messages("DU0REP1"), timeout=20)
        drain(bot)
        assert len(announcements(bot)) == 1
        assert len([c for c in standin.calls("chat.update") if c.ok]) == 1
        assert len(standin.messages("DU0REP1")) == 1
        ok_calls = [c for c in standin.calls() if c.method.startswith("chat.") and c.ok]
        assert [c.method for c in ok_calls] == [
            "chat.postMessage",
            "chat.update",
            "chat.postMessage",
        ]
        rows = outbox_rows(bot)
        # The thread root is moot for a lead announced on its own: skipped, not sent.
        assert [(row.kind, row.status) for row in rows] == [
            ("announce", "sent"),
            ("update_announcement", "sent"),
            ("thread_root", "skipped"),
            ("dm", "sent"),
        ]
        assert all(row.ts for row in rows if row.status == "sent")
        assert max(row.attempts for row in rows) >= 2  # the 500s were retried with backoff


def test_messages_written_while_the_bot_was_down_go_out_once_after_restart(
    standin, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    with LocalBot(
        AGREEMENT, standin=standin, database_url=url, background=False, ticker=False
    ) as bot:
        for n in range(3):
            hand_off(bot, external_id=f"down-{n}", email=f"p{n}@example.com")
        assert standin.calls("chat.postMessage") == []
        assert [row.status for row in outbox_rows(bot)] == ["pending"] * 3
    with LocalBot(
        AGREEMENT, standin=standin, database_url=url, pace_seconds=0.05, ticker=False
    ) as bot:
        wait_announced(bot, 3)
        drain(bot)
        leads = [value for m in announcements(bot) for value in claim_values(m)]
        assert sorted(leads) == ["1", "2", "3"]
        assert {row.status for row in outbox_rows(bot)} == {"sent"}


def test_a_lease_left_by_a_crashed_worker_expires_and_the_message_goes_once(
    standin, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    with LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=url,
        background=False,
        pace_seconds=0.05,
        ticker=False,
    ) as bot:
        hand_off(bot)
        worker = bot.bot.outbox
        groups = worker._lease_groups()  # leased, then the process "dies" before sending
        assert len(groups) == 1
        assert worker.deliver_once() == 0  # still leased: nobody else may send it
    time.sleep(0.1)  # the channel's pacing slot taken before the "crash" has passed
    with LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=url,
        background=False,
        pace_seconds=0.05,
        ticker=False,
    ) as bot:
        worker = bot.bot.outbox
        # The lease runs out (a minute in production): move it into the past.
        with bot.bot.deps.database.unit_of_work() as session:
            for row in session.scalars(select(OutboxMessage)):
                row.lease_until = row.created_at
        assert worker.deliver_once() == 1
        assert worker.deliver_once() == 0
        assert len(announcements(bot)) == 1


def test_a_burst_becomes_digests_and_nothing_is_dropped(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, pace_seconds=0.5, ticker=False) as bot:
        for n in range(30):
            hand_off(bot, external_id=f"burst-{n}", email=f"b{n}@example.com", name=f"Lead {n}")
        messages = wait_announced(bot, 30)
        assert len(messages) < 30
        assert any(len(claim_values(m)) > 1 for m in messages)
        announced = sorted(int(v) for m in messages for v in claim_values(m))
        assert announced == list(range(1, 31))
        for message in messages:
            assert len(message["blocks"]) <= 50


def test_a_claim_from_a_digest_updates_it_and_starts_the_lead_thread(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, pace_seconds=0.3, ticker=False) as bot:
        for n in range(6):
            hand_off(bot, external_id=f"d-{n}", email=f"d{n}@example.com", name=f"Lead {n}")
        messages = wait_announced(bot, 6)
        digest = next(m for m in messages if len(claim_values(m)) > 1)
        lead = int(claim_values(digest)[-1])
        bot.slack.block_action(
            "claim_lead", str(lead), "U0REP2", channel_id="C0HANDOFF", message_ts=digest["ts"]
        )
        standin.wait_for(lambda s: s.messages("DU0REP2"), timeout=10)
        drain(bot)
        updated = standin.message("C0HANDOFF", digest["ts"])
        assert str(lead) not in claim_values(updated)
        assert len(claim_values(updated)) == len(claim_values(digest)) - 1
        assert "Claimed by @U0REP2" in render_message(updated)
        roots = [
            m for m in announcements(bot) if f"L-{lead}" in m["text"] and "claimed by" in m["text"]
        ]
        assert len(roots) == 1
        with bot.bot.deps.database.reading() as session:
            row = session.get(Lead, lead)
            assert row.in_digest and row.thread_ts == roots[0]["ts"]
        # What happens next to the lead goes to its own thread, not the digest's.
        hand_off(bot, external_id="d-again", email=row.email, source="ebook")
        standin.wait_for(lambda s: any(m.get("thread_ts") for m in s.messages("C0HANDOFF")))
        [note] = [m for m in standin.messages("C0HANDOFF") if m.get("thread_ts")]
        assert note["thread_ts"] == roots[0]["ts"]


def test_a_message_slack_refuses_for_good_is_kept_as_failed_and_others_go_on(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, pace_seconds=0.05, ticker=False) as bot:
        standin.fail("chat.postMessage", status=200, error="channel_not_found", times=1)
        hand_off(bot, external_id="lost-channel", email="a@example.com")
        bot.standin.wait_for(lambda s: s.calls("chat.postMessage"))
        time.sleep(0.2)
        hand_off(bot, external_id="fine", email="b@example.com")
        wait_announced(bot, 1)
        drain(bot)
        statuses = {row.lead_id: (row.status, row.error) for row in outbox_rows(bot)}
        assert statuses[1] == ("failed", "channel_not_found")
        assert statuses[2][0] == "sent"


def test_connection_errors_are_retried_later(standin) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, background=False, pace_seconds=0.05, ticker=False
    ) as bot:
        hand_off(bot)
        worker = bot.bot.outbox
        live = worker.client
        worker.client = WebClient(
            token="xoxb-x", base_url="http://127.0.0.1:9/api/", retry_handlers=[], timeout=2
        )
        worker.deliver_once()
        [row] = outbox_rows(bot)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.due_at > row.created_at
        worker.client = live
        with bot.bot.deps.database.unit_of_work() as session:
            session.get(OutboxMessage, row.id).due_at = row.created_at
        time.sleep(0.1)
        assert worker.deliver_once() == 1
        assert len(announcements(bot)) == 1


@pytest.mark.parametrize("per_second", [2.0])
def test_pacing_keeps_a_channel_within_slacks_limit(standin, per_second: float) -> None:
    standin.rate_limit_per_channel(per_second)
    with LocalBot(
        AGREEMENT, standin=standin, pace_seconds=1 / per_second + 0.05, ticker=False
    ) as bot:
        lead = lead_number(hand_off(bot))
        [message] = wait_announced(bot, 1)
        for n in range(4):
            hand_off(bot, external_id=f"again-{n}", email=bot_email(n), source=f"s{n}")
        bot.slack.block_action(
            "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        wait_announced(bot, 4)  # lead 1 is claimed: its Claim button is gone
        standin.wait_for(lambda s: s.messages("DU0REP1"), timeout=10)
        drain(bot)
        assert standin.rate_limited_count == 0


def bot_email(n: int) -> str:
    return f"paced{n}@example.com"
