"""No single row stops the outbox: a row that keeps failing is set aside, managers are told once.

The poisonous rows are written straight through SQLAlchemy, as a bad import or an old bug
would have left them: a lead handed off in year 1 (rendering its time overflows) and a post
whose payload no longer has the shape the builder expects.

The property test runs SLA_FUZZ_EXAMPLES examples (default 60); for a longer run:
`SLA_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/e2e/test_outbox_dead_letters.py`.
"""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from bot.local.harness import LocalBot
from bot.outbox.dead_letters import MAX_ATTEMPTS, NOTICE_KIND
from storage import outbox as box
from storage.models import Lead, OutboxMessage, PaceSlot
from tests.fuzz_budget import fuzz_examples
from tests.helpers import announcements, claim_values, hand_off, lead_number
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
MANAGER_DM = "DU0MANAGER1"  # the example agreement's one manager, U0MANAGER1
FUZZ_EXAMPLES = fuzz_examples(30)
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
POISON_EMAIL = "poison.contact@example.com"


def add_poisonous_lead(bot: LocalBot) -> int:
    """A lead no announcement can be built for, with one owed: a row this version cannot read.

    Its instants are year 1 (shown as stored, in UTC, since dates at the calendar's edge are
    displayable) and its status is one this version does not know, as a newer version's row
    would be after a rollback: naming that status raises.
    """
    now = datetime.now(UTC)
    assert bot.bot is not None
    with bot.bot.deps.database.unit_of_work() as session:
        lead = Lead(
            name="Poison Contact",
            email=POISON_EMAIL,
            phone="+52 55 0000 0000",
            via="api",
            handed_off_at=YEAR_ONE,
            respond_by=YEAR_ONE,
            status="archived",
            announce_channel="C0HANDOFF",
            created_at=now,
        )
        session.add(lead)
        session.flush()
        box.enqueue(session, kind="announce", channel="C0HANDOFF", lead_id=lead.id, now=now)
        return lead.id


def add_row(
    bot: LocalBot, kind: str, channel: str, payload: Any, lead_id: int | None = None
) -> int:
    """An outbox row with any payload at all (JSON), as a bug or a bad import could leave it."""
    assert bot.bot is not None
    now = datetime.now(UTC)
    with bot.bot.deps.database.unit_of_work() as session:
        table = OutboxMessage.__table__
        return session.execute(
            table.insert()
            .values(
                kind=kind,
                channel=channel,
                lead_id=lead_id,
                payload=payload,
                status="pending",
                attempts=0,
                due_at=now,
                created_at=now,
            )
            .returning(table.c.id)
        ).scalar_one()


def rows(bot: LocalBot) -> dict[int, OutboxMessage]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return {row.id: row for row in session.scalars(select(OutboxMessage))}


def time_passes(bot: LocalBot) -> None:
    """Every backoff runs out (the retries' waits are seconds to minutes on the wall)."""
    assert bot.bot is not None
    past = datetime.now(UTC) - timedelta(seconds=1)
    with bot.bot.deps.database.unit_of_work() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.status == "pending").values(due_at=past)
        )
        session.execute(update(PaceSlot).values(next_at=past))


def deliver_until_quiet(bot: LocalBot, passes: int = 4 * MAX_ATTEMPTS) -> None:
    assert bot.bot is not None
    for _ in range(passes):
        time_passes(bot)
        bot.bot.outbox.deliver_once()
        with bot.bot.deps.database.reading() as session:
            if box.count_pending(session) == 0:
                return


def announced_leads(bot: LocalBot) -> list[int]:
    return sorted(int(v) for m in announcements(bot) for v in claim_values(m))


def test_a_poisonous_lead_in_a_burst_is_set_aside_and_the_rest_is_announced(
    standin, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=database_url,
        background=False,
        ticker=False,
        pace_seconds=0.05,
    ) as bot:
        first = lead_number(hand_off(bot, external_id="ok-1", email="ok1@example.com"))
        poison = add_poisonous_lead(bot)
        last = lead_number(hand_off(bot, external_id="ok-2", email="ok2@example.com"))
        deliver_until_quiet(bot)
        # The healthy leads went out (the first pass makes them one digest, without the poison).
        assert announced_leads(bot) == [first, last]
        by_lead = {row.lead_id: row for row in rows(bot).values() if row.kind == "announce"}
        dead = by_lead[poison]
        assert (dead.status, dead.attempts) == ("dead", MAX_ATTEMPTS)
        assert dead.error.startswith("KeyError")
        assert by_lead[first].status == by_lead[last].status == "sent"
        # The managers are told once, by the short ID, never with the contact's data.
        [notice] = standin.messages(MANAGER_DM)
        assert f"L-{poison}" in notice["text"] and "announcement" in notice["text"]
        assert POISON_EMAIL not in notice["text"] and "Poison" not in notice["text"]
        with bot.bot.deps.database.reading() as session:
            assert box.count_dead(session) == 1
            [row] = box.dead_rows(session, 10)
        assert (row.id, row.kind, row.lead_id, row.attempts) == (
            dead.id,
            "announce",
            poison,
            MAX_ATTEMPTS,
        )
        # One traceback, then one line per retry; never the contact's data, at any level.
        assert (
            sum(
                "Traceback" in r.getMessage() or "\n  File" in r.getMessage()
                for r in caplog.records
            )
            <= 1
        )
        assert all(POISON_EMAIL not in r.getMessage() for r in caplog.records)
        # The outbox keeps going.
        later = lead_number(hand_off(bot, external_id="ok-3", email="ok3@example.com"))
        deliver_until_quiet(bot)
        assert later in announced_leads(bot)
        assert len(standin.messages(MANAGER_DM)) == 1


