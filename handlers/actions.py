"""Buttons: Claim on an announcement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.lead_messages import CLAIM_ACTION, claim_reply

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the button listeners."""

    @app.action(CLAIM_ACTION)
    def claim(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        result = deps.claims.claim(int(action["value"]), body["user"]["id"])
        reply = claim_reply(result, deps.catalogue, deps.agreement.zone, deps.clock())
        respond(response_type="ephemeral", replace_original=False, **reply.payload())
