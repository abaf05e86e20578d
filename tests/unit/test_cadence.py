"""The 12-touch cadence plan: business days, holidays, DST, late and early work, stops."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_rules.agreement import OUTCOMES, TOUCH_KINDS, load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.cadence import (
    CONTACT_OUTCOMES,
    CadenceState,
    PlannedStep,
    StepEvent,
    check_snooze,
    original_plan,
    replay,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
CADENCE = AGREEMENT.cadence
MEXICO = ZoneInfo("America/Mexico_City")
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
CLOCK = BusinessClock.from_agreement(AGREEMENT)
MADRID_CLOCK = BusinessClock(
    AGREEMENT.business_hours.model_copy(update={"holidays_country": "ES"}), MADRID
)
NEW_YORK_CLOCK = BusinessClock(
    AGREEMENT.business_hours.model_copy(update={"holidays_country": "US"}), NEW_YORK
)
# Wednesday 2026-06-03 10:30 in Mexico City: no holidays in the two weeks that follow.
HANDOFF = datetime(2026, 6, 3, 10, 30, tzinfo=MEXICO)


def at(text: str, zone: ZoneInfo = MEXICO) -> datetime:
    """A local wall time in the zone."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def touch(when: str, kind: str, outcome: str = "no_answer") -> StepEvent:
    return StepEvent(at(when), "touch", kind=kind, outcome=outcome)


def skip(when: str) -> StepEvent:
    return StepEvent(at(when), "skip")


def snooze(when: str, until: str) -> StepEvent:
    return StepEvent(at(when), "snooze", until=at(until))


def run(*events: StepEvent, handoff: datetime = HANDOFF) -> CadenceState:
    return replay(CADENCE, CLOCK, handoff, events)


# The two day-0 touches logged right at handoff, so nothing after them moves.
ON_TIME = (
    StepEvent(HANDOFF, "touch", kind="call", outcome="no_answer"),
    StepEvent(HANDOFF, "touch", kind="email", outcome="email_sent"),
)


def dues(state: CadenceState) -> list[datetime]:
    return [step.due_at for step in state.steps]


def local_plan(clock: BusinessClock, handoff: datetime, zone: ZoneInfo) -> list[str]:
    """The planned instants as local wall times, one per cadence step."""
    plan = original_plan(CADENCE, clock, handoff)
    return [f"{step.planned_at.astimezone(zone):%a %Y-%m-%d %H:%M}" for step in plan]


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


# --- Late and early work ---------------------------------------------------------------------


def test_a_touch_two_business_days_late_moves_later_steps_forward() -> None:
    state = run(
        *ON_TIME,
        touch("2026-06-08 11:00", "call"),  # touch 3 was due Thursday 10:30
    )
    third = state.steps[2]
    assert (third.done_at, third.done_by, third.logged_kind) == (
        at("2026-06-08 11:00"),
        "touch",
        "call",
    )
    assert third.due_at == at("2026-06-04 10:30")  # when it was due: the lateness is kept
    assert [step.due_at for step in state.steps[3:]] == [
        at("2026-06-08 11:00"),  # touch 4, same day as touch 3: due right after it
        at("2026-06-09 11:00"),  # touch 5 keeps its one-day spacing
        at("2026-06-10 11:00"),
        at("2026-06-11 11:00"),
        at("2026-06-11 11:00"),
        at("2026-06-15 11:00"),  # day 6: five business days after touch 3's day 1
        at("2026-06-17 11:00"),
        at("2026-06-19 11:00"),
        at("2026-06-19 11:00"),
    ]
    assert state.next_step is state.steps[3]
    assert state.overdue(at("2026-06-08 11:00"))
    assert not state.overdue(at("2026-06-08 10:59"))
    assert all(step.due_at >= step.planned_at for step in state.steps)


def test_early_touches_never_pull_later_steps_before_their_plan() -> None:
    state = run(
        touch("2026-06-03 10:31", "call"),
        touch("2026-06-03 10:32", "email", "email_sent"),
        touch("2026-06-03 10:33", "call"),  # touch 3, a day early
        touch("2026-06-03 10:34", "voicemail", "left_voicemail"),  # touch 4, a day early
    )
    pending = state.steps[4:]
    assert [step.due_at for step in pending] == [step.planned_at for step in pending]
    assert state.next_step is state.steps[4]
    assert not state.overdue(at("2026-06-05 10:29"))
    assert state.overdue(at("2026-06-05 10:30"))


