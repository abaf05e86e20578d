"""Salesforce Lead fields to a handoff, with defaults for the standard Lead statuses (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Meaning = Literal["mql", "won", "disqualified", "other"]

# Salesforce's standard Lead picklist: Open - Not Contacted, Working - Contacted,
# Closed - Converted, Closed - Not Converted. A new open lead sent by the rule is the MQL.
MQL_STATUSES = frozenset(
    {"open - not contacted", "working - contacted", "mql", "marketing qualified"}
)
WON_STATUSES = frozenset({"closed - converted"})
DISQUALIFIED_STATUSES = frozenset({"closed - not converted"})
# handoff field -> the Lead fields that fill it, first present wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "email": ("Email",),
    "phone": ("Phone", "MobilePhone"),
    "company": ("Company",),
    "source": ("LeadSource",),
    "reason": ("Description",),
}


@dataclass(frozen=True)
class Mapped:
    """What a notification means, the handoff it fills (when an MQL) and what was missing."""

    meaning: Meaning
    handoff: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


def meaning_of(status: str | None) -> Meaning:
    """What a Lead Status means to the SLA (an absent status: the rule fired on a new lead)."""
    if status is None:
        return "mql"
    folded = " ".join(status.split()).casefold()
    if folded in WON_STATUSES:
        return "won"
    if folded in DISQUALIFIED_STATUSES:
        return "disqualified"
    return "mql" if folded in MQL_STATUSES else "other"


def map_lead(record_id: str, fields: dict[str, str]) -> Mapped:
    """Map a Lead's fields to a handoff keyed "salesforce:<Id>"; what is missing, when anything."""
    meaning = meaning_of(fields.get("Status"))
    if meaning != "mql":
        return Mapped(meaning)
    name = " ".join(p for p in (fields.get("FirstName", ""), fields.get("LastName", "")) if p)
    missing: list[str] = []
    if not record_id:
        missing.append("Id")
    if not name.strip():
        missing.append("LastName")
    handoff = {"external_id": f"salesforce:{record_id}", "name": name}
    for target, sources in FIELDS.items():
        value = next((fields[s] for s in sources if fields.get(s)), None)
        if value is not None:
            handoff[target] = value
    return Mapped("mql", handoff, tuple(missing))


def same_org(given: str, configured: str) -> bool:
    """Whether two organization IDs name one org (an 18-character ID is the 15 plus a checksum)."""
    if len(given) not in (15, 18) or len(configured.strip()) not in (15, 18):
        return given == configured.strip()
    return given[:15] == configured.strip()[:15]
