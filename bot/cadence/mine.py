"""/sla mine: my open leads with the next touch and when it is due, overdue first."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cadence.away import last_day
from bot.cadence.keeper import CadenceKeeper
from bot.runtime.clock import Clock
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import local_date, local_time
from sla_rules.agreement import Agreement
from storage import cadence as store
from storage.unit_of_work import Database


class MyLeads:
    """Lists a rep's open leads and what each needs next."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        cat: Catalogue,
        clock: Clock,
        keeper: CadenceKeeper,
    ) -> None:
        self.database = database
        self.keeper = keeper
        self.kinds = [touch.kind for touch in agreement.cadence.touches]
        self.zone: ZoneInfo = agreement.zone
        self.cat = cat
        self.clock = clock

    def mine(self, user_id: str) -> Reply:
        """The user's open leads, overdue first, then by due time."""
        cat = self.cat
        now = self.clock()
        rows: list[tuple[bool, datetime, str]] = []
        with self.database.reading() as session:
            away = store.current_away(session, user_id, now)
            for lead in store.open_leads_of(session, user_id):
                if lead.first_touch_at is None:
                    due, what = lead.respond_by, cat.t("mine.first_touch")
                elif lead.cadence_step is not None:
                    # The touch's own due time, not when its next reminder goes out (a reminder
                    # or a time away moves that, never the touch).
                    step = self.keeper.state(session, lead).next_step
                    if step is None:
                        continue
                    due = step.due_at
                    what = cat.t(
                        "mine.step",
                        step=step.number,
                        total=len(self.kinds),
                        kind=cat.t(f"touch.kind_{step.kind}"),
                    )
                else:
                    continue
                overdue = due <= now
                line = cat.t(
                    "mine.overdue_line" if overdue else "mine.line",
                    id=f"L-{lead.id}",
                    name=escape(lead.name),
                    what=what,
                    time=local_time(due, self.zone, now, cat=cat),
                )
                rows.append((not overdue, due, line))
        if not rows:
            return text_reply(cat.t("mine.none"))
        rows.sort(key=lambda row: (row[0], row[1]))
        lines = [line for *_, line in rows]
        if away is not None and away.until is not None:
            lines.append(
                cat.t("mine.paused_until", date=local_date(last_day(away.until, self.zone), cat))
            )
        elif away is not None:
            lines.append(cat.t("mine.paused_open"))
        return text_reply(
            cat.t("mine.title", count=len(rows)),
            lines,
            footer=cat.t("story.zone", zone=self.zone.key),
        )
