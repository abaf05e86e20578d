"""The idle tick: the real Sweeper.tick() over 100,000 open leads of which none is due yet.

Beside it, the bare indexed query the tick stands on, through the same engine, and the
EXPLAIN QUERY PLAN of the sweeper's own query to show that the index is used.

Run: python -m bench.tick_idle [--leads 100000] [--ticks 200] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import bindparam, event, func, insert, select, text

from bench.common import AGREEMENT, percentile, print_table, verdict
from bot.bootstrap import Booted, boot
from bot.runtime.clock import Clock, utc_now
from bot.settings import load_settings
from sla_rules.agreement import Agreement, parse_agreement
from sla_rules.leads import CLAIMED, UNCLAIMED, email_key
from storage.models import Lead, NotificationLedger, UTCDateTime
from storage.unit_of_work import Database

TARGET_MS = 20.0
WARMUP = 5
INSERT_CHUNK = 5_000
CLAIMED_SHARE = 0.6
BARE_QUERY = text("SELECT id FROM leads WHERE next_step_due_at <= :now LIMIT 200").bindparams(
    bindparam("now", type_=UTCDateTime())
)
LADDER_INDEX = "ix_leads_next_step_due_at"


def always_agreement(path: Path = AGREEMENT) -> Agreement:
    """The example agreement with `response.clock: always`, so wall-clock arithmetic applies."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["response"]["clock"] = "always"
    return parse_agreement(data)


@contextmanager
def booted_on_sqlite(name: str, agreement: Agreement, clock: Clock = utc_now) -> Iterator[Booted]:
    """The bot booted on a fresh SQLite database in a temporary file, disposed of afterwards."""
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as folder:
        url = f"sqlite:///{Path(folder) / name}"
        booted = boot(load_settings({"DATABASE_URL": url}), agreement=agreement, clock=clock)
        try:
            yield booted
        finally:
            booted.database.dispose()


def lead_row(
    seq: int, agreement: Agreement, due: datetime, rng: random.Random, claim_within: float
) -> dict[str, Any]:
    """One open lead waiting for ladder step 0 at `due`, as the handoff use case writes it.

    On the always-clock, handed_off_at is `due` minus the first step's `after`; a share of
    the leads was claimed within `claim_within` seconds of the handoff.
    """
    policy = agreement.response
    handed_off_at = due - policy.escalation[0].after
    claimed = rng.random() < CLAIMED_SHARE
    claim_seconds = rng.randint(5, max(5, int(claim_within))) if claimed else None
    reps = list(agreement.slack.sales_reps) or ["U0REP1"]
    email = f"lead{seq}@bench{seq % 97}.example.com"
    row: dict[str, Any] = {
        "external_id": f"bench-{seq}",
        "name": f"Bench Lead {seq}",
        "email": email,
        "email_key": email_key(email),
        "phone": f"+52 55 {seq % 10_000:04d} {seq % 7_919:04d}",
        "company": f"Bench Co {seq % 500}",
        "source": rng.choice(("webinar", "ebook", "demo request", "pricing page")),
        "reason": "Downloaded 3 pieces of content; fit score 72",
        "via": "api",
        "handed_off_by": None,
        "handed_off_at": handed_off_at,
        "respond_by": handed_off_at + policy.first_touch_within,
        "status": CLAIMED if claimed else UNCLAIMED,
        "owner_id": rng.choice(reps) if claimed else None,
        "claimed_at": (
            handed_off_at + timedelta(seconds=claim_seconds) if claim_seconds is not None else None
        ),
        "announce_channel": agreement.slack.handoff_channel,
        "announce_ts": f"{1_760_000_000 + seq}.{seq % 1_000_000:06d}",
        "in_digest": False,
        "thread_ts": None,
        "created_at": handed_off_at,
        "first_touch_at": None,
        "breached_at": None,
        "next_step": 0,
        "next_step_due_at": due,
        "claim_seconds": claim_seconds,
        "claim_business_seconds": claim_seconds,
        "first_touch_seconds": None,
        "first_touch_business_seconds": None,
    }
    return complete_row(row)


def complete_row(row: dict[str, Any]) -> dict[str, Any]:
    """Give the newer lead columns their handoff values; refuse a row missing a NOT NULL one."""
    columns = Lead.__table__.c
    if "cadence_nudges" in columns:
        row.setdefault("cadence_nudges", 0)
    missing = [
        c.name
        for c in columns
        if c.name not in row and not c.nullable and not c.primary_key and c.default is None
    ]
    if missing:
        raise SystemExit(f"bench rows lack NOT NULL lead columns: {', '.join(missing)}")
    return row


def bulk_insert(database: Database, rows: Sequence[dict[str, Any]]) -> float:
    """Insert lead rows in chunks, one transaction per chunk; return the seconds it took."""
    started = time.perf_counter()
    for start in range(0, len(rows), INSERT_CHUNK):
        with database.unit_of_work() as session:
            session.execute(insert(Lead), list(rows[start : start + INSERT_CHUNK]))
    return time.perf_counter() - started


def idle_rows(
    agreement: Agreement, count: int, now: datetime, seed: int = 7
) -> list[dict[str, Any]]:
    """Open leads whose next step falls due between 10 minutes and 8 hours from now."""
    rng = random.Random(seed)
    rows = []
    for seq in range(count):
        due = now + timedelta(seconds=rng.uniform(600, 8 * 3600))
        rows.append(lead_row(seq, agreement, due, rng, claim_within=110))
    return rows


