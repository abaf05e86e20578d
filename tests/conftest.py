"""Fixtures shared by several layers: real databases and the local Slack stand-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.local.demo.kit import PEOPLE
from bot.local.standin import SlackStandIn
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _reset_postgres(engine: Engine) -> None:
    # Each test starts from an empty schema, as a fresh SQLite file would.
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    engine = make_engine(POSTGRES_URL)
    _reset_postgres(engine)
    engine.dispose()
    yield POSTGRES_URL


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    engine = make_engine(database_url)
    upgrade(engine)
    db = Database(engine)
    yield db
    db.dispose()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    """The local Slack stand-in, with the example agreement's people."""
    with SlackStandIn() as server:
        for user, (name, real_name) in PEOPLE.items():
            server.add_user(user, name, real_name=real_name)
        yield server
