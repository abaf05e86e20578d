"""What the HubSpot-in tests share: the signed sender's secret, an MQL, and waits on the inbox."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.local.hubspot_standin import Call, HubSpotFake
from bot.local.standin import SlackStandIn
from storage.models import CrmReceipt, InboxItem, Lead
from tests.paths import EXAMPLES

SECRET = "hs-client-secret-for-tests"
T = TypeVar("T")

MQL = {
    "firstname": "Marta",
    "lastname": "Quintana",
    "email": "marta@opticasur.mx",
    "company": "Óptica Sur",
    "lifecyclestage": "marketingqualifiedlead",
    "hs_analytics_source": "ORGANIC_SEARCH",
    "recent_conversion_event_name": "Pricing guide",
}


def hubspot_env(hub: HubSpotFake, per_10s: int = 1000) -> dict[str, str]:
    """The settings that connect a bot to the HubSpot stand-in (its limit high: reads are paced)."""
    return {
        "HUBSPOT_CLIENT_SECRET": SECRET,
        "HUBSPOT_ACCESS_TOKEN": "pat-test",
        "HUBSPOT_API_URL": hub.url,
        "HUBSPOT_RATE_PER_10S": str(per_10s),
    }


@contextmanager
def hubspot_bot(
    standin: SlackStandIn, database_url: str, hub: HubSpotFake, per_10s: int = 1000
) -> Iterator[LocalBot]:
    """The real bot on the English example, connected to the HubSpot stand-in (no ticker)."""
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        database_url=database_url,
        ticker=False,
        extra_env=hubspot_env(hub, per_10s),
    ) as running:
        yield running


def url(bot: LocalBot) -> str:
    return bot.url + "/api/hubspot"


def counts(bot: LocalBot) -> tuple[int, int]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        leads = session.scalar(select(func.count()).select_from(Lead)) or 0
        kept = session.scalar(select(func.count()).select_from(CrmReceipt)) or 0
        return leads, kept


def items(bot: LocalBot) -> list[InboxItem]:
    """The journaled subscription events, oldest first."""
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        query = select(InboxItem).where(InboxItem.kind == "hubspot").order_by(InboxItem.id)
        return list(session.scalars(query))


def wait_for(check: Callable[[], T], timeout: float = 30.0) -> T:
    """Poll until check() is truthy (the reads happen after the answer); its value."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return value


def wait_settled(bot: LocalBot, n: int, timeout: float = 30.0) -> list[InboxItem]:
    """Wait until n events are journaled and every one is done."""
    rows = wait_for(
        lambda: (
            (rows := items(bot)) and len(rows) == n and all(r.answered_at for r in rows) and rows
        ),
        timeout,
    )
    return rows


def wait_failed(bot: LocalBot, reads: int) -> InboxItem:
    """Wait until the only event's failed reads reach this count."""
    return wait_for(lambda: [r for r in items(bot) if r.payload.get("failed_reads") == reads])[0]


def owe_now(bot: LocalBot) -> None:
    """As if the events' wait (their lease) ran out."""
    assert bot.bot is not None
    with bot.bot.deps.database.unit_of_work() as session:
        for row in session.scalars(select(InboxItem).where(InboxItem.answered_at.is_(None))):
            row.lease_until = row.received_at


def reads_of(hub: HubSpotFake, contact: str | None = None) -> list[Call]:
    """The contact reads HubSpot answered (all, or of one contact)."""
    with hub.state.lock:
        return [
            c
            for c in hub.state.calls
            if c.method == "GET"
            and c.path.startswith("/crm/v3/objects/contacts/")
            and (contact is None or c.path.endswith(f"/{contact}"))
        ]


def event(n: int, contact: int, kind: str = "contact.creation") -> dict:
    return {"eventId": n, "objectId": contact, "subscriptionType": kind}


def workflow(contact: int, properties: dict[str, str], legacy: bool = False) -> dict:
    props = {k: {"value": v} for k, v in properties.items()} if legacy else properties
    return {"objectId": contact, "properties": props}
