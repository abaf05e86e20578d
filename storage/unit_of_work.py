"""The unit of work: one transaction, committed on success, rolled back on error, always closed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import READ_ONLY_OPTION


class UnitOfWork:
    """A context manager around one session: commit on success, rollback on error, close."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> Session:
        self.session = self._session_factory()
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


class Database:
    """The engine and its session factory, handed to the use cases as one object."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._readers = sessionmaker(
            engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
        )

    def unit_of_work(self) -> UnitOfWork:
        """Start a new unit of work that may write."""
        return UnitOfWork(self.sessions)

    def reading(self) -> UnitOfWork:
        """Start a unit of work that only reads (a deferred transaction on SQLite)."""
        return UnitOfWork(self._readers)

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
