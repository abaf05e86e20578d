"""/sla goals, /sla report, /sla calc and /sla record."""

from __future__ import annotations

from bot.goals.book import GoalBook
from bot.goals.calc import Calculator
from bot.goals.messages import GoalMessages
from bot.goals.record import CountRecorder
from bot.goals.reports import Reports
from bot.ui.blocks import Reply
from sla_rules.periods import parse_period
from sla_rules.progress import month_bounds


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

    def progress(self, args: str = "") -> Reply:
        """The team's goals this month, or a past month's (YYYY-MM) from its records."""
        today = self.goals.today()
        zone = self.goals.agreement.zone
        asked = parse_period(args, today, zone)
        if asked is None:
            return self.messages.not_a_month()
        first, last = asked.first_day(zone), asked.last_day(zone)
        # "month" is this month so far; otherwise only a whole month has goals, not a day or week.
        if asked.key != "month" and (first, last) != month_bounds(first):
            return self.messages.not_a_month()
        if first == today.replace(day=1):
            return self.messages.goals(self.goals.statuses(today), today)
        if first > today:
            return self.messages.month_ahead(first)
        return self.messages.goals(self.goals.statuses(last), last, closed=True)

    def report(self, args: str) -> Reply:
        """The speed or depth report for a period."""
        return self.reports.command(args)

    def calc(self, args: str) -> Reply:
        """The reverse funnel, with what-ifs."""
        return self.calculator.answer(args)

    def record(self, args: str, user_id: str) -> Reply:
        """Record a reported count."""
        return self.recorder.command(args, user_id)
