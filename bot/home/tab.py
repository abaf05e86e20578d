"""The App Home tab: my open leads and next touches, my speed this month, the team's goals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.cadence.mine import MyLeads
from bot.goals.book import GoalBook
from bot.goals.messages import GoalMessages
from bot.goals.reports import Reports
from bot.knowledge.answers import HELP_TOPICS
from bot.ui.blocks import Block, context, divider, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed
from sla_rules.periods import parse_period

MAX_HOME_BLOCKS = 100


class HomeTab:
    """Builds each user's App Home from the same use cases the commands use."""

    def __init__(
        self,
        company: str,
        cat: Catalogue,
        mine: MyLeads,
        goals: GoalBook,
        goal_messages: GoalMessages,
        reports: Reports,
    ) -> None:
        self.company = company
        self.cat = cat
        self.mine = mine
        self.goals = goals
        self.goal_messages = goal_messages
        self.reports = reports

    def view(self, user_id: str) -> dict[str, Any]:
        """The home view for one user."""
        cat = self.cat
        today = self.goals.today()
        blocks: list[Block] = [
            {"type": "header", "text": {"type": "plain_text", "text": cat.t("home.title")}},
            section(cat.t("home.intro", company=self.company)),
            divider(),
        ]
        blocks += self.mine.mine(user_id).blocks
        blocks += [divider(), section(self._my_speed(user_id)), divider()]
        blocks += self.goal_messages.goals(self.goals.statuses(today), today).blocks
        blocks += [
            divider(),
            section("\n".join(cat.t(f"help.{topic}") for topic in HELP_TOPICS)),
            context(cat.t("help.footer")),
        ]
        return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}

    def _my_speed(self, user_id: str) -> str:
        cat = self.cat
        month = parse_period("month", self.goals.today(), self.goals.agreement.zone)
        assert month is not None
        report = self.reports.speed(month)
        mine = next((row for row in report.by_owner if row.group == user_id), None)
        if mine is None or mine.claimed == 0:
            return cat.t("home.speed_none")
        median = mine.median_first_touch
        return cat.t(
            "home.speed",
            claimed=cat.plural("home.claimed", mine.claimed),
            median=elapsed(timedelta(seconds=median)) if median is not None else "—",
            within=cat.plural("home.within", mine.decided, within=cat.number(mine.within_sla)),
            breaches=cat.plural("home.breaches", mine.breaches),
        )
