"""The crm: mapping: HubSpot's defaults, a team's own properties, and hostile property values."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sla_rules.agreement import AgreementError, load_agreement
from sla_rules.crm_mapping import HubSpotMapping, flat_properties, map_contact
from tests.paths import EXAMPLES

DEFAULTS = HubSpotMapping()
MQL = {"lifecyclestage": "marketingqualifiedlead", "firstname": "Ana", "email": "a@b.co"}


def test_defaults_follow_hubspots_own_properties() -> None:
    mapped = map_contact(DEFAULTS, {**MQL, "lastname": "Ruiz", "hs_analytics_source": "PAID"})
    assert mapped.verdict == "mql" and mapped.missing == []
    assert mapped.fields == {"name": "Ana Ruiz", "email": "a@b.co", "source": "PAID"}


def test_won_and_disqualified_come_before_mql_and_others_are_ignored() -> None:
    assert map_contact(DEFAULTS, {**MQL, "lifecyclestage": "customer"}).verdict == "won"
    assert map_contact(DEFAULTS, {**MQL, "hs_lead_status": "unqualified"}).verdict == "disqualified"
    assert map_contact(DEFAULTS, {**MQL, "lifecyclestage": "lead"}).verdict == "ignore"


def test_what_is_missing_is_named() -> None:
    mapped = map_contact(DEFAULTS, {"lifecyclestage": "marketingqualifiedlead"})
    assert mapped.missing == ["firstname+lastname", "email/phone"]


def test_legacy_workflow_values_and_junk_are_flattened() -> None:
    raw = {"a": {"value": "x"}, "b": 3, "c": None, "d": [1], "e": True, "f": " \x00 ", 7: "k"}
    assert flat_properties(raw) == {"a": "x", "b": "3"}
    assert flat_properties(["not", "a", "dict"]) == {}


def test_the_agreement_section_is_validated_with_the_rest(tmp_path) -> None:
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["crm"] = {"hubspot": {"mql_property": "hs_lead_status", "mql_values": ["OPEN"]}}
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert load_agreement(good).crm.hubspot.mql_values == ["OPEN"]
    data["crm"] = {"hubspot": {"mql_values": [], "colour": "red"}}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(AgreementError) as error:
        load_agreement(bad)
    paths = {problem.path for problem in error.value.problems}
    assert {"crm.hubspot.mql_values", "crm.hubspot.colour"} <= paths


@given(st.dictionaries(st.text(max_size=30), st.one_of(st.text(max_size=3000), st.integers())))
def test_any_properties_give_a_verdict_within_the_handoff_limits(props: dict) -> None:
    mapped = map_contact(DEFAULTS, flat_properties({**props, **MQL}))
    assert mapped.verdict in ("mql", "won", "disqualified", "ignore")
    assert len(mapped.fields.get("name", "")) <= 200
    assert len(mapped.fields.get("reason", "")) <= 1000
