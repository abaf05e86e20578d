"""Reading a contact's properties through HubSpot's CRM v3 API (hubspot-api-client)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubspot import HubSpot
from hubspot.crm.contacts.exceptions import ApiException

from bot.crm.hubspot_in import ContactReader
from bot.crm.hubspot_setup import NO_RETRY
from bot.settings import Settings

# Reads happen after the webhook's answer, one after another: a hung HubSpot must not hold
# the pool (nor the event's lease) for long.
READ_TIMEOUT_SECONDS = 5


def contact_reader(settings: Settings) -> ContactReader | None:
    """A reader of contacts by ID, or None while HUBSPOT_ACCESS_TOKEN is unset."""
    if not settings.hubspot_access_token:
        return None
    # No sleep inside a read: a 429 or 503 leaves the event owed, read again after its wait.
    client = HubSpot(
        access_token=settings.hubspot_access_token, host=settings.hubspot_api_url, retry=NO_RETRY
    )

    def read(contact_id: str, properties: Sequence[str]) -> dict[str, Any] | None:
        try:
            found = client.crm.contacts.basic_api.get_by_id(
                contact_id, properties=list(properties), _request_timeout=READ_TIMEOUT_SECONDS
            )
        except ApiException as error:
            if error.status == 404:
                return None
            raise
        return dict(found.properties or {})

    return read
