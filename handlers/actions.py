"""Buttons: Claim on an announcement, one-tap touch logging in the owner's DM."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.lead_messages import CLAIM_ACTION, claim_reply
from bot.touch_messages import TOUCH_ACTION, parse_tap

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the button listeners."""

    @app.action(CLAIM_ACTION)
    def claim(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        lead, user = int(action["value"]), body["user"]["id"]

        def work() -> None:
            result = deps.claims.claim(lead, user)
            reply = claim_reply(result, deps.catalogue, deps.agreement.zone, deps.clock())
            respond(response_type="ephemeral", replace_original=False, **reply.payload())

        def failed(_error: Exception) -> None:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text=deps.catalogue.t("error.generic"),
            )

        # A claim race is many clicks at once: ack them all first, claim in the background.
        deps.background.submit(work, failed)

    @app.action(re.compile(f"^{TOUCH_ACTION}:"))
    def log_touch(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        request = parse_tap(action["value"], body["user"]["id"])
        result = deps.touches.log(request)
        answer = deps.messages.touches.answer(result, request)
        if result.outcome in ("logged", "duplicate"):
            original = (body.get("message") or {}).get("blocks") or []
            reply = deps.messages.touches.after_tap(original, answer)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **answer.payload())
