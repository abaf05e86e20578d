"""The escalation ladder through the use cases, with a frozen clock and a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from sla_rules.agreement import load_agreement
from storage.engine import make_engine
from storage.models import Lead, NotificationLedger, OutboxMessage
from storage.unit_of_work import Database
from tests.helpers import run_together
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
# Wednesday 25 November 2026 in Mexico City (UTC-6): a business day.
WED_10_00 = "2026-11-25 16:00:00"


def at(local: str) -> str:
    """A Mexico City wall time on 2026-11-25 as the UTC string freezegun wants."""
    hours, minutes = (int(part) for part in local.split(":"))
    return f"2026-11-25 {hours + 6:02d}:{minutes:02d}:00"


@pytest.fixture
def cases(database: Database) -> UseCases:
    return build_use_cases(database, AGREEMENT, utc_now)


def hand_off(cases: UseCases, when: str = WED_10_00, **fields: str) -> int:
    with freeze_time(when):
        data = HandoffIn(external_id=fields.get("external_id", "crm-1"), name="Marta Quintana")
        return cases.handoffs.hand_off(data, via="api").lead.id


def tick(cases: UseCases, when: str) -> int:
    with freeze_time(when):
        return cases.sweeper.tick()


def outbox(database: Database, since: int = 0) -> list[tuple[str, str, str]]:
    """(kind, channel, text) of each owed message after the first `since` rows."""
    with database.reading() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(r.kind, r.channel, r.payload.get("text", "")) for r in rows][since:]


def lead_row(database: Database, lead_id: int) -> Lead:
    with database.reading() as session:
        return session.get(Lead, lead_id)


def test_each_step_fires_once_in_order(cases: UseCases, database: Database) -> None:
    lead = hand_off(cases)
    assert tick(cases, at("10:01")) == 0
    assert tick(cases, at("10:02")) == 1
    [(kind, channel, text)] = outbox(database, since=1)
    assert (kind, channel) == ("thread", "C0HANDOFF")
    assert "Nobody has claimed *L-1* yet" in text
    with freeze_time(at("10:03")):
        assert cases.claims.claim(lead, "U0REP1").outcome == "claimed"
    before = len(outbox(database))
    assert tick(cases, at("10:05")) == 1
    breach = outbox(database, since=before)
    assert [(k, c) for k, c, _ in breach] == [("thread", "C0HANDOFF"), ("post", "C0ESCALATE")]
    assert "SLA breached" in breach[0][2] and "<@U0REP1>" in breach[0][2]
    assert lead_row(database, lead).breached_at == datetime(2026, 11, 25, 16, 5, tzinfo=UTC)
    assert tick(cases, at("10:14")) == 0
    before = len(outbox(database))
    assert tick(cases, at("10:15")) == 1
    assert [(k, c) for k, c, _ in outbox(database, since=before)] == [("dm", "U0MANAGER1")]
    before = len(outbox(database))
    assert tick(cases, at("10:30")) == 1
    release = outbox(database, since=before)
    # No announcement was ever delivered here, so there is no old message to redraw.
    assert [k for k, _, _ in release] == ["thread", "announce"]
    assert "did not touch *L-1* in time" in release[0][2]
    row = lead_row(database, lead)
    assert (row.owner_id, row.status, row.next_step) == (None, "unclaimed", None)
    assert tick(cases, at("11:30")) == 0
    with database.reading() as session:
        steps = session.scalars(select(NotificationLedger.step)).all()
    assert sorted(steps) == [f"escalation:{n}" for n in range(4)]


def test_a_claim_alone_does_not_stop_the_clock(cases: UseCases, database: Database) -> None:
    lead = hand_off(cases)
    with freeze_time(at("10:01")):
        cases.claims.claim(lead, "U0REP2")
    assert tick(cases, at("10:02")) == 1
    [(kind, channel, text)] = outbox(database, since=4)
    assert (kind, channel) == ("dm", "U0REP2")
    assert "first touch is due by *10:05*" in text
    assert tick(cases, at("10:05")) == 1


def test_a_touch_stops_the_ladder(cases: UseCases, database: Database) -> None:
    lead = hand_off(cases)
    with freeze_time(at("10:01")):
        cases.claims.claim(lead, "U0REP2")
    with freeze_time(at("10:03")):
        result = cases.touches.log(TouchRequest(lead, "call", "no_answer", "U0REP2"))
    assert result.outcome == "logged" and result.first and result.within_sla
    assert tick(cases, at("12:00")) == 0
    row = lead_row(database, lead)
    assert row.next_step_due_at is None
    assert row.breached_at is None
    assert row.first_touch_seconds == 180
    assert row.first_touch_business_seconds == 180
    assert row.claim_seconds == 60


def test_a_process_that_was_down_catches_up_once_in_order(
    cases: UseCases, database: Database
) -> None:
    lead = hand_off(cases)
    assert tick(cases, at("10:45")) == 4
    kinds = [k for k, _, _ in outbox(database, since=1)]
    assert kinds == ["thread", "thread", "post", "dm", "thread", "announce"]
    assert tick(cases, at("10:46")) == 0
    assert lead_row(database, lead).next_step is None


def test_a_lead_handed_off_at_night_waits_for_business_hours(
    cases: UseCases, database: Database
) -> None:
    # Tuesday 22:00 in Mexico City: the clock starts at Wednesday's opening.
    hand_off(cases, when="2026-11-25 04:00:00")
    row = lead_row(database, 1)
    assert row.respond_by == datetime(2026, 11, 25, 15, 5, tzinfo=UTC)  # Wed 09:05 local
    assert tick(cases, "2026-11-25 05:00:00") == 0
    assert tick(cases, at("09:01")) == 0
    assert tick(cases, at("09:02")) == 1


def test_two_sweepers_fire_each_step_once(database_url: str, database: Database) -> None:
    first = build_use_cases(database, AGREEMENT, utc_now)
    for n in range(20):
        hand_off(first, external_id=f"crm-{n}")
    other = Database(make_engine(database_url))
    second = build_use_cases(other, AGREEMENT, utc_now)
    with freeze_time(at("10:45")):
        counts = run_together(first.sweeper.tick, second.sweeper.tick)
    other.dispose()
    assert sum(counts) == 20 * 4
    with database.reading() as session:
        assert len(session.scalars(select(NotificationLedger)).all()) == 80
        posts = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "post")).all()
    assert len(posts) == 20
