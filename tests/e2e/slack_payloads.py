"""Slack payloads for the fuzz tests, the hostile values that break them and what must not happen.

Shared by the HTTP fuzz (tests/e2e/test_slack_payload_fuzz_*.py), the Socket Mode fuzz and the
tests of the answers: real payload shapes, `broken` to remove or spoil their fields, and
`run_one` to send one and check that nothing was logged as an error, written or posted.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from concurrent.futures import Future, wait
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from storage.models import Base
from tests.fuzz_budget import fuzz_examples

EXAMPLES = fuzz_examples(30)
FORM = "application/x-www-form-urlencoded"
# Tables the fuzz may not touch (slack_events only learns event IDs, once_keys only keys of
# requests that wrote, so both stay put too when nothing is written).
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: dict[str, int] = {}


class Watch(logging.Handler):
    """Collects every ERROR (or any record with a traceback) logged anywhere."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bad: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.bad.append(f"{record.name}: {record.getMessage()}")


class Listeners:
    """Tracks Bolt's listener threads, so a test can wait until each request is fully handled."""

    def __init__(self, bot: LocalBot) -> None:
        assert bot.bot is not None
        executor = bot.bot.bolt.listener_runner.listener_executor
        self.futures: list[Future[Any]] = []
        self.lock = threading.Lock()
        submit = executor.submit

        def tracked(fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            future = submit(fn, *args, **kwargs)
            with self.lock:
                self.futures.append(future)
            return future

        executor.submit = tracked  # type: ignore[method-assign]

    def settle(self) -> None:
        with self.lock:
            pending, self.futures = self.futures, []
        wait(pending, timeout=10)


def row_counts(bot: LocalBot) -> dict[str, int]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


# -- hostile values ---------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["<!channel>", "<@U0REP1>", "<!here|x>", "\x00", "L-1", "L-0", "L-99999999999999999999",
     "ĺèäd", "🙂", "1e30", "-1", "NaN", "2**63", "", " ", "\u202e", "call", "connected"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([1e30, -1, -1.5, 0, 2**31, 2**63, float("1e308")]),
    st.text(max_size=30),
    WORDS,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": [value]}
    return value


HOSTILE = st.one_of(VALUES, st.integers(5, 300).map(deep), st.text(min_size=3000, max_size=4000))


@st.composite
def broken(draw: st.DrawFn, payload: dict[str, Any], paths: list[tuple[str, ...]]) -> Any:
    """The payload with some of its fields removed or replaced by hostile values."""
    payload = json.loads(json.dumps(payload))
    for path in draw(st.lists(st.sampled_from(paths), max_size=4, unique=True)):
        parent = payload
        for key in path[:-1]:
            child = parent.get(key) if isinstance(parent, dict) else None
            if not isinstance(child, dict):
                break
            parent = child
        else:
            if draw(st.booleans()):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(HOSTILE)
    return payload


def send_payload(bot: LocalBot, payload: Any) -> int:
    assert bot.slack is not None
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return bot.slack.post(body, FORM).status


def check_nothing_happened(bot: LocalBot, standin: SlackStandIn, watch: Watch, before: Any) -> None:
    assert watch.bad == []
    posted = [c for c in standin.calls() if c.method in ("chat.postMessage", "chat.postEphemeral")]
    assert posted == []
    assert row_counts(bot) == before


def run_one(kind: str, rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, send: Any) -> None:
    bot, _, watch = rig
    listeners = getattr(bot, "_fuzz_listeners", None) or Listeners(bot)
    bot._fuzz_listeners = listeners  # type: ignore[attr-defined]
    standin.clear()
    watch.bad.clear()
    before = row_counts(bot)
    status = send()
    listeners.settle()
    TRIED[kind] = TRIED.get(kind, 0) + 1
    assert status < 500, status
    check_nothing_happened(bot, standin, watch, before)


# -- block actions ----------------------------------------------------------------------------


def action_payload(standin: SlackStandIn, action: dict[str, Any], user: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A0SLABOT",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "DU0REP1"},
        "trigger_id": standin.issue_trigger_id(),
        "team": {"id": "T1"},
        "channel": {"id": "DU0REP1"},
        "message": {"ts": "1.1", "blocks": [], "text": ""},
        "response_url": standin.new_response_url("DU0REP1", "1.1", user),
        "actions": [action],
    }


def actions_for(lead: int) -> list[dict[str, Any]]:
    value = json.dumps({"lead": lead, "step": 1, "kind": "call", "outcome": "no_answer"})
    return [
        {"action_id": "log_touch:0", "block_id": f"touch-{lead}-1", "value": value},
        {"action_id": "cadence_skip", "block_id": f"step-{lead}-1", "value": value},
        {
            "action_id": "cadence_snooze",
            "block_id": f"step-{lead}-1",
            "type": "datetimepicker",
            "selected_date_time": 1_900_000_000,
        },
        {
            "action_id": "cadence_disqualify",
            "block_id": f"step-{lead}-1",
            "type": "static_select",
            "selected_option": {"value": "bad_fit", "text": {"type": "plain_text", "text": "x"}},
        },
        {"action_id": "no_such_action", "block_id": "b", "value": "v"},
    ]


ACTION_PATHS = [
    ("user",),
    ("user", "id"),
    ("actions",),
    ("response_url",),
    ("message",),
    ("channel",),
    ("container",),
    ("type",),
]
IN_ACTION = ["value", "block_id", "action_id", "selected_date_time", "selected_option"]


# -- the handoff modal ------------------------------------------------------------------------


def submission(user: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "username": "x", "team_id": "T1"},
        "api_app_id": "A0SLABOT",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0FUZZ",
            "hash": "1.x",
            "type": "modal",
            "callback_id": "handoff",
            "state": {"values": {"name": {"value": {"type": "plain_text_input", "value": "A"}}}},
        },
        "response_urls": [],
    }


VIEW_PATHS = [
    ("user",),
    ("user", "id"),
    ("view",),
    ("view", "id"),
    ("view", "hash"),
    ("view", "state"),
    ("view", "state", "values"),
    ("view", "callback_id"),
    ("view", "type"),
    ("response_urls",),
]
