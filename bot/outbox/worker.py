"""The outbox worker: delivers owed messages in order, paced per channel, retried until sent.

One loop leases each pacing key's next group; a small pool of threads delivers them, at most
one call in flight per key, so a channel whose calls hang never holds up another.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.crm.lanes import Connector
from bot.leads.messages import DIGEST_MAX_LEADS, LeadMessages
from bot.outbox.calls import ChartMaker, Pending
from bot.outbox.delivery import Delivery
from bot.runtime.clock import Clock
from storage import outbox as box
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.outbox")

# Slack allows about one message a second per channel; the margin absorbs network jitter,
# which would otherwise let two paced messages arrive less than a second apart.
PACE_SECONDS = 1.1
MIN_PASS_GAP_SECONDS = 0.02
# Channels delivered at once; each thread mostly waits on Slack, so a few are plenty.
SEND_THREADS = 8
# Due rows read per external lane and pass (one goes; the rest may wait on older rows).
EXTERNAL_BATCH = 200
# Kinds whose rows for one channel go as one message, and how many rows it holds at most.
DIGESTS = {"announce": DIGEST_MAX_LEADS, "late_note": 200}


def pace_key(message: Pending | box.DueRow) -> str:
    """Messages sharing a key are spaced out; Slack limits chat.update apart from posts."""
    return f"update:{message.channel}" if message.kind == "update_announcement" else message.channel


class OutboxWorker:
    """Delivers the outbox from a background thread; any number of processes may run one."""

    def __init__(
        self,
        database: Database,
        client: WebClient,
        messages: LeadMessages,
        clock: Clock,
        *,
        pace_seconds: float = PACE_SECONDS,
        lease_seconds: float = 60.0,
        batch_size: int = 500,
        idle_seconds: float = 0.25,
        charts: ChartMaker | None = None,
        managers: Sequence[str] = (),
        threads: int = SEND_THREADS,
        connectors: Mapping[str, Connector] | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.pace = timedelta(seconds=pace_seconds)
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.threads = threads
        self.connectors = dict(connectors or {})
        self.delivery = Delivery(
            database,
            client,
            messages,
            clock,
            self.pace,
            charts=charts,
            managers=managers,
            connectors=self.connectors,
        )
        self._blocked_until: datetime | None = None
        self._wake = threading.Event()
        self._done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # Held while a pass leases and hands its groups to the pool: deliver_once then sees
        # every leased group among those in flight, never one leased but not yet submitted.
        self._pass = threading.Lock()
        self._in_flight: dict[str, Future[None]] = {}
        self._pool: ThreadPoolExecutor | None = None

    @property
    def client(self) -> WebClient:
        """The Web API client deliveries use."""
        return self.delivery.client

    @client.setter
    def client(self, client: WebClient) -> None:
        self.delivery.client = client

    def start(self) -> None:
        """Start delivering in the background."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the calls in flight and stop."""
        self._stop.set()
        self._wake.set()
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def wake(self) -> None:
        """Look at the outbox now: something was just written to it."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._pass:
                    started = len(self._submit_all(self._lease_groups()))
            except Exception:  # the loop must outlive a database hiccup; the rows stay pending
                log.exception("outbox pass failed; retrying")
                started = 0
            if started:
                continue
            blocked = self._blocked_until
            if blocked is not None:
                # During a burst every commit wakes the worker, yet nothing can go before the
                # channel's slot reopens: sleep until then (or until a delivery finishes and
                # frees its channel) instead of rereading the backlog.
                pause = (blocked - self.clock()).total_seconds()
                self._done.wait(min(max(pause, MIN_PASS_GAP_SECONDS), self.pace.total_seconds()))
            else:
                self._wake.wait(self.idle_seconds)
                # A burst of commits wakes the worker hundreds of times a second: looking once
                # every few milliseconds sees the same rows and leaves the database to writers.
                self._stop.wait(MIN_PASS_GAP_SECONDS)
            self._wake.clear()
            self._done.clear()

    def deliver_once(self) -> int:
        """Send what is due and allowed now, wait for it; return how many groups went to Slack.

        Deliveries the background loop has in flight are awaited first, so that what was
        owed when this was called has been tried when it returns.
        """
        with self._pass, self._lock:
            running = list(self._in_flight.values())
        wait(running)
        with self._pass:
            groups = self._lease_groups()
            futures = self._submit_all(groups)
        wait(futures)
        return len(groups)

    def _submit_all(self, groups: list[list[Pending]]) -> list[Future[None]]:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="outbox-send")
            pool = self._pool
        futures = []
        for group in groups:
            key = pace_key(group[0])
            with self._lock:
                future = pool.submit(self._deliver, group)
                self._in_flight[key] = future
            future.add_done_callback(lambda _, key=key: self._finished(key))
            futures.append(future)
        return futures

    def _finished(self, key: str) -> None:
        with self._lock:
            self._in_flight.pop(key, None)
        self._done.set()
        self._wake.set()

    def _deliver(self, group: list[Pending]) -> None:
        if self._stop.is_set():
            with self.database.unit_of_work() as session:
                self.delivery.give_back(session, group)
            return
        try:
            self.delivery.deliver(group)
        except Exception:  # e.g. the database went away: the lease runs out, the row is retried
            log.exception("outbox delivery of rows %s failed", [m.id for m in group])

    def _candidates(self, now: datetime) -> dict[str, list[box.DueRow]]:
        """Pick, in a read-only transaction, the next group for each open pacing key."""
        with self._lock:
            busy = set(self._in_flight)
        with self.database.reading() as session:
            due = box.due_messages(session, now, self.batch_size)
            for lane in self.connectors:
                # A CRM write goes one at a time per lane: a few candidates are plenty.
                due += box.due_messages(session, now, EXTERNAL_BATCH, lane)
            if not due:
                self._blocked_until = None
                return {}
            firsts = box.first_pending_per_lead(
                session, {m.lead_id for m in due if m.lead_id is not None}
            )
            groups: dict[str, list[box.DueRow]] = {}
            for row in due:
                lane = box.lane_of(row.channel)
                if row.lead_id is not None and firsts.get((row.lead_id, lane)) != row.id:
                    continue  # an older message of this lead on this lane must go first
                key = pace_key(row)
                if key in busy:
                    continue  # one call in flight per channel keeps its order and its pace
                group = groups.get(key)
                if group is None:
                    groups[key] = [row]
                elif (
                    row.kind in DIGESTS
                    and group[0].kind == row.kind
                    and (len(group) < DIGESTS[row.kind])
                ):
                    group.append(row)  # a burst of handoffs (or late arrivals) becomes one
            closed = box.closed_slots(session, list(groups), now)
        open_groups = {key: group for key, group in groups.items() if key not in closed}
        # Everything due waits for a channel's next slot: no need to look again before then.
        self._blocked_until = min(closed.values()) if closed and not open_groups else None
        return open_groups

    def _pace_of(self, key: str) -> timedelta:
        """The spacing of a pacing key: an external lane's connector's, Slack's otherwise."""
        connector = self.connectors.get(key)
        return self.pace if connector is None else timedelta(seconds=connector.pace)

    def _lease_of(self, key: str) -> timedelta:
        """How long a leased row is this worker's: a CRM write may take all its calls' timeouts."""
        connector = self.connectors.get(key)
        if connector is None:
            return self.lease
        return max(self.lease, timedelta(seconds=connector.lease))

    def _lease_groups(self) -> list[list[Pending]]:
        now = self.clock()
        groups = self._candidates(now)
        if not groups:
            return []
        # Only now, with something sendable, take the write lock: reserve slots, lease rows.
        leased: list[list[box.DueRow]] = []
        with self.database.unit_of_work() as session:
            for key, group in groups.items():
                if not box.take_slot(session, key, now, now + self._pace_of(key)):
                    continue
                if box.lease(session, [row.id for row in group], now, now + self._lease_of(key)):
                    leased.append(group)
        if not leased:
            return []
        with self.database.reading() as session:
            rows = box.messages_by_id(session, [due.id for group in leased for due in group])
            return [
                [
                    Pending(
                        due.id,
                        due.kind,
                        due.channel,
                        due.lead_id,
                        rows[due.id].payload,
                        in_doubt=due.in_doubt,
                        lookups=rows[due.id].lookups,
                        attempts=rows[due.id].attempts,
                        faults=rows[due.id].faults,
                        created_at=rows[due.id].created_at,
                    )
                    for due in group
                ]
                for group in leased
            ]
