"""Malformed handoff-modal submissions and events never crash the bot (issue 10, item 9).

Hypothesis breaks the handoff modal's submission and app_home_opened events; deeply nested
bodies are sent too. Each is signed for real and sent over HTTP to the running bot: every
answer is below 500, no ERROR is logged, no row is written and nothing is posted to a channel.

Each test runs SLA_FUZZ_EXAMPLES examples (default 30) per database; for a longer run:
`SLA_FUZZ_EXAMPLES=1000 .venv/bin/python -m pytest tests/e2e/test_slack_payload_fuzz_*.py`.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.e2e.slack_payloads import (
    FORM,
    FUZZ,
    VIEW_PATHS,
    Watch,
    broken,
    run_one,
    send_payload,
    submission,
)


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
