"""A handoff as it arrives (API, modal, CSV): validated once, with errors named by field."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.functional_validators import BeforeValidator

from bot.ui.catalogue import Catalogue
from sla_rules.instants import instant_problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()./\s-]{5,50}$")


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        # PostgreSQL refuses NUL in text; refusing it here keeps both databases alike.
        if "\x00" in value:
            raise ValueError("has_nul")
        # JSON may carry a lone surrogate (\ud800) that no database can store.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not_unicode") from None
        value = " ".join(value.split())
        return value or None
    return value


def _instant_text(value: Any) -> Any:
    # Only ISO 8601 text (or a datetime from our own code): pydantic would also read numbers
    # as epoch seconds, and a boolean or a huge number is never a CRM's date.
    if value is None or isinstance(value, str | datetime):
        return value
    raise ValueError("not_datetime")


Optional = Annotated[str | None, BeforeValidator(_blank_to_none)]


class HandoffIn(BaseModel):
    """The fields of a handoff, with the limits that keep every message within Block Kit's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, max_length=200
    )
    name: Annotated[str, BeforeValidator(_blank_to_none)] = Field(min_length=1, max_length=200)
    email: Optional = Field(default=None, max_length=254)
    phone: Optional = Field(default=None, max_length=50)
    company: Optional = Field(default=None, max_length=200)
    source: Optional = Field(default=None, max_length=100)
    reason: Optional = Field(default=None, max_length=1000)
    handed_off_at: Annotated[datetime | None, BeforeValidator(_instant_text)] = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("not_email")
        # The matching key is casefolded, and casefolding may lengthen it (ß becomes ss).
        if value is not None and len(value.casefold()) > 254:
            raise ValueError("too_long_folded")
        return value

    @field_validator("phone")
    @classmethod
    def _phone_shape(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError("not_phone")
        return value

    @field_validator("handed_off_at")
    @classmethod
    def _plausible(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # The door passes its clock as context ({"now": ...}); without one, the lower bound
        # and the offset are still checked, so year 1 never reaches the clock maths.
        if value is not None:
            now = (info.context or {}).get("now")
            problem = instant_problem(value, now)
            if problem is not None:
                raise ValueError(problem)
        return value


# pydantic's error types, mapped to catalogue keys under input.*
_KEYS = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "extra_forbidden": "unknown_field",
    "string_type": "not_text",
    "datetime_from_date_parsing": "not_datetime",
    "datetime_parsing": "not_datetime",
    "datetime_type": "not_datetime",
}
_VALUE_ERRORS = {
    "not_email",
    "not_phone",
    "needs_offset",
    "too_early",
    "in_future",
    "not_datetime",
    "has_nul",
    "not_unicode",
}


def field_errors(error: ValidationError, cat: Catalogue) -> dict[str, str]:
    """Turn pydantic's errors into {field: plain message in the catalogue's language}."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "body"
        key = _KEYS.get(item["type"])
        ctx = item.get("ctx") or {}
        limit = ctx.get("max_length", "")
        if key is None:
            reason = str(ctx.get("error", ""))
            key = reason if reason in _VALUE_ERRORS else "invalid"
            if reason == "too_long_folded":
                key, limit = "too_long", 254
        errors.setdefault(field, cat.t(f"input.{key}", max=limit))
    return errors


def parse_handoff(
    data: Any, cat: Catalogue, now: datetime | None = None
) -> tuple[HandoffIn | None, dict[str, str]]:
    """Validate raw handoff data (instants against `now` when given); the handoff or errors."""
    if not isinstance(data, dict):
        return None, {"body": cat.t("input.not_object")}
    try:
        return HandoffIn.model_validate(data, context={"now": now}), {}
    except ValidationError as error:
        return None, field_errors(error, cat)
