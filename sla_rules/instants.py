"""Which instants and days from outside (a CRM, a CSV, a form) are plausible enough to keep.

A .NET CRM sends 0001-01-01T00:00:00+00:00 for "no date"; a typo gives year 9999. Such
moments cannot be the time of a handoff or a count, and arithmetic on them overflows later,
inside every tick. So each door refuses them with the field's name, by this one rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

# Nothing this bot counts happened before this century; a CRM's "no date" is year 1.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# A sender's clock may run a little ahead of ours; beyond this, the time is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
# A day may be "tomorrow" in a zone east of ours.
DAY_SKEW = timedelta(days=1)

Problem = Literal["needs_offset", "too_early", "in_future"]


def instant_problem(
    moment: datetime, now: datetime | None, skew: timedelta = CLOCK_SKEW
) -> Problem | None:
    """Why an instant is not plausible (no offset, before 2000, beyond now + skew), or None.

    Without `now` only the offset and the lower bound are checked.
    """
    offset = moment.utcoffset()
    if offset is None:
        return "needs_offset"
    # Compare wall times shifted by hand: astimezone() overflows on year 1 with an offset.
    wall = moment.replace(tzinfo=None)
    if wall < EARLIEST.replace(tzinfo=None) + offset:
        return "too_early"
    if now is not None and wall > (now + skew).astimezone(UTC).replace(tzinfo=None) + offset:
        return "in_future"
    return None


def day_problem(day: date, today: date) -> Problem | None:
    """Why a calendar day is not plausible (before 2000, after tomorrow), or None."""
    if day < EARLIEST.date():
        return "too_early"
    if day > today + DAY_SKEW:
        return "in_future"
    return None
