"""A read-only view of a lead, detached from the database session."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.ui.blocks import escape
from sla_rules import response
from sla_rules.leads import short_id
from storage.models import Lead

# Columns whose words come from outside (a web form, a CRM, a rep's free text).
OUTSIDE_TEXT = (
    "external_id",
    "name",
    "email",
    "phone",
    "company",
    "source",
    "reason",
    "close_reason",
)


@dataclass(frozen=True)
class LeadView:
    """What the use cases and message builders need to know about a lead."""

    id: int
    external_id: str | None
    name: str
    email: str | None
    phone: str | None
    company: str | None
    source: str | None
    reason: str | None
    via: str
    handed_off_by: str | None
    handed_off_at: datetime
    respond_by: datetime
    status: str
    owner_id: str | None
    claimed_at: datetime | None
    announce_channel: str
    announce_ts: str | None
    in_digest: bool
    thread_ts: str | None
    first_touch_at: datetime | None
    breached_at: datetime | None
    claim_seconds: int | None
    claim_business_seconds: int | None
    announce_seconds: int | None
    first_touch_seconds: int | None
    first_touch_business_seconds: int | None
    cadence_step: int | None
    cadence_due_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    created_at: datetime

    @property
    def short_id(self) -> str:
        """L-42."""
        return short_id(self.id)

    @property
    def clock_start(self) -> datetime:
        """When the lead's SLA clock started: its receipt (a back-dated lead's is later)."""
        return self.created_at

    @property
    def late_by(self) -> timedelta:
        """How long after its handoff the lead reached the bot."""
        return max(self.created_at - self.handed_off_at, timedelta(0))

    def breached(self, now: datetime) -> bool:
        """Whether the lead broke its response SLA by now: the SLA's rule, not the ladder's."""
        # `breached_at` only records that the ladder posted a breach (a channel step fired).
        return response.breached(self.respond_by, self.first_touch_at, now)

    def within_sla(self) -> bool:
        """Whether the lead's first touch came by its deadline."""
        return response.within_sla(self.respond_by, self.first_touch_at)

    @property
    def time_to_claim(self) -> timedelta | None:
        """How long the lead waited for an owner, from the start of its SLA clock."""
        return None if self.claimed_at is None else self.claimed_at - self.clock_start

    @classmethod
    def from_values(cls, lead_id: int, values: dict[str, Any]) -> LeadView:
        """A view of a lead just inserted from these column values."""
        return cls(
            **{name: values.get(name) for name in cls.__dataclass_fields__} | {"id": lead_id}
        )

    @classmethod
    def of(cls, lead: Lead) -> LeadView:
        """Copy a lead row into a view."""
        return cls(**{name: getattr(lead, name) for name in cls.__dataclass_fields__})

    def shown(self) -> LeadView:
        """The same lead with every outside-supplied text escaped for Slack (idempotent)."""
        escaped = {
            name: escape(value)
            for name in OUTSIDE_TEXT
            if isinstance(value := getattr(self, name), str)
        }
        return replace(self, **escaped)

    def api(self, zone: Any) -> dict[str, Any]:
        """The lead as the HTTP API shows it (times in the agreement's zone, with offset)."""
        return {
            "id": self.short_id,
            "external_id": self.external_id,
            "status": self.status,
            "name": self.name,
            "owner": self.owner_id,
            "handed_off_at": self.handed_off_at.astimezone(zone).isoformat(timespec="seconds"),
            "respond_by": self.respond_by.astimezone(zone).isoformat(timespec="seconds"),
        }
