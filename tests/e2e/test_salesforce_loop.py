"""The Salesforce loop: a lead in by Outbound Message, claimed and called, the Task out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.crm.salesforce_out import SalesforceOut
from bot.local.harness import LocalBot
from bot.local.salesforce import SalesforceStandIn, outbound_message
from bot.local.salesforce.client import standin_client
from bot.local.standin import SlackStandIn
from tests.e2e.test_cadence_slack import press, wait_answer
from tests.helpers import drain, wait_announced
from tests.paths import EXAMPLES

ORG = "00D000000000001AAA"


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    """The Salesforce stand-in."""
    with SalesforceStandIn(org_id=ORG) as server:
        yield server


def _wait(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_claim_and_call_land_in_salesforce(sf: SalesforceStandIn, standin: SlackStandIn) -> None:
    client = standin_client(sf)
    lead_id = client.Lead.create({"LastName": "Pérez", "Company": "Acme"})["id"]
    owner = sf.add_user("rep1@example.com")
    out = SalesforceOut(client, {"U0REP1": "rep1@example.com"}.get)
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        ticker=False,
        pace_seconds=0.02,
        extra_env={"SALESFORCE_ORG_ID": ORG},
        connectors=[out],
    ) as bot:
        fields = {"FirstName": "Ana", "LastName": "Pérez", "Company": "Acme"}
        body = outbound_message(ORG, [("04l000000000001", lead_id, fields)])
        assert sf.send_outbound(bot.url + "/api/salesforce", body)[0] == 200
        [card] = wait_announced(bot, 1)
        assert bot.slack is not None
        click = bot.slack.block_action(
            "claim_lead", "1", "U0REP1", channel_id="C0HANDOFF", message_ts=card["ts"]
        )
        wait_answer(bot, click)
        drain(bot)
        dm = bot.standin.messages("DU0REP1")[-1]
        wait_answer(bot, press(bot, dm, "Call: no answer"))
        _wait(lambda: bool(sf.state.records.get("Task")))
        drain(bot)
    [task] = sf.state.records["Task"].values()
    assert task["WhoId"] == lead_id and task["TaskSubtype"] == "Call"
    assert task["Status"] == "Completed" and "[sla:" in task["Subject"]
    assert client.Lead.get(lead_id)["OwnerId"] == owner
