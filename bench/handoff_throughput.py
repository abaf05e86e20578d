"""Sustained POST /api/handoffs against the real bot, beside a bare insert loop on one engine.

Run: python -m bench.handoff_throughput [--seconds 15] [--threads 8] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.common import (
    AGREEMENT,
    Latency,
    api_headers,
    handoff_template,
    host_port,
    latency_rows,
    print_table,
    verdict,
)
from bench.loadgen import LoadProcess, LoadResult, Plan, run_load
from bot.local.harness import LocalBot
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Handoff, Lead, LeadEvent, OutboxMessage
from storage.unit_of_work import Database

TARGET_RATE = 300.0
TARGET_P99_MS = 50.0
# Far more than any run can send in its time: the time bound is the one that stops it.
MAX_PER_SECOND_PER_THREAD = 2000


def count_rows(url: str) -> tuple[int, int, int]:
    """Leads stored, leads announced, and announcement messages sent, via a fresh engine."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            leads = connection.scalar(select(func.count()).select_from(Lead)) or 0
            announced = (
                connection.scalar(
                    select(func.count()).select_from(Lead).where(Lead.announce_ts.is_not(None))
                )
                or 0
            )
            messages = (
                connection.scalar(
                    select(func.count(func.distinct(Lead.announce_ts))).where(
                        Lead.announce_ts.is_not(None)
                    )
                )
                or 0
            )
    finally:
        engine.dispose()
    return leads, announced, messages


def bare_insert_loop(count: int) -> tuple[float, list[float], float]:
    """Insert count Lead+Handoff+LeadEvent+OutboxMessage transactions: wall, each one, CPU."""
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bare.db'}")
        upgrade(engine)
        database = Database(engine)
        timings: list[float] = []
        cpu = time.process_time()
        began = time.perf_counter()
        for n in range(count):
            t0 = time.perf_counter()
            now = datetime.now(UTC)
            with database.unit_of_work() as session:
                lead = Lead(
                    external_id=f"bare-{n}",
                    name=f"Bench Lead {n}",
                    email=f"lead-{n}@example.com",
                    email_key=f"lead-{n}@example.com",
                    phone="+52 55 1234 5678",
                    company="Bench Co",
                    source="benchmark",
                    reason="Asked for a demo",
                    via="api",
                    handed_off_at=now,
                    respond_by=now + timedelta(minutes=5),
                    status="unclaimed",
                    announce_channel="C0HANDOFF",
                    in_digest=False,
                    created_at=now,
                )
                session.add(lead)
                session.flush()
                session.add(
                    Handoff(external_id=f"bare-{n}", lead_id=lead.id, received_at=now, attached=0)
                )
                session.add(
                    LeadEvent(lead_id=lead.id, at=now, kind="handoff", actor=None, detail={})
                )
                session.add(
                    OutboxMessage(
                        kind="announce",
                        channel="C0HANDOFF",
                        lead_id=lead.id,
                        payload={},
                        status="pending",
                        attempts=0,
                        due_at=now,
                        created_at=now,
                    )
                )
            timings.append(time.perf_counter() - t0)
        wall = time.perf_counter() - began
        cpu = time.process_time() - cpu
        engine.dispose()
    return wall, timings, cpu


def run_api(plan: Plan, load: LoadProcess | None) -> LoadResult:
    """Run the plan from the child process (default) or from threads of this one."""
    if load is None:
        return run_load(plan)
    return load.run(plan)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures beside the baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="load duration (s)")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--quick", action="store_true", help="a 2-second smoke run")
    parser.add_argument(
        "--in-process", action="store_true", help="run the clients in the bot's own process"
    )
    parser.add_argument(
        "--no-outbox",
        action="store_true",
        help="diagnosis: do not start the outbox worker (not how production runs)",
    )
    args = parser.parse_args(argv)
    seconds = 2.0 if args.quick else args.seconds
    threads = min(args.threads, 4) if args.quick else args.threads
    per_thread = max(1, int(seconds * MAX_PER_SECOND_PER_THREAD))

    load = None if args.in_process else LoadProcess()
    try:
        with LocalBot(AGREEMENT, background=not args.no_outbox) as bot:
            host, port = host_port(bot.url)
            warm_up = Plan(
                host, port, "/api/handoffs", api_headers(), 2, 5.0, 10, handoff_template("warm")
            )
            run_load(warm_up)
            before, _, _ = count_rows(bot.database_url)
            plan = Plan(
                host,
                port,
                "/api/handoffs",
                api_headers(),
                threads=threads,
                seconds=seconds,
                per_thread=per_thread,
                template=handoff_template("run"),
            )
            cpu = time.process_time()
            result = run_api(plan, load)
            cpu = time.process_time() - cpu
            leads, announced, messages = count_rows(bot.database_url)
    finally:
        if load is not None:
            load.close()

    created = result.statuses.get(201, 0)
    stored = leads - before
    measured = Latency.of(result.latencies)
    bare_wall, bare_each, bare_cpu = bare_insert_loop(max(created, 1))
    bare = Latency.of(bare_each)
    bare_rate = len(bare_each) / bare_wall if bare_wall > 0 else 0.0

    title = (
        f"POST /api/handoffs: {threads} client threads for {seconds:.0f} s "
        f"({'same process' if args.in_process else 'clients in a child process'}), SQLite"
    )
    rows = [
        ("handoffs per second", f"{result.throughput:.1f}", f"{bare_rate:.1f}"),
        (
            "bot process CPU per handoff (ms)",
            f"{cpu / max(len(result.latencies), 1) * 1000:.2f}",
            f"{bare_cpu / max(len(bare_each), 1) * 1000:.2f}",
        ),
        ("requests answered", str(len(result.latencies)), str(len(bare_each))),
        ("201 Created", str(created), "-"),
        ("other statuses / errors", f"{_others(result)} / {result.errors}", "-"),
        *latency_rows(measured, bare),
        ("leads stored (run)", str(stored), "-"),
        ("leads announced by the end (+warm-up)", f"{announced} in {messages} messages", "-"),
        ("announcements still owed", str(leads - announced), "-"),
    ]
    print_table(title, "bare insert loop, 1 thread, 1 transaction per lead", rows)
    if result.error_samples:
        print("samples of errors:", "; ".join(result.error_samples))
    consistent = stored == created
    mark = "OK" if consistent else "MISMATCH"
    print(f"{mark}: leads stored ({stored}) = 201 answers ({created})")
    verdict(
        result.throughput >= TARGET_RATE and measured.p99 <= TARGET_P99_MS and consistent,
        f">= {TARGET_RATE:.0f} handoffs/s sustained and p99 <= {TARGET_P99_MS:.0f} ms",
        f"measured {result.throughput:.1f}/s, p99 {measured.p99:.1f} ms",
    )
    return 0


def _others(result: LoadResult) -> int:
    return sum(n for status, n in result.statuses.items() if status != 201)


if __name__ == "__main__":
    raise SystemExit(main())