def test_catching_up_after_falling_behind_pulls_steps_back_towards_the_plan() -> None:
    # Spacing runs from the most recent step, so working ahead of the shifted plan helps.
    behind = [
        *ON_TIME,
        touch("2026-06-08 11:00", "call"),
        touch("2026-06-08 11:05", "voicemail", "left_voicemail"),
    ]
    assert run(*behind).steps[5].due_at == at("2026-06-10 11:05")
    caught_up = run(*behind, touch("2026-06-08 11:10", "call"))  # touch 5 a day early
    assert caught_up.steps[5].due_at == at("2026-06-09 11:10")  # was Wednesday 11:05
    assert caught_up.steps[8].due_at == at("2026-06-12 11:10")
    assert all(step.due_at >= step.planned_at for step in caught_up.steps)


def test_another_kind_consumes_the_next_step_of_that_kind_and_the_due_one_stays() -> None:
    state = run(
        *ON_TIME,
        touch("2026-06-04 10:45", "email", "email_sent"),  # a call is due, an email is logged
    )
    email = state.steps[5]  # touch 6: the day-3 email
    assert (email.done_at, email.logged_kind) == (at("2026-06-04 10:45"), "email")
    assert state.next_step is state.steps[2]
    assert state.next_step.due_at == at("2026-06-04 10:30")
    assert state.overdue(at("2026-06-04 10:45"))
    assert [step.due_at for step in state.steps[6:]] == [
        step.planned_at for step in state.steps[6:]
    ]


def test_a_kind_with_no_pending_step_consumes_the_earliest_pending_step() -> None:
    emails = [touch(f"2026-06-03 10:3{minute}", "email", "email_sent") for minute in range(4)]
    state = run(*emails)
    assert [step.number for step in state.steps if step.done_at] == [1, 2, 6, 10]
    first = state.steps[0]
    assert (first.kind, first.logged_kind, first.done_at) == (
        "call",
        "email",
        at("2026-06-03 10:33"),
    )
    assert state.touches_by_kind == {"call": 0, "voicemail": 0, "email": 4}


def test_a_touch_that_jumps_ahead_never_makes_a_later_step_due_before_an_earlier_one() -> None:
    state = run(
        touch("2026-06-12 10:30", "call"),  # touch 1 seven business days late
        touch("2026-06-12 10:31", "email", "email_sent"),
        touch("2026-06-12 10:32", "email", "email_sent"),  # jumps ahead to touch 6
    )
    pending = [step for step in state.steps if step.done_at is None]
    assert [step.number for step in pending] == [3, 4, 5, 7, 8, 9, 10, 11, 12]
    assert all(a.due_at <= b.due_at for a, b in pairwise(pending))
    assert state.steps[4].due_at == at("2026-06-16 10:31")  # touch 5: day 2, after touch 2
    assert state.steps[6].due_at == at("2026-06-16 10:31")  # touch 7 waits for it


# --- Ending the cadence ----------------------------------------------------------------------


def every_touch(outcome_of_last: str = "no_answer") -> list[StepEvent]:
    """All twelve touches, one business hour apart, in the plan's kinds."""
    start = at("2026-06-03 10:31")
    events = [
        StepEvent(CLOCK.add(start, timedelta(hours=number)), "touch", kind=step.kind)
        for number, step in enumerate(CADENCE.touches)
    ]
    last = events[-1]
    events[-1] = StepEvent(last.at, "touch", kind=last.kind, outcome=outcome_of_last)
    return events


def test_every_step_consumed_without_contact_means_not_reached() -> None:
    state = run(*every_touch())
    assert state.finished and state.not_reached
    assert not state.reached and state.stopped_by is None
    assert state.next_step is None
    assert not state.overdue(at("2027-01-01 12:00"))
    assert all(step.done_by == "touch" for step in state.steps)


def test_connected_stops_the_cadence_and_ignores_later_events() -> None:
    state = run(
        touch("2026-06-03 10:31", "call"),
        touch("2026-06-03 10:40", "call", "connected"),
        touch("2026-06-04 10:40", "email", "email_sent"),
        skip("2026-06-05 10:00"),
    )
    assert (state.stopped_by, state.finished, state.reached, state.not_reached) == (
        "connected",
        True,
        True,
        False,
    )
    assert state.next_step is None
    assert sum(step.done_at is not None for step in state.steps) == 2
    assert state.touches_by_kind == {"call": 2, "voicemail": 0, "email": 0}


