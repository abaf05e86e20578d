"""Modal submissions: the handoff modal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.handoff_input import parse_handoff
from bot.handoff_modal import CALLBACK_ID, confirmation_view, submitted_values

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the modal listeners."""

    @app.view(CALLBACK_ID)
    def handoff_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        # The answer (errors or confirmation) must travel in the ack itself; the work is one
        # short transaction, well inside Slack's three seconds.
        user = body["user"]["id"]
        if not deps.commands.may_hand_off(user):
            ack(response_action="errors", errors={"name": deps.catalogue.t("modal.not_allowed")})
            return
        data, errors = parse_handoff(submitted_values(view), deps.catalogue)
        if data is None:
            ack(response_action="errors", errors=errors)
            return
        result = deps.handoffs.hand_off(data, via="slack", by=user)
        channel = f"<#{deps.agreement.slack.handoff_channel}>"
        ack(
            response_action="update",
            view=confirmation_view(deps.catalogue, result.lead, result.outcome, channel),
        )
