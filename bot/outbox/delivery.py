"""One group's delivery: render it, settle an earlier unknown try, call Slack, record the answer.

Whatever goes wrong with one group stays with that group: its rows count a failed try and,
after a few, are set aside, while every other group goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.crm.lanes import Connector, is_external
from bot.leads.messages import LeadMessages
from bot.outbox import dead_letters
from bot.outbox.calls import ChartMaker, NotYet, Pending, SlackCall, build_call, tagged
from bot.outbox.external import ExternalDelivery
from bot.outbox.lookup import LookupFailed, find_posted
from bot.runtime import metrics
from bot.runtime.clock import Clock
from bot.runtime.logs import lead_context
from storage import leads as repo
from storage import outbox as box
from storage.models import Lead
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
# Failed lookups of an unknown try before posting anyway: never blind, but never stuck.
MAX_LOOKUPS = 5


@dataclass(frozen=True)
class Outcome:
    """How one Slack call went; unknown: it may have reached Slack (a timeout, a reset, a 5xx)."""

    ok: bool
    ts: str | None = None
    retry_after: float | None = None
    transient: bool = False
    error: str = ""
    unknown: bool = False


def backoff(tries: int) -> timedelta:
    """How long to wait before the next try: doubling, capped."""
    return min(timedelta(seconds=2 ** min(tries, 10)), MAX_BACKOFF)


def _never_reached_slack(error: BaseException) -> bool:
    """A refused connection or an unknown host: the request certainly did not arrive."""
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError) or (
        isinstance(reason, OSError) and type(reason).__name__ == "gaierror"
    )


class Delivery:
    """Delivers leased groups; safe to run on several threads (each group is its own)."""

    def __init__(
        self,
        database: Database,
        client: WebClient,
        messages: LeadMessages,
        clock: Clock,
        pace: timedelta,
        *,
        charts: ChartMaker | None = None,
        managers: Sequence[str] = (),
        connectors: Mapping[str, Connector] | None = None,
    ) -> None:
        self.database = database
        self.client = client
        self.messages = messages
        self.clock = clock
        self.pace = pace
        self.charts = charts
        self.managers = list(managers)
        self.external = ExternalDelivery(database, clock, connectors or {}, self._count_failure)

    def deliver(self, group: Sequence[Pending]) -> None:
        """Deliver one leased group; an unexpected error counts a failed try on its rows."""
        lead = group[0].lead_id if len(group) == 1 else None
        if lead is None:
            self._deliver(group)
            return
        with lead_context(lead):
            self._deliver(group)

    def _deliver(self, group: Sequence[Pending]) -> None:
        if is_external(group[0].channel):
            self.external.deliver(group[0])  # CRM writes are never grouped
            return
        call, healthy = self._build(group)
        if not healthy:
            return
        try:
            if isinstance(call, NotYet):
                with self.database.unit_of_work() as session:
                    self.give_back(session, healthy, self.clock() + timedelta(seconds=1))
            elif call is None:
                with self.database.unit_of_work() as session:
                    box.skip(session, [m.id for m in healthy], self.clock())
            else:
                self._send_and_record(call)
        except Exception as error:
            # Slack may or may not have it by now: the next try looks before posting again.
            self._count_failure(healthy, error, in_doubt=True)

    def give_back(
        self, session: Session, rows: Sequence[Pending], due_at: datetime | None = None
    ) -> None:
        """Return rows untried, each keeping whether an earlier try is still unsettled."""
        for doubt in (True, False):
            ids = [m.id for m in rows if m.in_doubt is doubt]
            if not ids:
                continue
            if due_at is None:
                box.release(session, ids, in_doubt=doubt)
            else:
                box.postpone(session, ids, due_at, in_doubt=doubt)

    def _render(self, rows: Sequence[Pending]) -> SlackCall | NotYet | None:
        with self.database.reading() as session:
            return build_call(session, rows, self.messages, self.charts, self.clock())

    def _build(self, group: Sequence[Pending]) -> tuple[SlackCall | NotYet | None, list[Pending]]:
        """Render the group; rows that cannot be rendered are counted and left out."""
        try:
            return self._render(group), list(group)
        except Exception as error:
            if len(group) == 1:
                self._count_failure(group, error, in_doubt=group[0].in_doubt)
                return None, []
            first_error = error
        # A digest: find the leads that cannot be rendered and send the others without them.
        healthy: list[Pending] = []
        for row in group:
            try:
                self._render([row])
            except Exception as error:
                self._count_failure([row], error, in_doubt=row.in_doubt)
            else:
                healthy.append(row)
        if len(healthy) == len(group):  # each renders alone, not together: all share the blame
            self._count_failure(group, first_error, in_doubt=False)
            return None, []
        if not healthy:
            return None, []
        try:
            return self._render(healthy), healthy
        except Exception as error:
            self._count_failure(healthy, error, in_doubt=False)
            return None, []

    def _count_failure(
        self, rows: Sequence[Pending], error: BaseException, *, in_doubt: bool
    ) -> None:
        """Count a failed try on rows; a row out of tries is set aside and managers told."""
        dead_letters.log_failure(rows[0], error)
        reason = dead_letters.describe(error)
        now = self.clock()
        with self.database.unit_of_work() as session:
            for row in rows:
                if row.faults + 1 >= dead_letters.MAX_ATTEMPTS:
                    dead_letters.bury(session, row, reason, now, self.messages.cat, self.managers)
                    metrics.dead_lettered(row.kind)
                else:
                    box.retry_later(
                        session,
                        [row.id],
                        now + backoff(row.faults),
                        reason,
                        in_doubt=in_doubt,
                        fault=True,
                    )

    def _send_and_record(self, call: SlackCall) -> None:
        rows = call.messages
        # chat.update is idempotent and files cannot be looked up: only posts are searched for.
        doubted = call.method == "chat.postMessage" and any(m.in_doubt for m in rows)
        if doubted and self._settled_by_lookup(call):
            return
        # files_upload_v2 cannot carry metadata: a chart whose upload had an unknown outcome
        # is uploaded again (a repeated chart in the standup's thread, never a lost one).
        outcome = self._send(tagged(call))
        ids = call.ids
        now = self.clock()
        with self.database.unit_of_work() as session:
            if outcome.ok:
                metrics.delivered(call.method)
                box.mark_sent(session, ids, outcome.ts, now)
                record(session, call, outcome.ts, now)
                # Space the channel's next message from when Slack took this one, not from
                # when this one was leased: a slow answer must not bunch two posts together.
                box.hold_slot(session, self._key(call), now + self.pace)
            elif outcome.retry_after is not None:
                metrics.rate_limited(call.method)
                box.release(session, ids)
                box.hold_slot(
                    session, self._key(call), now + timedelta(seconds=outcome.retry_after)
                )
                log.warning(
                    "Slack rate-limited %s; waiting %.0fs", call.method, outcome.retry_after
                )
            elif outcome.transient:
                metrics.delivery_failed(call.method, outcome.error)
                tries = rows[0].attempts
                box.retry_later(
                    session, ids, now + backoff(tries), outcome.error, in_doubt=outcome.unknown
                )
                log.warning(
                    "%s failed (%s%s); retry %d in %s",
                    call.method,
                    outcome.error,
                    ", outcome unknown" if outcome.unknown else "",
                    tries + 1,
                    backoff(tries),
                )
            else:
                metrics.delivery_failed(call.method, outcome.error)
                box.give_up(session, ids, outcome.error, now)
                log.error(
                    "Slack refused %s to %s for good: %s",
                    call.method,
                    call.args.get("channel"),
                    outcome.error,
                )

    @staticmethod
    def _key(call: SlackCall) -> str:
        first = call.messages[0]
        return f"update:{first.channel}" if first.kind == "update_announcement" else first.channel

    def _settled_by_lookup(self, call: SlackCall) -> bool:
        """Look for an earlier try's post; True when that settled the rows (adopted or later)."""
        rows = call.messages
        written = min((m.created_at for m in rows if m.created_at is not None), default=None)
        # The bot's clock may run ahead of Slack's (the demo shifts it): look back from the
        # earlier of the two.
        wall = datetime.now(UTC)
        since = wall if written is None else min(written, wall)
        try:
            posted = find_posted(self.client, call, call.ids, since)
        except LookupFailed as failure:
            lookups = max(m.lookups for m in rows) + 1
            if lookups >= MAX_LOOKUPS:
                log.warning(
                    "outbox rows %s: %d lookups failed (%s); posting without knowing",
                    call.ids,
                    lookups,
                    failure,
                )
                return False
            with self.database.unit_of_work() as session:
                box.lookup_later(
                    session, call.ids, self.clock() + backoff(lookups), f"lookup: {failure}"
                )
            log.warning("outbox rows %s: lookup failed (%s); looking again", call.ids, failure)
            return True
        if not posted:
            return False  # the earlier try never reached Slack: post now
        self._adopt(call, posted)
        return True

    def _adopt(self, call: SlackCall, posted: dict[int, str]) -> None:
        """Take the posts found as this try's success; rows not in them go again later."""
        now = self.clock()
        by_ts: dict[str, list[Pending]] = {}
        for row in call.messages:
            if row.id in posted:
                by_ts.setdefault(posted[row.id], []).append(row)
        rest = [m.id for m in call.messages if m.id not in posted]
        with self.database.unit_of_work() as session:
            for ts, rows in by_ts.items():
                leads = {m.lead_id for m in rows}
                found = SlackCall(
                    call.method,
                    call.args,
                    rows,
                    announces=[lead for lead in call.announces if lead in leads],
                    thread_root_of=call.thread_root_of if call.thread_root_of in leads else None,
                )
                box.mark_sent(session, found.ids, ts, now)
                record(session, found, ts, now)
                log.info("outbox rows %s were already in Slack (ts %s): adopted", found.ids, ts)
            if rest:
                box.release(session, rest)  # the lookup shows they never reached Slack
            box.hold_slot(session, self._key(call), now + self.pace)

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
            # A 5xx may come from a gateway after Slack took the message.
            return Outcome(
                False,
                transient=status >= 500 or code in TRANSIENT_ERRORS,
                error=code,
                unknown=status >= 500,
            )
        except (OSError, ValueError) as error:  # connection refused, timeouts, garbled answers
            unknown = not _never_reached_slack(error)
            return Outcome(False, transient=True, error=type(error).__name__, unknown=unknown)
        return Outcome(True, ts=response.get("ts"))


def record(session: Session, call: SlackCall, ts: str | None, now: Any) -> None:
    """What a delivered call means for its leads: announcement ts, digest, thread root."""
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
