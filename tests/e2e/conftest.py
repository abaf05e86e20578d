"""Fixtures of the end-to-end layer: the real bot serving HTTP, talking to the stand-in."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.e2e.slack_payloads import TRIED, Watch
from tests.helpers import drain, hand_off, lead_number, wait_announced
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


# --- The Slack payload fuzz (tests/e2e/test_slack_payload_fuzz_*.py) ------------------------


@pytest.fixture(autouse=True, scope="session")
def _print_counts() -> Iterator[None]:
    """Print how many payloads of each type were tried (run with -s to see it)."""
    yield
    if TRIED:
        print("\nfuzzed payloads per type:", dict(sorted(TRIED.items())))


@pytest.fixture
def rig(standin: SlackStandIn, database_url: str) -> Iterator[tuple[LocalBot, int, Watch]]:
    """The bot with one lead claimed by U0REP1 (so payloads may name a real lead)."""
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        database_url=database_url,
        pace_seconds=0.01,
        ticker=False,
    ) as bot:
        lead = lead_number(hand_off(bot))
        [message] = wait_announced(bot, 1)
        click = bot.slack.block_action(
            "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        standin.wait_for(lambda s: s.responses(click.response_url))
        drain(bot)
        watch = Watch()
        logging.getLogger().addHandler(watch)
        try:
            yield bot, lead, watch
        finally:
            logging.getLogger().removeHandler(watch)
