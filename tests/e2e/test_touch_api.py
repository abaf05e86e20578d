"""POST /api/touches end to end: 201, 200 on a repeated key, 403, 404, 409, 422 by field."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from storage.models import Touch
from tests.fuzz_budget import fuzz_examples
from tests.helpers import hand_off, lead_number, post_json, run_together
from tests.paths import EXAMPLES


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def touches(bot: LocalBot) -> int:
    with bot.bot.deps.database.reading() as session:
        return session.scalar(select(func.count()).select_from(Touch))


_counter = iter(range(10_000))


def claimed_lead(bot: LocalBot, owner: str = "U0REP1", **fields) -> dict:
    n = next(_counter)
    answer = hand_off(bot, external_id=f"touch-{n}", email=f"lead{n}@example.com", **fields)
    assert bot.bot.cases.claims.claim(lead_number(answer), owner).outcome == "claimed"
    return answer


def touch(lead: str, **fields) -> dict:
    return {"lead": lead, "kind": "call", "outcome": "no_answer", "by": "U0REP1", **fields}


def test_a_touch_is_logged_and_stops_the_clock(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    status, answer = post_json(bot, "/api/touches", touch(lead["id"]))
    assert status == 201, answer
    assert answer["touch"]["kind"] == "call"
    assert answer["touch"]["outcome"] == "no_answer"
    assert answer["touch"]["by"] == "U0REP1"
    assert answer["touch"]["first"] is True
    assert answer["lead"]["id"] == lead["id"]


def test_the_lead_may_be_named_by_external_id_or_email(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    n = lead["external_id"].split("-")[1]
    assert post_json(bot, "/api/touches", touch(lead["external_id"]))[0] == 201
    status, answer = post_json(bot, "/api/touches", touch(f"LEAD{n}@example.com"))
    assert status == 201, answer
    assert answer["lead"]["id"] == lead["id"]


def test_a_repeated_idempotency_key_answers_200_with_the_same_touch(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    before = touches(bot)
    body = touch(lead["id"], idempotency_key="dialer-call-77", outcome="connected")
    status, first = post_json(bot, "/api/touches", body)
    assert status == 201
    status, again = post_json(bot, "/api/touches", body)
    assert status == 200
    assert again == first
    assert touches(bot) == before + 1


def test_by_as_email_is_resolved_through_slack(bot: LocalBot, standin) -> None:
    standin.add_user("U0REP2", "rep.two", email="rep.two@dialer.example")
    lead = claimed_lead(bot, owner="U0REP2")
    status, answer = post_json(bot, "/api/touches", touch(lead["id"], by="REP.TWO@dialer.example"))
    assert status == 201, answer
    assert answer["touch"]["by"] == "U0REP2"
    status, answer = post_json(bot, "/api/touches", touch(lead["id"], by="nobody@example.com"))
    assert status == 422 and "by" in answer["fields"]


def test_only_the_owner_or_a_manager_may_log(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    before = touches(bot)
    assert post_json(bot, "/api/touches", touch(lead["id"], by="U0REP3"))[0] == 403
    assert touches(bot) == before
    assert post_json(bot, "/api/touches", touch(lead["id"], by="U0MANAGER1"))[0] == 201


def test_an_unknown_lead_is_404_and_a_closed_lead_409(bot: LocalBot) -> None:
    assert post_json(bot, "/api/touches", touch("L-99999"))[0] == 404
    assert post_json(bot, "/api/touches", touch("nobody@example.com"))[0] == 404
    lead = claimed_lead(bot)
    body = touch(lead["id"], outcome="disqualified", reason="no budget")
    assert post_json(bot, "/api/touches", body)[0] == 201
    status, answer = post_json(bot, "/api/touches", touch(lead["id"]))
    assert status == 409, answer


def test_at_is_used_for_the_first_touch_and_checked(bot: LocalBot) -> None:
    handed_off = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    lead = claimed_lead(bot, handed_off_at=handed_off.isoformat())
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    early = "2020-01-01T00:00:00+00:00"
    before = (handed_off - timedelta(minutes=1)).isoformat()
    for at in (future, early, before, "yesterday", "2026-01-01T10:00:00", 5):
        status, answer = post_json(bot, "/api/touches", touch(lead["id"], at=at))
        assert status == 422 and set(answer["fields"]) == {"at"}, (at, answer)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    status, answer = post_json(bot, "/api/touches", touch(lead["id"], at=at.isoformat()))
    assert status == 201, answer
    assert datetime.fromisoformat(answer["touch"]["at"]) == at


def test_bad_fields_are_named(bot: LocalBot) -> None:
    status, answer = post_json(
        bot, "/api/touches", {"lead": "L-1", "kind": "fax", "outcome": "maybe", "by": 3, "x": 1}
    )
    assert status == 422
    assert set(answer["fields"]) == {"kind", "outcome", "by", "x"}
    status, answer = post_json(bot, "/api/touches", touch("L-1", kind="voicemail", outcome="won"))
    assert status == 422 and set(answer["fields"]) == {"outcome"}
    status, answer = post_json(bot, "/api/touches", touch("L-1", outcome="disqualified"))
    assert status == 422 and set(answer["fields"]) == {"reason"}
    assert post_json(bot, "/api/touches", touch("L-1"), token="wrong")[0] == 401


hostile = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
fields = st.sampled_from(
    ["lead", "kind", "outcome", "by", "at", "reason", "idempotency_key", "<!channel>"]
)


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=st.dictionaries(fields, hostile | st.text(max_size=300), max_size=8) | hostile)
def test_hostile_bodies_never_500_and_store_nothing_on_refusal(bot: LocalBot, body) -> None:
    before = touches(bot)
    status, answer = post_json(bot, "/api/touches", body)
    assert status < 500, answer
    if status >= 400:
        assert touches(bot) == before
        assert answer.get("error")


@pytest.mark.postgres
def test_simultaneous_repeats_of_one_key_log_one_touch(english_bot_on_each_database) -> None:
    bot = english_bot_on_each_database
    lead = claimed_lead(bot)
    body = touch(lead["id"], idempotency_key="dialer-race-1")
    answers = run_together(*[lambda: post_json(bot, "/api/touches", body)] * 8)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 7 + [201], answers
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    assert touches(bot) == 1
