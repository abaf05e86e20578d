"""Leads the tick cannot handle: each failure counted, set aside after a few, managers told."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.ui.blocks import Reply, section
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.leads import short_id
from storage import leads as repo
from storage.outbox import enqueue

log = logging.getLogger("sla_bot.set_aside")

# Failed ticks in a row before a lead is set aside: one failure may be a passing fault (a
# deadlock, a lost connection); three in a row is the row itself.
MAX_TICK_FAILURES = 3


class SetAside:
    """Counts a lead's failed ticks durably and sets it aside, telling the managers once."""

    def __init__(
        self,
        agreement: Agreement,
        catalogue: Catalogue,
        on_commit: Callable[[], None] = lambda: None,
        limit: int = MAX_TICK_FAILURES,
    ) -> None:
        self.agreement = agreement
        self.catalogue = catalogue
        self.on_commit = on_commit
        self.limit = limit

    def failed(
        self, session: Session, lead_id: int, part: str, error: Exception, now: datetime
    ) -> bool:
        """Count one failure of `part` on a lead; True when it set the lead aside just now."""
        # The error's class only: its text may quote the row (names, emails, phones).
        kind = type(error).__name__
        if not repo.note_tick_failure(session, lead_id, now, f"{part}: {kind}", self.limit):
            return False
        repo.add_event(session, lead_id, "set_aside", now, None, part=part, error=kind)
        cat = self.catalogue
        text = cat.t(
            "set_aside.managers",
            id=short_id(lead_id),
            part=cat.t(f"set_aside.part.{part}"),
            failures=self.limit,
        )
        reply = Reply(text=text, blocks=[section(text)])
        for manager in self.agreement.slack.managers:
            # No lead_id on purpose: the notice must not wait behind the lead's own messages,
            # which may be what is stuck.
            enqueue(session, kind="dm", channel=manager, now=now, payload=reply.payload())
        log.error(
            "lead %s set aside after %d failed ticks in %s (%s)",
            short_id(lead_id),
            self.limit,
            part,
            kind,
        )
        return True
