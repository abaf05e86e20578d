"""HubSpot out, assembled from the settings: off (None) until HUBSPOT_ACCESS_TOKEN is set."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from hubspot import HubSpot
from slack_sdk import WebClient
from urllib3.util.retry import Retry

from bot.cadence.touch_messages import TouchMessages
from bot.crm.hubspot_out import HubSpotOut
from bot.crm.notices import tell_managers
from bot.runtime.clock import Clock
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.crm.hubspot")
# Of the limit, what the bot uses: a margin for the team's other integrations and jitter.
RATE_SHARE = 0.9
NO_RETRY = Retry(total=0, redirect=0, respect_retry_after_header=False, raise_on_status=False)


def pace_for(per_10s: int) -> float:
    """Seconds between two calls that keep under `per_10s` calls in any 10 seconds."""
    return 10.0 / (per_10s * RATE_SHARE)


def hubspot_out(
    settings: Settings,
    slack: WebClient,
    database: Database,
    cat: Catalogue,
    managers: Sequence[str],
    clock: Clock,
) -> HubSpotOut | None:
    """The connector, or None when HubSpot is not configured."""
    if not settings.hubspot_access_token:
        return None
    # No client-side retries: the outbox retries, with the database as its memory. retry=None
    # would leave urllib3's default, which resends a 429 or 503 after sleeping its Retry-After
    # inside the call: the lane's pace and the write's once-only lookup would not see it.
    client = HubSpot(
        access_token=settings.hubspot_access_token,
        host=settings.hubspot_api_url,
        retry=NO_RETRY,
    )
    words = TouchMessages(cat, timedelta(0))

    def describe(kind: str, outcome: str, reason: str | None) -> str:
        return cat.t("hubspot_out.body", touch=words.described(kind, outcome, reason))

    def report_unmapped(user: str) -> None:
        """Tell each manager once that a Slack user has no HubSpot owner of the same email."""
        text = cat.t("hubspot_out.unmapped", user=user)
        with database.unit_of_work() as session:
            tell_managers(session, managers, clock(), text)
        log.warning("Slack user %s has no HubSpot owner by email; owner left unset", user)

    return HubSpotOut(
        client,
        slack,
        describe,
        pace=pace_for(settings.hubspot_rate_per_10s),
        breach_property=settings.hubspot_breach_property,
        report_unmapped=report_unmapped,
        timeout=settings.crm_call_timeout,
    )
