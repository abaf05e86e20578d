"""Contended Claim clicks: claim_lead's HTTP ack latency, beside a bare Bolt app that only acks.

Run: python -m bench.claim_ack [--leads 200] [--clickers 20] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlencode

from flask import Flask, Response, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient
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
    wait_until,
)
from bench.loadgen import SEQ, LoadProcess, LoadResult, Plan, run_load
from bench.remote_standin import RemoteStandIn
from bot.leads.claim_button import CLAIM_ACTION
from bot.local.harness import BOT_TOKEN, SIGNING_SECRET, LocalBot
from bot.local.standin import RESPONSE_URL_METHOD, SlackStandIn
from bot.local.standin.payloads import block_actions_payload, message_for_payload
from bot.runtime.heap import freeze_startup_heap
from bot.runtime.server import local_server
from storage.engine import make_engine
from storage.models import Lead, LeadEvent

TARGET_P99_MS = 100.0
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CLICK_SECONDS = 180.0  # the time bound of the click run; it normally ends by count much sooner


def hand_off(bot: LocalBot, count: int) -> int:
    """Hand off count leads through the API; return how many answered 201."""
    host, port = host_port(bot.url)
    template = handoff_template("claim")
    bodies = tuple(
        tuple(template.replace(SEQ, str(n)).encode() for n in range(t, count, 4)) for t in range(4)
    )
    plan = Plan(host, port, "/api/handoffs", api_headers(), 4, 60.0, count, bodies=bodies)
    return run_load(plan).statuses.get(201, 0)


def announced_leads(url: str) -> list[tuple[int, str, str | None]]:
    """Every lead's id, channel and announcement ts."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Lead.id, Lead.announce_channel, Lead.announce_ts))
            return [(r[0], r[1], r[2]) for r in rows]
    finally:
        engine.dispose()


def click_bodies(
    standin: RemoteStandIn,
    leads: list[tuple[int, str, str | None]],
    users: list[str],
    clickers: int,
) -> tuple[tuple[bytes, ...], ...]:
    """Per clicker, one signed-to-be block_actions body per lead, as Slack would send it."""
    messages: dict[tuple[str, str], dict[str, Any]] = {}
    per_clicker = []
    for c in range(clickers):
        user = users[c % len(users)]
        bodies = []
        for lead_id, channel, ts in leads:
            assert ts is not None
            if (channel, ts) not in messages:
                messages[(channel, ts)] = message_for_payload(
                    standin.message(channel, ts), channel, ts
                )
            payload = block_actions_payload(
                action_id=CLAIM_ACTION,
                value=str(lead_id),
                block_id=f"lead-{lead_id}",
                user_id=user,
                user_name=f"user.{user.lower()}",
                trigger_id=standin.issue_trigger_id(),
                action_ts=f"{time.time():.6f}",
                container={
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                channel_id=channel,
                message=messages[(channel, ts)],
                view=None,
                response_url=standin.new_response_url(channel, ts, user),
            )
            bodies.append(urlencode({"payload": json.dumps(payload)}).encode())
        per_clicker.append(tuple(bodies))
    return tuple(per_clicker)


def owners(url: str) -> tuple[dict[int, str | None], dict[int, int]]:
    """Each lead's owner, and how many 'claimed' events each lead has."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            owner = {r[0]: r[1] for r in connection.execute(select(Lead.id, Lead.owner_id))}
            events = {
                r[0]: r[1]
                for r in connection.execute(
                    select(LeadEvent.lead_id, func.count())
                    .where(LeadEvent.kind == "claimed")
                    .group_by(LeadEvent.lead_id)
                )
            }
    finally:
        engine.dispose()
    return owner, events


def bare_bolt(standin: RemoteStandIn) -> Flask:
    """A Bolt app with the same signing secret whose claim_lead listener only acks."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=standin.api_url),
        token_verification_enabled=False,
    )

    @app.action(CLAIM_ACTION)
    def claim(ack: Ack) -> None:
        ack()

    handler = SlackRequestHandler(app)
    web = Flask("bare-bolt")

    @web.post("/slack/events")
    def slack_events() -> Response:
        return handler.handle(request)

    return web


