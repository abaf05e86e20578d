"""Goals: counts, recording, the standup once a day, celebrations once, the reverse funnel."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from sla_rules.agreement import load_agreement
from storage.engine import make_engine
from storage.models import OutboxMessage
from storage.unit_of_work import Database
from tests.helpers import run_together
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
# Friday 27 November 2026, 10:00 in Mexico City.
FRIDAY = "2026-11-27 16:00:00"


def mx(day: int, clock: str) -> str:
    hours, minutes = (int(part) for part in clock.split(":"))
    return f"2026-11-{day:02d} {hours + 6:02d}:{minutes:02d}:00"


@pytest.fixture
def cases(database: Database) -> UseCases:
    return build_use_cases(database, AGREEMENT, utc_now)


def posts(database: Database, channel: str = "C0STANDUP") -> list[OutboxMessage]:
    with database.reading() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == channel)
                .order_by(OutboxMessage.id)
            )
        )


def test_counts_come_from_handoffs_won_leads_and_reports(cases: UseCases) -> None:
    with freeze_time(mx(26, "10:00")):
        for n in range(3):
            lead = cases.handoffs.hand_off(
                HandoffIn(external_id=f"c{n}", name=f"L{n}"), via="api"
            ).lead
        cases.claims.claim(lead.id, "U0REP1")
        cases.touches.log(TouchRequest(lead.id, "call", "won", "U0REP1"))
        assert cases.goals.record("visits", 120, None, "add", "U0MKT1").value == 120
        assert cases.goals.record("visits", 30, None, "add", "U0MKT2").value == 150
        assert cases.goals.record("visits", 200, "2026-11-25", "set", None).value == 200
    with freeze_time(FRIDAY):
        statuses = {s.metric: s.progress for s in cases.goals.statuses()}
    assert (statuses["visits"].actual, statuses["contacts"].actual, statuses["clients"].actual) == (
        350,
        3,
        1,
    )
    assert statuses["visits"].business_days_in_month == 20  # 21 weekdays less Revolution Day


@pytest.mark.parametrize(
    ("metric", "value", "day", "mode", "user", "refusal", "field"),
    [
        ("sales", 1, None, "add", None, "unknown_metric", "metric"),
        ("contacts", 1, None, "add", None, "not_reported", "metric"),
        ("visits", -5, None, "add", None, "negative", "value"),
        ("visits", "lots", None, "add", None, "not_whole", "value"),
        ("visits", 1.5, None, "add", None, "not_whole", "value"),
        ("visits", True, None, "add", None, "not_whole", "value"),
        ("visits", 1, "2026-11-31", "add", None, "bad_date", "date"),
        ("visits", 1, "2026-11-28", "add", None, "future_date", "date"),
        ("visits", 1, "2026-10-30", "add", None, "closed_month", "date"),
        ("visits", 1, None, "double", None, "bad_mode", "mode"),
        ("visits", 1, None, "add", "U0REP1", "not_allowed", "user"),
    ],
)
def test_bad_counts_are_refused_with_the_field(
    cases, metric, value, day, mode, user, refusal, field
) -> None:
    with freeze_time(FRIDAY):
        result = cases.goals.record(metric, value, day, mode, user)
    assert (result.refusal, result.field) == (refusal, field)
    with freeze_time(FRIDAY):
        assert cases.goals.statuses()[0].progress.actual == 0


def test_the_standup_posts_once_a_day_at_its_time(cases: UseCases, database: Database) -> None:
    with freeze_time(mx(27, "08:59")):
        assert cases.standup.tick() == 0
    with freeze_time(mx(27, "09:00")):
        assert cases.standup.tick() == 1
    with freeze_time(mx(27, "09:01")):
        assert cases.standup.tick() == 0
    kinds = [row.kind for row in posts(database)]
    assert kinds == ["post", "chart"]
    assert "daily standup for 2026-11-27" in posts(database)[0].payload["text"].lower()


def test_a_bot_that_was_down_posts_late_the_same_day(cases, database) -> None:
    with freeze_time(mx(27, "15:30")):
        assert cases.standup.tick() == 1
    with freeze_time("2026-11-28 16:00:00"):  # Saturday: no standup
        assert cases.standup.tick() == 0
    assert len([r for r in posts(database) if r.kind == "post"]) == 1


def test_two_processes_post_one_standup(database_url: str, database: Database) -> None:
    first = build_use_cases(database, AGREEMENT, utc_now)
    other = Database(make_engine(database_url))
    second = build_use_cases(other, AGREEMENT, utc_now)
    with freeze_time(mx(27, "09:00")):
        counts = run_together(first.standup.tick, second.standup.tick)
    other.dispose()
    assert sum(counts) == 1
    assert [r.kind for r in posts(database)] == ["post", "chart"]


def test_each_milestone_is_celebrated_once_naming_who_counted(cases, database) -> None:
    with freeze_time(mx(27, "08:00")):
        cases.goals.record("visits", 1000, None, "add", "U0MKT1")
        assert cases.standup.celebrate() == 0
        cases.goals.record("visits", 300, None, "add", "U0MKT2")
        assert cases.standup.celebrate() == 1
        assert cases.standup.celebrate() == 0
        cases.goals.record("visits", 1300, None, "add", "U0MKT1")
        assert cases.standup.celebrate() == 1
    texts = [row.payload["text"] for row in posts(database)]
    assert texts[0].startswith(":tada: *50% of the monthly visits goal*: 1,300 of 2,500!")
    assert "Thanks to <@U0MKT1> and <@U0MKT2>." in texts[0]
    assert texts[1].startswith(":trophy: *The monthly visits goal is met*: 2,600 of 2,500!")


def test_calc_reverse_funnel_and_what_if(cases: UseCases) -> None:
    with freeze_time(FRIDAY):
        plan = cases.calculator.answer("")
        assert "→ clients at 5,000 MXN each: *20*" in plan.text
        assert "→ leads, closing 8% of them: *250*" in plan.text
        assert "→ visits, 10% of them becoming leads: *2,500*" in plan.text
        what_if = cases.calculator.answer("revenue=300000 close=0.1")
        assert "*30*" in what_if.text and "*300*" in what_if.text and "*3,000*" in what_if.text
        refused = cases.calculator.answer("close=1.5")
        assert refused.text.startswith("`close`:")
        assert "`bogus` " not in cases.calculator.answer("bogus=1").text
        assert "I do not know `bogus`" in cases.calculator.answer("bogus=1").text
