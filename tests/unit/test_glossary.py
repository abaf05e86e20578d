"""Looking words up in the glossary."""

import pytest

from sla_rules.agreement import GlossaryEntry, load_agreement
from sla_rules.glossary import closest_terms, find_term
from tests.paths import EXAMPLES, FIXTURES

GLOSSARY = load_agreement(FIXTURES / "agreement.example.yaml").glossary
GLOSARIO = load_agreement(EXAMPLES / "acuerdo.es.yaml").glossary


def terms(entries: list[GlossaryEntry]) -> list[str]:
    return [entry.term for entry in entries]


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("MQL", "MQL"),
        ("mql", "MQL"),
        ("mql?", "MQL"),
        ('"Lead"', "Lead"),
        ("'lead'?", "Lead"),
        ("“Client”", "Client"),
        ("customer", "Client"),
        ("  Marketing   QUALIFIED lead ", "MQL"),
        ("visitá", "Visit"),
        ("Visita", "Visit"),
    ],
)
def test_find_term_by_term_or_alias(query: str, term: str) -> None:
    entry = find_term(GLOSSARY, query)
    assert entry is not None
    assert entry.term == term


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("visitas", "Visitas"),
        ("VISITANTE", "Visitas"),
        ("¿Cliente?", "Clientes"),
        ("lead calificado por marketing", "MQL"),
        ("LEAD CALIFICADO POR VENTAS", "SQL"),
    ],
)
def test_find_term_in_spanish(query: str, term: str) -> None:
    entry = find_term(GLOSARIO, query)
    assert entry is not None
    assert entry.term == term


@pytest.mark.parametrize("query", ["", "  ", "?", '""', "pipeline", "lea", "leads please"])
def test_find_term_misses(query: str) -> None:
    assert find_term(GLOSSARY, query) is None


def test_find_term_in_an_empty_glossary() -> None:
    assert find_term([], "lead") is None


@pytest.mark.parametrize(
    ("query", "first"),
    [("leed", "Lead"), ("contcts", "Contact"), ("clinet", "Client"), ("SQLs", "SQL")],
)
def test_closest_terms_catch_typos(query: str, first: str) -> None:
    assert terms(closest_terms(GLOSSARY, query))[0] == first


def test_closest_terms_are_best_first_and_limited() -> None:
    found = closest_terms(GLOSSARY, "mqls", limit=2)
    assert terms(found) == ["MQL", "SQL"]
    assert terms(closest_terms(GLOSSARY, "mqls", limit=1)) == ["MQL"]


def test_closest_terms_match_part_of_a_long_alias() -> None:
    # "qualified" is closer to "sales qualified lead", the shorter alias.
    assert terms(closest_terms(GLOSSARY, "qualified")) == ["SQL", "MQL"]


def test_closest_terms_fall_back_to_word_overlap() -> None:
    # Nothing is spelled alike, but "sales" is a word of "sales qualified lead".
    assert terms(closest_terms(GLOSSARY, "best sales people")) == ["SQL"]


@pytest.mark.parametrize("query", ["", "zzzzzz", "pipeline velocity"])
def test_closest_terms_can_find_nothing(query: str) -> None:
    assert closest_terms(GLOSSARY, query) == []


def test_closest_terms_with_no_room() -> None:
    assert closest_terms(GLOSSARY, "leed", limit=0) == []


def test_closest_terms_ignore_accents() -> None:
    assert terms(closest_terms(GLOSARIO, "clíentes"))[0] == "Clientes"
