"""No single lead stops the tick: a poisonous row fails alone, is counted, then set aside.

The poisonous lead carries handed_off_at and created_at = 0001-01-01 (a .NET CRM's "no
date"), written straight into the database as an older bot would have stored it; the
business-clock maths on it overflows. Both databases, the real use cases, a frozen clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.bootstrap import UseCases, build_use_cases
from bot.runtime.clock import utc_now
from bot.runtime.set_aside import MAX_TICK_FAILURES
from storage.leads import count_set_aside, timeline
from storage.models import Lead, NotificationLedger, OutboxMessage
from storage.unit_of_work import Database
from tests.integration.test_cadence_flow import nudge, started_lead
from tests.integration.test_ladder import AGREEMENT, WED_10_00, at, hand_off

NO_DATE = datetime(1, 1, 1, tzinfo=UTC)
MANAGERS = AGREEMENT.slack.managers


@pytest.fixture
def cases(database: Database) -> UseCases:
    return build_use_cases(database, AGREEMENT, utc_now)


def poison(database: Database, *, owner: str | None = None, **fields: object) -> int:
    """A lead whose every date maths overflows, due for the ladder (and the cadence if owned)."""
    with database.unit_of_work() as session:
        values: dict[str, object] = {
            "name": "Poison Pill",
            "via": "api",
            "handed_off_at": NO_DATE,
            "respond_by": NO_DATE + timedelta(minutes=5),
            "status": "claimed" if owner else "unclaimed",
            "owner_id": owner,
            "announce_channel": "C0HANDOFF",
            "in_digest": False,
            # The lead's clocks start at receipt: a row written with "no date" there too.
            "created_at": NO_DATE,
            "next_step": 0,
            "next_step_due_at": NO_DATE + timedelta(minutes=2),
            "cadence_nudges": 0,
        }
        lead = Lead(**(values | fields))
        session.add(lead)
        session.flush()
        return lead.id


def tick(cases: UseCases, when: str) -> int:
    """The whole scheduler tick (ladder, nudges, standup); how many ladder steps it fired."""
    with freeze_time(when):
        before = ladder_steps(cases)
        cases.tick()
        return ladder_steps(cases) - before


def ladder_steps(cases: UseCases) -> int:
    with cases.sweeper.database.reading() as session:
        return len(
            session.scalars(
                select(NotificationLedger.id).where(NotificationLedger.step.like("escalation:%"))
            ).all()
        )


def lead_row(database: Database, lead_id: int) -> Lead:
    with database.reading() as session:
        row = session.get(Lead, lead_id)
        assert row is not None
        return row


def manager_notices(database: Database, lead_id: int) -> list[OutboxMessage]:
    with database.reading() as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == "dm", OutboxMessage.channel.in_(MANAGERS)
            )
        ).all()
    return [r for r in rows if f"L-{lead_id}*" in r.payload.get("text", "")]


def test_a_poisonous_lead_does_not_stop_the_breach_of_a_healthy_one(
    cases: UseCases, database: Database
) -> None:
    bad = poison(database)
    good = hand_off(cases, WED_10_00)
    # 10:02: the healthy lead's "nobody claimed it" note fires although the poison shares
    # its batch (and comes first in it: its step is due since year 1).
    assert tick(cases, at("10:02")) == 1
    assert lead_row(database, good).next_step == 1
    assert lead_row(database, bad).tick_failures == 1
    assert tick(cases, at("10:05")) == 1
    breached = lead_row(database, good)
    assert breached.breached_at == datetime(2026, 11, 25, 16, 5, tzinfo=UTC)
    assert lead_row(database, bad).tick_failures == 2
    assert lead_row(database, bad).set_aside_at is None
    assert manager_notices(database, bad) == []


def test_the_poisonous_lead_is_set_aside_after_n_ticks_and_managers_are_told_once(
    cases: UseCases, database: Database
) -> None:
    bad = poison(database)
    for minute in range(MAX_TICK_FAILURES):
        tick(cases, at(f"10:0{minute}"))
    row = lead_row(database, bad)
    assert row.tick_failures == MAX_TICK_FAILURES
    assert row.set_aside_at == datetime(2026, 11, 25, 16, 2, tzinfo=UTC)
    assert row.set_aside_reason == "ladder: OverflowError"
    notices = manager_notices(database, bad)
    assert sorted(n.channel for n in notices) == sorted(MANAGERS)
    text = notices[0].payload["text"]
    assert "set *L-1* aside" in text and "response ladder" in text
    assert "Poison" not in text  # the lead's own data stays out of the notice
    with database.reading() as session:
        assert count_set_aside(session) == 1
        assert [e.kind for e in timeline(session, bad)] == ["set_aside"]
    story = cases.stories.story("L-1").text
    assert "set aside: the response ladder kept failing on it; the managers were told" in story
    # Set aside: later ticks leave it alone, count nothing and tell nobody again.
    for minute in range(5, 9):
        tick(cases, at(f"10:0{minute}"))
    assert lead_row(database, bad).tick_failures == MAX_TICK_FAILURES
    assert len(manager_notices(database, bad)) == len(MANAGERS)


def test_failures_survive_a_restart_and_the_set_aside_happens_once(
    database: Database,
) -> None:
    bad = poison(database)
    # A new process each tick: the count lives in the database, not in memory.
    for minute in range(MAX_TICK_FAILURES + 2):
        tick(build_use_cases(database, AGREEMENT, utc_now), at(f"10:0{minute}"))
    assert lead_row(database, bad).set_aside_at is not None
    assert len(manager_notices(database, bad)) == len(MANAGERS)


def test_a_failure_in_a_row_is_forgotten_after_a_success(
    cases: UseCases, database: Database
) -> None:
    good = hand_off(cases, WED_10_00)
    with database.unit_of_work() as session:
        session.get(Lead, good).tick_failures = MAX_TICK_FAILURES - 1
    assert tick(cases, at("10:02")) == 1
    assert lead_row(database, good).tick_failures == 0


def test_a_poisonous_cadence_lead_does_not_stop_the_nudges(
    cases: UseCases, database: Database
) -> None:
    good = started_lead(cases)
    bad = poison(
        database,
        owner="U0REP2",
        next_step_due_at=None,
        cadence_step=1,
        cadence_due_at=datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
    )
    assert nudge(cases, 25, "10:03") == 1
    assert lead_row(database, good).cadence_nudges == 1
    assert lead_row(database, bad).tick_failures == 1
    assert nudge(cases, 25, "10:04") == 0
    assert lead_row(database, bad).tick_failures == 2
    nudge(cases, 25, "10:05")
    row = lead_row(database, bad)
    assert row.set_aside_at is not None and row.set_aside_reason == "nudges: OverflowError"
    assert "follow-up cadence" in manager_notices(database, bad)[0].payload["text"]


def test_a_failing_standup_does_not_stop_the_breaches(
    cases: UseCases, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = hand_off(cases, WED_10_00)

    def broken() -> int:
        raise RuntimeError("standup down")

    monkeypatch.setattr(cases.standup, "tick", broken)
    monkeypatch.setattr(cases.nudger, "tick", broken)
    # The failing parts come after the ladder and before it in turn: order does not matter.
    monkeypatch.setattr(
        cases, "tick_parts", lambda: [("standup", broken), ("ladder", cases.sweeper.tick)]
    )
    assert tick(cases, at("10:02")) == 1
    assert lead_row(database, good).next_step == 1
