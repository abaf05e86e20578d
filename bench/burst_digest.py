"""A burst of handoffs against Slack's 1 message/s per channel: digests, pacing, nothing lost.

Run: python -m bench.burst_digest [--leads 5000] [--threads 8] [--max-wait 600] [--quick]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import select

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
from bench.loadgen import SEQ, LoadProcess, LoadResult, Plan
from bot.leads.claim_button import CLAIM_ACTION
from bot.leads.messages import DIGEST_MAX_LEADS
from bot.local.harness import LocalBot
from bot.local.standin import RecordedCall
from storage.engine import make_engine
from storage.models import Lead

SLACK_POSTS_PER_SECOND = 1.0
PROGRESS_EVERY = 15.0


def claim_values(node: Any) -> Iterator[str]:
    """Every Claim button's value (a lead id) anywhere in a message's blocks."""
    if isinstance(node, dict):
        if node.get("action_id") == CLAIM_ACTION and "value" in node:
            yield str(node["value"])
        for value in node.values():
            yield from claim_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from claim_values(item)


def lead_rows(url: str) -> list[tuple[int, str | None]]:
    """Every lead's id and announcement ts, read through a fresh engine."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [
                (row[0], row[1]) for row in connection.execute(select(Lead.id, Lead.announce_ts))
            ]
    finally:
        engine.dispose()


def unannounced(url: str) -> int:
    """How many leads have no announcement ts yet."""
    return sum(1 for _, ts in lead_rows(url) if ts is None)


@dataclass
class Burst:
    """What one burst run observed."""

    leads: int
    threads: int
    result: LoadResult
    remaining: int
    seen_done: float
    began: float
    posts: list[RecordedCall]
    limited: int
    messages: list[dict[str, Any]]
    rows: list[tuple[int, str | None]]


