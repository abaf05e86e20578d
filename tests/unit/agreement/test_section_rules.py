"""Each section's own rules: Slack IDs, glossary, escalation, funnel, hours, goals, cadence."""

import pytest

from sla_rules.agreement import MISSING, AgreementProblem, parse_agreement
from tests.unit.agreement.helpers import base, only_problem


@pytest.mark.parametrize(
    ("section", "key", "value", "path", "message"),
    [
        ("slack", "handoff_channel", "#handoffs", "slack.handoff_channel", "Slack channel ID"),
        ("slack", "escalation_channel", "c0lower", "slack.escalation_channel", "channel ID"),
        ("slack", "standup_channel", "U0MANAGER1", "slack.standup_channel", "channel ID"),
        ("slack", "managers", ["@ana"], "slack.managers[0]", "Slack user ID"),
        ("slack", "sales_reps", ["U0REP1", "C0HANDOFF"], "slack.sales_reps[1]", "user ID"),
        ("slack", "marketers", ["U"], "slack.marketers[0]", "user ID"),
    ],
)
def test_bad_slack_id_shape(section: str, key: str, value: object, path: str, message: str) -> None:
    data = base()
    data[section][key] = value
    problem = only_problem(data)
    assert problem.path == path
    assert message in problem.message


def test_bad_owner_id() -> None:
    data = base()
    data["responsibilities"][2]["owner"] = "maria"
    problem = only_problem(data)
    assert problem.path == "responsibilities[2].owner"
    assert "Slack user ID" in problem.message


def test_grid_user_and_private_channel_ids_pass() -> None:
    data = base()
    data["slack"]["managers"] = ["W0GRIDUSER"]
    data["slack"]["handoff_channel"] = "G0PRIVATE"
    assert parse_agreement(data).slack.handoff_channel == "G0PRIVATE"


def test_glossary_term_clashing_with_an_alias_ignoring_case_and_accents() -> None:
    data = base()
    data["glossary"].append({"term": "VISITÁ", "definition": "Someone on the site."})
    problem = only_problem(data)
    assert problem.path == "glossary[6].term"
    assert problem.value == "VISITÁ"
    assert "'visita'" in problem.message
    assert "glossary[0].aliases[2]" in problem.message


def test_glossary_alias_clashing_with_another_term() -> None:
    data = base()
    data["glossary"][2]["aliases"].append("lead")
    problem = only_problem(data)
    assert problem.path == "glossary[2].aliases[2]"
    assert "'Lead'" in problem.message
    assert "glossary[1].term" in problem.message


def test_glossary_alias_repeating_its_own_term() -> None:
    data = base()
    data["glossary"][4]["aliases"] = ["mql"]
    problem = only_problem(data)
    assert problem.path == "glossary[4].aliases[0]"
    assert "glossary[4].term" in problem.message


def test_glossary_definition_must_not_be_blank() -> None:
    data = base()
    data["glossary"][0]["definition"] = "   "
    assert only_problem(data) == AgreementProblem(
        "glossary[0].definition", "must not be empty", "   "
    )


@pytest.mark.parametrize(
    ("index", "after", "previous"),
    [(2, "5m", "5m"), (2, "1m", "5m"), (3, "15m", "15m"), (1, "1m", "2m")],
)
def test_escalation_must_be_strictly_increasing(index: int, after: str, previous: str) -> None:
    data = base()
    data["response"]["escalation"][index]["after"] = after
    assert only_problem(data) == AgreementProblem(
        f"response.escalation[{index}].after",
        f"must be later than the step before it ({previous})",
        after,
    )


def test_escalation_step_with_both_notify_and_reassign() -> None:
    data = base()
    data["response"]["escalation"][1]["reassign"] = True
    problem = only_problem(data)
    assert problem.path == "response.escalation[1]"
    assert problem.message == "must either notify or reassign: true, not both"
    assert problem.value is MISSING


@pytest.mark.parametrize("step", [{"after": "1h"}, {"after": "1h", "reassign": False}])
def test_escalation_step_with_neither_notify_nor_reassign(step: dict[str, object]) -> None:
    data = base()
    data["response"]["escalation"].append(step)
    problem = only_problem(data)
    assert problem.path == "response.escalation[4]"
    assert problem.message.startswith("needs notify")


def test_escalation_notify_choices() -> None:
    data = base()
    data["response"]["escalation"][0]["notify"] = "boss"
    assert only_problem(data) == AgreementProblem(
        "response.escalation[0].notify", "must be one of channel, managers, owner", "boss"
    )


@pytest.mark.parametrize("key", ["marketing_share", "lead_to_client", "visit_to_lead"])
@pytest.mark.parametrize("rate", [0, 1.5, -0.1, float("nan")])
def test_funnel_rate_out_of_range(key: str, rate: float) -> None:
    data = base()
    data["funnel"][key] = rate
    problem = only_problem(data)
    assert problem.path == f"funnel.{key}"
    assert problem.message == "must be greater than 0 and at most 1"


