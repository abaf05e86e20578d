"""The response SLA's verdict on a lead: answered within it, a breach, or not yet decided.

The SLA judges the first human touch against the lead's `respond_by`, whatever the escalation
ladder did: a ladder without a channel step, or a touch logged between the deadline and the
next tick, changes what was posted, never whether the promise was kept. The report queries
(storage/reports.py) count with the same rule in SQL.
"""

from __future__ import annotations

from datetime import datetime


def within_sla(respond_by: datetime, first_touch_at: datetime | None) -> bool:
    """Whether the lead's first touch came by its deadline (the deadline itself counts)."""
    return first_touch_at is not None and first_touch_at <= respond_by


def breached(respond_by: datetime, first_touch_at: datetime | None, now: datetime) -> bool:
    """Whether the lead broke the SLA: first touched after respond_by, or untouched past it."""
    if first_touch_at is not None:
        return first_touch_at > respond_by
    return now > respond_by


def decided(respond_by: datetime, first_touch_at: datetime | None, now: datetime) -> bool:
    """Whether the SLA has a verdict yet: the lead was touched or its deadline has passed."""
    return first_touch_at is not None or now > respond_by
