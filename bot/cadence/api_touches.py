"""POST /api/touches: a dialer's or email tool's touch, logged with the same rules as a tap."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cadence.requests import TouchRequest
from bot.cadence.touch_input import TouchData
from bot.cadence.touches import Touches
from bot.ui.catalogue import Catalogue
from bot.ui.lead_view import LeadView
from sla_rules.leads import email_key, parse_short_id
from storage import leads as repo
from storage.models import Lead, Touch
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.api_touches")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
UserFinder = Callable[[str], str | None]


def slack_user_finder(client: WebClient) -> UserFinder:
    """Find a Slack user ID by email through users.lookupByEmail (None when nobody has it)."""

    def find(email: str) -> str | None:
        try:
            answer = client.users_lookupByEmail(email=email)
        except SlackApiError as failed:
            # users_not_found is an answer; anything else is logged without the address.
            if failed.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed: %s", failed.response.get("error"))
            return None
        user = answer.get("user") or {}
        return user.get("id") if isinstance(user, dict) else None

    return find


@dataclass(frozen=True)
class ApiAnswer:
    """The HTTP status and JSON body of an answer to POST /api/touches."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    error_key: str | None = None  # api.<key> when refused
    fields: dict[str, str] | None = None


class ApiTouches:
    """Resolves the lead and the actor of an API touch, then logs it through Touches."""

    def __init__(
        self,
        database: Database,
        touches: Touches,
        find_user: UserFinder,
        cat: Catalogue,
        zone: Any,
    ) -> None:
        self.database = database
        self.touches = touches
        self.find_user = find_user
        self.cat = cat
        self.zone = zone

    def log(self, data: TouchData) -> ApiAnswer:
        """Log the touch: 201 logged, 200 repeated key, 403, 404, 409 closed, 422 bad fields."""
        with self.database.reading() as session:
            if data.click_key is not None:
                known = self._touch_of_key(session, data.click_key)
                if known is not None:
                    return ApiAnswer(200, known)
            lead = self._lead(session, data.lead)
            view = None if lead is None else LeadView.of(lead)
        if view is None:
            return ApiAnswer(404, error_key="touch_unknown_lead")
        if data.at is not None and data.at < view.handed_off_at:
            return ApiAnswer(422, fields={"at": self.cat.t("input.before_handoff")})
        actor = self._actor(data.by)
        if actor is None:
            return ApiAnswer(422, fields={"by": self.cat.t("input.unknown_user")})
        request = TouchRequest(
            view.id,
            data.kind,
            data.outcome,
            actor,
            reason=data.reason,
            click_key=data.click_key,
            at=data.at,
        )
        result = self.touches.log(request)
        if result.outcome == "missing":
            return ApiAnswer(404, error_key="touch_unknown_lead")
        if result.outcome == "closed":
            return ApiAnswer(409, error_key="touch_closed")
        if result.outcome == "not_allowed":
            return ApiAnswer(403, error_key="touch_not_allowed")
        if result.outcome == "duplicate" and data.click_key is not None:
            with self.database.reading() as session:
                known = self._touch_of_key(session, data.click_key)
            if known is not None:
                return ApiAnswer(200, known)
        with self.database.reading() as session:
            touch = self._last_touch(session, view.id, actor) if data.click_key is None else None
            if data.click_key is not None:
                body = self._touch_of_key(session, data.click_key)
            else:
                body = None if touch is None else self._answer(session, touch)
        return ApiAnswer(201, body or {})

    def _actor(self, by: str) -> str | None:
        if "@" in by:
            return self.find_user(by)
        return by if _SLACK_ID.match(by) else None

    @staticmethod
    def _lead(session: Session, reference: str) -> Lead | None:
        number = parse_short_id(reference)
        lead = repo.lead_by_id(session, number) if number is not None else None
        lead = lead or repo.lead_by_external_id(session, reference)
        if lead is None and "@" in reference:
            key = email_key(reference)
            lead = repo.open_lead_by_email(session, key) if key else None
        return lead

    def _touch_of_key(self, session: Session, click_key: str) -> dict[str, Any] | None:
        touch = session.scalar(select(Touch).where(Touch.click_key == click_key))
        return None if touch is None else self._answer(session, touch)

    @staticmethod
    def _last_touch(session: Session, lead_id: int, actor: str) -> Touch | None:
        query = (
            select(Touch)
            .where(Touch.lead_id == lead_id, Touch.actor == actor)
            .order_by(Touch.id.desc())
            .limit(1)
        )
        return session.scalar(query)

    def _answer(self, session: Session, touch: Touch) -> dict[str, Any]:
        lead = session.get(Lead, touch.lead_id)
        assert lead is not None  # a touch's lead is never deleted
        view = LeadView.of(lead)
        key = touch.click_key
        return {
            "touch": {
                "kind": touch.kind,
                "outcome": touch.outcome,
                "by": touch.actor,
                "at": touch.at.astimezone(self.zone).isoformat(timespec="seconds"),
                "reason": touch.reason,
                "idempotency_key": key[4:] if key and key.startswith("api:") else None,
                "first": view.first_touch_at == touch.at,
            },
            "lead": view.api(self.zone),
        }
