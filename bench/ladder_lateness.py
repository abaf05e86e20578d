"""Ladder lateness: how late the real Sweeper fires steps that fall due over one minute.

10,000 leads whose first ladder step falls due evenly over 60 s (one every 6 ms); a loop
calls the real `Sweeper.tick()` every `--tick` seconds (5 s like SLA_TICK_SECONDS) on the real
UTC clock for about 75 s of wall time. A step's lateness is its outbox row's `created_at`
minus its ledger row's `due_at` (before any Slack pacing). Baseline: a perfect ticker, whose
lateness is uniform over [0, tick].

Run: python -m bench.ladder_lateness [--leads 10000] [--spread 60] [--tick 5] [--quick]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bench.tick_idle import (
    always_agreement,
    booted_on_sqlite,
    bulk_insert,
    lead_row,
    percentile,
    print_table,
    verdict,
)
from bot.runtime.clock import utc_now
from sla_rules.escalation import step_name
from storage.models import NotificationLedger, OutboxMessage
from storage.unit_of_work import Database

TARGET_SLACK_SECONDS = 1.0
FIRST_STEP = step_name(0)


@dataclass(frozen=True)
class TickRecord:
    """One tick: the instant the sweeper read as `now`, when it returned, and what it did."""

    now: datetime
    returned_at: datetime
    seconds: float
    fired: int


@dataclass(frozen=True)
class Lateness:
    """Per-step lateness in seconds, and the steps fired by name."""

    created: list[float]
    returned: list[float]
    steps: Counter[str]
    without_outbox: int


class RecordingClock:
    """The real UTC clock, remembering every instant it handed out."""

    def __init__(self) -> None:
        self.seen: list[datetime] = []

    def __call__(self) -> datetime:
        """The current UTC instant (also kept in `seen`)."""
        now = utc_now()
        self.seen.append(now)
        return now


def drive(
    tick: Callable[[], int],
    clock: RecordingClock,
    every: float,
    until: datetime,
    profiler: cProfile.Profile | None = None,
) -> tuple[list[TickRecord], int]:
    """Tick at a fixed rate until the wall clock reaches `until`, coalescing missed runs.

    Like the production Ticker (an APScheduler interval job, max_instances=1, coalesce): the
    first tick runs at once, a tick never overlaps the previous one, and runs missed while a
    tick overran are skipped. Returns the ticks and how many scheduled runs were skipped.
    """
    started = time.monotonic()
    stop = started + max(0.0, (until - utc_now()).total_seconds())
    records: list[TickRecord] = []
    skipped = 0
    next_at = started
    for _ in range(math.ceil((stop - started) / every) + 1):  # one run per slot at most
        if next_at >= stop:
            break
        time.sleep(max(0.0, next_at - time.monotonic()))
        before = len(clock.seen)
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        fired = tick()
        if profiler is not None:
            profiler.disable()
        seconds = time.perf_counter() - began
        returned_at = utc_now()
        now = clock.seen[before] if len(clock.seen) > before else returned_at
        records.append(TickRecord(now, returned_at, seconds, fired))
        next_at += every
        behind = time.monotonic() - next_at
        if behind > 0:
            missed = math.ceil(behind / every)
            skipped += missed
            next_at += missed * every
    return records, skipped


def measure(database: Database, ticks: Sequence[TickRecord]) -> Lateness:
    """Join each ledger row to the outbox row its tick wrote and compute the lateness."""
    returned_by_now = {t.now: t.returned_at for t in ticks}
    with database.reading() as session:
        ledger = session.execute(
            select(NotificationLedger.lead_id, NotificationLedger.step, NotificationLedger.due_at)
            .add_columns(NotificationLedger.fired_at)
            .order_by(NotificationLedger.id)
        ).all()
        written = {
            (lead_id, created_at)
            for lead_id, created_at in session.execute(
                select(OutboxMessage.lead_id, OutboxMessage.created_at)
            ).all()
        }
    created: list[float] = []
    returned: list[float] = []
    steps: Counter[str] = Counter()
    without_outbox = 0
    for lead_id, step, due_at, fired_at in ledger:
        steps[step] += 1
        if (lead_id, fired_at) not in written:
            without_outbox += 1
            continue
        created.append((fired_at - due_at).total_seconds())
        if fired_at in returned_by_now:
            returned.append((returned_by_now[fired_at] - due_at).total_seconds())
    return Lateness(created, returned, steps, without_outbox)


def seconds_rows(label: str, samples: Sequence[float], every: float) -> list[tuple[str, str, str]]:
    """p50/p95/p99/max rows in seconds, beside the perfect ticker's (uniform over [0, tick])."""
    ordered = sorted(samples)
    rows = []
    for name, pct in (("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)):
        value = percentile(ordered, pct) if ordered else math.nan
        rows.append((f"{label} {name} (s)", f"{value:.3f}", f"{pct / 100 * every:.3f}"))
    return rows


def tick_rows(
    ticks: Sequence[TickRecord], skipped: int, every: float, doing: str, done: str
) -> list[tuple[str, str, str]]:
    """How the ticks went: how many, overruns, the longest, and the pace while working."""
    busy = [t for t in ticks if t.fired]
    longest = max(t.seconds for t in ticks)
    return [
        (f"ticks run (of which {doing})", f"{len(ticks)} ({len(busy)})", "-"),
        ("scheduled ticks skipped (overran)", f"{skipped}", "0"),
        ("longest tick (s)", f"{longest:.3f}", f"< {every:g} (the interval)"),
        (
            f"mean {doing} tick (s)",
            f"{sum(t.seconds for t in busy) / len(busy):.3f}" if busy else "-",
            "-",
        ),
        (
            f"{done} per second while {doing}",
            f"{sum(t.fired for t in busy) / sum(t.seconds for t in busy):,.0f}" if busy else "-",
            "-",
        ),
    ]


def print_profile(profiler: cProfile.Profile | None) -> None:
    """Print the ticks' 25 costliest calls when --profile asked for them."""
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print()
        print(out.getvalue())


def lateness_main(
    run: Callable[[int, float, float, float, bool], None],
    argv: Sequence[str] | None,
    doc: str,
    each: str,
    lead_in: float,
) -> int:
    """Parse a lateness benchmark's options and run it; exit 0 whether or not the target is met."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000, help=f"leads, {each} each")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds the dues span")
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between ticks")
    parser.add_argument("--lead-in", type=float, default=lead_in, help="seconds before t0")
    parser.add_argument("--quick", action="store_true", help="1,000 leads over 10 s, --tick 1")
    parser.add_argument("--profile", action="store_true", help="cProfile the ticks")
    args = parser.parse_args(argv)
    if args.quick:
        args.leads, args.spread, args.tick, args.lead_in = 1_000, 10.0, 1.0, 2.0
    run(
        max(1, args.leads),
        max(0.1, args.spread),
        max(0.05, args.tick),
        max(0.0, args.lead_in),
        args.profile,
    )
    return 0


def run(leads: int, spread: float, every: float, lead_in: float, profile: bool) -> None:
    """Insert the leads, tick through the minute, print lateness against a perfect ticker."""
    agreement = always_agreement()
    tail = 2 * every + 1
    clock = RecordingClock()
    with booted_on_sqlite("ladder_lateness.db", agreement, clock) as booted:
        database = booted.database
        t0 = utc_now() + timedelta(seconds=lead_in)
        gap = timedelta(seconds=spread) / leads
        rng = random.Random(11)
        rows = [lead_row(i, agreement, t0 + i * gap, rng, claim_within=50) for i in range(leads)]
        inserted = bulk_insert(database, rows)
        del rows
        margin = (t0 - utc_now()).total_seconds()
        print(
            f"inserted {leads:,} leads in {inserted:.1f} s; first step due from t0 "
            f"(in {margin:.1f} s) every {gap.total_seconds() * 1000:.1f} ms for {spread:g} s"
        )
        if margin < 0:
            print("WARNING: the insert ended after t0; raise --lead-in")
        until = t0 + timedelta(seconds=spread + tail)
        print(f"ticking every {every:g} s until t0 + {spread + tail:g} s ...", flush=True)
        sweeper = booted.cases.sweeper
        profiler = cProfile.Profile() if profile else None
        load_before = os.getloadavg()[0]
        ticks, skipped = drive(sweeper.tick, clock, every, until, profiler)
        load_after = os.getloadavg()[0]
        result = measure(database, ticks)

    first = result.steps.get(FIRST_STEP, 0)
    later = sum(n for step, n in result.steps.items() if step != FIRST_STEP)
    longest = max(ticks, key=lambda t: t.seconds)
    table = seconds_rows("lateness (outbox created_at - due_at)", result.created, every)
    table += seconds_rows("lateness until tick returned", result.returned, every)
    table += [
        ("first steps fired (escalation:0)", f"{first:,}", f"{leads:,} expected"),
        ("later steps fired", f"{later:,}", "0 expected in this window"),
        ("ledger rows without their outbox row", f"{result.without_outbox}", "0"),
        *tick_rows(ticks, skipped, every, "firing", "steps"),
    ]
    print_table(
        f"Ladder lateness: {leads:,} first steps due over {spread:g} s, tick every {every:g} s "
        f"(load average {load_before:.2f} -> {load_after:.2f})",
        f"perfect ticker, uniform over [0, {every:g}] s",
        table,
    )
    print_profile(profiler)
    p99 = percentile(sorted(result.created), 99) if result.created else math.inf
    target = every + TARGET_SLACK_SECONDS
    verdict(
        p99 <= target and first == leads and result.without_outbox == 0,
        f"p99 lateness <= tick + {TARGET_SLACK_SECONDS:g} s = {target:g} s, "
        f"exactly {leads:,} first steps",
        f"p99 {p99:.3f} s vs perfect ticker {0.99 * every:.3f} s, {first:,} first steps, "
        f"longest tick {longest.seconds:.3f} s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the benchmark; exit 0 whether or not the target is met."""
    return lateness_main(run, argv, __doc__ or "", "one first step", 4.0)


if __name__ == "__main__":
    raise SystemExit(main())