def run_burst(leads: int, threads: int, max_wait: float) -> Burst:
    """Send the burst, then wait (at most max_wait seconds) until every lead is announced."""
    template = handoff_template("burst")
    bodies = tuple(
        tuple(template.replace(SEQ, str(n)).encode() for n in range(t, leads, threads))
        for t in range(threads)
    )
    with tempfile.TemporaryDirectory(prefix="sla-burst-") as tmp, LoadProcess() as load:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        with LocalBot(AGREEMENT, database_url=url) as bot:
            assert bot.bot is not None
            channel = bot.bot.deps.agreement.slack.handoff_channel
            bot.standin.rate_limit_per_channel(SLACK_POSTS_PER_SECOND)
            host, port = host_port(bot.url)
            plan = Plan(
                host,
                port,
                "/api/handoffs",
                api_headers(),
                threads=threads,
                seconds=max(max_wait / 2, 30.0),
                per_thread=max(len(b) for b in bodies),
                bodies=bodies,
            )
            began = time.monotonic()
            result = load.run(plan)
            remaining = unannounced(url)
            next_note = PROGRESS_EVERY
            while remaining and time.monotonic() - began < max_wait:
                time.sleep(0.5)
                remaining = unannounced(url)
                waited = time.monotonic() - began
                if waited >= next_note:
                    done = leads - remaining
                    print(f"... {done}/{leads} announced after {waited:.0f} s", flush=True)
                    next_note = (waited // PROGRESS_EVERY + 1) * PROGRESS_EVERY
            seen_done = time.monotonic() - began
            posts = [
                c for c in bot.standin.calls("chat.postMessage") if c.args.get("channel") == channel
            ]
            return Burst(
                leads=leads,
                threads=threads,
                result=result,
                remaining=remaining,
                seen_done=seen_done,
                began=began,
                posts=posts,
                limited=bot.standin.rate_limited_count,
                messages=[m for m in bot.standin.messages(channel) if not m["ephemeral"]],
                rows=lead_rows(url),
            )


def report(run: Burst) -> None:
    """Print the figures beside Slack's minimum, the integrity check and the verdict."""
    result, leads = run.result, run.leads
    ok_posts = [c for c in run.posts if c.ok]
    statuses = Counter(c.status for c in run.posts)
    first_post = min((c.at for c in ok_posts), default=math.nan) - run.began
    last_post = max((c.at for c in ok_posts), default=math.nan) - run.began
    times = sorted(c.at for c in run.posts)
    gaps = [b - a for a, b in pairwise(times)]
    per_message = [list(claim_values(m["blocks"])) for m in run.messages]
    sizes = [len(v) for v in per_message if v]
    appearances = Counter(v for values in per_message for v in values)
    ts_of = {
        v: m["ts"] for m, values in zip(run.messages, per_message, strict=True) for v in values
    }
    ids = {str(lead_id) for lead_id, _ in run.rows}
    missing = sorted(ids - set(appearances), key=int)
    repeated = sorted((v for v, n in appearances.items() if n > 1), key=int)
    strangers = sorted(set(appearances) - ids, key=int)
    wrong_ts = [lid for lid, ts in run.rows if ts is None or ts_of.get(str(lid)) != ts]
    created = result.statuses.get(201, 0)

    min_messages = math.ceil(leads / DIGEST_MAX_LEADS)
    min_seconds = min_messages / SLACK_POSTS_PER_SECOND
    title = (
        f"Burst: {leads} handoffs from {run.threads} client threads, stand-in limited to "
        f"{SLACK_POSTS_PER_SECOND:.0f} post/s per channel, production pacing"
    )
    table = [
        ("time to store all (s)", f"{result.wall:.1f}", "-"),
        ("handoffs per second (burst)", f"{result.throughput:.1f}", "-"),
        ("201 Created / other / errors", f"{created} / {_others(result)} / {result.errors}", "-"),
        *latency_rows(Latency.of(result.latencies), None),
        (
            "postMessage calls to handoff channel",
            f"{len(run.posts)} ({len(ok_posts)} ok)",
            f"{min_messages} (ceil({leads}/{DIGEST_MAX_LEADS}))",
        ),
        (
            "leads per message min/mean/max",
            _spread(sizes),
            f"{DIGEST_MAX_LEADS}/{DIGEST_MAX_LEADS}/{DIGEST_MAX_LEADS}",
        ),
        ("HTTP 429 answers (rate_limited_count)", str(run.limited), "0"),
        ("gap between posts min/median/max (s)", _gaps(gaps), "1.00/1.00/1.00"),
        ("first announcement posted after (s)", f"{first_post:.1f}", "-"),
        ("last announcement posted after (s)", f"{last_post:.1f}", f"{min_seconds:.0f}"),
        ("all announced (DB poll) after (s)", f"{run.seen_done:.1f}", "-"),
        ("leads without announcement", str(run.remaining), "0"),
        ("leads missing / repeated in messages", f"{len(missing)} / {len(repeated)}", "0 / 0"),
    ]
    rate = f"{SLACK_POSTS_PER_SECOND:.0f}/s"
    print_table(title, f"Slack's limit: ceil(n/{DIGEST_MAX_LEADS}) messages at {rate}", table)
    print(f"postMessage statuses: {dict(statuses)}")
    intact = (
        created == leads
        and len(run.rows) == leads
        and not run.remaining
        and not missing
        and not repeated
        and not strangers
        and not wrong_ts
    )
    if not intact:
        print(
            f"DROPPED OR DUPLICATED: missing {missing[:10]}, repeated {repeated[:10]}, "
            f"unknown {strangers[:10]}, ts mismatch {wrong_ts[:10]}",
            file=sys.stderr,
        )
    print(
        f"{'OK' if intact else 'FAILED'}: every lead ({len(run.rows)}) appears in exactly one "
        "announcement, with that message's ts"
    )
    verdict(
        run.limited == 0 and intact,
        "zero 429s from Slack and no lead dropped",
        f"{run.limited} 429s; last announcement {last_post:.1f} s vs minimum {min_seconds:.0f} s",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the burst and print its figures beside the Slack-limited minimum."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=5000, help="handoffs in the burst")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument(
        "--max-wait", type=float, default=600.0, help="longest wait for delivery (s)"
    )
    parser.add_argument("--quick", action="store_true", help="a 200-lead smoke run")
    args = parser.parse_args(argv)
    leads = 200 if args.quick else args.leads
    threads = min(args.threads, 4) if args.quick else args.threads
    report(run_burst(leads, threads, args.max_wait))
    return 0


def _spread(sizes: list[int]) -> str:
    if not sizes:
        return "-"
    return f"{min(sizes)}/{statistics.fmean(sizes):.1f}/{max(sizes)}"


def _gaps(gaps: list[float]) -> str:
    if not gaps:
        return "-"
    return f"{min(gaps):.2f}/{statistics.median(gaps):.2f}/{max(gaps):.2f}"


def _others(result: LoadResult) -> int:
    return sum(n for status, n in result.statuses.items() if status != 201)


if __name__ == "__main__":
    raise SystemExit(main())
