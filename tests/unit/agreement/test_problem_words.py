"""An agreement's problems in the catalogue: the English words match the rules' own, every
problem a rule can raise has Spanish words, and a Spanish agreement is told in Spanish."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli.problems import problem_catalogue, problem_line
from bot.ui.catalogue import Catalogue, load_messages
from sla_rules.agreement import AgreementError, AgreementProblem, load_agreement, parse_agreement
from sla_rules.agreement.problems import _BOUND_MESSAGES, _FIXED_MESSAGES
from tests.paths import ROOT
from tests.unit.agreement.helpers import base

Breaker = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Breaker:
    def breaker(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return breaker


def _delete(path: str) -> Breaker:
    def breaker(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[part]
        del target[last]

    return breaker


BREAKERS: list[Breaker] = [
    _set("colour", "blue"),
    _delete("company"),
    _set("version", 2),
    _set("locale", "fr"),
    _set("timezone", "Mars/Olympus"),
    _set("company", ""),
    _set("response.first_touch_within", "5 minutes"),
    _set("response.first_touch_within", "0m"),
    _set("response.first_touch_within", "99999999999999d"),
    _set("response.clock", "sometimes"),
    _set("business_hours.start", "9am"),
    _set("business_hours.end", "08:00"),
    _set("business_hours.days", []),
    _set("business_hours.days", ["mon", "mon"]),
    _set("business_hours.holidays_country", "mx"),
    _set("slack.handoff_channel", "#sales"),
    _set("slack.managers", ["@ana"]),
    _set("funnel.currency", "pesos"),
    _set("funnel.marketing_share", 2),
    _set("funnel.revenue_goal", "lots"),
    _set("goals.celebrate_at", [50, 25]),
    _set("goals.celebrate_at", [0]),
    _set("cadence.touches", []),
    _set("cadence.touches.3.kind", "sms"),
    _set("standup.sections", ["goals", "goals"]),
    _set("glossary", "words"),
]


def _problems_of(breaker: Breaker) -> list[AgreementProblem]:
    data = base()
    breaker(data)
    with pytest.raises(AgreementError) as caught:
        parse_agreement(data)
    return caught.value.problems


@pytest.mark.parametrize("breaker", BREAKERS)
def test_the_english_words_are_the_rules_own(breaker: Breaker) -> None:
    for problem in _problems_of(breaker):
        assert problem.code != "other", problem
        assert problem_line(problem, Catalogue("en")) == str(problem)


@pytest.mark.parametrize("breaker", BREAKERS)
def test_a_spanish_agreement_is_told_in_spanish(breaker: Breaker) -> None:
    data = base()
    data["locale"] = "es-MX"
    breaker(data)
    with pytest.raises(AgreementError) as caught:
        parse_agreement(data)
    error = caught.value
    for problem in error.problems:
        # A broken locale cannot name the language to answer in: English then.
        expected = "es" if problem.path != "locale" else "en"
        assert problem_catalogue(error).language == expected
        if expected == "es":
            assert problem_line(problem, problem_catalogue(error)) != str(problem)


def test_file_problems_are_translated_too(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [1,\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    es = Catalogue("es")
    for name, words in [
        ("missing.yaml", "no existe el archivo"),
        ("bad.yaml", "YAML no válido en la línea"),
        ("empty.yaml", "está vacío"),
    ]:
        with pytest.raises(AgreementError) as caught:
            load_agreement(tmp_path / name)
        [problem] = caught.value.problems
        assert problem_line(problem, Catalogue("en")) == str(problem)
        assert problem_line(problem, es).startswith("(archivo): " + words)


def test_every_code_a_rule_raises_has_words_in_both_languages() -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [
            *(ROOT / "sla_rules" / "agreement").glob("*.py"),
            ROOT / "sla_rules" / "durations.py",
        ]
    )
    codes = set(re.findall(r'code="([a-z_]+)"', sources))
    codes |= set(re.findall(r'_field_error\(\s*"([a-z_]+)"', sources))
    codes |= set(re.findall(r'DurationError\("([a-z_]+)"', sources))
    codes |= {code for code, _ in _FIXED_MESSAGES.values()} | set(_BOUND_MESSAGES)
    codes |= {"must_be", "one_of", "yaml_at", "yaml", "no_file", "directory", "not_utf8"}
    codes -= {"top_not_mapping"}
    assert len(codes) > 40
    for language in ("en", "es"):
        messages = load_messages(language)
        missing = sorted(code for code in codes if f"agreement_problem.{code}" not in messages)
        assert missing == [], (language, missing)
