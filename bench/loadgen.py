"""A bounded HTTP load generator: client threads, one keep-alive http.client connection each.

Standard library only, so that it starts fast in a child process. By default the clients run in
a separate process: in the bot's own process they would compete with the server for
the GIL and the measurement would mostly show the load generator.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import pickle
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Replaced in a body template by a number unique to each request of one plan.
SEQ = "{seq}"
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class Plan:
    """What to send: to where, from how many threads, for how long and how many at most."""

    host: str
    port: int
    path: str
    headers: dict[str, str]
    threads: int
    seconds: float
    per_thread: int
    template: str | None = None
    bodies: tuple[tuple[bytes, ...], ...] | None = None
    signing_secret: str | None = None
    seq_offset: int = 0
    timeout: float = 30.0
    # Races: every thread sends its i-th request at the same instant, then all wait this long.
    race_gap: float | None = None


@dataclass
class ThreadResult:
    """What one client thread saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


@dataclass
class LoadResult:
    """Every latency (seconds), the answers by HTTP status, errors and the wall time."""

    latencies: list[float]
    statuses: dict[int, int]
    errors: int
    error_samples: list[str]
    wall: float
    sent: int

    @property
    def throughput(self) -> float:
        """Answered requests per second of wall time."""
        return len(self.latencies) / self.wall if self.wall > 0 else 0.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _body(plan: Plan, index: int, i: int) -> bytes | None:
    if plan.bodies is not None:
        mine = plan.bodies[index]
        return mine[i] if i < len(mine) else None
    assert plan.template is not None
    seq = plan.seq_offset + index * plan.per_thread + i
    return plan.template.replace(SEQ, str(seq)).encode()


def _client(plan: Plan, index: int, start: threading.Barrier, out: ThreadResult) -> None:
    conn = http.client.HTTPConnection(plan.host, plan.port, timeout=plan.timeout)
    conn.connect()  # set up before the clock starts: only requests are measured
    start.wait()
    out.started = time.perf_counter()
    deadline = out.started + plan.seconds
    try:
        for i in range(plan.per_thread):
            if time.perf_counter() >= deadline:
                break
            body = _body(plan, index, i)
            if body is None:
                break
            if plan.race_gap is not None:
                start.wait()  # everyone clicks the same lead at the same instant
            headers = dict(plan.headers)
            if plan.signing_secret is not None:
                stamp = str(int(time.time()))
                headers["X-Slack-Request-Timestamp"] = stamp
                headers["X-Slack-Signature"] = sign(plan.signing_secret, stamp, body)
            began = time.perf_counter()
            try:
                conn.request("POST", plan.path, body, headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                out.errors += 1
                if len(out.error_samples) < MAX_ERROR_SAMPLES:
                    out.error_samples.append(f"{type(error).__name__}: {error}")
                conn.close()
                conn = http.client.HTTPConnection(plan.host, plan.port, timeout=plan.timeout)
                continue
            out.latencies.append(time.perf_counter() - began)
            out.statuses[response.status] += 1
            if plan.race_gap is not None:
                time.sleep(plan.race_gap)
            if response.status >= 400 and len(out.error_samples) < MAX_ERROR_SAMPLES:
                out.error_samples.append(f"HTTP {response.status}")
    finally:
        out.finished = time.perf_counter()
        conn.close()


def run_load(plan: Plan) -> LoadResult:
    """Run the plan from this process's threads; every thread stops by count or by time."""
    start = threading.Barrier(plan.threads)
    results = [ThreadResult() for _ in range(plan.threads)]
    threads = [
        threading.Thread(target=_client, args=(plan, i, start, results[i]), daemon=True)
        for i in range(plan.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(plan.seconds + plan.timeout + 30)
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    samples: list[str] = []
    for result in results:
        statuses.update(result.statuses)
        latencies.extend(result.latencies)
        samples.extend(result.error_samples)
    began = min((r.started for r in results if r.started), default=0.0)
    ended = max((r.finished for r in results), default=0.0)
    return LoadResult(
        latencies=latencies,
        statuses=dict(statuses),
        errors=sum(r.errors for r in results),
        error_samples=samples[:MAX_ERROR_SAMPLES],
        wall=max(ended - began, 0.0),
        sent=sum(r.errors for r in results) + len(latencies),
    )


def serve() -> None:
    """The child's loop: read pickled plans from stdin, write pickled results to stdout."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            plan = pickle.load(source)
        except EOFError:
            return
        pickle.dump(run_load(plan), sink)
        sink.flush()


class LoadProcess:
    """A child Python process that runs the plans sent to it, one at a time."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from bench.loadgen import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )

    def run(self, plan: Plan) -> LoadResult:
        """Run a plan in the child and return its result (the child is killed if it hangs)."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        watchdog = threading.Timer(plan.seconds + plan.timeout + 120, self._proc.kill)
        watchdog.start()
        try:
            pickle.dump(plan, self._proc.stdin)
            self._proc.stdin.flush()
            result = pickle.load(self._proc.stdout)
        finally:
            watchdog.cancel()
        assert isinstance(result, LoadResult)
        return result

    def close(self) -> None:
        """Stop the child process."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def __enter__(self) -> LoadProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
