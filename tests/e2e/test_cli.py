"""The command line: check, run's start-up errors, and the demo."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import main
from bot.leads.claim_button import CLAIM_ACTION
from bot.local.demo.session import run_demo
from bot.local.harness import SIGNING_SECRET
from bot.local.standin import SignedSlackClient, SlackStandIn
from bot.local.standin.payloads import (
    block_actions_payload,
    message_for_payload,
    slash_command_form,
)
from tests.helpers import MARTA

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED_EXAMPLE = ROOT.parent / "shared" / "agreement.example.yaml"
SLA_BOT = shutil.which("sla-bot", path=str(Path(sys.executable).parent)) or "sla-bot"


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLES / "agreement.en.yaml",
        EXAMPLES / "acuerdo.es.yaml",
        Path(__file__).resolve().parents[1] / "fixtures" / "agreement.example.yaml",
    ],
)
def test_check_accepts_the_examples(path: Path, capsys) -> None:
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out or "válido" in out
    assert "America/Mexico_City" in out


def test_check_accepts_the_shared_example_when_present(capsys) -> None:
    if not SHARED_EXAMPLE.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert main(["check", str(SHARED_EXAMPLE)]) == 0


def test_check_prints_the_summary(capsys) -> None:
    main(["check", str(EXAMPLES / "agreement.en.yaml")])
    out = capsys.readouterr().out
    assert "Acme Analytics" in out
    assert "first touch within 5m" in out
    assert "6 calls, 3 voicemails and 3 emails over 10 business days" in out
    assert "2,500 visits, 250 contacts, 20 clients" in out
    assert "handoffs #C0HANDOFF, standup #C0STANDUP" in out


def test_check_lists_every_problem_by_path(tmp_path: Path, capsys) -> None:
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["cadence"]["touches"][3]["kind"] = "sms"
    data["timezone"] = "Mars/Olympus"
    data["colour"] = "blue"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data))
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "3 problems" in err
    assert "cadence.touches[3].kind: must be one of call, email, voicemail" in err
    assert "timezone:" in err and "Mars/Olympus" in err
    assert "colour: unknown key" in err
    assert "Traceback" not in err


def test_check_of_a_missing_file_says_so(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml" in capsys.readouterr().err


def test_demo_plays_the_session_and_exits_zero() -> None:
    out = io.StringIO()
    assert run_demo(out=out) == 0
    text = out.getvalue()
    assert "@carla types: /sla glossary mql" in text
    assert "MQL: A contact whose fit and engagement score is 60 or more" in text
    assert "“leed” is not in our glossary." in text
    assert "• Create content: @carla" in text
    assert "6 calls, 3 voicemails and 3 emails over 10 business days" in text
    assert "Home tab:" in text
    assert "Contactos:" in text
    # Handoffs: a claim race, a duplicate joining its lead, a burst as digests.
    # Who wins the race is up to the race; that exactly one loses is not.
    assert len(re.findall(r"L-1 is already claimed by @(?:ana|luis)\.", text)) == 1
    assert "this is your lead: no new race" in text
    assert re.search(r"\d+ new leads: claim the ones you will call now\.", text)
    # The response clock: a touch in time stops it; an untouched lead climbs the ladder.
    assert "First touch 0s after the handoff: within the 3s SLA." in text
    assert "SLA breached on L-2" in text
    assert "Nobody claimed it in time. Announced again below." in text
    # HubSpot: a signed MQL in, claimed and called in Slack, the owner and the call in HubSpot.
    assert "to POST /api/hubspot\n  -> 200" in text
    assert "contact 501 owner 7001 (ana@example.com), lead status CONNECTED" in text
    assert "call logged on contact 501: connected" in text
    # The cadence: twelve touches, a stop, a rep away.
    assert "Touch 12 of 12" in text
    assert "closed as not reached" in text
    assert "Cadence finished on L-2: @luis reached the lead." in text
    assert "no nudge goes to @ana while she is away" in text
    # Goals: a simulated month, the standup with its chart saved, celebrations.
    assert "daily standup for Nov 27, 2026" in text
    assert "The burn-up chart posted in the thread is saved at" in text
    assert "50% of the monthly contacts goal" in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLA_"))}
    return {**keep, "PORT": "1", **values}


def test_run_stops_with_one_clear_line_when_a_setting_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        [SLA_BOT, "run"],
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SLACK_BOT_TOKEN is not set" in lines[0]


def test_run_refuses_a_broken_agreement_before_serving(tmp_path: Path) -> None:
    (tmp_path / "sla.yaml").write_text("version: 1\n")
    env = _env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    result = subprocess.run(
        [SLA_BOT, "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "company: is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_serves_slash_commands_over_http(tmp_path: Path) -> None:
    port = _free_port()
    with SlackStandIn() as standin:
        env = _env(
            SLACK_BOT_TOKEN="xoxb-run-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=standin.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
            SLA_CONFIG=str(EXAMPLES / "agreement.en.yaml"),
            PORT=str(port),
        )
        process = subprocess.Popen(
            [SLA_BOT, "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait_for_port(port, process)
            slack = SignedSlackClient(
                f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, standin
            )
            replies = slack.slash_command("glossary MQL").replies()
            assert replies[0]["text"].startswith("*MQL*: A contact whose fit")
        finally:
            process.terminate()
            _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "Running upgrade" in err  # migrations were applied at start


def test_run_serves_slack_over_socket_mode(tmp_path: Path) -> None:
    port = _free_port()
    with SlackStandIn() as standin:
        env = _env(  # no signing secret: nothing arrives over HTTP from Slack in Socket Mode
            SLACK_BOT_TOKEN="xoxb-run-test",
            SLACK_APP_TOKEN="xapp-1-A0SLABOT-1-run-test",
            SLACK_API_URL=standin.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
            SLA_CONFIG=str(EXAMPLES / "agreement.en.yaml"),
            SLA_API_TOKEN="run-api-token",
            PORT=str(port),
        )
        process = subprocess.Popen(
            [SLA_BOT, "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait_for_port(port, process)
            # A slash command over the socket: acked there, answered through its response_url.
            asked = standin.new_response_url("C0HANDOFF", None, "U0REP1")
            command = slash_command_form(
                command="/sla",
                text="glossary MQL",
                user_id="U0REP1",
                user_name="ana",
                channel_id="C0HANDOFF",
                response_url=asked,
                trigger_id=standin.issue_trigger_id(),
            )
            envelope = standin.socket_send("slash_commands", command, timeout=30)
            assert standin.socket_ack(envelope) == {"envelope_id": envelope}
            standin.wait_for(lambda s: bool(s.responses(asked)), timeout=10)
            assert standin.responses(asked)[0]["text"].startswith("*MQL*: A contact whose fit")

            # A handoff through the HTTP API, then a Claim click over the socket.
            handoff = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/handoffs",
                data=json.dumps(MARTA).encode(),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": "Bearer run-api-token",
                },
            )
            with urllib.request.urlopen(handoff, timeout=10) as answer:
                assert answer.status == 201
            standin.wait_for(lambda s: bool(_announcements(s)), timeout=10)
            announcement = _announcements(standin)[0]
            clicked = standin.new_response_url("C0HANDOFF", announcement["ts"], "U0REP2")
            click = block_actions_payload(
                action_id=CLAIM_ACTION,
                value="1",
                block_id="lead-1",
                user_id="U0REP2",
                user_name="luis",
                trigger_id=standin.issue_trigger_id(),
                action_ts=f"{time.time():.6f}",
                container={
                    "type": "message",
                    "message_ts": announcement["ts"],
                    "channel_id": "C0HANDOFF",
                    "is_ephemeral": False,
                },
                channel_id="C0HANDOFF",
                message=message_for_payload(announcement, "C0HANDOFF", announcement["ts"]),
                view=None,
                response_url=clicked,
            )
            envelope = standin.socket_send("interactive", click)
            assert standin.socket_ack(envelope) == {"envelope_id": envelope}
            standin.wait_for(lambda s: bool(s.responses(clicked)), timeout=10)
            assert standin.responses(clicked)[0]["text"].startswith("You claimed *L-1*")
            standin.wait_for(  # the announcement loses its button: claimed in place
                lambda s: any(
                    c.args.get("ts") == announcement["ts"] for c in s.calls("chat.update")
                ),
                timeout=10,
            )

            # The link is reported beside the database; while Slack cannot be reached the
            # status still follows the database (the contract), the link says "reconnecting".
            health = f"http://127.0.0.1:{port}/healthz"
            answer = _get_json(health)
            assert {key: answer[key] for key in ("status", "database", "slack", "problems")} == {
                "status": "ok",
                "database": "ok",
                "slack": "connected",
                "problems": [],
            }
            standin.fail("apps.connections.open", status=500, times=1_000)
            standin.socket_drop()
            deadline = time.monotonic() + 10
            while _get_json(health).get("slack") != "reconnecting":
                assert time.monotonic() < deadline, "the dropped link was never noticed"
                time.sleep(0.05)
            assert _get_json(health)["status"] == "ok"
        finally:
            process.terminate()
            _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "connected to Slack in Socket Mode" in err


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def _announcements(standin: SlackStandIn) -> list[dict[str, Any]]:
    return [m for m in standin.messages("C0HANDOFF") if not m["ephemeral"]]


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the bot did not start listening")


def test_a_missing_setting_is_said_in_the_agreements_language(tmp_path: Path) -> None:
    (tmp_path / "sla.yaml").write_text((EXAMPLES / "acuerdo.es.yaml").read_text("utf-8"))
    result = subprocess.run(
        [SLA_BOT, "run"],
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "sla-bot: no se puede iniciar: SLACK_BOT_TOKEN no está definido: ponle el Bot User OAuth "
        "Token de la página OAuth & Permissions de tu app (xoxb-…)."
    ]
