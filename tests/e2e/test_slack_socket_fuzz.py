"""Malformed payloads over Socket Mode: acknowledged, answered or ignored, never a traceback.

Socket Mode requests skip the HTTP route, so the payload shape check runs as a Bolt middleware
and the listeners' own field checks do the rest. SQLite only (the listeners and checks are the
same code as over HTTP, which tests/e2e/test_slack_payload_fuzz_*.py run on both databases).
SLA_FUZZ_EXAMPLES (default 30) sets the examples per test.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.local.demo.kit import PEOPLE
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.local.standin.socket_client import SocketSlackClient
from tests.e2e.slack_payloads import (
    ACTION_PATHS,
    FUZZ,
    IN_ACTION,
    TRIED,
    VIEW_PATHS,
    Listeners,
    Watch,
    action_payload,
    actions_for,
    broken,
    check_nothing_happened,
    row_counts,
    submission,
)
from tests.helpers import drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES as AGREEMENTS


@pytest.fixture(scope="module")
def socket_rig() -> Iterator[tuple[LocalBot, int, Watch, Listeners]]:
    with SlackStandIn() as standin:
        for user, (name, real_name) in PEOPLE.items():
            standin.add_user(user, name, real_name=real_name)
        with LocalBot(
            AGREEMENTS / "agreement.en.yaml", standin=standin, ticker=False, socket_mode=True
        ) as bot:
            lead = lead_number(hand_off(bot))
            [message] = wait_announced(bot, 1)
            assert bot.slack is not None
            click = bot.slack.block_action(
                "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
            )
            standin.wait_for(lambda s: s.responses(click.response_url))
            drain(bot)
            watch = Watch()
            logging.getLogger().addHandler(watch)
            try:
                yield bot, lead, watch, Listeners(bot)
            finally:
                logging.getLogger().removeHandler(watch)


def keeps_bolt_envelope(payload: Any) -> bool:
    # Bolt builds its request (reading user, channel, team) before any of our code runs; a
    # payload it cannot even build is a Bolt limitation, reported, not tested here.
    return (
        isinstance(payload, dict)
        and all(
            payload.get(key) is None or isinstance(payload.get(key), dict | str)
            for key in ("user", "channel", "team", "enterprise", "container")
        )
        and isinstance(payload.get("response_urls", []), list)
        and all(isinstance(url, dict) for url in payload.get("response_urls", []))
    )


def deliver(rig: tuple[LocalBot, int, Watch, Listeners], kind: str, payload: Any) -> None:
    bot, _, watch, listeners = rig
    standin = bot.standin
    standin.clear()
    watch.bad.clear()
    before = row_counts(bot)
    # Bolt leaves envelopes no listener matches unacknowledged (its 404 in HTTP mode): that is
    # allowed; everything else below must hold either way.
    with contextlib.suppress(AssertionError):
        SocketSlackClient(standin, timeout=1.0)._post_payload(payload)
    listeners.settle()
    TRIED[kind] = TRIED.get(kind, 0) + 1
    check_nothing_happened(bot, standin, watch, before)


@FUZZ
@given(data=st.data(), which=st.integers(0, 3))
def test_socket_block_actions_of_any_shape(socket_rig: Any, data: Any, which: int) -> None:
    bot, lead, _, _ = socket_rig
    action = data.draw(broken(actions_for(lead)[which], [(key,) for key in IN_ACTION]))
    user = "U0REP2" if action == actions_for(lead)[which] else "U0REP1"
    payload = data.draw(broken(action_payload(bot.standin, action, user), ACTION_PATHS))
    if keeps_bolt_envelope(payload):
        deliver(socket_rig, f"socket block_actions {which}", payload)


@FUZZ
@given(data=st.data())
def test_socket_view_submissions_of_any_shape(socket_rig: Any, data: Any) -> None:
    payload = data.draw(broken(submission("U0REP1"), VIEW_PATHS))
    if keeps_bolt_envelope(payload):
        deliver(socket_rig, "socket view_submission", payload)
