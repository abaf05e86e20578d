"""/healthz reports the CRM connectors: on when configured, their last call, dead letters 503."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from bot.crm.status import ConnectorStatus, connectors_on
from bot.local.harness import LocalBot
from bot.settings import Settings, SettingsError, load_settings
from storage.health import DEAD
from storage.models import OutboxMessage
from tests.paths import EXAMPLES

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def bot(standin):
    with LocalBot(EXAMPLES / "agreement.en.yaml", standin=standin, ticker=False) as running:
        yield running


def healthz(bot: LocalBot) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{bot.url}/healthz", timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_connectors_are_off_until_configured() -> None:
    assert connectors_on(Settings()) == {"hubspot": False, "salesforce": False, "webhook": False}
    configured = Settings(
        outgoing_webhook_url="https://hooks.example/sla", outgoing_webhook_secret="s3cret"
    )
    assert connectors_on(configured)["webhook"] is True


def test_the_registry_is_thread_safe_and_keeps_the_last_call() -> None:
    status = ConnectorStatus()

    def hammer(n: int) -> None:
        for i in range(200):
            status.record_ok("hubspot", AT) if i % 2 else status.record_failure(
                "hubspot", AT, f"HTTP 503 {n}\n"
            )

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert status.last("hubspot") is not None and status.last("hubspot").ok
    status.record_failure("webhook", AT, "x" * 10_000)
    report = status.report({"webhook": True, "salesforce": False})
    assert report["salesforce"] == {"on": False, "last_call": None}
    assert report["webhook"]["last_call"] == "failed"
    assert len(report["webhook"]["last_error"]) == 200


def test_a_failed_last_call_is_shown_but_healthy(bot: LocalBot) -> None:
    status, body = healthz(bot)
    assert set(body["connectors"]) == {"hubspot", "salesforce", "webhook"}
    assert body["connectors"]["webhook"] == {"on": False, "last_call": None}
    bot.bot.deps.connectors.record_failure("hubspot", AT, "HTTP 429")
    status, body = healthz(bot)
    assert status == 200, body
    assert body["connectors"]["hubspot"]["last_call"] == "failed"
    assert body["connectors"]["hubspot"]["last_error"] == "HTTP 429"
    assert datetime.fromisoformat(body["connectors"]["hubspot"]["at"]) == AT


def test_a_dead_lettered_connector_write_makes_healthz_503(bot: LocalBot) -> None:
    with bot.bot.deps.database.unit_of_work() as session:
        session.add(
            OutboxMessage(
                kind="webhook",
                channel="ext:webhook",
                payload={},
                status=DEAD,
                due_at=AT,
                created_at=AT,
            )
        )
    status, body = healthz(bot)
    assert status == 503
    assert any(p["part"] == "connectors" for p in body["problems"])


def test_a_bad_webhook_url_names_its_variable_and_hides_the_secret() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(
            {"OUTGOING_WEBHOOK_URL": "ftp://x", "OUTGOING_WEBHOOK_SECRET": "topsecret-value"}
        )
    assert "OUTGOING_WEBHOOK_URL" in str(refused.value)
    assert "topsecret-value" not in str(refused.value)
