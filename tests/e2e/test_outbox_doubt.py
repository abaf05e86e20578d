"""Nothing is said twice when Slack's answer comes after the client gave up.

The stand-in stores the post at once and holds its answer past the delivery client's timeout
(1 s here): the bot cannot know whether Slack has the message, so before trying again it
looks for the outbox ID in the message metadata and adopts the post it finds.
The metadata property test runs SLA_FUZZ_EXAMPLES examples (default 200).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import select, update

from bot.local.harness import LocalBot
from bot.outbox.calls import EVENT_TYPE, tag_ids
from storage.models import Lead, OutboxMessage
from tests.fuzz_budget import fuzz_examples
from tests.helpers import announcements, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
QUICK = {"SLACK_DELIVERY_TIMEOUT": "1"}
FUZZ_EXAMPLES = fuzz_examples(200)


def outbox(bot: LocalBot) -> list[OutboxMessage]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def lead_row(bot: LocalBot, lead_id: int) -> Lead:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        row = session.get(Lead, lead_id)
        assert row is not None
        return row


def hurry(bot: LocalBot) -> None:
    """The retry's backoff runs out now (it is a second or two on the wall)."""
    assert bot.bot is not None
    with bot.bot.deps.database.unit_of_work() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(due_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    bot.bot.outbox.wake()


def test_an_announcement_answered_after_the_timeout_is_adopted_not_posted_again(
    standin, database_url: str
) -> None:
    hold = standin.hold("chat.postMessage", channel="C0HANDOFF", seconds=3)
    with LocalBot(
        AGREEMENT, standin=standin, database_url=database_url, ticker=False, extra_env=QUICK
    ) as bot:
        lead = lead_number(hand_off(bot))
        standin.wait_for(lambda s: hold.held == 1)
        assert bot.wait_delivered(timeout=30)
        [message] = announcements(bot)
        assert message["metadata"]["event_type"] == EVENT_TYPE
        [row] = [r for r in outbox(bot) if r.kind == "announce"]
        assert message["metadata"]["event_payload"] == {"outbox_id": row.id}
        assert (row.status, row.ts, row.in_doubt) == ("sent", message["ts"], False)
        assert row.attempts == 1  # the timed-out try
        found = lead_row(bot, lead)
        assert found.announce_ts == found.thread_ts == message["ts"]
        assert len(standin.calls("chat.postMessage")) == 1
        [lookup] = standin.calls("conversations.history")
        assert lookup.args["include_all_metadata"] in (True, "true", "1")
        assert float(lookup.args["oldest"]) <= float(message["ts"])


def test_an_owner_dm_answered_late_is_looked_up_in_the_dm_channel(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, extra_env=QUICK) as bot:
        lead = lead_number(hand_off(bot))
        [message] = wait_announced(bot, 1)
        hold = standin.hold("chat.postMessage", channel="U0REP1", seconds=3)
        bot.slack.block_action(
            "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        standin.wait_for(lambda s: hold.held == 1, timeout=10)
        assert bot.wait_delivered(timeout=30)
        assert len(standin.messages("DU0REP1")) == 1
        assert [c.args["users"] for c in standin.calls("conversations.open")] == ["U0REP1"]
        [lookup] = standin.calls("conversations.history")
        assert lookup.args["channel"] == "DU0REP1"
        [dm] = [r for r in outbox(bot) if r.kind == "dm"]
        assert (dm.status, dm.ts) == ("sent", standin.messages("DU0REP1")[0]["ts"])


def test_a_thread_note_answered_late_is_looked_up_in_its_thread(standin) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, extra_env=QUICK) as bot:
        lead = lead_number(hand_off(bot))
        [root] = wait_announced(bot, 1)
        hold = standin.hold("chat.postMessage", channel="C0HANDOFF", seconds=3)
        # The same person handed off again: a note in the lead's thread.
        hand_off(bot, external_id="crm-again", source="ebook")
        standin.wait_for(lambda s: hold.held == 1, timeout=10)
        assert bot.wait_delivered(timeout=30)
        notes = [m for m in standin.messages("C0HANDOFF") if m.get("thread_ts") == root["ts"]]
        assert len(notes) == 1
        [lookup] = standin.calls("conversations.replies")
        assert lookup.args["ts"] == root["ts"]
        assert lead_row(bot, lead).thread_ts == root["ts"]


def test_a_failed_lookup_is_retried_before_anything_is_posted_again(standin) -> None:
    hold = standin.hold("chat.postMessage", channel="C0HANDOFF", seconds=3)
    standin.fail("conversations.history", status=500, times=2)
    with LocalBot(AGREEMENT, standin=standin, ticker=False, extra_env=QUICK) as bot:
        hand_off(bot)
        standin.wait_for(lambda s: hold.held == 1)

        def settled(_: object) -> bool:
            hurry(bot)
            return all(r.status == "sent" for r in outbox(bot) if r.kind == "announce")

        standin.wait_for(settled, timeout=30)
        assert len(standin.calls("conversations.history")) == 3  # two failed, one found it
        assert len(standin.calls("chat.postMessage")) == 1
        [row] = [r for r in outbox(bot) if r.kind == "announce"]
        assert row.lookups == 2


def test_lookups_are_bounded_then_the_message_is_posted(standin) -> None:
    hold = standin.hold("chat.postMessage", channel="C0HANDOFF", seconds=3)
    standin.fail("conversations.history", status=500, times=50)
    with LocalBot(AGREEMENT, standin=standin, ticker=False, extra_env=QUICK) as bot:
        hand_off(bot)
        standin.wait_for(lambda s: hold.held == 1)

        def settled(_: object) -> bool:
            hurry(bot)
            return all(r.status == "sent" for r in outbox(bot) if r.kind == "announce")

        standin.wait_for(settled, timeout=60)
        # Never posted blind while a lookup could still answer; after five failed, posted.
        assert len(standin.calls("conversations.history")) == 5
        assert len(standin.calls("chat.postMessage")) == 2


def test_a_refused_connection_is_a_definite_outcome(standin, tmp_path: Path) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, background=False, pace_seconds=0.05, ticker=False
    ) as bot:
        assert bot.bot is not None
        hand_off(bot)
        worker = bot.bot.outbox
        live = worker.client
        worker.client = WebClient(
            token="xoxb-x", base_url="http://127.0.0.1:9/api/", retry_handlers=[], timeout=2
        )
        worker.deliver_once()
        [row] = outbox(bot)
        assert (row.status, row.attempts, row.in_doubt) == ("pending", 1, False)
        worker.client = live
        hurry(bot)
        # The pass that sends it may come a moment later on a loaded machine (its pace slot).
        deadline = time.monotonic() + 10
        while outbox(bot)[0].status != "sent" and time.monotonic() < deadline:
            worker.deliver_once()
            time.sleep(0.05)
        assert outbox(bot)[0].status == "sent"
        assert standin.calls("conversations.history") == []  # nothing to look up
        assert len(announcements(bot)) == 1


METADATA = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from([EVENT_TYPE, "<!channel>", "\x00"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    metadata=METADATA
    | st.fixed_dictionaries({"event_type": st.just(EVENT_TYPE), "event_payload": METADATA})
    | st.fixed_dictionaries(
        {
            "event_type": st.just(EVENT_TYPE),
            "event_payload": st.fixed_dictionaries(
                {"outbox_id": METADATA, "outbox_ids": METADATA | st.lists(st.integers())}
            ),
        }
    )
)
def test_whatever_a_message_carries_only_our_integer_ids_are_read(metadata: object) -> None:
    ids = tag_ids({"ts": "1.0", "metadata": metadata})
    assert all(type(i) is int for i in ids)
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        assert ids == []
