"""Alembic environment: runs on the connection handed over by storage.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.engine import make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///sla.db")
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()
