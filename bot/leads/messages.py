"""Block Kit for leads: the announcement, the digest, the owner's DM and thread notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cadence.touch_messages import TouchMessages
from bot.leads.claim_button import CLAIM_ACTION, claim_value
from bot.ui.blocks import (
    MAX_BLOCKS,
    Block,
    Reply,
    button,
    context,
    escape,
    section,
    section_with_button,
    truncate,
)
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed, local_time
from bot.ui.lead_view import LeadView
from sla_rules.escalation import arrived_late
from sla_rules.leads import LATE_ANNOUNCEMENT

# The DM sent on claim answers the response SLA's first touch.
FIRST_TOUCH_STEP = "first"
# Header and footer take two blocks; the rest is one section per lead.
DIGEST_MAX_LEADS = MAX_BLOCKS - 10
_DIGEST_LINE_LIMIT = 280


class LeadMessages:
    """Builds every message about leads in the agreement's language and zone."""

    def __init__(
        self,
        cat: Catalogue,
        zone: ZoneInfo,
        first_touch_within: timedelta,
        kinds: tuple[str, ...] = (),
    ) -> None:
        self.cat = cat
        self.zone = zone
        self.sla = first_touch_within
        self.touches = TouchMessages(cat, first_touch_within, zone, kinds)

    def _company(self, lead: LeadView) -> str:
        return f" · {lead.company}" if lead.company else ""

    def _claimed(self, lead: LeadView) -> str:
        span = lead.time_to_claim or timedelta(0)
        text = self.cat.t("lead.claimed_by", owner=lead.owner_id, elapsed=elapsed(span))
        # A rep cannot claim what Slack has not shown yet: say so when that took a while.
        waited = timedelta(seconds=lead.announce_seconds or 0)
        if LATE_ANNOUNCEMENT <= waited <= span:
            text += self.cat.t("lead.claimed_waiting", waited=elapsed(waited))
        return text

    def _claim_button(self, lead: LeadView) -> Block:
        return button(
            self.cat.t("lead.claim_button"), CLAIM_ACTION, claim_value(lead.id), "primary"
        )

    def _respond_by(self, lead: LeadView) -> str:
        return local_time(lead.respond_by, self.zone, lead.clock_start, cat=self.cat)

    def _arrived_late(self, lead: LeadView) -> str | None:
        """The line saying a back-dated lead came late, or None when it came in time."""
        if arrived_late(lead.handed_off_at, lead.created_at, self.sla) is None:
            return None
        return self.cat.t("lead.arrived_late", late=elapsed(lead.late_by))

    def late_arrivals(self, leads: Sequence[LeadView]) -> Reply:
        """One note to a manager for a burst of leads that reached the bot already late."""
        cat = self.cat
        shown = [lead.shown() for lead in leads]
        longest = max(lead.late_by for lead in shown)
        title = cat.plural("lead.late_note", len(shown), late=elapsed(longest))
        names = ", ".join(f"*{lead.short_id}* {lead.name}" for lead in shown)
        text = truncate(f"{title}\n{names}", 3000)
        return Reply(text=truncate(title, 3000), blocks=[section(text)])

    def _breach(self, lead: LeadView, now: datetime) -> str | None:
        """The card's breach line by the SLA's rule (None while the lead keeps to it)."""
        if not lead.breached(now):
            return None
        if lead.first_touch_at is None:
            return self.cat.t("lead.breached", time=self._respond_by(lead))
        touched = local_time(lead.first_touch_at, self.zone, lead.clock_start, cat=self.cat)
        return self.cat.t("lead.breached_touched", time=self._respond_by(lead), touched=touched)

    def announcement(self, lead: LeadView, now: datetime) -> Reply:
        """The handoff channel's message for one lead as of now, with Claim while unowned."""
        lead = lead.shown()
        cat = self.cat
        lines = [
            cat.t(
                "lead.announce_title",
                id=lead.short_id,
                name=lead.name,
                company=self._company(lead),
            )
        ]
        if lead.source:
            lines.append(cat.t("lead.source", source=lead.source))
        if lead.reason:
            lines.append(cat.t("lead.reason", reason=lead.reason))
        late = self._arrived_late(lead)
        if late is not None:
            lines.append(late)
        lines.append(cat.t("lead.respond_by", time=self._respond_by(lead), zone=self.zone.key))
        breach = self._breach(lead, now)
        if breach is not None:
            lines.append(breach)
        body = "\n".join(lines)
        blocks: list[Block]
        if lead.owner_id is None and lead.status == "unclaimed":
            blocks = [section_with_button(body, self._claim_button(lead), f"lead-{lead.id}")]
        else:
            blocks = [section(body), context(self._status_line(lead))]
        text = cat.t("lead.announce_text", id=lead.short_id, name=lead.name)
        return Reply(text=truncate(text, 3000), blocks=blocks)

    def released_announcement(self, lead: LeadView, previous_owner: str | None) -> Reply:
        """An old announcement once its lead was released and announced again."""
        lead = lead.shown()
        cat = self.cat
        title = cat.t(
            "lead.announce_title",
            id=lead.short_id,
            name=lead.name,
            company=self._company(lead),
        )
        key = "lead.released_from" if previous_owner else "lead.reannounced"
        note = cat.t(key, owner=previous_owner or "")
        text = cat.t("lead.announce_text", id=lead.short_id, name=lead.name)
        return Reply(text=text, blocks=[section(title), context(note)])

    def _status_line(self, lead: LeadView) -> str:
        if lead.owner_id is not None:
            return self._claimed(lead)
        return self.cat.t("lead.status_line", status=self.cat.t(f"status.{lead.status}"))

    def digest(self, leads: Sequence[LeadView]) -> Reply:
        """One message announcing several leads, a Claim button (or its owner) on each."""
        cat = self.cat
        blocks: list[Block] = [section(cat.plural("lead.digest_title", len(leads)))]
        for lead in (each.shown() for each in leads[:DIGEST_MAX_LEADS]):
            line = cat.t(
                "lead.digest_line",
                id=lead.short_id,
                name=lead.name,
                company=self._company(lead),
                time=self._respond_by(lead),
            )
            if lead.source:
                line += " · " + lead.source
            line = truncate(line, _DIGEST_LINE_LIMIT)
            if lead.owner_id is None and lead.status == "unclaimed":
                blocks.append(
                    section_with_button(line, self._claim_button(lead), f"lead-{lead.id}")
                )
            else:
                blocks.append(section(f"{line}\n{self._status_line(lead)}"))
        blocks.append(context(cat.t("lead.digest_footer", zone=self.zone.key)))
        text = cat.plural("lead.digest_text", len(leads))
        return Reply(text=text, blocks=blocks)

    def thread_root(self, lead: LeadView) -> Reply:
        """The message that starts the own thread of a lead first announced in a digest."""
        lead = lead.shown()
        text = self.cat.t(
            "lead.thread_root",
            id=lead.short_id,
            name=lead.name,
            company=self._company(lead),
            owner=lead.owner_id,
        )
        return Reply(text=text, blocks=[section(text)])

    def owner_dm(self, lead: LeadView, now: datetime) -> Reply:
        """The new owner's DM: contact details and what to do first."""
        lead = lead.shown()
        cat = self.cat
        none = cat.t("lead.none")
        lines = [
            cat.t("lead.contact_email", email=lead.email if lead.email else none),
            cat.t("lead.contact_phone", phone=lead.phone if lead.phone else none),
        ]
        if lead.source:
            lines.append(cat.t("lead.source", source=lead.source))
        if lead.reason:
            lines.append(cat.t("lead.reason", reason=lead.reason))
        first = cat.t(
            "lead.first_step",
            time=local_time(lead.respond_by, self.zone, now, cat=self.cat),
            sla=elapsed(self.sla),
        )
        title = cat.t(
            "lead.dm_title", id=lead.short_id, name=lead.name, company=self._company(lead)
        )
        blocks = [
            section(title),
            section("\n".join(lines)),
            section(first),
            self.touches.buttons(lead.id, FIRST_TOUCH_STEP),
            context(cat.t("touch.how_to_log", id=lead.short_id)),
        ]
        return Reply(text=cat.t("lead.dm_text", id=lead.short_id, name=lead.name), blocks=blocks)

    def duplicate_note(self, lead: LeadView, source: str | None, reason: str | None) -> Reply:
        """A thread note: Marketing handed the same person off again."""
        lead = lead.shown()
        cat = self.cat
        details = " · ".join(escape(part) for part in (source, reason) if part)
        who = (
            cat.t("lead.duplicate_owner", owner=lead.owner_id)
            if lead.owner_id
            else cat.t("lead.duplicate_unclaimed")
        )
        text = cat.t("lead.duplicate", id=lead.short_id, details=details or "—", who=who)
        return Reply(text=text, blocks=[section(text)])