def test_funnel_rate_of_one_is_allowed() -> None:
    data = base()
    data["funnel"]["marketing_share"] = 1
    assert parse_agreement(data).funnel.marketing_share == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("revenue_goal", 0, "must be greater than 0"),
        ("average_deal_size", -5, "must be greater than 0"),
        ("revenue_goal", "lots", "must be a number"),
        ("currency", "pesos", "three-letter currency code"),
        ("currency", "mxn", "three-letter currency code"),
    ],
)
def test_funnel_amounts(key: str, value: object, message: str) -> None:
    data = base()
    data["funnel"][key] = value
    problem = only_problem(data)
    assert problem.path == f"funnel.{key}"
    assert message in problem.message


@pytest.mark.parametrize("end", ["08:00", "09:00"])
def test_business_hours_end_before_start(end: str) -> None:
    data = base()
    data["business_hours"]["end"] = end
    assert only_problem(data) == AgreementProblem(
        "business_hours.end", "must be after start (09:00)", end
    )


@pytest.mark.parametrize("start", ["9am", "25:00", "09:60", 900, "09:00:00"])
def test_business_hours_bad_time(start: object) -> None:
    data = base()
    data["business_hours"]["start"] = start
    problem = only_problem(data)
    assert problem.path == "business_hours.start"
    assert "HH:MM" in problem.message


@pytest.mark.parametrize(
    ("days", "path", "message"),
    [
        (["mon", "funday"], "business_hours.days[1]", "must be one of fri, mon, sat, sun"),
        (["mon", "tue", "MON"], "business_hours.days[2]", "is listed twice"),
        ([], "business_hours.days", "must name at least one working day"),
    ],
)
def test_business_days(days: list[str], path: str, message: str) -> None:
    data = base()
    data["business_hours"]["days"] = days
    problem = only_problem(data)
    assert problem.path == path
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("key", "value", "path", "message"),
    [
        ("holidays_country", "mx", "business_hours.holidays_country", "two-letter country"),
        ("holidays_country", "MEX", "business_hours.holidays_country", "two-letter country"),
        ("holidays", ["24/12/2026"], "business_hours.holidays[0]", "YYYY-MM-DD"),
    ],
)
def test_holidays(key: str, value: object, path: str, message: str) -> None:
    data = base()
    data["business_hours"][key] = value
    problem = only_problem(data)
    assert problem.path == path
    assert message in problem.message


@pytest.mark.parametrize("code", ["XX", "ZZ", "EU"])
def test_a_country_the_holidays_library_does_not_know(code: str) -> None:
    # The business clock reads the country's calendar at boot: the agreement refuses it first.
    data = base()
    data["business_hours"]["holidays_country"] = code
    problem = only_problem(data)
    assert problem.path == "business_hours.holidays_country"
    assert problem.message == "is not a country the holidays library knows"
    assert problem.value == code


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"visits": {"target": 0, "source": "reported"}}, "goals.visits.target", "greater than 0"),
        ({"visits": {"target": "many", "source": "won"}}, "goals.visits.target", "whole number"),
        ({"visits": {"target": 9, "source": "?"}}, "goals.visits.source", "handoffs, reported"),
        ({"visits": {"source": "won"}}, "goals.visits.target", "is required"),
        ({"visits": {"target": 1, "source": "won", "x": 1}}, "goals.visits.x", "unknown key"),
        ({"visits": 2500}, "goals.visits", "must be a mapping"),
        ({"Visits": {"target": 1, "source": "won"}}, "goals.Visits", "metric names"),
        ({"celebrate_at": [50, 50]}, "goals.celebrate_at[1]", "milestone before it (50)"),
        ({"celebrate_at": [0, 50]}, "goals.celebrate_at[0]", "must be at least 1"),
        ({"celebrate_at": [50, 1001]}, "goals.celebrate_at[1]", "must be at most 1000"),
    ],
)
def test_goals(change: dict[str, object], path: str, message: str) -> None:
    data = base()
    data["goals"].update(change)
    problem = only_problem(data)
    assert problem.path == path
    assert message in problem.message


def test_goals_need_a_metric() -> None:
    data = base()
    data["goals"] = {"celebrate_at": [100]}
    problem = only_problem(data)
    assert problem.path == "goals"
    assert "at least one metric" in problem.message


def test_cadence_days_must_not_go_back() -> None:
    data = base()
    data["cadence"]["touches"][5]["day"] = 1
    problem = only_problem(data)
    assert (problem.path, problem.value) == ("cadence.touches[5].day", 1)
    assert "day 2" in problem.message


def test_cadence_needs_touches() -> None:
    data = base()
    data["cadence"]["touches"] = []
    problem = only_problem(data)
    assert problem.path == "cadence.touches"
    assert "at least one touch" in problem.message


def test_cadence_day_must_not_be_negative() -> None:
    data = base()
    data["cadence"]["touches"][0]["day"] = -1
    assert only_problem(data) == AgreementProblem(
        "cadence.touches[0].day", "must be at least 0", -1
    )


def test_standup_section_listed_twice() -> None:
    data = base()
    data["standup"]["sections"] = ["goals", "speed", "goals"]
    assert only_problem(data) == AgreementProblem("standup.sections[2]", "is listed twice", "goals")
