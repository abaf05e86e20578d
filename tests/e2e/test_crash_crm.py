"""kill -9 of a real `sla-bot run` while CRM traffic is in flight: nothing lost, nothing twice.

The HubSpot and Slack stand-ins run in the test process; the bot is a child process on a
database that outlives it. Write-back: HubSpot takes a write but its answer is held, the
process dies, restarts, and the write must exist in HubSpot exactly once. Webhooks in: a burst
of HubSpot workflow calls or Salesforce Outbound Messages is cut by a kill; the sender resends
what was not answered 2xx (as both CRMs do) and every record becomes exactly one lead.
Each case repeats over SLA_CRASH_KILLS kill moments (default 2):
`SLA_CRASH_KILLS=20 .venv/bin/python -m pytest tests/e2e/test_crash_crm.py` for a longer run.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.local.hubspot_standin import HubSpotFake, send_webhook
from bot.local.salesforce import SalesforceStandIn
from bot.local.salesforce.server import ORG_ID, outbound_message
from bot.local.standin import SlackStandIn
from storage.models import InboxItem, Lead, OutboxMessage
from tests.e2e.test_crash_sends import announced, kill_moment, pending, read
from tests.paths import EXAMPLES
from tests.process_bot import BotProcess

AGREEMENT = EXAMPLES / "agreement.en.yaml"
KILLS = int(os.environ.get("SLA_CRASH_KILLS", "2"))
SECRET = "crash-hubspot-secret"
REP, REP_EMAIL, OWNER = "U0REP1", "rep1@acme.test", "7001"
# One CRM call may take this long: the write's lease (7 calls' worth + 5 s) bounds the wait
# after a restart for the row the dead process held.
CALL_TIMEOUT = 0.5
SETTLE_SECONDS = 60.0
BURST = 16  # webhooks per kill


def wait_for(check: Callable[[], bool], what: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not settled after the restart\n{log()[-4000:]}")


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as entered:
        yield entered


@pytest.fixture
def hubspot() -> Iterator[HubSpotFake]:
    with HubSpotFake() as fake:
        fake.state.owners[REP_EMAIL] = OWNER
        yield fake


@pytest.fixture
def bot_process(database_url: str, tmp_path: Path, hubspot: HubSpotFake) -> Iterator[BotProcess]:
    if database_url.startswith("sqlite") and os.environ.get("TEST_DATABASE_URL"):
        # Each kill costs seconds of leases: with a server database, the tests run once, on it.
        pytest.skip("run on PostgreSQL (TEST_DATABASE_URL) instead")
    with SlackStandIn() as standin:
        standin.add_user(REP, "rep1", real_name="Rep One", email=REP_EMAIL)
        process = BotProcess(standin, database_url, AGREEMENT, tmp_path / "bot.log")
        process.extra_env = {
            "HUBSPOT_ACCESS_TOKEN": "pat-crash",
            "HUBSPOT_API_URL": hubspot.url,
            "HUBSPOT_CLIENT_SECRET": SECRET,
            "PUBLIC_URL": process.url,
            "CRM_CALL_TIMEOUT": str(CALL_TIMEOUT),
            "SLACK_DELIVERY_TIMEOUT": str(CALL_TIMEOUT),
            "SALESFORCE_ORG_ID": ORG_ID,
        }
        try:
            yield process
        finally:
            process.stop()


def hubspot_lead(process: BotProcess, contact: int) -> int:
    """A lead handed off from HubSpot contact `contact`, claimed by REP in Slack."""
    status, answer = process.api(
        "/api/handoffs",
        {
            "name": f"Contact {contact}",
            "company": "Acme",
            "email": f"c{contact}@example.com",
            "external_id": f"hubspot:{contact}",
        },
    )
    assert status == 201, answer
    lead = int(answer["id"].removeprefix("L-"))
    standin = process.standin
    standin.wait_for(lambda s: announced(s, lead), timeout=15)
    [message] = announced(standin, lead)
    process.slack.block_action(
        "claim_lead", str(lead), REP, channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    return lead


def touch_row(url: str, lead: int) -> int:
    """The ext:hubspot outbox row of the lead's (one) touch."""
    rows = read(
        url,
        lambda c: c.execute(
            select(OutboxMessage.id, OutboxMessage.payload).where(
                OutboxMessage.lead_id == lead, OutboxMessage.channel == "ext:hubspot"
            )
        ).all(),
    )
    return next(row_id for row_id, payload in rows if payload.get("op") == "touch")


