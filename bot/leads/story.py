"""/sla lead: a lead's story so far, from its timeline."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.cadence.touch_messages import TouchMessages
from bot.runtime.clock import Clock
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed, local_date, local_time
from bot.ui.lead_view import LeadView
from sla_rules.leads import parse_short_id
from storage import leads as repo
from storage.models import Lead, LeadEvent
from storage.unit_of_work import Database


class LeadStories:
    """Finds a lead by short or external ID and tells what happened to it."""

    def __init__(self, database: Database, cat: Catalogue, zone: ZoneInfo, clock: Clock) -> None:
        self.database = database
        self.cat = cat
        self.zone = zone
        self.clock = clock
        self.touch_words = TouchMessages(cat, timedelta(0))

    def find(self, reference: str) -> LeadView | None:
        """The lead named by L-42, 42 or an external ID."""
        with self.database.reading() as session:
            lead = self._find(session, reference)
            return None if lead is None else LeadView.of(lead)

    @staticmethod
    def _find(session: Session, reference: str) -> Lead | None:
        number = parse_short_id(reference)
        lead = repo.lead_by_id(session, number) if number is not None else None
        return lead or repo.lead_by_external_id(session, reference.strip())

    def story(self, reference: str) -> Reply:
        """The lead's timeline, or why it cannot be shown."""
        cat = self.cat
        reference = reference.strip()
        if not reference:
            return text_reply(cat.t("story.usage"))
        with self.database.reading() as session:
            lead = self._find(session, reference)
            if lead is None:
                return text_reply(cat.t("story.not_found", ref=escape(reference[:100])))
            view = LeadView.of(lead)
            events = list(repo.timeline(session, lead.id))
        now = self.clock()
        company = f" · {escape(view.company)}" if view.company else ""
        title = cat.t("story.title", id=view.short_id, name=escape(view.name), company=company)
        owner = cat.t("story.owner", owner=view.owner_id) if view.owner_id else ""
        lines = [
            cat.t("story.status", status=cat.t(f"status.{view.status}"), owner=owner),
            cat.t("story.respond_by", time=local_time(view.respond_by, self.zone, now, cat=cat)),
        ]
        verdict = self._verdict(view, now)
        if verdict is not None:
            lines.append(verdict)
        lines += self._speed(view)
        # "breached" is for connectors and webhooks: the escalation line already tells it.
        lines += [self._line(event, view, now) for event in events if event.kind != "breached"]
        return text_reply(title, lines, footer=cat.t("story.zone", zone=self.zone.key))

    def _verdict(self, lead: LeadView, now: datetime) -> str | None:
        """The SLA's verdict, by the rule the reports count with (None until it has one)."""
        if lead.within_sla():
            return self.cat.t("story.within")
        if not lead.breached(now):
            return None
        key = "story.breached" if lead.first_touch_at is None else "story.breached_touched"
        return self.cat.t(key)

    def _speed(self, lead: LeadView) -> list[str]:
        cat = self.cat
        lines = []
        for key, wall, business in (
            ("story.speed_claim", lead.claim_seconds, lead.claim_business_seconds),
            ("story.speed_touch", lead.first_touch_seconds, lead.first_touch_business_seconds),
        ):
            if wall is not None:
                lines.append(
                    cat.t(
                        key,
                        wall=elapsed(timedelta(seconds=wall)),
                        business=elapsed(timedelta(seconds=business or 0)),
                    )
                )
        return lines

    def _line(self, event: LeadEvent, lead: LeadView, now: datetime) -> str:
        cat = self.cat
        when = local_time(event.at, self.zone, now, cat=self.cat)
        detail = event.detail or {}
        if event.kind == "handoff":
            by = cat.t("story.by", user=event.actor) if event.actor else ""
            return cat.t(
                "story.handoff", time=when, via=cat.t(f"via.{detail.get('via', 'api')}"), by=by
            )
        if event.kind == "announced":
            digest = cat.t("story.in_digest") if detail.get("digest") else ""
            return cat.t(
                "story.announced", time=when, channel=detail.get("channel", ""), digest=digest
            )
        if event.kind == "claimed":
            waited = elapsed(timedelta(seconds=int(detail.get("seconds", 0))))
            return cat.t("story.claimed", time=when, owner=event.actor, elapsed=waited)
        if event.kind == "duplicate":
            parts = [escape(str(detail[k])) for k in ("source", "reason") if detail.get(k)]
            return cat.t("story.duplicate", time=when, details=" · ".join(parts) or "—")
        if event.kind == "touch":
            touch = self.touch_words.described(
                str(detail.get("touch_kind")), str(detail.get("outcome")), detail.get("reason")
            )
            return cat.t("story.touch", time=when, user=event.actor, touch=touch)
        if event.kind == "arrived_late":
            late = elapsed(timedelta(seconds=int(detail.get("late_seconds", 0))))
            return cat.t("story.arrived_late", time=when, late=late)
        if event.kind == "escalation":
            return cat.t(f"story.escalation_{detail.get('step', 'owner')}", time=when)
        if event.kind == "released":
            return cat.t("story.released", time=when)
        if event.kind == "set_aside":
            part = cat.t(f"set_aside.part.{detail.get('part')}")
            return cat.t("story.set_aside", time=when, part=part)
        if event.kind in ("paused", "resumed", "skip", "snooze", "closed"):
            until = detail.get("until")
            until_text = (
                local_time(datetime.fromisoformat(until), self.zone, now, cat=self.cat)
                if until
                else ""
            )
            if event.kind == "paused" and detail.get("through"):
                through = local_date(date.fromisoformat(detail["through"]), cat)
                until_text = cat.t("story.through", date=through)
            elif event.kind == "paused" and until_text:  # written before "through" was kept
                until_text = cat.t("story.until", time=until_text)
            status = detail.get("status")
            return cat.t(
                f"story.{event.kind}",
                time=when,
                user=event.actor or "",
                until=until_text,
                step=detail.get("step", ""),
                status=cat.t(f"status.{status}") if status else "",
            )
        return cat.t("story.other", time=when, kind=event.kind)
