"""Salesforce out: the connector's writes, through simple-salesforce, to the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.crm.salesforce_out import SalesforceOut
from bot.local.salesforce import SalesforceStandIn
from bot.local.salesforce.client import standin_client
from bot.outbox.calls import Pending


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    """The stand-in with one Lead and one User."""
    with SalesforceStandIn() as server:
        yield server


def _row(row_id: int, payload: dict[str, object], in_doubt: bool = False) -> Pending:
    return Pending(
        id=row_id,
        kind="crm",
        channel="ext:salesforce",
        lead_id=1,
        payload=payload,
        in_doubt=in_doubt,
        created_at=datetime(2026, 12, 2, 10, tzinfo=UTC),
    )


def test_claim_and_touch_land_once(sf: SalesforceStandIn) -> None:
    client = standin_client(sf)
    lead = client.Lead.create({"LastName": "P", "Company": "A"})["id"]
    user = sf.add_user("rep@example.com")
    unmapped: list[str] = []
    out = SalesforceOut(client, {"U0REP1": "rep@example.com"}.get, unmapped.append)
    assert out.deliver(_row(1, {"op": "claimed", "lead": lead, "user": "U0REP1"})).ok
    assert client.Lead.get(lead)["OwnerId"] == user
    touch = {"op": "touch", "lead": lead, "touch_kind": "call", "outcome": "disqualified"}
    assert out.deliver(_row(2, {**touch, "reason": "no budget"})).ok
    # The same row again after an unknown outcome: looked up, not written twice.
    assert out.deliver(_row(2, {**touch, "reason": "no budget"}, in_doubt=True)).ok
    tasks = list(sf.state.records["Task"].values())
    assert len(tasks) == 1 and tasks[0]["WhoId"] == lead and tasks[0]["TaskSubtype"] == "Call"
    assert tasks[0]["ActivityDate"] == "2026-12-02"
    assert client.Lead.get(lead)["Status"] == "Closed - Not Converted"
    assert out.deliver(_row(3, {"op": "claimed", "lead": lead, "user": "U0NOBODY"})).ok
    assert unmapped == ["U0NOBODY"]


def test_limits_and_outages_wait(sf: SalesforceStandIn) -> None:
    client = standin_client(sf)
    lead = client.Lead.create({"LastName": "P", "Company": "A"})["id"]
    out = SalesforceOut(client, lambda user: None)
    row = _row(5, {"op": "touch", "lead": lead, "touch_kind": "email", "outcome": "sent"})
    sf.fail_next(403)
    assert out.deliver(row).retry_after is not None
    sf.fail_next(503)
    assert out.deliver(row).transient
    assert out.deliver(row).ok
    assert out.settle(row)


@pytest.mark.parametrize("status", [500, 503, 400])
def test_a_lead_update_refused_after_the_task_landed_leaves_the_row_in_doubt(
    sf: SalesforceStandIn, status: int
) -> None:
    client = standin_client(sf)
    lead = client.Lead.create({"LastName": "P", "Company": "A"})["id"]
    out = SalesforceOut(client, lambda user: None)
    touch = {"op": "touch", "lead": lead, "touch_kind": "call", "outcome": "disqualified"}
    sf.fail_next(None, status)  # the Task lands; the Lead's Status update is refused
    first = out.deliver(_row(7, touch))
    assert not first.ok and first.unknown  # the retry must look before writing the Task again
    assert out.deliver(_row(7, touch, in_doubt=True)).ok
    assert len(sf.state.records["Task"]) == 1
    assert client.Lead.get(lead)["Status"] == "Closed - Not Converted"


def test_a_contact_gets_its_owner_and_tasks_but_no_lead_status(sf: SalesforceStandIn) -> None:
    client = standin_client(sf)
    contact = client.Contact.create({"LastName": "Paz", "Email": "paz@example.com"})["id"]
    assert contact.startswith("003")
    user = sf.add_user("rep@example.com")
    out = SalesforceOut(client, {"U0REP1": "rep@example.com"}.get)
    assert out.deliver(_row(11, {"op": "claimed", "lead": contact, "user": "U0REP1"})).ok
    touch = {"op": "touch", "lead": contact, "touch_kind": "call", "outcome": "disqualified"}
    assert out.deliver(_row(12, touch)).ok
    record = client.Contact.get(contact)
    assert record["OwnerId"] == user and "Status" not in record  # a Contact has no Status
    [task] = sf.state.records["Task"].values()
    assert task["WhoId"] == contact
    assert "Lead" not in sf.state.records or contact not in sf.state.records["Lead"]
