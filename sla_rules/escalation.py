"""The escalation ladder: which step comes next and when it falls due on the lead's clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sla_rules.agreement import EscalationStep, ResponsePolicy


class Clock(Protocol):
    """What the ladder needs of a clock: adding business (or wall) time to an instant."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of clock time after `start`."""
        ...


def step_name(index: int) -> str:
    """The ledger's name for a ladder step."""
    return f"escalation:{index}"


def first_step(policy: ResponsePolicy) -> int | None:
    """The index of the ladder's first step, or None when the agreement has no ladder."""
    return 0 if policy.escalation else None


def next_step(policy: ResponsePolicy, index: int) -> int | None:
    """The step after `index`, or None after the last."""
    return index + 1 if index + 1 < len(policy.escalation) else None


def step_due(clock: Clock, handed_off_at: datetime, step: EscalationStep) -> datetime:
    """When a step falls due: the handoff plus the step's `after`, on the lead's clock."""
    return clock.add(handed_off_at, step.after)


def arrived_late(
    handed_off_at: datetime, received_at: datetime, within: timedelta
) -> timedelta | None:
    """How late a back-dated lead arrived, when its whole first-touch time was gone; else None."""
    late = received_at - handed_off_at
    return late if late >= within else None


def respond_by(clock: Clock, policy: ResponsePolicy, handed_off_at: datetime) -> datetime:
    """When the first touch is due: the clock's start plus the response SLA, on the lead's clock."""
    return clock.add(handed_off_at, policy.first_touch_within)
