"""/healthz tells the truth: 503, and why, when the database, the outbox or the tick stop moving.

The hypothesis test over query strings and headers runs SLA_FUZZ_EXAMPLES examples (default
50); run longer with e.g. `SLA_FUZZ_EXAMPLES=2000 pytest tests/e2e/test_healthz.py`.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.runtime.clock import ShiftedClock, utc_now
from bot.runtime.tick_watch import running_watches
from storage import outbox as box
from storage.health import DEAD, outbox_backlog
from storage.models import OutboxMessage
from storage.unit_of_work import Database
from tests.fuzz_budget import fuzz_examples
from tests.helpers import drain, hand_off
from tests.paths import EXAMPLES

FUZZ_EXAMPLES = fuzz_examples(50)
AGREEMENT = EXAMPLES / "agreement.en.yaml"


def healthz(bot: LocalBot, query: str = "", headers: dict[str, str] | None = None) -> tuple:
    request = urllib.request.Request(f"{bot.url}/healthz{query}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_health(
    bot: LocalBot, wanted: Callable[[int, dict[str, Any]], bool], timeout: float = 15.0
) -> tuple[int, dict[str, Any]]:
    """Ask /healthz until its answer is the one wanted; fail with the last answer otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = healthz(bot)
        if wanted(status, body):
            return status, body
        assert time.monotonic() < deadline, f"still {status} {body}"
        time.sleep(0.05)


def parts(body: dict[str, Any]) -> list[str]:
    return [problem["part"] for problem in body["problems"]]


@pytest.mark.postgres
def test_a_due_message_nobody_delivers_turns_it_503_until_the_outbox_moves(
    database_url: str, standin
) -> None:
    clock = ShiftedClock(utc_now())
    # No outbox worker: the announcement stays owed, as when the worker thread has died.
    with LocalBot(
        AGREEMENT,
        database_url=database_url,
        standin=standin,
        clock=clock,
        background=False,
        ticker=False,
        pace_seconds=0.0,
    ) as bot:
        hand_off(bot)
        status, body = healthz(bot)
        assert status == 200, body
        assert body["outbox"]["pending"] == 1
        assert body["outbox"]["oldest_waiting_kind"] == "announce"
        assert body["outbox"]["oldest_waiting_seconds"] < 300

        clock.jump_to(clock() + timedelta(seconds=301))
        status, body = healthz(bot)
        assert status == 503
        assert body["status"] == "unavailable" and body["database"] == "ok"
        assert parts(body) == ["outbox"]
        assert "(announce) has waited 30" in body["problems"][0]["reason"]
        assert body["outbox"]["oldest_waiting_seconds"] >= 301

        assert bot.bot is not None
        bot.bot.outbox.start()
        drain(bot)
        status, body = healthz(bot)
        assert (status, body["problems"], body["outbox"]["pending"]) == (200, [], 0)


def test_the_threshold_is_a_setting(standin) -> None:
    clock = ShiftedClock(utc_now())
    with LocalBot(
        AGREEMENT,
        standin=standin,
        clock=clock,
        background=False,
        ticker=False,
        extra_env={"SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "30"},
    ) as bot:
        hand_off(bot)
        clock.jump_to(clock() + timedelta(seconds=31))
        status, body = healthz(bot)
        assert (status, parts(body), body["outbox"]["max_age_seconds"]) == (503, ["outbox"], 30)


@pytest.mark.postgres
def test_leased_rows_are_moving_and_failing_rows_wait_from_their_creation(
    database: Database,
) -> None:
    now = utc_now()
    with database.unit_of_work() as session:
        leased = box.enqueue(session, kind="dm", channel="D1", now=now - timedelta(hours=1))
        box.lease(session, [leased], now, now + timedelta(seconds=60))
        later = box.enqueue(session, kind="announce", channel="C1", now=now)
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == later)
            .values(due_at=now + timedelta(minutes=5))
        )
        failing = box.enqueue(
            session, kind="thread", channel="C1", now=now - timedelta(seconds=400)
        )
        box.retry_later(session, [failing], now + timedelta(seconds=30), "internal_error")
    with database.reading() as session:
        found = {b.kind: b for b in outbox_backlog(session, now)}
    assert {kind: b.pending for kind, b in found.items()} == {"announce": 1, "dm": 1, "thread": 1}
    assert found["dm"].oldest_waiting_seconds is None  # a live worker holds it
    assert found["announce"].oldest_waiting_seconds is None  # not due yet
    # Between two failed tries it is not due, but it has been owed for 400 s.
    assert found["thread"].oldest_waiting_seconds == pytest.approx(400, abs=1)
    with database.reading() as session:
        expired = {b.kind: b for b in outbox_backlog(session, now + timedelta(seconds=61))}
    assert expired["dm"].oldest_waiting_seconds == pytest.approx(3661, abs=1)  # its worker died


