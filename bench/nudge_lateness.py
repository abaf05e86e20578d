"""Nudge lateness: how late the real Nudger sends cadence nudges that fall due over one minute.

10,000 open leads, claimed, with touch 1 of the cadence already logged (a Touch row, and
`first_touch_at` set), point at cadence step 2 with their next nudge (`cadence_due_at`) falling
due evenly over 60 s (one every 6 ms). A loop calls the real `Nudger.tick()` every `--tick`
seconds (5 s like SLA_TICK_SECONDS) on the real UTC clock for about 75 s of wall time. A nudge's
lateness is its outbox row's `created_at` minus its ledger row's `due_at` (before any Slack
pacing). Baseline: a perfect ticker, whose lateness is uniform over [0, tick].

The agreement is the English example with `response.clock: always` and business hours opened to
every day 00:00-23:59 without holidays, so the nudger's business-hours check passes whenever the
benchmark runs.

Run: python -m bench.nudge_lateness [--leads 10000] [--spread 60] [--tick 5] [--quick]
"""

from __future__ import annotations

import cProfile
import math
import os
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import event, insert, select
from sqlalchemy.orm import DeclarativeBase, Session

from bench.ladder_lateness import (
    RecordingClock,
    drive,
    lateness_main,
    print_profile,
    seconds_rows,
    tick_rows,
)
from bench.tick_idle import (
    AGREEMENT,
    booted_on_sqlite,
    bulk_insert,
    lead_row,
    percentile,
    print_table,
    verdict,
)
from bot.runtime.clock import utc_now
from sla_rules.agreement import Agreement, parse_agreement
from sla_rules.leads import CLAIMED
from storage.models import Lead, NotificationLedger, OutboxMessage, Touch
from storage.unit_of_work import Database

TARGET_SLACK_SECONDS = 1.0
INSERT_CHUNK = 5_000
NUDGE_STEP = 2
OPEN_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
OPEN_FROM, OPEN_UNTIL = "00:00", "23:59"
AGREEMENT_NOTE = (
    "agreement: examples/agreement.en.yaml with response.clock=always and business hours "
    f"{OPEN_FROM}-{OPEN_UNTIL} on {', '.join(OPEN_DAYS)}, no holidays "
    "(so the nudger's business-hours check passes whenever this runs)"
)
STAMPED = "bench_outbox_ids"


def open_hours_data(path: Path = AGREEMENT) -> dict[str, Any]:
    """The example agreement's data with the always-clock and hours open every day, all day."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["response"]["clock"] = "always"
    hours = data["business_hours"]
    hours.update({"days": list(OPEN_DAYS), "start": OPEN_FROM, "end": OPEN_UNTIL, "holidays": []})
    hours.pop("holidays_country", None)
    return data


def open_agreement(path: Path = AGREEMENT) -> Agreement:
    """The parsed agreement of `open_hours_data`."""
    return parse_agreement(open_hours_data(path))


def insert_rows(
    database: Database, model: type[DeclarativeBase], rows: Sequence[dict[str, Any]]
) -> float:
    """Insert rows of any model in chunks, one transaction per chunk; return the seconds taken."""
    started = time.perf_counter()
    for start in range(0, len(rows), INSERT_CHUNK):
        with database.unit_of_work() as session:
            session.execute(insert(model), list(rows[start : start + INSERT_CHUNK]))
    return time.perf_counter() - started


def lead_ids(database: Database) -> dict[str, int]:
    """Each lead's ID by its external_id."""
    with database.reading() as session:
        rows = session.execute(select(Lead.external_id, Lead.id)).all()
    return {external: lead_id for external, lead_id in rows if external is not None}