def click_plan(
    url: str, bodies: tuple[tuple[bytes, ...], ...], race_gap: float | None = None
) -> Plan:
    """Every clicker sends its bodies, signed at send time, over one keep-alive connection."""
    host, port = host_port(url)
    return Plan(
        host,
        port,
        "/slack/events",
        FORM,
        threads=len(bodies),
        seconds=CLICK_SECONDS,
        per_thread=max(len(b) for b in bodies),
        bodies=bodies,
        signing_secret=SIGNING_SECRET,
        race_gap=race_gap,
    )


@dataclass
class BotRun:
    """What the clicks against the real bot observed."""

    created: int
    all_announced: bool
    leads: list[tuple[int, str, str | None]]
    bodies: tuple[tuple[bytes, ...], ...]
    result: LoadResult
    cpu: float
    replied: bool
    replies: int
    replies_after: float
    owner: dict[int, str | None]
    claimed_events: dict[int, int]
    reply_spread: Latency

    @property
    def total(self) -> int:
        """Clicks sent."""
        return sum(len(b) for b in self.bodies)


def run_bot(
    load: LoadProcess, standin: RemoteStandIn, count: int, clickers: int, race_gap: float | None
) -> BotRun:
    """Hand off and announce count leads, then let every clicker click every lead."""
    # LocalBot reads only api_url from a stand-in it does not own.
    with LocalBot(AGREEMENT, standin=cast(SlackStandIn, standin), freeze_heap=True) as bot:
        assert bot.bot is not None
        created = hand_off(bot, count)
        url = bot.database_url
        all_announced = wait_until(
            lambda: all(ts for _, _, ts in announced_leads(url)), timeout=120
        )
        leads = sorted(announced_leads(url))
        users = list(bot.bot.deps.agreement.slack.sales_reps) or [
            f"U0CLICK{c:02d}" for c in range(clickers)
        ]
        bodies = click_bodies(standin, leads, users, clickers)
        total = sum(len(b) for b in bodies)
        standin.clear()
        began = time.monotonic()
        cpu = time.process_time()
        result = load.run(click_plan(bot.url, bodies, race_gap))
        cpu = time.process_time() - cpu
        replied = wait_until(lambda: standin.count_calls(RESPONSE_URL_METHOD) >= total, timeout=120)
        replies_after = time.monotonic() - began
        owner, claimed_events = owners(url)
        spread = reply_spread(standin, bodies)
        return BotRun(
            created=created,
            all_announced=all_announced,
            leads=leads,
            bodies=bodies,
            result=result,
            cpu=cpu,
            replied=replied,
            replies=standin.count_calls(RESPONSE_URL_METHOD),
            replies_after=replies_after,
            owner=owner,
            claimed_events=claimed_events,
            reply_spread=spread,
        )


def reply_spread(standin: RemoteStandIn, bodies: tuple[tuple[bytes, ...], ...]) -> Latency:
    """Per lead, how long after its first reply its last clicker was answered."""
    lead_of: dict[str, int] = {}
    for clicker in bodies:
        for body in clicker:
            payload = json.loads(parse_qs(body.decode())["payload"][0])
            token = payload["response_url"].rstrip("/").rsplit("/", 1)[1]
            lead_of[token] = int(payload["actions"][0]["value"])
    arrivals: dict[int, list[float]] = {}
    for call in standin.calls(RESPONSE_URL_METHOD):
        lead = lead_of.get(str(call.args.get("token")))
        if lead is not None:
            arrivals.setdefault(lead, []).append(call.at)
    return Latency.of([max(at) - min(at) for at in arrivals.values()])


def run_baseline(
    load: LoadProcess,
    standin: RemoteStandIn,
    bodies: tuple[tuple[bytes, ...], ...],
    race_gap: float | None,
) -> tuple[LoadResult, float]:
    """The same clicks against the bare Bolt app; its result and the process CPU it used."""
    server = local_server(bare_bolt(standin)).start()
    freeze_startup_heap()  # as the bot's run is measured: like with like
    try:
        cpu = time.process_time()
        result = load.run(click_plan(server.url, bodies, race_gap))
        return result, time.process_time() - cpu
    finally:
        gc.unfreeze()
        server.stop()