def test_a_stalled_tick_turns_it_503_and_a_turning_one_back_to_200(standin, monkeypatch) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, extra_env={"SLA_TICK_SECONDS": "0.1"}, ticker=True
    ) as bot:
        assert bot.bot is not None
        _, body = wait_health(
            bot, lambda _, b: b["tick"].get("seconds_since_completed") is not None
        )
        assert body["tick"]["running"] is True and body["tick"]["period_seconds"] == 0.1
        stuck = threading.Event()
        release = threading.Event()
        real_tick = bot.bot.ticker._tick

        def hanging_tick() -> int:
            stuck.set()
            release.wait(30)
            return real_tick()

        monkeypatch.setattr(bot.bot.ticker, "_tick", hanging_tick)
        assert stuck.wait(10)
        _, body = wait_health(bot, lambda status, _: status == 503)
        assert parts(body) == ["tick"]
        assert "has not completed for" in body["problems"][0]["reason"]
        assert "3 periods are 0.3 s" in body["problems"][0]["reason"]
        monkeypatch.setattr(bot.bot.ticker, "_tick", real_tick)
        release.set()
        _, body = wait_health(bot, lambda status, _: status == 200)
        assert body["problems"] == [] and body["tick"]["running"] is True
    # Once that bot stopped, no tick runs in this process any more.
    assert running_watches() == []


def test_a_database_that_does_not_answer_turns_it_503(standin, tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    with LocalBot(
        AGREEMENT, standin=standin, database_url=f"sqlite:///{path}", ticker=False
    ) as bot:
        assert healthz(bot)[0] == 200
        assert bot.bot is not None
        bot.bot.deps.database.dispose()
        for leftover in tmp_path.glob("broken.db*"):
            leftover.unlink()
        path.write_bytes(b"this is not a database" * 512)
        status, body = healthz(bot)
        assert status == 503
        assert body["database"] == "not answering"
        assert parts(body) == ["database"]
        assert "outbox" not in body


@pytest.mark.postgres
def test_dead_lettered_rows_are_visible_but_no_reason_for_a_503(database_url: str, standin) -> None:
    with LocalBot(
        AGREEMENT, database_url=database_url, standin=standin, ticker=False, pace_seconds=0.0
    ) as bot:
        hand_off(bot)
        drain(bot)
        assert bot.bot is not None
        with bot.bot.deps.database.unit_of_work() as session:
            session.execute(update(OutboxMessage).values(status=DEAD))
        status, body = healthz(bot)
        assert status == 200, body
        assert body["outbox"]["dead_lettered"] >= 1
        assert body["set_aside_leads"] == 0


def test_socket_mode_still_reports_the_link(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, socket_mode=True) as bot:
        status, body = healthz(bot)
    assert (status, body["slack"], body["status"]) == (200, "connected", "ok")


@pytest.fixture(scope="module")
def shared_bot() -> Any:
    with SlackStandIn() as standin, LocalBot(AGREEMENT, standin=standin, ticker=False) as bot:
        yield bot


QUERY = st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=5)
HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(query=QUERY, accept=HEADER_VALUE, cookie=HEADER_VALUE)
def test_any_query_or_header_gets_the_same_kind_of_answer(
    shared_bot: LocalBot, query: dict[str, str], accept: str, cookie: str
) -> None:
    status, body = healthz(
        shared_bot,
        "?" + urllib.parse.urlencode(query),
        headers={"Accept": accept, "Cookie": cookie, "X-Forwarded-For": "<!channel>"},
    )
    assert status == 200
    assert body["status"] == "ok" and body["problems"] == []
