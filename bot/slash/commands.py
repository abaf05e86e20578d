"""The /sla subcommands: one entry point from text to reply (or a modal to open)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.cadence.away import AwayTime
from bot.cadence.mine import MyLeads
from bot.knowledge.answers import KnowledgeAnswers
from bot.leads.handoff_modal import handoff_view
from bot.leads.story import LeadStories
from bot.slash.goals import GoalCommands
from bot.slash.router import route
from bot.slash.touch import TouchCommand
from bot.ui.blocks import Reply, text_reply


@dataclass(frozen=True)
class OpenModal:
    """The command's answer is a modal to open with the request's trigger_id."""

    view: dict[str, Any]


class SlaCommands:
    """Answers a /sla command typed by a user."""

    def __init__(
        self,
        knowledge: KnowledgeAnswers,
        stories: LeadStories,
        touch: TouchCommand,
        my_leads: MyLeads,
        away: AwayTime,
        goal_commands: GoalCommands,
    ) -> None:
        self.knowledge = knowledge
        self.stories = stories
        self.touch = touch
        self.my_leads = my_leads
        self.away = away
        self.goal_commands = goal_commands

    def answer(self, text: str | None, user_id: str) -> Reply | OpenModal:
        """Route the text to its subcommand; unknown or empty text gets the help."""
        chosen = route(text)
        knowledge = self.knowledge
        if chosen.name == "glossary":
            return knowledge.glossary(chosen.args)
        if chosen.name == "owners":
            return knowledge.owners(chosen.args)
        if chosen.name == "agreement":
            return knowledge.summary()
        if chosen.name == "lead":
            return self.stories.story(chosen.args)
        if chosen.name == "touch":
            return self.touch.run(chosen.args, user_id)
        if chosen.name == "mine":
            return self.my_leads.mine(user_id)
        if chosen.name == "away":
            return self.away.go_away(user_id, chosen.args)
        if chosen.name == "back":
            return self.away.come_back(user_id)
        if chosen.name == "goals":
            return self.goal_commands.progress(chosen.args)
        if chosen.name == "report":
            return self.goal_commands.report(chosen.args)
        if chosen.name == "calc":
            return self.goal_commands.calc(chosen.args)
        if chosen.name == "record":
            return self.goal_commands.record(chosen.args, user_id)
        if chosen.name == "handoff":
            if not knowledge.agreement.slack.may_hand_off(user_id):
                return text_reply(knowledge.cat.t("modal.not_allowed"))
            return OpenModal(handoff_view(knowledge.cat))
        if chosen.name == "help":
            return knowledge.help()
        return knowledge.help(unknown=chosen.word)
