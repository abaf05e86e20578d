"""Setting aside an outbox row that keeps failing, and telling the managers once."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.outbox.calls import Pending
from bot.ui.catalogue import Catalogue
from sla_rules.leads import short_id
from storage import outbox as box

log = logging.getLogger("sla_bot.outbox")

# Failed tries of a row's own (faults) before it is set aside; Slack's refusals are "failed"
# at once and its outages are retried without limit (they count attempts, not faults).
MAX_ATTEMPTS = 5
# The kind of the managers' notice: a notice that itself dies is not notified again.
NOTICE_KIND = "dead_notice"


def describe(error: BaseException) -> str:
    """What to keep and log of an unexpected error: its type and where it was raised.

    Never its message: an exception raised while rendering a lead may quote its contact data.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"


def log_failure(row: Pending, error: BaseException) -> None:
    """Log the first failure of a row with its stack (frames only), later ones in one line."""
    if row.faults == 0:
        stack = "".join(traceback.format_tb(error.__traceback__))
        log.error(
            "outbox row %d (%s) failed: %s\n%s", row.id, row.kind, describe(error), stack.rstrip()
        )
    else:
        log.warning(
            "outbox row %d (%s) failed again (try %d): %s",
            row.id,
            row.kind,
            row.faults + 1,
            describe(error),
        )


def notice_text(cat: Catalogue, row: Pending) -> str:
    """The managers' DM about a dead row: the lead's short ID and what could not be sent."""
    kind = row.kind if cat.has(f"outbox.kind.{row.kind}") else "other"
    what = cat.t(f"outbox.kind.{kind}", channel=row.channel)
    attempts = row.faults + 1
    # Slack's refusals are set aside at once: one try, no count worth giving.
    if row.lead_id is None:
        return cat.plural("outbox.dead.other", attempts, what=what, row=row.id)
    return cat.plural(
        "outbox.dead.lead", attempts, what=what, lead=short_id(row.lead_id), row=row.id
    )


def bury(
    session: Session,
    row: Pending,
    error: str,
    now: datetime,
    cat: Catalogue,
    managers: Sequence[str],
) -> list[int]:
    """Mark a row dead and owe each manager one DM about it (in the same transaction)."""
    box.bury(session, [row.id], error, now)
    log.error(
        "outbox row %d (%s) set aside after %d failed tries", row.id, row.kind, row.faults + 1
    )
    if row.kind == NOTICE_KIND:
        return []  # no notices about notices: a manager's DM that keeps dying must not loop
    text = notice_text(cat, row)
    return [
        box.enqueue(session, kind=NOTICE_KIND, channel=manager, now=now, payload={"text": text})
        for manager in managers
    ]
