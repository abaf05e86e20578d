"""The agreement schema: the example files load, and optional keys take their defaults."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from sla_rules.agreement import (
    OUTCOMES,
    TOUCH_KINDS,
    Cadence,
    Goals,
    load_agreement,
    parse_agreement,
)
from tests.unit.agreement.helpers import ENGLISH, FIXTURE, SPANISH, base

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
