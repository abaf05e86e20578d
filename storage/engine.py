"""Database engine set-up: SQLite (the default) and PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY_OPTION = "sla_read_only"
# 16 web threads, 16 listener threads, the outbox worker and the tick may all want a
# connection at once; SQLAlchemy's default of 5 (+10) made them queue for one.
POOL_SIZE = 20
POOL_OVERFLOW = 20
# Every engine is made with hide_parameters: an error's text would otherwise carry the SQL
# parameters (a lead's email and phone) into the log.


def normalize_url(url: str) -> str:
    """Return the URL with PostgreSQL pointed at psycopg 3 whatever driver the user wrote."""
    parsed = make_url(url)
    # Hosting platforms hand out postgres:// URLs, which SQLAlchemy no longer accepts.
    if parsed.drivername.split("+")[0] in ("postgres", "postgresql") and (
        parsed.drivername != "postgresql+psycopg"
    ):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for a URL, with SQLite set up for concurrent writers."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        options = {
            "pool_pre_ping": True,
            "pool_size": POOL_SIZE,
            "max_overflow": POOL_OVERFLOW,
            "hide_parameters": True,
        }
        return create_engine(url, **(options | kwargs))
    memory = parsed.database in (None, "", ":memory:")
    options: dict[str, Any] = {
        "hide_parameters": True,
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    if memory:
        # One shared connection, or every checkout would see a different empty database.
        options["poolclass"] = StaticPool
    else:
        options.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    options.update(kwargs)
    engine = create_engine(url, **options)
    _configure_sqlite(engine, wal=not memory)
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    """Apply the pysqlite transaction recipe so that BEGIN IMMEDIATE is really emitted."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would issue a deferred BEGIN behind our back.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Taking the write lock up front avoids SQLITE_BUSY when a read turns into a write;
        # pure reads ask for a deferred BEGIN so that they never wait for a writer.
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
