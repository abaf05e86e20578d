"""A touch as a dialer or an email tool sends it (POST /api/touches): validated, errors by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.functional_validators import BeforeValidator

from bot.leads.handoff_input import _blank_to_none, _instant_text, field_errors
from bot.ui.catalogue import Catalogue
from sla_rules.instants import instant_problem
from sla_rules.touches import NEEDS_REASON, fits, kind_of, outcome_of

Text = Annotated[str, BeforeValidator(_blank_to_none)]
Optional = Annotated[str | None, BeforeValidator(_blank_to_none)]
# The Touch table's click_key holds 100 characters; "api:" takes four.
MAX_KEY = 96


class TouchIn(BaseModel):
    """The fields of POST /api/touches as they arrive."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lead: Text = Field(min_length=1, max_length=254)
    kind: Text = Field(min_length=1, max_length=40)
    outcome: Text = Field(min_length=1, max_length=40)
    by: Text = Field(min_length=1, max_length=254)
    at: Annotated[datetime | None, BeforeValidator(_instant_text)] = None
    reason: Optional = Field(default=None, max_length=300)
    idempotency_key: Optional = Field(default=None, max_length=MAX_KEY)

    @field_validator("at")
    @classmethod
    def _plausible(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None:
            problem = instant_problem(value, (info.context or {}).get("now"))
            if problem is not None:
                raise ValueError(problem)
        return value


@dataclass(frozen=True)
class TouchData:
    """A valid API touch: the kind and outcome as codes, `at` when given."""

    lead: str
    kind: str
    outcome: str
    by: str
    at: datetime | None
    reason: str | None
    idempotency_key: str | None

    @property
    def click_key(self) -> str | None:
        """The Touch row's unique key: a repeated idempotency key logs nothing twice."""
        return None if self.idempotency_key is None else f"api:{self.idempotency_key}"


def parse_touch(
    data: Any, cat: Catalogue, now: datetime
) -> tuple[TouchData | None, dict[str, str]]:
    """Validate a raw API touch against `now`; the touch or {field: message}."""
    if not isinstance(data, dict):
        return None, {"body": cat.t("input.not_object")}
    errors = _words(data, cat)
    try:
        raw = TouchIn.model_validate(data, context={"now": now})
    except ValidationError as error:
        return None, {**field_errors(error, cat), **errors}
    kind, outcome = kind_of(raw.kind), outcome_of(raw.outcome)
    if kind is not None and outcome is not None and not fits(kind, outcome):
        errors["outcome"] = cat.t("input.unfit_outcome", kind=kind)
    if outcome in NEEDS_REASON and raw.reason is None:
        errors["reason"] = cat.t("input.required")
    if errors or kind is None or outcome is None:
        return None, errors
    at = raw.at.astimezone(now.tzinfo) if raw.at is not None else None
    return TouchData(raw.lead, kind, outcome, raw.by, at, raw.reason, raw.idempotency_key), {}


def _words(data: dict[str, Any], cat: Catalogue) -> dict[str, str]:
    """Unknown kind or outcome words, named even when other fields are wrong too."""
    errors: dict[str, str] = {}
    kind, outcome = data.get("kind"), data.get("outcome")
    if isinstance(kind, str) and kind.strip() and kind_of(kind) is None:
        errors["kind"] = cat.t("input.unknown_kind")
    if isinstance(outcome, str) and outcome.strip() and outcome_of(outcome) is None:
        errors["outcome"] = cat.t("input.unknown_outcome")
    return errors
