"""Memory: the real bot process's RSS while it ticks over a SQLite database of 100,000 leads.

The database holds a realistic mix: unclaimed and claimed leads waiting on the response ladder,
claimed leads with cadences in progress, and closed leads (reached, won, disqualified, not
reached), with about 300,000 touches in all. The real `sla-bot run` (`python -m bot.cli run`)
is started as a subprocess against it, with SLA_TICK_SECONDS=1 and Slack pointed at a
`SlackStandIn` in this process. Once it answers /healthz, 3% of the leads (3,000) get their
cadence nudge made due over the first two thirds of the window, so that the ticker and the
outbox worker do real work. VmRSS and VmHWM are read from /proc/<pid>/status every 0.5 s for
30 s; then the bot is stopped with SIGTERM.

Baselines: a bare Python process that only imports the libraries (slack_bolt, sqlalchemy,
flask, waitress, apscheduler, pydantic, holidays), and the bot right after start-up on an empty
database. The agreement is the English example with `response.clock: always` and business hours
opened to every day 00:00-23:59, so nudges go out whenever the benchmark runs.

Run: python -m bench.memory_rss [--leads 100000] [--window 30] [--quick]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, update

from bench.nudge_lateness import (
    AGREEMENT_NOTE,
    insert_rows,
    lead_ids,
    nudge_row,
    open_agreement,
    open_hours_data,
)
from bench.tick_idle import bulk_insert, lead_row, print_table, verdict
from bot.local.standin import SlackStandIn
from bot.runtime.clock import utc_now
from sla_rules.agreement import Agreement
from sla_rules.leads import CLAIMED, NOT_REACHED, UNCLAIMED, status_after
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Lead, NotificationLedger, OutboxMessage, Touch
from storage.unit_of_work import Database

ROOT = Path(__file__).resolve().parent.parent
TARGET_MIB = 200.0
POLL_SECONDS = 0.5
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
HOT_SHARE = 0.03
LIBRARIES = "slack_bolt, sqlalchemy, flask, waitress, apscheduler, pydantic, holidays"
BARE_SLEEP = 5.0
EMPTY_WINDOW = 3.0
# The mix of leads, as cumulative shares: hot leads (cadence nudges made due during the window)
# are a share of their own and come on top of these.
MIX = (
    ("unclaimed", 0.10),
    ("claimed, awaiting first touch", 0.20),
    ("cadence in progress", 0.57),
    ("not reached (12 touches)", 0.67),
    ("reached / won / disqualified", 1.00),
)
HOT = "cadence nudge due in the window"
OUTCOME_OF = {"call": "no_answer", "voicemail": "left_voicemail", "email": "email_sent"}
STOP_OUTCOMES = ("connected", "meeting_booked", "won", "disqualified")
SET_BY_BOT = ("SLACK_", "SLA_", "DATABASE_URL", "PORT", "LOG_LEVEL")


@dataclass(frozen=True)
class Sample:
    """One reading of /proc/<pid>/status: seconds since polling began, VmRSS and VmHWM in KiB."""

    at: float
    rss_kib: int
    hwm_kib: int


@dataclass(frozen=True)
class BotRun:
    """What one run of the bot process showed."""

    ready_seconds: float
    ready_rss_kib: int
    samples: list[Sample]
    cpu_seconds: float
    exit_code: int | None
    stop_seconds: float
    log_problems: list[str]


def mib(kib: float) -> float:
    """KiB (as /proc reports them) in MiB."""
    return kib / 1024


def read_status(pid: int) -> tuple[int, int] | None:
    """VmRSS and VmHWM of a live process in KiB, or None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    if len(fields) < 2:
        return None  # a zombie has no memory left to report
    return fields["VmRSS"], fields["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a live process has used (0 once it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def poll(process: subprocess.Popen[bytes], seconds: float) -> list[Sample]:
    """Read the process's memory every POLL_SECONDS for `seconds` or until it exits."""
    samples: list[Sample] = []
    started = time.monotonic()
    for index in range(int(seconds / POLL_SECONDS) + 1):
        time.sleep(max(0.0, started + index * POLL_SECONDS - time.monotonic()))
        reading = read_status(process.pid)
        if reading is None or process.poll() is not None:
            break
        samples.append(Sample(time.monotonic() - started, *reading))
    return samples


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(url: str) -> bool:
    """Whether GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def library_baseline() -> list[Sample]:
    """Memory of a bare Python process that imports the bot's libraries and sleeps."""
    code = f"import {LIBRARIES}; import time; time.sleep({BARE_SLEEP:g})"
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    try:
        return poll(process, BARE_SLEEP + 5)
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> tuple[int | None, float]:
    """SIGTERM the process (SIGKILL after STOP_TIMEOUT); return its exit code and the wait."""
    started = time.monotonic()
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return process.returncode, time.monotonic() - started


class Bot:
    """`python -m bot.cli run` as a subprocess against a database, a stand-in and an agreement."""

    def __init__(
        self, folder: Path, database_url: str, agreement: Path, standin: SlackStandIn
    ) -> None:
        self.port = free_port()
        self.log_path = folder / f"bot-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(SET_BY_BOT)}
        env.update(
            {
                "DATABASE_URL": database_url,
                "SLA_CONFIG": str(agreement),
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": "bench",
                "SLACK_API_URL": standin.api_url,
                "PORT": str(self.port),
                "SLA_TICK_SECONDS": "1",
                "LOG_LEVEL": "INFO",
                "PYTHONPATH": str(ROOT),
            }
        )
        self.env = env
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start the bot and wait until /healthz answers; return the seconds it took."""
        started = time.monotonic()
        with self.log_path.open("wb") as log:
            # The bot runs in the temporary folder so that no stray .env file is read.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{self.port}/healthz"
        deadline = started + READY_TIMEOUT
        for _ in range(int(READY_TIMEOUT / 0.1) + 1):
            if healthy(url):
                return time.monotonic() - started
            if self.process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.stop()
        tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"the bot did not become healthy on port {self.port}:\n{tail}")

    def stop(self) -> tuple[int | None, float]:
        """SIGTERM the bot and wait for it; return its exit code and the seconds the stop took."""
        if self.process is None:
            return None, 0.0
        return stop_process(self.process)

    def problems(self) -> list[str]:
        """The log lines that report errors or tracebacks."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        marks = ("ERROR", "Traceback", "CRITICAL")
        return [line for line in text.splitlines() if any(m in line for m in marks)]


def observe(bot: Bot, window: float, on_ready: Callable[[], None] | None = None) -> BotRun:
    """Start the bot, run `on_ready()` once healthy, poll its memory for `window` s, stop it."""
    ready_seconds = bot.start()
    assert bot.process is not None
    reading = read_status(bot.process.pid)
    ready_rss = reading[0] if reading else 0
    cpu_before = cpu_seconds(bot.process.pid)
    try:
        if on_ready is not None:
            on_ready()
        samples = poll(bot.process, window)
        cpu = cpu_seconds(bot.process.pid) - cpu_before
    finally:
        exit_code, stop_seconds = bot.stop()
    return BotRun(ready_seconds, ready_rss, samples, cpu, exit_code, stop_seconds, bot.problems())


def history(
    agreement: Agreement,
    handed_off_at: datetime,
    count: int,
    actor: str,
    rng: random.Random,
    last_outcome: str | None = None,
) -> list[dict[str, Any]]:
    """The first `count` touches of the cadence's plan, on their planned days after handoff."""
    plan = agreement.cadence.touches
    rows = []
    for index in range(count):
        touch = plan[index]
        minutes = 1 + 20 * index + rng.randint(0, 10)
        rows.append(
            {
                "lead_id": None,
                "kind": touch.kind,
                "outcome": OUTCOME_OF.get(touch.kind, "no_answer"),
                "reason": None,
                "actor": actor,
                "at": handed_off_at + timedelta(days=touch.day, minutes=minutes),
                "click_key": None,
            }
        )
    if rows and last_outcome is not None:
        rows[-1]["outcome"] = last_outcome
    return rows


def mixed_row(
    seq: int, agreement: Agreement, now: datetime, rng: random.Random
) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """One lead of the realistic mix: its kind, its row and its touches (lead_id unset)."""
    if rng.random() < HOT_SHARE:
        row, touch = nudge_row(seq, agreement, now - timedelta(minutes=8), rng)
        row["cadence_due_at"] = now + timedelta(days=30)  # made due once the bot is up
        return HOT, row, [touch]
    draw = rng.random()
    kind = next(name for name, share in MIX if draw < share)
    reps = list(agreement.slack.sales_reps) or ["U0REP1"]
    owner = reps[seq % len(reps)]
    if kind in ("unclaimed", "claimed, awaiting first touch"):
        # Handed off moments ago: the ladder's first step is due in 10 min to 8 h, as in
        # bench.tick_idle, so the sweeper has nothing to fire during the window.
        row = lead_row(seq, agreement, now + timedelta(seconds=rng.uniform(600, 8 * 3600)), rng, 50)
        if kind == "unclaimed":
            row.update(status=UNCLAIMED, owner_id=None, claimed_at=None, claim_seconds=None)
            row["claim_business_seconds"] = None
        else:
            claim = rng.randint(5, 50)
            row.update(status=CLAIMED, owner_id=owner, claim_seconds=claim)
            row["claimed_at"] = row["handed_off_at"] + timedelta(seconds=claim)
            row["claim_business_seconds"] = claim
        return kind, row, []
    plan = agreement.cadence.touches
    if kind == "cadence in progress":
        done = rng.randint(1, 5)
        handed_off_at = now - timedelta(days=plan[done - 1].day + 1, hours=rng.uniform(0, 8))
        touches = history(agreement, handed_off_at, done, owner, rng)
        status, closed_at = CLAIMED, None
    elif kind == "not reached (12 touches)":
        handed_off_at = now - timedelta(days=rng.uniform(14, 90))
        touches = history(agreement, handed_off_at, len(plan), owner, rng)
        status, closed_at = NOT_REACHED, touches[-1]["at"]
    else:
        handed_off_at = now - timedelta(days=rng.uniform(14, 90))
        outcome = rng.choice(STOP_OUTCOMES)
        touches = history(agreement, handed_off_at, rng.randint(1, 4), owner, rng, outcome)
        status, closed_at = status_after(outcome), touches[-1]["at"]
    row = lead_row(seq, agreement, handed_off_at + agreement.response.escalation[0].after, rng, 50)
    claim = rng.randint(5, 50)
    first = touches[0]["at"]
    first_seconds = int((first - handed_off_at).total_seconds())
    open_cadence = status == CLAIMED
    row.update(
        {
            "status": status,
            "owner_id": owner,
            "claimed_at": handed_off_at + timedelta(seconds=claim),
            "claim_seconds": claim,
            "claim_business_seconds": claim,
            "first_touch_at": first,
            "first_touch_seconds": first_seconds,
            "first_touch_business_seconds": first_seconds,
            "next_step": None,
            "next_step_due_at": None,
            "cadence_step": len(touches) + 1 if open_cadence else None,
            "cadence_due_at": (
                now + timedelta(seconds=rng.uniform(600, 3 * 86_400)) if open_cadence else None
            ),
            "cadence_nudges": 0,
            "closed_at": closed_at,
            "close_reason": "no budget this year" if status == "disqualified" else None,
        }
    )
    return kind, row, touches


@dataclass(frozen=True)
class Filled:
    """What the database was filled with."""

    kinds: Counter[str]
    touches: int
    hot_ids: list[int]
    seconds: float
    size_mib: float


def fill(database: Database, path: Path, agreement: Agreement, leads: int) -> Filled:
    """Insert the mix of leads and their touches; return what went in."""
    started = time.perf_counter()
    rng = random.Random(29)
    now = utc_now()
    kinds: Counter[str] = Counter()
    rows, touches_by_lead, hot = [], [], []
    for seq in range(leads):
        kind, row, touches = mixed_row(seq, agreement, now, rng)
        kinds[kind] += 1
        rows.append(row)
        touches_by_lead.append(touches)
        if kind == HOT:
            hot.append(row["external_id"])
    bulk_insert(database, rows)
    ids = lead_ids(database)
    touches = []
    for row, own in zip(rows, touches_by_lead, strict=True):
        for touch in own:
            touch["lead_id"] = ids[row["external_id"]]
            touches.append(touch)
    del rows, touches_by_lead
    insert_rows(database, Touch, touches)
    return Filled(
        kinds,
        len(touches),
        [ids[external] for external in hot],
        time.perf_counter() - started,
        sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*")) / 2**20,
    )


def make_due(database: Database, lead_ids_: Sequence[int], spread: float) -> datetime:
    """Make the leads' cadence nudges due evenly from 2 s from now over `spread` seconds."""
    t0 = utc_now() + timedelta(seconds=2)
    if not lead_ids_:
        return t0
    gap = timedelta(seconds=spread) / len(lead_ids_)
    values = [{"id": i, "cadence_due_at": t0 + n * gap} for n, i in enumerate(lead_ids_)]
    with database.unit_of_work() as session:
        session.execute(update(Lead), values)
    return t0


@dataclass(frozen=True)
class Work:
    """What the bot did during the window, read from its database afterwards."""

    nudges: int
    outbox_written: int
    outbox_sent: int
    outbox_pending: int


def work_done(database: Database, since: datetime) -> Work:
    """Count the nudges fired and outbox rows written and sent since `since`."""
    with database.reading() as session:
        nudges = session.scalar(
            select(func.count())
            .select_from(NotificationLedger)
            .where(NotificationLedger.step.like("cadence:%"), NotificationLedger.fired_at >= since)
        )
        by_status = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.created_at >= since)
                .group_by(OutboxMessage.status)
            ).all()
        )
    return Work(
        nudges or 0,
        sum(by_status.values()),
        by_status.get("sent", 0),
        by_status.get("pending", 0),
    )


