"""The nudge DM's controls: skip, snooze (a date and time) and disqualify (a reason)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.blocks import Reply, section
from bot.cadence_actions import step_answer
from bot.cadence_messages import DISQUALIFY_ACTION, SKIP_ACTION, SNOOZE_ACTION

if TYPE_CHECKING:
    from bot.deps import Deps


def _step_of(action: dict[str, Any]) -> tuple[int, int]:
    # Selects and pickers carry no value of their own: the block ID names the lead and step.
    _, lead, step = str(action["block_id"]).split("-")
    return int(lead), int(step)


def register(app: App, deps: Deps) -> None:
    """Register the cadence controls."""
    touch_messages = deps.messages.touches
    hours = deps.hours_text

    def answer(respond: Respond, body: dict[str, Any], text: str, done: bool) -> None:
        reply = Reply(text=text, blocks=[section(text)])
        if done:
            original = (body.get("message") or {}).get("blocks") or []
            reply = touch_messages.after_tap(original, reply)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **reply.payload())

    @app.action(SKIP_ACTION)
    def skip(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        data = json.loads(action["value"])
        result = deps.cadence.skip(int(data["lead"]), int(data["step"]), body["user"]["id"])
        text = step_answer(result, "skip", int(data["step"]), touch_messages, hours)
        answer(respond, body, text, result.outcome in ("done", "duplicate"))

    @app.action(SNOOZE_ACTION)
    def snooze(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        lead, step = _step_of(action)
        until = datetime.fromtimestamp(int(action["selected_date_time"]), UTC)
        result = deps.cadence.snooze(lead, step, body["user"]["id"], until)
        text = step_answer(result, "snooze", step, touch_messages, hours)
        answer(respond, body, text, result.outcome in ("done", "duplicate"))

    @app.action(DISQUALIFY_ACTION)
    def disqualify(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        lead, step = _step_of(action)
        reason = str(action["selected_option"]["value"])
        request, result = deps.cadence.disqualify(lead, step, body["user"]["id"], reason)
        reply = touch_messages.answer(result, request)
        answer(respond, body, reply.text, result.outcome in ("logged", "duplicate"))
