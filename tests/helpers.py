"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from bot.local.harness import API_TOKEN, LocalBot

MARTA = {
    "external_id": "crm-1001",
    "name": "Marta Quintana",
    "company": "Óptica Sur",
    "email": "marta@opticasur.mx",
    "phone": "+52 55 1234 5678",
    "source": "webinar",
    "reason": "Downloaded 3 guides, score 72",
}

# What a marketer types into the /sla handoff modal, by block_id.
HANDOFF_MODAL = {
    "name": {"value": "Jorge Ibarra"},
    "company": {"value": "Ferretería Norte"},
    "email": {"value": "jorge@ferrenorte.mx"},
    "phone": {"value": "81 5555 0101"},
    "source": {"value": "contact form"},
    "reason": {"value": "Asked for a quote for 40 seats"},
}

T = TypeVar("T")


def post_json(
    bot: LocalBot, path: str, body: Any, token: str | None = API_TOKEN, raw: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    """POST JSON to the bot's HTTP API; return the status and the decoded answer."""
    return bot.api(path, body, token=token, raw=raw)


def hand_off(bot: LocalBot, **fields: Any) -> dict[str, Any]:
    """Hand off a lead through the API and return the answer (asserting success)."""
    status, answer = post_json(bot, "/api/handoffs", {**MARTA, **fields})
    assert status in (200, 201), answer
    return answer


def lead_number(answer: dict[str, Any]) -> int:
    """The numeric ID behind L-42."""
    return int(answer["id"].removeprefix("L-"))


def announcements(bot: LocalBot, channel: str = "C0HANDOFF") -> list[dict[str, Any]]:
    """The bot's top-level messages in a channel (not thread replies, not ephemerals)."""
    return [
        m
        for m in bot.standin.messages(channel)
        if not m.get("thread_ts") and not m.get("ephemeral")
    ]


def claim_values(message: dict[str, Any]) -> list[str]:
    """The lead IDs behind the Claim buttons of a message."""
    values = []
    for block in message.get("blocks") or []:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == "claim_lead":
            values.append(accessory["value"])
    return values


def wait_announced(bot: LocalBot, count: int, channel: str = "C0HANDOFF") -> list[dict[str, Any]]:
    """Wait until the channel's announcements carry `count` leads in all."""
    bot.standin.wait_for(
        lambda s: sum(len(claim_values(m)) for m in announcements(bot, channel)) >= count,
        timeout=15,
    )
    return announcements(bot, channel)


def drain(bot: LocalBot, timeout: float = 15.0) -> None:
    """Wait until the outbox owes Slack nothing (every row sent, failed or skipped)."""
    assert bot.wait_delivered(timeout), "the outbox still has pending messages"


def run_together(*calls: Callable[[], T]) -> list[T]:
    """Start the calls at the same instant in threads (as several processes would); results."""
    results: list[T] = []
    barrier = threading.Barrier(len(calls))
    lock = threading.Lock()

    def run(call: Callable[[], T]) -> None:
        barrier.wait()
        value = call()
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
