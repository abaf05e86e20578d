"""Malformed but correctly signed Slack payloads never crash the bot (issue 10, item 9).

Hypothesis builds Slack's real payloads (slash commands, block actions for every button and
picker, the handoff modal's submission, app_home_opened events) and breaks them: keys removed,
values of the wrong type, huge and deeply nested values, absurd numbers and dates, unicode, NUL,
mentions. Each is signed for real and sent over HTTP to the running bot. Every answer is below
500, no ERROR is logged, no row is written and nothing is posted to a channel.

Each test runs SLA_FUZZ_EXAMPLES examples (default 60) per database; for a longer run:
`SLA_FUZZ_EXAMPLES=1000 .venv/bin/python -m pytest tests/e2e/test_slack_payload_fuzz.py`.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import Future, wait
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from storage.models import Base
from tests.fuzz_budget import fuzz_examples
from tests.helpers import drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES as AGREEMENTS

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


@pytest.fixture(autouse=True, scope="session")
def _print_counts() -> Iterator[None]:
    """Print how many payloads of each type were tried (run with -s to see it)."""
    yield
    if TRIED:
        print("\nfuzzed payloads per type:", dict(sorted(TRIED.items())))


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


@pytest.fixture
def rig(standin: SlackStandIn, database_url: str) -> Iterator[tuple[LocalBot, int, Watch]]:
    """The bot with one lead claimed by U0REP1 (so payloads may name a real lead)."""
    with LocalBot(
        AGREEMENTS / "agreement.en.yaml",
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


# -- slash commands ---------------------------------------------------------------------------

COMMAND_TEXT = st.one_of(
    st.lists(
        st.one_of(
            WORDS,
            st.sampled_from(["touch", "lead", "glossary", "record", "report", "calc", "owners",
                             "goals", "mine", "back", "help", "agreement", "handoff", "visits"]),
            st.text(max_size=12),
        ),
        max_size=6,
    ).map(" ".join),
    st.text(max_size=200),
)  # fmt: skip
# Users that may not change anything here: not the lead's owner, not a manager or marketer.
NOBODY = st.sampled_from(["U0REP2", "U0REP3", "UNKNOWN", "", "U" * 300, "<!channel>", "\x00"])


@FUZZ
@given(
    text=COMMAND_TEXT,
    user=NOBODY,
    drop=st.sets(st.sampled_from(["user_id", "text", "trigger_id", "response_url", "command"])),
    trigger=st.one_of(st.none(), st.text(max_size=300)),
)
def test_slash_commands_of_any_shape(
    rig: tuple[LocalBot, int, Watch],
    standin: SlackStandIn,
    text: str,
    user: str,
    drop: set[str],
    trigger: str | None,
) -> None:
    bot, _, _ = rig
    fields = {
        "command": "/sla",
        "text": text,
        "user_id": user,
        "channel_id": "C0HANDOFF",
        "team_id": "T1",
        "response_url": standin.new_response_url("C0HANDOFF", None, user or None),
        "trigger_id": trigger if trigger is not None else standin.issue_trigger_id(),
    }
    for key in drop:
        fields.pop(key)
    body = urllib.parse.urlencode(fields).encode()
    assert bot.slack is not None
    run_one("slash command", rig, standin, lambda: bot.slack.post(body, FORM).status)


@FUZZ
@given(body=HOSTILE)
def test_slash_command_shaped_json(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, body: Any
) -> None:
    bot, _, _ = rig
    payload = {"command": "/sla", "text": body, "user_id": body, "response_url": body}
    raw = json.dumps(payload).encode()
    assert bot.slack is not None
    send = lambda: bot.slack.post(raw, "application/json").status  # noqa: E731
    run_one("slash command (JSON)", rig, standin, send)


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


@FUZZ
@given(data=st.data(), which=st.integers(0, 4), user=st.sampled_from(["U0REP1", "U0REP2"]))
def test_block_actions_of_any_shape(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, data: Any, which: int, user: str
) -> None:
    bot, lead, _ = rig
    action = data.draw(broken(actions_for(lead)[which], [(key,) for key in IN_ACTION]))
    # The owner's well-formed taps would really log: only broken ones come from the owner.
    if user == "U0REP1" and action == actions_for(lead)[which]:
        user = "U0REP2"
    payload = data.draw(broken(action_payload(standin, action, user), ACTION_PATHS))
    run_one(f"block_actions {which}", rig, standin, lambda: send_payload(bot, payload))


@FUZZ
@given(moment=st.one_of(HOSTILE, st.sampled_from([1e30, -1, 0, 2**63, "1e30", 10**12, 4102444800])))
def test_a_snooze_at_an_absurd_time_is_answered(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, moment: Any
) -> None:
    bot, lead, _ = rig
    action = dict(actions_for(lead)[2], selected_date_time=moment)
    payload = action_payload(standin, action, "U0REP1")
    run_one("snooze time", rig, standin, lambda: send_payload(bot, payload))
    [answer] = standin.responses(payload["response_url"])
    assert answer["text"]
    assert "wrong" not in answer["text"]


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


@FUZZ
@given(data=st.data(), user=st.sampled_from(["U0REP1", "U0MKT1"]))
def test_view_submissions_of_any_shape(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, data: Any, user: str
) -> None:
    bot, _, _ = rig
    payload = data.draw(broken(submission(user), VIEW_PATHS))
    view = payload.get("view")
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    if user == "U0MKT1" and isinstance(values, dict):
        # A marketer's well-formed form really hands off: keep the name missing (required).
        values.pop("name", None)
    run_one("view_submission", rig, standin, lambda: send_payload(bot, payload))


# -- events -----------------------------------------------------------------------------------


EVENT_PATHS = [("event",), ("event", "user"), ("event", "tab"), ("event", "type"), ("event_id",),
               ("type",), ("team_id",), ("authorizations",), ("event", "channel")]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_events_of_any_shape(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn, data: Any
) -> None:
    bot, _, _ = rig
    body = {
        "team_id": "T1",
        "api_app_id": "A0SLABOT",
        "type": "event_callback",
        "event_id": "Ev0FUZZ",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U0REP1", "tab": "home"},
    }
    broken_body = data.draw(broken(body, EVENT_PATHS))
    event = broken_body.get("event")
    if isinstance(event, dict) and isinstance(event.get("user"), str):
        # An event naming a user in Slack's form is well-formed enough to be remembered and
        # answered with a Home view: only the others must leave no trace.
        event["user"] = "\x00" + event["user"]
    raw = json.dumps(broken_body).encode()
    assert bot.slack is not None
    run_one("event", rig, standin, lambda: bot.slack.post(raw, "application/json").status)


def test_deeply_nested_payloads_are_refused(
    rig: tuple[LocalBot, int, Watch], standin: SlackStandIn
) -> None:
    bot, _, _ = rig
    nested = "[" * 100_000 + "]" * 100_000
    raw = urllib.parse.urlencode({"payload": nested}).encode()
    assert bot.slack is not None
    run_one("nested", rig, standin, lambda: bot.slack.post(raw, FORM).status)
    as_json = nested.encode()
    run_one("nested", rig, standin, lambda: bot.slack.post(as_json, "application/json").status)
