"""Salesforce Lead fields to a handoff, through the agreement's `crm.salesforce` mapping (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sla_rules.crm_mapping import LIMITS, SalesforceMapping
from sla_rules.text import fold_status

Meaning = Literal["mql", "won", "disqualified", "other"]
# The handoff's external_id is at most 200 characters: "salesforce:" and the record's Id.
PREFIX = "salesforce:"
MAX_ID = 200 - len(PREFIX)


@dataclass(frozen=True)
class Mapped:
    """What a notification means, the handoff it fills (when an MQL) and what was missing."""

    meaning: Meaning
    handoff: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


def _folded(statuses: list[str]) -> set[str]:
    return {fold_status(status) for status in statuses}


def meaning_of(mapping: SalesforceMapping, status: str | None) -> Meaning:
    """What a Lead Status means to the SLA (an absent status: the rule fired on a new lead)."""
    if status is None:
        return "mql"
    folded = fold_status(status)
    if folded in _folded(mapping.won_statuses):
        return "won"
    if folded in _folded(mapping.disqualified_statuses):
        return "disqualified"
    return "mql" if folded in _folded(mapping.mql_statuses) else "other"


def _first(fields: Mapping[str, str], sources: list[str]) -> str:
    return next((fields[s].strip() for s in sources if fields.get(s, "").strip()), "")


def map_lead(mapping: SalesforceMapping, record_id: str, fields: Mapping[str, str]) -> Mapped:
    """Map a Lead's fields to a handoff keyed "salesforce:<Id>"; what is missing, when anything."""
    meaning = meaning_of(mapping, fields.get(mapping.status))
    if meaning != "mql":
        return Mapped(meaning)
    name = " ".join(p for p in (fields.get(n, "").strip() for n in mapping.name) if p)
    found = {
        "name": name,
        "email": _first(fields, mapping.email),
        "phone": _first(fields, mapping.phone),
        "company": _first(fields, mapping.company),
        "source": _first(fields, mapping.source),
        "reason": _first(fields, mapping.reason),
    }
    # Longer values are cut, not refused: Salesforce does not send a kept notification again.
    handoff = {key: value[: LIMITS[key]] for key, value in found.items() if value}
    missing: list[str] = []
    if not record_id.strip() or len(record_id) > MAX_ID:
        missing.append("Id")
    if "name" not in handoff:
        missing.append("+".join(mapping.name))
    handoff["external_id"] = f"{PREFIX}{record_id}"[:200]
    return Mapped("mql", handoff, tuple(missing))


def same_org(given: str, configured: str) -> bool:
    """Whether two organization IDs name one org (an 18-character ID is the 15 plus a checksum)."""
    if len(given) not in (15, 18) or len(configured.strip()) not in (15, 18):
        return given == configured.strip()
    return given[:15] == configured.strip()[:15]
