"""SLA breaches follow the SLA, not the ladder: a first touch after respond_by, or none by then.

One definition (sla_rules/response.py, and its SQL twin in storage/reports.py) feeds the speed
report, the standup, App Home and the /metrics gauge; the lead's thread says the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.mine import MyLeads
from bot.cadence.requests import TouchRequest
from bot.goals.reports import Reports
from bot.home.tab import HomeTab
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.response import breached, decided, within_sla
from storage import reports as store
from storage.health import count_breached_leads
from storage.models import Lead
from storage.unit_of_work import Database
from tests.integration.report_stories import AGREEMENT, local, period

# Tuesday 1 December 2026, a business day in Mexico City; reports are read at 17:00.
HANDOFF = local(12, 1, "10:00")
EVENING = local(12, 1, "17:00")


def without_channel_step(agreement: Agreement) -> Agreement:
    """The agreement with a ladder that never posts a breach: only the owner's reminder."""
    steps = [step for step in agreement.response.escalation if step.notify == "owner"]
    response = agreement.response.model_copy(update={"escalation": steps})
    return agreement.model_copy(update={"response": response})


def hand_off(cases: UseCases, *, claim_after: int = 60, touch_after: int | None = None) -> int:
    """A lead handed off at HANDOFF, claimed by U0REP1, touched after `touch_after` seconds."""
    with freeze_time(HANDOFF):
        lead = cases.handoffs.hand_off(HandoffIn(name="Lead late", source="webinar"), via="api")
    with freeze_time(HANDOFF + timedelta(seconds=claim_after)):
        assert cases.claims.claim(lead.lead.id, "U0REP1").outcome == "claimed"
    if touch_after is not None:
        with freeze_time(HANDOFF + timedelta(seconds=touch_after)):
            touched = cases.touches.log(TouchRequest(lead.lead.id, "call", "no_answer", "U0REP1"))
        assert touched.outcome == "logged"
        # The lead's thread judges the touch: later than the SLA past the 5-minute deadline.
        assert touched.within_sla is (touch_after <= 300)
    return lead.lead.id


def breaches_everywhere(database: Database, cases: UseCases) -> dict[str, object]:
    """What each place that counts breaches says about the evening of HANDOFF."""
    reports = cases.reports
    with freeze_time(EVENING):
        today = reports.speed(period("today", HANDOFF.date()))
        home = HomeTab(
            "Acme",
            cases.catalogue,
            MyLeads(database, cases.goals.agreement, cases.catalogue, utc_now, cases.nudger.keeper),
            cases.goals,
            cases.goal_messages,
            reports,
        ).view("U0REP1")
        with database.reading() as session:
            gauge = count_breached_leads(session, utc_now())
    with freeze_time(local(12, 2, "09:00")):
        standup = cases.standup.compose(date(2026, 12, 2))
    return {
        "report": (today.overall.within_sla, today.overall.breaches),
        "rep": [(f.group, f.within_sla, f.breaches) for f in today.by_owner],
        "standup": "Within the SLA (5m): 0% · breaches: 1" in str(standup.payload()),
        "home": "within the SLA: 0 of 1 lead touched or past its deadline; 1 breach" in str(home),
        "gauge": gauge,
    }


def test_a_late_touch_without_a_channel_step_is_a_breach(database: Database) -> None:
    cases = build_use_cases(database, without_channel_step(AGREEMENT), utc_now)
    hand_off(cases, touch_after=420)
    assert breaches_everywhere(database, cases) == {
        "report": (0, 1),
        "rep": [("U0REP1", 0, 1)],
        "standup": True,
        "home": True,
        "gauge": 1,
    }


