"""Salesforce closes its leads: a Lead converted or not converted closes what it handed off, once.

Outbound Messages from the stand-in to the real bot over HTTP, on a real database (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set); `crm.salesforce` in the agreement changes the mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.cli.main import main
from bot.local.harness import LocalBot
from bot.local.salesforce import SalesforceStandIn, outbound_message
from bot.local.standin import SlackStandIn
from sla_rules.agreement import AgreementError
from storage.models import InboxItem, Lead, LeadEvent
from tests.helpers import run_together, wait_announced
from tests.paths import EXAMPLES

ORG = "00D000000000001AAA"
pytestmark = pytest.mark.postgres
LEAD = {
    "FirstName": "Ana",
    "LastName": "Pérez",
    "Company": "Acme",
    "Email": "ana@example.com",
    "Status": "Open - Not Contacted",
}


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    """The Salesforce stand-in."""
    with SalesforceStandIn(org_id=ORG) as server:
        yield server


def _running(standin: SlackStandIn, database_url: str, agreement: Path) -> LocalBot:
    return LocalBot(
        agreement,
        standin=standin,
        database_url=database_url,
        ticker=False,
        extra_env={"SALESFORCE_ORG_ID": ORG},
    )


@pytest.fixture
def bot(standin: SlackStandIn, database_url: str) -> Iterator[LocalBot]:
    """The real bot with Salesforce connected and the agreement's default mapping."""
    with _running(standin, database_url, EXAMPLES / "agreement.en.yaml") as running:
        yield running


def _custom_agreement(tmp_path: Path, salesforce: object) -> Path:
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text(encoding="utf-8"))
    data["crm"] = {"salesforce": salesforce}
    path = tmp_path / "sla.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _send(sf: SalesforceStandIn, bot: LocalBot, note: str, record: str, fields: dict) -> None:
    body = outbound_message(ORG, [(note, record, fields)])
    status, answer, _kind = sf.send_outbound(bot.url + "/api/salesforce", body)
    assert status == 200 and b"<Ack>true</Ack>" in answer, answer


def _leads(bot: LocalBot) -> dict[str, Lead]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return {lead.external_id: lead for lead in session.scalars(select(Lead))}


def _outcomes(bot: LocalBot) -> list[str | None]:
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return list(session.scalars(select(InboxItem.outcome).order_by(InboxItem.id)))


def _notes(bot: LocalBot) -> list[str]:
    assert bot.wait_delivered()
    return [m.get("text", "") for m in bot.standin.messages("C0HANDOFF") if m.get("thread_ts")]


def test_converted_closes_won_with_a_note_once_whatever_comes_again(
    sf: SalesforceStandIn, bot: LocalBot
) -> None:
    _send(sf, bot, "04l000000000001", "00Q000000000000001", LEAD)
    wait_announced(bot, 1)
    won = {**LEAD, "Status": "Closed - Converted"}
    _send(sf, bot, "04l000000000002", "00Q000000000000001", won)
    _send(sf, bot, "04l000000000002", "00Q000000000000001", won)  # Salesforce's retry
    _send(sf, bot, "04l000000000003", "00Q000000000000001", won)  # a second notification
    lead = _leads(bot)["salesforce:00Q000000000000001"]
    assert lead.status == "won" and lead.closed_at is not None
    assert lead.close_reason == "won in Salesforce"
    assert _outcomes(bot) == ["handed_off", "closed_won", "already_closed"]
    assert sum("is won in Salesforce" in note for note in _notes(bot)) == 1
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        events = list(session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id)))
    assert [e.detail.get("via") for e in events if e.kind == "handoff"] == ["salesforce"]
    assert [e.detail.get("status") for e in events if e.kind == "closed"] == ["won"]


def test_not_converted_closes_disqualified(sf: SalesforceStandIn, bot: LocalBot) -> None:
    _send(sf, bot, "04l000000000011", "00Q000000000000011", LEAD)
    lost = {**LEAD, "Status": "closed -  not converted"}
    _send(sf, bot, "04l000000000012", "00Q000000000000011", lost)
    lead = _leads(bot)["salesforce:00Q000000000000011"]
    assert lead.status == "disqualified" and lead.cadence_due_at is None
    assert _outcomes(bot) == ["handed_off", "closed_disqualified"]
    assert sum("was disqualified in Salesforce" in note for note in _notes(bot)) == 1


