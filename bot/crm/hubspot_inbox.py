"""HubSpot's subscription events after their answer: each contact read and handed off once.

`HubSpotIn.receive` journals the events and answers; this reads them on a pool of its own (a
slow or rate-limited HubSpot never delays the claim answers on the app's follow-up pool), and
each tick queues the events still owed, so a process killed after the answer loses nothing.
An event is read by whoever takes its lease (`storage.inbox.take_lease`): of several processes
exactly one. A read HubSpot does not answer leaves the event owed, retried after a growing wait;
after TELL_AFTER failed reads the managers are told once, and it is still retried.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.crm.hubspot_in import KIND, ContactUnreadable, HubSpotIn, ReadsPaused
from bot.crm.notices import tell_managers
from bot.runtime.background import Background
from bot.runtime.clock import Clock
from bot.ui.catalogue import Catalogue
from storage import inbox
from storage.models import InboxItem
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.crm.hubspot")

# Long enough for one read (5 s timeout) and its handoff, several times over; a crashed
# process's event is read again by another once it runs out.
LEASE = timedelta(seconds=30)
# The wait after a failed read doubles from FIRST_WAIT up to MAX_WAIT.
FIRST_WAIT = timedelta(seconds=5)
MAX_WAIT = timedelta(minutes=5)
TELL_AFTER = 10
REPLAY_BATCH = 100
OWED = "owed"  # not an outcome: the read failed, the event waits for its next try
TAKEN = "taken"  # another process (or this one's tick) holds its lease


def backoff(failed: int) -> timedelta:
    """The wait before the next read of an event whose reads failed `failed` times."""
    return min(FIRST_WAIT * 2 ** min(max(failed - 1, 0), 16), MAX_WAIT)


class HubSpotInbox:
    """Reads and hands off the journaled subscription events, off the request, once each."""

    def __init__(
        self,
        database: Database,
        hubspot: HubSpotIn,
        catalogue: Catalogue,
        managers: Sequence[str],
        clock: Clock,
        pool: Background | None = None,
    ) -> None:
        self.database = database
        self.hubspot = hubspot
        self.catalogue = catalogue
        self.managers = list(managers)
        self.clock = clock
        # One worker: the reads go one after another, as HubSpot's rate limit prefers.
        self.pool = pool or Background(workers=1)
        self._queue: deque[int] = deque()
        self._queued: set[int] = set()  # waiting in this process: a tick does not add them twice
        self._lock = threading.Lock()
        self._stopped = False

    def process_soon(self, item_ids: Sequence[int]) -> int:
        """Queue journaled events for reading on the pool; how many were not queued already."""
        with self._lock:
            if self._stopped:
                return 0
            fresh = [i for i in item_ids if i not in self._queued]
            self._queued.update(fresh)
            self._queue.extend(fresh)
        if fresh:
            self.pool.submit(self._drain, lambda _error: None)
        return len(fresh)

    def replay(self) -> int:
        """Queue the events still owed (a crash, a restart, a wait run out); how many."""
        now = self.clock()
        with self.database.reading() as session:
            owed = inbox.owed(session, now, REPLAY_BATCH, kind=KIND)
        return self.process_soon(list(owed))

    def stop(self) -> None:
        """Stop reading (what is left stays owed, for the next process) and wait for the pool."""
        with self._lock:
            self._stopped = True
        self.pool.shutdown()

    def _drain(self) -> None:
        emptied = False
        try:
            while True:
                with self._lock:
                    # Seen empty under the lock: whatever is queued after this has a drain of
                    # its own coming, so nothing may be dropped on the way out.
                    emptied = not self._queue
                    if self._stopped or emptied:
                        break
                    item_id = self._queue.popleft()
                try:
                    went = self.process(item_id)
                finally:
                    with self._lock:
                        self._queued.discard(item_id)
                if went == OWED:  # HubSpot is not answering: the rest wait for the next tick
                    break
        finally:
            if not emptied:  # stopped early (HubSpot down, a fault, shutting down)
                self._drop_queue()

    def _drop_queue(self) -> None:
        with self._lock:
            self._queued.difference_update(self._queue)
            self._queue.clear()

    def process(self, item_id: int) -> str:
        """Take the event's lease, read and hand it off: its outcome, OWED or TAKEN."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            if not inbox.take_lease(session, item_id, now, now + LEASE):
                return TAKEN
            item = session.get(InboxItem, item_id)
            event = dict(item.payload) if item is not None else {}
        try:
            outcome = self.hubspot.settle(event)
        except ContactUnreadable as unreadable:
            if isinstance(unreadable.__cause__, ReadsPaused):
                self._paused(item_id, unreadable.__cause__.wait)
            else:
                self._later(item_id)
            return OWED
        except Exception:  # a fault of ours: retried as patiently, and the rest go on
            log.exception("HubSpot event %s: handing it off failed", item_id)
            self._later(item_id)
            return TAKEN
        self._finish(item_id, outcome, self.clock())
        return outcome

    def _finish(self, item_id: int, outcome: str, now: datetime) -> None:
        with self.database.unit_of_work() as session:
            item = session.get(InboxItem, item_id)
            if item is not None:
                inbox.mark_done(item, outcome[:32], now)
                item.answered_at = now  # HubSpot had its answer with the request
                item.lease_until = None

    def _paused(self, item_id: int, wait: float) -> None:
        """The rate limit is spent: read it once it opens again (not a failed read)."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            item = session.get(InboxItem, item_id)
            if item is not None and item.answered_at is None:
                item.lease_until = now + timedelta(seconds=max(wait, 0.1))
        log.info("HubSpot event %s: the rate limit is spent; read in %.1fs", item_id, wait)

    def _later(self, item_id: int) -> None:
        now = self.clock()
        with self.database.unit_of_work() as session:
            item = session.get(InboxItem, item_id)
            if item is None or item.answered_at is not None:
                return
            failed = int(item.payload.get("failed_reads", 0)) + 1
            item.payload = {**item.payload, "failed_reads": failed}
            item.lease_until = now + backoff(failed)
            if failed == TELL_AFTER:  # once: only the lease holder counts this failure
                contact = str(item.payload.get("contact", "?"))
                text = self.catalogue.t("hubspot_in.unreadable", contact=contact, tries=failed)
                tell_managers(session, self.managers, now, text)
        log.warning("HubSpot event %s: read failed %s times, retried later", item_id, failed)
