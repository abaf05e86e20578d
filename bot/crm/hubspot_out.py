"""HubSpot out: the connector that writes claims, touches, statuses and breaches to HubSpot.

Uses hubspot-api-client (CRM v3: objects, contacts, owners). Each row is written once: an
engagement carries its outbox ID in TAG_PROPERTY, and a row whose earlier try is in doubt
looks for it before creating it again; contact updates set values, so a repeat is harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from hubspot import HubSpot
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.objects import (
    ApiException,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.owners import ApiException as OwnersApiException
from slack_sdk import WebClient
from sqlalchemy.orm import Session
from urllib3.exceptions import HTTPError

from bot.crm import hubspot_map as hub
from bot.crm.lanes import ExternalOutcome
from bot.crm.slack_email import slack_email
from bot.outbox.calls import Pending
from storage import leads as repo

log = logging.getLogger("sla_bot.crm.hubspot")
# Each API package of the client raises its own ApiException class.
API_ERRORS = (ApiException, ContactsApiException, OwnersApiException)

# Private apps: 100 requests per 10 s (190 on some tiers); 0.12 s a call keeps a margin.
PACE_SECONDS = 0.12
OWNER_CACHE_SECONDS = 3600.0
# The client sets no timeout of its own: a HubSpot that accepts a call and never answers would
# hold the lane for good. Past this the write is in doubt and the next try looks before writing.
CALL_TIMEOUT_SECONDS = 15.0
# At most per write: the owner, a look and a create for the engagement and for its note, the
# contact update, and Slack's users.info for the owner's email.
MOST_CALLS = 7
# HubSpot's search index trails its writes by a few seconds: an engagement created by a try
# whose answer was lost may not be found yet. The next try of such a row waits this long.
SEARCH_LAG_SECONDS = 30.0
# Renders an engagement's text: (touch_kind, outcome, reason) -> words in the team's language.
Describe = Callable[[str, str, "str | None"], str]


class OwnerUnknown(Exception):
    """A Slack user with no HubSpot owner of the same email (reported, never guessed)."""


class HubSpotOut:
    """The ext:hubspot lane's connector."""

    lane = hub.LANE

    def __init__(
        self,
        client: HubSpot,
        slack: WebClient,
        describe: Describe,
        *,
        pace: float = PACE_SECONDS,
        breach_property: str | None = None,
        report_unmapped: Callable[[str], None] | None = None,
        timeout: float = CALL_TIMEOUT_SECONDS,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.lease = MOST_CALLS * timeout + 5.0
        self.slack = slack
        self.describe = describe
        self.pace = pace
        self.breach_property = breach_property
        self.report_unmapped = report_unmapped
        self._owners: dict[str, tuple[float, str | None]] = {}
        self._reported: set[str] = set()
        self._lock = threading.Lock()

    def wants(
        self,
        session: Session,
        lead_id: int,
        kind: str,
        actor: str | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """A row for events of leads that came from HubSpot ("hubspot:<contactId>")."""
        op = hub.operation(kind, actor, detail)
        if op is None or (op["op"] == "breach" and not self.breach_property):
            return None
        external = repo.external_id_from(session, lead_id, hub.EXTERNAL_PREFIX)
        contact = hub.contact_of(external)
        return None if contact is None else {**op, "contact": contact}

    def settle(self, row: Pending) -> bool:
        """Never settled by a lookup alone: deliver itself skips what an earlier try wrote."""
        return False

    def deliver(self, row: Pending) -> ExternalOutcome:
        """Write one row; the answer's status decides retry, wait or refusal."""
        calls = 0
        try:
            payload = row.payload
            contact = str(payload["contact"])
            user = payload.get("user")
            owner = None
            if isinstance(user, str) and user:
                owner, asked = self._owner_of(user)
                calls += asked
            if payload.get("op") == "touch":
                calls += self._touch(row, payload, contact, owner)
            properties = hub.contact_update(payload, owner, self.breach_property)
            if properties:
                calls += 1
                self.client.crm.contacts.basic_api.update(
                    contact,
                    SimplePublicObjectInput(properties=properties),
                    _request_timeout=self.timeout,
                )
        except API_ERRORS as error:
            return _answer(error, calls)
        except (HTTPError, OSError) as error:  # a timeout or a reset: it may have landed
            return ExternalOutcome(
                False,
                transient=True,
                unknown=True,
                error=type(error).__name__,
                calls=calls + 1,
                not_before=SEARCH_LAG_SECONDS,
            )
        return ExternalOutcome(True, calls=max(calls, 1))

    def _touch(
        self, row: Pending, payload: Mapping[str, Any], contact: str, owner: str | None
    ) -> int:
        """Create the touch's engagement (and a note for a disqualify reason); calls made."""
        calls = 0
        body = self.describe(
            str(payload.get("touch_kind")), str(payload.get("outcome")), payload.get("reason")
        )
        object_type, request = hub.engagement(payload, contact, owner, row.id, body)
        wanted = [(object_type, str(row.id), request)]
        reason = payload.get("reason")
        if payload.get("outcome") == "disqualified" and isinstance(reason, str) and reason:
            note = hub.note(payload, contact, owner, row.id, reason)
            wanted.append(("notes", f"{row.id}:note", note))
        for kind, tag, body_request in wanted:
            if row.in_doubt:
                calls += 1
                if self._exists(kind, tag):
                    continue  # the earlier try created it
            calls += 1
            self.client.crm.objects.basic_api.create(
                kind,
                SimplePublicObjectInputForCreate(**body_request),
                _request_timeout=self.timeout,
            )
        return calls

    def _exists(self, object_type: str, tag: str) -> bool:
        search = PublicObjectSearchRequest(
            filter_groups=[
                {"filters": [{"propertyName": hub.TAG_PROPERTY, "operator": "EQ", "value": tag}]}
            ],
            limit=1,
        )
        found = self.client.crm.objects.search_api.do_search(
            object_type, search, _request_timeout=self.timeout
        )
        return bool(getattr(found, "total", 0) or getattr(found, "results", None))

    def _owner_of(self, user: str) -> tuple[str | None, int]:
        """The HubSpot owner of a Slack user (by email), cached; and how many HubSpot calls."""
        now = time.monotonic()
        with self._lock:
            cached = self._owners.get(user)
        if cached is not None and now - cached[0] < OWNER_CACHE_SECONDS:
            return cached[1], 0
        email = self._email_of(user)
        owner: str | None = None
        calls = 0
        if email:
            calls = 1
            page = self.client.crm.owners.owners_api.get_page(
                email=email, limit=1, _request_timeout=self.timeout
            )
            results = getattr(page, "results", None) or []
            owner = str(results[0].id) if results else None
        with self._lock:
            self._owners[user] = (now, owner)
            first_report = owner is None and user not in self._reported
            if first_report:
                self._reported.add(user)
        if first_report and self.report_unmapped is not None:
            self.report_unmapped(user)
        return owner, calls

    def _email_of(self, user: str) -> str | None:
        return slack_email(self.slack, user)


def retry_after(error: Exception) -> float:
    """The seconds a HubSpot 429 asks to wait: its Retry-After, or 1 when absent or unreadable."""
    headers = getattr(error, "headers", None) or {}
    given = headers.get("Retry-After") or headers.get("retry-after") or "1"
    try:
        return max(float(given), 0.0)
    except ValueError:
        return 1.0


def _answer(
    error: ApiException | ContactsApiException | OwnersApiException, calls: int
) -> ExternalOutcome:
    """What HubSpot's refusal means: 429 waits, 5xx retries (in doubt), 4xx is the row's own."""
    status = int(getattr(error, "status", 0) or 0)
    code = f"http_{status}"
    # Calls made before this one landed: the row is in doubt whatever this answer says.
    partial = calls > 0
    if status == 429:
        return ExternalOutcome(
            False, retry_after=retry_after(error), error=code, unknown=partial, calls=calls + 1
        )
    if status >= 500 or status == 0:
        return ExternalOutcome(
            False,
            transient=True,
            unknown=True,
            error=code,
            calls=calls + 1,
            not_before=SEARCH_LAG_SECONDS,
        )
    return ExternalOutcome(False, error=code, unknown=partial, calls=calls + 1)
