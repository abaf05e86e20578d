"""HubSpot in: signed webhooks from the stand-in to the real bot over HTTP, on a real database."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake, send_webhook
from bot.local.standin import SlackStandIn
from storage.models import CrmReceipt, Lead, OutboxMessage
from tests.e2e.hubspot_rig import (
    MQL,
    SECRET,
    counts,
    event,
    hubspot_bot,
    items,
    owe_now,
    reads_of,
    url,
    wait_failed,
    wait_for,
    wait_settled,
    workflow,
)
from tests.fuzz_budget import fuzz_examples

pytestmark = pytest.mark.postgres


@pytest.fixture
def hub() -> Iterator[HubSpotFake]:
    with HubSpotFake() as fake:
        yield fake


@pytest.fixture
def bot(standin: SlackStandIn, database_url: str, hub: HubSpotFake) -> Iterator[LocalBot]:
    with hubspot_bot(standin, database_url, hub) as running:
        yield running


@pytest.mark.parametrize("legacy", [False, True])
def test_a_workflow_mql_is_handed_off_once_and_announced(bot: LocalBot, legacy: bool) -> None:
    status, answer = send_webhook(url(bot), workflow(501, MQL, legacy), SECRET)
    assert status == 200, answer
    assert answer["outcomes"] == {"created": 1}
    again, replay = send_webhook(url(bot), workflow(501, MQL, legacy), SECRET)
    assert again == 200 and replay["outcomes"] == {"known": 1}
    assert replay["leads"] == answer["leads"]
    assert bot.wait_delivered()
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        [lead] = session.scalars(select(Lead)).all()
        assert lead.external_id == "hubspot:501"
        assert lead.name == "Marta Quintana"
        assert lead.company == "Óptica Sur"
        assert lead.source == "ORGANIC_SEARCH"
        assert lead.reason == "Pricing guide"
        assert lead.via == "hubspot"
    announced = bot.standin.messages(bot.bot.deps.agreement.slack.handoff_channel)
    assert any("Marta Quintana" in json.dumps(m) for m in announced)


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_subscription_events_read_the_contact_through_the_crm_api(
    bot: LocalBot, hub: HubSpotFake, version: str
) -> None:
    hub.state.contacts["777"] = dict(MQL, firstname="Iker", email="iker@example.com")
    occurred = int(time.time() * 1000)
    events = [
        {
            "eventId": 9001,
            "subscriptionId": 1,
            "portalId": 62515,
            "occurredAt": occurred,
            "subscriptionType": "contact.propertyChange",
            "propertyName": "lifecyclestage",
            "propertyValue": "marketingqualifiedlead",
            "objectId": 777,
            "attemptNumber": 0,
        }
    ]
    status, answer = send_webhook(url(bot), events, SECRET, version=version)
    assert status == 200, answer
    assert answer == {"queued": 1, "replayed": 0}
    [item] = wait_settled(bot, 1)
    assert item.key == "hubspot:event:9001" and item.outcome == "created"
    assert item.payload == {
        "event": "9001",
        "contact": "777",
        "type": "contact.propertyChange",
        "occurred_at": occurred,
    }
    status, answer = send_webhook(url(bot), events, SECRET, version=version)
    assert status == 200 and answer == {"queued": 0, "replayed": 1}
    bot.bot.tick_now()
    time.sleep(0.2)
    assert len(reads_of(hub, "777")) == 1  # the replay was answered from the journal
    assert counts(bot) == (1, 1)


def test_a_crm_outage_is_answered_200_and_the_tick_hands_off_once_hubspot_is_back(
    bot: LocalBot, hub: HubSpotFake
) -> None:
    hub.state.contacts["88"] = dict(MQL)
    hub.state.failing = 1
    status, answer = send_webhook(url(bot), [event(5, 88)], SECRET)
    assert status == 200 and answer == {"queued": 1, "replayed": 0}
    waiting = wait_failed(bot, 1)
    assert [c.status for c in reads_of(hub, "88")] == [503]
    assert counts(bot) == (0, 0)  # nothing handed off yet, nothing lost either
    assert waiting.answered_at is None and waiting.lease_until > waiting.received_at
    assert bot.bot is not None
    bot.bot.tick_now()  # its wait has not run out: not read again yet
    time.sleep(0.2)
    assert len(reads_of(hub, "88")) == 1
    owe_now(bot)  # HubSpot is back and the wait ran out
    bot.bot.tick_now()
    [item] = wait_settled(bot, 1)
    assert item.outcome == "created"
    owe_now(bot)
    bot.bot.tick_now()
    time.sleep(0.2)
    assert counts(bot) == (1, 1)
    assert [c.status for c in reads_of(hub, "88")] == [503, 200]
    assert bot.wait_delivered()
    channel = bot.bot.deps.agreement.slack.handoff_channel
    announced = [m for m in bot.standin.messages(channel) if "Marta Quintana" in json.dumps(m)]
    assert len(announced) == 1


def test_an_unmappable_contact_is_kept_answered_2xx_and_managers_told(bot: LocalBot) -> None:
    status, answer = send_webhook(
        url(bot), workflow(42, {"lifecyclestage": "marketingqualifiedlead"}), SECRET
    )
    assert status == 200 and answer["outcomes"] == {"unmapped": 1}
    send_webhook(url(bot), workflow(42, {"lifecyclestage": "marketingqualifiedlead"}), SECRET)
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        [kept] = session.scalars(select(CrmReceipt)).all()
        assert kept.outcome == "unmapped" and "firstname+lastname" in kept.missing
        notes = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "dm")).all()
    managers = bot.bot.deps.agreement.slack.managers
    assert sorted(n.channel for n in notes) == sorted(managers)  # told once, not per replay
    assert all("42" in n.payload["text"] and "firstname" in n.payload["text"] for n in notes)


def test_won_and_disqualified_close_the_open_lead_once(bot: LocalBot) -> None:
    people = {70: dict(MQL), 71: dict(MQL, email="iker@example.com")}
    for contact, properties in people.items():
        assert send_webhook(url(bot), workflow(contact, properties), SECRET)[0] == 200
    won = dict(people[70], lifecyclestage="customer")
    lost = dict(people[71], hs_lead_status="UNQUALIFIED")
    assert send_webhook(url(bot), workflow(70, won), SECRET)[1]["outcomes"] == {"closed_won": 1}
    assert send_webhook(url(bot), workflow(71, lost), SECRET)[1]["outcomes"] == {
        "closed_disqualified": 1
    }
    assert send_webhook(url(bot), workflow(70, won), SECRET)[1]["outcomes"] == {"won": 1}
    assert bot.wait_delivered()
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        leads = {lead.external_id: lead for lead in session.scalars(select(Lead))}
    assert leads["hubspot:70"].status == "won" and leads["hubspot:70"].closed_at is not None
    assert leads["hubspot:71"].status == "disqualified"
    channel = bot.bot.deps.agreement.slack.handoff_channel
    notes = [m.get("text", "") for m in bot.standin.messages(channel) if m.get("thread_ts")]
    assert sum("is won in HubSpot" in note for note in notes) == 1
    assert sum("was disqualified in HubSpot" in note for note in notes) == 1


def test_won_and_other_stages_make_no_lead(bot: LocalBot) -> None:
    for n, stage in enumerate(("customer", "lead", "subscriber")):
        status, _ = send_webhook(
            url(bot), workflow(60 + n, dict(MQL, lifecyclestage=stage)), SECRET
        )
        assert status == 200
    assert counts(bot)[0] == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"X-HubSpot-Signature-v3": "bm90IGl0"},
        {"X-HubSpot-Request-Timestamp": "abc"},
        {"X-HubSpot-Request-Timestamp": "99999999999999999999"},
    ],
)
def test_wrong_signatures_are_401_and_nothing_is_stored(bot: LocalBot, headers: dict) -> None:
    status, answer = send_webhook(url(bot), workflow(1, MQL), SECRET, headers=headers)
    assert status == 401, answer
    assert counts(bot) == (0, 0)


def test_stale_unsigned_and_wrong_secret_are_401(bot: LocalBot) -> None:
    stale = int(time.time() * 1000) - 6 * 60 * 1000
    assert send_webhook(url(bot), workflow(1, MQL), SECRET, at_ms=stale)[0] == 401
    assert send_webhook(url(bot), workflow(1, MQL), "another-secret")[0] == 401
    assert (
        send_webhook(
            url(bot),
            workflow(1, MQL),
            SECRET,
            version="v1",
            headers={"X-HubSpot-Signature-Version": "v9"},
        )[0]
        == 401
    )
    signed_elsewhere = bot.url.replace("127.0.0.1", "localhost") + "/api/hubspot"
    from bot.local.hubspot_standin import hubspot_headers

    body = json.dumps(workflow(1, MQL)).encode()
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url(bot), data=body, headers=hubspot_headers(SECRET, "POST", signed_elsewhere, body)
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    assert counts(bot) == (0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"properties": {}}, "objectId"),
        ({"objectId": "12a", "properties": {}}, "objectId"),
        ({"objectId": 1, "properties": []}, "properties"),
        ("text", "body"),
        ([{"objectId": 1, "subscriptionType": "contact.creation"}], "[0].eventId"),
        ([1], "[0]"),
    ],
)
def test_malformed_bodies_are_400_naming_the_part(bot: LocalBot, body: object, field: str) -> None:
    status, answer = send_webhook(url(bot), body, SECRET)
    assert status == 400, answer
    assert field in answer["fields"]
    assert counts(bot) == (0, 0)


def test_not_configured_answers_503(english_bot: LocalBot) -> None:
    status, answer = send_webhook(english_bot.url + "/api/hubspot", workflow(1, MQL), SECRET)
    assert status == 503 and "HUBSPOT_CLIENT_SECRET" in answer["error"]


hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<!channel>", "<@U0REP1>", "\x00", "ñ" * 5000, "2026-13-45", "1e309"]),
)
hostile_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
hostile_body = st.one_of(
    hostile_value,
    st.fixed_dictionaries(
        {"objectId": st.one_of(st.integers(), hostile_text), "properties": hostile_value}
    ),
    st.fixed_dictionaries(
        {
            "objectId": st.integers(min_value=1, max_value=10**6),
            "properties": st.dictionaries(
                st.sampled_from(sorted(MQL)), st.one_of(hostile_text, hostile_value), max_size=8
            ),
        }
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(["eventId", "objectId", "subscriptionType", "occurredAt"]),
            hostile_value,
        ),
        max_size=5,
    ),
)


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=hostile_body)
def test_hostile_signed_bodies_never_500_and_refusals_store_nothing(
    bot: LocalBot, body: object
) -> None:
    # What earlier examples queued is read first: the counts below must stand still.
    wait_for(lambda: all(r.answered_at for r in items(bot)))
    before = counts(bot), len(items(bot))
    status, answer = send_webhook(url(bot), body, SECRET)
    assert status in (200, 400, 413, 503), (status, answer)
    if status != 200:
        assert (counts(bot), len(items(bot))) == before
    unsigned, _ = send_webhook(url(bot), body, "wrong")
    assert unsigned == 401


def test_a_rate_limited_read_is_not_retried_inside_the_request(
    bot: LocalBot, hub: HubSpotFake
) -> None:
    # urllib3's default Retry would sleep Retry-After (10 s here) and ask again.
    hub.state.contacts["91"] = dict(MQL)
    with hub.state.lock:
        hub.state.per_10s = 1
        hub.state.window.append(time.monotonic())
    started = time.monotonic()
    status, answer = send_webhook(url(bot), [event(77, 91)], SECRET)
    took = time.monotonic() - started
    assert status == 200 and answer == {"queued": 1, "replayed": 0}
    assert took < 2.0
    wait_for(lambda: reads_of(hub, "91"))
    time.sleep(0.3)
    assert [c.status for c in reads_of(hub, "91")] == [429]  # one call, no retry inside it
    # HubSpot's limit is spent: the event waits as long as Retry-After says (not the 30 s
    # lease of a read in progress), and that is no failed read.
    [row] = items(bot)
    assert row.answered_at is None and "failed_reads" not in row.payload
    assert row.received_at < row.lease_until < row.received_at + timedelta(seconds=12)
    assert counts(bot) == (0, 0)
