"""A valid agreement as plain data to break, and the problems a broken one reports."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from sla_rules.agreement import AgreementError, AgreementProblem, load_agreement, parse_agreement
from tests.paths import EXAMPLES, FIXTURES

FIXTURE = FIXTURES / "agreement.example.yaml"
ENGLISH = EXAMPLES / "agreement.en.yaml"
SPANISH = EXAMPLES / "acuerdo.es.yaml"
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
