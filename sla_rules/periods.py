"""Report periods: today, yesterday, this week, this month or a named month, in local days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sla_rules.progress import BusinessCalendar
from sla_rules.text import normalize

_ONE_DAY = timedelta(days=1)
# A calendar closed this long in a row has no business day to look back to.
_LOOK_BACK_DAYS = 366
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# Every word a user may type, English or Spanish, mapped to the period it names.
_WORDS = {
    "": "month",
    "today": "today",
    "hoy": "today",
    "yesterday": "yesterday",
    "ayer": "yesterday",
    "week": "week",
    "semana": "week",
    "month": "month",
    "mes": "month",
}
# The periods a user may ask for by name (the help lists a word for each).
PERIOD_KEYS = frozenset(_WORDS.values())


@dataclass(frozen=True)
class Period:
    """A half-open span of time [start, end) in UTC and the key it was asked by."""

    start: datetime
    end: datetime
    key: str

    def first_day(self, zone: ZoneInfo) -> date:
        """The first local day the period covers."""
        return self.start.astimezone(zone).date()

    def last_day(self, zone: ZoneInfo) -> date:
        """The last local day the period covers (the end is excluded)."""
        return self.end.astimezone(zone).date() - _ONE_DAY


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day starts, in UTC."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _days(first: date, after_last: date, zone: ZoneInfo, key: str) -> Period:
    return Period(_midnight(first, zone), _midnight(after_last, zone), key)


def yesterday(today: date, zone: ZoneInfo) -> Period:
    """The whole local day before today."""
    return _days(today - _ONE_DAY, today, zone, "yesterday")


def since_last_business_day(today: date, zone: ZoneInfo, calendar: BusinessCalendar) -> Period:
    """From the start of the business day before today up to today: the standup's span.

    Friday's standup covers Thursday; Monday's covers Friday and the weekend; the day after a
    holiday covers the business day before it and the holiday. Leads handed off on days off
    belong to the span that ends at the next business day, so no standup leaves them out.
    """
    day = today - _ONE_DAY
    for _ in range(_LOOK_BACK_DAYS):
        if calendar.is_business_day(day):
            return _days(day, today, zone, "last_business_day")
        day -= _ONE_DAY
    return yesterday(today, zone)


def _named_month(year: int, month: int, zone: ZoneInfo) -> Period | None:
    if not 1 <= month <= 12:
        return None
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return _days(date(year, month, 1), following, zone, f"{year:04d}-{month:02d}")


def parse_period(text: str, today: date, zone: ZoneInfo) -> Period | None:
    """The period a user typed (empty means this month); None when it names none."""
    word = normalize(text)
    tomorrow = today + _ONE_DAY
    key = _WORDS.get(word)
    if key == "today":
        return _days(today, tomorrow, zone, key)
    if key == "yesterday":
        return yesterday(today, zone)
    if key == "week":
        return _days(today - timedelta(days=today.weekday()), tomorrow, zone, key)
    if key == "month":
        return _days(today.replace(day=1), tomorrow, zone, key)
    match = _MONTH.fullmatch(word)
    if match is None:
        return None
    try:
        return _named_month(int(match.group(1)), int(match.group(2)), zone)
    except (ValueError, OverflowError):
        # Year 0 or 9999-12 have no month after them that datetime can hold.
        return None
