"""An agreement's problems in the agreement's language, each at its path, one per line."""

from __future__ import annotations

from bot.ui.catalogue import Catalogue
from sla_rules.agreement import FILE_PATH, MISSING, TOP_LEVEL_PATH, AgreementError
from sla_rules.agreement.problems import AgreementProblem, show_value

_PATHS = {FILE_PATH: "agreement_problem.path_file", TOP_LEVEL_PATH: "agreement_problem.path_top"}


def problem_catalogue(error: AgreementError) -> Catalogue:
    """The catalogue to report an agreement's problems in: its own locale, else English."""
    return Catalogue(error.locale or "en")


def problem_line(problem: AgreementProblem, cat: Catalogue) -> str:
    """One problem as `path: what is wrong (got value)`, its words from the catalogue."""
    key = f"agreement_problem.{problem.code}"
    if problem.code == "top_not_mapping":
        key = f"{key}.{problem.params.get('kind', 'other')}"
    # A code the catalogue does not hold (a rule added without words) shows its English.
    message = cat.t(key, **problem.params) if cat.has(key) else problem.message
    if problem.value is not MISSING:
        message = cat.t("agreement_problem.got", message=message, value=show_value(problem.value))
    path = cat.t(_PATHS[problem.path]) if problem.path in _PATHS else problem.path
    return cat.t("agreement_problem.line", path=path, message=message)


def problem_lines(error: AgreementError, cat: Catalogue | None = None) -> list[str]:
    """Every problem of an agreement error, one line each."""
    chosen = cat or problem_catalogue(error)
    return [problem_line(problem, chosen) for problem in error.problems]
