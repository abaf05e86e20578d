"""The nudge DM's controls: skip, snooze (a date and time) and disqualify (a reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.cadence.actions import step_answer
from bot.cadence.messages import DISQUALIFY_ACTION, DISQUALIFY_REASONS, SKIP_ACTION, SNOOZE_ACTION
from bot.slack_input import (
    Unreadable,
    blocks_of,
    disqualify_of,
    explain,
    response_url_of,
    skip_of,
    snooze_of,
    user_of,
)
from bot.ui.blocks import Reply, section

if TYPE_CHECKING:
    from bot.deps import Deps

# What a control's work returns: the text for the owner, and whether the step is done.
Outcome = tuple[str, bool]


def register(app: App, deps: Deps) -> None:
    """Register the cadence controls."""
    touch_messages = deps.messages.touches
    hours = deps.hours_text
    cat = deps.catalogue

    def run(body: dict[str, Any], respond: Respond, work: Callable[[str], Outcome]) -> None:
        # A payload that cannot be read is answered in words, and nothing is changed.
        try:
            text, done = work(user_of(body))
        except Unreadable as error:
            text, done = explain(cat, error, hours=hours), False
        if response_url_of(body) is None:
            return  # Slack always sends one; without it there is nowhere to answer
        reply = Reply(text=text, blocks=[section(text)])
        if done:
            reply = touch_messages.after_tap(blocks_of(body.get("message")), reply)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **reply.payload())

    @app.action(SKIP_ACTION)
    def skip(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()

        def work(user: str) -> Outcome:
            lead, step = skip_of(action)
            result = deps.cadence.skip(lead, step, user)
            text = step_answer(result, "skip", step, touch_messages, hours)
            return text, result.outcome in ("done", "duplicate")

        run(body, respond, work)

    @app.action(SNOOZE_ACTION)
    def snooze(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()

        def work(user: str) -> Outcome:
            lead, step, until = snooze_of(action, deps.clock())
            result = deps.cadence.snooze(lead, step, user, until)
            text = step_answer(result, "snooze", step, touch_messages, hours)
            return text, result.outcome in ("done", "duplicate")

        run(body, respond, work)

    @app.action(DISQUALIFY_ACTION)
    def disqualify(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()

        def work(user: str) -> Outcome:
            lead, step, reason = disqualify_of(action, DISQUALIFY_REASONS)
            request, result = deps.cadence.disqualify(lead, step, user, reason)
            reply = touch_messages.answer(result, request)
            return reply.text, result.outcome in ("logged", "duplicate")

        run(body, respond, work)
