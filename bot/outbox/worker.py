"""The outbox worker: delivers owed messages in order, paced per channel, retried until sent."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.clock import Clock
from bot.lead_messages import DIGEST_MAX_LEADS, LeadMessages
from bot.outbox.calls import ChartMaker, NotYet, Pending, SlackCall, build_call
from storage import leads as repo
from storage import outbox as box
from storage.models import Lead, OutboxMessage
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.outbox")

# Slack's answers that a later try can fix; anything else is the message's own fault.
TRANSIENT_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}
MAX_BACKOFF = timedelta(minutes=5)
# Slack allows about one message a second per channel; the margin absorbs network jitter,
# which would otherwise let two paced messages arrive less than a second apart.
PACE_SECONDS = 1.1
MIN_PASS_GAP_SECONDS = 0.02


@dataclass(frozen=True)
class Outcome:
    """How one Slack call went."""

    ok: bool
    ts: str | None = None
    retry_after: float | None = None
    transient: bool = False
    error: str = ""


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
    ) -> None:
        self.database = database
        self.client = client
        self.messages = messages
        self.clock = clock
        self.pace = timedelta(seconds=pace_seconds)
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.charts = charts
        self._blocked_until: datetime | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start delivering in the background."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the call in flight and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Look at the outbox now: something was just written to it."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.deliver_once()
            except Exception:  # the loop must outlive a database hiccup; the row stays pending
                log.exception("outbox pass failed; retrying")
                sent = 0
            blocked = self._blocked_until
            if sent == 0 and blocked is not None:
                # During a burst every commit wakes the worker, yet nothing can go before the
                # channel's slot reopens: sleep until then instead of rereading the backlog.
                pause = (blocked - self.clock()).total_seconds()
                self._stop.wait(min(max(pause, MIN_PASS_GAP_SECONDS), self.pace.total_seconds()))
                self._wake.clear()
            elif sent == 0:
                self._wake.wait(self.idle_seconds)
                # A burst of commits wakes the worker hundreds of times a second: looking once
                # every few milliseconds sees the same rows and leaves the database to writers.
                self._stop.wait(MIN_PASS_GAP_SECONDS)
                self._wake.clear()

    def deliver_once(self) -> int:
        """Send what is due and allowed now; return how many Slack calls were made."""
        groups = self._lease_groups()
        for group in groups:
            if self._stop.is_set():
                with self.database.unit_of_work() as session:
                    box.release(session, [m.id for m in group])
                continue
            self._deliver(group)
        return len(groups)

    def _candidates(self, now: datetime) -> dict[str, list[box.DueRow]]:
        """Pick, in a read-only transaction, the next group for each open pacing key."""
        with self.database.reading() as session:
            due = box.due_messages(session, now, self.batch_size)
            if not due:
                return {}
            firsts = box.first_pending_per_lead(
                session, {m.lead_id for m in due if m.lead_id is not None}
            )
            groups: dict[str, list[box.DueRow]] = {}
            for row in due:
                if row.lead_id is not None and firsts.get(row.lead_id) != row.id:
                    continue  # an older message of this lead must go first
                key = pace_key(row)
                group = groups.get(key)
                if group is None:
                    groups[key] = [row]
                elif (
                    row.kind == "announce"
                    and group[0].kind == "announce"
                    and (len(group) < DIGEST_MAX_LEADS)
                ):
                    group.append(row)  # a burst of handoffs becomes one digest
            closed = box.closed_slots(session, list(groups), now)
        open_groups = {key: group for key, group in groups.items() if key not in closed}
        # Everything due waits for a channel's next slot: no need to look again before then.
        self._blocked_until = min(closed.values()) if closed and not open_groups else None
        return open_groups

    def _lease_groups(self) -> list[list[Pending]]:
        now = self.clock()
        groups = self._candidates(now)
        if not groups:
            return []
        # Only now, with something sendable, take the write lock: reserve slots, lease rows.
        leased: list[list[int]] = []
        with self.database.unit_of_work() as session:
            for key, group in groups.items():
                if not box.take_slot(session, key, now, now + self.pace):
                    continue
                ids = [row.id for row in group]
                if box.lease(session, ids, now, now + self.lease):
                    leased.append(ids)
        if not leased:
            return []
        with self.database.reading() as session:
            rows = box.messages_by_id(session, [i for ids in leased for i in ids])
        return [
            [
                Pending(row.id, row.kind, row.channel, row.lead_id, dict(row.payload))
                for row in (rows[i] for i in ids)
            ]
            for ids in leased
        ]

    def _deliver(self, group: Sequence[Pending]) -> None:
        with self.database.reading() as session:
            call = build_call(session, group, self.messages, self.charts)
        ids = [m.id for m in group]
        if isinstance(call, NotYet):
            with self.database.unit_of_work() as session:
                box.postpone(session, ids, self.clock() + timedelta(seconds=1))
            return
        if call is None:
            with self.database.unit_of_work() as session:
                box.skip(session, ids, self.clock())
            return
        outcome = self._send(call)
        now = self.clock()
        with self.database.unit_of_work() as session:
            if outcome.ok:
                box.mark_sent(session, ids, outcome.ts, now)
                self._record(session, call, outcome.ts, now)
                # Space the channel's next message from when Slack took this one, not from
                # when this one was leased: a slow answer must not bunch two posts together.
                box.hold_slot(session, pace_key(group[0]), now + self.pace)
            elif outcome.retry_after is not None:
                box.release(session, ids)
                box.hold_slot(
                    session, pace_key(group[0]), now + timedelta(seconds=outcome.retry_after)
                )
                log.warning(
                    "Slack rate-limited %s; waiting %.0fs", call.method, outcome.retry_after
                )
            elif outcome.transient:
                attempts = self._attempts(session, ids[0])
                delay = min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)
                box.retry_later(session, ids, now + delay, outcome.error)
                log.warning(
                    "%s failed (%s); retry %d in %s",
                    call.method,
                    outcome.error,
                    attempts + 1,
                    delay,
                )
            else:
                box.give_up(session, ids, outcome.error, now)
                log.error(
                    "Slack refused %s to %s for good: %s",
                    call.method,
                    call.args.get("channel"),
                    outcome.error,
                )

    @staticmethod
    def _attempts(session: Any, message_id: int) -> int:
        row = session.get(OutboxMessage, message_id)
        return 0 if row is None else row.attempts

    def _send(self, call: SlackCall) -> Outcome:
        try:
            if call.method == "files_upload_v2":
                self.client.files_upload_v2(**call.args)
                return Outcome(True)
            response = self.client.api_call(call.method, json=call.args)
        except SlackApiError as error:
            status = error.response.status_code
            code = str(error.response.get("error") or f"http_{status}")
            if status == 429 or code == "ratelimited":
                retry = float(error.response.headers.get("Retry-After", 1) or 1)
                return Outcome(False, retry_after=retry, error=code)
            return Outcome(False, transient=status >= 500 or code in TRANSIENT_ERRORS, error=code)
        except (OSError, ValueError) as error:  # connection refused, timeouts, garbled answers
            return Outcome(False, transient=True, error=type(error).__name__)
        return Outcome(True, ts=response.get("ts"))

    def _record(self, session: Any, call: SlackCall, ts: str | None, now: Any) -> None:
        if call.announces:
            digest = len(call.announces) > 1
            session.execute(
                update(Lead)
                .where(Lead.id.in_(call.announces))
                .values(announce_ts=ts, in_digest=digest, thread_ts=None if digest else ts)
                .execution_options(synchronize_session=False)
            )
            repo.note_first_announcement(session, call.announces, now)
            for lead_id in call.announces:
                repo.add_event(
                    session,
                    lead_id,
                    "announced",
                    now,
                    None,
                    channel=call.args["channel"],
                    digest=digest,
                )
        if call.thread_root_of is not None:
            session.execute(
                update(Lead)
                .where(Lead.id == call.thread_root_of)
                .values(thread_ts=ts)
                .execution_options(synchronize_session=False)
            )
