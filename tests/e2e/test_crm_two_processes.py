"""Two real `sla-bot run` processes on one PostgreSQL write each CRM touch once, in order per lead.

Both processes serve the API and run outbox workers against the same HubSpot stand-in; touches
arrive at either one, HubSpot has an outage in the middle, and one process is killed (-9)
while the other goes on. Every touch must reach HubSpot exactly once, and each contact's
engagements must be in the order the touches were logged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.local.hubspot_standin import HubSpotFake
from bot.local.standin import SlackStandIn
from tests.e2e.test_crash_crm import OWNER, REP, REP_EMAIL, SECRET, hubspot_lead, tags
from tests.e2e.test_crash_sends import pending
from tests.paths import EXAMPLES
from tests.process_bot import BotProcess

AGREEMENT = EXAMPLES / "agreement.en.yaml"
LEADS = int(os.environ.get("SLA_TWO_PROCESS_LEADS", "4"))
TOUCHES = ("no_answer", "left_voicemail", "no_answer")  # per lead: call, voicemail, call


@pytest.fixture
def processes(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[BotProcess, BotProcess, HubSpotFake]]:
    if database_url.startswith("sqlite"):
        pytest.skip("two processes share a server database: PostgreSQL (TEST_DATABASE_URL)")
    with SlackStandIn() as standin, HubSpotFake() as hubspot:
        standin.add_user(REP, "rep1", real_name="Rep One", email=REP_EMAIL)
        hubspot.state.owners[REP_EMAIL] = OWNER
        bots = []
        for name in ("a", "b"):
            bot = BotProcess(standin, database_url, AGREEMENT, tmp_path / f"bot-{name}.log")
            bot.extra_env = {
                "HUBSPOT_ACCESS_TOKEN": "pat-two",
                "HUBSPOT_API_URL": hubspot.url,
                "HUBSPOT_CLIENT_SECRET": SECRET,
                "PUBLIC_URL": bot.url,
                "CRM_CALL_TIMEOUT": "0.5",
                "SLACK_DELIVERY_TIMEOUT": "0.5",
            }
            bots.append(bot)
        try:
            yield bots[0], bots[1], hubspot
        finally:
            for bot in bots:
                bot.stop()


def test_two_processes_never_write_a_touch_twice(
    processes: tuple[BotProcess, BotProcess, HubSpotFake],
) -> None:
    a, b, hubspot = processes
    a.start()  # migrates the database first
    b.start()
    leads = {hubspot_lead(a if n % 2 else b, 300 + n): 300 + n for n in range(LEADS)}
    logged = 0
    for step, outcome in enumerate(TOUCHES):
        if step == 1:
            hubspot.state.failing = 8  # an outage: both workers retry the same rows
        for n, lead in enumerate(leads):
            via = (a, b)[(n + step) % 2]
            kind = "voicemail" if outcome == "left_voicemail" else "call"
            body = {"lead": f"L-{lead}", "kind": kind, "outcome": outcome, "by": REP}
            status, answer = via.api("/api/touches", body)
            assert status == 201, answer
            logged += 1
    a.kill9()  # mid-delivery, maybe holding a lease: b must finish a's rows, once
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if len(tags(hubspot)) >= logged and pending(b.database_url) == 0:
            break
        time.sleep(0.2)
    written = tags(hubspot)
    assert len(written) == logged, (len(written), logged, b.log_text()[-3000:])
    assert len(set(written)) == logged, sorted(written)
    # In order per lead: each contact's engagements were created in the order of their rows.
    for contact in leads.values():
        created = [
            int(c.body["properties"]["sla_bot_outbox_id"])
            for c in hubspot.state.calls
            if c.method == "POST"
            and c.path in ("/crm/v3/objects/calls", "/crm/v3/objects/emails")
            and c.status == 201
            and c.body["associations"][0]["to"]["id"] == str(contact)
        ]
        assert created == sorted(created) and len(created) == len(TOUCHES), (contact, created)
    print(f"\ntwo processes: touches={logged} written={len(written)} repeated=0 (one killed)")
