"""`sla-bot run`'s own logs: JSON lines at DEBUG with no secret; the logging settings read."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.local.harness import API_TOKEN, BOT_TOKEN, SIGNING_SECRET
from bot.local.standin import SlackStandIn
from bot.settings import SettingsError, load_settings
from tests.e2e.log_secrets import FORBIDDEN
from tests.helpers import MARTA
from tests.paths import EXAMPLES

SLA_BOT = shutil.which("sla-bot", path=str(Path(sys.executable).parent)) or "sla-bot"


def test_sla_bot_run_writes_redacted_json_lines(tmp_path: Path) -> None:
    """`sla-bot run` with LOG_FORMAT=json at DEBUG: every line is JSON, none carries a secret."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLA_", "LOG_"))}
    with SlackStandIn() as standin:
        env = {
            **keep,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLA_API_TOKEN": API_TOKEN,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
            "SLA_CONFIG": str(EXAMPLES / "agreement.en.yaml"),
            "PORT": str(port),
            "LOG_LEVEL": "DEBUG",
            "LOG_FORMAT": "json",
        }
        process = subprocess.Popen(
            [SLA_BOT, "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, "sla-bot run exited"
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "sla-bot run never answered"
                    time.sleep(0.1)
            request = urllib.request.Request(
                base + "/api/handoffs",
                data=json.dumps(MARTA).encode(),
                headers={
                    "Authorization": f"Bearer {API_TOKEN}",
                    "Content-Type": "application/json",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 201
            standin.wait_for(lambda s: bool(s.messages("C0HANDOFF")), timeout=15)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err[-2000:]
    raw = [line for line in err.splitlines() if line.strip()]
    # The CLI sets logging up from the settings before anything else logs: every line is JSON.
    lines = [json.loads(line) for line in raw]
    messages = [line["message"] for line in lines]
    assert any(m.startswith("serving Slack (HTTP mode)") for m in messages)
    assert any(m.startswith("Sending a request - url:") for m in messages)  # DEBUG was on
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    for value in [*FORBIDDEN, "Marta Quintana"]:
        assert value not in err, f"{value!r} reached the log"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "0"}, "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS"),
        ({"SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "soon"}, "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS"),
    ],
)
def test_a_malformed_logging_or_health_setting_is_named(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{variable} is malformed"):
        load_settings(environ)


def test_the_logging_and_health_settings_read_as_given() -> None:
    read = load_settings({"LOG_FORMAT": " JSON ", "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "90"})
    assert (read.log_format, read.sla_health_outbox_max_age_seconds) == ("json", 90)
    assert load_settings({}).log_format == "text"