def test_disqualified_stops_without_counting_as_contact() -> None:
    state = run(touch("2026-06-03 10:31", "call", "disqualified"))
    assert (state.stopped_by, state.finished, state.reached, state.not_reached) == (
        "disqualified",
        True,
        False,
        False,
    )
    assert "disqualified" not in CONTACT_OUTCOMES


def test_a_disqualifying_last_touch_is_a_stop_not_a_miss() -> None:
    state = run(*every_touch("disqualified"))
    assert state.stopped_by == "disqualified" and not state.not_reached


def test_contact_that_does_not_stop_the_cadence_still_counts_as_reached() -> None:
    cadence = CADENCE.model_copy(update={"stop_on": ["won"]})
    first = [touch("2026-06-03 10:31", "call", "connected")]
    assert not replay(cadence, CLOCK, HANDOFF, first).finished
    state = replay(cadence, CLOCK, HANDOFF, [*first, *every_touch()[1:]])
    assert state.finished and state.reached and not state.not_reached
    assert state.stopped_by is None


# --- Skip and snooze -------------------------------------------------------------------------


def test_skip_consumes_the_due_step_and_anchors_spacing() -> None:
    state = run(
        *ON_TIME,
        skip("2026-06-04 15:00"),  # touch 3, a call, was due 10:30
    )
    third = state.steps[2]
    assert (third.done_by, third.done_at, third.logged_kind) == (
        "skip",
        at("2026-06-04 15:00"),
        None,
    )
    assert state.steps[3].due_at == at("2026-06-04 15:00")
    assert state.steps[4].due_at == at("2026-06-05 15:00")
    assert state.touches_by_kind == {"call": 1, "voicemail": 0, "email": 1}


def test_skip_on_a_fresh_lead_skips_the_first_step() -> None:
    state = run(skip("2026-06-03 10:35"))
    assert state.steps[0].done_by == "skip"
    assert state.next_step is state.steps[1]


def test_snooze_moves_only_the_next_step() -> None:
    events = [
        *ON_TIME,
        snooze("2026-06-04 10:45", "2026-06-05 16:00"),
    ]
    state = run(*events)
    assert state.next_step is state.steps[2]
    assert state.next_step.due_at == at("2026-06-05 16:00")
    assert state.steps[3].due_at == at("2026-06-04 10:30")  # touch 4 keeps its plan for now
    assert not state.overdue(at("2026-06-05 15:59"))
    assert state.overdue(at("2026-06-05 16:00"))
    # Once the snoozed call is logged, the steps after it keep their spacing from it.
    done = run(*events, touch("2026-06-05 16:05", "call"))
    assert done.steps[2].due_at == at("2026-06-05 16:00")
    assert done.steps[3].due_at == at("2026-06-05 16:05")
    assert done.steps[4].due_at == at("2026-06-08 16:05")


def test_the_latest_snooze_wins_but_never_before_the_plan() -> None:
    first = snooze("2026-06-03 10:35", "2026-06-05 16:00")
    sooner = run(first, snooze("2026-06-03 10:36", "2026-06-04 09:00"))
    assert sooner.steps[0].due_at == at("2026-06-04 09:00")
    before_plan = run(snooze("2026-06-01 10:00", "2026-06-02 10:00"))  # before the handoff
    assert before_plan.steps[0].due_at == HANDOFF


@pytest.mark.parametrize(
    ("until", "reason"),
    [
        ("2026-06-04 10:00", None),
        ("2026-06-04 09:00", None),  # exactly at opening
        ("2026-06-03 12:00", "in_past"),  # the instant itself
        ("2026-06-03 11:59", "in_past"),
        ("2026-06-02 10:00", "in_past"),
        ("2026-06-04 18:00", "closed"),  # closing is already closed
        ("2026-06-04 20:00", "closed"),
        ("2026-06-06 10:00", "closed"),  # Saturday
        ("2026-11-16 10:00", "closed"),  # Revolution Day
        ("2026-12-24 10:00", "closed"),  # the agreement's extra day off
    ],
)
def test_check_snooze(until: str, reason: str | None) -> None:
    assert check_snooze(CLOCK, at(until), at("2026-06-03 12:00")) == reason