def test_a_row_that_cannot_be_built_stops_neither_the_loop_nor_other_channels(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, pace_seconds=0.05) as bot:
        assert bot.bot is not None
        bad = add_row(bot, "post", "C0STANDUP", ["no", "longer", "a", "dict"])
        lead = lead_number(hand_off(bot, external_id="fine", email="fine@example.com"))
        standin.wait_for(lambda s: lead in announced_leads(bot), timeout=10)

        def dead_by_now(_: object) -> bool:
            time_passes(bot)  # each retry's backoff runs out at once
            bot.bot.outbox.wake()
            return rows(bot)[bad].status == "dead"

        standin.wait_for(dead_by_now, timeout=30)
        standin.wait_for(lambda s: s.messages(MANAGER_DM), timeout=10)
        [notice] = standin.messages(MANAGER_DM)
        assert "a post in <#C0STANDUP>" in notice["text"]
        assert f"row {bad}" in notice["text"]
        assert rows(bot)[bad].error.startswith("TypeError")


def test_a_notice_that_itself_dies_is_not_notified_again(standin) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, background=False, ticker=False, pace_seconds=0.05
    ) as bot:
        notice = add_row(bot, NOTICE_KIND, "U0MANAGER1", "not a payload")
        deliver_until_quiet(bot)
        everything = rows(bot)
        assert everything[notice].status == "dead"
        assert list(everything) == [notice]  # nothing new was owed: no notice about a notice
        assert standin.messages(MANAGER_DM) == []


def test_spanish_managers_are_told_in_spanish(standin, tmp_path) -> None:
    agreement = EXAMPLES / "acuerdo.es.yaml"
    with LocalBot(
        agreement, standin=standin, background=False, ticker=False, pace_seconds=0.05
    ) as bot:
        assert bot.bot is not None
        managers = bot.bot.deps.agreement.slack.managers
        poison = add_poisonous_lead(bot)
        deliver_until_quiet(bot)
        for manager in managers:
            [notice] = standin.messages(f"D{manager}")
            assert f"L-{poison}" in notice["text"] and "anuncio" in notice["text"]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=40)
    | st.sampled_from(["<!channel>", "<@U123>", "\x00", "ü" * 4000, "1e309", "0001-01-01"]),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
PAYLOADS = JSON | st.dictionaries(
    st.sampled_from(["text", "blocks", "thread_ts", "channel", "metadata", "ts", "day", "after"]),
    JSON,
    max_size=4,
)


FUZZ_CHANNELS = itertools.count()


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory):
    from bot.local.standin import SlackStandIn

    with (
        SlackStandIn() as standin,
        LocalBot(
            AGREEMENT, standin=standin, background=False, ticker=False, pace_seconds=0.0
        ) as bot,
    ):
        yield bot


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["post", "dm", "thread", "chart", "update_announcement", "announce", "?"]),
    payload=PAYLOADS,
)
def test_no_payload_escapes_the_delivery_or_stops_the_next_row(
    fuzz_bot: LocalBot, kind: str, payload: Any
) -> None:
    bot = fuzz_bot
    assert bot.bot is not None
    # A channel of its own: earlier examples' rows still retrying never queue before it.
    n = next(FUZZ_CHANNELS)
    channel = f"U0FUZZ{n}" if kind == "dm" else f"C0FUZZ{n}"
    hostile = add_row(bot, kind, channel, payload)
    healthy = add_row(bot, "post", "C0OTHER", {"text": f"after {hostile}"})
    time_passes(bot)
    bot.bot.outbox.deliver_once()  # never raises, whatever the row holds
    after = rows(bot)
    assert after[healthy].status == "sent"
    row = after[hostile]
    assert row.status in ("pending", "sent", "failed", "skipped", "dead")
    assert row.lease_until is None
    if row.status == "pending":  # counted and postponed, never picked again at once
        assert row.attempts == 1 or row.due_at > row.created_at


def test_tries_lost_to_a_slack_outage_do_not_count_towards_setting_a_row_aside(standin) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, background=False, ticker=False, pace_seconds=0.05
    ) as bot:
        assert bot.bot is not None
        poison = add_poisonous_lead(bot)
        with bot.bot.deps.database.unit_of_work() as session:
            session.execute(update(OutboxMessage).values(attempts=40))  # a long outage
        bot.bot.outbox.deliver_once()
        [row] = rows(bot).values()
        assert (row.lead_id, row.status, row.faults, row.attempts) == (poison, "pending", 1, 41)
        deliver_until_quiet(bot)
        [row] = [r for r in rows(bot).values() if r.kind == "announce"]
        assert (row.status, row.faults) == ("dead", MAX_ATTEMPTS)
