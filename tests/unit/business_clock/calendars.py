"""Business hours and clocks in Mexico City, Madrid and New York, and wall times to test them at."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sla_rules.agreement import BusinessHours
from sla_rules.business_clock import BusinessClock

MEXICO = ZoneInfo("America/Mexico_City")
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
WORKWEEK = ["mon", "tue", "wed", "thu", "fri"]
EVERY_DAY = [*WORKWEEK, "sat", "sun"]
CHRISTMAS_EVE = date(2026, 12, 24)
MICROSECOND = timedelta(microseconds=1)


def business_hours(
    country: str | None = None,
    extra: Sequence[date] = (),
    days: Sequence[str] = WORKWEEK,
    start: str = "09:00",
    end: str = "18:00",
) -> BusinessHours:
    """Business hours from plain values: 09:00-18:00 on weekdays unless told otherwise."""
    return BusinessHours.model_validate(
        {
            "days": list(days),
            "start": start,
            "end": end,
            "holidays_country": country,
            "holidays": list(extra),
        }
    )


CLOCKS = {
    "mexico": BusinessClock(business_hours("MX", [CHRISTMAS_EVE]), MEXICO),
    "madrid": BusinessClock(business_hours("ES"), MADRID),
    "new_york": BusinessClock(business_hours("US"), NEW_YORK),
}
ZONES = {"mexico": MEXICO, "madrid": MADRID, "new_york": NEW_YORK}


def local(zone: ZoneInfo, text: str) -> datetime:
    """A wall time in the zone; gap and fold times keep fold=0, as people type them."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    """A wall time read in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
