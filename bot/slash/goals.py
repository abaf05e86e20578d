"""/sla goals, /sla report, /sla calc and /sla record."""

from __future__ import annotations

from bot.goals.book import GoalBook
from bot.goals.calc import Calculator
from bot.goals.messages import GoalMessages
from bot.goals.record import CountRecorder
from bot.goals.reports import Reports
from bot.ui.blocks import Reply


class GoalCommands:
    """The goal and report subcommands."""

    def __init__(
        self,
        goals: GoalBook,
        messages: GoalMessages,
        reports: Reports,
        calculator: Calculator,
        recorder: CountRecorder,
    ) -> None:
        self.goals = goals
        self.messages = messages
        self.reports = reports
        self.calculator = calculator
        self.recorder = recorder

    def progress(self) -> Reply:
        """The team's goals now."""
        today = self.goals.today()
        return self.messages.goals(self.goals.statuses(today), today)

    def report(self, args: str) -> Reply:
        """The speed or depth report for a period."""
        return self.reports.command(args)

    def calc(self, args: str) -> Reply:
        """The reverse funnel, with what-ifs."""
        return self.calculator.answer(args)

    def record(self, args: str, user_id: str) -> Reply:
        """Record a reported count."""
        return self.recorder.command(args, user_id)