def time_calls(call: Callable[[], object], times: int, warmup: int = WARMUP) -> list[float]:
    """Call `warmup` times untimed, then `times` times; return each timed call's seconds."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def capture_statements(database: Database, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """Run `call` and return the SQL statements and parameters it sent to the database."""
    seen: list[tuple[str, Any]] = []

    def listener(_c: Any, _cur: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(database.engine, "before_cursor_execute", listener)
    return seen


def query_plan(database: Database, statement: str, parameters: Any) -> list[str]:
    """The EXPLAIN QUERY PLAN lines of one statement with its parameters."""
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return [str(row[-1]) for row in rows]


def ms(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max of samples in seconds, as milliseconds (nearest rank)."""
    ordered = sorted(samples)
    return {
        "p50": percentile(ordered, 50) * 1000,
        "p95": percentile(ordered, 95) * 1000,
        "p99": percentile(ordered, 99) * 1000,
        "max": ordered[-1] * 1000,
    }


def profile_ticks(tick: Callable[[], object], times: int) -> str:
    """cProfile of `times` ticks: the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        tick()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def run(leads: int, ticks: int, profile: bool) -> None:
    """Fill the database, time idle ticks and the bare query, print the report."""
    agreement = always_agreement()
    with booted_on_sqlite("tick_idle.db", agreement) as booted:
        database = booted.database
        rows = idle_rows(agreement, leads, utc_now())
        seconds = bulk_insert(database, rows)
        del rows
        print(f"inserted {leads:,} open leads in {seconds:.1f} s (nothing due for >= 10 min)")
        sweeper = booted.cases.sweeper

        cold_started = time.perf_counter()
        cold_fired = sweeper.tick()
        cold = time.perf_counter() - cold_started
        fired_total = cold_fired

        def tick() -> None:
            nonlocal fired_total
            fired_total += sweeper.tick()

        def bare() -> None:
            with database.engine.connect() as connection:
                connection.execute(BARE_QUERY, {"now": utc_now()}).all()

        tick_samples = time_calls(tick, ticks)
        bare_samples = time_calls(bare, ticks)

        statements = capture_statements(database, sweeper.tick)
        ladder = [s for s in statements if "FROM leads" in s[0] and "next_step_due_at <=" in s[0]]
        plan = query_plan(database, *ladder[0]) if ladder else []
        bare_sql = "SELECT id FROM leads WHERE next_step_due_at <= ? LIMIT 200"
        bare_plan = query_plan(database, bare_sql, (str(utc_now().replace(tzinfo=None)),))
        with database.reading() as session:
            ledger = session.scalar(select(func.count()).select_from(NotificationLedger)) or 0
            total = session.scalar(select(func.count()).select_from(Lead)) or 0

        measured, baseline = ms(tick_samples), ms(bare_samples)
        rows_out = [
            (f"idle tick {name} (ms)", f"{measured[name]:.2f}", f"{baseline[name]:.2f}")
            for name in ("p50", "p95", "p99", "max")
        ]
        rows_out.append(("first (cold) tick (ms)", f"{cold * 1000:.2f}", "-"))
        rows_out.append(("steps fired by the ticks", f"{fired_total}", "0 expected"))
        print_table(
            f"Sweeper.tick() with nothing due: {total:,} open leads, {ticks} ticks "
            f"(after {WARMUP} untimed; load average {os.getloadavg()[0]:.2f})",
            "bare indexed SELECT ... LIMIT 200, same engine",
            rows_out,
        )
        print()
        print("sweeper query, as sent by the tick:")
        if ladder:
            print("  " + " ".join(ladder[0][0].split()))
        print("EXPLAIN QUERY PLAN (sweeper query):")
        for line in plan or ["(the sweeper's query was not seen)"]:
            print(f"  {line}")
        print("EXPLAIN QUERY PLAN (bare query):")
        for line in bare_plan:
            print(f"  {line}")
        index_used = any(LADDER_INDEX in line for line in plan)
        print(f"index {LADDER_INDEX} used by the sweeper query: {'yes' if index_used else 'NO'}")
        if profile:
            print()
            print(profile_ticks(sweeper.tick, ticks))
        p99 = measured["p99"]
        verdict(
            p99 <= TARGET_MS and fired_total == 0 and ledger == 0,
            f"idle tick p99 <= {TARGET_MS:.0f} ms",
            f"p99 {p99:.2f} ms, bare query p99 {baseline['p99']:.2f} ms, "
            f"{fired_total} steps fired, index used: {'yes' if index_used else 'no'}",
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the benchmark; exit 0 whether or not the target is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000, help="open leads in the database")
    parser.add_argument("--ticks", type=int, default=200, help="timed ticks")
    parser.add_argument("--quick", action="store_true", help="5,000 leads and 50 ticks")
    parser.add_argument("--profile", action="store_true", help="cProfile the ticks afterwards")
    args = parser.parse_args(argv)
    leads, ticks = (5_000, 50) if args.quick else (args.leads, args.ticks)
    run(max(1, leads), max(1, ticks), args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
