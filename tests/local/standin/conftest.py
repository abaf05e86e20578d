"""The stand-in these tests drive: one server per module, reset before each test, a WebClient.

It replaces the suite's `standin` (which adds the example agreement's people) in this folder.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.local.standin import SlackStandIn


@pytest.fixture(scope="module")
def server() -> Iterator[SlackStandIn]:
    """One stand-in for the whole module."""
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def standin(server: SlackStandIn) -> SlackStandIn:
    """The module's stand-in, emptied for this test."""
    server.reset()
    return server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """slack_sdk's WebClient pointed at the stand-in."""
    return WebClient(token="xoxb-test", base_url=standin.api_url, timeout=5)
