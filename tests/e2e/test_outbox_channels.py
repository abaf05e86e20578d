"""One slow channel never delays another: each pacing key is delivered on its own.

The stand-in takes every call to channel A but holds its answers; what is owed to B and C
must reach Slack while A is still held (ordering against A's release, not timing).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.local.harness import LocalBot
from storage import outbox as box
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"


def owe(bot: LocalBot, channel: str, texts: list[str]) -> None:
    assert bot.bot is not None
    now = datetime.now(UTC)
    with bot.bot.deps.database.unit_of_work() as session:
        for text in texts:
            box.enqueue(session, kind="post", channel=channel, now=now, payload={"text": text})
    bot.bot.outbox.wake()


def texts(bot: LocalBot, channel: str) -> list[str]:
    return [m["text"] for m in bot.standin.messages(channel)]


def test_a_hung_channel_does_not_hold_up_the_others(standin) -> None:
    hold = standin.hold("chat.postMessage", channel="C0A", times=None, seconds=60)
    with LocalBot(
        AGREEMENT,
        standin=standin,
        ticker=False,
        pace_seconds=0.05,
        extra_env={"SLACK_DELIVERY_TIMEOUT": "30"},
    ) as bot:
        owe(bot, "C0A", ["a1", "a2"])
        standin.wait_for(lambda s: hold.held == 1)  # a1 is in Slack, its answer is held
        owe(bot, "C0B", ["b1", "b2", "b3"])
        owe(bot, "C0C", ["c1", "c2"])
        # Each channel keeps its order and its pace, and none waits for A.
        standin.wait_for(lambda s: len(s.messages("C0B")) == 3 and len(s.messages("C0C")) == 2)
        # A's answer is still held, and no second call to A started meanwhile.
        assert hold.held == 1 and texts(bot, "C0A") == ["a1"]
        assert texts(bot, "C0B") == ["b1", "b2", "b3"]
        assert texts(bot, "C0C") == ["c1", "c2"]
        hold.release()
        assert bot.wait_delivered(timeout=20)
        assert texts(bot, "C0A") == ["a1", "a2"]  # once each, in order, after the release
        posts_to_a = [c for c in standin.calls("chat.postMessage") if c.args["channel"] == "C0A"]
        assert len(posts_to_a) == 2
