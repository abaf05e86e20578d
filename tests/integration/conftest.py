"""Fixtures of the integration layer: a real database without the bot around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database (for tests that do not care about the backend)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    upgrade(engine)
    db = Database(engine)
    yield db
    db.dispose()
