"""The leads the report tests play through the use cases, and the helpers that read them back.

Nine stories, from October to Wednesday 25 November 2026 in Mexico City, each a lead handed
off, claimed, ticked and touched at its instants; `play` runs one. The `reports` fixture (in
the integration conftest) plays them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from bot.bootstrap import UseCases
from bot.cadence.requests import TouchRequest
from bot.leads.handoff_input import HandoffIn
from sla_rules.agreement import load_agreement
from sla_rules.periods import Period, parse_period
from storage.models import Lead
from storage.unit_of_work import Database
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
MX = ZoneInfo("America/Mexico_City")  # UTC-6 all year: Mexico dropped daylight saving time
MADRID = ZoneInfo("Europe/Madrid")
PLAN = [touch.kind for touch in AGREEMENT.cadence.touches]
NO_CONTACT = {"call": "no_answer", "voicemail": "left_voicemail", "email": "email_sent"}
# Reports are asked for on Wednesday 25 November 2026 at 17:00 in Mexico City.
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=MX)
TODAY = NOW.date()


def local(month: int, day: int, clock: str) -> datetime:
    """A Mexico City wall time in 2026."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=MX)


@dataclass(frozen=True)
class Story:
    """A lead's life, in seconds after its handoff (all within one business day)."""

    at: datetime
    source: str | None
    rep: str | None = None
    claim_after: int | None = None
    touches: list[tuple[int, str, str]] = field(default_factory=list)
    tick_after: int | None = None  # a sweeper tick: fires the ladder's due steps (the breach)


def twelve_without_contact(first: int) -> list[tuple[int, str, str]]:
    """The whole cadence, a minute apart, nobody ever answering."""
    return [(first + 60 * n, kind, NO_CONTACT[kind]) for n, kind in enumerate(PLAN)]


STORIES = {
    # October: only the named month sees it. Late (7m > 5m), no tick ran: a breach all the same.
    "oct": Story(local(10, 15, "10:00"), "webinar", "U0REP1", 60, [(420, "call", "connected")]),
    # Early November: open after 14 days, with 2 touches (stale) and 6 touches (not stale).
    "nov4": Story(
        local(11, 4, "10:00"),
        "ebook",
        "U0REP2",
        60,
        [(120, "call", "no_answer"), (180, "email", "email_sent")],
    ),
    "nov5": Story(
        local(11, 5, "10:00"),
        "webinar",
        "U0REP1",
        90,
        [(240 + 60 * n, kind, NO_CONTACT[kind]) for n, kind in enumerate(PLAN[:6])],
    ),
    # This week (Monday 23 to Wednesday 25).
    "reached": Story(
        local(11, 23, "10:00"),
        "webinar",
        "U0REP1",
        60,
        [(180, "call", "no_answer"), (600, "email", "email_sent"), (1200, "call", "connected")],
    ),
    "not_reached": Story(
        local(11, 23, "11:00"), "webinar", "U0REP1", 120, twelve_without_contact(600), 360
    ),
    "won": Story(
        local(11, 24, "10:00"),
        "ebook",
        "U0REP2",
        30,
        [(60, "call", "no_answer"), (300, "call", "won")],
    ),
    "open": Story(local(11, 24, "12:00"), "ebook", "U0REP2", 240, [(270, "call", "no_answer")]),
    "ignored": Story(local(11, 25, "09:30"), None, tick_after=360),
    "disqualified": Story(
        local(11, 25, "14:00"), "webinar", "U0REP3", 60, [(120, "call", "disqualified")]
    ),
}


def play(cases: UseCases, name: str, story: Story) -> int:
    """Hand the lead off, claim it, tick and log its touches at their instants."""
    with freeze_time(story.at):
        data = HandoffIn(external_id=f"crm-{name}", name=f"Lead {name}", source=story.source)
        lead = cases.handoffs.hand_off(data, via="api").lead.id
    events: list[tuple[int, str, tuple[str, str]]] = [
        (t, "touch", (k, o)) for t, k, o in story.touches
    ]
    if story.claim_after is not None:
        events.append((story.claim_after, "claim", ("", "")))
    if story.tick_after is not None:
        events.append((story.tick_after, "tick", ("", "")))
    for after, what, (kind, outcome) in sorted(events):
        with freeze_time(story.at + timedelta(seconds=after)):
            if what == "claim":
                assert cases.claims.claim(lead, story.rep or "").outcome == "claimed"
            elif what == "tick":
                cases.sweeper.tick()
            else:
                reason = "No budget" if outcome == "disqualified" else None
                request = TouchRequest(lead, kind, outcome, story.rep or "", reason=reason)
                assert cases.touches.log(request).outcome == "logged"
    return lead


def period(text: str, today: date = TODAY) -> Period:
    found = parse_period(text, today, MX)
    assert found is not None
    return found


def statuses(database: Database) -> dict[str, str]:
    with database.reading() as session:
        return {lead.name: lead.status for lead in session.query(Lead)}
