"""Answers to whoever acted on a touch or a due step: told only to them, in their words.

They sit above both the use cases (whose results they read) and the message builders (whose
words they reuse), so neither has to know the other.
"""

from __future__ import annotations

from bot.cadence.requests import StepResult, TouchRequest, TouchResult
from bot.cadence.touch_messages import TouchMessages
from bot.ui.blocks import Block, Reply, context, section
from bot.ui.formatting import local_time
from bot.ui.lead_view import LeadView


class TouchAnswers:
    """What the person who tapped a touch button, a step control or typed /sla touch is told."""

    def __init__(self, messages: TouchMessages) -> None:
        self.messages = messages
        self.cat = messages.cat

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
        if step is None or lead.cadence_due_at is None or step > len(self.messages.kinds):
            return cat.t("touch.duplicate", id=lead.short_id)
        return cat.t(
            "cadence.stale",
            id=lead.short_id,
            step=step,
            kind=cat.t(f"touch.kind_{self.messages.kinds[step - 1]}"),
            time=local_time(lead.cadence_due_at, self.messages.zone, cat=cat),
        )

    def logged(self, result: TouchResult, request: TouchRequest) -> Reply:
        """What the person who logged a touch is told."""
        cat = self.cat
        lead = result.lead
        if lead is None:
            text = cat.t("touch.missing")
        elif result.outcome == "logged":
            text = cat.t(
                "touch.logged",
                id=lead.short_id,
                touch=self.messages.described(request.kind, request.outcome, request.reason),
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

    def step(self, result: StepResult, action: str, step: int, hours: str) -> str:
        """What the owner is told after a skip or snooze."""
        cat = self.cat
        lead = result.lead
        if result.outcome == "refused":
            key = (
                "cadence.snooze_in_past" if result.refusal == "in_past" else "cadence.snooze_closed"
            )
            return cat.t(key, hours=hours)
        if lead is None:
            return cat.t("touch.missing")
        if result.outcome == "stale":
            return self.current_step(lead)
        if result.outcome == "not_allowed":
            return cat.t("touch.not_owner", id=lead.short_id, owner=lead.owner_id or "—")
        if action == "skip":
            return cat.t("cadence.skipped", step=step, id=lead.short_id)
        due = lead.cadence_due_at
        time = local_time(due, self.messages.zone, cat=self.cat) if due else "—"
        return cat.t("cadence.snoozed", step=step, id=lead.short_id, time=time)