def tags(hubspot: HubSpotFake) -> list[str]:
    """The outbox IDs carried by every engagement HubSpot holds."""
    return [
        str(o["properties"].get("sla_bot_outbox_id"))
        for kind in ("calls", "emails", "notes")
        for o in hubspot.engagements(kind)
    ]


@pytest.mark.parametrize("held", ["create", "update"])
def test_a_kill_while_hubspot_answers_a_write_neither_repeats_nor_loses_it(
    bot_process: BotProcess, hubspot: HubSpotFake, database_url: str, held: str
) -> None:
    """Killed with the call engagement (or the contact update after it) in HubSpot, unanswered."""
    url = database_url
    bot_process.start()
    for n in range(KILLS):
        contact = 500 + n
        lead = hubspot_lead(bot_process, contact)
        # The claim's own write (owner and status) lands first; the touch's is the one held.
        wait_for(
            lambda c=str(contact): (
                hubspot.state.contacts.get(c, {}).get("hubspot_owner_id") == OWNER
            ),
            "the claim's owner",
            bot_process.log_text,
        )
        if held == "create":
            hold = hubspot.hold("POST", "/crm/v3/objects/calls")
        else:
            hold = hubspot.hold("PATCH", f"/crm/v3/objects/contacts/{contact}")
        status, answer = bot_process.api(
            "/api/touches", {"lead": f"L-{lead}", "kind": "call", "outcome": "no_answer", "by": REP}
        )
        assert status == 201, answer
        wait_for(lambda hold=hold: hold.held == 1, "the held call", bot_process.log_text)
        time.sleep(kill_moment(n) * CALL_TIMEOUT / 2)  # always before the call's timeout
        bot_process.kill9()  # HubSpot has the write; its answer never reaches the bot
        hold.release()
        bot_process.start()
        row = touch_row(url, lead)
        wait_for(
            lambda row=row: str(row) in tags(hubspot) and pending(url) == 0,
            f"kill {n}: the touch's call",
            bot_process.log_text,
        )
        assert tags(hubspot).count(str(row)) == 1, f"kill {n}: {tags(hubspot)}"
        assert hubspot.state.contacts[str(contact)]["hs_lead_status"] == "ATTEMPTED_TO_CONTACT"
    every = tags(hubspot)
    assert len(every) == len(set(every)) == KILLS, every
    print(f"\nhubspot write ({held}) kills={KILLS} written={len(every)} repeated=0 lost=0")


def burst_until_killed(
    process: BotProcess, send: Callable[[int], int], first: int, moment: float
) -> dict[int, int]:
    """Send records first..first+BURST-1 one after another, kill -9 the bot after `moment` s."""
    answers: dict[int, int] = {}

    def sender() -> None:
        for n in range(first, first + BURST):
            try:
                answers[n] = send(n)
            except OSError:
                answers[n] = 0  # no answer: the CRM will send it again

    thread = threading.Thread(target=sender)
    thread.start()
    time.sleep(moment)
    process.kill9()
    thread.join(timeout=60)
    return answers


def inbox_rows(url: str) -> list[tuple[object, ...]]:
    """The journal as it stands (for a failure's message)."""
    return read(
        url,
        lambda c: [
            tuple(row)
            for row in c.execute(
                select(
                    InboxItem.id,
                    InboxItem.key,
                    InboxItem.status,
                    InboxItem.outcome,
                    InboxItem.lease_until,
                    InboxItem.answered_at,
                    InboxItem.attempts,
                ).where(InboxItem.answered_at.is_(None))
            ).all()
        ],
    )


def leads_by_external_id(url: str, prefix: str) -> dict[str, int]:
    rows = read(
        url,
        lambda c: c.execute(
            select(Lead.external_id, func.count())
            .where(Lead.external_id.like(f"{prefix}%"))
            .group_by(Lead.external_id)
        ).all(),
    )
    return {external: count for external, count in rows}


def assert_one_lead_each(process: BotProcess, url: str, prefix: str, total: int) -> None:
    """Every record is one lead, announced once."""
    found = leads_by_external_id(url, prefix)
    assert len(found) == total and set(found.values()) == {1}, found
    ids = read(
        url, lambda c: c.execute(select(Lead.id).where(Lead.external_id.like(f"{prefix}%"))).all()
    )
    wait_for(
        lambda: all(announced(process.standin, lead) for (lead,) in ids) and pending(url) == 0,
        "the announcements",
        process.log_text,
    )
    for (lead,) in ids:
        assert len(announced(process.standin, lead)) == 1, f"L-{lead} announced twice"


