"""What is wrong with an agreement: problems by dotted path, pydantic errors in plain words."""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
