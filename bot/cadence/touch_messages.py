"""Block Kit for touches: one-tap logging buttons, thread notes and answers to the logger."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cadence.controls import touch_action_id, touch_block_id, touch_value
from bot.cadence.requests import TouchRequest, TouchResult
from bot.ui.blocks import Block, Reply, actions, button, context, escape, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed, local_time
from bot.ui.lead_view import LeadView

# The one-tap choices in an owner's DM: (kind, outcome).
QUICK_TOUCHES: tuple[tuple[str, str], ...] = (
    ("call", "no_answer"),
    ("call", "left_voicemail"),
    ("call", "connected"),
    ("call", "bad_number"),
    ("email", "email_sent"),
    ("call", "meeting_booked"),
)
KIND_EMOJI = {"call": ":telephone_receiver:", "voicemail": ":speech_balloon:", "email": ":email:"}


class TouchMessages:
    """Builds the messages about touches in the agreement's language."""

    def __init__(
        self,
        cat: Catalogue,
        first_touch_within: timedelta,
        zone: ZoneInfo | None = None,
        kinds: tuple[str, ...] = (),
    ) -> None:
        self.cat = cat
        self.sla = first_touch_within
        self.zone = zone or ZoneInfo("UTC")
        self.kinds = kinds  # the cadence's kind for each step, to describe the step due

    def buttons(self, lead_id: int, step: str) -> Block:
        """One button per quick outcome; the value names the lead and the step it answers."""
        elements = [
            button(
                self.cat.t(f"touch.button_{kind}_{outcome}"),
                touch_action_id(index),
                touch_value(lead_id, kind, outcome, step),
                "primary" if outcome in ("connected", "meeting_booked") else None,
            )
            for index, (kind, outcome) in enumerate(QUICK_TOUCHES)
        ]
        return actions(*elements, block_id=touch_block_id(lead_id, step))

    def described(self, kind: str, outcome: str, reason: str | None = None) -> str:
        """A touch in words: 'a call: no answer'."""
        text = self.cat.t(
            "touch.described",
            kind=self.cat.t(f"touch.kind_{kind}"),
            outcome=self.cat.t(f"outcome.{outcome}"),
        )
        if reason:
            text += self.cat.t("touch.reason", reason=escape(reason))
        return text

    def thread_note(
        self,
        lead: LeadView,
        request: TouchRequest,
        *,
        first: bool,
        within_sla: bool | None,
        now: datetime,
    ) -> Reply:
        """The lead thread's note about a logged touch."""
        cat = self.cat
        text = cat.t(
            "touch.note",
            emoji=KIND_EMOJI.get(request.kind, ""),
            user=request.actor,
            touch=self.described(request.kind, request.outcome, request.reason),
        )
        if first:
            key = "touch.first_within" if within_sla else "touch.first_late"
            text += " " + cat.t(
                key, elapsed=elapsed(now - lead.handed_off_at), sla=elapsed(self.sla)
            )
        return Reply(text=text, blocks=[section(text)])

    def after_tap(self, original: list[Block], answer: Reply) -> Reply:
        """The DM once a button was tapped: the same message, the buttons replaced by the answer."""
        kept = [block for block in original if block.get("type") != "actions"]
        return Reply(text=answer.text, blocks=[*kept, context(answer.text)])

    def current_step(self, lead: LeadView) -> str:
        """Where a lead's cadence stands, for someone who tapped an out-of-date button."""
        cat = self.cat
        if lead.status not in ("unclaimed", "claimed"):
            return cat.t(
                "cadence.stale_closed", id=lead.short_id, status=cat.t(f"status.{lead.status}")
            )
        step = lead.cadence_step
        if step is None or lead.cadence_due_at is None or step > len(self.kinds):
            return cat.t("touch.duplicate", id=lead.short_id)
        return cat.t(
            "cadence.stale",
            id=lead.short_id,
            step=step,
            kind=cat.t(f"touch.kind_{self.kinds[step - 1]}"),
            time=local_time(lead.cadence_due_at, self.zone),
        )

    def answer(self, result: TouchResult, request: TouchRequest) -> Reply:
        """What the person who logged is told."""
        cat = self.cat
        lead = result.lead
        if lead is None:
            text = cat.t("touch.missing")
        elif result.outcome == "logged":
            text = cat.t(
                "touch.logged",
                id=lead.short_id,
                touch=self.described(request.kind, request.outcome, request.reason),
            )
            if result.first:
                text += " " + cat.t("touch.clock_stopped")
        elif result.outcome == "duplicate":
            text = cat.t("touch.duplicate", id=lead.short_id)
        elif result.outcome == "stale":
            text = self.current_step(lead)
        elif result.outcome == "closed":
            text = cat.t("touch.closed", id=lead.short_id, status=cat.t(f"status.{lead.status}"))
        elif lead.owner_id:
            text = cat.t("touch.not_owner", id=lead.short_id, owner=lead.owner_id)
        else:
            text = cat.t("touch.unclaimed", id=lead.short_id)
        return Reply(text=text, blocks=[section(text)])
