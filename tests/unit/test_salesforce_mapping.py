"""The Salesforce Lead mapping and the Outbound Message reader (pure, no server)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.crm.salesforce_soap import SoapError, parse
from bot.local.salesforce import outbound_message
from sla_rules.crm_mapping import SalesforceMapping
from sla_rules.salesforce_mapping import map_lead, meaning_of, same_org
from tests.fuzz_budget import fuzz_examples

DEFAULTS = SalesforceMapping()


@pytest.mark.parametrize(
    ("status", "meaning"),
    [
        (None, "mql"),
        ("Open - Not Contacted", "mql"),
        ("Working  -  Contacted", "mql"),
        ("Closed - Converted", "won"),
        ("closed - not converted", "disqualified"),
        ("Nurturing", "other"),
    ],
)
def test_standard_statuses(status: str | None, meaning: str) -> None:
    assert meaning_of(DEFAULTS, status) == meaning


def test_fields_fill_the_handoff() -> None:
    mapped = map_lead(
        DEFAULTS,
        "00Q1",
        {"FirstName": "Ana", "LastName": "Pérez", "MobilePhone": "+34 6", "LeadSource": "Web"},
    )
    assert mapped.handoff == {
        "external_id": "salesforce:00Q1",
        "name": "Ana Pérez",
        "phone": "+34 6",
        "source": "Web",
    }
    assert mapped.missing == ()
    assert map_lead(DEFAULTS, "00Q1", {"Company": "Acme"}).missing == ("FirstName+LastName",)


def test_parse_reads_what_the_standin_sends() -> None:
    body = outbound_message("00DORG", [("04l1", "00Q1", {"LastName": "<!channel> & co"})])
    message = parse(body)
    assert message.organization_id == "00DORG"
    [note] = message.notifications
    assert (note.id, note.sobject_type, note.sobject_id) == ("04l1", "Lead", "00Q1")
    assert note.fields["LastName"] == "<!channel> & co"


def test_more_than_100_notifications_refused() -> None:
    body = outbound_message("00D", [(f"n{i}", f"r{i}", {}) for i in range(101)])
    with pytest.raises(SoapError, match="too_many"):
        parse(body)


@settings(max_examples=fuzz_examples(200))
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_soap_error(body: bytes) -> None:
    with contextlib.suppress(SoapError):
        parse(body)


def test_org_ids_15_and_18_characters() -> None:
    assert same_org("00D000000000001AAA", "00D000000000001")
    assert same_org("00D000000000001", "00D000000000001AAA")
    assert not same_org("00D000000000002AAA", "00D000000000001AAA")
    assert not same_org("00d000000000001AAA", "00D000000000001AAA")  # IDs are case-sensitive
