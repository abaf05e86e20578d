"""Replaying events: bookkeeping, UTC outputs, refusals, and properties of any event list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_rules.agreement import OUTCOMES, TOUCH_KINDS
from sla_rules.business_clock import BusinessClock
from sla_rules.cadence import PlannedStep, StepEvent, check_snooze, original_plan, replay
from tests.unit.cadence.plans import (
    CADENCE,
    CLOCK,
    HANDOFF,
    MADRID_CLOCK,
    NEW_YORK_CLOCK,
    ON_TIME,
    dues,
    run,
    skip,
    snooze,
    touch,
)

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
