"""The agreement's locale: a language (en, es), optionally with a region CLDR knows."""

import pytest

from bot.ui.catalogue import Catalogue
from sla_rules.agreement import parse_agreement
from tests.unit.agreement.helpers import base, only_problem


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("en", "en"),
        ("es", "es"),
        ("es-MX", "es-MX"),
        ("es_MX", "es-MX"),
        ("es-mx", "es-MX"),
        ("es-ES", "es-ES"),
        ("es-419", "es-419"),
        ("EN-us", "en-US"),
        (" en-GB ", "en-GB"),
    ],
)
def test_a_language_with_or_without_a_region_is_accepted(written: str, kept: str) -> None:
    data = base()
    data["locale"] = written
    agreement = parse_agreement(data)
    assert agreement.locale == kept
    # Every locale the agreement accepts is one the catalogue can write in.
    assert Catalogue(agreement.locale).language == kept[:2].lower()


@pytest.mark.parametrize("written", ["fr", "fr-FR", "es-XX", "xx", "", "es_ES_foo", "zh-Hant-TW"])
def test_an_unknown_language_or_region_is_refused_at_its_path(written: str) -> None:
    data = base()
    data["locale"] = written
    problem = only_problem(data)
    assert problem.path == "locale"
    assert "es-MX" in problem.message
