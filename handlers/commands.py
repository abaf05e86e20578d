"""The /sla slash command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the /sla listener."""

    @app.command("/sla")
    def sla(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        reply = deps.commands.answer(command.get("text"), command["user_id"])
        respond(response_type="ephemeral", replace_original=False, **reply.payload())