def resend_until_answered(
    process: BotProcess, send: Callable[[int], int], answers: dict[int, int]
) -> int:
    """What the CRM does after the crash: send again whatever was not answered 2xx."""
    resent = 0
    for n in sorted(answers):
        if not 200 <= answers[n] < 300:
            answers[n] = send(n)
            resent += 1
        assert 200 <= answers[n] < 300, (n, answers[n])
    return resent


def kill_bursts(
    process: BotProcess,
    url: str,
    send: Callable[[int], int],
    prefix: str,
    first: float,
    step: float,
) -> int:
    """KILLS bursts, each cut by a kill `first + step * (k % 4)` s in, resent after a restart
    (with one replay of an answered record); then every record is one lead. How many resent."""
    resent = 0
    for k in range(KILLS):
        answers = burst_until_killed(process, send, k * BURST, first + step * (k % 4))
        process.start()
        resent += resend_until_answered(process, send, answers)
        send(k * BURST)  # a replay of one already answered: harmless
    # A record answered but not yet acted on when the process died (a journaled event or
    # notification) is finished by the restarted process once its lease runs out.
    wait_for(
        lambda: len(leads_by_external_id(url, prefix)) == KILLS * BURST,
        "the records answered before the kill",
        lambda: f"{inbox_rows(url)}\n{process.log_text()}",
    )
    assert_one_lead_each(process, url, prefix, KILLS * BURST)
    return resent


def test_a_kill_during_a_burst_of_hubspot_webhooks_loses_and_repeats_no_lead(
    bot_process: BotProcess, database_url: str
) -> None:
    bot_process.start()

    def send(n: int) -> int:
        contact = {
            "objectId": 7000 + n,
            "properties": {
                "firstname": f"Ana {n}",
                "lastname": "Ruiz",
                "email": f"ana{n}@example.com",
                "company": "Acme",
                "lifecyclestage": "marketingqualifiedlead",
            },
        }
        return send_webhook(bot_process.url + "/api/hubspot", contact, SECRET)[0]

    # The HubSpot path answers in milliseconds: the kill must come early in the burst.
    resent = kill_bursts(bot_process, database_url, send, "hubspot:", 0.02, 0.03)
    print(f"\nhubspot webhooks kills={KILLS} sent={KILLS * BURST} resent={resent} repeated=0")


def test_a_kill_during_a_burst_of_hubspot_events_loses_and_repeats_no_lead(
    bot_process: BotProcess, hubspot: HubSpotFake, database_url: str
) -> None:
    """Subscription events: journaled and answered, their contacts read after the answer."""
    bot_process.start()
    hubspot.state.delay = 0.02  # a read takes a moment: some kills land between answer and read
    for n in range(KILLS * BURST):
        hubspot.state.contacts[str(8000 + n)] = {
            "firstname": f"Eva {n}",
            "lastname": "Soto",
            "email": f"eva{n}@example.com",
            "lifecyclestage": "marketingqualifiedlead",
        }

    def send(n: int) -> int:
        event = {
            "eventId": 90_000 + n,
            "objectId": 8000 + n,
            "subscriptionType": "contact.propertyChange",
            "propertyName": "lifecyclestage",
            "occurredAt": 1_796_000_000_000 + n,
        }
        return send_webhook(bot_process.url + "/api/hubspot", [event], SECRET)[0]

    resent = kill_bursts(bot_process, database_url, send, "hubspot:", 0.05, 0.05)
    print(f"\nhubspot events kills={KILLS} sent={KILLS * BURST} resent={resent} repeated=0")


def test_a_kill_during_a_burst_of_salesforce_messages_loses_and_repeats_no_lead(
    bot_process: BotProcess, database_url: str, stack: ExitStack
) -> None:
    bot_process.start()
    sf = stack.enter_context(SalesforceStandIn())

    def send(n: int) -> int:
        fields = {
            "FirstName": f"Luis {n}",
            "LastName": "Gil",
            "Company": "Acme",
            "Email": f"luis{n}@example.com",
            "Status": "Open - Not Contacted",
        }
        body = outbound_message(ORG_ID, [(f"04l{n:015d}", f"00Q{n:015d}", fields)])
        return sf.send_outbound(bot_process.url + "/api/salesforce", body)[0]

    resent = kill_bursts(bot_process, database_url, send, "salesforce:", 0.15, 0.2)
    print(f"\nsalesforce messages kills={KILLS} sent={KILLS * BURST} resent={resent} repeated=0")
