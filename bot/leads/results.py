"""What the lead use cases return: read by their callers and by the answers to whoever acted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.lead_view import LeadView

ClaimOutcome = Literal["claimed", "yours", "taken", "not_rep", "closed", "missing", "away"]


@dataclass(frozen=True)
class ClaimResult:
    """How a claim click ended, and the lead as it now stands."""

    outcome: ClaimOutcome
    lead: LeadView | None
