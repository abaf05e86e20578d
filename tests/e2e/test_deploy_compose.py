"""docker-compose.yml: the bot against a healthy PostgreSQL, its env file, agreement and port.

The compose file is parsed as text, its ${...} filled as compose fills them. Nothing here is
randomised.
"""

from __future__ import annotations

import yaml
from sqlalchemy.engine import make_url

from tests.e2e.deploy_kit import (
    interpolate,
    only,
    read_dockerfile,
    stages,
)
from tests.paths import ROOT


def test_compose_runs_the_bot_against_a_healthy_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    variables = {"POSTGRES_PASSWORD": "s3cret"}
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    db, bot = services["db"], services["bot"]

    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"

    # The bot's URL names the db service, its user, database and password.
    db_env = {key: interpolate(value, variables) for key, value in db["environment"].items()}
    bot_env = {key: interpolate(value, variables) for key, value in bot["environment"].items()}
    url = make_url(bot_env["DATABASE_URL"])
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port) == ("db", 5432)
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"] == "s3cret"
    assert url.database == db_env["POSTGRES_DB"]

    # The database lives on a named volume, where this postgres image keeps its data.
    (data,) = db["volumes"]
    volume, _, target = data.partition(":")
    assert volume in compose["volumes"]
    major = int(db["image"].split(":")[1].split("-")[0].split(".")[0])
    assert target == ("/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data")


def test_compose_gives_the_bot_its_env_file_agreement_and_port() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["build"] == "."
    env_files = bot["env_file"] if isinstance(bot["env_file"], list) else [bot["env_file"]]
    assert ".env" in env_files

    (agreement,) = [v for v in bot["volumes"] if v["target"] == bot["environment"]["SLA_CONFIG"]]
    assert agreement["type"] == "bind" and agreement["read_only"] is True
    assert agreement["bind"]["create_host_path"] is False

    # The published port reaches the port the bot listens on and the image exposes.
    _, found = stages(read_dockerfile())
    exposed = only(found[-1], "EXPOSE")[-1].value
    (published,) = bot["ports"]
    host, _, container = interpolate(published, {}).rpartition(":")
    assert container == str(bot["environment"]["PORT"]) == exposed
    assert interpolate(published, {"PORT": "8080"}).startswith("8080:")
    assert host == "3000"
