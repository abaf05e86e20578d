"""Late and early work: how logged touches move the steps still to come."""

from __future__ import annotations

from itertools import pairwise

from tests.unit.cadence.plans import ON_TIME, at, run, touch

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
