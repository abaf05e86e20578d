"""Depth's neglect figures are about the open leads as of now, whatever month they came in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from sla_rules.leads import CLOSED_STATUSES, OPEN_STATUSES
from storage import reports as store
from storage.models import Lead, Touch
from storage.unit_of_work import Database
from tests.integration.report_stories import AGREEMENT, local, period

# A November lead, claimed and called once, still open in December.
NOVEMBER = local(11, 16, "10:00")
STANDUP_DAY = date(2026, 12, 2)


def test_a_november_lead_open_in_december_is_counted_as_neglected(database: Database) -> None:
    cases = build_use_cases(database, AGREEMENT, utc_now)
    with freeze_time(NOVEMBER):
        lead = cases.handoffs.hand_off(HandoffIn(name="Lead old", source="ebook"), via="api").lead
    with freeze_time(NOVEMBER + timedelta(minutes=1)):
        cases.claims.claim(lead.id, "U0REP2")
        cases.touches.log(TouchRequest(lead.id, "call", "no_answer", "U0REP2"))
    # A December lead, called at once: the period's own figures are about it alone.
    with freeze_time(local(12, 1, "10:00")):
        fresh = cases.handoffs.hand_off(HandoffIn(name="Lead new", source="ebook"), via="api")
        cases.claims.claim(fresh.lead.id, "U0REP1")
        cases.touches.log(TouchRequest(fresh.lead.id, "call", "no_answer", "U0REP1"))
    reports = cases.reports
    with freeze_time(local(12, 2, "09:00")):
        december = reports.depth(period("month", STANDUP_DAY))
        lines = reports.command("depth").text.splitlines()
        standup = str(cases.standup.compose(STANDUP_DAY).payload())
    # The period: December's one lead and its one touch.
    assert (december.overall.leads, december.overall.touches) == (1, 1)
    assert "Leads: 1 · touches: 1 (1 call)" in lines
    # As of now: both open leads, the November one under 5 touches after 14 days.
    assert (december.open_now.open, december.open_now.untouched, december.open_now.stale) == (
        2,
        0,
        1,
    )
    now_line = (
        "As of now, open leads from any month: 2, not reached yet · never touched: 0"
        " · under 5 touches after 14 days: 1"
    )
    assert now_line in lines
    assert "Under 5 touches after 14 days, by rep: <@U0REP2> 1" in lines
    assert now_line in standup


def test_an_empty_month_still_shows_the_open_leads(database: Database) -> None:
    cases = build_use_cases(database, AGREEMENT, utc_now)
    with freeze_time(NOVEMBER):
        lead = cases.handoffs.hand_off(HandoffIn(name="Lead old", source=None), via="api").lead
    with freeze_time(local(12, 1, "09:00")):
        compact = cases.reports.depth_lines(
            cases.reports.depth(period("month", date(2026, 12, 1))), compact=True
        )
    assert lead.short_id == "L-1"
    assert compact == [
        "No leads were handed off in this period (Dec 1, 2026): nothing to report yet.",
        "As of now, open leads from any month: 1, not reached yet · never touched: 1"
        " · under 5 touches after 14 days: 1",
    ]


# --- Property: the open figures are a recount of the raw rows -------------------------------

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
LEADS = st.lists(
    st.tuples(
        st.integers(0, 60),  # handed off, days before NOW
        st.sampled_from((*OPEN_STATUSES, *CLOSED_STATUSES)),
        st.integers(0, 7),  # touches
        st.sampled_from((None, "U0REP1", "U0REP2")),
        st.sampled_from((None, "webinar")),
    ),
    max_size=20,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=LEADS)
def test_the_open_figures_are_a_recount_of_the_leads(database: Database, rows) -> None:
    stale_before = NOW - timedelta(days=14)
    with database.unit_of_work() as session:
        session.query(Touch).delete()
        session.query(Lead).delete()
        for days, status, touches, owner, source in rows:
            at = NOW - timedelta(days=days)
            lead = Lead(
                name="Lead",
                via="api",
                handed_off_at=at,
                respond_by=at,
                status=status,
                owner_id=owner,
                source=source,
                announce_channel="C0HANDOFF",
                created_at=at,
            )
            session.add(lead)
            session.flush()
            for _ in range(touches):
                session.add(
                    Touch(lead_id=lead.id, kind="call", outcome="no_answer", actor="U", at=at)
                )
    with database.reading() as session:
        found = store.open_leads(session, stale_before=stale_before, stale_touches=5)
    for dimension, group_of in (("overall", 0), ("owner", 3), ("source", 4)):
        expected: dict[str | None, list[int]] = {}
        for row in rows:
            days, status, touches, *_ = row
            if status not in OPEN_STATUSES:
                continue
            group = None if dimension == "overall" else row[group_of]
            counts = expected.setdefault(group, [0, 0, 0])
            counts[0] += 1
            counts[1] += touches == 0
            counts[2] += NOW - timedelta(days=days) < stale_before and touches < 5
        assert {f.group: [f.open, f.untouched, f.stale] for f in found[dimension]} == expected
