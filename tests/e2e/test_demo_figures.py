"""The demo's simulated month: what its standup and report print is a recount of its leads."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.local.demo.goals import STANDUP, goals_demo
from bot.local.demo.kit import ENGLISH_EXAMPLE, Transcript
from sla_rules.leads import OPEN_STATUSES
from sla_rules.response import breached, decided, within_sla
from storage.engine import make_engine
from storage.models import Lead, Touch
from storage.unit_of_work import Database

ZONE = STANDUP.tzinfo
# The standup of Friday 27 November covers the business day before it: Thursday the 26th.
SPEED_DAY = date(2026, 11, 26)


def percent(part: int, whole: int) -> str:
    """The reports' rounding: half up, in integers."""
    return f"{(200 * part + whole) // (2 * whole)}%"


def sla_counts(leads: list[Lead], now: datetime) -> tuple[int, int, int]:
    """(within the SLA, breaches, decided) recounted from the rows."""
    return (
        sum(within_sla(lead.respond_by, lead.first_touch_at) for lead in leads),
        sum(breached(lead.respond_by, lead.first_touch_at, now) for lead in leads),
        sum(decided(lead.respond_by, lead.first_touch_at, now) for lead in leads),
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Lead], dict[int, int]]:
    """The goals part of `sla-bot demo`, printed, and the leads it left in its database."""
    path = Path(tmp_path_factory.mktemp("demo")) / "demo.db"
    out = io.StringIO()
    goals_demo(ENGLISH_EXAMPLE, Transcript(out), database_url=f"sqlite:///{path}")
    database = Database(make_engine(f"sqlite:///{path}"))
    with database.reading() as session:
        leads = list(session.query(Lead))
        touches = Counter(touch.lead_id for touch in session.query(Touch))
        session.expunge_all()
    database.dispose()
    return out.getvalue(), leads, touches


def local_day(lead: Lead) -> date:
    return lead.handed_off_at.astimezone(ZONE).date()


def test_the_standup_speed_figures_are_a_recount(
    demo: tuple[str, list[Lead], dict[int, int]],
) -> None:
    text, leads, _ = demo
    day = [lead for lead in leads if local_day(lead) == SPEED_DAY]
    within, breaches, due = sla_counts(day, STANDUP)
    speed = text[text.index("Speed (") :]
    assert re.search(r"Handed off: (\d+) · first touch", speed).group(1) == str(len(day))
    shown = re.search(r"Within the SLA \(5m\): (\d+%) · breaches: (\d+)", speed)
    assert shown.groups() == (percent(within, due), str(breaches))
    # The simulation touches late about half the time: breaches cannot be zero.
    assert breaches > 0


def test_the_month_report_speed_figures_are_a_recount(
    demo: tuple[str, list[Lead], dict[int, int]],
) -> None:
    text, leads, _ = demo
    report = text[text.index("Speed to lead · this month") :]
    month = [lead for lead in leads if local_day(lead).month == 11]
    within, breaches, due = sla_counts(month, STANDUP)
    shown = re.search(r"First touch within the SLA \(5m\): (\d+%) .*\((\d+) of (\d+)\)", report)
    assert shown.groups() == (percent(within, due), str(within), str(due))
    assert re.search(r"SLA breaches: (\d+)", report).group(1) == str(breaches)
    assert within + breaches == len(month)  # every simulated lead was touched


def test_the_standup_open_leads_are_a_recount(
    demo: tuple[str, list[Lead], dict[int, int]],
) -> None:
    text, leads, touches = demo
    still_open = [lead for lead in leads if lead.status in OPEN_STATUSES]
    old = STANDUP - timedelta(days=14)
    stale = [lead for lead in still_open if lead.handed_off_at < old and touches[lead.id] < 5]
    untouched = [lead for lead in still_open if not touches[lead.id]]
    shown = re.search(
        r"As of now, open leads from any month: (\d+), not reached yet · never touched: (\d+)"
        r" · under 5 touches after 14 days: (\d+)",
        text[text.index("Depth (") :],
    )
    assert shown.groups() == (str(len(still_open)), str(len(untouched)), str(len(stale)))