def steady_kib(samples: Sequence[Sample], window: float) -> int:
    """The median VmRSS over the last third of the window (0 without samples)."""
    tail = [s.rss_kib for s in samples if s.at >= window * 2 / 3] or [s.rss_kib for s in samples]
    return int(statistics.median(tail)) if tail else 0


def peak_kib(samples: Sequence[Sample]) -> int:
    """The highest VmHWM seen (the kernel's own high-water mark, spikes between polls too)."""
    return max((s.hwm_kib for s in samples), default=0)


def timeline(samples: Sequence[Sample], every: float) -> str:
    """VmRSS in MiB every `every` seconds, for the report."""
    marks, next_at = [], 0.0
    for sample in samples:
        if sample.at >= next_at:
            marks.append(f"{sample.at:.0f}s {mib(sample.rss_kib):.0f}")
            next_at += every
    return ", ".join(marks)


def migrated(path: Path) -> Database:
    """A migrated SQLite database at `path`."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return Database(engine)


def run(leads: int, window: float) -> None:
    """Measure the baselines, fill the database, watch the bot for the window, print the report."""
    print(AGREEMENT_NOTE)
    agreement = open_agreement()
    with tempfile.TemporaryDirectory(prefix="sla-bench-rss-") as name, SlackStandIn() as standin:
        folder = Path(name)
        agreement_path = folder / "agreement.yaml"
        agreement_path.write_text(yaml.safe_dump(open_hours_data(), sort_keys=False), "utf-8")

        bare = library_baseline()
        bare_rss = bare[-1].rss_kib if bare else 0
        print(f"bare libraries: VmRSS {mib(bare_rss):.1f} MiB ({len(bare)} samples)", flush=True)

        empty_db = folder / "empty.db"
        empty = observe(Bot(folder, f"sqlite:///{empty_db}", agreement_path, standin), EMPTY_WINDOW)
        print(
            f"bot on an empty database: ready in {empty.ready_seconds:.1f} s, VmRSS "
            f"{mib(empty.ready_rss_kib):.1f} MiB",
            flush=True,
        )

        path = folder / "sla.db"
        database = migrated(path)
        try:
            filled = fill(database, path, agreement, leads)
            mix = ", ".join(f"{kind} {n:,}" for kind, n in sorted(filled.kinds.items()))
            print(
                f"filled {leads:,} leads and {filled.touches:,} touches in {filled.seconds:.1f} s "
                f"({filled.size_mib:.0f} MiB on disk): {mix}",
                flush=True,
            )
            spread = window * 2 / 3
            due_from: list[datetime] = []

            def hot_nudges() -> None:
                due_from.append(make_due(database, filled.hot_ids, spread))

            print(
                f"running the bot for {window:g} s; {len(filled.hot_ids):,} nudges fall due over "
                f"its first {spread:.0f} s ...",
                flush=True,
            )
            full = observe(
                Bot(folder, f"sqlite:///{path}", agreement_path, standin), window, hot_nudges
            )
            work = work_done(database, due_from[0] - timedelta(seconds=2))
        finally:
            database.dispose()
        posts = len(standin.calls("chat.postMessage"))

    peak, steady = peak_kib(full.samples), steady_kib(full.samples, window)
    end = full.samples[-1].rss_kib if full.samples else 0
    empty_peak = peak_kib(empty.samples)
    base = f"{mib(bare_rss):.1f} / {mib(empty.ready_rss_kib):.1f}"
    table = [
        (
            "peak RSS, max VmHWM (MiB)",
            f"{mib(peak):.1f}",
            f"{mib(peak_kib(bare)):.1f} / {mib(empty_peak):.1f}",
        ),
        ("steady RSS, median of last third (MiB)", f"{mib(steady):.1f}", base),
        ("RSS right after start-up (MiB)", f"{mib(full.ready_rss_kib):.1f}", base),
        ("RSS at the end of the window (MiB)", f"{mib(end):.1f}", "-"),
        ("growth over the window (MiB)", f"{mib(end - full.ready_rss_kib):+.1f}", "-"),
        (
            "start-up until /healthz (s)",
            f"{full.ready_seconds:.1f}",
            f"- / {empty.ready_seconds:.1f}",
        ),
        ("bot CPU in the window (s)", f"{full.cpu_seconds:.1f}", f"- / {empty.cpu_seconds:.1f}"),
        ("nudges fired in the window", f"{work.nudges:,}", f"{len(filled.hot_ids):,} made due"),
        ("outbox rows written / sent", f"{work.outbox_written:,} / {work.outbox_sent:,}", "-"),
        ("outbox rows still pending at stop", f"{work.outbox_pending:,}", "-"),
        ("posts received by the stand-in", f"{posts:,}", "-"),
        (
            "memory samples (every 0.5 s)",
            f"{len(full.samples)}",
            f"{len(bare)} / {len(empty.samples)}",
        ),
        (
            "exit code after SIGTERM (stop s)",
            f"{full.exit_code} ({full.stop_seconds:.1f})",
            f"- / {empty.exit_code}",
        ),
        (
            "error lines in the bot's log",
            f"{len(full.log_problems)}",
            f"- / {len(empty.log_problems)}",
        ),
    ]
    print_table(
        f"Bot RSS: {leads:,} leads, {filled.touches:,} touches, {window:g} s ticking every 1 s "
        f"(load average {os.getloadavg()[0]:.2f})",
        "bare libraries / bot on an empty database",
        table,
    )
    print()
    print(f"VmRSS timeline (MiB): {timeline(full.samples, 5.0)}")
    for line in full.log_problems[:10]:
        print(f"bot log: {line}")
    verdict(
        0 < peak <= TARGET_MIB * 1024,
        f"RSS <= {TARGET_MIB:g} MiB with {leads:,} leads in the database",
        f"peak {mib(peak):.1f} MiB, steady {mib(steady):.1f} MiB, libraries alone "
        f"{mib(bare_rss):.1f} MiB, empty database {mib(empty.ready_rss_kib):.1f} MiB",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the benchmark; exit 0 whether or not the target is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the database")
    parser.add_argument("--window", type=float, default=30.0, help="seconds the bot runs")
    parser.add_argument("--quick", action="store_true", help="10,000 leads, 10 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.leads, args.window = 10_000, 10.0
    run(max(1, args.leads), min(600.0, max(2.0, args.window)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
