"""Where a handoff's time goes: SQLite write-lock waits and holds per thread kind, and profiles.

Run: python -m bench.diagnose [handoffs|claims] [--serialize-writes] [--quiet-wakes]
     [--read-first-claims] [--listener-threads N] [--no-outbox] [--profile]

Instruments the running bot from the outside (SQLAlchemy engine events, wrappers installed at
run time); no project file is changed. Remedies to try: --serialize-writes makes every write
unit of work take a process-wide lock, so threads queue on a mutex instead of sleeping in
SQLite's busy handler; --quiet-wakes makes the outbox worker ignore the wake-up that every
handoff commit sends and poll every idle_seconds instead; --read-first-claims answers a click
on an owned lead from a read, without the write lock; --listener-threads widens Bolt's pool;
--ack-first acks in the request thread and claims in a lazy listener.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from sqlalchemy import Engine, event

from bench import claim_ack
from bench.common import AGREEMENT, Latency, api_headers, handoff_template, host_port
from bench.loadgen import LoadProcess, Plan
from bot.leads.claim_button import CLAIM_ACTION
from bot.leads.claims import Claims
from bot.leads.results import ClaimOutcome, ClaimResult
from bot.local.harness import LocalBot
from bot.outbox.worker import OutboxWorker
from bot.ui.lead_view import LeadView
from handlers import actions
from storage import leads as repo
from storage import unit_of_work
from storage.engine import READ_ONLY_OPTION


@dataclass
class LockStats:
    """BEGIN waits and write-transaction hold times, by thread kind."""

    waits: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    holds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, table: dict[str, list[float]], kind: str, seconds: float) -> None:
        """Record one figure."""
        with self.lock:
            table[kind].append(seconds)


def thread_kind() -> str:
    """Group threads: the outbox worker, waitress request threads, or other."""
    name = threading.current_thread().name
    if name == "outbox":
        return "outbox"
    if name.startswith("waitress"):
        return "http"
    return name.split("-")[0].split("_")[0] or "other"


def instrument(engine: Engine, stats: LockStats) -> None:
    """Time each write BEGIN IMMEDIATE (the wait for the lock) and how long the lock is held."""
    local = threading.local()

    def before_begin(connection: Any) -> None:
        local.begin_at = time.perf_counter()

    def after_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            local.write_since = None
            return
        now = time.perf_counter()
        stats.add(stats.waits, thread_kind(), now - getattr(local, "begin_at", now))
        local.write_since = now

    def end(connection: Any) -> None:
        since = getattr(local, "write_since", None)
        if since is not None:
            stats.add(stats.holds, thread_kind(), time.perf_counter() - since)
            local.write_since = None

    # The engine's own listener emits BEGIN IMMEDIATE: put ours either side of it.
    existing = list(engine.dispatch.begin)
    for listener in existing:
        event.remove(engine, "begin", listener)
    event.listen(engine, "begin", before_begin)
    for listener in existing:
        event.listen(engine, "begin", listener)
    event.listen(engine, "begin", after_begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)


def serialize_writes() -> None:
    """Make every write unit of work hold one process-wide lock (the remedy under test)."""
    gate = threading.Lock()
    original = unit_of_work.UnitOfWork

    class SerializedUnitOfWork(original):  # type: ignore[misc, valid-type]
        def __enter__(self) -> Any:
            gate.acquire()
            try:
                return super().__enter__()
            except BaseException:
                gate.release()
                raise

        def __exit__(self, *exc: Any) -> None:
            try:
                super().__exit__(*exc)
            finally:
                gate.release()

    def writes(self: unit_of_work.Database) -> unit_of_work.UnitOfWork:
        return SerializedUnitOfWork(self.sessions)

    unit_of_work.Database.unit_of_work = writes  # type: ignore[method-assign]


class Profiles:
    """One cProfile per thread started after install(), merged by thread kind at the end."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[cProfile.Profile]] = defaultdict(list)
        self.lock = threading.Lock()

    def install(self) -> None:
        """Profile every thread started from now on."""

        def start(frame: FrameType, what: str, arg: Any) -> None:
            sys.setprofile(None)
            profile = cProfile.Profile()
            with self.lock:
                self.by_kind[thread_kind()].append(profile)
            profile.enable()

        threading.setprofile(start)  # type: ignore[arg-type]

    def report(self, top: int, sort: str = "cumulative") -> str:
        """The top functions for each thread kind, by cumulative or own time."""
        threading.setprofile(None)  # type: ignore[arg-type]
        out = io.StringIO()
        for kind, profiles in sorted(self.by_kind.items()):
            merged: pstats.Stats | None = None
            for profile in profiles:
                try:
                    stats = pstats.Stats(profile, stream=out)
                except TypeError:  # a thread that never ran anything
                    continue
                if merged is None:
                    merged = stats
                else:
                    merged.add(stats)
            if merged is None:
                continue
            out.write(f"\n=== {kind} threads ({len(profiles)}): top {top} by {sort}\n")
            merged.sort_stats(sort).print_stats(top)
        return out.getvalue()


