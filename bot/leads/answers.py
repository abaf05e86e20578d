"""Answers to whoever acted on a lead: the clicker alone sees them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.leads.results import ClaimResult
from bot.ui.blocks import Reply, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import local_time


def claim_reply(result: ClaimResult, cat: Catalogue, zone: ZoneInfo, now: datetime) -> Reply:
    """What the person who clicked Claim is told (only they see it)."""
    lead = None if result.lead is None else result.lead.shown()
    if result.outcome == "not_rep":
        text = cat.t("claim.not_rep")
    elif result.outcome == "away":
        text = cat.t("away.claim_refused")
    elif lead is None:
        text = cat.t("claim.missing")
    elif result.outcome == "claimed":
        text = cat.t(
            "claim.ok",
            id=lead.short_id,
            name=lead.name,
            time=local_time(lead.respond_by, zone, now, cat=cat),
        )
    elif result.outcome == "yours":
        text = cat.t("claim.yours", id=lead.short_id)
    elif result.outcome == "taken":
        text = cat.t("claim.taken", id=lead.short_id, owner=lead.owner_id)
    else:
        text = cat.t("claim.closed", id=lead.short_id, status=cat.t(f"status.{lead.status}"))
    return Reply(text=text, blocks=[section(text)])
