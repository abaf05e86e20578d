"""The Sales–Marketing Service Level Agreement as validated, immutable models, and its loader."""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sla_rules.durations import DURATION_HINT, format_duration, parse_duration
from sla_rules.text import normalize

# --- Vocabulary -----------------------------------------------------------------------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Locale = Literal["en", "es"]
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


def _rule_error(message: str, at: str = "", value: object = None) -> PydanticCustomError:
    """Build a validation error that points `at` a spot below the validated value.

    Cross-item rules run on a whole list or model, so pydantic would blame the container;
    `at` (e.g. "[2].after") lets the agreement report name the exact offending key.
    """
    context: dict[str, object] = {"message": message, "at": at}
    if value is not None:
        context["value"] = value
    return PydanticCustomError("agreement_rule", "{message}", context)


# --- Field types ----------------------------------------------------------------------------


def _duration_from_text(value: object) -> object:
    """Turn "5m" into a timedelta; bare numbers are refused because their unit is unclear."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError(DURATION_HINT)


def _positive_duration(value: dt.timedelta) -> dt.timedelta:
    """Refuse zero or negative durations given directly as timedeltas."""
    if value <= dt.timedelta(0):
        raise ValueError("must be greater than zero, such as 30s, 5m, 2h or 1d")
    return value


def _time_from_text(value: object) -> object:
    """Turn "HH:MM" into a time of day."""
    if isinstance(value, dt.time):
        return value
    match = _TIME_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError('must be a time of day written HH:MM, such as "09:00"')
    return dt.time(int(match.group(1)), int(match.group(2)))


def _matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """Check a string against a whole-string pattern with a message people can act on."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _rate(value: float) -> float:
    """Keep a share or conversion rate within (0, 1]."""
    # Written as a negated range so NaN is refused too.
    if not 0 < value <= 1:
        raise ValueError("must be greater than 0 and at most 1")
    return value


def _lowercase(value: object) -> object:
    """Accept "Mon" as well as "mon"."""
    return value.strip().lower() if isinstance(value, str) else value