def count_worker_passes() -> dict[str, float]:
    """Count the outbox worker's lease passes and their time (wraps _lease_groups)."""
    counts: dict[str, float] = {"passes": 0, "empty": 0, "seconds": 0.0}
    original = OutboxWorker._lease_groups

    def counted(self: OutboxWorker) -> Any:
        began = time.perf_counter()
        groups = original(self)
        counts["seconds"] += time.perf_counter() - began
        counts["passes"] += 1
        counts["empty"] += 0 if groups else 1
        return groups

    OutboxWorker._lease_groups = counted  # type: ignore[method-assign]
    return counts


def quiet_wakes() -> None:
    """The remedy under test for the worker: ignore per-commit wakes, poll every idle_seconds."""

    def wake(self: OutboxWorker) -> None:
        return None

    OutboxWorker.wake = wake  # type: ignore[method-assign]


def read_first_claims() -> None:
    """The remedy under test for clicks: answer a lead that already has an owner from a read."""
    original = Claims.claim

    def claim(self: Claims, lead_id: int, user_id: str) -> ClaimResult:
        if self.agreement.slack.may_claim(user_id):
            with self.database.reading() as session:
                lead = repo.lead_by_id(session, lead_id)
                if lead is not None and lead.owner_id is not None:
                    outcome: ClaimOutcome = "yours" if lead.owner_id == user_id else "taken"
                    return ClaimResult(outcome, LeadView.of(lead))
        return original(self, lead_id, user_id)

    Claims.claim = claim  # type: ignore[method-assign]


def wider_listener_pool(workers: int) -> None:
    """The remedy under test for acks: give Bolt's listener executor more threads than 5."""
    original = LocalBot.start

    def start(self: LocalBot) -> LocalBot:
        started = original(self)
        assert self.bot is not None
        runner: Any = self.bot.bolt._listener_runner
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="listener")
        runner.listener_executor = pool
        runner.lazy_listener_runner.executor = pool
        return started

    LocalBot.start = start  # type: ignore[method-assign]


