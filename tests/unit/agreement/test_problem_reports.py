"""How problems are reported: all at once, readably, and for a file that cannot be read."""

import pickle
from pathlib import Path

import pytest

from sla_rules.agreement import Agreement, AgreementError, AgreementProblem, parse_agreement
from tests.unit.agreement.helpers import base, file_problem, only_problem

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
