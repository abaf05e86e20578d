"""crm.salesforce: today's defaults, a team's own statuses and fields, hostile field values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_rules.agreement import parse_agreement
from sla_rules.crm_mapping import LIMITS, SalesforceMapping
from sla_rules.salesforce_mapping import map_lead, meaning_of
from tests.fuzz_budget import fuzz_examples
from tests.unit.agreement.helpers import base, only_problem, problems

DEFAULTS = SalesforceMapping()
LEAD = {"FirstName": "Ana", "LastName": "Pérez", "Email": "ana@example.com"}


def test_defaults_are_salesforces_standard_lead() -> None:
    assert DEFAULTS.status == "Status"
    assert DEFAULTS.mql_statuses == [
        "Open - Not Contacted",
        "Working - Contacted",
        "MQL",
        "Marketing Qualified",
    ]
    assert DEFAULTS.won_statuses == ["Closed - Converted"]
    assert DEFAULTS.disqualified_statuses == ["Closed - Not Converted"]
    assert (DEFAULTS.name, DEFAULTS.phone) == (["FirstName", "LastName"], ["Phone", "MobilePhone"])
    assert (DEFAULTS.email, DEFAULTS.company) == (["Email"], ["Company"])
    assert (DEFAULTS.source, DEFAULTS.reason) == (["LeadSource"], ["Description"])


def test_an_agreement_without_crm_salesforce_gets_the_defaults() -> None:
    assert parse_agreement(base()).crm.salesforce == DEFAULTS


def test_the_first_present_field_wins_and_blank_ones_are_skipped() -> None:
    mapped = map_lead(DEFAULTS, "00Q1", {**LEAD, "Phone": "  ", "MobilePhone": "+34 6"})
    assert mapped.handoff["phone"] == "+34 6"
    assert map_lead(DEFAULTS, "00Q1", {**LEAD, "Phone": "+1"}).handoff["phone"] == "+1"


def test_an_id_missing_or_too_long_for_an_external_id_is_named() -> None:
    assert map_lead(DEFAULTS, "", LEAD).missing == ("Id",)
    assert map_lead(DEFAULTS, "0" * 190, LEAD).missing == ("Id",)
    assert map_lead(DEFAULTS, "0" * 189, LEAD).missing == ()


def test_a_teams_own_statuses_and_fields() -> None:
    mapping = SalesforceMapping(
        status="Stage__c",
        mql_statuses=["MQL"],
        won_statuses=["Won"],
        disqualified_statuses=["Junk", "Lost"],
        name=["Full_Name__c"],
        reason=["MQL_Reason__c", "Description"],
    )
    assert meaning_of(mapping, "  won ") == "won"
    assert meaning_of(mapping, "LOST") == "disqualified"
    assert meaning_of(mapping, "Open - Not Contacted") == "other"
    assert meaning_of(mapping, "Closed - Converted") == "other"
    fields = {"Stage__c": "mql", "Full_Name__c": "Ana Pérez", "Description": "demo"}
    mapped = map_lead(mapping, "00Q9", {**fields, "Status": "Closed - Converted"})
    assert mapped.meaning == "mql"
    assert mapped.handoff == {
        "external_id": "salesforce:00Q9",
        "name": "Ana Pérez",
        "reason": "demo",
    }
    assert map_lead(mapping, "00Q9", {"Stage__c": "Won"}).meaning == "won"


def test_the_section_is_read_from_the_agreement() -> None:
    data = base()
    data["crm"] = {"salesforce": {"mql_statuses": ["MQL"], "won_statuses": ["Won"]}}
    mapping = parse_agreement(data).crm.salesforce
    assert (mapping.mql_statuses, mapping.won_statuses) == (["MQL"], ["Won"])
    assert mapping.disqualified_statuses == ["Closed - Not Converted"]


@pytest.mark.parametrize(
    ("section", "path", "code"),
    [
        ({"won_statuses": "Won"}, "crm.salesforce.won_statuses", "list"),
        ({"mql_statuses": []}, "crm.salesforce.mql_statuses", "not_empty"),
        ({"email": [""]}, "crm.salesforce.email[0]", "not_empty"),
        ({"name": [3]}, "crm.salesforce.name[0]", "text"),
        ({"status": ["Status"]}, "crm.salesforce.status", "text"),
        ({"colour": "red"}, "crm.salesforce.colour", "unknown_key"),
        ({"won_statuses": ["MQL"]}, "crm.salesforce.won_statuses[0]", "status_listed_twice"),
        (
            {"disqualified_statuses": ["closed  -  CONVERTED"]},
            "crm.salesforce.disqualified_statuses[0]",
            "status_listed_twice",
        ),
    ],
)
def test_a_bad_section_is_refused_naming_the_key(section: dict, path: str, code: str) -> None:
    data = base()
    data["crm"] = {"salesforce": section}
    problem = only_problem(data)
    assert (problem.path, problem.code) == (path, code), problem


def test_a_status_with_two_meanings_names_both_places() -> None:
    data = base()
    data["crm"] = {"salesforce": {"won_statuses": ["Working - Contacted"]}}
    [problem] = problems(data)
    assert "crm.salesforce.mql_statuses[1]" in problem.message


_hostile = st.one_of(
    st.text(max_size=3000),
    st.sampled_from(
        ["<!channel>", "<!here|here>", "<@U0BOSS>", "@everyone", "\u202e\u0000x", "😀" * 2000]
    ),
    st.text(alphabet="<>!@&*_~`|", max_size=400),
)
KEYS = [
    "FirstName",
    "LastName",
    "Email",
    "Phone",
    "MobilePhone",
    "Company",
    "LeadSource",
    "Description",
    "Status",
    "Id",
]


@settings(max_examples=fuzz_examples(300))
@given(
    fields=st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=20)), _hostile),
    record_id=st.one_of(st.text(max_size=300), st.sampled_from(["00Q1", "<!channel>"])),
    mql=st.booleans(),
)
def test_hostile_fields_never_raise_and_stay_within_the_handoff_limits(
    fields: dict[str, str], record_id: str, mql: bool
) -> None:
    if mql:
        fields = {**fields, "Status": "Open - Not Contacted"}
    mapped = map_lead(DEFAULTS, record_id, fields)
    assert mapped.meaning in ("mql", "won", "disqualified", "other")
    for key, value in mapped.handoff.items():
        limit = 200 if key == "external_id" else LIMITS[key]
        assert len(value) <= limit, key
    if mapped.meaning == "mql" and not mapped.missing:
        assert (
            mapped.handoff["name"].strip()
            and mapped.handoff["external_id"] == f"salesforce:{record_id}"
        )
