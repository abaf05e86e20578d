"""One mistake, one problem at its path: unknown and missing keys, choices, durations, types."""

import pytest

from sla_rules.agreement import MISSING, OUTCOMES, AgreementProblem
from tests.unit.agreement.helpers import base, only_problem

# --- One mistake, one problem, at its path --------------------------------------------------


def test_unknown_top_level_key() -> None:
    data = base()
    data["colour"] = "blue"
    assert only_problem(data) == AgreementProblem("colour", "unknown key", "blue")


def test_unknown_nested_key() -> None:
    data = base()
    data["slack"]["channel"] = "C0OTHER"
    assert only_problem(data) == AgreementProblem("slack.channel", "unknown key", "C0OTHER")


def test_unknown_key_inside_a_list_item() -> None:
    data = base()
    data["cadence"]["touches"][0]["note"] = "be nice"
    assert only_problem(data).path == "cadence.touches[0].note"


def test_missing_key() -> None:
    data = base()
    del data["funnel"]["currency"]
    problem = only_problem(data)
    assert problem == AgreementProblem("funnel.currency", "is required")
    assert problem.value is MISSING
    assert str(problem) == "funnel.currency: is required"


def test_missing_section() -> None:
    data = base()
    del data["cadence"]
    assert only_problem(data) == AgreementProblem("cadence", "is required")


def test_wrong_touch_kind_lists_the_choices() -> None:
    data = base()
    data["cadence"]["touches"][3]["kind"] = "sms"
    problem = only_problem(data)
    assert problem == AgreementProblem(
        "cadence.touches[3].kind", "must be one of call, email, voicemail", "sms"
    )
    assert str(problem) == (
        "cadence.touches[3].kind: must be one of call, email, voicemail (got 'sms')"
    )


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        (None, "version", 2, "must be 1"),
        (
            None,
            "locale",
            "fr",
            "must be en or es, or either with a region, such as es-MX, es-ES or en-US",
        ),
        ("response", "clock", "sometimes", "must be one of always, business_hours"),
        ("standup", "sections", ["goals", "mood"], "must be one of depth, goals, speed"),
        ("cadence", "stop_on", ["bored"], "must be one of " + ", ".join(sorted(OUTCOMES))),
    ],
)
def test_other_choices(section: str | None, key: str, value: object, message: str) -> None:
    data = base()
    (data[section] if section else data)[key] = value
    problem = only_problem(data)
    assert problem.message == message
    assert problem.path.startswith(f"{section}.{key}" if section else key)


@pytest.mark.parametrize("value", ["5 minutes", "5", "m5", "1.5h", 5, "-5m"])
def test_bad_duration(value: object) -> None:
    data = base()
    data["response"]["first_touch_within"] = value
    problem = only_problem(data)
    assert problem.path == "response.first_touch_within"
    assert problem.message == "must be a number and a unit, such as 30s, 5m, 2h or 1d"
    assert problem.value == value


def test_zero_duration() -> None:
    data = base()
    data["cadence"]["remind_every"] = "0h"
    problem = only_problem(data)
    assert problem.path == "cadence.remind_every"
    assert "greater than zero" in problem.message


def test_zero_escalation_delay() -> None:
    data = base()
    data["response"]["escalation"][0]["after"] = "0m"
    problem = only_problem(data)
    assert problem.path == "response.escalation[0].after"
    assert "greater than zero" in problem.message


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "CDMX", "", "../etc/passwd", "America"])
def test_bad_time_zone(zone: str) -> None:
    data = base()
    data["timezone"] = zone
    problem = only_problem(data)
    assert (problem.path, problem.value) == ("timezone", zone)
    assert problem.message.startswith("not a valid time zone")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("company", "", "must not be empty"),
        ("company", 42, "must be text"),
        ("slack", "C0HANDOFF", "must be a mapping of keys to values"),
        ("glossary", "Visit", "must be a list"),
    ],
)
def test_wrong_types(key: str, value: object, message: str) -> None:
    data = base()
    data[key] = value
    assert only_problem(data) == AgreementProblem(key, message, value)
