"""Fixtures of the end-to-end layer: the real bot serving HTTP, talking to the stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.paths import EXAMPLES


@pytest.fixture
def english_bot(standin: SlackStandIn) -> Iterator[LocalBot]:
    """The real bot on the English example, serving HTTP, talking to the stand-in."""
    with LocalBot(EXAMPLES / "agreement.en.yaml", standin=standin, ticker=False) as bot:
        yield bot


@pytest.fixture
def english_bot_on_each_database(standin: SlackStandIn, database_url: str) -> Iterator[LocalBot]:
    """The real bot on the English example, on SQLite (and PostgreSQL when it is set)."""
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        database_url=database_url,
        pace_seconds=0.05,
        ticker=False,
    ) as bot:
        yield bot


@pytest.fixture
def spanish_bot(standin: SlackStandIn) -> Iterator[LocalBot]:
    """The real bot on the Spanish example."""
    with LocalBot(EXAMPLES / "acuerdo.es.yaml", standin=standin, ticker=False) as bot:
        yield bot
