"""The standup's burn-up chart from the goals' month-to-date counts."""

from __future__ import annotations

from datetime import date

from bot.goals.book import GoalBook
from bot.goals.chart import ChartLabels, GoalSeries, burn_up_png
from bot.ui.catalogue import Catalogue
from sla_rules.progress import month_bounds, pace_line


class BurnUp:
    """Renders a day's chart: one panel per goal, actual against the business-day pace."""

    def __init__(self, goals: GoalBook, cat: Catalogue) -> None:
        self.goals = goals
        self.cat = cat

    def __call__(self, day: date) -> tuple[bytes, str]:
        """The PNG and its title."""
        cat = self.cat
        first, last = month_bounds(day)
        totals = self.goals.daily_totals(day)
        series = [
            GoalSeries(
                metric=metric,
                label=metric.capitalize(),
                target=goal.target,
                actual=totals[metric],
                pace=pace_line(goal.target, self.goals.business, first, last),
            )
            for metric, goal in self.goals.agreement.goals.metrics.items()
        ]
        title = cat.t("standup.chart_title", month=cat.month(day))
        labels = ChartLabels(
            actual=cat.t("standup.chart_actual"),
            pace=cat.t("standup.chart_pace"),
            target=cat.t("standup.chart_target"),
            number=cat.number,
        )
        return burn_up_png(series, title, day, labels), title
