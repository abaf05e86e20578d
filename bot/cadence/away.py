"""Time away: /sla away [until DATE] and /sla back, and what they change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.cadence.keeper import CadenceKeeper
from bot.runtime.clock import Clock
from bot.ui.blocks import Reply, text_reply
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import local_date
from sla_rules.agreement import Agreement
from storage import cadence as store
from storage import leads as repo
from storage.ledger import record_step
from storage.models import AwayPeriod, Lead
from storage.unit_of_work import Database

UNTIL_WORDS = {"until", "hasta", "till"}


def last_day(until: datetime, zone: ZoneInfo) -> date:
    """The last whole day away, for a time away that ends at the start of the next one."""
    return (until - timedelta(days=1)).astimezone(zone).date()


def note_pause(
    session: Session, lead: Lead, period: AwayPeriod, zone: ZoneInfo, now: datetime
) -> None:
    """Put one "paused" line per absence on the lead's timeline, in the words of the reply."""
    # /sla away and the nudge tick both see the absence: the ledger lets only the first write.
    if not record_step(session, lead.id, f"pause:{period.id}", now, now):
        return
    detail: dict[str, Any] = {}
    if period.until is not None:
        detail["through"] = last_day(period.until, zone).isoformat()
    repo.add_event(session, lead.id, "paused", now, period.user_id, **detail)


class AwayTime:
    """Marks reps away and back; their leads pause and resume, with the reason on record."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        keeper: CadenceKeeper,
        cat: Catalogue,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.keeper = keeper
        self.cat = cat
        self.clock = clock
        self.on_commit = on_commit

    def is_away(self, user_id: str) -> bool:
        """Tell whether the user is away now."""
        with self.database.reading() as session:
            return store.current_away(session, user_id, self.clock()) is not None

    def _until(self, words: list[str], today: date) -> datetime | str | None:
        words = [w for w in words if w.lower() not in UNTIL_WORDS]
        if not words:
            return None
        try:
            day = date.fromisoformat(words[0])
        except ValueError:
            return "away.bad_date"
        if day < today:
            return "away.past_date"
        # Away through that whole day: back at the start of the next one, in the team's zone.
        return datetime.combine(day + timedelta(days=1), time(0), self.agreement.zone)

    def go_away(self, user_id: str, args: str) -> Reply:
        """Start a time away (ending any earlier one)."""
        now = self.clock()
        zone = self.agreement.zone
        until = self._until(args.split(), now.astimezone(zone).date())
        if isinstance(until, str):
            return text_reply(self.cat.t(until))
        with self.database.unit_of_work() as session:
            current = store.current_away(session, user_id, now)
            if current is not None:
                current.ended_at = now
            period = AwayPeriod(user_id=user_id, starts_at=now, until=until)
            session.add(period)
            session.flush()
            leads = store.open_leads_of(session, user_id)
            for lead in leads:
                note_pause(session, lead, period, zone, now)
        # No open leads is another sentence, not a number: nothing is paused.
        key = "away.away_open" if until is None else "away.away_until"
        through = "" if until is None else local_date(last_day(until, zone), self.cat)
        if not leads:
            return text_reply(self.cat.t(f"{key}_none", date=through))
        return text_reply(self.cat.plural(key, len(leads), date=through))

    def come_back(self, user_id: str) -> Reply:
        """End the time away; the leads' nudges resume from their plan."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            current = store.current_away(session, user_id, now)
            if current is None:
                return text_reply(self.cat.t("away.not_away"))
            current.ended_at = now
            leads = store.open_leads_of(session, user_id)
            for lead in leads:
                repo.add_event(session, lead.id, "resumed", now, user_id)
                self.keeper.refresh(session, lead, now)
        self.on_commit()
        if not leads:
            return text_reply(self.cat.t("away.back_none"))
        return text_reply(self.cat.plural("away.back", len(leads)))
