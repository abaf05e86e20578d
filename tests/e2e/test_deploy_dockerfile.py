"""The Dockerfile's wiring, parsed as text (there is no Docker engine where these tests run).

The base image, the user and command, the port and its health check, what is installed; the
health-check command itself is run here against the running bot. Nothing here is randomised.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from sqlalchemy.engine import make_url

from bot.local.harness import LocalBot
from tests.e2e.deploy_kit import (
    PYPROJECT,
    base_image,
    env_of,
    exec_form,
    only,
    read_dockerfile,
    stages,
)
from tests.paths import ROOT


def test_the_image_runs_sla_bot_as_an_unprivileged_user() -> None:
    _, found = stages(read_dockerfile())
    final = found[-1]
    users = only(final, "USER")
    assert users, "the final stage never leaves root"
    user = users[-1].value.split(":")[0]
    assert user not in {"root", "0"}, user
    # The USER comes before the command it runs as, and nothing switches back.
    assert final.index(users[-1]) < final.index(only(final, "CMD")[-1])
    assert exec_form(only(final, "CMD")[-1]) == ["sla-bot", "run"]
    # The same command as the buildpack's web process and the console script it names.
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8").strip()
    assert procfile == "web: sla-bot run"
    assert "sla-bot" in PYPROJECT["project"]["scripts"]


def test_the_image_is_slim_python_of_the_pinned_version_in_every_stage() -> None:
    args, found = stages(read_dockerfile())
    wanted = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    assert len(found) >= 1
    for stage in found:
        image = base_image(stage, args)
        assert re.fullmatch(rf"python:{re.escape(wanted)}(\.\d+)?-slim(-\w+)?", image), image


def test_the_image_exposes_and_health_checks_the_port_it_serves() -> None:
    _, found = stages(read_dockerfile())
    final = found[-1]
    port = env_of(final)["PORT"]
    assert [i.value for i in only(final, "EXPOSE")] == [port]
    check = exec_form(only(final, "HEALTHCHECK")[-1], prefix="CMD ")
    assert "/healthz" in " ".join(check)


def test_the_image_installs_exactly_the_pins_then_the_bot() -> None:
    _, found = stages(read_dockerfile())
    build, final = found[0], found[-1]
    runs = " ".join(i.value for i in only(build, "RUN"))
    copies = [i.value for i in only(build, "COPY")]
    assert "requirements.txt ./" in copies and ". ." in copies
    assert "-r /tmp/pins.txt" in runs
    assert "pip install --no-deps ." in runs and "pip check" in runs
    assert any(i.value.startswith("--from=build /opt/venv") for i in only(final, "COPY"))
    assert env_of(final)["PATH"].startswith("/opt/venv/bin:")
    # The agreement the container reads is where docker-compose.yml mounts it.
    assert env_of(final)["SLA_CONFIG"] == "/app/sla.yaml"
    assert make_url(env_of(final)["DATABASE_URL"]).database == "/data/sla.db"
    assert '"/data"' in only(final, "VOLUME")[-1].value


def test_the_health_check_command_follows_healthz(english_bot: LocalBot) -> None:
    _, found = stages(read_dockerfile())
    command = exec_form(only(found[-1], "HEALTHCHECK")[-1], prefix="CMD ")
    assert command[0] == "python"
    port = english_bot.url.rsplit(":", 1)[1]
    env = {**os.environ, "PORT": port}

    def check() -> int:
        done = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30, check=False
        )
        return done.returncode

    assert check() == 0
    database = english_bot.bot.deps.database  # type: ignore[union-attr]
    database.ping = lambda: False  # type: ignore[method-assign]
    assert check() != 0