def test_a_touch_between_the_deadline_and_the_next_tick_is_a_breach(database: Database) -> None:
    cases = build_use_cases(database, AGREEMENT, utc_now)
    # Due at 10:05; the touch comes at 10:05:30, before any tick fired the channel step.
    lead = hand_off(cases, touch_after=330)
    with freeze_time(HANDOFF + timedelta(seconds=360)):
        cases.sweeper.tick()
    with database.reading() as session:
        assert session.get(Lead, lead).breached_at is None  # the ladder never posted one
    assert breaches_everywhere(database, cases) == {
        "report": (0, 1),
        "rep": [("U0REP1", 0, 1)],
        "standup": True,
        "home": True,
        "gauge": 1,
    }


def test_an_untouched_lead_breaches_when_its_deadline_passes(database: Database) -> None:
    cases = build_use_cases(database, without_channel_step(AGREEMENT), utc_now)
    hand_off(cases)
    reports = Reports(database, cases.goals.agreement, Catalogue("en"), utc_now)
    for at, figures in ((HANDOFF + timedelta(seconds=299), (0, 0, 0)), (EVENING, (0, 1, 1))):
        with freeze_time(at):
            overall = reports.speed(period("today", HANDOFF.date())).overall
            with database.reading() as session:
                gauge = count_breached_leads(session, utc_now())
        # Before its deadline an untouched lead is neither within the SLA nor a breach.
        assert (overall.within_sla, overall.breaches, overall.decided) == figures
        assert gauge == figures[1]


# --- Property: the figures are a recount of the raw rows ------------------------------------

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
END = START + timedelta(days=1)
NOW = START + timedelta(hours=20)
OWNERS = (None, "U0REP1", "U0REP2")
SOURCES = (None, "webinar", "ebook")
LEADS = st.lists(
    st.tuples(
        st.integers(-600, 1800),  # handed off, minutes after START (some outside the period)
        st.integers(0, 600),  # respond_by, minutes after the handoff
        st.one_of(st.none(), st.integers(0, 900)),  # first touch, minutes after the handoff
        st.sampled_from(OWNERS),
        st.sampled_from(SOURCES),
        st.booleans(),  # whether the ladder posted a breach: it must not matter
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=LEADS)
def test_the_speed_figures_are_a_recount_of_the_leads(database: Database, rows) -> None:
    leads = []
    for handed, due, touch, owner, source, posted in rows:
        at = START + timedelta(minutes=handed)
        respond_by = at + timedelta(minutes=due)
        first = None if touch is None else at + timedelta(minutes=touch)
        if first is not None and first > NOW:
            first = None  # a touch not logged yet
        leads.append(
            Lead(
                name="Lead",
                via="api",
                handed_off_at=at,
                respond_by=respond_by,
                status="claimed" if owner else "unclaimed",
                owner_id=owner,
                source=source,
                announce_channel="C0HANDOFF",
                created_at=at,
                first_touch_at=first,
                breached_at=respond_by if posted else None,
            )
        )
    with database.unit_of_work() as session:
        session.query(Lead).delete()
        session.add_all(leads)
    with database.reading() as session:
        found = store.speed(session, START, END, NOW)
        gauge = count_breached_leads(session, NOW)
    kept = [lead for lead in leads if START <= lead.handed_off_at < END]
    expected: dict[str, dict[str | None, tuple[int, int, int, int]]] = {}
    for dimension, group_of in (
        ("overall", lambda lead: None),
        ("owner", lambda lead: lead.owner_id),
        ("source", lambda lead: lead.source),
    ):
        groups: dict[str | None, list[Lead]] = {}
        for lead in kept:
            groups.setdefault(group_of(lead), []).append(lead)
        expected[dimension] = {
            group: (
                len(members),
                sum(within_sla(lead.respond_by, lead.first_touch_at) for lead in members),
                sum(breached(lead.respond_by, lead.first_touch_at, NOW) for lead in members),
                sum(decided(lead.respond_by, lead.first_touch_at, NOW) for lead in members),
            )
            for group, members in groups.items()
        }
    for dimension, figures in found.items():
        counted = {f.group: (f.handoffs, f.within_sla, f.breaches, f.decided) for f in figures}
        assert counted == expected[dimension]
    assert gauge == sum(breached(lead.respond_by, lead.first_touch_at, NOW) for lead in leads)
