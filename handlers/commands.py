"""The /sla slash command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import OpenModal

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the /sla listener."""

    @app.command("/sla")
    def sla(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        answer = deps.commands.answer(command.get("text"), command["user_id"])
        if isinstance(answer, OpenModal):
            client.views_open(trigger_id=command["trigger_id"], view=answer.view)
            return
        respond(response_type="ephemeral", replace_original=False, **answer.payload())
