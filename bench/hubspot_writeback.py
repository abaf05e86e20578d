"""1,000 touches written back to HubSpot at its rate limit: no 429, nothing repeated.

The real bot (LocalBot) logs touches on HubSpot leads; the outbox's ext:hubspot lane writes
each one (a call engagement, then the contact's hs_lead_status) through hubspot-api-client to a
HubSpot fake over HTTP that enforces `per_10s` calls in any 10 s (answering 429 beyond it).
Baseline: the limit's minimum, calls / (per_10s / 10 s).
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from bench.common import AGREEMENT
from bot.cadence.requests import TouchRequest
from bot.crm import hubspot_map as hub
from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake
from bot.local.standin import SlackStandIn
from storage.models import OutboxMessage

REP = "U0REP1"
KINDS = [("call", "no_answer"), ("voicemail", "left_voicemail"), ("email", "email_sent")]


def hubspot_pending(bot: LocalBot) -> int:
    """Rows the ext:hubspot lane still owes."""
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.channel == hub.LANE, OutboxMessage.status == "pending")
            )
            or 0
        )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--touches", type=int, default=1000)
    parser.add_argument("--per-lead", type=int, default=10)
    parser.add_argument("--per-10s", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    touches = 40 if args.quick else args.touches
    leads = max(1, touches // args.per_lead)
    with HubSpotFake() as fake, SlackStandIn() as standin:
        fake.state.owners["rep1@acme.test"] = "7001"
        standin.add_user(REP, "rep1", real_name="Rep One", email="rep1@acme.test")
        env = {
            "HUBSPOT_ACCESS_TOKEN": "pat-bench",
            "HUBSPOT_API_URL": fake.url,
            "HUBSPOT_RATE_PER_10S": str(args.per_10s),
        }
        with LocalBot(
            AGREEMENT, standin=standin, ticker=False, pace_seconds=0.02, extra_env=env
        ) as bot:
            assert bot.bot is not None
            ids = []
            for n in range(leads):
                _, answer = bot.api(
                    "/api/handoffs",
                    {
                        "external_id": f"hubspot:{1000 + n}",
                        "name": f"Lead {n}",
                        "email": f"l{n}@e.com",
                    },
                )
                ids.append(int(answer["id"].removeprefix("L-")))
            for lead in ids:
                bot.bot.cases.claims.claim(lead, REP)
            while hubspot_pending(bot):  # the claims' writes first: time the touches alone
                time.sleep(0.05)
            fake.state.window.clear()
            started_calls = len(fake.state.calls)
            logged = 0
            start = time.monotonic()
            for index in range(touches):
                kind, outcome = KINDS[index % len(KINDS)]
                result = bot.bot.cases.touches.log(
                    TouchRequest(ids[index % leads], kind, outcome, REP)
                )
                logged += result.outcome == "logged"
            while hubspot_pending(bot):
                time.sleep(0.05)
            took = time.monotonic() - start
            calls = fake.state.calls[started_calls:]
            engagements = [o for kind in ("calls", "emails") for o in fake.engagements(kind)]
            tags = [o["properties"][hub.TAG_PROPERTY] for o in engagements]
            limited = sum(c.status == 429 for c in calls)
            minimum = len(calls) / (args.per_10s / 10)
            print(f"touches logged           {logged} ({touches} asked, {leads} leads)")
            print(f"engagements in HubSpot   {len(engagements)} (distinct tags {len(set(tags))})")
            print(f"HubSpot calls            {len(calls)} (429s: {limited})")
            print(f"time to write back       {took:.1f} s")
            print(f"limit's minimum          {minimum:.1f} s at {args.per_10s} calls / 10 s")
            print(f"ratio                    {took / minimum:.2f}x the minimum")
            ok = limited == 0 and len(tags) == len(set(tags)) == logged
            print("PASS" if ok else "FAIL", "no 429, every touch written once")


if __name__ == "__main__":
    main()
