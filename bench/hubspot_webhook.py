"""HubSpot's workflow webhooks at a steady 100 requests/s, beside bare POST /api/handoffs.

Each request is a signed workflow contact (X-HubSpot-Signature-v3 over PUBLIC_URL) with its own
contact ID, so each one verifies a signature, maps the properties, stores and announces a lead.
The baseline is the same rate of bearer-token handoffs on a fresh bot: the difference is the
HubSpot path's own cost (signature, mapping, receipt). A third run sends subscription events
(EVENTS_PER_REQUEST a request) whose contacts the HubSpot stand-in answers READ_DELAY late:
the answer must not wait for those reads (they happen after it, on the inbox's own pool).

Run: python -m bench.hubspot_webhook [--seconds 20] [--rate 100]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from bench.common import (
    AGREEMENT,
    Latency,
    api_headers,
    host_port,
    latency_rows,
    print_table,
    verdict,
)
from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake, hubspot_headers

TARGET_P99_MS = 50.0
SECRET = "bench-hubspot-secret"
CONNECTIONS = 4
EVENTS_PER_REQUEST = 10
READ_DELAY = 0.2  # seconds a real HubSpot contact read may take
Body = Callable[[int], tuple[bytes, dict[str, str]]]


def paced(url: str, path: str, body: Body, rate: float, seconds: float) -> tuple[list[float], int]:
    """Send `rate` requests a second for `seconds` over a few keep-alive connections."""
    host, port = host_port(url)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = time.monotonic() + 0.2
    per_thread = rate / CONNECTIONS
    total = int(seconds * per_thread)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        for n in range(total):
            due = start + n / per_thread + index / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            data, headers = body(index * total + n)
            sent = time.perf_counter()
            connection.request("POST", path, body=data, headers=headers)
            answer = connection.getresponse()
            answer.read()
            took = time.perf_counter() - sent
            with lock:
                latencies.append(took)
                if answer.status >= 300:
                    failures[0] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def hubspot_body(public: str) -> Body:
    """A signed workflow contact with its own ID."""

    def make(n: int) -> tuple[bytes, dict[str, str]]:
        contact = {
            "objectId": 10_000 + n,
            "properties": {
                "firstname": "Bench",
                "lastname": f"Contact {n}",
                "email": f"contact{n}@example.com",
                "company": "Bench Co",
                "lifecyclestage": "marketingqualifiedlead",
                "hs_analytics_source": "ORGANIC_SEARCH",
            },
        }
        data = json.dumps(contact).encode()
        headers = {"Content-Type": "application/json"}
        headers.update(hubspot_headers(SECRET, "POST", public + "/api/hubspot", data))
        return data, headers

    return make


def events_body(public: str) -> Body:
    """A signed batch of subscription events, each about its own contact."""

    def make(n: int) -> tuple[bytes, dict[str, str]]:
        events = [
            {
                "eventId": n * EVENTS_PER_REQUEST + k,
                "objectId": 50_000 + n * EVENTS_PER_REQUEST + k,
                "subscriptionType": "contact.propertyChange",
                "propertyName": "lifecyclestage",
                "occurredAt": 1_796_000_000_000 + n,
            }
            for k in range(EVENTS_PER_REQUEST)
        ]
        data = json.dumps(events).encode()
        headers = {"Content-Type": "application/json"}
        headers.update(hubspot_headers(SECRET, "POST", public + "/api/hubspot", data))
        return data, headers

    return make


def handoff_body(n: int) -> tuple[bytes, dict[str, str]]:
    """A bare bearer-token handoff with its own external_id."""
    body = {"external_id": f"bench-{n}", "name": f"Bench Lead {n}", "email": f"l{n}@example.com"}
    return json.dumps(body).encode(), api_headers()


def _body(kind: str, public: str) -> Body:
    return {
        "handoff": handoff_body,
        "hubspot": hubspot_body(public),
        "events": events_body(public),
    }[kind]


def _paced_by_kind(
    url: str, path: str, kind: str, public: str, rate: float, seconds: float
) -> tuple[list[float], int]:
    return paced(url, path, _body(kind, public), rate, seconds)


def from_outside(
    url: str, path: str, kind: str, rate: float, seconds: float, public: str = ""
) -> tuple[list[float], int]:
    """`paced` from a process of its own, as HubSpot calls from outside: the load generator's
    threads do not share the bot's interpreter lock, which would add their time to its answers."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_paced_by_kind, url, path, kind, public, rate, seconds).result()


def main() -> None:
    """Measure both paths and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()
    with LocalBot(AGREEMENT, ticker=False) as bare:
        base, base_failed = from_outside(
            bare.url, "/api/handoffs", "handoff", args.rate, args.seconds
        )
    # PUBLIC_URL as HubSpot would call it: the bot signs against it, not its own bind address.
    public = "https://sla.example.com"
    env = {"HUBSPOT_CLIENT_SECRET": SECRET, "PUBLIC_URL": public}
    with LocalBot(AGREEMENT, ticker=False, extra_env=env) as bot:
        hub, hub_failed = from_outside(
            bot.url, "/api/hubspot", "hubspot", args.rate, args.seconds, public
        )
    with HubSpotFake() as fake:
        fake.state.delay = READ_DELAY
        for n in range(int(args.rate * args.seconds) + CONNECTIONS):
            for k in range(EVENTS_PER_REQUEST):
                fake.state.contacts[str(50_000 + n * EVENTS_PER_REQUEST + k)] = {
                    "firstname": "Bench",
                    "lastname": f"Event {n}.{k}",
                    "email": f"event{n}.{k}@example.com",
                    "lifecyclestage": "marketingqualifiedlead",
                }
        events_env = {**env, "HUBSPOT_ACCESS_TOKEN": "pat-bench", "HUBSPOT_API_URL": fake.url}
        with LocalBot(AGREEMENT, ticker=False, extra_env=events_env) as bot:
            events, events_failed = from_outside(
                bot.url, "/api/hubspot", "events", args.rate, args.seconds, public
            )
    measured, baseline, batches = Latency.of(hub), Latency.of(base), Latency.of(events)
    print_table(
        f"POST /api/hubspot at {args.rate:.0f} req/s for {args.seconds:.0f} s "
        f"({measured.count} requests, {hub_failed} not 2xx)",
        f"POST /api/handoffs at the same rate ({baseline.count} requests, {base_failed} not 2xx)",
        latency_rows(measured, baseline),
    )
    print_table(
        f"POST /api/hubspot, {EVENTS_PER_REQUEST} subscription events a request, contact reads "
        f"{READ_DELAY * 1000:.0f} ms late ({batches.count} requests, {events_failed} not 2xx)",
        f"POST /api/handoffs at the same rate ({baseline.count} requests, {base_failed} not 2xx)",
        latency_rows(batches, baseline),
    )
    ok = (
        measured.p99 <= TARGET_P99_MS
        and batches.p99 <= TARGET_P99_MS
        and hub_failed == 0
        and events_failed == 0
    )
    verdict(ok, f"p99 <= {TARGET_P99_MS:.0f} ms at {args.rate:.0f} req/s, every answer 2xx")


if __name__ == "__main__":
    main()
