"""POST /api/handoffs end to end: answers, announcement, idempotency, duplicates, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.ui.render import render_message
from storage.models import Lead, OutboxMessage
from tests.helpers import (
    MARTA,
    announcements,
    claim_values,
    hand_off,
    lead_number,
    post_json,
    wait_announced,
)
from tests.paths import EXAMPLES


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def stored(bot: LocalBot, model=Lead) -> int:
    with bot.bot.deps.database.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_new_handoff_answers_201_with_id_status_and_deadline(bot: LocalBot) -> None:
    status, answer = post_json(
        bot, "/api/handoffs", {**MARTA, "handed_off_at": "2026-11-20T10:00:00-06:00"}
    )
    assert status == 201
    assert answer["id"] == "L-1"
    assert answer["status"] == "unclaimed"
    assert answer["handed_off_at"] == "2026-11-20T10:00:00-06:00"
    # Received days after its handoff: the SLA clock starts at receipt, so it is still ahead.
    assert datetime.fromisoformat(answer["respond_by"]) > datetime.now(UTC)
    assert datetime.fromisoformat(answer["respond_by"]).utcoffset() is not None


def test_the_announcement_shows_the_lead_but_never_its_contact_details(bot: LocalBot) -> None:
    hand_off(bot, handed_off_at="2026-11-20T10:00:00-06:00")
    [message] = wait_announced(bot, 1)
    text = render_message(message)
    for expected in (
        "L-1",
        "Marta Quintana",
        "Óptica Sur",
        "webinar",
        "score 72",
        "after its handoff: its SLA clock starts now",
        "America/Mexico_City",
        "[Claim]",
    ):
        assert expected in text
    assert "marta@opticasur.mx" not in str(message)
    assert "1234 5678" not in str(message)
    assert claim_values(message) == ["1"]


def test_the_same_external_id_answers_200_and_announces_nothing_more(bot: LocalBot) -> None:
    first = hand_off(bot)
    wait_announced(bot, 1)
    status, again = post_json(bot, "/api/handoffs", {**MARTA, "name": "Someone Else"})
    assert status == 200
    assert again["id"] == first["id"]
    assert again["outcome"] == "known"
    bot.bot.outbox.deliver_once()
    assert len(announcements(bot)) == 1
    assert stored(bot) == 1


def test_the_email_of_an_open_lead_joins_that_lead_and_tells_its_thread(bot: LocalBot) -> None:
    first = hand_off(bot)
    [message] = wait_announced(bot, 1)
    status, answer = post_json(
        bot,
        "/api/handoffs",
        {
            "external_id": "crm-2002",
            "name": "M. Quintana",
            "email": "MARTA@opticasur.mx ",
            "source": "ebook",
        },
    )
    assert status == 200
    assert answer["id"] == first["id"]
    assert answer["outcome"] == "attached"
    bot.standin.wait_for(lambda s: any(m.get("thread_ts") for m in s.messages("C0HANDOFF")))
    [note] = [m for m in bot.standin.messages("C0HANDOFF") if m.get("thread_ts")]
    assert note["thread_ts"] == message["ts"]
    assert "handed *L-1* off again (ebook)" in note["text"]
    assert len(announcements(bot)) == 1
    assert stored(bot) == 1
    # The second external ID is remembered too: replaying it changes nothing.
    assert (
        post_json(bot, "/api/handoffs", {"external_id": "crm-2002", "name": "x"})[1]["id"] == "L-1"
    )


def test_mentions_in_lead_fields_cannot_ping_the_channel(bot: LocalBot) -> None:
    hand_off(bot, name="<!channel> Spammy", company="<@U0MANAGER1>")
    [message] = wait_announced(bot, 1)
    assert "<!channel>" not in str(message["blocks"])
    assert "&lt;!channel&gt;" in str(message["blocks"])


def test_malformed_json_is_400(bot: LocalBot) -> None:
    status, answer = post_json(bot, "/api/handoffs", None, raw=b"{not json")
    assert status == 400
    assert "JSON" in answer["error"]
    assert stored(bot) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"external_id": "x"}, {"name"}),
        ({"name": "No Id"}, {"external_id"}),
        ({"external_id": "x", "name": "A", "email": "not-an-email"}, {"email"}),
        ({"external_id": "x", "name": "A", "phone": "call me"}, {"phone"}),
        (
            {"external_id": "x", "name": "A", "handed_off_at": "2026-11-27T10:00:00"},
            {"handed_off_at"},
        ),
        ({"external_id": "x", "name": "A" * 201, "reason": "r" * 1001}, {"name", "reason"}),
        ({"external_id": "x", "name": "A", "colour": "blue"}, {"colour"}),
        ([1, 2, 3], {"body"}),
    ],
)
def test_invalid_fields_are_422_naming_each_and_nothing_is_stored(bot, body, fields) -> None:
    status, answer = post_json(bot, "/api/handoffs", body)
    assert status == 422
    assert set(answer["fields"]) == fields
    assert stored(bot) == 0
    assert stored(bot, OutboxMessage) == 0


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_token_is_401(bot: LocalBot, token) -> None:
    status, _ = post_json(bot, "/api/handoffs", MARTA, token=token)
    assert status == 401
    assert stored(bot) == 0


def test_the_api_is_503_until_a_token_is_configured(standin) -> None:
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        standin=standin,
        extra_env={"SLA_API_TOKEN": ""},
        ticker=False,
    ) as bot:
        status, answer = post_json(bot, "/api/handoffs", MARTA)
    assert status == 503
    assert "SLA_API_TOKEN" in answer["error"]


def test_a_handoff_time_in_the_future_is_refused(bot: LocalBot) -> None:
    status, answer = post_json(
        bot, "/api/handoffs", {**MARTA, "handed_off_at": "2099-01-01T00:00:00+00:00"}
    )
    assert status == 422
    assert answer["fields"] == {"handed_off_at": "is in the future"}
    assert stored(bot) == 0


def test_a_crm_clock_slightly_ahead_is_taken_as_now(bot: LocalBot) -> None:
    ahead = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    answer = hand_off(bot, handed_off_at=ahead)
    assert datetime.fromisoformat(answer["handed_off_at"]) <= datetime.now(UTC)
    assert lead_number(answer) == 1
