"""Pure builders of HubSpot writes: which lead events become which CRM v3 requests.

No I/O here: the connector (hubspot_out) sends what these return.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

LANE = "ext:hubspot"
EXTERNAL_PREFIX = "hubspot:"
# The engagement property holding the outbox row's ID: a lookup finds an earlier try's write
# by it (a single-line text property the RevOps lead creates on calls, emails and notes).
TAG_PROPERTY = "sla_bot_outbox_id"

# HubSpot's default call dispositions (the calls API guide; portals may add their own).
DISPOSITIONS: dict[str, str] = {
    "connected": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "meeting_booked": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "won": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "disqualified": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "no_answer": "73a0d17f-1163-4015-bdd5-ec830791da20",
    "left_voicemail": "b2cf5968-551e-4856-9783-52b3da59a7d0",
    "bad_number": "17b47fee-58de-441e-a44c-c6300d46f273",
    "busy": "9d9162e7-6cf3-4944-bf63-4dff82258764",
}
# HUBSPOT_DEFINED association types from an engagement to a contact.
ASSOCIATION_TO_CONTACT = {"calls": 194, "emails": 198, "notes": 202}

# hs_lead_status (HubSpot's default options) after each outcome of a touch.
STATUS_AFTER_OUTCOME: dict[str, str] = {
    "no_answer": "ATTEMPTED_TO_CONTACT",
    "left_voicemail": "ATTEMPTED_TO_CONTACT",
    "email_sent": "ATTEMPTED_TO_CONTACT",
    "bad_number": "ATTEMPTED_TO_CONTACT",
    "connected": "CONNECTED",
    "meeting_booked": "CONNECTED",
    "won": "CONNECTED",
    "disqualified": "UNQUALIFIED",
}
STATUS_CLAIMED = "IN_PROGRESS"
STATUS_RELEASED = "OPEN"
# A closed lead: its final status ("reached" and "won" keep what the last touch set).
STATUS_AFTER_CLOSE: dict[str, str] = {"disqualified": "UNQUALIFIED", "not_reached": "BAD_TIMING"}

_CONTACT_ID = re.compile(r"^hubspot:(\d{1,20})$")


def contact_of(external_id: str | None) -> str | None:
    """The HubSpot contact ID of a lead handed off as "hubspot:<contactId>", else None."""
    if not external_id:
        return None
    match = _CONTACT_ID.match(external_id)
    return match.group(1) if match else None


def operation(kind: str, actor: str | None, detail: Mapping[str, Any]) -> dict[str, Any] | None:
    """What a lead event asks of HubSpot (None: nothing); the row's payload, JSON only."""
    if kind == "claimed" and actor:
        return {"op": "owner", "user": actor, "status": STATUS_CLAIMED}
    if kind == "released":
        # Back in the pool: the contact's owner is cleared, as the lead has none in Slack.
        return {"op": "status", "status": STATUS_RELEASED, "clear_owner": True}
    if kind == "touch":
        outcome = str(detail.get("outcome") or "")
        return {
            "op": "touch",
            "user": actor,
            "touch_kind": str(detail.get("touch_kind") or ""),
            "outcome": outcome,
            "reason": detail.get("reason"),
            "status": STATUS_AFTER_OUTCOME.get(outcome),
        }
    if kind == "closed":
        status = STATUS_AFTER_CLOSE.get(str(detail.get("status") or ""))
        return None if status is None else {"op": "status", "status": status}
    if kind == "breached":
        return {"op": "breach"}
    return None


def millis(at: str) -> str:
    """HubSpot's hs_timestamp: milliseconds since the epoch, as text."""
    return str(int(datetime.fromisoformat(at).timestamp() * 1000))


def _associations(object_type: str, contact: str) -> list[dict[str, Any]]:
    return [
        {
            "to": {"id": contact},
            "types": [
                {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": ASSOCIATION_TO_CONTACT[object_type],
                }
            ],
        }
    ]


def engagement(
    payload: Mapping[str, Any], contact: str, owner: str | None, row_id: int, body: str
) -> tuple[str, dict[str, Any]]:
    """The engagement a touch becomes: ("calls" | "emails", the create request's body)."""
    touch_kind = str(payload.get("touch_kind"))
    outcome = str(payload.get("outcome"))
    properties: dict[str, Any] = {
        "hs_timestamp": millis(str(payload["at"])),
        TAG_PROPERTY: str(row_id),
    }
    if owner:
        properties["hubspot_owner_id"] = owner
    if touch_kind == "email":
        object_type = "emails"
        properties |= {"hs_email_direction": "EMAIL", "hs_email_status": "SENT"}
        properties["hs_email_text"] = body
    else:
        object_type = "calls"
        properties |= {"hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED"}
        properties["hs_call_body"] = body
        disposition = DISPOSITIONS.get(outcome)
        if disposition:
            properties["hs_call_disposition"] = disposition
    return object_type, {
        "properties": properties,
        "associations": _associations(object_type, contact),
    }


def note(
    payload: Mapping[str, Any], contact: str, owner: str | None, row_id: int, text: str
) -> dict[str, Any]:
    """A note on the contact (a disqualify reason)."""
    properties: dict[str, Any] = {
        "hs_timestamp": millis(str(payload["at"])),
        "hs_note_body": text,
        TAG_PROPERTY: f"{row_id}:note",
    }
    if owner:
        properties["hubspot_owner_id"] = owner
    return {"properties": properties, "associations": _associations("notes", contact)}


def contact_update(
    payload: Mapping[str, Any], owner: str | None, breach_property: str | None
) -> dict[str, Any]:
    """The contact's properties this row sets (owner, lead status, breach flag); may be empty."""
    properties: dict[str, Any] = {}
    if payload.get("op") == "owner" and owner:
        properties["hubspot_owner_id"] = owner
    if payload.get("clear_owner") is True:
        properties["hubspot_owner_id"] = ""  # HubSpot clears a property set to ""
    status = payload.get("status")
    if isinstance(status, str) and status:
        properties["hs_lead_status"] = status
    if payload.get("op") == "breach" and breach_property:
        properties[breach_property] = "true"
    return properties
