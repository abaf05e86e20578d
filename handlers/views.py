"""Modal submissions: the handoff modal."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.leads.handoff_input import parse_handoff
from bot.leads.handoff_modal import CALLBACK_ID, confirmation_view, notice_view, submitted_values
from bot.request_keys import RequestKeys, request_key
from bot.slack_input import Unreadable, dict_of, explain, user_of

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the modal listeners."""
    keys = RequestKeys(deps.database, deps.clock)
    cat = deps.catalogue

    @app.view(CALLBACK_ID)
    def handoff_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        # The answer (errors or confirmation) must travel in the ack itself; the work is one
        # short transaction, well inside Slack's three seconds.
        try:
            user = user_of(body)
            values = submitted_values(view)
        except Unreadable as error:
            ack(response_action="update", view=notice_view(cat, explain(cat, error)))
            return
        if not deps.agreement.slack.may_hand_off(user):
            ack(response_action="errors", errors={"name": cat.t("modal.not_allowed")})
            return
        data, errors = parse_handoff(values, cat)
        if data is None:
            ack(response_action="errors", errors=errors)
            return

        def hand_off() -> dict[str, Any]:
            result = deps.handoffs.hand_off(data, via="slack", by=user)
            return confirmation_view(cat, result.lead, result.outcome)

        # A view's ID and hash name one state of it, so one submission: a replayed copy (the
        # same user and values too) stores nothing.
        shown = dict_of(view)
        filled = json.dumps(values, sort_keys=True)
        answer = keys.run(
            request_key("view", shown.get("id"), shown.get("hash"), extra=(user, filled)),
            hand_off,
            lambda: notice_view(cat, cat.t("request.replayed_modal")),
        )
        ack(response_action="update", view=answer)
