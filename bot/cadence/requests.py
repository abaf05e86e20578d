"""What the cadence's use cases are asked and what they return, apart from both.

The use cases and the message builders both read these; keeping them here lets neither
import the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.ui.lead_view import LeadView

TouchOutcome = Literal["logged", "duplicate", "missing", "closed", "not_allowed", "stale"]


@dataclass(frozen=True)
class TouchRequest:
    """A touch someone wants to log."""

    lead_id: int
    kind: str
    outcome: str
    actor: str
    reason: str | None = None
    click_key: str | None = None
    step: int | None = None  # the cadence step a nudge's button answers
    at: datetime | None = None  # when it happened, if not now (a dialer; checked by the caller)


@dataclass(frozen=True)
class TouchResult:
    """How logging went, the lead as it now stands, and whether this was the first touch."""

    outcome: TouchOutcome
    lead: LeadView | None
    first: bool = False
    within_sla: bool | None = None


StepOutcome = Literal["done", "duplicate", "missing", "not_allowed", "stale", "refused"]


@dataclass(frozen=True)
class StepResult:
    """How a skip or snooze went, and the lead as it now stands."""

    outcome: StepOutcome
    lead: LeadView | None
    refusal: str | None = None
