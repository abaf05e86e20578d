"""The speed and depth replies: `/sla report` in English and Spanish, the standup's lines.

An empty period says so; bad input lists the choices.
"""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from bot.goals.reports import Reports
from bot.runtime.clock import utc_now
from bot.ui.catalogue import Catalogue
from storage.unit_of_work import Database
from tests.integration.report_stories import (
    AGREEMENT,
    NOW,
    period,
)

# --- Lines and replies ----------------------------------------------------------------------


def test_the_speed_command_in_english(reports: Reports) -> None:
    with freeze_time(NOW):
        reply = reports.command("speed week")
    assert reply.text.splitlines() == [
        "*Speed to lead* · this week (Nov 23, 2026 – Nov 25, 2026)",
        "Handed off: 6 · claimed: 5 · touched: 5 · never touched: 1",
        "Time to first touch: median 3m · p90 10m",
        "Time to claim: median 1m",
        "First touch within the SLA (5m): 67% of the leads touched or past their deadline (4 of 6)",
        "SLA breaches: 2",
        "",
        "*By rep*",
        "• <@U0REP1>: handed off: 2 · first touch: median 3m, p90 10m · within the SLA: 50%"
        " · breaches: 1",
        "• <@U0REP2>: handed off: 2 · first touch: median 1m, p90 4m 30s · within the SLA: 100%"
        " · breaches: 0",
        "• <@U0REP3>: handed off: 1 · first touch: median 2m, p90 2m · within the SLA: 100%"
        " · breaches: 0",
        "• not claimed: handed off: 1 · first touch: median —, p90 — · within the SLA: 0%"
        " · breaches: 1",
        "",
        "*By source*",
        "• webinar: handed off: 3 · first touch: median 3m, p90 10m · within the SLA: 67%"
        " · breaches: 1",
        "• ebook: handed off: 2 · first touch: median 1m, p90 4m 30s · within the SLA: 100%"
        " · breaches: 0",
        "• no source: handed off: 1 · first touch: median —, p90 — · within the SLA: 0%"
        " · breaches: 1",
    ]
    assert reply.blocks[-1]["elements"][0]["text"] == (
        "Durations count business hours only. Days in America/Mexico_City."
    )


def test_the_depth_command_in_english(reports: Reports) -> None:
    with freeze_time(NOW):
        lines = reports.command("depth").text.splitlines()
    assert lines[:5] == [
        "*Follow-up depth* · this month (Nov 1, 2026 – Nov 25, 2026)",
        "Leads: 8 · touches: 27 (16 calls, 4 voicemails and 7 emails)",
        "Average touches per lead: 3.4 of 12 planned · plan completion: 28%",
        "Reached: 1 · won: 1 · disqualified: 1 · never reached: 1",
        "As of now, open leads from any month: 4, not reached yet · never touched: 1"
        " · under 5 touches after 14 days: 1",
    ]
    assert lines[5] == "Under 5 touches after 14 days, by rep: <@U0REP2> 1"
    assert lines[8] == (
        "• <@U0REP1>: leads: 3 · touches: 21 (11 calls, 4 voicemails and 6 emails) · 7.0 per lead"
        " · plan: 58% · never reached: 1"
    )
    assert lines[-1] == (
        "• no source: leads: 1 · touches: 0 · 0.0 per lead · plan: 0% · never reached: 0"
    )


def test_compact_lines_for_the_standup(reports: Reports) -> None:
    with freeze_time(NOW):
        speed = reports.speed_lines(reports.speed(period("week")), compact=True)
        depth = reports.depth_lines(reports.depth(period("week")), compact=True)
    assert speed == [
        "Handed off: 6 · first touch: median 3m, p90 10m",
        # The ignored lead is past its deadline untouched: a breach, and in the share's base.
        "Within the SLA (5m): 67% · breaches: 2",
        "By rep: <@U0REP1> 3m (50% in time) · <@U0REP2> 1m (100% in time)"
        " · <@U0REP3> 2m (100% in time)",
    ]
    # 19 touches over 6 leads; 62.5% for U0REP1 would round up, here 19/72 is 26.4%.
    assert depth == [
        "Average touches per lead: 3.2 of 12 (26% of the plan)",
        # As of now: nov4, handed off before this week, is still open with 2 touches.
        "As of now, open leads from any month: 4, not reached yet · never touched: 1"
        " · under 5 touches after 14 days: 1",
    ]


def test_the_command_in_spanish(reports: Reports, database: Database) -> None:
    spanish = Reports(database, AGREEMENT, Catalogue("es"), utc_now)
    with freeze_time(NOW):
        speed = spanish.command("Velocidad HOY").text.splitlines()
        depth = spanish.command("profundidad semana").text.splitlines()
    assert speed[:2] == [
        "*Velocidad de respuesta* · hoy (25 nov 2026)",
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
        "*Speed to lead* · September 2026 (Sep 1, 2026 – Sep 30, 2026)",
        "No leads were handed off in this period (Sep 1, 2026 – Sep 30, 2026):"
        " nothing to report yet.",
    ]
    assert compact == [
        "No leads were handed off in this period (Sep 1, 2026 – Sep 30, 2026):"
        " nothing to report yet.",
        "As of now, open leads from any month: 4, not reached yet · never touched: 1"
        " · under 5 touches after 14 days: 1",
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
