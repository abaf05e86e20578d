"""The follow-up cadence: when each planned touch is due and how logged work moves the plan."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, get_args

from sla_rules.agreement import TOUCH_KINDS, Cadence
from sla_rules.business_clock import BusinessClock

Action = Literal["touch", "skip", "snooze"]
DoneBy = Literal["touch", "skip"]

# "disqualified" ends the cadence too, but a disqualified lead was not necessarily reached.
CONTACT_OUTCOMES: frozenset[str] = frozenset({"connected", "meeting_booked", "won"})
SNOOZE_IN_PAST = "in_past"
SNOOZE_CLOSED = "closed"


def _utc(instant: datetime, name: str) -> datetime:
    """The instant in UTC, refusing naive datetimes whose zone would be a guess."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


@dataclass(frozen=True)
class StepEvent:
    """Something that consumed or moved a cadence step: a logged touch, a skip or a snooze."""

    at: datetime
    action: Action
    kind: str | None = None
    outcome: str | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        # Refuse malformed history up front rather than guess what a bare "touch" consumed.
        if self.action not in get_args(Action):
            raise ValueError(f"unknown action {self.action!r}; use one of {get_args(Action)}")
        if self.action == "touch" and not self.kind:
            raise ValueError("a touch needs the kind that was logged")
        if self.action == "snooze" and self.until is None:
            raise ValueError("a snooze needs the instant it runs until")


@dataclass(frozen=True)
class PlannedStep:
    """One cadence step: its original plan, when it is due now, and what consumed it."""

    number: int
    kind: str
    day: int
    planned_at: datetime
    due_at: datetime
    done_at: datetime | None = None
    done_by: DoneBy | None = None
    logged_kind: str | None = None


@dataclass(frozen=True)
class CadenceState:
    """Where a lead's cadence stands after replaying everything logged for it."""

    steps: tuple[PlannedStep, ...]
    next_step: PlannedStep | None
    stopped_by: str | None
    finished: bool
    reached: bool
    not_reached: bool
    touches_by_kind: dict[str, int] = field(default_factory=dict)

    def overdue(self, now: datetime) -> bool:
        """Whether the next step is due at `now` (never once the cadence has finished)."""
        return self.next_step is not None and _utc(now, "now") >= self.next_step.due_at


def original_plan(
    cadence: Cadence, clock: BusinessClock, handed_off_at: datetime
) -> tuple[PlannedStep, ...]:
    """Each touch due `day` business days after handoff, at the handoff's time of day."""
    start = _utc(handed_off_at, "handed_off_at")
    by_day: dict[int, datetime] = {}
    steps = []
    for number, touch in enumerate(cadence.touches, start=1):
        if touch.day not in by_day:
            by_day[touch.day] = clock.add_business_days(start, touch.day)
        planned = by_day[touch.day]
        steps.append(PlannedStep(number, touch.kind, touch.day, planned, planned))
    return tuple(steps)


def check_snooze(clock: BusinessClock, until: datetime, now: datetime) -> str | None:
    """Why a snooze until `until` is refused ("in_past" or "closed"), or None when it is fine."""
    if _utc(until, "until") <= _utc(now, "now"):
        return SNOOZE_IN_PAST
    if not clock.is_open(until):
        return SNOOZE_CLOSED
    return None


