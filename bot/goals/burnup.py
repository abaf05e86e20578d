"""The standup's burn-up chart from the goals' month-to-date counts."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.goals.book import GoalBook
from bot.goals.chart import ChartLabels, GoalSeries, burn_up_png
from bot.ui.blocks import truncate
from bot.ui.catalogue import Catalogue
from sla_rules.progress import month_bounds, pace_line

# Slack refuses a longer description of an image (alt_txt_too_large).
ALT_TEXT_LIMIT = 1000


class ChartFile(NamedTuple):
    """The chart as uploaded: the PNG, its title and its words for screen readers."""

    png: bytes
    title: str
    alt_text: str


class BurnUp:
    """Renders a day's chart: one panel per goal, actual against the business-day pace."""

    def __init__(self, goals: GoalBook, cat: Catalogue) -> None:
        self.goals = goals
        self.cat = cat

    def __call__(self, day: date) -> ChartFile:
        """The PNG, its title and its alt text."""
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
        png = burn_up_png(series, title, day, labels)
        return ChartFile(png, title, self._alt_text(series, day))

    def _alt_text(self, series: list[GoalSeries], day: date) -> str:
        """What the chart shows, in words: each goal's count so far, its target and its pace."""
        cat = self.cat
        goals = [
            cat.t(
                "standup.chart_alt_goal",
                label=goal.label,
                actual=cat.number(goal.actual[-1][1] if goal.actual else 0),
                target=cat.number(goal.target),
                # Counts are whole: the pace is read to the nearest one, as the chart's axis is.
                pace=cat.number(round(next((v for d, v in goal.pace if d == day), 0))),
            )
            for goal in series
        ]
        text = cat.t(
            "standup.chart_alt", month=cat.month(day), date=cat.date(day), goals=cat.join(goals)
        )
        return truncate(text, ALT_TEXT_LIMIT)