def test_an_unknown_record_closes_nothing(sf: SalesforceStandIn, bot: LocalBot) -> None:
    _send(sf, bot, "04l000000000021", "00Q000000000000021", LEAD)
    won = {**LEAD, "Status": "Closed - Converted"}
    _send(sf, bot, "04l000000000022", "00Q000000000000099", won)
    assert _outcomes(bot) == ["handed_off", "unknown"]
    assert [lead.status for lead in _leads(bot).values()] == ["unclaimed"]
    assert not any("Salesforce" in note for note in _notes(bot))


def test_a_teams_own_statuses_are_honoured(
    sf: SalesforceStandIn, standin: SlackStandIn, database_url: str, tmp_path: Path
) -> None:
    agreement = _custom_agreement(tmp_path, {"mql_statuses": ["MQL"], "won_statuses": ["Won"]})
    with _running(standin, database_url, agreement) as bot:
        _send(sf, bot, "04l000000000031", "00Q000000000000031", LEAD)  # not an MQL here
        _send(sf, bot, "04l000000000032", "00Q000000000000032", {**LEAD, "Status": "MQL"})
        wait_announced(bot, 1)
        converted = {**LEAD, "Status": "Closed - Converted"}  # means nothing to this team
        _send(sf, bot, "04l000000000033", "00Q000000000000032", converted)
        assert _leads(bot)["salesforce:00Q000000000000032"].status == "unclaimed"
        _send(sf, bot, "04l000000000034", "00Q000000000000032", {**LEAD, "Status": "won"})
        assert list(_leads(bot)) == ["salesforce:00Q000000000000032"]
        assert _leads(bot)["salesforce:00Q000000000000032"].status == "won"
        assert _outcomes(bot) == ["other", "handed_off", "other", "closed_won"]
        assert sum("is won in Salesforce" in note for note in _notes(bot)) == 1


def test_simultaneous_notifications_close_the_lead_once(
    sf: SalesforceStandIn, bot: LocalBot
) -> None:
    _send(sf, bot, "04l000000000041", "00Q000000000000041", LEAD)
    wait_announced(bot, 1)
    won = {**LEAD, "Status": "Closed - Converted"}
    bodies = [
        outbound_message(ORG, [(f"04l00000000010{n}", "00Q000000000000041", won)]) for n in range(6)
    ]
    url = bot.url + "/api/salesforce"
    answers = run_together(*[lambda b=b: sf.send_outbound(url, b) for b in bodies])
    assert [status for status, _body, _kind in answers] == [200] * 6
    outcomes = _outcomes(bot)
    assert sorted(outcomes[1:]) == ["already_closed"] * 5 + ["closed_won"]
    assert sum("is won in Salesforce" in note for note in _notes(bot)) == 1
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        closes = select(func.count()).select_from(LeadEvent).where(LeadEvent.kind == "closed")
        assert session.scalar(closes) == 1


@pytest.mark.parametrize(
    ("salesforce", "named"),
    [
        ({"won_statuses": "Won"}, "crm.salesforce.won_statuses: must be a list"),
        ({"mql_statuses": []}, "crm.salesforce.mql_statuses: must not be empty"),
        ({"email": [""]}, "crm.salesforce.email[0]: must not be empty"),
        ("yes", "crm.salesforce: must be a mapping of keys to values"),
        ({"won_statuses": ["MQL"]}, "crm.salesforce.won_statuses[0]: 'MQL' is already listed"),
    ],
)
def test_check_refuses_a_bad_crm_salesforce_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], salesforce: object, named: str
) -> None:
    assert main(["check", str(_custom_agreement(tmp_path, salesforce))]) == 1
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_boot_refuses_a_bad_crm_salesforce(
    standin: SlackStandIn, database_url: str, tmp_path: Path
) -> None:
    agreement = _custom_agreement(tmp_path, {"mql_statuses": []})
    match = r"crm\.salesforce\.mql_statuses: must not be empty"
    with pytest.raises(AgreementError, match=match), _running(standin, database_url, agreement):
        pass


def test_check_shows_the_salesforce_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(EXAMPLES / "agreement.en.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Salesforce: an MQL is `Status` = `Open - Not Contacted` | `Working - Contacted`" in out
    assert "won is `Status` = `Closed - Converted`" in out
    assert "disqualified is `Status` = `Closed - Not Converted`" in out
    custom = {"status": "Stage__c", "mql_statuses": ["MQL"], "won_statuses": ["Won"]}
    assert main(["check", str(_custom_agreement(tmp_path, custom))]) == 0
    assert "an MQL is `Stage__c` = `MQL`" in capsys.readouterr().out
    assert main(["check", str(EXAMPLES / "acuerdo.es.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Salesforce: un MQL es `Status` = `Open - Not Contacted`" in out
    assert "ganado es `Status` = `Closed - Converted`" in out
