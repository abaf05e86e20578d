"""The original cadence plan: business days, holidays, nights and DST switches."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla_rules.business_clock import BusinessClock
from sla_rules.cadence import StepEvent, original_plan, replay
from tests.unit.cadence.plans import (
    CADENCE,
    CLOCK,
    HANDOFF,
    MADRID,
    MADRID_CLOCK,
    MEXICO,
    NEW_YORK,
    NEW_YORK_CLOCK,
    at,
    local_plan,
)

# --- The original plan -----------------------------------------------------------------------


def test_plan_follows_the_agreement_order_and_kinds() -> None:
    plan = original_plan(CADENCE, CLOCK, HANDOFF)
    assert [step.number for step in plan] == list(range(1, 13))
    assert [(step.day, step.kind) for step in plan] == [
        (touch.day, touch.kind) for touch in CADENCE.touches
    ]
    assert all(step.due_at == step.planned_at for step in plan)
    assert all(step.done_at is None and step.done_by is None for step in plan)
    assert all(step.planned_at.tzinfo is UTC for step in plan)


def test_plan_for_a_wednesday_handoff_crosses_weekends() -> None:
    assert local_plan(CLOCK, HANDOFF, MEXICO) == [
        "Wed 2026-06-03 10:30",  # day 0: due at once, one after the other
        "Wed 2026-06-03 10:30",
        "Thu 2026-06-04 10:30",  # day 1
        "Thu 2026-06-04 10:30",
        "Fri 2026-06-05 10:30",  # day 2
        "Mon 2026-06-08 10:30",  # day 3: over the weekend
        "Tue 2026-06-09 10:30",  # day 4
        "Tue 2026-06-09 10:30",
        "Thu 2026-06-11 10:30",  # day 6
        "Mon 2026-06-15 10:30",  # day 8
        "Wed 2026-06-17 10:30",  # day 10
        "Wed 2026-06-17 10:30",
    ]


def test_plan_skips_the_revolution_day_holiday() -> None:
    plan = local_plan(CLOCK, at("2026-11-11 10:30"), MEXICO)
    assert plan[4:] == [
        "Fri 2026-11-13 10:30",  # day 2
        "Tue 2026-11-17 10:30",  # day 3: Monday 16 is a public holiday
        "Wed 2026-11-18 10:30",
        "Wed 2026-11-18 10:30",
        "Fri 2026-11-20 10:30",  # day 6
        "Tue 2026-11-24 10:30",  # day 8
        "Thu 2026-11-26 10:30",  # day 10
        "Thu 2026-11-26 10:30",
    ]


def test_plan_skips_christmas_and_the_extra_day_off() -> None:
    plan = local_plan(CLOCK, at("2026-12-22 10:30"), MEXICO)
    assert plan[2:] == [
        "Wed 2026-12-23 10:30",  # day 1
        "Wed 2026-12-23 10:30",
        "Mon 2026-12-28 10:30",  # day 2: 24 (agreement), 25 (public) and the weekend off
        "Tue 2026-12-29 10:30",
        "Wed 2026-12-30 10:30",
        "Wed 2026-12-30 10:30",
        "Mon 2027-01-04 10:30",  # day 6: New Year's Day is off too
        "Wed 2027-01-06 10:30",
        "Fri 2027-01-08 10:30",
        "Fri 2027-01-08 10:30",
    ]


@pytest.mark.parametrize(
    ("handoff", "day0", "day1", "day3"),
    [
        (
            "2026-06-03 22:00",
            "Thu 2026-06-04 09:00",
            "Fri 2026-06-05 09:00",
            "Tue 2026-06-09 09:00",
        ),
        (
            "2026-06-03 07:15",
            "Wed 2026-06-03 09:00",
            "Thu 2026-06-04 09:00",
            "Mon 2026-06-08 09:00",
        ),
        (
            "2026-06-06 14:00",
            "Mon 2026-06-08 09:00",
            "Tue 2026-06-09 09:00",
            "Thu 2026-06-11 09:00",
        ),
        (
            "2026-06-03 18:00",
            "Thu 2026-06-04 09:00",
            "Fri 2026-06-05 09:00",
            "Tue 2026-06-09 09:00",
        ),
    ],
    ids=["night", "before-opening", "saturday", "at-closing"],
)
def test_plan_for_a_handoff_outside_business_hours_counts_from_the_opening(
    handoff: str, day0: str, day1: str, day3: str
) -> None:
    plan = local_plan(CLOCK, at(handoff), MEXICO)
    assert (plan[0], plan[1], plan[2], plan[5]) == (day0, day0, day1, day3)


@pytest.mark.parametrize(
    ("clock", "zone", "handoff", "before_utc", "after_utc"),
    [
        # Madrid leaves summer time on Sunday 2026-10-25: 10:30 is 08:30Z, then 09:30Z.
        (MADRID_CLOCK, MADRID, "2026-10-22 10:30", "2026-10-23 08:30", "2026-10-26 09:30"),
        # New York leaves summer time on Sunday 2026-11-01: 10:30 is 14:30Z, then 15:30Z.
        (NEW_YORK_CLOCK, NEW_YORK, "2026-10-29 10:30", "2026-10-30 14:30", "2026-11-02 15:30"),
    ],
    ids=["madrid", "new_york"],
)
def test_plan_keeps_the_local_time_of_day_across_a_dst_switch(
    clock: BusinessClock, zone: ZoneInfo, handoff: str, before_utc: str, after_utc: str
) -> None:
    plan = original_plan(CADENCE, clock, at(handoff, zone))
    assert all(f"{step.planned_at.astimezone(zone):%H:%M}" == "10:30" for step in plan)
    assert plan[2].planned_at == at(before_utc, UTC)  # day 1, before the switch
    assert plan[4].planned_at == at(after_utc, UTC)  # day 2, after it
    assert plan[4].planned_at - plan[2].planned_at == timedelta(days=3, hours=1)


def test_new_york_plan_skips_veterans_day() -> None:
    plan = local_plan(NEW_YORK_CLOCK, at("2026-10-29 10:30", NEW_YORK), NEW_YORK)
    assert plan[-1] == "Fri 2026-11-13 10:30"  # day 10 counts Wednesday 11 as a day off


def test_a_late_touch_shifts_later_steps_keeping_local_time_across_dst() -> None:
    # Touch 1 logged a day late, on the Friday before Madrid's switch.
    handoff = at("2026-10-22 10:30", MADRID)
    events = [StepEvent(at("2026-10-23 11:00", MADRID), "touch", kind="call")]
    state = replay(CADENCE, MADRID_CLOCK, handoff, events)
    assert state.steps[1].due_at == at("2026-10-23 09:00", UTC)  # day 0 again: at once
    assert state.steps[2].due_at == at("2026-10-26 11:00", MADRID)  # 11:00 local, now 10:00Z
    assert state.steps[2].due_at == at("2026-10-26 10:00", UTC)
