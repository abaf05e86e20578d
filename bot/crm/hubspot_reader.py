"""Reading a contact's properties through HubSpot's CRM v3 API (hubspot-api-client)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from hubspot import HubSpot
from hubspot.crm.contacts.exceptions import ApiException

from bot.crm.hubspot_in import ContactReader, ReadsPaused
from bot.crm.hubspot_map import LANE
from bot.crm.hubspot_out import retry_after
from bot.crm.hubspot_setup import NO_RETRY, pace_for
from bot.runtime.clock import Clock
from bot.settings import Settings
from storage import outbox as box
from storage.unit_of_work import Database

# Reads happen after the webhook's answer, one after another: a hung HubSpot must not hold
# the pool (nor the event's lease) for long.
READ_TIMEOUT_SECONDS = 5
# A read waits this long at most for its turn under the rate limit; longer, it comes back later.
MOST_SLOT_WAIT = 2.0


class SharedPace:
    """HubSpot's limit counts every call of the app, reads and writes alike: the reads take
    the ext:hubspot lane's pace slot (in the database, so across processes) as its writes do,
    and a 429 closes it for both for the Retry-After it names."""

    def __init__(self, database: Database, clock: Clock, per_10s: int) -> None:
        self.database = database
        self.clock = clock
        self.pace = timedelta(seconds=pace_for(per_10s))

    def take(self) -> None:
        """Wait for the next call's turn; ReadsPaused when it is further off than MOST_SLOT_WAIT."""
        give_up = time.monotonic() + MOST_SLOT_WAIT
        while True:
            now = self.clock()
            with self.database.unit_of_work() as session:
                if box.take_slot(session, LANE, now, now + self.pace):
                    return
                opens = box.closed_slots(session, [LANE], now).get(LANE, now)
            wait = (opens - now).total_seconds()
            if time.monotonic() + wait > give_up:
                raise ReadsPaused(max(wait, 0.0))
            time.sleep(max(wait, 0.01))

    def hold(self, seconds: float) -> None:
        """HubSpot answered 429: no call of the app before `seconds` from now."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            box.hold_slot(session, LANE, now + timedelta(seconds=seconds))


def contact_reader(settings: Settings, pace: SharedPace | None = None) -> ContactReader | None:
    """A reader of contacts by ID, or None while HUBSPOT_ACCESS_TOKEN is unset."""
    if not settings.hubspot_access_token:
        return None
    # No sleep inside a read: a 429 or 503 leaves the event owed, read again after its wait.
    client = HubSpot(
        access_token=settings.hubspot_access_token, host=settings.hubspot_api_url, retry=NO_RETRY
    )

    def read(contact_id: str, properties: Sequence[str]) -> dict[str, Any] | None:
        if pace is not None:
            pace.take()
        try:
            found = client.crm.contacts.basic_api.get_by_id(
                contact_id, properties=list(properties), _request_timeout=READ_TIMEOUT_SECONDS
            )
        except ApiException as error:
            if error.status == 404:
                return None
            if error.status == 429:
                wait = retry_after(error)
                if pace is not None:
                    pace.hold(wait)
                raise ReadsPaused(wait) from error
            raise
        return dict(found.properties or {})

    return read
