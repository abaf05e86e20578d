"""Salesforce out: touches become Tasks on the Lead or Contact, the claim sets OwnerId, and a
Lead's Status follows (a Contact has no Status).

Uses simple-salesforce. A Task's Subject carries "[sla:<outbox id>]", so a row whose earlier
try is in doubt looks for its Task (SOQL) before creating it again; Lead updates set values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from requests.exceptions import RequestException
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError
from sqlalchemy.orm import Session

from bot.crm.lanes import ExternalOutcome
from bot.outbox.calls import Pending
from storage import leads as repo

LANE = "ext:salesforce"
PREFIX = "salesforce:"
PACE_SECONDS = 0.05  # far under the org's daily API allowance; 403 REQUEST_LIMIT_EXCEEDED waits
STATUS = {"claimed": "Working - Contacted", "disqualified": "Closed - Not Converted"}
SUBTYPE = {"call": "Call", "voicemail": "Call", "email": "Email"}
# At most per write: the owner's email (Slack), the owner, a look, the Task, the Lead update.
MOST_CALLS = 5


# A record ID's first three characters name its object: 00Q a Lead, 003 a Contact.
CONTACT_PREFIX = "003"


def record_object(record_id: str) -> str:
    """The sObject a handed-off record is: "Contact" or "Lead"."""
    return "Contact" if record_id.startswith(CONTACT_PREFIX) else "Lead"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


class SalesforceOut:
    """The ext:salesforce lane's connector."""

    lane = LANE
    pace = PACE_SECONDS

    def __init__(
        self,
        client: Salesforce,
        email_of: Callable[[str], str | None],
        report_unmapped: Callable[[str], None] = lambda user: None,
        timeout: float = 15.0,
    ) -> None:
        self.lease = MOST_CALLS * timeout + 5.0
        self.client = client
        self.email_of = email_of
        self.report_unmapped = report_unmapped

    def wants(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        actor: str | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """A row for claims and touches of leads that came from Salesforce."""
        if kind not in ("claimed", "touch"):
            return None
        external = repo.external_id_from(session, lead_id, PREFIX)
        if not external:
            return None
        payload: dict[str, Any] = {"op": kind, "lead": external.removeprefix(PREFIX)}
        payload["user"] = actor
        if kind == "touch":
            payload["touch_kind"] = str(detail.get("touch_kind") or "")
            payload["outcome"] = str(detail.get("outcome") or "")
            payload["reason"] = detail.get("reason")
        return payload

    def settle(self, row: Pending) -> bool:
        """Whether the row's Task already exists (an earlier try landed)."""
        payload = row.payload if isinstance(row.payload, dict) else {}
        return payload.get("op") == "touch" and self._task_exists(row.id)

    def deliver(self, row: Pending) -> ExternalOutcome:
        """Write one row; 403 REQUEST_LIMIT_EXCEEDED and 5xx wait, other refusals fail."""
        calls = 0
        try:
            payload = row.payload
            lead = str(payload["lead"])
            fields: dict[str, Any] = {}
            if payload["op"] == "claimed" and payload.get("user"):
                calls += 1
                owner = self._owner_of(str(payload["user"]))
                if owner is not None:
                    fields["OwnerId"] = owner
                fields["Status"] = STATUS["claimed"]
            if payload["op"] == "touch":
                calls += 1
                if not (row.in_doubt and self._task_exists(row.id)):
                    calls += 1
                    self.client.Task.create(self._task(row, payload, lead))
                if payload.get("outcome") == "disqualified":
                    fields["Status"] = STATUS["disqualified"]
            if record_object(lead) == "Contact":
                fields.pop("Status", None)
            if fields:
                calls += 1
                getattr(self.client, record_object(lead)).update(lead, fields)
        except SalesforceError as error:
            limited = error.status == 403 and "REQUEST_LIMIT_EXCEEDED" in str(error.content)
            # A 5xx may come after the Task was stored, and a refused Lead update after the
            # Task landed: either way the next try looks for the Task before creating it.
            if limited:
                return ExternalOutcome(
                    False, retry_after=60.0, error="limit", unknown=True, calls=calls
                )
            transient = error.status >= 500
            return ExternalOutcome(
                False, transient=transient, error=str(error.status), unknown=True, calls=calls
            )
        except RequestException as error:
            return ExternalOutcome(
                False, transient=True, unknown=True, error=type(error).__name__, calls=calls
            )
        return ExternalOutcome(True, calls=max(calls, 1))

    def _task(self, row: Pending, payload: Mapping[str, Any], lead: str) -> dict[str, Any]:
        kind = str(payload.get("touch_kind"))
        day = row.created_at.date().isoformat() if row.created_at else None
        task = {
            "WhoId": lead,
            "Subject": f"{kind.title()}: {payload.get('outcome')} [sla:{row.id}]",
            "Status": "Completed",
            "TaskSubtype": SUBTYPE.get(kind, "Task"),
            "Description": str(payload.get("reason") or ""),
        }
        return {**task, "ActivityDate": day} if day else task

    def _task_exists(self, row_id: int) -> bool:
        soql = f"SELECT Id FROM Task WHERE Subject LIKE '%[sla:{int(row_id)}]%'"
        return bool(self.client.query(soql)["totalSize"])

    def _owner_of(self, user: str) -> str | None:
        email = self.email_of(user)
        if email:
            found = self.client.query(f"SELECT Id FROM User WHERE Email = '{_quote(email)}'")
            if found["records"]:
                return str(found["records"][0]["Id"])
        self.report_unmapped(user)
        return None
