"""Fixtures of the integration layer: a real database without the bot around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import build_handoffs, build_use_cases
from bot.goals.reports import Reports
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import utc_now
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement, load_agreement
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database
from tests.integration.report_stories import AGREEMENT, STORIES, play
from tests.paths import EXAMPLES


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database (for tests that do not care about the backend)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    upgrade(engine)
    db = Database(engine)
    yield db
    db.dispose()


@pytest.fixture
def reports(database: Database) -> Reports:
    """Every story played in time order; the reports as of NOW, in English."""
    cases = build_use_cases(database, AGREEMENT, utc_now)
    for name, story in sorted(STORIES.items(), key=lambda item: item[1].at):
        play(cases, name, story)
    return Reports(database, AGREEMENT, Catalogue("en"), utc_now)


@pytest.fixture
def agreement() -> Agreement:
    """The English example agreement (handoff channel C0HANDOFF)."""
    return load_agreement(EXAMPLES / "agreement.en.yaml")


@pytest.fixture
def handoffs(database: Database, agreement: Agreement) -> Handoffs:
    """The handoff use case on each backend, built as the import builds it."""
    return build_handoffs(database, agreement)
