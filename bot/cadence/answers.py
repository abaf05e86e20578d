"""Answers to the owner who acted on a due step: told only to them, after a skip or a snooze."""

from __future__ import annotations

from bot.cadence.requests import StepResult
from bot.cadence.touch_messages import TouchMessages
from bot.ui.formatting import local_time


def step_answer(
    result: StepResult, action: str, step: int, messages: TouchMessages, hours: str
) -> str:
    """What the owner is told after a skip or snooze."""
    cat = messages.cat
    lead = result.lead
    if result.outcome == "refused":
        key = "cadence.snooze_in_past" if result.refusal == "in_past" else "cadence.snooze_closed"
        return cat.t(key, hours=hours)
    if lead is None:
        return cat.t("touch.missing")
    if result.outcome == "stale":
        return messages.current_step(lead)
    if result.outcome == "not_allowed":
        return cat.t("touch.not_owner", id=lead.short_id, owner=lead.owner_id or "—")
    if action == "skip":
        return cat.t("cadence.skipped", step=step, id=lead.short_id)
    due = lead.cadence_due_at
    time = local_time(due, messages.zone) if due else "—"
    return cat.t("cadence.snoozed", step=step, id=lead.short_id, time=time)
