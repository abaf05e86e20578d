"""Goals: counts, recording, the standup once a day, celebrations once, the reverse funnel."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from bot.slash.goals import GoalCommands
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from sla_rules.periods import parse_period
from storage.engine import make_engine
from storage.models import OutboxMessage
from storage.unit_of_work import Database
from tests.helpers import run_together
from tests.paths import EXAMPLES

EN = Catalogue("en")
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
    assert "daily standup for nov 27, 2026" in posts(database)[0].payload["text"].lower()


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


def test_a_jump_past_several_milestones_posts_one_celebration_for_the_highest(
    cases, database
) -> None:
    with freeze_time(mx(27, "08:00")):
        cases.goals.record("visits", 2600, None, "add", "U0MKT1")
        assert cases.standup.celebrate() == 1
        # The 50% it jumped over counts as reached: never posted later, even after a correction.
        cases.goals.record("visits", 1300, None, "set", "U0MKT1")
        assert cases.standup.celebrate() == 0
        cases.goals.record("visits", 2600, None, "set", "U0MKT1")
        assert cases.standup.celebrate() == 0
    [text] = [row.payload["text"] for row in posts(database)]
    assert text.startswith(":trophy: *The monthly visits goal is met*: 2,600 of 2,500!")


def test_two_processes_post_one_celebration_for_a_jump(database_url, database) -> None:
    first = build_use_cases(database, AGREEMENT, utc_now)
    other = Database(make_engine(database_url))
    second = build_use_cases(other, AGREEMENT, utc_now)
    with freeze_time(mx(27, "08:00")):
        first.goals.record("visits", 2600, None, "add", "U0MKT1")
        counts = run_together(first.standup.celebrate, second.standup.celebrate)
        assert first.standup.celebrate() == second.standup.celebrate() == 0
    other.dispose()
    assert sorted(counts) == [0, 1]
    [text] = [row.payload["text"] for row in posts(database)]
    assert "goal is met" in text


def test_calc_reverse_funnel_and_what_if(cases: UseCases) -> None:
    with freeze_time(FRIDAY):
        plan = cases.calculator.answer("")
        assert "→ from Marketing's leads: 200,000 MXN × 50% = *100,000 MXN*" in plan.text
        assert "→ clients: 100,000 MXN ÷ 5,000 MXN a deal = *20*" in plan.text
        assert "→ leads: 20 ÷ 8% close rate = *250*" in plan.text
        assert "→ visits: 250 ÷ 10% visit-to-lead rate = *2,500*" in plan.text
        what_if = cases.calculator.answer("revenue=300000 close=0.1")
        assert "*30*" in what_if.text and "*300*" in what_if.text and "*3,000*" in what_if.text
        refused = cases.calculator.answer("close=1.5")
        assert refused.text.startswith("`close`:")
        assert "`bogus` " not in cases.calculator.answer("bogus=1").text
        assert "I do not know `bogus`" in cases.calculator.answer("bogus=1").text


def test_calc_multiplies_out_from_each_line_to_the_next(cases: UseCases) -> None:
    with freeze_time(FRIDAY):
        # 67,000 / 5,000 is 13.4 clients: 14 to find, and 14 at a 20% close rate is 70 leads.
        text = cases.calculator.answer("revenue=67000 share=1 deal=5000 close=0.2 visit=0.3").text
    assert "→ clients: 67,000 MXN ÷ 5,000 MXN a deal = *14*" in text
    assert "→ leads: 14 ÷ 20% close rate = *70*" in text
    assert "→ visits: 70 ÷ 30% visit-to-lead rate = *234*" in text  # 233.3: 234 visits


def test_calc_with_this_months_rates_uses_them_as_shown(cases: UseCases) -> None:
    with freeze_time(mx(26, "10:00")):
        leads = [
            cases.handoffs.hand_off(HandoffIn(external_id=f"r{n}", name=f"R{n}"), via="api").lead
            for n in range(3)
        ]
        cases.claims.claim(leads[0].id, "U0REP1")
        cases.touches.log(TouchRequest(leads[0].id, "call", "won", "U0REP1"))
        cases.goals.record("visits", 7, None, "add", "U0MKT1")
    with freeze_time(FRIDAY):
        text = cases.calculator.answer("").text
    # 1 client of 3 leads is 33.33%; 3 leads of 7 visits is 42.86%: each used as shown.
    _, actual = text.split("With this month's actual conversion rates:")
    assert "→ leads: 20 ÷ 33.33% close rate = *61*" in actual  # 20 / 0.3333 = 60.006
    assert "→ visits: 61 ÷ 42.86% visit-to-lead rate = *143*" in actual  # 142.3


def goal_commands(cases: UseCases) -> GoalCommands:
    return GoalCommands(
        cases.goals, cases.goal_messages, cases.reports, cases.calculator, cases.counts
    )


def test_goals_for_a_past_month_come_from_its_records(cases: UseCases) -> None:
    with freeze_time(mx(26, "10:00")):
        for n in range(3):
            cases.handoffs.hand_off(HandoffIn(external_id=f"p{n}", name=f"P{n}"), via="api")
        cases.goals.record("visits", 2600, None, "add", "U0MKT1")
    with freeze_time("2026-12-02 16:00:00"):
        cases.goals.record("visits", 40, None, "add", "U0MKT1")
        november = goal_commands(cases).progress("2026-11").text
        december = goal_commands(cases).progress("").text
    assert november.startswith("*Goals for November 2026* (month closed)")
    assert "*Visits* ▓▓▓▓▓▓▓▓▓▓ 2,600 / 2,500 (104%)" in november
    assert "target met" in november
    assert "*Contacts* ░░░░░░░░░░ 3 / 250 (1%)" in november
    assert "247 short at the month's end" in november
    assert december.startswith("*Goals for December 2026* (business day 2 of 21)")
    assert "40 / 2,500" in december and "0 / 250" in december


def test_goals_say_a_future_month_has_no_figures_yet(cases: UseCases) -> None:
    with freeze_time("2026-12-02 16:00:00"):
        answer = goal_commands(cases).progress("2027-01").text
    assert answer == (
        "January 2027 has not started yet: goals are shown for this month and the months before it."
    )


months_and_noise = st.one_of(
    st.text(max_size=40),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(-99, 99999), st.integers(0, 99)),
    st.sampled_from(
        ["<@U0REP1>", "<!channel>", "2026-11-31", "0000-01", "9999-12", "２０２６-１１"]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=months_and_noise)
def test_goals_never_show_this_month_under_another_label(cases: UseCases, text: str) -> None:
    with freeze_time("2026-12-02 16:00:00"):
        answer = goal_commands(cases).progress(text).text
    asked = parse_period(text, date(2026, 12, 2), AGREEMENT.zone)
    if asked is None or asked.key in ("today", "yesterday", "week"):
        assert answer.startswith("Write the month as YYYY-MM")
    elif asked.key in ("month", "2026-12"):
        assert answer.startswith("*Goals for December 2026* (business day 2 of 21)")
    elif asked.key > "2026-12":
        first = asked.first_day(AGREEMENT.zone)
        assert answer.startswith(f"{EN.month(first)} has not started yet")
    else:
        first = asked.first_day(AGREEMENT.zone)
        assert answer.startswith(f"*Goals for {EN.month(first)}* (month closed)")
    assert "<@" not in answer and "<!" not in answer
