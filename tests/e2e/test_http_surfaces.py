"""Events, the App Home, health checks and the JSON API's framing, over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.local.harness import LocalBot
from bot.ui.render import render_blocks


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_home_tab_is_published_once_per_event_even_when_slack_retries(
    english_bot: LocalBot, standin
) -> None:
    event = {"type": "app_home_opened", "user": "U0REP1", "tab": "home", "channel": "D1"}
    english_bot.slack.event(event, event_id="Ev0001")
    standin.wait_for_calls("views.publish", 1)
    english_bot.slack.event(event, event_id="Ev0001", retry_num=1)
    english_bot.slack.event(event, event_id="Ev0002")
    standin.wait_for_calls("views.publish", 2)
    calls = standin.calls("views.publish")
    assert len(calls) == 2
    assert calls[0].args["user_id"] == "U0REP1"
    home = render_blocks(calls[0].args["view"]["blocks"])
    assert "Acme Analytics" in home and "/sla glossary" in home


def test_the_messages_tab_does_not_publish_a_home(english_bot: LocalBot, standin) -> None:
    event = {"type": "app_home_opened", "user": "U0REP1", "tab": "messages", "channel": "D1"}
    assert english_bot.slack.event(event, event_id="Ev0003").status == 200
    english_bot.slack.event(
        {"type": "app_home_opened", "user": "U0REP2", "tab": "home", "channel": "D2"},
        event_id="Ev0004",
    )
    standin.wait_for_calls("views.publish", 1)
    assert [c.args["user_id"] for c in standin.calls("views.publish")] == ["U0REP2"]


def test_url_verification_is_answered(english_bot: LocalBot) -> None:
    response = english_bot.slack.url_verification("abc123")
    assert response.status == 200
    assert "abc123" in response.body


def test_healthz_reports_the_database(english_bot: LocalBot) -> None:
    # The tick does not run in this bot (ticker=False) and nothing is owed to Slack.
    assert get(english_bot.url + "/healthz") == (
        200,
        {
            "status": "ok",
            "database": "ok",
            "problems": [],
            "outbox": {
                "pending": 0,
                "oldest_waiting_seconds": None,
                "oldest_waiting_kind": None,
                "max_age_seconds": 300.0,
                "dead_lettered": 0,
            },
            "set_aside_leads": 0,
            "tick": {"running": False},
            # No CRM is configured for this bot: each connector is listed as off.
            "connectors": {
                name: {"on": False, "last_call": None}
                for name in ("hubspot", "salesforce", "webhook")
            },
        },
    )


def test_unknown_api_paths_answer_in_json(english_bot: LocalBot) -> None:
    status, body = get(english_bot.url + "/api/nothing-here")
    assert status == 404
    assert body["error"] == "No such endpoint."
