"""/metrics in Prometheus text format: the outbox and leads from the database, events counted.

Counters are process-wide (see bot/runtime/metrics.py), so these tests compare them before and
after. The hypothesis test over label values runs SLA_FUZZ_EXAMPLES examples (default 100);
run longer with e.g. `SLA_FUZZ_EXAMPLES=5000 pytest tests/e2e/test_metrics.py`.
"""

from __future__ import annotations

import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.runtime import metrics
from bot.runtime.clock import ShiftedClock, utc_now
from storage.health import DEAD
from storage.models import Lead, OutboxMessage
from tests.fuzz_budget import fuzz_examples
from tests.helpers import drain, hand_off
from tests.paths import EXAMPLES

FUZZ_EXAMPLES = fuzz_examples(100)
AGREEMENT = EXAMPLES / "agreement.en.yaml"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(bot: LocalBot) -> Samples:
    """Every sample of /metrics, by name and labels (parsed as Prometheus would)."""
    with urllib.request.urlopen(f"{bot.url}/metrics", timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.postgres
def test_the_outbox_backlog_and_breaches_come_from_the_database(database_url: str, standin) -> None:
    clock = ShiftedClock(utc_now())
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
        hand_off(bot, external_id="crm-1002", email="otro@example.com")
        clock.jump_to(clock() + timedelta(seconds=90))
        owed = scrape(bot)
        assert value(owed, "sla_database_up") == 1
        assert value(owed, "sla_outbox_pending", kind="announce") == 2
        assert value(owed, "sla_outbox_oldest_pending_age_seconds", kind="announce") >= 90
        assert value(owed, "sla_leads_breached") == 0

        assert bot.bot is not None
        bot.bot.outbox.start()
        drain(bot)
        with bot.bot.deps.database.unit_of_work() as session:
            # Past its deadline, untouched: a breach by the SLA, whatever the ladder posted.
            late = clock() - timedelta(seconds=1)
            session.execute(update(Lead).where(Lead.id == 1).values(respond_by=late))
            session.execute(update(OutboxMessage).where(OutboxMessage.id == 1).values(status=DEAD))
        done = scrape(bot)
        assert value(done, "sla_outbox_pending", kind="announce") == 0
        assert value(done, "sla_leads_breached") == 1
        assert value(done, "sla_outbox_dead_rows", kind="announce") == 1
        assert value(done, "sla_leads_set_aside") == 0


def test_events_counted_by_the_bot_show_on_every_scrape(english_bot: LocalBot) -> None:
    before = scrape(english_bot)
    metrics.delivered("chat.postMessage")
    metrics.delivered("chat.postMessage")
    metrics.delivery_failed("chat.postMessage", "channel_not_found")
    metrics.rate_limited("chat.update")
    metrics.dead_lettered("dm")
    metrics.claimed("claimed")
    metrics.claimed("taken")
    metrics.breached()
    metrics.tick_finished(0.2, 1.5)
    after = scrape(english_bot)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("sla_slack_deliveries_total", method="chat.postMessage") == 2
    failed = {"method": "chat.postMessage", "error": "channel_not_found"}
    assert grew("sla_slack_delivery_failures_total", **failed) == 1
    assert grew("sla_slack_rate_limited_total", method="chat.update") == 1
    assert grew("sla_outbox_dead_lettered_total", kind="dm") == 1
    assert grew("sla_claims_total", outcome="claimed") == 1
    assert grew("sla_claims_total", outcome="taken") == 1
    assert grew("sla_breaches_total") == 1
    assert grew("sla_tick_duration_seconds_count") == 1
    assert grew("sla_tick_duration_seconds_bucket", le="0.25") == 1
    assert grew("sla_tick_duration_seconds_bucket", le="0.1") == 0
    assert grew("sla_tick_lateness_seconds_sum") == pytest.approx(1.5)
    assert value(after, "sla_tick_running") == 0  # this bot runs no tick


def test_the_running_tick_reports_its_duration_and_lateness(standin) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, ticker=True, extra_env={"SLA_TICK_SECONDS": "0.05"}
    ) as bot:
        before = scrape(bot)
        deadline = time.monotonic() + 15
        while True:
            now = scrape(bot)
            ticks = value(now, "sla_tick_duration_seconds_count")
            if ticks - value(before, "sla_tick_duration_seconds_count") >= 3:
                break
            assert time.monotonic() < deadline, "the tick never ran"
            time.sleep(0.05)
        assert value(now, "sla_tick_running") == 1
        assert value(now, "sla_tick_lateness_seconds_count") == ticks
        assert 0 <= value(now, "sla_tick_seconds_since_completed") < 15


def test_each_app_reads_its_own_database(standin, tmp_path: Path) -> None:
    first = LocalBot(AGREEMENT, standin=standin, background=False, ticker=False)
    with first, LocalBot(AGREEMENT, standin=standin, background=False, ticker=False) as second:
        hand_off(first)
        hand_off(first, external_id="crm-2", email="b@example.com")
        hand_off(second, external_id="crm-3", email="c@example.com")
        assert value(scrape(first), "sla_outbox_pending", kind="announce") == 2
        assert value(scrape(second), "sla_outbox_pending", kind="announce") == 1


def test_a_scrape_answers_when_the_database_does_not(standin, tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    with LocalBot(
        AGREEMENT, standin=standin, database_url=f"sqlite:///{path}", ticker=False
    ) as bot:
        assert bot.bot is not None
        bot.bot.deps.database.dispose()
        for leftover in tmp_path.glob("broken.db*"):
            leftover.unlink()
        path.write_bytes(b"this is not a database" * 512)
        samples = scrape(bot)
    assert value(samples, "sla_database_up") == 0
    assert not [key for key in samples if key[0] == "sla_outbox_pending"]


@pytest.fixture(scope="module")
def scraped_bot():
    # The fuzz fills the label caps of this process: later tests get them back untouched.
    seen = {key: set(values) for key, values in metrics._seen.items()}
    with SlackStandIn() as standin, LocalBot(AGREEMENT, standin=standin, ticker=False) as bot:
        yield bot
    metrics._seen.clear()
    metrics._seen.update(seen)


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<!channel>", "<@U123>", "\x00", 'a"b\\c\nd', "é" * 100, "ratelimited"]),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(method=HOSTILE, error=HOSTILE, outcome=HOSTILE)
def test_any_label_value_keeps_the_exposition_parseable_and_bounded(
    scraped_bot: LocalBot, method: str, error: str, outcome: str
) -> None:
    metrics.delivery_failed(method, error)
    metrics.claimed(outcome)
    samples = scrape(scraped_bot)
    labels = [
        dict(key[1])
        for key in samples
        if key[0] in ("sla_slack_delivery_failures_total", "sla_claims_total")
    ]
    for each in labels:
        for text in each.values():
            assert len(text) <= 64 and "\x00" not in text and "<" not in text
    errors = {each["error"] for each in labels if "error" in each}
    assert len(errors) <= metrics.MAX_LABEL_VALUES + 1  # the cap, plus "other"
