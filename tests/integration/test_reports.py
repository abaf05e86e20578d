"""The speed and depth reports: hand-computed figures from leads played through the use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from bot.bootstrap import UseCases, build_use_cases
from bot.cadence.requests import TouchRequest
from bot.goals.reports import Reports
from bot.leads.handoff_input import HandoffIn
from bot.runtime.clock import utc_now
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from sla_rules.periods import Period, parse_period, yesterday
from storage.models import Lead
from storage.reports import DepthFigures, SpeedFigures
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
    # October: only the named month sees it. Late (7m > 5m) but no tick ran: no breach recorded.
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


@pytest.fixture
def reports(database: Database) -> Reports:
    """Every story played in time order; the reports as of NOW, in English."""
    cases = build_use_cases(database, AGREEMENT, utc_now)
    for name, story in sorted(STORIES.items(), key=lambda item: item[1].at):
        play(cases, name, story)
    return Reports(database, AGREEMENT, Catalogue("en"), utc_now)


def period(text: str, today: date = TODAY) -> Period:
    found = parse_period(text, today, MX)
    assert found is not None
    return found


def statuses(database: Database) -> dict[str, str]:
    with database.reading() as session:
        return {lead.name: lead.status for lead in session.query(Lead)}


# --- Figures --------------------------------------------------------------------------------


def test_the_stories_end_as_planned(reports: Reports, database: Database) -> None:
    assert statuses(database) == {
        "Lead oct": "reached",
        "Lead nov4": "claimed",
        "Lead nov5": "claimed",
        "Lead reached": "reached",
        "Lead not_reached": "not_reached",
        "Lead won": "won",
        "Lead open": "claimed",
        "Lead ignored": "unclaimed",
        "Lead disqualified": "disqualified",
    }


def test_speed_this_week_overall_by_rep_and_by_source(reports: Reports) -> None:
    with freeze_time(NOW):
        report = reports.speed(period("week"))
    # First touches 60, 120, 180, 270, 600 s; claims 30, 60, 60, 120, 240 s (nearest rank).
    assert report.overall == SpeedFigures(None, 6, 5, 5, 4, 2, 180, 600, 60)
    assert report.overall.never_touched == 1
    assert report.by_owner == (
        SpeedFigures("U0REP1", 2, 2, 2, 1, 1, 180, 600, 60),
        SpeedFigures("U0REP2", 2, 2, 2, 2, 0, 60, 270, 30),
        SpeedFigures("U0REP3", 1, 1, 1, 1, 0, 120, 120, 60),
        SpeedFigures(None, 1, 0, 0, 0, 1, None, None, None),
    )
    assert report.by_source == (
        SpeedFigures("webinar", 3, 3, 3, 2, 1, 180, 600, 60),
        SpeedFigures("ebook", 2, 2, 2, 2, 0, 60, 270, 30),
        SpeedFigures(None, 1, 0, 0, 0, 1, None, None, None),
    )


def test_speed_this_month_and_a_named_month(reports: Reports) -> None:
    with freeze_time(NOW):
        month = reports.speed(period("month"))
        october = reports.speed(period("2026-10"))
    # First touches 60, 120, 120, 180, 240, 270, 600 s; claims 30, 60, 60, 60, 90, 120, 240 s.
    assert month.overall == SpeedFigures(None, 8, 7, 7, 6, 2, 180, 600, 60)
    assert [
        (f.group, f.handoffs, f.median_first_touch, f.p90_first_touch) for f in month.by_owner
    ] == [
        ("U0REP1", 3, 240, 600),
        ("U0REP2", 3, 120, 270),
        ("U0REP3", 1, 120, 120),
        (None, 1, None, None),
    ]
    # Late but never ticked: outside the SLA, yet no breach was recorded.
    assert october.overall == SpeedFigures(None, 1, 1, 1, 0, 0, 420, 420, 60)


def test_depth_this_week_overall_by_rep_and_by_source(reports: Reports) -> None:
    with freeze_time(NOW):
        report = reports.depth(period("week"))
    kinds = (("call", 12), ("voicemail", 3), ("email", 4))
    assert report.overall == DepthFigures(None, 6, 19, kinds, 19, 1, 1, 1, 1, 0)
    assert report.overall.average_touches() == pytest.approx(19 / 6)
    assert report.overall.plan_completion(12) == pytest.approx(19 / 72)
    assert report.by_owner == (
        DepthFigures(
            "U0REP1", 2, 15, (("call", 8), ("voicemail", 3), ("email", 4)), 15, 1, 0, 0, 1, 0
        ),
        DepthFigures("U0REP2", 2, 3, (("call", 3),), 3, 0, 1, 0, 0, 0),
        DepthFigures("U0REP3", 1, 1, (("call", 1),), 1, 0, 0, 1, 0, 0),
        DepthFigures(None, 1, 0, (), 0, 0, 0, 0, 0, 0),
    )
    assert [(f.group, f.leads, f.touches) for f in report.by_source] == [
        ("webinar", 3, 16),
        ("ebook", 2, 3),
        (None, 1, 0),
    ]


def test_depth_this_month_counts_the_neglected_leads(reports: Reports) -> None:
    with freeze_time(NOW):
        report = reports.depth(period("month"))
    kinds = (("call", 16), ("voicemail", 4), ("email", 7))
    # nov4 is open, 21 days old, with 2 touches; nov5 has 6 touches, so it is not counted.
    assert report.overall == DepthFigures(None, 8, 27, kinds, 27, 1, 1, 1, 1, 1)
    assert [(f.group, f.leads, f.touches, f.stale) for f in report.by_owner] == [
        ("U0REP1", 3, 21, 0),
        ("U0REP2", 3, 5, 1),
        ("U0REP3", 1, 1, 0),
        (None, 1, 0, 0),
    ]
    # nov4 was handed off on 4 November at 10:00: 14 days later, it turns stale at 10:00.
    for clock, stale in (("09:59", 0), ("10:01", 1)):
        with freeze_time(local(11, 18, clock)):
            earlier = reports.depth(period("month", date(2026, 11, 18)))
        assert (earlier.overall.leads, earlier.overall.stale) == (2, stale)


def test_today_yesterday_and_an_empty_month(reports: Reports) -> None:
    with freeze_time(NOW):
        today = reports.speed(period("today"))
        before = reports.depth(period("yesterday"))
        empty = reports.depth(period("2026-09"))
        empty_speed = reports.speed(period("2026-09"))
    assert (today.overall.handoffs, today.overall.breaches) == (2, 1)
    assert (before.overall.leads, before.overall.won, before.overall.touches) == (2, 1, 3)
    assert (empty.overall.leads, empty.by_owner, empty.by_source) == (0, (), ())
    assert (empty_speed.overall.handoffs, empty_speed.by_owner) == (0, ())


# --- Lines and replies ----------------------------------------------------------------------


def test_the_speed_command_in_english(reports: Reports) -> None:
    with freeze_time(NOW):
        reply = reports.command("speed week")
    assert reply.text.splitlines() == [
        "*Speed to lead* · this week (2026-11-23 – 2026-11-25)",
        "Handed off: 6 · claimed: 5 · touched: 5 · never touched: 1",
        "Time to first touch: median 3m · p90 10m",
        "Time to claim: median 1m",
        "First touch within the SLA (5m): 80% of the touched leads (4 of 5)",
        "SLA breaches: 2",
        "",
        "*By rep*",
        "• <@U0REP1>: handed off: 2 · first touch: median 3m, p90 10m · within the SLA: 50%"
        " · breaches: 1",
        "• <@U0REP2>: handed off: 2 · first touch: median 1m, p90 4m 30s · within the SLA: 100%"
        " · breaches: 0",
        "• <@U0REP3>: handed off: 1 · first touch: median 2m, p90 2m · within the SLA: 100%"
        " · breaches: 0",
        "• not claimed: handed off: 1 · first touch: median —, p90 — · within the SLA: —"
        " · breaches: 1",
        "",
        "*By source*",
        "• webinar: handed off: 3 · first touch: median 3m, p90 10m · within the SLA: 67%"
        " · breaches: 1",
        "• ebook: handed off: 2 · first touch: median 1m, p90 4m 30s · within the SLA: 100%"
        " · breaches: 0",
        "• no source: handed off: 1 · first touch: median —, p90 — · within the SLA: —"
        " · breaches: 1",
    ]
    assert reply.blocks[-1]["elements"][0]["text"] == (
        "Durations count business hours only. Days in America/Mexico_City."
    )


def test_the_depth_command_in_english(reports: Reports) -> None:
    with freeze_time(NOW):
        lines = reports.command("depth").text.splitlines()
    assert lines[:5] == [
        "*Follow-up depth* · this month (2026-11-01 – 2026-11-25)",
        "Leads: 8 · touches: 27 (16 calls, 4 voicemails and 7 emails)",
        "Average touches per lead: 3.4 of 12 planned · plan completion: 28%",
        "Reached: 1 · won: 1 · disqualified: 1 · never reached: 1",
        "Open after 14 days with fewer than 5 touches: 1",
    ]
    assert lines[7] == (
        "• <@U0REP1>: leads: 3 · touches: 21 (11 calls, 4 voicemails and 6 emails) · 7.0 per lead"
        " · plan: 58% · never reached: 1 · under 5 touches after 14 days: 0"
    )
    assert lines[-1] == (
        "• no source: leads: 1 · touches: 0 · 0.0 per lead · plan: 0% · never reached: 0"
        " · under 5 touches after 14 days: 0"
    )


def test_compact_lines_for_the_standup(reports: Reports) -> None:
    with freeze_time(NOW):
        speed = reports.speed_lines(reports.speed(period("week")), compact=True)
        depth = reports.depth_lines(reports.depth(period("week")), compact=True)
    assert speed == [
        "Handed off: 6 · first touch: median 3m, p90 10m",
        "Within the SLA (5m): 80% · breaches: 2",
        "By rep: <@U0REP1> 3m (50% in time) · <@U0REP2> 1m (100% in time)"
        " · <@U0REP3> 2m (100% in time)",
    ]
    # 19 touches over 6 leads; 62.5% for U0REP1 would round up, here 19/72 is 26.4%.
    assert depth == [
        "Average touches per lead: 3.2 of 12 (26% of the plan)",
        "Never reached: 1 · under 5 touches after 14 days: 0",
    ]


def test_the_command_in_spanish(reports: Reports, database: Database) -> None:
    spanish = Reports(database, AGREEMENT, Catalogue("es"), utc_now)
    with freeze_time(NOW):
        speed = spanish.command("Velocidad HOY").text.splitlines()
        depth = spanish.command("profundidad semana").text.splitlines()
    assert speed[:2] == [
        "*Velocidad de respuesta* · hoy (2026-11-25)",
        "Entregados: 2 · tomados: 1 · contactados: 1 · sin ningún intento: 1",
    ]
    assert "• sin tomar: entregados: 1 · primer intento: mediana —, p90 —" in speed[-5]
    assert depth[1] == "Leads: 6 · intentos: 19 (12 llamadas, 3 mensajes de voz y 4 correos)"
    assert "*Por vendedor*" in depth and "*Por origen*" in depth


def test_an_empty_period_says_so(reports: Reports) -> None:
    with freeze_time(NOW):
        reply = reports.command("speed 2026-09")
        compact = reports.depth_lines(reports.depth(period("2026-09")), compact=True)
    assert reply.text.splitlines() == [
        "*Speed to lead* · 2026-09 (2026-09-01 – 2026-09-30)",
        "No leads were handed off in this period (2026-09-01 – 2026-09-30): nothing to report yet.",
    ]
    assert compact == [
        "No leads were handed off in this period (2026-09-01 – 2026-09-30): nothing to report yet."
    ]


@pytest.mark.parametrize(
    ("locale", "args", "first"),
    [
        ("en", "", "Reports: `/sla report speed|depth [period]`"),
        ("en", "slowness", "“slowness” is not a report I know."),
        ("en", "speed fortnight", "“fortnight” is not a period I know."),
        ("en", "depth 2026-13", "“2026-13” is not a period I know."),
        ("en", "speed <!channel>", "“&lt;!channel&gt;” is not a period I know."),
        ("es", "rapidez", "“rapidez” no es un reporte que conozca."),
        ("es", "velocidad quincena", "“quincena” no es un periodo que conozca."),
    ],
)
def test_bad_input_lists_the_choices(
    sqlite_database: Database, locale: str, args: str, first: str
) -> None:
    reports = Reports(sqlite_database, AGREEMENT, Catalogue(locale), utc_now)
    with freeze_time(NOW):
        lines = reports.command(args).text.splitlines()
    assert lines[0] == first
    periods = "`hoy`, `ayer`, `semana`, `mes`" if locale == "es" else "`today`, `yesterday`"
    assert periods in lines[-1] and "`2026-10`" in lines[-1]
    assert ("`velocidad`" if locale == "es" else "`speed`") in lines[-2]


# --- Periods --------------------------------------------------------------------------------


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "today", "start", "end", "key"),
    [
        ("today", date(2026, 11, 25), "2026-11-25 06:00", "2026-11-26 06:00", "today"),
        ("hoy", date(2026, 11, 25), "2026-11-25 06:00", "2026-11-26 06:00", "today"),
        ("yesterday", date(2026, 11, 25), "2026-11-24 06:00", "2026-11-25 06:00", "yesterday"),
        ("Ayer", date(2027, 1, 1), "2026-12-31 06:00", "2027-01-01 06:00", "yesterday"),
        ("week", date(2026, 11, 25), "2026-11-23 06:00", "2026-11-26 06:00", "week"),
        ("semana", date(2026, 11, 29), "2026-11-23 06:00", "2026-11-30 06:00", "week"),
        ("week", date(2026, 11, 23), "2026-11-23 06:00", "2026-11-24 06:00", "week"),
        ("month", date(2026, 11, 25), "2026-11-01 06:00", "2026-11-26 06:00", "month"),
        ("", date(2026, 11, 25), "2026-11-01 06:00", "2026-11-26 06:00", "month"),
        (" MES ", date(2026, 12, 1), "2026-12-01 06:00", "2026-12-02 06:00", "month"),
        ("2026-02", date(2026, 11, 25), "2026-02-01 06:00", "2026-03-01 06:00", "2026-02"),
        ("2026-12", date(2026, 11, 25), "2026-12-01 06:00", "2027-01-01 06:00", "2026-12"),
    ],
)
def test_periods_in_mexico_city(text: str, today: date, start: str, end: str, key: str) -> None:
    assert parse_period(text, today, MX) == Period(utc(start), utc(end), key)


@pytest.mark.parametrize(
    "text",
    ["fortnight", "today please", "2026-13", "2026-00", "26-11", "2026-1", "9999-12", "0000-01"],
)
def test_anything_else_is_no_period(text: str) -> None:
    assert parse_period(text, date(2026, 11, 25), MX) is None


def test_a_week_across_daylight_saving_time_keeps_local_midnights() -> None:
    # Madrid moves from UTC+1 to UTC+2 on Sunday 29 March 2026.
    week = parse_period("week", date(2026, 3, 29), MADRID)
    assert week == Period(utc("2026-03-22 23:00"), utc("2026-03-29 22:00"), "week")
    assert (week.first_day(MADRID), week.last_day(MADRID)) == (date(2026, 3, 23), date(2026, 3, 29))


def test_yesterday_is_the_whole_day_before() -> None:
    assert yesterday(date(2026, 3, 1), MX) == Period(
        utc("2026-02-28 06:00"), utc("2026-03-01 06:00"), "yesterday"
    )
