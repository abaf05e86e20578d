"""Block Kit for the escalation ladder: reminders, the breach, managers, the release."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.ui.blocks import Reply, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed, local_time
from bot.ui.lead_view import LeadView


class LadderMessages:
    """The messages each ladder step sends, in the agreement's language and zone."""

    def __init__(self, cat: Catalogue, zone: ZoneInfo) -> None:
        self.cat = cat
        self.zone = zone

    def _reply(self, key: str, lead: LeadView, now: datetime, **values: object) -> Reply:
        lead = lead.shown()
        company = f" · {lead.company}" if lead.company else ""
        text = self.cat.t(
            key,
            id=lead.short_id,
            name=lead.name,
            company=company,
            owner=lead.owner_id or "",
            time=local_time(lead.respond_by, self.zone, now, cat=self.cat),
            waited=elapsed(now - lead.handed_off_at),
            **values,
        )
        return Reply(text=text, blocks=[section(text)])

    def remind_owner(self, lead: LeadView, now: datetime) -> Reply:
        """DM to the owner: the first touch is due soon (or now)."""
        key = "ladder.remind_owner_late" if lead.breached(now) else "ladder.remind_owner"
        return self._reply(key, lead, now)

    def remind_unclaimed(self, lead: LeadView, now: datetime) -> Reply:
        """Thread note while nobody has claimed the lead."""
        return self._reply("ladder.remind_unclaimed", lead, now)

    def breach_thread(self, lead: LeadView, now: datetime, owner_away: bool = False) -> Reply:
        """Thread note: the SLA is breached (an away owner's lead goes to someone else)."""
        if lead.owner_id and owner_away:
            key = "ladder.breach_owner_away"
        else:
            key = "ladder.breach_owned" if lead.owner_id else "ladder.breach_unclaimed"
        return self._reply(key, lead, now)

    def breach_channel(self, lead: LeadView, now: datetime) -> Reply:
        """The escalation channel's post about a breach."""
        key = "ladder.breach_channel_owned" if lead.owner_id else "ladder.breach_channel_unclaimed"
        return self._reply(key, lead, now, channel=lead.announce_channel)

    def managers(self, lead: LeadView, now: datetime) -> Reply:
        """DM to each manager: a lead is still untouched."""
        key = "ladder.managers_owned" if lead.owner_id else "ladder.managers_unclaimed"
        return self._reply(key, lead, now)

    def released(self, lead: LeadView, previous_owner: str | None, now: datetime) -> Reply:
        """Thread note: the claim was released and the lead announced again."""
        if previous_owner:
            return self._reply("ladder.released", lead, now, previous=previous_owner)
        return self._reply("ladder.reannounced", lead, now)
