"""How a cadence ends (stop outcomes, every step consumed) and how skip and snooze move it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_rules.cadence import CONTACT_OUTCOMES, StepEvent, check_snooze, replay
from tests.unit.cadence.plans import CADENCE, CLOCK, HANDOFF, ON_TIME, at, run, skip, snooze, touch

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
