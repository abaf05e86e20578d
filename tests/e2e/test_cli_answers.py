"""The command line answers in one line and an exit code: refusals, closed pipes, dead databases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from tests.paths import EXAMPLES

SLA_BOT = shutil.which("sla-bot", path=str(Path(sys.executable).parent)) or "sla-bot"
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _env(**values: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SLA_")) and k != "DATABASE_URL"
    }
    return {**keep, "PORT": "1", **values}


def _agreement(tmp_path: Path, source: Path = EXAMPLES / "agreement.en.yaml", **hours: str) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["business_hours"].update(hours)
    file = tmp_path / "sla.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


def test_check_refuses_a_country_without_a_holiday_calendar(tmp_path: Path, capsys) -> None:
    file = _agreement(tmp_path, holidays_country="XX")
    assert main(["check", str(file)]) == 1
    captured = capsys.readouterr()
    assert "valid agreement" not in captured.out
    lines = captured.err.strip().splitlines()
    assert lines[1:] == [
        "  business_hours.holidays_country: is not a country the holidays library knows (got 'XX')"
    ]


def test_check_piped_into_a_reader_that_closes_early_prints_no_traceback() -> None:
    # `sla-bot check … | head -1`: the reader is gone before the summary is written.
    process = subprocess.Popen(
        [SLA_BOT, "check", str(EXAMPLES / "agreement.en.yaml")],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert err == ""


def test_version_prints_the_package_version() -> None:
    result = subprocess.run(
        [SLA_BOT, "--version"], env=_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"sla-bot {version('sla-bot')}"


@pytest.mark.parametrize(
    ("command", "source", "words"),
    [
        (["standup"], EXAMPLES / "agreement.en.yaml", "does not answer"),
        (["standup"], EXAMPLES / "acuerdo.es.yaml", "no responde"),
        (["run"], EXAMPLES / "agreement.en.yaml", "does not answer"),
        (["import", "leads.csv"], EXAMPLES / "agreement.en.yaml", "does not answer"),
    ],
)
def test_every_command_answers_a_dead_database_in_one_line(
    tmp_path: Path, command: list[str], source: Path, words: str
) -> None:
    (tmp_path / "leads.csv").write_text("name,reason\nAna Ruiz,asked for a demo\n")
    env = _env(
        DATABASE_URL=DEAD_DATABASE,
        SLA_CONFIG=str(_agreement(tmp_path, source)),
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
    )
    result = subprocess.run(
        [SLA_BOT, *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert "DATABASE_URL" in lines[0]
