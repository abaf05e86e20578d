"""Captured, correctly signed Slack requests replayed within the 5-minute window (issue 10, 4).

Each test signs a request once, sends the very same bytes and headers several times (one after
another, and at once from threads), and checks the change happened once and the copies were
told so. Both databases.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.local.harness import SIGNING_SECRET, LocalBot
from bot.local.standin import payloads, slack_signature
from bot.ui.render import render_message
from storage.models import AwayPeriod, CountEntry, Handoff, Lead, Touch
from tests.helpers import HANDOFF_MODAL, drain, hand_off, lead_number, run_together, wait_announced

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def bot(english_bot_on_each_database: LocalBot) -> LocalBot:
    return english_bot_on_each_database


def signed(body: bytes, content_type: str = FORM) -> dict[str, str]:
    """Headers Slack would send with this body now."""
    timestamp = str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, body),
    }


def captured_command(bot: LocalBot, text: str, user: str) -> tuple[bytes, dict[str, str], str]:
    """One /sla request as an eavesdropper would keep it: body, headers, its response_url."""
    response_url = bot.standin.new_response_url("C0HANDOFF", None, user)
    fields = payloads.slash_command_form(
        command="/sla",
        text=text,
        user_id=user,
        user_name=user.lower(),
        channel_id="C0HANDOFF",
        response_url=response_url,
        trigger_id=bot.standin.issue_trigger_id(),
    )
    body = urllib.parse.urlencode(fields).encode()
    return body, signed(body), response_url


def count(bot: LocalBot, model: Any) -> int:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def claimed_lead(bot: LocalBot, rep: str = "U0REP1") -> int:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    click = bot.slack.block_action(
        "claim_lead", str(lead), rep, channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    return lead


def replies(bot: LocalBot, response_url: str, expected: int) -> list[str]:
    bot.standin.wait_for(lambda s: len(s.responses(response_url)) >= expected, timeout=10)
    return [render_message(body) for body in bot.standin.responses(response_url)]


def test_a_replayed_touch_command_logs_one_touch(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    body, headers, url = captured_command(bot, f"touch L-{lead} call connected", "U0REP1")
    statuses = [bot.slack.send_raw(body, headers).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    answers = replies(bot, url, 3)
    assert count(bot, Touch) == 1
    # The copies run side by side (each is acked first): which one did the work may vary.
    assert sum(answer.startswith("Logged on") for answer in answers) == 1
    assert sum("already handled" in answer for answer in answers) == 2


def test_replays_arriving_at_once_log_one_touch(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    body, headers, url = captured_command(bot, f"touch L-{lead} email sent", "U0REP1")
    statuses = run_together(*[lambda: bot.slack.send_raw(body, headers).status] * 4)
    assert statuses == [200] * 4
    answers = replies(bot, url, 4)
    assert count(bot, Touch) == 1
    assert sum("already handled" in answer for answer in answers) == 3


def test_a_replayed_away_starts_one_time_away(bot: LocalBot) -> None:
    body, headers, url = captured_command(bot, "away", "U0REP2")
    for _ in range(3):
        assert bot.slack.send_raw(body, headers).status == 200
    replies(bot, url, 3)
    assert count(bot, AwayPeriod) == 1


def test_a_replayed_record_counts_once(bot: LocalBot) -> None:
    body, headers, url = captured_command(bot, "record visits 75", "U0MKT1")
    for _ in range(3):
        assert bot.slack.send_raw(body, headers).status == 200
    answers = replies(bot, url, 3)
    assert count(bot, CountEntry) == 1, answers
    assert sum(answer.startswith("Recorded: visits for") for answer in answers) == 1
    assert sum("already handled" in answer for answer in answers) == 2


def test_a_read_only_command_replayed_still_answers(bot: LocalBot) -> None:
    body, headers, url = captured_command(bot, "glossary MQL", "U0REP1")
    for _ in range(2):
        assert bot.slack.send_raw(body, headers).status == 200
    answers = replies(bot, url, 2)
    assert answers[0] == answers[1]


def captured_submission(view_id: str, view_hash: str) -> tuple[bytes, dict[str, str]]:
    payload = payloads.view_submission_payload(
        callback_id="handoff",
        values=HANDOFF_MODAL,
        user_id="U0MKT1",
        user_name="mkt1",
        private_metadata="",
        trigger_id="13345224609.738474920.8088930838d88f008e0",
        view_id=view_id,
        base_view={"hash": view_hash},
    )
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return body, signed(body)


def test_a_replayed_modal_submission_creates_one_lead(bot: LocalBot) -> None:
    body, headers = captured_submission("V0MODAL1", "1700000000.abc")
    answers = [bot.slack.send_raw(body, headers) for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 200]
    views = [json.dumps(a.json["view"], ensure_ascii=False) for a in answers]
    assert "Handed off *L-1* (Jorge Ibarra)" in views[0]
    assert all("already submitted" in view for view in views[1:]), views
    assert count(bot, Lead) == 1
    assert count(bot, Handoff) == 1  # not even a "same email again" note
    wait_announced(bot, 1)
    drain(bot)
    assert len(wait_announced(bot, 1)) == 1


def test_modal_replays_at_once_create_one_lead(bot: LocalBot) -> None:
    body, headers = captured_submission("V0MODAL2", "1700000000.def")
    statuses = run_together(*[lambda: bot.slack.send_raw(body, headers).status] * 4)
    assert statuses == [200] * 4
    assert count(bot, Lead) == 1
    assert count(bot, Handoff) == 1


def test_a_new_submission_of_the_same_view_is_a_new_handoff(bot: LocalBot) -> None:
    # Slack gives each submission of a view its own hash: that is a new action, not a replay.
    for view_hash in ("1700000000.one", "1700000001.two"):
        body, headers = captured_submission("V0MODAL3", view_hash)
        assert bot.slack.send_raw(body, headers).status == 200
    assert count(bot, Lead) == 1  # the same email: the second joins the first lead
    assert count(bot, Handoff) == 2


def test_request_keys_need_slacks_id_and_fold_in_who_and_what() -> None:
    from bot.request_keys import request_key

    key = request_key("command", "1.2.abc", extra=("U0REP1", "touch L-1 call connected"))
    assert key is not None and len(key) <= 200
    assert key == request_key("command", "1.2.abc", extra=("U0REP1", "touch L-1 call connected"))
    assert key != request_key("command", "1.2.abc", extra=("U0REP2", "touch L-1 call connected"))
    assert key != request_key("view", "1.2.abc", extra=("U0REP1", "touch L-1 call connected"))
    assert request_key("command", None) is None
    assert request_key("command", "") is None
    assert request_key("view", "V1", 7) is None
    assert request_key("view", "V" * 10_000, "h") is not None  # any length: it is hashed
