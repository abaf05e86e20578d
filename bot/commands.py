"""The /sla subcommands: one entry point from text to reply."""

from __future__ import annotations

from bot.blocks import Reply
from bot.command_router import route
from bot.knowledge import KnowledgeAnswers


class SlaCommands:
    """Answers a /sla command typed by a user."""

    def __init__(self, knowledge: KnowledgeAnswers) -> None:
        self.knowledge = knowledge

    def answer(self, text: str | None, user_id: str) -> Reply:
        """Route the text to its subcommand; unknown or empty text gets the help."""
        chosen = route(text)
        if chosen.name == "glossary":
            return self.knowledge.glossary(chosen.args)
        if chosen.name == "owners":
            return self.knowledge.owners(chosen.args)
        if chosen.name == "agreement":
            return self.knowledge.summary()
        if chosen.name == "help":
            return self.knowledge.help()
        return self.knowledge.help(unknown=chosen.word)
