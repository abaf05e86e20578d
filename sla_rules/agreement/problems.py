"""What is wrong with an agreement: problems by dotted path, pydantic errors in plain words."""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import ValidationError

from sla_rules.durations import format_duration


class _Missing(Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""Stands for "no value to show" in an AgreementProblem (e.g. a key that is absent)."""

FILE_PATH = "(file)"
TOP_LEVEL_PATH = "(top level)"


def show_value(value: object) -> str:
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
    """One thing wrong with an agreement: where (dotted path), what, and the value found.

    `message` is in English; `code` and `params` say the same for the bot's catalogue
    (`agreement_problem.<code>`), so a Spanish team reads it in Spanish.
    """

    path: str
    message: str
    value: object = MISSING
    code: str = field(default="other", compare=False)
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        if self.value is MISSING:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (got {show_value(self.value)})"


class AgreementError(Exception):
    """An agreement that cannot be used, with every problem found in it.

    `locale` is the agreement's own locale when that key at least was valid: the language to
    report the problems in.
    """

    def __init__(self, problems: Sequence[AgreementProblem], locale: str | None = None) -> None:
        self.problems = list(problems)
        self.locale = locale
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(
        self,
    ) -> tuple[type["AgreementError"], tuple[list[AgreementProblem], str | None]]:
        return (type(self), (self.problems, self.locale))


# pydantic's error kinds: the problem's code and its English words.
_FIXED_MESSAGES = {
    "missing": ("required", "is required"),
    "extra_forbidden": ("unknown_key", "unknown key"),
    "invalid_key": ("key_not_text", "keys must be text"),
    "string_type": ("text", "must be text"),
    "string_too_short": ("not_empty", "must not be empty"),
    "int_type": ("whole_number", "must be a whole number"),
    "int_parsing": ("whole_number", "must be a whole number"),
    "int_from_float": ("whole_number", "must be a whole number"),
    "float_type": ("number", "must be a number"),
    "float_parsing": ("number", "must be a number"),
    "finite_number": ("finite_number", "must be a finite number"),
    "bool_type": ("true_false", "must be true or false"),
    "bool_parsing": ("true_false", "must be true or false"),
    "list_type": ("list", "must be a list"),
    "dict_type": ("mapping", "must be a mapping of keys to values"),
    "model_type": ("mapping", "must be a mapping of keys to values"),
    "model_attributes_type": ("mapping", "must be a mapping of keys to values"),
    "date_type": ("date", "must be a date written YYYY-MM-DD"),
    "date_parsing": ("date", "must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": ("date", "must be a date written YYYY-MM-DD"),
    "date_from_datetime_inexact": ("date", "must be a date written YYYY-MM-DD"),
}
_BOUND_MESSAGES = {
    "greater_than": ("gt", "must be greater than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than": ("lt", "must be less than {}"),
    "less_than_equal": ("le", "must be at most {}"),
}
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")
# The agreement's own errors carry their code and parameters in the error's context.
_CODED = {"agreement_rule", "agreement_field"}

Described = tuple[str, dict[str, object], str]


def _choices_message(expected: str) -> Described:
    """Turn pydantic's "'call', 'voicemail' or 'email'" into "must be one of call, email, ..."."""
    choices = sorted(part.strip().strip("'\"") for part in re.split(r", | or ", expected))
    if len(choices) == 1:
        return "must_be", {"choice": choices[0]}, f"must be {choices[0]}"
    return "one_of", {"choices": ", ".join(choices)}, "must be one of " + ", ".join(choices)


def _message(error: Mapping[str, Any]) -> Described:
    """The code, parameters and plain-English message for one pydantic error."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in _CODED:
        return str(context["code"]), dict(context["params"]), str(context["message"])
    if kind in _FIXED_MESSAGES:
        code, message = _FIXED_MESSAGES[kind]
        return code, {}, message
    if kind == "literal_error":
        return _choices_message(str(context["expected"]))
    if kind in _BOUND_MESSAGES:
        key, template = _BOUND_MESSAGES[kind]
        return kind, {"limit": context[key]}, template.format(context[key])
    if kind == "too_short" and context.get("min_length") == 1:
        return "not_empty", {}, "must not be empty"
    message = str(error["msg"])
    for prefix in _PYDANTIC_PREFIXES:
        message = message.removeprefix(prefix)
    # A rule the catalogue does not know yet: shown as written, in English.
    return "other", {"message": message}, message


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
        code, params, message = _message(item)
        problems.append(AgreementProblem(path, message, value, code, params))
    return problems