Duration = Annotated[
    dt.timedelta, BeforeValidator(_duration_from_text), AfterValidator(_positive_duration)
]
TimeOfDay = Annotated[dt.time, BeforeValidator(_time_from_text)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ChannelId = Annotated[
    str, _matching(_CHANNEL_ID_RE, "must be a Slack channel ID such as C0123ABCD, not a #name")
]
UserId = Annotated[
    str, _matching(_USER_ID_RE, "must be a Slack user ID such as U0123ABCD, not an @name")
]
MetricName = Annotated[
    str,
    _matching(
        _METRIC_NAME_RE,
        "metric names must be lowercase letters, digits and _, starting with a letter",
    ),
]
CountryCode = Annotated[
    str, _matching(_COUNTRY_RE, "must be a two-letter country code in capitals, such as MX")
]
CurrencyCode = Annotated[
    str, _matching(_CURRENCY_RE, "must be a three-letter currency code in capitals, such as MXN")
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


# --- Sections -------------------------------------------------------------------------------


class BusinessHours(_Strict):
    """The working days and hours that business-time clocks count, and the days off."""

    days: list[Annotated[Weekday, BeforeValidator(_lowercase)]]
    start: TimeOfDay
    end: TimeOfDay
    holidays_country: CountryCode | None = None
    holidays: list[dt.date] = Field(default_factory=list)

    @field_validator("days")
    @classmethod
    def _days_listed_once(cls, days: list[Weekday]) -> list[Weekday]:
        if not days:
            raise _rule_error("must name at least one working day, such as [mon, tue, wed]")
        repeat = _first_repeat(days)
        if repeat is not None:
            raise _rule_error("is listed twice", at=f"[{repeat}]", value=days[repeat])
        return days

    @model_validator(mode="after")
    def _end_after_start(self) -> "BusinessHours":
        if self.end <= self.start:
            raise _rule_error(
                f"must be after start ({self.start:%H:%M})",
                at=".end",
                value=f"{self.end:%H:%M}",
            )
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """The working days as datetime weekday numbers (Monday is 0)."""
        return frozenset(WEEKDAYS.index(day) for day in self.days)


class SlackConfig(_Strict):
    """Where the bot posts and who may do what, by Slack ID."""

    handoff_channel: ChannelId
    standup_channel: ChannelId
    escalation_channel: ChannelId | None = None
    managers: list[UserId] = Field(default_factory=list)
    sales_reps: list[UserId] = Field(default_factory=list)
    marketers: list[UserId] = Field(default_factory=list)

    @property
    def escalation_channel_id(self) -> str:
        """The escalation channel, falling back to the handoff channel when none is set."""
        return self.escalation_channel or self.handoff_channel

    def may_claim(self, user_id: str) -> bool:
        """Whether this user may claim leads (everyone, when no sales reps are listed)."""
        return not self.sales_reps or user_id in self.sales_reps


class GlossaryEntry(_Strict):
    """A word both teams agreed on, its other spellings, and what it means here."""

    term: Text
    aliases: list[Text] = Field(default_factory=list)
    definition: Text


class Responsibility(_Strict):
    """One duty, the team it belongs to, and the person who owns it."""

    team: Text
    duty: Text
    owner: UserId


class Goal(_Strict):
    """A monthly target for one metric and where its count comes from."""

    target: int = Field(gt=0)
    source: GoalSource


def _is_split_goals(data: Mapping[Any, Any]) -> bool:
    """Whether goals data already has the model's shape (metrics + celebrate_at)."""
    metrics = data.get("metrics")
    return (
        set(data) <= {"metrics", "celebrate_at"}
        and isinstance(metrics, Mapping)
        # A metric literally called "metrics" holds target/source scalars, not goal mappings.
        and all(isinstance(goal, Mapping | Goal) for goal in metrics.values())
    )


class Goals(_Strict):
    """Monthly targets by metric name, and the percent milestones worth celebrating."""

    metrics: dict[MetricName, Goal]
    celebrate_at: list[Milestone] = Field(default_factory=lambda: [50, 100])

    @model_validator(mode="before")
    @classmethod
    def _split_metrics(cls, data: Any) -> Any:
        # In YAML the metrics sit beside celebrate_at in one mapping; lift them into `metrics`.
        if not isinstance(data, Mapping) or _is_split_goals(data):
            return data
        split: dict[str, Any] = {
            "metrics": {name: goal for name, goal in data.items() if name != "celebrate_at"}
        }
        if "celebrate_at" in data:
            split["celebrate_at"] = data["celebrate_at"]
        return split

    @field_validator("metrics")
    @classmethod
    def _at_least_one(cls, metrics: dict[str, Goal]) -> dict[str, Goal]:
        if not metrics:
            raise _rule_error("must name at least one metric, such as visits")
        return metrics

    @field_validator("celebrate_at")
    @classmethod
    def _increasing(cls, milestones: list[int]) -> list[int]:
        for index in range(1, len(milestones)):
            if milestones[index] <= milestones[index - 1]:
                raise _rule_error(
                    f"must be greater than the milestone before it ({milestones[index - 1]})",
                    at=f"[{index}]",
                    value=milestones[index],
                )
        return milestones


class Funnel(_Strict):
    """The reverse funnel from the revenue goal down to the visits it takes."""

    revenue_goal: float = Field(gt=0, allow_inf_nan=False)
    currency: CurrencyCode
    marketing_share: Rate
    average_deal_size: float = Field(gt=0, allow_inf_nan=False)
    lead_to_client: Rate
    visit_to_lead: Rate


class EscalationStep(_Strict):
    """What happens once a handed-off lead has gone `after` without a logged touch."""

    after: Duration
    notify: EscalationTarget | None = None
    reassign: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> "EscalationStep":
        if self.notify is not None and self.reassign:
            raise _rule_error("must either notify or reassign: true, not both")
        if self.notify is None and not self.reassign:
            raise _rule_error("needs notify (owner, channel or managers) or reassign: true")
        return self


class ResponsePolicy(_Strict):
    """The speed-to-lead promise and the escalation ladder behind it."""

    first_touch_within: Duration
    clock: Clock = "business_hours"
    escalation: list[EscalationStep]

    @field_validator("escalation")
    @classmethod
    def _strictly_later(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        for index in range(1, len(steps)):
            previous = steps[index - 1].after
            if steps[index].after <= previous:
                raise _rule_error(
                    f"must be later than the step before it ({format_duration(previous)})",
                    at=f"[{index}].after",
                    value=format_duration(steps[index].after),
                )
        return steps


class CadenceTouch(_Strict):
    """One planned follow-up: on which business day after handoff, and how."""

    day: int = Field(ge=0)
    kind: TouchKind


class Cadence(_Strict):
    """The follow-up sequence for every handed-off lead, and when it ends early."""

    touches: list[CadenceTouch]
    remind_every: Duration
    stop_on: list[Outcome]

    @field_validator("touches")
    @classmethod
    def _in_day_order(cls, touches: list[CadenceTouch]) -> list[CadenceTouch]:
        if not touches:
            raise _rule_error("must list at least one touch, such as {day: 0, kind: call}")
        for index in range(1, len(touches)):
            previous = touches[index - 1].day
            if touches[index].day < previous:
                raise _rule_error(
                    f"must not be earlier than the touch before it (day {previous})",
                    at=f"[{index}].day",
                    value=touches[index].day,
                )
        return touches

    def counts(self) -> dict[str, int]:
        """How many touches of each kind, in the order call, voicemail, email."""
        return {kind: sum(touch.kind == kind for touch in self.touches) for kind in TOUCH_KINDS}

    def span_days(self) -> int:
        """The business day of the last touch."""
        return self.touches[-1].day


class Standup(_Strict):
    """The daily progress post: when, and which sections it shows."""

    time: TimeOfDay = dt.time(9, 0)
    sections: list[StandupSection] = Field(default_factory=lambda: list(STANDUP_SECTIONS))

    @field_validator("sections")
    @classmethod
    def _listed_once(cls, sections: list[StandupSection]) -> list[StandupSection]:
        repeat = _first_repeat(sections)
        if repeat is not None:
            raise _rule_error("is listed twice", at=f"[{repeat}]", value=sections[repeat])
        return sections


class Agreement(_Strict):
    """The whole Service Level Agreement between Sales and Marketing."""

    version: Literal[1]
    company: Text
    timezone: str
    locale: Locale = "en"
    business_hours: BusinessHours
    slack: SlackConfig
    glossary: list[GlossaryEntry]
    responsibilities: list[Responsibility]
    goals: Goals
    funnel: Funnel
    response: ResponsePolicy
    cadence: Cadence
    standup: Standup

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                "not a valid time zone; use an IANA name such as America/Mexico_City"
            ) from None
        return name

    @field_validator("glossary")
    @classmethod
    def _words_unique(cls, entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
        # Lookups ignore case and accents, so "Visita" and "visita" would be the same query.
        first_use: dict[str, tuple[str, str]] = {}
        for index, entry in enumerate(entries):
            words = [("term", entry.term)]
            words += [(f"aliases[{number}]", alias) for number, alias in enumerate(entry.aliases)]
            for where, word in words:
                here = f"[{index}].{where}"
                key = normalize(word)
                if key in first_use:
                    first_where, first_word = first_use[key]
                    raise _rule_error(
                        f"'{word}' is already used as '{first_word}' at glossary{first_where}",
                        at=here,
                        value=word,
                    )
                first_use[key] = (here, word)
        return entries

    @property
    def zone(self) -> ZoneInfo:
        """The agreement's time zone, used by every clock, report and post."""
        return ZoneInfo(self.timezone)


# --- Problems -------------------------------------------------------------------------------


class _Missing(Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""Stands for "no value to show" in an AgreementProblem (e.g. a key that is absent)."""

FILE_PATH = "(file)"
TOP_LEVEL_PATH = "(top level)"


def _show(value: object) -> str:
    """A short, YAML-flavoured rendering of an offending value."""
    if isinstance(value, dt.timedelta):
        text = repr(format_duration(value))
    elif isinstance(value, dt.date | dt.time):
        text = repr(value.isoformat())
    elif isinstance(value, bool):
        text = str(value).lower()
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class AgreementProblem:
    """One thing wrong with an agreement: where (dotted path), what, and the value found."""

    path: str
    message: str
    value: object = MISSING

    def __str__(self) -> str:
        if self.value is MISSING:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (got {_show(self.value)})"


class AgreementError(Exception):
    """An agreement that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[AgreementProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[type["AgreementError"], tuple[list[AgreementProblem]]]:
        return (type(self), (self.problems,))


_FIXED_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "invalid_key": "keys must be text",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date written YYYY-MM-DD",
}
_BOUND_MESSAGES = {
    "greater_than": ("gt", "must be greater than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than": ("lt", "must be less than {}"),
    "less_than_equal": ("le", "must be at most {}"),
}
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def _choices_message(expected: str) -> str:
    """Turn pydantic's "'call', 'voicemail' or 'email'" into "must be one of call, email, ..."."""
    choices = sorted(part.strip().strip("'\"") for part in re.split(r", | or ", expected))
    if len(choices) == 1:
        return f"must be {choices[0]}"
    return "must be one of " + ", ".join(choices)


def _message(error: Mapping[str, Any]) -> str:
    """Plain-English message for one pydantic error."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in _FIXED_MESSAGES:
        return _FIXED_MESSAGES[kind]
    if kind == "literal_error":
        return _choices_message(str(context["expected"]))
    if kind in _BOUND_MESSAGES:
        key, template = _BOUND_MESSAGES[kind]
        return template.format(context[key])
    if kind == "too_short":
        return "must not be empty" if context.get("min_length") == 1 else str(error["msg"])
    message = str(error["msg"])
    for prefix in _PYDANTIC_PREFIXES:
        message = message.removeprefix(prefix)
    return message


def _path(loc: Sequence[str | int], error: Mapping[str, Any]) -> str:
    """Dotted path with list indexes in brackets, e.g. cadence.touches[3].kind."""
    parts = list(loc)
    # Goals keeps its metrics under a `metrics` field, but in YAML they sit directly in goals.
    if parts[:2] == ["goals", "metrics"]:
        del parts[1]
    parts = [part for part in parts if part != "[key]"]
    text = ""
    for position, part in enumerate(parts):
        # A non-text mapping key is reported by name, not as a list index.
        as_key = error["type"] == "invalid_key" and position == len(parts) - 1
        if isinstance(part, int) and not as_key:
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    text += str((error.get("ctx") or {}).get("at", ""))
    return text.removeprefix(".") or TOP_LEVEL_PATH


def problems_from_validation_error(
    error: ValidationError, prefix: Sequence[str | int] = ()
) -> list[AgreementProblem]:
    """Translate pydantic's errors into agreement problems; `prefix` locates a sub-model."""
    problems = []
    for item in error.errors(include_url=False):
        context = item.get("ctx") or {}
        # A rule about a whole section has no single value worth echoing back.
        if item["type"] in {"missing", "agreement_rule"}:
            value: object = context.get("value", MISSING)
        else:
            value = context.get("value", item.get("input", MISSING))
        path = _path([*prefix, *item["loc"]], item)
        problems.append(AgreementProblem(path, _message(item), value))
    return problems


# --- Loading --------------------------------------------------------------------------------


class _AgreementYamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars and no silently repeated keys.

    YAML 1.1 reads unquoted 18:00 as the number 1080 and the country code NO as false;
    both would turn into baffling errors, so only true/false are booleans and there are
    no base-60 numbers.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key that appears twice (YAML would keep the last)."""
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_REPLACED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_AgreementYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.VERBOSE,
    ),
    list("-+0123456789"),
)
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.VERBOSE,
    ),
    list("-+0123456789."),
)


def _yaml_problem(error: yaml.YAMLError) -> AgreementProblem:
    """Describe a YAML error by line and column."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        return AgreementProblem(FILE_PATH, f"invalid YAML at {where}: {error.problem}")
    return AgreementProblem(FILE_PATH, f"invalid YAML: {error}")


def _read_text(file: Path) -> str:
    """The file's text, or an AgreementError saying why it cannot be read."""
    try:
        # utf-8-sig: editors on Windows like to prepend a byte-order mark.
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        message = f"no such file: {file}"
    except IsADirectoryError:
        message = f"is a directory, not a file: {file}"
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (byte {error.start}): {file}"
    except OSError as error:
        message = f"cannot be read ({error.strerror or error}): {file}"
    raise AgreementError([AgreementProblem(FILE_PATH, message)])


def _kind_of(data: object) -> str:
    """How to name a non-mapping top level in an error message."""
    if isinstance(data, list | tuple):
        return "a list"
    if isinstance(data, str):
        return "text"
    if isinstance(data, bool):
        return "true/false"
    if isinstance(data, int | float):
        return "a number"
    return f"a {type(data).__name__}"


def parse_agreement(data: object) -> Agreement:
    """Validate already-loaded data (e.g. from YAML) into an Agreement or raise AgreementError."""
    if data is None:
        raise AgreementError(
            [AgreementProblem(TOP_LEVEL_PATH, "is empty; the agreement's keys are missing")]
        )
    if not isinstance(data, Mapping):
        message = f"must be a mapping of keys to values, not {_kind_of(data)}"
        raise AgreementError([AgreementProblem(TOP_LEVEL_PATH, message)])
    try:
        return Agreement.model_validate(data)
    except ValidationError as error:
        raise AgreementError(problems_from_validation_error(error)) from error


def load_agreement(path: str | Path) -> Agreement:
    """Read, parse and validate an agreement YAML file or raise AgreementError."""
    file = Path(path)
    text = _read_text(file)
    try:
        data = yaml.load(text, Loader=_AgreementYamlLoader)
    except yaml.YAMLError as error:
        raise AgreementError([_yaml_problem(error)]) from error
    if data is None:
        raise AgreementError([AgreementProblem(FILE_PATH, f"is empty: {file}")])
    return parse_agreement(data)