def report(
    run: BotRun,
    baseline: LoadResult,
    base_cpu: float,
    count: int,
    clickers: int,
    race_gap: float | None,
) -> None:
    """Print the figures beside the bare Bolt app's, the ownership check and the verdict."""
    result, total = run.result, run.total
    measured = Latency.of(result.latencies)
    base = Latency.of(baseline.latencies)
    clicked = [lead_id for lead_id, _, _ in run.leads]
    one_owner = [
        i for i in clicked if run.owner.get(i) is not None and run.claimed_events.get(i) == 1
    ]
    winners = Counter(run.owner.get(i) for i in clicked)
    mode = (
        f"races: all {clickers} click each lead at the same instant, {race_gap:.2f} s apart"
        if race_gap is not None
        else "closed loop: each clicker clicks the next lead as soon as it is acked"
    )
    title = (
        f"claim_lead clicks: {clickers} clickers x {count} leads "
        f"({total} signed block_actions, every clicker on every lead; {mode})"
    )
    rows = [
        ("clicks acked per second", f"{result.throughput:.1f}", f"{baseline.throughput:.1f}"),
        (
            "server process CPU per click (ms)",
            f"{run.cpu / total * 1000:.2f}",
            f"{base_cpu / total * 1000:.2f}",
        ),
        ("HTTP 200 / other / errors", _answers(result), _answers(baseline)),
        *latency_rows(measured, base),
        ("all listeners done (replies) after (s)", f"{run.replies_after:.1f}", "-"),
        (
            "one lead's replies, first to last p50/p99 (ms)",
            f"{run.reply_spread.p50:.0f} / {run.reply_spread.p99:.0f}",
            "-",
        ),
        ("response_url replies", f"{run.replies}/{total}", "-"),
        ("leads with exactly one owner", f"{len(one_owner)}/{len(clicked)}", "-"),
    ]
    print_table(title, "bare Bolt app, listener only acks", rows)
    print(
        f"handed off {run.created}/{count} (all announced: {run.all_announced}); "
        f"owners: {dict(winners)}"
    )
    if not run.replied:
        print(f"WARNING: only {run.replies} of {total} response_url replies arrived within 120 s")
    exact = len(one_owner) == len(clicked) == count
    print(f"{'OK' if exact else 'FAILED'}: exactly one owner (and one claim event) per lead")
    verdict(
        measured.p99 <= TARGET_P99_MS and result.statuses.get(200, 0) == total and exact,
        f"ack p99 <= {TARGET_P99_MS:.0f} ms, every click acked 200, one owner per lead",
        f"p99 {measured.p99:.1f} ms vs bare Bolt {base.p99:.1f} ms",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the contended clicks against the bot, then against the bare Bolt app."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=200, help="leads to click")
    parser.add_argument("--clickers", type=int, default=20, help="concurrent clickers")
    parser.add_argument("--quick", action="store_true", help="20 leads, 5 clickers")
    parser.add_argument(
        "--closed-loop",
        action="store_true",
        help="saturate: each clicker clicks the next lead as soon as it is acked",
    )
    parser.add_argument(
        "--reply-rtt",
        type=float,
        default=0.0,
        help="seconds each response_url post takes to be answered (Slack is not local)",
    )
    parser.add_argument(
        "--race-gap", type=float, default=0.25, help="seconds between races (default 0.25)"
    )
    args = parser.parse_args(argv)
    race_gap = None if args.closed_loop else args.race_gap
    count = 20 if args.quick else args.leads
    clickers = 5 if args.quick else args.clickers
    # More clickers than waitress threads (16) queue in waitress: expected here, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # Slack runs elsewhere in production: its stand-in gets a process of its own here too.
    with LoadProcess() as load, RemoteStandIn() as standin:
        if args.reply_rtt:
            standin.delay(RESPONSE_URL_METHOD, args.reply_rtt)
        run = run_bot(load, standin, count, clickers, race_gap)
        baseline, base_cpu = run_baseline(load, standin, run.bodies, race_gap)
    report(run, baseline, base_cpu, count, clickers, race_gap)
    return 0


def _answers(result: LoadResult) -> str:
    others = sum(n for status, n in result.statuses.items() if status != 200)
    return f"{result.statuses.get(200, 0)} / {others} / {result.errors}"


if __name__ == "__main__":
    raise SystemExit(main())
