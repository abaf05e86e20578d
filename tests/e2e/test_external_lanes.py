"""External lanes: CRM writes in the outbox, ordered per (lead, lane), once each, paced."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.local.harness import LocalBot
from storage import outbox as box
from storage.models import OutboxMessage
from tests.e2e.lane_fakes import Recorder
from tests.helpers import hand_off, lead_number
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
pytestmark = pytest.mark.postgres


def start(standin, database_url: str, connector: Recorder) -> LocalBot:
    return LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=database_url,
        ticker=False,
        pace_seconds=0.02,
        connectors=[connector],
    )


def owe(bot: LocalBot, lead_id: int, lane: str, count: int, kind: str = "crm") -> list[int]:
    assert bot.bot is not None
    now = datetime.now(UTC)
    with bot.bot.deps.database.unit_of_work() as session:
        ids = [
            box.enqueue(
                session,
                kind=kind,
                channel=lane,
                lead_id=lead_id,
                now=now,
                payload={"text": f"n{n}"},
            )
            for n in range(count)
        ]
    bot.bot.outbox.wake()
    return ids


def hurry(bot: LocalBot) -> None:
    assert bot.bot is not None
    with bot.bot.deps.database.unit_of_work() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(due_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    bot.bot.outbox.wake()


def rows(bot: LocalBot, lane: str) -> list[OutboxMessage]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == lane)
                .order_by(OutboxMessage.id)
            )
        )


def wait_until(check, timeout: float = 20.0, nudge=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if nudge is not None:
            nudge()
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_the_feed_owes_the_connector_each_event_it_wants(standin, database_url: str) -> None:
    fake = Recorder()
    with start(standin, database_url, fake) as bot:
        lead = lead_number(hand_off(bot, external_id="hubspot:501"))
        wait_until(lambda: len(fake.written) == 1)
        [(lead_id, _, payload)] = fake.written
        assert lead_id == lead and payload["event"] == "handoff" and payload["at"]
        wait_until(lambda: rows(bot, fake.lane)[0].status == "sent")
        [row] = rows(bot, fake.lane)
        assert row.kind == "crm"


def test_without_a_connector_no_crm_row_is_written(standin, database_url: str) -> None:
    with LocalBot(AGREEMENT, standin=standin, database_url=database_url, ticker=False) as bot:
        hand_off(bot, external_id="hubspot:502")
        assert bot.bot is not None
        with bot.bot.deps.database.reading() as session:
            lanes = session.scalars(select(OutboxMessage.channel)).all()
        assert lanes and not any(lane.startswith("ext:") for lane in lanes)


def test_a_down_crm_never_holds_up_the_leads_slack_messages(standin, database_url: str) -> None:
    fake = Recorder(kinds=())
    with start(standin, database_url, fake) as bot:
        lead = lead_number(hand_off(bot))
        fake.down = True
        crm = owe(bot, lead, fake.lane, 5)
        owe(bot, lead, "C0OTHER", 3, kind="post")  # the same lead's Slack messages
        wait_until(lambda: len(standin.messages("C0OTHER")) == 3)
        assert fake.written == []  # the CRM took nothing while down, and Slack did not wait
        fake.down = False
        wait_until(lambda: len(fake.written) == 5, nudge=lambda: hurry(bot))
        assert fake.ids() == crm  # once each, in order
        wait_until(lambda: all(row.status == "sent" for row in rows(bot, fake.lane)))


def test_order_is_per_lead_and_lane_and_each_write_goes_once(standin, database_url: str) -> None:
    fake = Recorder(kinds=())
    with start(standin, database_url, fake) as bot:
        leads = [
            lead_number(hand_off(bot, external_id=f"x:{n}", email=f"p{n}@e.com")) for n in range(3)
        ]
        owed = {lead: owe(bot, lead, fake.lane, 4) for lead in leads}
        wait_until(lambda: len(fake.written) == 12)
        for lead, ids in owed.items():
            assert [row for who, row, _ in fake.written if who == lead] == ids
        assert len(set(fake.ids())) == 12


def test_retry_after_is_honoured_and_not_a_fault(standin, database_url: str) -> None:
    fake = Recorder(kinds=(), limited=2, retry_after=0.4)
    with start(standin, database_url, fake) as bot:
        lead = lead_number(hand_off(bot))
        ids = owe(bot, lead, fake.lane, 3)
        wait_until(lambda: len(fake.written) == 3)
        assert fake.ids() == ids
        times = [at for at, _ in fake.calls]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert [what for _, what in fake.calls][:2] == ["429", "429"]
        assert min(gaps[:2]) >= 0.35  # each 429's Retry-After kept the lane shut
        assert all(row.faults == 0 and row.attempts == 0 for row in rows(bot, fake.lane))


def test_an_unknown_outcome_is_looked_up_not_written_again(standin, database_url: str) -> None:
    fake = Recorder(kinds=(), land_then_time_out=1)
    with start(standin, database_url, fake) as bot:
        lead = lead_number(hand_off(bot))
        [row_id] = owe(bot, lead, fake.lane, 1)
        wait_until(lambda: rows(bot, fake.lane)[0].status == "sent", nudge=lambda: hurry(bot))
        assert fake.ids() == [row_id]


def test_a_restart_loses_nothing(standin, database_url: str) -> None:
    down = Recorder(kinds=(), down=True)
    with start(standin, database_url, down) as bot:
        lead = lead_number(hand_off(bot))
        ids = owe(bot, lead, down.lane, 4)
        wait_until(lambda: len(down.calls) >= 1)
    up = Recorder(kinds=())
    with start(standin, database_url, up) as bot:
        wait_until(lambda: len(up.written) == 4, nudge=lambda: hurry(bot))
        assert up.ids() == ids


def test_two_workers_on_one_database_write_each_row_once(standin, database_url: str) -> None:
    fake = Recorder(kinds=(), pace=0.0)
    with start(standin, database_url, fake) as one, start(standin, database_url, fake) as two:
        leads = [
            lead_number(hand_off(one, external_id=f"y:{n}", email=f"q{n}@e.com")) for n in range(5)
        ]
        owed = {lead: owe(one if lead % 2 else two, lead, fake.lane, 20) for lead in leads}
        wait_until(lambda: len(fake.written) >= 100, timeout=60)
        time.sleep(0.3)
        assert sorted(fake.ids()) == sorted(i for ids in owed.values() for i in ids)
        for lead, ids in owed.items():
            assert [row for who, row, _ in fake.written if who == lead] == ids
