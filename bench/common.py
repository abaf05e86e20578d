"""What the benchmarks share: latency statistics, the report table and small helpers."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.local.harness import API_TOKEN

ROOT = Path(__file__).resolve().parent.parent
AGREEMENT = ROOT / "examples" / "agreement.en.yaml"
RESULT_DATE = "2026-11-27"


@dataclass(frozen=True)
class Latency:
    """Latency percentiles in milliseconds (nearest rank) and the sample count."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        """Summarise a list of latencies given in seconds."""
        if not seconds:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        ordered = sorted(seconds)
        return cls(
            count=len(ordered),
            p50=percentile(ordered, 50) * 1000,
            p95=percentile(ordered, 95) * 1000,
            p99=percentile(ordered, 99) * 1000,
            max=ordered[-1] * 1000,
            mean=sum(ordered) / len(ordered) * 1000,
        )


def percentile(ordered: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of an already sorted, non-empty sequence."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


Row = tuple[str, str, str]


def latency_rows(measured: Latency, baseline: Latency | None) -> list[Row]:
    """Table rows for p50/p95/p99/max, the baseline beside each (or a dash)."""
    rows: list[Row] = []
    for name in ("p50", "p95", "p99", "max"):
        base = "-" if baseline is None else f"{getattr(baseline, name):.2f}"
        rows.append((f"latency {name} (ms)", f"{getattr(measured, name):.2f}", base))
    return rows


def print_table(title: str, baseline_name: str, rows: Sequence[Row]) -> None:
    """Print the figures with the baseline beside them."""
    print()
    print(title)
    width = max(len(r[0]) for r in rows) + 2
    head_m, head_b = "measured", f"baseline: {baseline_name}"
    col = max(14, *(len(r[1]) + 2 for r in rows))
    print(f"{'':<{width}}{head_m:>{col}}   {head_b}")
    for name, measured, baseline in rows:
        print(f"{name:<{width}}{measured:>{col}}   {baseline}")


def verdict(passed: bool, target: str, details: str = "") -> None:
    """Print the pass/fail line against the target."""
    suffix = f" ({details})" if details else ""
    print(f"{'PASS' if passed else 'FAIL'}: target {target}{suffix}")


def handoff_template(run: str) -> str:
    """A JSON handoff body whose external_id and email are made unique per request."""
    body = {
        "external_id": f"bench-{run}-{{seq}}",
        "name": "Bench Lead {seq}",
        "email": f"lead-{run}-{{seq}}@example.com",
        "phone": "+52 55 1234 5678",
        "company": "Bench Co",
        "source": "benchmark",
        "reason": "Asked for a demo",
    }
    return json.dumps(body)


def api_headers() -> dict[str, str]:
    """Headers of a POST /api/handoffs."""
    return {"Content-Type": "application/json", "Authorization": f"Bearer {API_TOKEN}"}


def wait_until(predicate: Callable[[], bool], timeout: float, every: float = 0.25) -> bool:
    """Poll predicate until it holds or timeout seconds pass; tell whether it held."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


def host_port(url: str) -> tuple[str, int]:
    """The host and port of an http://host:port URL."""
    rest = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = rest.partition(":")
    return host, int(port)
