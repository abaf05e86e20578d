"""Buttons: Claim on an announcement, one-tap touch logging in the owner's DM."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.cadence.touch_messages import TOUCH_ACTION
from bot.leads.claim_button import CLAIM_ACTION, parse_click
from bot.slack_input import Unreadable, blocks_of, explain, response_url_of, tap_of, user_of

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the button listeners."""

    @app.action(CLAIM_ACTION)
    def claim(ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        click = parse_click(action, body)
        if click is None:
            ack()
            deps.claim_inbox.refuse(body)
            return
        # Journaled before the ack: what Slack was told we took survives a crash. A click
        # kept already (a replay) is acked and left to the first copy.
        item = deps.claim_inbox.receive(click)
        ack()
        # A claim race is many clicks at once: journal and ack them all first, claim in the
        # background, and let the answers travel side by side.
        if item is not None:
            deps.claim_inbox.process_soon(item)

    @app.action(re.compile(f"^{TOUCH_ACTION}:"))
    def log_touch(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        url = response_url_of(body)
        try:
            request = tap_of(action.get("value"), user_of(body))
        except Unreadable as error:
            if url is not None:  # Slack always sends one; without it there is nowhere to answer
                text = explain(deps.catalogue, error)
                respond(response_type="ephemeral", replace_original=False, text=text)
            return
        result = deps.touches.log(request)
        answer = deps.messages.touches.answer(result, request)
        if url is None:
            return
        if result.outcome in ("logged", "duplicate"):
            original = blocks_of(body.get("message"))
            reply = deps.messages.touches.after_tap(original, answer)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **answer.payload())
