"""Working through what is due in batches, one transaction each (the tick's shape)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from storage.unit_of_work import Database

Row = TypeVar("Row")
BATCH = 200


def in_batches(
    database: Database,
    now: datetime,
    due: Callable[[Session, datetime, int], Sequence[Row]],
    handle: Callable[[Session, Row, datetime], int],
) -> int:
    """Handle every due row, BATCH per transaction, until a batch comes back short."""
    done = 0
    while True:
        with database.unit_of_work() as session:
            rows = due(session, now, BATCH)
            for row in rows:
                done += handle(session, row, now)
        if len(rows) < BATCH:
            return done
