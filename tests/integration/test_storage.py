"""Storage base: engine set-up, migrations and the unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from storage.engine import make_engine, normalize_url
from storage.events import remember_event
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import SlackEvent
from storage.unit_of_work import Database

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_migrations_reach_head_and_go_back(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert "slack_events" in inspect(engine).get_table_names()
    upgrade(engine)  # a second start finds nothing to do
    downgrade(engine, "base")
    assert "slack_events" not in inspect(engine).get_table_names()
    engine.dispose()


def test_unit_of_work_commits_on_success(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(SlackEvent(event_id="Ev1", received_at=NOW))
    with database.reading() as session:
        assert session.scalar(select(SlackEvent.event_id)) == "Ev1"


def test_unit_of_work_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        session.add(SlackEvent(event_id="Ev1", received_at=NOW))
        session.flush()
        raise RuntimeError("boom")
    with database.reading() as session:
        assert session.scalar(select(SlackEvent.event_id)) is None


def test_timestamps_come_back_aware_in_utc(database: Database) -> None:
    mexico = timezone(timedelta(hours=-6))
    with database.unit_of_work() as session:
        session.add(SlackEvent(event_id="Ev1", received_at=NOW.astimezone(mexico)))
    with database.reading() as session:
        stored = session.scalar(select(SlackEvent.received_at))
    assert stored == NOW
    assert stored is not None and stored.tzinfo is not None


def test_naive_timestamps_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive"), database.unit_of_work() as session:
        session.add(SlackEvent(event_id="Ev1", received_at=datetime(2026, 1, 1)))  # noqa: DTZ001
        session.flush()


def test_remember_event_is_true_once_even_under_concurrency(database: Database) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def deliver() -> None:
        with database.unit_of_work() as session:
            first = remember_event(session, "Ev-retried", NOW)
        with lock:
            results.append(first)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 9 + [True]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    engine.dispose()


def test_ping_tells_whether_the_database_answers(database: Database, tmp_path) -> None:
    assert database.ping()
    broken = Database(make_engine("postgresql://nobody@127.0.0.1:1/none"))
    assert not broken.ping()


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalize_url("postgres://u@h/db").startswith("postgresql+psycopg://")
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"
