"""The /sla slash command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.request_keys import RequestKeys, request_key
from bot.slack_input import Unreadable, explain, response_url_of, text_of, user_of
from bot.slash.commands import OpenModal
from bot.ui.blocks import text_reply

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the /sla listener."""
    keys = RequestKeys(deps.database, deps.clock)
    cat = deps.catalogue

    @app.command("/sla")
    def sla(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            user = user_of(command)
            if response_url_of(command) is None:
                raise Unreadable("request.problem_reply")
        except Unreadable as error:
            ack(response_type="ephemeral", text=explain(cat, error))
            return
        ack()
        trigger_id, text = text_of(command.get("trigger_id")), text_of(command.get("text"))
        # trigger_id is unique per typed command: a replayed copy changes nothing again.
        answer = keys.run(
            request_key("command", trigger_id, extra=(user, text or "")),
            lambda: deps.commands.answer(text, user),
            lambda: text_reply(cat.t("request.replayed")),
        )
        if isinstance(answer, OpenModal):
            if trigger_id is not None:
                client.views_open(trigger_id=trigger_id, view=answer.view)
            return
        respond(response_type="ephemeral", replace_original=False, **answer.payload())
