"""Working through what is due in batches, one transaction each, one SAVEPOINT per lead."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.runtime.logs import lead_context
from bot.runtime.set_aside import SetAside
from sla_rules.leads import short_id
from storage.models import Lead
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.batches")
BATCH = 200


def in_batches(
    database: Database,
    now: datetime,
    due: Callable[[Session, datetime, int, Collection[int]], Sequence[Lead]],
    handle: Callable[[Session, Lead, datetime], int],
    set_aside: SetAside,
    part: str,
) -> int:
    """Handle every due lead, BATCH per transaction, until a batch comes back short.

    Each lead is handled inside its own SAVEPOINT: one that raises is rolled back alone, its
    failure is counted (set_aside decides when it has failed too often), and it is left out
    for the rest of this tick, so the others in its batch and after it still go through.
    """
    done = 0
    failed: set[int] = set()
    while True:
        told = False
        with database.unit_of_work() as session:
            rows = due(session, now, BATCH, failed)
            for row in rows:
                lead_id = row.id
                try:
                    with lead_context(lead_id), session.begin_nested():
                        done += handle(session, row, now)
                        if row.tick_failures:
                            row.tick_failures = 0  # the count is of failures in a row
                except Exception as error:
                    # Changes not yet flushed would otherwise ride along with the commit.
                    session.expire(row)
                    log.exception("lead %s: the %s tick failed", short_id(lead_id), part)
                    failed.add(lead_id)
                    told = set_aside.failed(session, lead_id, part, error, now) or told
        if told:
            set_aside.on_commit()
        if len(rows) < BATCH:
            return done
