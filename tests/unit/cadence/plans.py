"""The example agreement's cadence on clocks in three zones, and events to replay against it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sla_rules.agreement import load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.cadence import CadenceState, StepEvent, original_plan, replay
from tests.paths import EXAMPLES

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
    """A touch logged at a Mexico City wall time."""
    return StepEvent(at(when), "touch", kind=kind, outcome=outcome)


def skip(when: str) -> StepEvent:
    """A skip at a Mexico City wall time."""
    return StepEvent(at(when), "skip")


def snooze(when: str, until: str) -> StepEvent:
    """A snooze at a Mexico City wall time until another."""
    return StepEvent(at(when), "snooze", until=at(until))


def run(*events: StepEvent, handoff: datetime = HANDOFF) -> CadenceState:
    """The example cadence replayed on the Mexico City clock."""
    return replay(CADENCE, CLOCK, handoff, events)


# The two day-0 touches logged right at handoff, so nothing after them moves.
ON_TIME = (
    StepEvent(HANDOFF, "touch", kind="call", outcome="no_answer"),
    StepEvent(HANDOFF, "touch", kind="email", outcome="email_sent"),
)


def dues(state: CadenceState) -> list[datetime]:
    """When each step is due."""
    return [step.due_at for step in state.steps]


def local_plan(clock: BusinessClock, handoff: datetime, zone: ZoneInfo) -> list[str]:
    """The planned instants as local wall times, one per cadence step."""
    plan = original_plan(CADENCE, clock, handoff)
    return [f"{step.planned_at.astimezone(zone):%a %Y-%m-%d %H:%M}" for step in plan]
