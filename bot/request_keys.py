"""Once per Slack request: a replayed command or modal submission changes nothing.

Slack gives every user action its own key (a slash command's `trigger_id`, a submission's view
ID and hash). While a request is handled its key is pending; the first transaction that writes
stores the key in the `once_keys` table before its first write and commits with it, so "key
seen, change lost" cannot happen. A second copy of the request finds the key (or meets it at
that first write, when both run at once) and gets the replay answer; its work is rolled back.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from bot.runtime.clock import Clock
from storage.goals import once, once_at
from storage.unit_of_work import Database

T = TypeVar("T")
_STORING = "sla_request_key"


class ReplayedRequest(Exception):
    """Raised at the first write when another copy of the request already stored its key."""


@dataclass
class _Pending:
    key: str
    at: datetime
    stored: bool = False


_pending: ContextVar[_Pending | None] = ContextVar("sla_request_key", default=None)
# The session factories that carry the listeners. Not event.contains(): SQLAlchemy keys it on
# id(factory) and keeps the entry after the factory is collected, so a new Database's factory
# born at a freed address was taken as listened and stored no key at all (tests build a bot
# per test: replays then ran their work again). Weak: a collected factory leaves the set.
_listened: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def request_key(kind: str, *ids: object, extra: tuple[str, ...] = ()) -> str | None:
    """The once-key of a Slack request (None when the request carries no usable ID).

    `ids` are Slack's own (non-empty); `extra` (who, what) is folded in as well, so that two
    different requests can never share a key even if a sender reused an ID.
    """
    if not ids or not all(isinstance(part, str) and part for part in ids):
        return None
    parts = [kind, *map(str, ids), *extra]
    # Hashed: the IDs come from the payload, of any length; the column holds 200 characters.
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"slack:{kind}:{digest}"


class RequestKeys:
    """Runs the handling of a Slack request at most once per request key."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        sessions = database.sessions
        # Once per session factory: two bots built on one Database must not claim a key twice.
        if sessions not in _listened:
            for name, listener in LISTENERS.items():
                event.listen(sessions, name, listener)
            _listened.add(sessions)

    def run(self, key: str | None, work: Callable[[], T], replayed: Callable[[], T]) -> T:
        """Do work unless this key was handled before; a replay gets replayed() instead."""
        if key is None:
            return work()
        if self._seen(key):
            return replayed()
        pending = _Pending(key, self.clock())
        try:
            with _pending_key(pending):
                result = work()
        except ReplayedRequest:
            return replayed()
        if not pending.stored and self._seen(key):
            # This copy wrote nothing because another copy, still running when this one
            # looked, had already done the work: say so rather than "nothing to do".
            return replayed()
        return result

    def _seen(self, key: str) -> bool:
        with self.database.reading() as session:
            return once_at(session, key) is not None


@contextmanager
def _pending_key(pending: _Pending) -> Iterator[None]:
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)


def _claim_key(session: Session) -> None:
    # Before the transaction's first write, so two copies of one request meet at the key
    # (the second waits for the first, then finds it) and never race on the change itself.
    pending = _pending.get()
    if pending is None or pending.stored or _STORING in session.info:
        return
    session.info[_STORING] = pending
    if not once(session, pending.key, pending.at):
        raise ReplayedRequest(pending.key)


def _before_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _claim_key(state.session)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # A flush runs only when the session holds changes.
    _claim_key(session)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_STORING, None)
    if pending is not None:
        pending.stored = True


def _after_rollback(session: Session) -> None:
    session.info.pop(_STORING, None)


LISTENERS: dict[str, Callable[..., None]] = {
    "do_orm_execute": _before_statement,
    "before_flush": _before_flush,
    "after_commit": _after_commit,
    "after_rollback": _after_rollback,
}
