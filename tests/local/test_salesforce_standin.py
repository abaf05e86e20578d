"""The Salesforce stand-in through the official client (simple-salesforce) over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce.exceptions import SalesforceError

from bot.local.salesforce import SalesforceStandIn
from bot.local.salesforce.client import standin_client


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    """The stand-in."""
    with SalesforceStandIn() as server:
        yield server


def test_lead_task_owner_and_user_lookup(sf: SalesforceStandIn) -> None:
    client = standin_client(sf)
    lead = client.Lead.create({"LastName": "Pérez", "Company": "Acme", "Status": "Open"})
    assert lead["success"] and lead["id"].startswith("00Q")
    user_id = sf.add_user("rep@example.com")
    found = client.query("SELECT Id FROM User WHERE Email = 'rep@example.com'")
    assert [r["Id"] for r in found["records"]] == [user_id]
    client.Lead.update(lead["id"], {"OwnerId": user_id, "Status": "Working - Contacted"})
    task = client.Task.create(
        {
            "WhoId": lead["id"],
            "Subject": "Call [sla:outbox-7]",
            "Status": "Completed",
            "TaskSubtype": "Call",
            "ActivityDate": "2026-12-02",
        }
    )
    assert client.Lead.get(lead["id"])["OwnerId"] == user_id
    done = client.query("SELECT Id FROM Task WHERE Subject LIKE '%[sla:outbox-7]%'")
    assert [r["Id"] for r in done["records"]] == [task["id"]]
    assert [c.method for c in sf.state.calls] == ["POST", "GET", "PATCH", "POST", "GET", "GET"]


@pytest.mark.parametrize("status", [403, 503, 500])
def test_failures_on_demand(sf: SalesforceStandIn, status: int) -> None:
    client = standin_client(sf)
    sf.fail_next(status)
    with pytest.raises(SalesforceError):
        client.Lead.create({"LastName": "X", "Company": "Y"})
    assert client.Lead.create({"LastName": "X", "Company": "Y"})["success"]


def test_wrong_session_is_refused(sf: SalesforceStandIn) -> None:
    client = standin_client(sf)
    sf._server.token = "another-session"  # the session expired or was revoked
    with pytest.raises(SalesforceError):
        client.Lead.get("00Q1")
    assert sf.state.calls[-1].status == 401
