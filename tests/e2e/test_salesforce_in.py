"""POST /api/salesforce end to end: the stand-in sends Outbound Messages to the real bot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.crm.salesforce_soap import ACK
from bot.local.harness import LocalBot
from bot.local.salesforce import SalesforceStandIn, outbound_message
from bot.local.standin import SlackStandIn
from storage import inbox
from storage.models import InboxItem, Lead
from tests.fuzz_budget import fuzz_examples
from tests.helpers import wait_announced
from tests.paths import EXAMPLES

ORG = "00D000000000001AAA"
LEAD = {
    "FirstName": "Ana",
    "LastName": "Pérez",
    "Company": "Acme",
    "Email": "ana@example.com",
    "Phone": "+34 600 000 000",
    "LeadSource": "Webinar",
    "Description": "Asked for a demo",
    "Status": "Open - Not Contacted",
}


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    """The Salesforce stand-in."""
    with SalesforceStandIn(org_id=ORG) as server:
        yield server


@pytest.fixture
def sf_bot(standin: SlackStandIn) -> Iterator[LocalBot]:
    """The real bot with Salesforce connected."""
    env = {"SALESFORCE_ORG_ID": ORG}
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, ticker=False, extra_env=env
    ) as bot:
        yield bot


def _counts(bot: LocalBot) -> tuple[int, int]:
    assert bot.bot is not None
    with bot.bot.deps.database.unit_of_work() as session:
        leads = session.scalar(select(func.count()).select_from(Lead))
        items = session.scalar(select(func.count()).select_from(InboxItem))
    return int(leads or 0), int(items or 0)


def test_outbound_message_hands_off_and_acks(sf: SalesforceStandIn, sf_bot: LocalBot) -> None:
    body = outbound_message(ORG, [("04l000000000001", "00Q000000000000001", LEAD)])
    status, answer, kind = sf.send_outbound(sf_bot.url + "/api/salesforce", body)
    assert status == 200 and kind.startswith("text/xml")
    assert answer.decode() == ACK
    wait_announced(sf_bot, 1)
    assert sf_bot.bot is not None
    with sf_bot.bot.deps.database.unit_of_work() as session:
        lead = session.scalars(select(Lead)).one()
        assert lead.external_id == "salesforce:00Q000000000000001"
        assert (lead.name, lead.company, lead.source) == ("Ana Pérez", "Acme", "Webinar")


def test_replay_is_acked_and_done_once(sf: SalesforceStandIn, sf_bot: LocalBot) -> None:
    body = outbound_message(ORG, [("04l000000000002", "00Q000000000000002", LEAD)])
    for _ in range(3):
        status, answer, _kind = sf.send_outbound(sf_bot.url + "/api/salesforce", body)
        assert status == 200 and b"<Ack>true</Ack>" in answer
    assert _counts(sf_bot) == (1, 1)


def test_hundred_notifications_in_one_message(sf: SalesforceStandIn, sf_bot: LocalBot) -> None:
    notes = [
        (f"04l{n:012d}", f"00Q{n:015d}", {**LEAD, "Email": f"p{n}@example.com"}) for n in range(100)
    ]
    status, _answer, _kind = sf.send_outbound(
        sf_bot.url + "/api/salesforce", outbound_message(ORG, notes)
    )
    assert status == 200
    assert _counts(sf_bot) == (100, 100)


def test_wrong_org_is_401_and_nothing_stored(sf: SalesforceStandIn, sf_bot: LocalBot) -> None:
    body = outbound_message("00DOTHER000000000A", [("04l9", "00Q9", LEAD)])
    status, _answer, _kind = sf.send_outbound(sf_bot.url + "/api/salesforce", body)
    assert status == 401
    assert _counts(sf_bot) == (0, 0)


def test_unmappable_is_acked_kept_and_managers_told(
    sf: SalesforceStandIn, sf_bot: LocalBot
) -> None:
    fields = {k: v for k, v in LEAD.items() if k not in ("FirstName", "LastName")}
    body = outbound_message(ORG, [("04l000000000003", "00Q000000000000003", fields)])
    status, answer, _kind = sf.send_outbound(sf_bot.url + "/api/salesforce", body)
    assert status == 200 and b"<Ack>true</Ack>" in answer
    assert _counts(sf_bot) == (0, 1)
    sf_bot.standin.wait_for(lambda s: any("LastName" in str(m) for m in s.messages("DU0MANAGER1")))


def test_not_configured_is_503(sf: SalesforceStandIn, english_bot: LocalBot) -> None:
    body = outbound_message(ORG, [("04l1", "00Q1", LEAD)])
    status, _answer, _kind = sf.send_outbound(english_bot.url + "/api/salesforce", body)
    assert status == 503


HOSTILE = [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
    b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>',
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    b"<a>" * 10_000 + b"</a>" * 10_000,
    b"x" * 3_000_000,
    b"",
    b"not xml at all",
    b"<Envelope/>",
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_xml_is_400(sf: SalesforceStandIn, sf_bot: LocalBot, body: bytes) -> None:
    status, answer, _kind = sf.send_outbound(sf_bot.url + "/api/salesforce", body)
    assert status == 400, answer
    assert _counts(sf_bot) == (0, 0)


_text = st.text(max_size=60)


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fields=st.dictionaries(
        st.sampled_from(["FirstName", "LastName", "Email", "Phone", "Status", "Company", "X"]),
        _text,
    ),
    note_id=_text,
    record_id=_text,
    junk=st.binary(max_size=200),
)
def test_fuzzed_bodies_never_500(
    sf: SalesforceStandIn,
    sf_bot: LocalBot,
    fields: dict[str, str],
    note_id: str,
    record_id: str,
    junk: bytes,
) -> None:
    url = sf_bot.url + "/api/salesforce"
    clean = {k: "".join(c for c in v if c.isprintable()) for k, v in fields.items()}
    body = outbound_message(ORG, [(note_id or "n", record_id, clean)])
    for attempt in (body, junk, body[: len(body) // 2] + junk):
        status, _answer, _kind = sf.send_outbound(url, attempt)
        assert status in (200, 400), (status, attempt[:200])


def test_a_crash_after_the_journal_is_finished_by_the_replay(sf_bot: LocalBot) -> None:
    assert sf_bot.bot is not None and sf_bot.bot.deps.salesforce is not None
    now = datetime.now(UTC)
    fields = {**LEAD, "Id": "00Q000000000000009"}
    with sf_bot.bot.deps.database.unit_of_work() as session:
        inbox.journal(
            session,
            kind="salesforce",
            key="sf:04l000000000009",
            payload={"type": "Lead", "fields": fields},
            now=now - timedelta(minutes=10),
            lease_until=now - timedelta(minutes=5),  # its process died before handing off
        )
    assert sf_bot.bot.deps.salesforce.replay() == 1
    assert sf_bot.bot.deps.salesforce.replay() == 0
    assert _counts(sf_bot) == (1, 1)
