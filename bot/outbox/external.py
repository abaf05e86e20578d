"""Delivering a CRM write (an external lane's row) through its connector, once and in order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.crm.lanes import Connector, ExternalOutcome
from bot.outbox.calls import Pending
from bot.runtime import metrics
from bot.runtime.clock import Clock
from storage import outbox as box
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.outbox")

# Failed lookups of an unknown try before writing anyway: never blind, but never stuck.
MAX_LOOKUPS = 5
# A row of a lane no connector serves (its settings were removed): kept, looked at again later.
UNSERVED_WAIT = timedelta(minutes=5)
MAX_BACKOFF = timedelta(minutes=5)

# Delivery._count_failure: (rows, error, in_doubt=...) counts a fault, buries after a few.
CountFailure = Callable[..., None]


def backoff(tries: int) -> timedelta:
    """How long to wait before the next try: doubling, capped."""
    return min(timedelta(seconds=2 ** min(tries, 10)), MAX_BACKOFF)


class ExternalDelivery:
    """Delivers one leased external row; the worker holds one in flight per lane."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        connectors: Mapping[str, Connector],
        count_failure: CountFailure,
    ) -> None:
        self.database = database
        self.clock = clock
        self.connectors = dict(connectors)
        self.count_failure = count_failure

    def deliver(self, row: Pending) -> None:
        """Settle an earlier unknown try, write the row, record the outcome."""
        connector = self.connectors.get(row.channel)
        if connector is None:
            with self.database.unit_of_work() as session:
                box.postpone(session, [row.id], self.clock() + UNSERVED_WAIT, in_doubt=row.in_doubt)
            log.warning("outbox row %d: no connector for %s; kept for later", row.id, row.channel)
            return
        if row.in_doubt and self._settled(connector, row):
            return
        started = self.clock()
        try:
            outcome = connector.deliver(row)
        except Exception as error:  # the connector's own bug: counted, set aside after a few
            self.count_failure([row], error, in_doubt=True)
            return
        self._record(connector, row, outcome, started)

    def _settled(self, connector: Connector, row: Pending) -> bool:
        """Look the earlier try up; True when that settled the row (found, or look again)."""
        try:
            found = connector.settle(row)
        except Exception as error:
            lookups = row.lookups + 1
            if lookups >= MAX_LOOKUPS:
                log.warning(
                    "outbox row %d: %d lookups in %s failed; writing without knowing",
                    row.id,
                    lookups,
                    row.channel,
                )
                return False
            with self.database.unit_of_work() as session:
                box.lookup_later(
                    session, [row.id], self.clock() + backoff(lookups), type(error).__name__
                )
            log.warning("outbox row %d: lookup in %s failed; looking again", row.id, row.channel)
            return True
        if not found:
            return False
        now = self.clock()
        with self.database.unit_of_work() as session:
            box.mark_sent(session, [row.id], None, now)
            box.hold_slot(session, connector.lane, now + timedelta(seconds=connector.pace))
        log.info("outbox row %d was already in %s: adopted", row.id, row.channel)
        return True

    def _record(
        self, connector: Connector, row: Pending, outcome: ExternalOutcome, started: datetime
    ) -> None:
        now = self.clock()
        lane = connector.lane
        # The CRM's limit counts calls as they arrive: the next write may start `pace` after
        # each call this one made, counted from its start (its latency is not lost pace).
        next_at = started + timedelta(seconds=connector.pace * max(outcome.calls, 1))
        with self.database.unit_of_work() as session:
            if outcome.ok:
                metrics.delivered(lane)
                box.mark_sent(session, [row.id], None, now)
                box.hold_slot(session, lane, next_at)
            elif outcome.retry_after is not None:
                # A 429 is the CRM's pace, never the row's fault: wait, then go again.
                metrics.rate_limited(lane)
                box.release(session, [row.id], in_doubt=outcome.unknown)
                box.hold_slot(session, lane, now + timedelta(seconds=max(outcome.retry_after, 0)))
                log.warning("%s rate-limited; waiting %.1fs", lane, outcome.retry_after)
            elif outcome.transient:
                metrics.delivery_failed(lane, outcome.error)
                wait = max(backoff(row.attempts), timedelta(seconds=outcome.not_before))
                box.retry_later(
                    session,
                    [row.id],
                    now + wait,
                    outcome.error,
                    in_doubt=outcome.unknown,
                )
                box.hold_slot(session, lane, next_at)
                log.warning(
                    "%s write failed (%s); retry %d in %s",
                    lane,
                    outcome.error,
                    row.attempts + 1,
                    wait,
                )
        if not outcome.ok and outcome.retry_after is None and not outcome.transient:
            # Refused: the row's own fault (a bad property, a deleted contact); a few tries,
            # then it is set aside and the managers are told.
            log.warning("%s refused outbox row %d: %s", lane, row.id, outcome.error)
            self.count_failure([row], RefusedWrite(outcome.error), in_doubt=outcome.unknown)


class RefusedWrite(Exception):
    """The CRM refused a write (its answer is the message: no contact data in it)."""
