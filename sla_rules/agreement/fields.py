"""The agreement's vocabulary and field types, and the strict base every section builds on."""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Literal, get_args

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from sla_rules.durations import DURATION_HINT, DurationError, parse_duration

# --- Vocabulary -----------------------------------------------------------------------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LANGUAGES = ("en", "es")
Clock = Literal["business_hours", "always"]
GoalSource = Literal["reported", "handoffs", "won"]
EscalationTarget = Literal["owner", "channel", "managers"]
TouchKind = Literal["call", "voicemail", "email"]
Outcome = Literal[
    "no_answer",
    "left_voicemail",
    "connected",
    "meeting_booked",
    "bad_number",
    "email_sent",
    "disqualified",
    "won",
]
StandupSection = Literal["goals", "speed", "depth"]

WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
TOUCH_KINDS: tuple[TouchKind, ...] = get_args(TouchKind)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
STANDUP_SECTIONS: tuple[StandupSection, ...] = get_args(StandupSection)
GOAL_SOURCES: tuple[GoalSource, ...] = get_args(GoalSource)

# Slack's ID shapes: channels are C (public), G (private) or D (direct); users are U, or W on
# Enterprise Grid.
_CHANNEL_ID_RE = re.compile(r"[CGD][A-Z0-9]{2,}")
_USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,}")
_TIME_RE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_METRIC_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")


def _rule_error(
    message: str, at: str = "", value: object = None, code: str = "rule", **params: object
) -> PydanticCustomError:
    """Build a validation error that points `at` a spot below the validated value.

    Cross-item rules run on a whole list or model, so pydantic would blame the container;
    `at` (e.g. "[2].after") lets the agreement report name the exact offending key. `code`
    and `params` let the bot say it in the agreement's language; `message` is the English.
    """
    context: dict[str, object] = {"message": message, "at": at, "code": code, "params": params}
    if value is not None:
        context["value"] = value
    return PydanticCustomError("agreement_rule", "{message}", context)


def _field_error(code: str, message: str, **params: object) -> PydanticCustomError:
    """A field's own value is wrong: named by `code` for translation, `message` in English."""
    context = {"message": message, "code": code, "params": params}
    return PydanticCustomError("agreement_field", "{message}", context)


# --- Field types ----------------------------------------------------------------------------


def _duration_from_text(value: object) -> object:
    """Turn "5m" into a timedelta; bare numbers are refused because their unit is unclear."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except DurationError as error:
            raise _field_error(error.code, str(error)) from None
    raise _field_error("duration_format", DURATION_HINT)


def _positive_duration(value: dt.timedelta) -> dt.timedelta:
    """Refuse zero or negative durations given directly as timedeltas."""
    if value <= dt.timedelta(0):
        raise _field_error(
            "duration_positive", "must be greater than zero, such as 30s, 5m, 2h or 1d"
        )
    return value


def _time_from_text(value: object) -> object:
    """Turn "HH:MM" into a time of day."""
    if isinstance(value, dt.time):
        return value
    match = _TIME_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _field_error("time_of_day", 'must be a time of day written HH:MM, such as "09:00"')
    return dt.time(int(match.group(1)), int(match.group(2)))


def _matching(pattern: re.Pattern[str], code: str, message: str) -> AfterValidator:
    """Check a string against a whole-string pattern with a message people can act on."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise _field_error(code, message)
        return value

    return AfterValidator(check)


def _rate(value: float) -> float:
    """Keep a share or conversion rate within (0, 1]."""
    # Written as a negated range so NaN is refused too.
    if not 0 < value <= 1:
        raise _field_error("rate", "must be greater than 0 and at most 1")
    return value


def _locale(value: object) -> object:
    """Accept en, es, or either with a region CLDR knows (es-MX, es_ES, en-US), as es-MX."""
    if not isinstance(value, str):
        return value
    try:
        parsed = BabelLocale.parse(value.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        parsed = None
    if parsed is None or parsed.language not in LANGUAGES or parsed.script or parsed.variant:
        raise _field_error(
            "locale", "must be en or es, or either with a region, such as es-MX, es-ES or en-US"
        )
    return str(parsed).replace("_", "-")


def _lowercase(value: object) -> object:
    """Accept "Mon" as well as "mon"."""
    return value.strip().lower() if isinstance(value, str) else value


# The messages' language is the language part; numbers and dates follow the whole locale.
Locale = Annotated[str, BeforeValidator(_locale)]
Duration = Annotated[
    dt.timedelta, BeforeValidator(_duration_from_text), AfterValidator(_positive_duration)
]
TimeOfDay = Annotated[dt.time, BeforeValidator(_time_from_text)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ChannelId = Annotated[
    str,
    _matching(
        _CHANNEL_ID_RE, "channel_id", "must be a Slack channel ID such as C0123ABCD, not a #name"
    ),
]
UserId = Annotated[
    str,
    _matching(_USER_ID_RE, "user_id", "must be a Slack user ID such as U0123ABCD, not an @name"),
]
MetricName = Annotated[
    str,
    _matching(
        _METRIC_NAME_RE,
        "metric_name",
        "metric names must be lowercase letters, digits and _, starting with a letter",
    ),
]
CountryCode = Annotated[
    str,
    _matching(
        _COUNTRY_RE, "country_code", "must be a two-letter country code in capitals, such as MX"
    ),
]
CurrencyCode = Annotated[
    str,
    _matching(
        _CURRENCY_RE,
        "currency_code",
        "must be a three-letter currency code in capitals, such as MXN",
    ),
]
Rate = Annotated[float, AfterValidator(_rate)]
Milestone = Annotated[int, Field(ge=1, le=1000)]


class _Strict(BaseModel):
    """Base for every section: unknown keys are errors and loaded values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _first_repeat(values: Sequence[object]) -> int | None:
    """Index of the first value that already appeared earlier, if any."""
    seen: set[object] = set()
    for index, value in enumerate(values):
        if value in seen:
            return index
        seen.add(value)
    return None