# --- Bookkeeping -----------------------------------------------------------------------------


def test_touches_are_counted_by_the_kind_logged() -> None:
    state = run(
        touch("2026-06-03 10:31", "call"),
        touch("2026-06-03 10:32", "voicemail", "left_voicemail"),
        touch("2026-06-03 10:33", "voicemail", "left_voicemail"),
        skip("2026-06-03 10:34"),
        snooze("2026-06-03 10:35", "2026-06-04 12:00"),
        touch("2026-06-03 10:36", "email", "email_sent"),
    )
    assert state.touches_by_kind == {"call": 1, "voicemail": 2, "email": 1}
    assert run().touches_by_kind == dict.fromkeys(TOUCH_KINDS, 0)


def test_events_are_replayed_in_time_order_with_ties_kept_in_given_order() -> None:
    events = [
        touch("2026-06-08 11:00", "call"),
        *ON_TIME,
    ]
    assert run(*events) == run(*sorted(events, key=lambda event: event.at))
    tie = "2026-06-03 10:31"
    kept = run(touch(tie, "call", "connected"), touch(tie, "email", "email_sent"))
    assert kept.stopped_by == "connected"
    assert kept.touches_by_kind["email"] == 0


def test_outputs_are_utc() -> None:
    state = run(
        touch("2026-06-03 10:31", "call"),
        snooze("2026-06-03 10:35", "2026-06-04 16:00"),
        touch("2026-06-08 11:00", "call"),
    )
    instants = [step.planned_at for step in state.steps] + dues(state)
    instants += [step.done_at for step in state.steps if step.done_at is not None]
    assert all(instant.tzinfo is UTC for instant in instants)


def test_naive_datetimes_and_incomplete_events_are_refused() -> None:
    naive = datetime(2026, 6, 3, 10, 30)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        original_plan(CADENCE, CLOCK, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        run(StepEvent(naive, "skip"))
    with pytest.raises(ValueError, match="timezone-aware"):
        check_snooze(CLOCK, naive, HANDOFF)
    with pytest.raises(ValueError, match="kind"):
        StepEvent(HANDOFF, "touch")
    with pytest.raises(ValueError, match="until"):
        StepEvent(HANDOFF, "snooze")
    with pytest.raises(ValueError, match="unknown action"):
        StepEvent(HANDOFF, "call")  # type: ignore[arg-type]


# --- Properties ------------------------------------------------------------------------------

ACTIONS = st.tuples(
    st.integers(min_value=0, max_value=3 * 24 * 60),  # minutes since the previous event
    st.sampled_from(["touch", "touch", "touch", "skip"]),
    st.sampled_from(TOUCH_KINDS),
    st.sampled_from(OUTCOMES),
)


def events_from(handoff: datetime, actions: Sequence[tuple[int, str, str, str]]) -> list[StepEvent]:
    events = []
    instant = handoff
    for minutes, action, kind, outcome in actions:
        instant += timedelta(minutes=minutes)
        if action == "touch":
            events.append(StepEvent(instant, "touch", kind=kind, outcome=outcome))
        else:
            events.append(StepEvent(instant, "skip"))
    return events


@settings(max_examples=150, deadline=None)
@given(
    clock=st.sampled_from([CLOCK, MADRID_CLOCK, NEW_YORK_CLOCK]),
    handoff=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001
        max_value=datetime(2027, 12, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    actions=st.lists(ACTIONS, max_size=20),
)
def test_replay_properties(
    clock: BusinessClock, handoff: datetime, actions: list[tuple[int, str, str, str]]
) -> None:
    events = events_from(handoff, actions)
    state = replay(CADENCE, clock, handoff, events)
    pending: list[PlannedStep] = [step for step in state.steps if step.done_at is None]
    assert all(step.due_at >= step.planned_at for step in pending)
    assert all(a.due_at <= b.due_at for a, b in pairwise(pending))

    consumed = 0
    for event in events:
        consumed += 1
        if event.outcome in CADENCE.stop_on or consumed == len(CADENCE.touches):
            break
    assert len(state.steps) - len(pending) == consumed
    assert state.finished == (state.stopped_by is not None or not pending)
    assert state.next_step == (pending[0] if pending and not state.finished else None)
    assert sum(state.touches_by_kind.values()) == sum(
        step.done_by == "touch" for step in state.steps
    )
    assert state == replay(CADENCE, clock, handoff, events)
