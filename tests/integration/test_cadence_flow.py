"""The 12-touch cadence through the use cases: nudges, reminders, stop rules, skip, snooze, away."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from sla_rules.agreement import load_agreement
from storage.engine import make_engine
from storage.models import Lead, LeadEvent, NotificationLedger, OutboxMessage
from storage.unit_of_work import Database
from tests.helpers import run_together
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")


def mx(day: int, clock: str) -> str:
    """Mexico City wall time on a day of November 2026, as the UTC string freezegun wants."""
    hours, minutes = (int(part) for part in clock.split(":"))
    hours += 6
    if hours >= 24:
        return f"2026-11-{day + 1:02d} {hours - 24:02d}:{minutes:02d}:00"
    return f"2026-11-{day:02d} {hours:02d}:{minutes:02d}:00"


@pytest.fixture
def cases(database: Database) -> UseCases:
    return build_use_cases(database, AGREEMENT, utc_now)


def started_lead(cases: UseCases, rep: str = "U0REP1", external_id: str = "crm-1") -> int:
    """Handed off Wed 25 Nov 10:00, claimed 10:01, first touch (a call) at 10:02."""
    with freeze_time(mx(25, "10:00")):
        lead = cases.handoffs.hand_off(
            HandoffIn(external_id=external_id, name="Marta Quintana", company="Óptica Sur"),
            via="api",
        ).lead.id
    with freeze_time(mx(25, "10:01")):
        cases.claims.claim(lead, rep)
    log(cases, lead, "10:02", "call", "no_answer", rep)
    return lead


def log(
    cases: UseCases,
    lead: int,
    clock: str,
    kind: str,
    outcome: str,
    actor: str = "U0REP1",
    day: int = 25,
    reason: str | None = None,
) -> str:
    with freeze_time(mx(day, clock)):
        return cases.touches.log(TouchRequest(lead, kind, outcome, actor, reason=reason)).outcome


def nudge(cases: UseCases, day: int, clock: str) -> int:
    with freeze_time(mx(day, clock)):
        return cases.nudger.tick()


def dms(database: Database, user: str) -> list[str]:
    with database.reading() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "dm", OutboxMessage.channel == user)
            .order_by(OutboxMessage.id)
        ).all()
    return [row.payload["text"] for row in rows]


def lead_row(database: Database, lead: int) -> Lead:
    with database.reading() as session:
        return session.get(Lead, lead)


def test_a_nudge_goes_once_when_the_next_touch_falls_due(cases, database) -> None:
    lead = started_lead(cases)
    row = lead_row(database, lead)
    assert row.cadence_step == 2  # touch 2 is the day-0 email, due right after touch 1
    assert nudge(cases, 25, "10:03") == 1
    assert nudge(cases, 25, "10:04") == 0
    assert dms(database, "U0REP1")[-1] == "Touch 2 of 12 is due on L-1"


def test_reminders_then_the_managers_once(cases, database) -> None:
    started_lead(cases)
    assert nudge(cases, 25, "10:03") == 1
    assert nudge(cases, 25, "12:01") == 0  # remind_every is 2h of business time
    assert nudge(cases, 25, "12:02") == 1
    assert nudge(cases, 25, "14:02") == 1
    assert nudge(cases, 25, "16:02") == 1
    assert len(dms(database, "U0REP1")) == 1 + 4  # the claim DM, the nudge, 3 reminders
    # 8h of business time after 10:02 is Thursday 09:02: the managers hear once.
    assert nudge(cases, 26, "09:02") == 1
    assert dms(database, "U0MANAGER1") == [
        ":warning: <@U0REP1> has 1 overdue touch on *L-1* (Marta Quintana): "
        "the reminders are spent."
    ]
    assert nudge(cases, 27, "12:00") == 0


def test_nudges_wait_for_business_hours(cases, database) -> None:
    lead = started_lead(cases)
    with freeze_time(mx(25, "10:02")):
        cases.touches.log(TouchRequest(lead, "email", "email_sent", "U0REP1"))
    # Touch 3 (a call, day 1) keeps its one-day spacing from touch 2: Thursday 10:02.
    row = lead_row(database, lead)
    assert row.cadence_step == 3
    assert nudge(cases, 26, "10:01") == 0
    assert nudge(cases, 26, "10:02") == 1
    # A nudge found due at night waits for the next opening.
    lead2 = started_lead(cases, external_id="crm-2")
    with database.unit_of_work() as session:
        session.get(Lead, lead2).cadence_due_at = lead_row(database, lead2).handed_off_at
    assert nudge(cases, 25, "20:00") == 0
    assert lead_row(database, lead2).cadence_due_at.isoformat().startswith("2026-11-26T15:00")


@pytest.mark.parametrize(
    ("outcome", "status", "note"),
    [
        ("connected", "reached", "reached the lead"),
        ("meeting_booked", "reached", "reached the lead"),
        ("won", "won", "counts toward this month's clients goal"),
    ],
)
def test_a_stop_outcome_ends_the_cadence(cases, database, outcome, status, note) -> None:
    lead = started_lead(cases)
    assert log(cases, lead, "11:00", "call", outcome) == "logged"
    row = lead_row(database, lead)
    assert (row.status, row.cadence_due_at, row.closed_at is not None) == (status, None, True)
    with database.reading() as session:
        last = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert note in last.payload["text"]
    assert nudge(cases, 26, "12:00") == 0
    assert log(cases, lead, "12:00", "call", "no_answer") == "closed"


def test_disqualified_carries_its_reason_to_marketing(cases, database) -> None:
    lead = started_lead(cases)
    log(cases, lead, "11:00", "call", "disqualified", reason="no_budget")
    row = lead_row(database, lead)
    assert (row.status, row.close_reason) == ("disqualified", "no_budget")
    with database.reading() as session:
        last = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "Reason for Marketing: *No budget*" in last.payload["text"]


def test_twelve_touches_without_contact_close_the_lead_as_not_reached(cases, database) -> None:
    lead = started_lead(cases)
    plan = [t.kind for t in AGREEMENT.cadence.touches][1:]
    outcomes = {"call": "no_answer", "voicemail": "left_voicemail", "email": "email_sent"}
    for n, kind in enumerate(plan):
        assert log(cases, lead, "11:00", kind, outcomes[kind], day=26 + n // 8) == "logged"
    row = lead_row(database, lead)
    assert row.status == "not_reached"
    assert log(cases, lead, "12:00", "call", "no_answer", day=27) == "closed"


def test_skip_and_snooze(cases, database) -> None:
    lead = started_lead(cases)
    with freeze_time(mx(25, "10:05")):
        assert cases.cadence.skip(lead, 2, "U0REP2").outcome == "not_allowed"
        assert cases.cadence.skip(lead, 3, "U0REP1").outcome == "stale"
        assert cases.cadence.skip(lead, 2, "U0REP1").outcome == "done"
        assert cases.cadence.skip(lead, 2, "U0REP1").outcome == "stale"
    assert lead_row(database, lead).cadence_step == 3
    from datetime import datetime

    with freeze_time(mx(25, "10:06")):
        past = datetime.fromisoformat("2026-11-25T09:00:00-06:00")
        night = datetime.fromisoformat("2026-11-26T20:00:00-06:00")
        later = datetime.fromisoformat("2026-11-27T11:30:00-06:00")
        assert cases.cadence.snooze(lead, 3, "U0REP1", past).refusal == "in_past"
        assert cases.cadence.snooze(lead, 3, "U0REP1", night).refusal == "closed"
        assert cases.cadence.snooze(lead, 3, "U0MANAGER1", later).outcome == "done"
    assert lead_row(database, lead).cadence_due_at.isoformat() == "2026-11-27T17:30:00+00:00"


def test_away_pauses_nudges_blocks_claims_and_back_resumes(cases, database) -> None:
    lead = started_lead(cases)
    with freeze_time(mx(25, "10:02")):
        reply = cases.away.go_away("U0REP1", "until 2026-11-26")
    assert "through Nov 26, 2026" in reply.text
    assert nudge(cases, 25, "10:03") == 0
    with database.reading() as session:
        kinds = session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead)).all()
    assert kinds.count("paused") >= 1
    with freeze_time(mx(25, "10:04")):
        other = cases.handoffs.hand_off(HandoffIn(external_id="x", name="New"), via="api").lead
        assert cases.claims.claim(other.id, "U0REP1").outcome == "away"
    with freeze_time(mx(25, "11:00")):
        assert "Welcome back" in cases.away.come_back("U0REP1").text
    assert nudge(cases, 25, "11:01") == 1


def test_a_breaching_lead_of_an_away_owner_is_released(cases, database) -> None:
    with freeze_time(mx(25, "10:00")):
        lead = cases.handoffs.hand_off(HandoffIn(external_id="b", name="B"), via="api").lead.id
        cases.claims.claim(lead, "U0REP3")
        cases.away.go_away("U0REP3", "")
    with freeze_time(mx(25, "10:05")):
        cases.sweeper.tick()
    row = lead_row(database, lead)
    assert (row.owner_id, row.status) == (None, "unclaimed")


def test_nudges_go_once_with_two_processes(database_url, database) -> None:
    first = build_use_cases(database, AGREEMENT, utc_now)
    for n in range(10):
        started_lead(first, external_id=f"crm-{n}")
    other = Database(make_engine(database_url))
    second = build_use_cases(other, AGREEMENT, utc_now)
    with freeze_time(mx(25, "10:03")):
        counts = run_together(first.nudger.tick, second.nudger.tick)
    other.dispose()
    assert sum(counts) == 10
    assert len(dms(database, "U0REP1")) == 10 + 10  # ten claim DMs, ten nudges


def test_a_restart_does_not_repeat_a_nudge(database_url: str, database: Database) -> None:
    first = build_use_cases(database, AGREEMENT, utc_now)
    started_lead(first)
    assert nudge(first, 25, "10:03") == 1
    database.dispose()  # the process stops
    again = Database(make_engine(database_url))
    restarted = build_use_cases(again, AGREEMENT, utc_now)
    assert nudge(restarted, 25, "10:04") == 0
    assert nudge(restarted, 25, "12:02") == 1  # the first reminder, once
    assert nudge(restarted, 25, "12:03") == 0
    again.dispose()


def test_a_breach_that_releases_an_away_owners_lead_is_told_in_order(cases, database) -> None:
    # The owner is away, so the breach releases the lead: nobody is asked to "call now", and
    # the timeline tells the breach and then the release it caused.
    with freeze_time(mx(25, "10:00")):
        lead = cases.handoffs.hand_off(HandoffIn(external_id="b", name="B"), via="api").lead.id
        cases.claims.claim(lead, "U0REP3")
        cases.away.go_away("U0REP3", "")
    with freeze_time(mx(25, "10:05")):
        cases.sweeper.tick()
    with database.reading() as session:
        notes = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "thread", OutboxMessage.lead_id == lead)
            .order_by(OutboxMessage.id)
        ).all()
        kinds = session.scalars(
            select(LeadEvent.kind)
            .where(LeadEvent.lead_id == lead)
            .order_by(LeadEvent.at, LeadEvent.id)
        ).all()
    texts = [note.payload["text"] for note in notes]
    assert not any("call now" in text for text in texts), texts
    assert "<@U0REP3> is away" in texts[-2], texts
    assert "released" in texts[-1], texts
    assert kinds.index("escalation") < kinds.index("released"), kinds


def test_one_paused_line_per_absence_in_the_replys_words(cases, database) -> None:
    lead = started_lead(cases)
    with freeze_time(mx(25, "10:02")):
        reply = cases.away.go_away("U0REP1", "until 2026-11-26")
    assert "through Nov 26, 2026" in reply.text
    assert nudge(cases, 25, "10:03") == 0
    assert nudge(cases, 25, "12:00") == 0
    with freeze_time(mx(25, "12:01")):
        story = cases.stories.story(f"L-{lead}").text
    paused = [line for line in story.splitlines() if "paused" in line]
    assert len(paused) == 1, story
    assert paused[0].endswith("<@U0REP1> is away through Nov 26, 2026"), paused


def test_a_pause_seen_first_by_the_tick_is_worded_the_same(cases, database) -> None:
    lead = started_lead(cases)
    with freeze_time(mx(25, "10:02")):
        cases.away.go_away("U0REP1", "until 2026-11-26")
    with database.unit_of_work() as session:  # as if the lead became theirs while away
        session.execute(
            LeadEvent.__table__.delete().where(
                LeadEvent.lead_id == lead, LeadEvent.kind == "paused"
            )
        )
        session.execute(NotificationLedger.__table__.delete())
    assert nudge(cases, 25, "10:03") == 0
    assert nudge(cases, 25, "12:00") == 0
    with freeze_time(mx(25, "12:01")):
        story = cases.stories.story(f"L-{lead}").text
    paused = [line for line in story.splitlines() if "paused" in line]
    assert len(paused) == 1, story
    assert paused[0].endswith("<@U0REP1> is away through Nov 26, 2026"), paused


def test_a_snooze_after_a_nudge_lands_on_the_time_chosen(cases, database) -> None:
    from datetime import datetime

    from bot.cadence.answers import TouchAnswers

    lead = started_lead(cases)
    assert nudge(cases, 25, "10:03") == 1  # touch 2 nudged: the reminders have begun
    chosen = datetime.fromisoformat("2026-11-27T11:30:00-06:00")
    with freeze_time(mx(25, "10:06")):
        result = cases.cadence.snooze(lead, 2, "U0REP1", chosen)
        mine = my_leads(cases, database).mine("U0REP1").text
    reply = TouchAnswers(cases.messages.touches).step(result, "snooze", 2, "9-18")
    assert reply == "Touch 2 on *L-1* snoozed until Nov 27, 2026, 11:30.", reply
    assert "touch 2 of 12 (an email), due Nov 27, 2026, 11:30" in mine, mine
    assert lead_row(database, lead).cadence_due_at == chosen
    assert nudge(cases, 27, "11:29") == 0
    assert nudge(cases, 27, "11:30") == 1


def my_leads(cases: UseCases, database: Database):
    from bot.cadence.mine import MyLeads

    return MyLeads(database, AGREEMENT, cases.catalogue, utc_now, cases.nudger.keeper)


def test_mine_shows_the_touchs_due_time_not_the_next_reminder(cases, database) -> None:
    lead = started_lead(cases)
    assert nudge(cases, 25, "10:03") == 1  # the next reminder is now due hours later
    with freeze_time(mx(25, "10:30")):
        mine = my_leads(cases, database).mine("U0REP1").text
    assert "touch 2 of 12 (an email), overdue since 10:02" in mine, mine
    with freeze_time(mx(25, "10:31")):
        cases.away.go_away("U0REP1", "until 2026-11-26")
    assert nudge(cases, 25, "10:32") == 0  # paused: the reminder waits for the return
    with freeze_time(mx(25, "10:33")):
        mine = my_leads(cases, database).mine("U0REP1").text
    assert "touch 2 of 12 (an email), overdue since 10:02" in mine, mine
    assert "2026-11-27 00:00" not in mine
    assert "You are away through Nov 26, 2026" in mine, mine
    assert lead_row(database, lead).cadence_step == 2
