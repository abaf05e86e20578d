"""HubSpot out: the official client against a HubSpot fake over real HTTP, through the outbox."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from hubspot import HubSpot
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import select

from bot.cadence.requests import TouchRequest
from bot.crm import hubspot_map as hub
from bot.crm.hubspot_out import HubSpotOut
from bot.crm.hubspot_setup import NO_RETRY
from bot.crm.lanes import ExternalOutcome
from bot.local.harness import LocalBot
from bot.local.hubspot_standin import HubSpotFake
from bot.outbox.calls import Pending
from bot.runtime.clock import utc_now
from storage import outbox as box
from storage.models import OutboxMessage
from tests.e2e.test_external_lanes import hurry, wait_until
from tests.fuzz_budget import fuzz_examples
from tests.helpers import hand_off, lead_number
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"
REP = "U0REP1"
pytestmark = pytest.mark.postgres


def env(fake: HubSpotFake, per_10s: int = 1000) -> dict[str, str]:
    return {
        "HUBSPOT_ACCESS_TOKEN": "pat-test",
        "HUBSPOT_API_URL": fake.url,
        "HUBSPOT_RATE_PER_10S": str(per_10s),
        "HUBSPOT_BREACH_PROPERTY": "sla_breached",
    }


def hubspot_lead(bot: LocalBot, contact: str) -> int:
    return lead_number(
        hand_off(bot, external_id=f"hubspot:{contact}", email=f"c{contact}@example.com")
    )


def touch(bot: LocalBot, lead: int, kind: str, outcome: str, reason: str | None = None) -> None:
    assert bot.bot is not None
    result = bot.bot.cases.touches.log(TouchRequest(lead, kind, outcome, REP, reason=reason))
    assert result.outcome == "logged", result


@pytest.fixture
def fake():
    with HubSpotFake() as server:
        server.state.owners["rep1@acme.test"] = "7001"
        yield server


def test_claim_touches_and_close_land_in_hubspot_once_in_order(
    standin, database_url: str, fake: HubSpotFake
) -> None:
    standin.add_user(REP, "rep1", real_name="Rep One", email="rep1@acme.test")
    with LocalBot(
        AGREEMENT, standin=standin, database_url=database_url, ticker=False, extra_env=env(fake)
    ) as bot:
        assert bot.bot is not None
        lead = hubspot_lead(bot, "901")
        other = lead_number(hand_off(bot, external_id="form:1", email="x@example.com"))
        assert bot.bot.cases.claims.claim(lead, REP).outcome == "claimed"
        assert bot.bot.cases.claims.claim(other, REP).outcome == "claimed"
        touch(bot, lead, "call", "no_answer")
        touch(bot, lead, "email", "email_sent")
        touch(bot, lead, "call", "disqualified", reason="no budget this year")
        touch(bot, other, "call", "no_answer")  # not a HubSpot lead: nothing written
        wait_until(
            lambda: bot.wait_delivered(1) and len(fake.engagements("notes")) == 1, timeout=30.0
        )
        calls, emails, notes = (fake.engagements(k) for k in ("calls", "emails", "notes"))
        assert [c["properties"]["hs_call_disposition"] for c in calls] == [
            hub.DISPOSITIONS["no_answer"],
            hub.DISPOSITIONS["disqualified"],
        ]
        assert len(emails) == 1 and emails[0]["properties"]["hubspot_owner_id"] == "7001"
        assert notes[0]["properties"]["hs_note_body"] == "no budget this year"
        for engagement in [*calls, *emails]:
            [association] = engagement["associations"]
            assert association["to"]["id"] == "901"
        statuses = [
            c.body["properties"].get("hs_lead_status")
            for c in fake.state.calls
            if c.method == "PATCH" and c.status == 200
        ]
        assert statuses == [
            "IN_PROGRESS",
            "ATTEMPTED_TO_CONTACT",
            "ATTEMPTED_TO_CONTACT",
            "UNQUALIFIED",
            "UNQUALIFIED",
        ]
        assert fake.state.contacts["901"]["hubspot_owner_id"] == "7001"
        assert set(fake.state.contacts) == {"901"}
        # /healthz tells the operator HubSpot is on and its last call worked.
        with urllib.request.urlopen(bot.url + "/healthz", timeout=10) as answer:
            connectors = json.loads(answer.read())["connectors"]
        assert connectors["hubspot"]["on"] is True
        assert connectors["hubspot"]["last_call"] == "ok"
        assert connectors["salesforce"] == {"on": False, "last_call": None}


def test_an_outage_then_429s_every_write_lands_once_in_order(
    standin, database_url: str, fake: HubSpotFake
) -> None:
    standin.add_user(REP, "rep1", real_name="Rep One", email="rep1@acme.test")
    fake.state.failing = 10**6
    with LocalBot(
        AGREEMENT,
        standin=standin,
        database_url=database_url,
        ticker=False,
        extra_env=env(fake),
    ) as bot:
        assert bot.bot is not None
        leads = [hubspot_lead(bot, str(950 + n)) for n in range(3)]
        for lead in leads:
            bot.bot.cases.claims.claim(lead, REP)
        for _ in range(3):
            for lead in leads:
                touch(bot, lead, "call", "no_answer")
        wait_until(lambda: len(fake.state.calls) >= 3, timeout=30.0)
        assert fake.engagements("calls") == []
        # Back up, but limited to 10 calls per 10 s (the bot believes 1,000): 429s meanwhile.
        fake.state.per_10s = 10
        fake.state.failing = 0
        deadline = time.monotonic() + 90
        while len(fake.engagements("calls")) < 9 and time.monotonic() < deadline:
            hurry(bot)
            time.sleep(0.5)
        calls = fake.engagements("calls")
        tags = [c["properties"][hub.TAG_PROPERTY] for c in calls]
        assert len(tags) == 9 == len(set(tags))  # once each
        for lead in leads:
            contact = str(950 + leads.index(lead))
            mine = [
                int(c["properties"][hub.TAG_PROPERTY])
                for c in calls
                if c["associations"][0]["to"]["id"] == contact
            ]
            assert mine == sorted(mine) and len(mine) == 3  # in order per lead
        assert any(c.status == 429 for c in fake.state.calls)
        assert any(c.status == 503 for c in fake.state.calls)


def test_an_unmapped_rep_is_reported_to_managers_not_guessed(
    standin, database_url: str, fake: HubSpotFake
) -> None:
    standin.add_user("U0REP2", "rep2", real_name="Rep Two", email="nobody@acme.test")
    with LocalBot(
        AGREEMENT, standin=standin, database_url=database_url, ticker=False, extra_env=env(fake)
    ) as bot:
        assert bot.bot is not None
        first, second = hubspot_lead(bot, "911"), hubspot_lead(bot, "912")
        assert bot.bot.cases.claims.claim(first, "U0REP2").outcome == "claimed"
        assert bot.bot.cases.claims.claim(second, "U0REP2").outcome == "claimed"
        wait_until(
            lambda: set(fake.state.contacts) == {"911", "912"} and bot.wait_delivered(1),
            timeout=30.0,
        )
        assert all("hubspot_owner_id" not in c for c in fake.state.contacts.values())
        assert fake.state.contacts["911"]["hs_lead_status"] == "IN_PROGRESS"
        managers = bot.bot.deps.agreement.slack.managers
        for manager in managers:
            notes = [m["text"] for m in standin.messages(f"D{manager}") if "HubSpot" in m["text"]]
            assert len(notes) == 1 and "<@U0REP2>" in notes[0]  # once, not once per claim


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=10,
    )
)
@settings(max_examples=fuzz_examples(40), deadline=None)
def test_a_hostile_row_never_escapes_the_connector(payload: object) -> None:
    """Whatever a row holds, deliver answers an outcome or raises for the outbox to count."""
    with HubSpotFake() as server:
        connector = HubSpotOut(
            HubSpot(access_token="pat-x", host=server.url, retry=None),
            WebClient(base_url="http://127.0.0.1:9/"),
            lambda kind, outcome, reason: "a touch",
        )
        row = Pending(1, "crm", hub.LANE, 1, payload)
        try:
            outcome = connector.deliver(row)
        except (KeyError, TypeError, ValueError, AttributeError):
            return  # counted as the row's fault by the outbox, then set aside
        assert isinstance(outcome, ExternalOutcome)


def test_a_broken_row_is_set_aside_and_the_other_leads_go_on(
    standin, database_url: str, fake: HubSpotFake
) -> None:
    with LocalBot(
        AGREEMENT, standin=standin, database_url=database_url, ticker=False, extra_env=env(fake)
    ) as bot:
        assert bot.bot is not None
        broken, fine = hubspot_lead(bot, "921"), hubspot_lead(bot, "922")
        with bot.bot.deps.database.unit_of_work() as session:
            box.enqueue(
                session,
                kind="crm",
                channel=hub.LANE,
                lead_id=broken,
                now=utc_now(),
                payload={"op": "touch", "contact": "921", "at": "not a date"},
            )
        touch_fine = bot.bot.cases.claims.claim(fine, REP)
        assert touch_fine.outcome == "claimed"
        wait_until(lambda: "922" in fake.state.contacts, timeout=30.0)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            hurry(bot)
            with bot.bot.deps.database.reading() as session:
                dead = session.scalars(
                    select(OutboxMessage).where(OutboxMessage.status == "dead")
                ).all()
            if dead:
                break
            time.sleep(0.2)
        assert [row.lead_id for row in dead] == [broken]


def test_a_call_that_outlasts_its_timeout_is_in_doubt_and_written_once(
    fake: HubSpotFake,
) -> None:
    """HubSpot took the engagement but its answer never came in time: looked up, not repeated."""
    connector = HubSpotOut(
        HubSpot(access_token="pat-x", host=fake.url, retry=NO_RETRY),
        WebClient(base_url="http://127.0.0.1:9/"),
        lambda kind, outcome, reason: "a touch",
        timeout=0.5,
    )
    payload = {"op": "touch", "contact": "901", "touch_kind": "call", "outcome": "no_answer"}
    payload["at"] = "2026-12-02T10:00:00+00:00"
    hold = fake.hold("POST", "/crm/v3/objects/calls")
    first = connector.deliver(Pending(41, "crm", hub.LANE, 1, payload))
    hold.release()
    assert hold.held == 1 and not first.ok and first.transient and first.unknown
    again = connector.deliver(Pending(41, "crm", hub.LANE, 1, payload, in_doubt=True))
    assert again.ok
    calls = fake.engagements("calls")
    assert [c["properties"][hub.TAG_PROPERTY] for c in calls] == ["41"]
    assert connector.lease >= 7 * 0.5  # no other worker takes the row while its calls may run
