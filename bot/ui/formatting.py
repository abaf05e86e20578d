"""Times and durations as people in the agreement's zone read them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.ui.catalogue import Catalogue
from sla_rules.durations import format_duration


def local_time(
    moment: datetime,
    zone: ZoneInfo,
    reference: datetime | None = None,
    *,
    cat: Catalogue | None = None,
) -> str:
    """The time in the zone, with the day in front when it is not the reference's day.

    With the catalogue, in its locale's patterns (20:58 / Nov 11, 2026, 20:58 / 11 nov 2026,
    20:58); without one, in ISO order (2026-11-11 20:58), which reads the same in any language.
    """
    try:
        local = moment.astimezone(zone)
    except OverflowError:
        # An instant at the edge of the calendar (year 1 from an older import) has no local
        # time: shown as it was stored, so the lead can still be looked at and dealt with.
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    same_day = reference is not None and reference.astimezone(zone).date() == local.date()
    if cat is None:
        return local.strftime("%H:%M") if same_day else local.strftime("%Y-%m-%d %H:%M")
    return cat.clock(local) if same_day else cat.date_time(local)


def local_date(day: date, cat: Catalogue | None = None) -> str:
    """A calendar day in the catalogue's locale (Nov 11, 2026 / 11 nov 2026), else ISO."""
    return cat.date(day) if cat is not None else day.isoformat()


def elapsed(span: timedelta) -> str:
    """A duration such as 1m 12s (never negative, to the second)."""
    return format_duration(max(span, timedelta(0)))
