"""What a CRM record means for the SLA: an MQL to hand off, a lead won or disqualified, or nothing.

Pure: the agreement's `crm:` section (with HubSpot's defaults when absent) applied to a contact's
properties, flat (`{"email": "a@b.c"}`) or in the legacy workflow shape (`{"email": {"value": …}}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, model_validator

from sla_rules.agreement.fields import Text, _rule_error, _Strict
from sla_rules.text import fold_status

Verdict = Literal["mql", "won", "disqualified", "ignore"]
# The handoff's own limits (bot/leads/handoff_input.py): longer values are cut, not refused,
# because HubSpot does not retry a refusal and the lead would be lost.
LIMITS = {"name": 200, "email": 254, "phone": 50, "company": 200, "source": 100, "reason": 1000}


class HubSpotMapping(_Strict):
    """Which contact properties mean what (HubSpot's own names by default)."""

    mql_property: str = Field(default="lifecyclestage", min_length=1, max_length=100)
    mql_values: list[str] = Field(default=["marketingqualifiedlead"], min_length=1)
    name: list[str] = Field(default=["firstname", "lastname"], min_length=1, max_length=4)
    company: str = "company"
    email: str = "email"
    phone: str = "phone"
    source: str = "hs_analytics_source"
    # "Why qualified": the form or conversion that made the contact an MQL.
    reason: str = "recent_conversion_event_name"
    won_property: str = "lifecyclestage"
    won_values: list[str] = Field(default=["customer"])
    disqualified_property: str = "hs_lead_status"
    disqualified_values: list[str] = Field(default=["UNQUALIFIED"])


class SalesforceMapping(_Strict):
    """Which Lead Status values mean what, and which Lead fields fill a handoff (standard names).

    Statuses are compared ignoring case and repeated spaces. Each handoff field lists the Lead
    fields that fill it, the first one present winning; the name joins all of its fields.
    """

    status: Text = "Status"
    # Salesforce's standard picklist: a new open lead sent by the rule is the MQL.
    mql_statuses: list[Text] = Field(
        default=["Open - Not Contacted", "Working - Contacted", "MQL", "Marketing Qualified"],
        min_length=1,
    )
    won_statuses: list[Text] = Field(default=["Closed - Converted"], min_length=1)
    disqualified_statuses: list[Text] = Field(default=["Closed - Not Converted"], min_length=1)
    name: list[Text] = Field(default=["FirstName", "LastName"], min_length=1)
    email: list[Text] = Field(default=["Email"], min_length=1)
    phone: list[Text] = Field(default=["Phone", "MobilePhone"], min_length=1)
    company: list[Text] = Field(default=["Company"], min_length=1)
    source: list[Text] = Field(default=["LeadSource"], min_length=1)
    reason: list[Text] = Field(default=["Description"], min_length=1)

    @model_validator(mode="after")
    def _one_meaning_per_status(self) -> SalesforceMapping:
        seen: dict[str, str] = {}
        for key in ("mql_statuses", "won_statuses", "disqualified_statuses"):
            for index, status in enumerate(getattr(self, key)):
                folded = fold_status(status)
                if folded in seen:
                    raise _rule_error(
                        f"'{status}' is already listed at {seen[folded]}: a status has one meaning",
                        at=f".{key}[{index}]",
                        value=status,
                        code="status_listed_twice",
                        status=status,
                        first_where=seen[folded],
                    )
                seen[folded] = f"crm.salesforce.{key}[{index}]"
        return self


class CrmSection(_Strict):
    """The agreement's optional `crm:` section."""

    hubspot: HubSpotMapping = Field(default_factory=HubSpotMapping)
    salesforce: SalesforceMapping = Field(default_factory=SalesforceMapping)


@dataclass(frozen=True)
class Mapped:
    """A contact read through the mapping: its verdict, handoff fields, and what is missing."""

    verdict: Verdict
    fields: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def flat_properties(raw: Any) -> dict[str, str]:
    """Properties as text, from the flat or the legacy `{"value": …}` shape; others dropped."""
    if not isinstance(raw, Mapping):
        return {}
    flat: dict[str, str] = {}
    for key, given in raw.items():
        value = given.get("value") if isinstance(given, Mapping) else given
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        text = str(value).replace("\x00", "").strip()
        if isinstance(key, str) and text:
            flat[key] = text
    return flat


def _matches(properties: Mapping[str, str], name: str, values: list[str]) -> bool:
    wanted = {v.casefold() for v in values}
    return properties.get(name, "").casefold() in wanted


def map_contact(mapping: HubSpotMapping, properties: Mapping[str, str]) -> Mapped:
    """Judge a contact: won and disqualified first (they close a lead), then an MQL."""
    if _matches(properties, mapping.won_property, mapping.won_values):
        return Mapped("won")
    if _matches(properties, mapping.disqualified_property, mapping.disqualified_values):
        return Mapped("disqualified")
    if not _matches(properties, mapping.mql_property, mapping.mql_values):
        return Mapped("ignore")
    name = " ".join(properties[p] for p in mapping.name if properties.get(p))
    found = {
        "name": name,
        "company": properties.get(mapping.company, ""),
        "email": properties.get(mapping.email, ""),
        "phone": properties.get(mapping.phone, ""),
        "source": properties.get(mapping.source, ""),
        "reason": properties.get(mapping.reason, ""),
    }
    fields = {key: value[: LIMITS[key]] for key, value in found.items() if value}
    # A rep needs a name to call and a way to reach the person; the rest is helpful, not vital.
    missing = []
    if "name" not in fields:
        missing.append("+".join(mapping.name))
    if "email" not in fields and "phone" not in fields:
        missing.append(f"{mapping.email}/{mapping.phone}")
    return Mapped("mql", fields, missing)
