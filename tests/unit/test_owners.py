"""Answering "who does what"."""

import pytest

from sla_rules.agreement import Responsibility, load_agreement
from sla_rules.owners import filter_responsibilities, group_by_team
from tests.paths import EXAMPLES, FIXTURES

DUTIES = load_agreement(FIXTURES / "agreement.example.yaml").responsibilities
DEBERES = load_agreement(EXAMPLES / "acuerdo.es.yaml").responsibilities


def duties(items: list[Responsibility]) -> list[str]:
    return [item.duty for item in items]


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_gives_everything(query: str) -> None:
    assert filter_responsibilities(DUTIES, query) == list(DUTIES)


@pytest.mark.parametrize("query", ["<@U0REP1>", "<@U0REP1|ana>", " U0REP1 "])
def test_owner_by_mention_or_id(query: str) -> None:
    assert duties(filter_responsibilities(DUTIES, query)) == [
        "Follow up the leads qualified by Marketing",
        "Answer immediate contact requests",
    ]


def test_mention_of_someone_without_duties() -> None:
    assert filter_responsibilities(DUTIES, "<@U0NOBODY>") == []


@pytest.mark.parametrize("query", ["marketing", "Marketing", " MARKETING "])
def test_team(query: str) -> None:
    found = filter_responsibilities(DUTIES, query)
    assert len(found) == 4
    assert {item.team for item in found} == {"marketing"}


@pytest.mark.parametrize("query", ["ventas", "Ventas"])
def test_spanish_team(query: str) -> None:
    found = filter_responsibilities(DEBERES, query)
    assert len(found) == 4
    assert {item.team for item in found} == {"ventas"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("crm", ["Keep the CRM up to date"]),
        ("CRM?", ["Keep the CRM up to date"]),
        ("content", ["Create content", "Curate content"]),
        ("create content", ["Create content"]),
        ("optim", ["SEO optimisation"]),
        ("email seq", ["Write email sequences for the needs we detect"]),
        ("leads marketing", ["Follow up the leads qualified by Marketing"]),
        ("pipeline", []),
        ("content pipeline", []),
    ],
)
def test_words_of_the_duty(query: str, expected: list[str]) -> None:
    assert duties(filter_responsibilities(DUTIES, query)) == expected


def test_spanish_duty_words_ignore_accents() -> None:
    assert duties(filter_responsibilities(DEBERES, "optimizacion seo")) == ["Optimización SEO"]
    assert duties(filter_responsibilities(DEBERES, "CORREOS")) == [
        "Crear una cadena de correos de acuerdo con las necesidades detectadas"
    ]


def test_id_shaped_word_that_owns_nothing_is_searched_as_text() -> None:
    items = [Responsibility(team="marketing", duty="Keep WWW assets fresh", owner="U0MKT1")]
    assert filter_responsibilities(items, "WWW") == items


def test_group_by_team_keeps_first_seen_order() -> None:
    groups = group_by_team(DUTIES)
    assert list(groups) == ["marketing", "sales"]
    assert [len(items) for items in groups.values()] == [4, 4]
    assert groups["sales"][0].duty == "Follow up the leads qualified by Marketing"


def test_group_by_team_merges_spellings_of_one_team() -> None:
    items = [
        Responsibility(team="Ventas", duty="Mantener el CRM", owner="U0REP1"),
        Responsibility(team="marketing", duty="Generar contenido", owner="U0MKT1"),
        Responsibility(team="ventas", duty="Atender solicitudes", owner="U0REP2"),
    ]
    groups = group_by_team(items)
    assert list(groups) == ["Ventas", "marketing"]
    assert duties(groups["Ventas"]) == ["Mantener el CRM", "Atender solicitudes"]


def test_group_by_team_of_nothing() -> None:
    assert group_by_team([]) == {}
