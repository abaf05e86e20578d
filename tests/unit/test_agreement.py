"""The agreement schema: the example files load, and every mistake is reported by its path."""

import copy
import datetime as dt
import pickle
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import ValidationError

from sla_rules.agreement import (
    MISSING,
    OUTCOMES,
    TOUCH_KINDS,
    Agreement,
    AgreementError,
    AgreementProblem,
    Cadence,
    Goals,
    load_agreement,
    parse_agreement,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "agreement.example.yaml"
ENGLISH = ROOT / "examples" / "agreement.en.yaml"
SPANISH = ROOT / "examples" / "acuerdo.es.yaml"
_BASE: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def base() -> dict[str, Any]:
    """A fresh, valid agreement as plain data, ready to be broken."""
    return copy.deepcopy(_BASE)


def problems(data: object) -> list[AgreementProblem]:
    """Every problem parse_agreement reports for data that must be invalid."""
    with pytest.raises(AgreementError) as caught:
        parse_agreement(data)
    return caught.value.problems


def only_problem(data: object) -> AgreementProblem:
    """The single problem reported for data with exactly one mistake."""
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


def file_problem(path: Path) -> AgreementProblem:
    """The single problem load_agreement reports for a broken file."""
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


# --- The three files load -------------------------------------------------------------------


def test_fixture_loads_with_every_key_meaning_what_the_example_says() -> None:
    agreement = load_agreement(FIXTURE)

    assert agreement.version == 1
    assert agreement.company == "Acme Analytics"
    assert agreement.zone == ZoneInfo("America/Mexico_City")
    assert agreement.locale == "en"
    hours = agreement.business_hours
    assert hours.weekdays == frozenset({0, 1, 2, 3, 4})
    assert (hours.start, hours.end) == (dt.time(9, 0), dt.time(18, 0))
    assert hours.holidays_country == "MX"
    assert hours.holidays == [dt.date(2026, 12, 24)]
    assert agreement.slack.escalation_channel_id == "C0ESCALATE"
    assert agreement.slack.managers == ["U0MANAGER1"]
    assert len(agreement.slack.sales_reps) == 3
    assert [entry.term for entry in agreement.glossary] == [
        "Visit",
        "Lead",
        "Contact",
        "Client",
        "MQL",
        "SQL",
    ]
    assert len(agreement.responsibilities) == 8
    assert {name: goal.target for name, goal in agreement.goals.metrics.items()} == {
        "visits": 2500,
        "contacts": 250,
        "clients": 20,
    }
    assert agreement.goals.metrics["contacts"].source == "handoffs"
    assert agreement.goals.celebrate_at == [50, 100]
    assert agreement.funnel.revenue_goal == 200_000
    assert agreement.funnel.visit_to_lead == pytest.approx(0.10)
    assert agreement.response.first_touch_within == dt.timedelta(minutes=5)
    assert agreement.response.clock == "business_hours"
    assert [step.after for step in agreement.response.escalation] == [
        dt.timedelta(minutes=minutes) for minutes in (2, 5, 15, 30)
    ]
    assert [step.notify for step in agreement.response.escalation] == [
        "owner",
        "channel",
        "managers",
        None,
    ]
    assert agreement.response.escalation[-1].reassign is True
    assert agreement.cadence.counts() == {"call": 6, "voicemail": 3, "email": 3}
    assert list(agreement.cadence.counts()) == ["call", "voicemail", "email"]
    assert agreement.cadence.span_days() == 10
    assert agreement.cadence.remind_every == dt.timedelta(hours=2)
    assert agreement.cadence.stop_on == ["connected", "meeting_booked", "disqualified", "won"]
    assert agreement.standup.time == dt.time(9, 0)
    assert agreement.standup.sections == ["goals", "speed", "depth"]


def test_english_example_says_the_same_as_the_shared_example() -> None:
    assert load_agreement(ENGLISH) == load_agreement(FIXTURE)


def test_spanish_example_follows_the_article() -> None:
    agreement = load_agreement(str(SPANISH))

    assert agreement.locale == "es"
    assert agreement.timezone == "America/Mexico_City"
    assert agreement.business_hours.holidays_country == "MX"
    assert agreement.funnel.currency == "MXN"
    assert [entry.term for entry in agreement.glossary] == [
        "Visitas",
        "Leads",
        "Contactos",
        "Clientes",
        "MQL",
        "SQL",
    ]
    lead = agreement.glossary[1]
    assert "ha descargado más de 2 contenidos de tu sitio" in lead.definition
    assert "no importando" in agreement.glossary[0].definition
    assert {item.team for item in agreement.responsibilities} == {"marketing", "ventas"}
    duties = " / ".join(item.duty for item in agreement.responsibilities)
    for duty in ("contenido", "SEO", "Social Media", "CRM", "cadena de correos", "inmediatas"):
        assert duty in duties
    assert {name: (goal.target, goal.source) for name, goal in agreement.goals.metrics.items()} == {
        "visitas": (2500, "reported"),
        "contactos": (250, "handoffs"),
        "clientes": (20, "won"),
    }
    assert agreement.response.first_touch_within == dt.timedelta(minutes=5)
    assert agreement.cadence.counts() == {"call": 6, "voicemail": 3, "email": 3}
    assert agreement.cadence == load_agreement(FIXTURE).cadence


# --- Defaults and helpers -------------------------------------------------------------------


def test_optional_keys_take_their_documented_defaults() -> None:
    data = base()
    del data["locale"]
    del data["slack"]["escalation_channel"]
    del data["business_hours"]["holidays_country"]
    del data["business_hours"]["holidays"]
    del data["goals"]["celebrate_at"]
    del data["response"]["clock"]
    data["standup"] = {}

    agreement = parse_agreement(data)

    assert agreement.locale == "en"
    assert agreement.slack.escalation_channel is None
    assert agreement.slack.escalation_channel_id == "C0HANDOFF"
    assert agreement.business_hours.holidays_country is None
    assert agreement.business_hours.holidays == []
    assert agreement.goals.celebrate_at == [50, 100]
    assert agreement.response.clock == "business_hours"
    assert agreement.standup.time == dt.time(9, 0)
    assert agreement.standup.sections == ["goals", "speed", "depth"]


def test_empty_sales_reps_lets_anyone_claim() -> None:
    data = base()
    data["slack"]["sales_reps"] = []
    slack = parse_agreement(data).slack
    assert slack.may_claim("U0ANYONE")
    assert parse_agreement(base()).slack.may_claim("U0REP1")
    assert not parse_agreement(base()).slack.may_claim("U0MKT1")


def test_weekdays_are_datetime_weekday_numbers() -> None:
    data = base()
    data["business_hours"]["days"] = ["Mon", "wed", "sun"]
    assert parse_agreement(data).business_hours.weekdays == frozenset({0, 2, 6})


def test_cadence_counts_every_kind_even_when_absent() -> None:
    cadence = Cadence.model_validate(
        {"touches": [{"day": 0, "kind": "email"}], "remind_every": "1h", "stop_on": []}
    )
    assert cadence.counts() == {"call": 0, "voicemail": 0, "email": 1}
    assert cadence.span_days() == 0


def test_vocabulary_tuples() -> None:
    assert TOUCH_KINDS == ("call", "voicemail", "email")
    assert OUTCOMES == (
        "no_answer",
        "left_voicemail",
        "connected",
        "meeting_booked",
        "bad_number",
        "email_sent",
        "disqualified",
        "won",
    )


def test_models_are_frozen() -> None:
    agreement = parse_agreement(base())
    with pytest.raises(ValidationError):
        agreement.company = "Other"  # type: ignore[misc]


def test_goals_round_trip_through_their_own_dump() -> None:
    goals = parse_agreement(base()).goals
    assert Goals.model_validate(goals.model_dump()) == goals


def test_a_metric_may_be_called_metrics() -> None:
    goals = Goals.model_validate({"metrics": {"target": 3, "source": "won"}})
    assert goals.metrics["metrics"].target == 3


def test_unquoted_times_and_country_no_load_as_written(tmp_path: Path) -> None:
    # Plain YAML 1.1 would read 18:00 as 1080 and NO as false.
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace('end: "18:00"', "end: 18:00").replace('start: "09:00"', "start: 9:30")
    text = text.replace("holidays_country: MX", "holidays_country: NO")
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")

    hours = load_agreement(path).business_hours

    assert (hours.start, hours.end) == (dt.time(9, 30), dt.time(18, 0))
    assert hours.holidays_country == "NO"


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
        (None, "locale", "fr", "must be one of en, es"),
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


# --- Several problems at once ---------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    data = base()
    data["colour"] = "blue"
    data["timezone"] = "Nowhere/Special"
    del data["slack"]["handoff_channel"]
    data["cadence"]["touches"][3]["kind"] = "sms"
    data["funnel"]["visit_to_lead"] = 1.5
    data["goals"]["visits"]["source"] = "guess"

    with pytest.raises(AgreementError) as caught:
        parse_agreement(data)

    paths = [problem.path for problem in caught.value.problems]
    assert sorted(paths) == sorted(
        [
            "colour",
            "timezone",
            "slack.handoff_channel",
            "cadence.touches[3].kind",
            "funnel.visit_to_lead",
            "goals.visits.source",
        ]
    )
    lines = str(caught.value).splitlines()
    assert len(lines) == 6
    assert "slack.handoff_channel: is required" in lines
    assert "funnel.visit_to_lead: must be greater than 0 and at most 1 (got 1.5)" in lines


def test_agreement_error_survives_pickling() -> None:
    error = AgreementError([AgreementProblem("company", "is required")])
    copied = pickle.loads(pickle.dumps(error))
    assert copied.problems == error.problems
    assert str(copied) == "company: is required"


def test_long_values_are_shortened_in_messages() -> None:
    problem = AgreementProblem("company", "is odd", "x" * 500)
    assert len(str(problem)) < 120


# --- File-level problems --------------------------------------------------------------------


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\ncompany: Acme\nslack:\n  managers: [U0A\n", encoding="utf-8")
    problem = file_problem(path)
    assert problem.path == "(file)"
    assert problem.message.startswith("invalid YAML at line ")
    assert ", column " in problem.message


def test_yaml_bad_indentation_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\n company: Acme\n", encoding="utf-8")
    problem = file_problem(path)
    assert problem.message.startswith("invalid YAML at line 2, column 9")


def test_repeated_yaml_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("version: 1\ncompany: A\ncompany: B\n", encoding="utf-8")
    problem = file_problem(path)
    assert problem.message == "invalid YAML at line 3, column 1: found duplicate key 'company'"


def test_missing_file(tmp_path: Path) -> None:
    problem = file_problem(tmp_path / "nope.yaml")
    assert problem.path == "(file)"
    assert problem.message.startswith("no such file")
    assert "nope.yaml" in problem.message


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert file_problem(tmp_path).message.startswith("is a directory")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("company: Compañía\n".encode("latin-1"))
    assert file_problem(path).message.startswith("is not UTF-8 text")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    problem = file_problem(path)
    assert (problem.path, problem.message) == ("(file)", f"is empty: {path}")


def test_top_level_list(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- version: 1\n- company: Acme\n", encoding="utf-8")
    problem = file_problem(path)
    assert problem == AgreementProblem(
        "(top level)", "must be a mapping of keys to values, not a list"
    )
    assert str(problem) == "(top level): must be a mapping of keys to values, not a list"


@pytest.mark.parametrize(("data", "kind"), [("hello", "text"), (3, "a number"), ([], "a list")])
def test_top_level_not_a_mapping(data: object, kind: str) -> None:
    assert only_problem(data).message.endswith(f"not {kind}")


def test_top_level_none() -> None:
    assert only_problem(None).path == "(top level)"


def test_agreement_model_validates_directly() -> None:
    assert isinstance(Agreement.model_validate(base()), Agreement)
