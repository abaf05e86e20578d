"""The demo's CRM part: a HubSpot MQL arrives signed, is claimed and called, and the call lands."""

from __future__ import annotations

import time
from pathlib import Path

from bot.crm.hubspot_map import DISPOSITIONS
from bot.local.demo.kit import Feed, Transcript, click_claim, session, tap
from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake, send_webhook

SECRET = "demo-hubspot-client-secret"
CONTACT = "501"
OWNER = "7001"
DISPOSITION_NAMES = {guid: name for name, guid in reversed(list(DISPOSITIONS.items()))}


def _landed(hub: HubSpotFake, timeout: float = 10.0) -> None:
    """Wait until the call is in HubSpot (the outbox paces HubSpot's lane by its own limit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not hub.engagements("calls"):
        time.sleep(0.1)


def hubspot_demo(agreement: Path, show: Transcript) -> None:
    """Run the HubSpot scene against the local HubSpot stand-in."""
    with HubSpotFake() as hub:
        hub.state.owners["ana@example.com"] = OWNER
        hub.state.contacts[CONTACT] = {"lifecyclestage": "marketingqualifiedlead"}
        env = {
            "HUBSPOT_CLIENT_SECRET": SECRET,
            "HUBSPOT_ACCESS_TOKEN": "pat-demo",
            "HUBSPOT_API_URL": hub.url,
        }

        def steps(bot: LocalBot, out: Transcript) -> None:
            out.heading("HubSpot: an MQL arrives, is claimed and called, and the call lands")
            feed = Feed(bot, out)
            contact = {
                "objectId": int(CONTACT),
                "properties": {
                    "firstname": "Paula",
                    "lastname": "Serrano",
                    "email": "paula@clinicanorte.mx",
                    "company": "Clínica Norte",
                    "lifecyclestage": "marketingqualifiedlead",
                    "hs_analytics_source": "PAID_SEARCH",
                    "recent_conversion_event_name": "Demo request form",
                },
            }
            print(
                f"\nHubSpot's workflow sends contact {CONTACT} (signed, X-HubSpot-Signature-v3) "
                "to POST /api/hubspot",
                file=out.out,
            )
            status, answer = send_webhook(bot.url + "/api/hubspot", contact, SECRET)
            print(f"  -> {status} {answer}", file=out.out)
            feed.flush()
            lead = int(answer["leads"][0].removeprefix("L-"))
            click_claim(bot, out, ["U0REP1"], lead)
            feed.flush()
            tap(bot, out, "U0REP1", "Call: connected")
            feed.flush()
            bot.wait_delivered()
            _landed(hub)
            owner = hub.state.contacts.get(CONTACT, {})
            print(
                f"\nIn HubSpot: contact {CONTACT} owner {owner.get('hubspot_owner_id')} "
                f"(ana@example.com), lead status {owner.get('hs_lead_status')}",
                file=out.out,
            )
            for call in hub.engagements("calls"):
                props = call["properties"]
                outcome = DISPOSITION_NAMES.get(props.get("hs_call_disposition", ""), "?")
                print(
                    f"In HubSpot: call logged on contact {CONTACT}: {outcome}, "
                    f"“{props.get('hs_call_body', '')}”",
                    file=out.out,
                )

        session(agreement, show, steps, extra_env=env)
