"""Every `/sla` command the examples, the README, the help and the manifest name is one the bot
answers, and the help lists every report and period the bot accepts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.goals.reports import REPORT_WORDS
from bot.slash.router import route
from bot.ui.catalogue import SUPPORTED_LOCALES, Catalogue, load_messages
from sla_rules.periods import PERIOD_KEYS, parse_period
from tests.paths import EXAMPLES, FIXTURES, ROOT

# `/sla word`: the word right after the command, in prose, comments or backticks.
_NAMED = re.compile(r"(?<![\w:/@.])/sla ([^\s`|\[\]().,;:*\\]+)")
DOCUMENTS = [
    *sorted(EXAMPLES.glob("*.yaml")),
    FIXTURES / "agreement.example.yaml",
    ROOT / "README.md",
]


def _named_in(text: str) -> set[str]:
    return set(_NAMED.findall(text))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_command_a_document_names_exists(document: Path) -> None:
    named = _named_in(document.read_text(encoding="utf-8"))
    unknown = sorted(word for word in named if route(word).name is None)
    assert unknown == [], f"{document.name} names /sla {unknown}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_command_the_catalogue_names_exists(locale: str) -> None:
    named = set().union(*(_named_in(text) for text in load_messages(locale).values()))
    assert named  # the help, at least, names commands
    assert sorted(word for word in named if route(word).name is None) == []


def test_every_command_in_the_manifest_usage_hint_exists() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    [command] = manifest["features"]["slash_commands"]
    words = [part.split()[0] for part in command["usage_hint"].split("|")]
    assert sorted(word for word in words if route(word).name is None) == []


def _choices(template: str, after: str) -> list[str]:
    """The `a|b|c` alternatives written right after a word in a usage line."""
    match = re.search(re.escape(after) + r" ([^\s\[`]+) \[([^\]]+)\]", template)
    assert match is not None, template
    return [*match.group(1).split("|"), *match.group(2).split("|")]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_help_lists_every_report_and_period_the_bot_accepts(locale: str) -> None:
    help_line = Catalogue(locale).t("help.report")
    word = help_line.split("`/sla ", 1)[1].split()[0]
    assert route(word).name == "report"
    listed = _choices(help_line, f"/sla {word}")
    today, zone = date(2026, 11, 18), ZoneInfo("America/Mexico_City")
    kinds = {REPORT_WORDS.get(choice) for choice in listed} - {None}
    assert kinds == set(REPORT_WORDS.values())
    periods = {choice: parse_period(choice, today, zone) for choice in listed}
    named = {period.key for choice, period in periods.items() if period and choice.isalpha()}
    assert named == PERIOD_KEYS
