"""The standup's speed section covers the previous business day, and its pace today's hours.

November 2026 in Mexico City: Monday 16 is Revolution Day; Monday 30 follows a weekend.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from storage.unit_of_work import Database
from tests.integration.report_stories import AGREEMENT, local


@pytest.fixture
def cases(database: Database) -> UseCases:
    return build_use_cases(database, AGREEMENT, utc_now)


def hand_off(cases: UseCases, month: int, day: int, clock: str, name: str) -> None:
    """A lead handed off, claimed and called a minute later."""
    at = local(month, day, clock)
    with freeze_time(at):
        lead = cases.handoffs.hand_off(HandoffIn(name=name), via="api").lead
    with freeze_time(at + timedelta(minutes=1)):
        cases.claims.claim(lead.id, "U0REP1")
        cases.touches.log(TouchRequest(lead.id, "call", "no_answer", "U0REP1"))


def standup_speed(cases: UseCases, month: int, day: int) -> str:
    with freeze_time(local(month, day, "09:00")):
        blocks = cases.standup.compose(date(2026, month, day)).blocks
    return next(b["text"]["text"] for b in blocks if "Handed off" in str(b))


@pytest.mark.parametrize(
    ("standup", "covered", "left_out"),
    [
        # Monday: Friday's leads, and the weekend's, which no other standup would show.
        ((11, 30), [(11, 27, "10:00"), (11, 28, "11:00"), (11, 29, "12:00")], [(11, 26, "10:00")]),
        # Tuesday 17, after the holiday: Friday 13 and the long weekend.
        ((11, 17), [(11, 13, "10:00"), (11, 16, "10:00")], [(11, 12, "17:00"), (11, 17, "08:00")]),
        # An ordinary Wednesday: Tuesday only.
        ((11, 25), [(11, 24, "10:00")], [(11, 23, "17:00"), (11, 25, "08:30")]),
    ],
)
def test_the_standup_covers_the_previous_business_day(
    cases: UseCases, standup: tuple[int, int], covered: list, left_out: list
) -> None:
    for n, (month, day, clock) in enumerate(sorted(covered + left_out)):
        hand_off(cases, month, day, clock, f"Lead {n}")
    speed = standup_speed(cases, *standup)
    assert f"Handed off: {len(covered)} ·" in speed


def test_the_pace_at_a_nine_oclock_standup_leaves_today_out(cases: UseCases) -> None:
    # Friday 27 November at 09:00: 18 business days are over (today's hours have not begun).
    with freeze_time(local(11, 27, "09:00")):
        morning = {s.metric: s.progress for s in cases.goals.statuses()}
    with freeze_time(local(11, 27, "18:00")):
        evening = {s.metric: s.progress for s in cases.goals.statuses()}
    with freeze_time(local(11, 27, "13:30")):
        midday = {s.metric: s.progress for s in cases.goals.statuses()}
    target = morning["visits"].target
    assert morning["visits"].expected == pytest.approx(target * 18 / 20)
    assert evening["visits"].expected == pytest.approx(target * 19 / 20)
    assert midday["visits"].expected == pytest.approx(target * 18.5 / 20)
    # At 09:00 today is still ahead: it and Monday 30 are the days left to close the gap.
    assert (morning["visits"].business_days_left, evening["visits"].business_days_left) == (2, 1)