def ack_first() -> None:
    """The remedy under test for acks: ack in the request thread, claim in a lazy listener."""
    original_register = actions.register
    original_start = LocalBot.start

    class ClaimLazily:
        """Passes every registration through, except claim_lead's, which becomes ack + lazy."""

        def __init__(self, app: Any) -> None:
            self._app = app

        def __getattr__(self, name: str) -> Any:
            return getattr(self._app, name)

        def action(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
            if constraints != CLAIM_ACTION:
                return self._app.action(constraints, *args, **kwargs)

            def decorate(listener: Any) -> Any:
                def ack_only(ack: Any) -> None:
                    ack()

                self._app.action(CLAIM_ACTION)(ack=ack_only, lazy=[listener])
                return listener

            return decorate

    def register(app: Any, deps: Any) -> None:
        original_register(ClaimLazily(app), deps)

    def start(self: LocalBot) -> LocalBot:
        started = original_start(self)
        assert self.bot is not None
        self.bot.bolt._listener_runner.process_before_response = True
        return started

    actions.register = register
    LocalBot.start = start  # type: ignore[method-assign]


def print_lock_stats(stats: LockStats) -> None:
    """Print the BEGIN waits and write holds per thread kind."""
    print(
        f"{'thread kind':<20}{'writes':>8}{'wait p50':>10}{'wait p99':>10}{'wait max':>10}"
        f"{'hold p50':>10}{'hold p99':>10}{'held total':>12}"
    )
    for kind in sorted(stats.holds):
        wait = Latency.of(stats.waits[kind])
        hold = Latency.of(stats.holds[kind])
        total = sum(stats.holds[kind])
        print(
            f"{kind:<20}{hold.count:>8}{wait.p50:>8.2f}ms{wait.p99:>8.1f}ms{wait.max:>8.0f}ms"
            f"{hold.p50:>8.2f}ms{hold.p99:>8.1f}ms{total:>11.2f}s"
        )


def handoffs(args: argparse.Namespace, stats: LockStats) -> None:
    """The handoff load of bench.handoff_throughput, instrumented."""
    passes = count_worker_passes()
    with LoadProcess() as load, LocalBot(AGREEMENT, background=False) as bot:
        assert bot.bot is not None
        instrument(bot.bot.deps.database.engine, stats)
        if not args.no_outbox:
            bot.bot.start_background()
        host, port = host_port(bot.url)
        plan = Plan(
            host,
            port,
            "/api/handoffs",
            api_headers(),
            threads=args.threads,
            seconds=args.seconds,
            per_thread=int(args.seconds * 2000),
            template=handoff_template("diag"),
        )
        result = load.run(plan)
    latency = Latency.of(result.latencies)
    outbox = "off" if args.no_outbox else "on"
    print(
        f"\n{args.threads} threads, {args.seconds:.0f} s, outbox {outbox}: "
        f"{result.throughput:.1f}/s, p50 {latency.p50:.1f} ms, p99 {latency.p99:.1f} ms, "
        f"max {latency.max:.1f} ms, statuses {result.statuses}"
    )
    print(
        f"outbox lease passes: {passes['passes']:.0f} ({passes['empty']:.0f} sent nothing), "
        f"{passes['seconds']:.2f} s in them"
    )


def claims(args: argparse.Namespace, stats: LockStats) -> None:
    """The contended clicks of bench.claim_ack, instrumented (its baseline runs too)."""
    original = LocalBot.start

    def start(self: LocalBot) -> LocalBot:
        started = original(self)
        assert self.bot is not None
        instrument(self.bot.deps.database.engine, stats)
        return started

    LocalBot.start = start  # type: ignore[method-assign]
    claim_ack.main(["--leads", str(args.leads), "--clickers", str(args.clickers)])


def main(argv: list[str] | None = None) -> int:
    """Run a load with instruments (and any remedies asked for) and print where time went."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("load", nargs="?", choices=["handoffs", "claims"], default="handoffs")
    parser.add_argument("--seconds", type=float, default=8.0, help="handoffs: duration")
    parser.add_argument("--threads", type=int, default=8, help="handoffs: client threads")
    parser.add_argument("--leads", type=int, default=100, help="claims: leads to click")
    parser.add_argument("--clickers", type=int, default=20, help="claims: clickers")
    parser.add_argument("--no-outbox", action="store_true", help="handoffs: no outbox worker")
    parser.add_argument("--serialize-writes", action="store_true")
    parser.add_argument("--quiet-wakes", action="store_true")
    parser.add_argument("--read-first-claims", action="store_true")
    parser.add_argument("--listener-threads", type=int, default=0, help="Bolt executor size")
    parser.add_argument("--ack-first", action="store_true", help="claims: ack, then lazy work")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    args = parser.parse_args(argv)

    remedies = []
    if args.serialize_writes:
        serialize_writes()
        remedies.append("writes serialized")
    if args.quiet_wakes:
        quiet_wakes()
        remedies.append("outbox wakes ignored")
    if args.read_first_claims:
        read_first_claims()
        remedies.append("claims read first")
    if args.listener_threads:
        wider_listener_pool(args.listener_threads)
        remedies.append(f"{args.listener_threads} listener threads")
    if args.ack_first:
        ack_first()
        remedies.append("ack first, claim lazily")
    print(f"remedies under test: {', '.join(remedies) or 'none (as shipped)'}")
    profiles = Profiles()
    if args.profile:
        profiles.install()
    stats = LockStats()
    if args.load == "handoffs":
        handoffs(args, stats)
    else:
        claims(args, stats)
    print_lock_stats(stats)
    if args.profile:
        print(profiles.report(args.top, args.sort))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
