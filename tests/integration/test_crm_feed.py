"""The CRM feed: lead events owe connector rows in the same transaction, breaches included."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.bootstrap import build_use_cases
from bot.crm.lanes import CrmFeed
from bot.runtime.clock import utc_now
from storage.models import LeadEvent, OutboxMessage
from storage.unit_of_work import Database
from tests.e2e.lane_fakes import Recorder
from tests.integration.test_ladder import AGREEMENT, at, hand_off, tick


def crm_rows(database: Database) -> list[tuple[int | None, str]]:
    with database.reading() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel.like("ext:%"))
            .order_by(OutboxMessage.id)
        ).all()
    return [(row.lead_id, row.payload["event"]) for row in rows]


def test_claim_touch_and_breach_each_owe_one_row(database: Database) -> None:
    database.event_sinks.append(CrmFeed([Recorder()]).sink)
    cases = build_use_cases(database, AGREEMENT, utc_now)
    lead = hand_off(cases)
    with freeze_time(at("10:03")):
        assert cases.claims.claim(lead, "U0REP1").outcome == "claimed"
    tick(cases, at("10:05"))  # the channel step: the SLA is breached
    tick(cases, at("10:15"))
    assert crm_rows(database) == [(lead, "handoff"), (lead, "claimed"), (lead, "breached")]
    with database.reading() as session:
        kinds = session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead)).all()
    assert kinds.count("breached") == 1


def test_a_failing_sink_rolls_the_whole_change_back(database: Database) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("connector bug")

    database.event_sinks.append(broken)
    cases = build_use_cases(database, AGREEMENT, utc_now)
    with pytest.raises(RuntimeError):
        hand_off(cases)
    with database.reading() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert session.scalars(select(LeadEvent)).all() == []
