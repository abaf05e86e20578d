"""Salesforce retries at once: simultaneous copies of one Outbound Message hand off once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.local.salesforce import SalesforceStandIn, outbound_message
from bot.local.standin import SlackStandIn
from storage.models import InboxItem, Lead
from tests.helpers import run_together
from tests.paths import EXAMPLES

ORG = "00D000000000001AAA"
pytestmark = pytest.mark.postgres


def test_simultaneous_copies_hand_off_once(standin: SlackStandIn, database_url: str) -> None:
    fields = {"FirstName": "Ana", "LastName": "Pérez", "Company": "Acme", "Email": "a@example.com"}
    notes = [(f"04l{n:012d}", f"00Q{n:015d}", fields | {"Email": f"a{n}@x.com"}) for n in range(5)]
    body = outbound_message(ORG, notes)
    with (
        SalesforceStandIn(org_id=ORG) as sf,
        LocalBot(
            EXAMPLES / "agreement.en.yaml",
            standin=standin,
            database_url=database_url,
            ticker=False,
            extra_env={"SALESFORCE_ORG_ID": ORG},
        ) as bot,
    ):
        url = bot.url + "/api/salesforce"
        answers = run_together(*[lambda: sf.send_outbound(url, body) for _ in range(6)])
        assert [status for status, _body, _kind in answers] == [200] * 6
        assert bot.bot is not None
        with bot.bot.deps.database.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(Lead)) == 5
            assert session.scalar(select(func.count()).select_from(InboxItem)) == 5