class _Replay:
    """Mutable bookkeeping for one replay; the result is frozen into a CadenceState."""

    def __init__(self, cadence: Cadence, clock: BusinessClock, handed_off_at: datetime) -> None:
        self.cadence = cadence
        self.clock = clock
        self.plan = original_plan(cadence, clock, handed_off_at)
        count = len(self.plan)
        # Each pending step keeps its spacing from an anchor: the instant and day of the most
        # recently consumed step before it. Its shifted time is worked out only when asked
        # for, since most anchors are replaced before anyone looks at them.
        self.anchors: list[tuple[datetime, int] | None] = [None] * count
        self.shifted: list[datetime | None] = [step.planned_at for step in self.plan]
        self.snoozed: list[datetime | None] = [None] * count
        self.done: dict[int, tuple[datetime, datetime, DoneBy, str | None]] = {}
        self.pending = list(range(count))
        self.counts = dict.fromkeys(TOUCH_KINDS, 0)
        self.stopped_by: str | None = None
        self.reached = False

    @property
    def finished(self) -> bool:
        """Whether a stop outcome was logged or no step is left."""
        return self.stopped_by is not None or not self.pending

    def _shifted(self, index: int) -> datetime:
        """The step's plan moved by its anchor, never earlier than the original plan."""
        shifted = self.shifted[index]
        if shifted is None:
            anchor = self.anchors[index]
            assert anchor is not None
            at, day = anchor
            moved = self.clock.add_business_days(at, self.plan[index].day - day)
            shifted = max(self.plan[index].planned_at, moved)
            self.shifted[index] = shifted
        return shifted

    def due(self, index: int) -> datetime:
        """When a pending step is due: shifted, snoozed, and not before any earlier pending step."""
        # A touch of another kind can consume a step ahead of pending ones and re-anchor the
        # steps after it; the floor keeps the cadence from asking for step 7 before step 5.
        shifted = max(self._shifted(i) for i in self.pending if i <= index)
        snoozed = self.snoozed[index]
        return shifted if snoozed is None or snoozed <= shifted else snoozed

    def apply(self, event: StepEvent) -> None:
        """Consume or snooze a step for one event; the caller stops once finished."""
        at = _utc(event.at, "event.at")
        if event.action == "snooze":
            assert event.until is not None
            # The latest snooze wins, so an owner can bring a snoozed step back sooner; it
            # never lands before the shifted plan because due() takes the later of the two.
            self.snoozed[self.pending[0]] = self.clock.next_opening(event.until)
            return
        if event.action == "skip":
            self._consume(self.pending[0], at, "skip", None)
            return
        assert event.kind is not None
        self.counts[event.kind] = self.counts.get(event.kind, 0) + 1
        same_kind = (i for i in self.pending if self.plan[i].kind == event.kind)
        self._consume(next(same_kind, self.pending[0]), at, "touch", event.kind)
        if event.outcome in CONTACT_OUTCOMES:
            self.reached = True
        if event.outcome is not None and event.outcome in self.cadence.stop_on:
            self.stopped_by = event.outcome

    def _consume(self, index: int, at: datetime, by: DoneBy, kind: str | None) -> None:
        self.done[index] = (at, self.due(index), by, kind)
        self.pending.remove(index)
        # Only later steps move: steps that a touch of another kind jumped over stay as they were.
        for later in self.pending:
            if later > index:
                self.anchors[later] = (at, self.plan[index].day)
                self.shifted[later] = None

    def state(self) -> CadenceState:
        """Freeze the bookkeeping into the public, immutable state."""
        steps = []
        for index, step in enumerate(self.plan):
            if index in self.done:
                done_at, due_at, by, kind = self.done[index]
                steps.append(
                    PlannedStep(
                        step.number, step.kind, step.day, step.planned_at, due_at, done_at, by, kind
                    )
                )
            else:
                steps.append(
                    PlannedStep(step.number, step.kind, step.day, step.planned_at, self.due(index))
                )
        finished = self.finished
        return CadenceState(
            steps=tuple(steps),
            next_step=None if finished else steps[self.pending[0]],
            stopped_by=self.stopped_by,
            finished=finished,
            reached=self.reached,
            not_reached=not self.pending and not self.reached and self.stopped_by is None,
            touches_by_kind=self.counts,
        )


def replay(
    cadence: Cadence, clock: BusinessClock, handed_off_at: datetime, events: Sequence[StepEvent]
) -> CadenceState:
    """The cadence after applying the events in time order (ties keep their given order)."""
    run = _Replay(cadence, clock, handed_off_at)
    for event in sorted(events, key=lambda event: _utc(event.at, "event.at")):
        if run.finished:
            # Work logged after the cadence ended is history, not part of the plan.
            break
        run.apply(event)
    return run.state()
