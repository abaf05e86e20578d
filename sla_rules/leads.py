"""Lead identity and lifecycle rules: short IDs, statuses, email keys."""

from __future__ import annotations

import re
from datetime import timedelta

UNCLAIMED = "unclaimed"
CLAIMED = "claimed"
OPEN_STATUSES = (UNCLAIMED, CLAIMED)
# Closed: the cadence ended. Reached (connected or a meeting), won, disqualified, or
# 12 touches without ever reaching the person.
REACHED = "reached"
WON = "won"
DISQUALIFIED = "disqualified"
NOT_REACHED = "not_reached"
CLOSED_STATUSES = (REACHED, WON, DISQUALIFIED, NOT_REACHED)

# A lead Slack showed this long after the bot received it was late through no rep's fault:
# the claim notice and the standup say so.
LATE_ANNOUNCEMENT = timedelta(minutes=1)
STATUS_AFTER_STOP = {
    "connected": REACHED,
    "meeting_booked": REACHED,
    "won": WON,
    "disqualified": DISQUALIFIED,
}


def status_after(outcome: str) -> str:
    """The status a lead takes when a stop outcome ends its cadence."""
    return STATUS_AFTER_STOP.get(outcome, REACHED)


_SHORT_ID = re.compile(r"^\s*(?:L-?|#)?(\d{1,12})\s*$", re.IGNORECASE)


def short_id(lead_id: int) -> str:
    """The lead's human ID, as people say it: L-42."""
    return f"L-{lead_id}"


def parse_short_id(text: str) -> int | None:
    """Read L-42, l42 or #42 back into the number; None when it is not a short ID."""
    match = _SHORT_ID.match(text)
    return int(match.group(1)) if match else None


def email_key(email: str | None) -> str | None:
    """The form of an email address used to spot the same person handed off twice."""
    if email is None or not email.strip():
        return None
    return email.strip().casefold()