def nudge_row(
    seq: int, agreement: Agreement, due: datetime, rng: random.Random
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open, claimed lead whose touch 1 is logged and whose step-2 nudge is due at `due`.

    Handed off two minutes before `due`, claimed 5-50 s later and touched 5-50 s after the
    claim (inside the 5-minute SLA), so the response ladder has stopped. Returns the lead row
    and its touch row (whose lead_id the caller fills in once the lead has its ID).
    """
    row = lead_row(seq, agreement, due, rng, claim_within=50)
    reps = list(agreement.slack.sales_reps) or ["U0REP1"]
    owner = reps[seq % len(reps)]
    claimed_at = row["handed_off_at"] + timedelta(seconds=rng.randint(5, 50))
    touched_at = claimed_at + timedelta(seconds=rng.randint(5, 50))
    seconds = int((touched_at - row["handed_off_at"]).total_seconds())
    claim_seconds = int((claimed_at - row["handed_off_at"]).total_seconds())
    row.update(
        {
            "status": CLAIMED,
            "owner_id": owner,
            "claimed_at": claimed_at,
            "claim_seconds": claim_seconds,
            "claim_business_seconds": claim_seconds,
            "first_touch_at": touched_at,
            "first_touch_seconds": seconds,
            "first_touch_business_seconds": seconds,
            "next_step": None,
            "next_step_due_at": None,
            "cadence_step": NUDGE_STEP,
            "cadence_due_at": due,
            "cadence_nudges": 0,
        }
    )
    touch = {
        "lead_id": None,
        "kind": agreement.cadence.touches[0].kind,
        "outcome": "no_answer",
        "reason": None,
        "actor": owner,
        "at": touched_at,
        "click_key": None,
    }
    return row, touch


class CommitStamps:
    """Remembers when each outbox row written through the database's sessions was committed."""

    def __init__(self, database: Database) -> None:
        self.sessions = database.sessions
        self.committed: dict[int, datetime] = {}
        event.listen(self.sessions, "after_flush", self._flushed)
        event.listen(self.sessions, "after_commit", self._committed)

    def _flushed(self, session: Session, _context: Any) -> None:
        ids = session.info.setdefault(STAMPED, [])
        ids.extend(o.id for o in session.new if isinstance(o, OutboxMessage))

    def _committed(self, session: Session) -> None:
        stamp = utc_now()
        for outbox_id in session.info.pop(STAMPED, []):
            self.committed[outbox_id] = stamp

    def close(self) -> None:
        """Stop listening."""
        event.remove(self.sessions, "after_flush", self._flushed)
        event.remove(self.sessions, "after_commit", self._committed)


@dataclass(frozen=True)
class Nudges:
    """Per-nudge lateness in seconds, and the nudge counts that prove each went exactly once."""

    created: list[float]
    committed: list[float]
    ledger_rows: int
    leads_nudged: int
    steps: Counter[str]
    without_outbox: int
    outbox_dms: int
    early: int


def measure(database: Database, stamps: CommitStamps) -> Nudges:
    """Join each nudge's ledger row to the outbox row its tick wrote and compute the lateness."""
    with database.reading() as session:
        ledger = session.execute(
            select(NotificationLedger.lead_id, NotificationLedger.step, NotificationLedger.due_at)
            .add_columns(NotificationLedger.fired_at)
            .where(NotificationLedger.step.like("cadence:%"))
            .order_by(NotificationLedger.id)
        ).all()
        written = {
            (lead_id, created_at): outbox_id
            for outbox_id, lead_id, created_at in session.execute(
                select(OutboxMessage.id, OutboxMessage.lead_id, OutboxMessage.created_at).where(
                    OutboxMessage.kind == "dm"
                )
            ).all()
        }
    created: list[float] = []
    committed: list[float] = []
    steps: Counter[str] = Counter()
    without_outbox = early = 0
    for lead_id, step, due_at, fired_at in ledger:
        steps[step] += 1
        outbox_id = written.get((lead_id, fired_at))
        if outbox_id is None:
            without_outbox += 1
            continue
        lateness = (fired_at - due_at).total_seconds()
        early += lateness < 0
        created.append(lateness)
        if outbox_id in stamps.committed:
            committed.append((stamps.committed[outbox_id] - due_at).total_seconds())
    return Nudges(
        created=created,
        committed=committed,
        ledger_rows=len(ledger),
        leads_nudged=len({row[0] for row in ledger}),
        steps=steps,
        without_outbox=without_outbox,
        outbox_dms=len(written),
        early=early,
    )


def prepare(
    database: Database, agreement: Agreement, leads: int, t0: datetime, gap: timedelta
) -> float:
    """Insert the leads and their first touches; return the seconds it took."""
    rng = random.Random(13)
    pairs = [nudge_row(i, agreement, t0 + i * gap, rng) for i in range(leads)]
    seconds = bulk_insert(database, [lead for lead, _ in pairs])
    ids = lead_ids(database)
    touches = []
    for lead, touch in pairs:
        touch["lead_id"] = ids[lead["external_id"]]
        touches.append(touch)
    del pairs
    return seconds + insert_rows(database, Touch, touches)


def run(leads: int, spread: float, every: float, lead_in: float, profile: bool) -> None:
    """Insert the leads, tick through the minute, print lateness against a perfect ticker."""
    agreement = open_agreement()
    print(AGREEMENT_NOTE)
    tail = 2 * every + 1
    clock = RecordingClock()
    with booted_on_sqlite("nudge_lateness.db", agreement, clock) as booted:
        database = booted.database
        t0 = utc_now() + timedelta(seconds=lead_in)
        gap = timedelta(seconds=spread) / leads
        inserted = prepare(database, agreement, leads, t0, gap)
        margin = (t0 - utc_now()).total_seconds()
        print(
            f"inserted {leads:,} claimed leads with touch 1 logged in {inserted:.1f} s; "
            f"step-{NUDGE_STEP} nudge due from t0 (in {margin:.1f} s) every "
            f"{gap.total_seconds() * 1000:.1f} ms for {spread:g} s"
        )
        if margin < 0:
            print("WARNING: the insert ended after t0; raise --lead-in")
        until = t0 + timedelta(seconds=spread + tail)
        print(f"ticking every {every:g} s until t0 + {spread + tail:g} s ...", flush=True)
        nudger = booted.cases.nudger
        stamps = CommitStamps(database)
        profiler = cProfile.Profile() if profile else None
        load_before = os.getloadavg()[0]
        try:
            ticks, skipped = drive(nudger.tick, clock, every, until, profiler)
        finally:
            stamps.close()
        load_after = os.getloadavg()[0]
        result = measure(database, stamps)

    first = result.steps.get(f"cadence:{NUDGE_STEP}:nudge:0", 0)
    duplicates = result.ledger_rows - result.leads_nudged
    missing = leads - result.leads_nudged
    longest = max(ticks, key=lambda t: t.seconds)
    table = seconds_rows("lateness (outbox created_at - due_at)", result.created, every)
    table += seconds_rows("lateness until committed", result.committed, every)
    table += [
        ("nudges (ledger rows cadence:*)", f"{result.ledger_rows:,}", f"{leads:,} expected"),
        (f"  of which cadence:{NUDGE_STEP}:nudge:0", f"{first:,}", f"{leads:,} expected"),
        ("duplicate nudges (a lead nudged twice)", f"{duplicates}", "0"),
        ("missing nudges (a lead never nudged)", f"{missing}", "0"),
        ("nudges sent before due", f"{result.early}", "0"),
        ("ledger rows without their outbox row", f"{result.without_outbox}", "0"),
        ("DM outbox rows", f"{result.outbox_dms:,}", f"{leads:,}"),
        *tick_rows(ticks, skipped, every, "nudging", "nudges"),
    ]
    print_table(
        f"Nudge lateness: {leads:,} step-{NUDGE_STEP} nudges due over {spread:g} s, tick every "
        f"{every:g} s (load average {load_before:.2f} -> {load_after:.2f})",
        f"perfect ticker, uniform over [0, {every:g}] s",
        table,
    )
    print_profile(profiler)
    p99 = percentile(sorted(result.created), 99) if result.created else math.inf
    target = every + TARGET_SLACK_SECONDS
    exact = result.ledger_rows == leads and duplicates == 0 and missing == 0
    verdict(
        p99 <= target and exact and result.without_outbox == 0 and result.early == 0,
        f"p99 lateness <= tick + {TARGET_SLACK_SECONDS:g} s = {target:g} s, "
        f"exactly {leads:,} nudges",
        f"p99 {p99:.3f} s vs perfect ticker {0.99 * every:.3f} s, {result.ledger_rows:,} "
        f"nudges ({duplicates} duplicate, {missing} missing), longest tick "
        f"{longest.seconds:.3f} s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the benchmark; exit 0 whether or not the target is met."""
    return lateness_main(run, argv, __doc__ or "", "one nudge", 6.0)


if __name__ == "__main__":
    raise SystemExit(main())
