"""Claim clicks journaled before their ack, then decided and answered once, even after a crash.

The listener journals the click (one short INSERT) and acks; the follow-up pool decides the
claim and marks the click done in one transaction, then answers through the response_url.
A click whose process died is replayed by the next tick anywhere once its lease runs out.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import Future
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy.orm import Session

from bot.leads.answers import claim_reply
from bot.leads.claim_button import KIND, ClaimClick, kept_response_url
from bot.leads.claims import Claims
from bot.leads.results import ClaimOutcome, ClaimResult
from bot.runtime import metrics
from bot.runtime.background import Background
from bot.runtime.clock import Clock
from bot.runtime.replies import UNREACHABLE, ReplySender
from bot.ui.blocks import Reply
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from storage import inbox as store
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.claim_inbox")

# Long enough for a claim and its answer (Slack answers in ~100 ms; the sender's read timeout
# is 10 s), short enough that a crashed process's clicks are answered soon after a restart.
LEASE = timedelta(seconds=12)
# Slack honours a response_url for 30 minutes; after that only the answer is dropped.
RESPONSE_URL_TTL = timedelta(minutes=30)
# Tries at deciding (or answering) a click before it is given up with an apology.
MAX_ATTEMPTS = 5
REPLAY_BATCH = 50
# Clicks decided in one transaction: enough for a race, few enough that the acks' journal
# inserts never wait long behind it for the write lock (bench.claim_ack --closed-loop on the
# shared machine: p99 696 ms with 50, 576 ms with 10).
BATCH = 10
# A click's key must outlive every replay of its request (Slack's signatures age out in five
# minutes): a day is plenty, and keeps the table small.
KEEP_ANSWERED = timedelta(days=1)
GAVE_UP = "failed"


# What answering a decided click needs: the click, its outcome, the claim (None: an apology),
# and when it arrived (a response_url lives 30 minutes).
Decision = tuple[ClaimClick, str, ClaimResult | None, datetime]


class ClaimInbox:
    """Journals claim clicks, decides and answers each once, and replays them after a crash."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        claims: Claims,
        catalogue: Catalogue,
        replies: ReplySender,
        background: Background,
        clock: Clock,
        lease: timedelta = LEASE,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.claims = claims
        self.catalogue = catalogue
        self.replies = replies
        self.background = background
        self.clock = clock
        self.lease = lease
        # Items this process is working on: its own replay must not take them back.
        self._busy: set[int] = set()
        self._queue: deque[int] = deque()
        self._lock = threading.Lock()

    def receive(self, click: ClaimClick) -> int | None:
        """Journal a click before its ack; its ID, or None when the same click was kept already."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            item = store.journal(
                session,
                kind=KIND,
                key=click.key,
                payload=click.payload(),
                now=now,
                lease_until=now + self.lease,
            )
        if item is not None:
            self._hold(item)
        return item

    def refuse(self, body: object) -> None:
        """Tell the clicker a malformed Claim click named no lead (nothing journaled)."""
        log.warning("claim click refused: the payload names no usable lead, user or response_url")
        url = kept_response_url(body)
        if url is not None:
            text = self.catalogue.t("claim_inbox.malformed")
            message = {"response_type": "ephemeral", "replace_original": False}
            self.replies.send(url, message | Reply(text=text).payload())

    def process_soon(self, item_id: int) -> None:
        """Decide and answer a journaled click on the follow-up pool."""
        with self._lock:
            self._queue.append(item_id)
        self.background.submit(self._drain, lambda _error: None)

    def _drain(self) -> None:
        # Clicks queued meanwhile are decided together: one write transaction for a race's
        # twenty clicks, not twenty, leaves the write lock to the acks' journal inserts. If
        # the batch fails, each click is decided alone (the failing one gets an apology).
        with self._lock:
            batch = sorted(self._queue.popleft() for _ in range(min(len(self._queue), BATCH)))
        if not batch:
            return
        try:
            decisions = self._decide_all(batch)
        except Exception:
            log.exception("claim clicks %s: the claim failed", batch)
            if len(batch) == 1:
                decisions = [(batch[0], self._give_up(batch[0]))]
                if decisions[0][1] is None:
                    self._let_go(batch[0])
                    return
            else:
                for item_id in batch:
                    self._process(item_id)
                return
        for item_id, decision in decisions:
            if decision is None:
                self._let_go(item_id)
            else:
                self._answer_safely(item_id, decision)

    def _answer_safely(self, item_id: int, decision: Decision) -> None:
        try:
            self._answer(item_id, *decision)
        except Exception:  # e.g. shutting down: the lease runs out and a replay answers
            log.exception("claim click %s: could not send its answer", item_id)
            self._let_go(item_id)

    def replay(self) -> int:
        """Take over the clicks whose lease ran out (a crash, a restart); how many were taken."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            store.purge(session, now - KEEP_ANSWERED)
        with self.database.reading() as session:
            candidates = store.owed(session, now, REPLAY_BATCH, kind=KIND)
        taken = 0
        for item_id in candidates:
            if not self._hold(item_id):
                continue
            try:
                with self.database.unit_of_work() as session:
                    won = store.take_lease(session, item_id, now, now + self.lease)
            except Exception:
                self._let_go(item_id)
                raise
            if not won:  # another process took it first
                self._let_go(item_id)
                continue
            taken += 1
            log.info("claim click %s: replayed after its lease ran out", item_id)
            self.process_soon(item_id)
        return taken

    def _hold(self, item_id: int) -> bool:
        with self._lock:
            if item_id in self._busy:
                return False
            self._busy.add(item_id)
            return True

    def _let_go(self, item_id: int) -> None:
        with self._lock:
            self._busy.discard(item_id)

    def _process(self, item_id: int) -> None:
        try:
            [(_, decided)] = self._decide_all([item_id])
        except Exception:
            log.exception("claim click %s: the claim failed", item_id)
            decided = self._give_up(item_id)
        if decided is None:
            self._let_go(item_id)
            return
        self._answer_safely(item_id, decided)

    def _give_up(self, item_id: int) -> Decision | None:
        # Nothing was changed (the claim rolled back): say so once, and stop there.
        try:
            return self._give_up_now(item_id)
        except Exception:  # the database is gone too: the lease runs out, a replay retries
            log.exception("claim click %s: could not record the failure", item_id)
            return None

    def _give_up_now(self, item_id: int) -> Decision | None:
        now = self.clock()
        with self.database.unit_of_work() as session:
            item = store.item_locked(session, item_id)
            if item is None or item.status != store.PENDING:
                return None
            store.mark_done(item, GAVE_UP, now)
            return ClaimClick.from_payload(item.payload), GAVE_UP, None, item.received_at

    def _decide_all(self, batch: list[int]) -> list[tuple[int, Decision | None]]:
        now = self.clock()
        decisions: list[tuple[int, Decision | None]] = []
        claimed = False
        # No SAVEPOINT per click (two more statements each, on the hot path): a failure rolls
        # the batch back and the caller decides its clicks one by one, with an apology for
        # the one that fails.
        fresh: list[str] = []
        with self.database.unit_of_work() as session:
            for item_id in batch:
                decision, won, decided = self._decide_in(session, item_id, now)
                decisions.append((item_id, decision))
                claimed = claimed or won
                if decided is not None:
                    fresh.append(decided)
        # Counted once committed: a batch that rolls back is decided again, click by click.
        for outcome in fresh:
            metrics.claimed(outcome)
        if claimed:
            self.claims.on_commit()
        return decisions

    def _decide_in(
        self, session: Session, item_id: int, now: datetime
    ) -> tuple[Decision | None, bool, str | None]:
        """Decide or recall one click: its answer, whether it won, its outcome if new."""
        item = store.item_locked(session, item_id)
        if item is None or item.answered_at is not None:
            return None, False, None
        click = ClaimClick.from_payload(item.payload)
        result: ClaimResult | None = None
        won = False
        decided: str | None = None
        if item.status == store.PENDING:
            if item.attempts > MAX_ATTEMPTS:
                log.error("claim click %s: given up after %s tries", item_id, item.attempts)
                store.mark_done(item, GAVE_UP, now)
            else:
                # The claim and the click's "done" commit together: decided exactly once.
                result = self.claims.claim_in(session, click.lead_id, click.user_id, now)
                store.mark_done(item, result.outcome, now)
                won = result.outcome == "claimed"
            decided = item.outcome
        elif item.attempts > MAX_ATTEMPTS + 1:
            # Decided long ago; its answer kept failing: the claim stands, the answer goes.
            log.warning("claim click %s: answer dropped after %s tries", item_id, item.attempts)
            store.take_answer(session, item_id, now)
            return None, False, None
        elif item.outcome != GAVE_UP:
            # Decided before a crash, not yet answered: told again from the stored outcome.
            outcome = cast(ClaimOutcome, item.outcome)
            result = self.claims.result_of(session, outcome, click.lead_id)
        return (click, item.outcome or GAVE_UP, result, item.received_at), won, decided

    def _answer(
        self,
        item_id: int,
        click: ClaimClick,
        outcome: str,
        result: ClaimResult | None,
        received_at: datetime,
    ) -> None:
        now = self.clock()
        if now - received_at > RESPONSE_URL_TTL:
            # The claim stands either way; only the clicker's answer cannot travel any more.
            log.warning(
                "claim click %s (%s): answer dropped, its response_url expired", item_id, outcome
            )
            with self.database.unit_of_work() as session:
                store.take_answer(session, item_id, now)
            self._let_go(item_id)
            return
        if result is None:
            reply = Reply(text=self.catalogue.t("error.generic"))
        else:
            reply = claim_reply(result, self.catalogue, self.agreement.zone, now)
        message = {"response_type": "ephemeral", "replace_original": False} | reply.payload()
        sent = self.replies.send(click.response_url, message, lambda: self._take_answer(item_id))
        sent.add_done_callback(lambda future: self._sent(item_id, future))

    def _take_answer(self, item_id: int) -> bool:
        with self.database.unit_of_work() as session:
            return store.take_answer(session, item_id, self.clock())

    def _sent(self, item_id: int, future: Future[int]) -> None:
        try:
            status = future.result()
            # No connection, or a 5xx: Slack certainly did not take it, so owe it again. A 4xx
            # will not get better on a retry (a used or unknown URL): told as well as can be.
            if status == UNREACHABLE or status >= 500:  # SKIPPED (-1): answered elsewhere
                log.warning("claim click %s: answer not delivered (HTTP %s)", item_id, status)
                with self.database.unit_of_work() as session:
                    store.answer_failed(session, item_id)
        except Exception:
            log.exception("claim click %s: could not record its answer", item_id)
        finally:
            self._let_go(item_id)
