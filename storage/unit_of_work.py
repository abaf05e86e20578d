"""The unit of work: one transaction, committed on success, rolled back on error, always closed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import READ_ONLY_OPTION

# Called by storage.leads.add_event inside the change's transaction, with
# (session, lead_id, kind, at, actor, detail): e.g. a CRM feed owing the CRM a write.
EventSink = Callable[[Session, int, str, datetime, str | None, dict[str, Any]], None]
EVENT_SINKS = "sla_event_sinks"


class UnitOfWork:
    """A context manager around one session: commit on success, rollback on error, close."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        lock: AbstractContextManager[object] | None,
        sinks: Sequence[EventSink] = (),
    ) -> None:
        self._session_factory = session_factory
        self._lock = lock
        self._sinks = sinks
        self.session: Session | None = None

    def __enter__(self) -> Session:
        if self._lock is not None:
            self._lock.__enter__()
        self.session = self._session_factory()
        if self._sinks:
            self.session.info[EVENT_SINKS] = list(self._sinks)
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None
            if self._lock is not None:
                self._lock.__exit__(None, None, None)


class Database:
    """The engine and its session factory, handed to the use cases as one object."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._readers = sessionmaker(
            engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
        )
        # SQLite lets one writer in at a time and makes the others sleep and retry in its busy
        # handler (up to 100 ms a try, newcomers first). Queuing this process's writers on a
        # lock instead hands the database over in order and at once. Re-entrant: a use case
        # never nests writes, but a deadlock would be the wrong way to find out.
        self._write_lock = threading.RLock() if engine.dialect.name == "sqlite" else None
        # Told of every timeline event written in a unit of work (see EventSink).
        self.event_sinks: list[EventSink] = []

    def unit_of_work(self) -> UnitOfWork:
        """Start a new unit of work that may write."""
        return UnitOfWork(self.sessions, self._write_lock, self.event_sinks)

    def reading(self) -> UnitOfWork:
        """Start a unit of work that only reads (a deferred transaction on SQLite)."""
        return UnitOfWork(self._readers, None)

    def ping(self) -> bool:
        """Tell whether the database answers a trivial query."""
        try:
            with self.engine.execution_options(**{READ_ONLY_OPTION: True}).connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
