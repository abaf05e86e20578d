"""Times and durations as people in the agreement's zone read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla_rules.durations import format_duration


def local_time(moment: datetime, zone: ZoneInfo, reference: datetime | None = None) -> str:
    """HH:MM in the zone, with the date in front when it is not the reference's day."""
    try:
        local = moment.astimezone(zone)
    except OverflowError:
        # An instant at the edge of the calendar (year 1 from an older import) has no local
        # time: shown as it was stored, so the lead can still be looked at and dealt with.
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    if reference is not None and reference.astimezone(zone).date() == local.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def elapsed(span: timedelta) -> str:
    """A duration such as 1m 12s (never negative, to the second)."""
    return format_duration(max(span, timedelta(0)))
