"""The speed and depth figures: hand-computed from the stories played through the use cases."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from bot.goals.reports import Reports
from storage.reports import DepthFigures, OpenFigures, SpeedFigures
from storage.unit_of_work import Database
from tests.integration.report_stories import (
    NOW,
    local,
    period,
    statuses,
)

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
    # Late but never ticked: the ladder posted nothing, and it is a breach all the same.
    assert october.overall == SpeedFigures(None, 1, 1, 1, 0, 1, 420, 420, 60)


def test_depth_this_week_overall_by_rep_and_by_source(reports: Reports) -> None:
    with freeze_time(NOW):
        report = reports.depth(period("week"))
    kinds = (("call", 12), ("voicemail", 3), ("email", 4))
    assert report.overall == DepthFigures(None, 6, 19, kinds, 19, 1, 1, 1, 1)
    assert report.overall.average_touches() == pytest.approx(19 / 6)
    assert report.overall.plan_completion(12) == pytest.approx(19 / 72)
    assert report.by_owner == (
        DepthFigures(
            "U0REP1", 2, 15, (("call", 8), ("voicemail", 3), ("email", 4)), 15, 1, 0, 0, 1
        ),
        DepthFigures("U0REP2", 2, 3, (("call", 3),), 3, 0, 1, 0, 0),
        DepthFigures("U0REP3", 1, 1, (("call", 1),), 1, 0, 0, 1, 0),
        DepthFigures(None, 1, 0, (), 0, 0, 0, 0, 0),
    )
    assert [(f.group, f.leads, f.touches) for f in report.by_source] == [
        ("webinar", 3, 16),
        ("ebook", 2, 3),
        (None, 1, 0),
    ]


def test_depth_this_month_and_the_neglected_leads_as_of_now(reports: Reports) -> None:
    with freeze_time(NOW):
        report = reports.depth(period("month"))
        week = reports.depth(period("week"))
    kinds = (("call", 16), ("voicemail", 4), ("email", 7))
    assert report.overall == DepthFigures(None, 8, 27, kinds, 27, 1, 1, 1, 1)
    assert [(f.group, f.leads, f.touches) for f in report.by_owner] == [
        ("U0REP1", 3, 21),
        ("U0REP2", 3, 5),
        ("U0REP3", 1, 1),
        (None, 1, 0),
    ]
    # Open now: nov4, nov5, open and ignored. nov4 is 21 days old with 2 touches (stale);
    # nov5 has 6 touches, so it is not. The week's report counts it too: neglect has no period.
    assert report.open_now == week.open_now == OpenFigures(None, 4, 1, 1)
    assert report.stale_by_owner == (OpenFigures("U0REP2", 2, 0, 1),)
    # nov4 was handed off on 4 November at 10:00: 14 days later, it turns stale at 10:00.
    for clock, stale in (("09:59", 0), ("10:01", 1)):
        with freeze_time(local(11, 18, clock)):
            earlier = reports.depth(period("month", date(2026, 11, 18)))
        assert earlier.open_now.stale == stale


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
