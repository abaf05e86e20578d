"""One clock read per request: what a listener checks and what its use case stores agree."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.local.harness import LocalBot
from bot.runtime.clock import utc_now
from tests.e2e.test_cadence_slack import claim_and_first_touch, make_due, wait_answer
from tests.helpers import hand_off
from tests.paths import EXAMPLES


class CountingClock:
    """The wall clock, counting the reads made on behalf of one listener module."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reads: dict[str, int] = {}

    def __call__(self) -> datetime:
        files = {frame.filename.replace("\\", "/") for frame in traceback.extract_stack()}
        with self.lock:
            for module in ("handlers/api.py", "handlers/actions.py"):
                if any(name.endswith(module) for name in files):
                    self.reads[module] = self.reads.get(module, 0) + 1
        return utc_now()

    def count(self, module: str) -> int:
        with self.lock:
            return self.reads.pop(module, 0)


@pytest.fixture
def counted(standin, tmp_path: Path) -> Iterator[tuple[LocalBot, CountingClock]]:
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["response"]["clock"] = "always"
    path = tmp_path / "always.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    clock = CountingClock()
    with LocalBot(path, standin=standin, clock=clock, pace_seconds=0.05, ticker=False) as bot:
        yield bot, clock


def test_a_handoff_reads_the_clock_once(counted) -> None:
    bot, clock = counted
    hand_off(bot)
    assert clock.count("handlers/api.py") == 1


def test_a_snooze_reads_the_clock_once(counted) -> None:
    bot, clock = counted
    lead = claim_and_first_touch(bot)
    dm = make_due(bot, lead)
    clock.count("handlers/actions.py")
    until = int((datetime.now(UTC) + timedelta(hours=2)).timestamp())
    result = bot.slack.block_action(
        "cadence_snooze",
        "",
        "U0REP1",
        channel_id=dm["channel"],
        message_ts=dm["ts"],
        element={
            "type": "datetimepicker",
            "block_id": f"step-{lead}-2",
            "selected_date_time": until,
        },
    )
    answer = wait_answer(bot, result)
    assert "snoozed until" in answer["text"], answer
    assert clock.count("handlers/actions.py") == 1
