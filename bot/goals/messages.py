"""Block Kit for goals: progress lines, the standup post, celebrations, the reverse funnel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.goals.book import GoalStatus
from bot.ui.blocks import Reply, context, divider, escape, section, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.progress import FunnelPlan

BAR_CELLS = 10
BAND_EMOJI = {
    "on_track": ":large_green_circle:",
    "behind": ":large_yellow_circle:",
    "at_risk": ":red_circle:",
}


def bar(percent: float) -> str:
    """A ten-cell progress bar."""
    filled = max(0, min(BAR_CELLS, round(percent / 100 * BAR_CELLS)))
    return "▓" * filled + "░" * (BAR_CELLS - filled)


class GoalMessages:
    """Builds the goal messages in the agreement's language."""

    def __init__(self, cat: Catalogue, company: str, currency: str) -> None:
        self.cat = cat
        self.company = company
        self.currency = currency

    def goal_line(self, status: GoalStatus) -> str:
        """One goal: bar, count, band and what is needed per remaining business day."""
        cat = self.cat
        p = status.progress
        band = cat.t(f"goals.band_{p.band}")
        pace = cat.t("goals.pace", pace=round(p.pace)) if p.pace is not None else ""
        if p.remaining == 0:
            need = cat.t("goals.met")
        elif p.needed_per_day is None:
            need = cat.t("goals.month_over", missing=cat.number(round(p.remaining)))
        else:
            need = cat.plural(
                "goals.need",
                p.business_days_left,
                per_day=cat.number(round(p.needed_per_day + 0.4999)),
                days=p.business_days_left,
            )
        return cat.t(
            "goals.line",
            metric=status.metric.capitalize(),
            bar=bar(p.percent_of_target),
            actual=cat.number(round(p.actual)),
            target=cat.number(p.target),
            percent=round(p.percent_of_target),
            emoji=BAND_EMOJI[p.band],
            band=band,
            pace=pace,
            need=need,
        )

    def goals(self, statuses: Sequence[GoalStatus], today: date) -> Reply:
        """The team's goals now (/sla goals and the App Home)."""
        cat = self.cat
        first = statuses[0].progress if statuses else None
        day = (
            cat.t("goals.day", day=first.business_days_elapsed, days=first.business_days_in_month)
            if first
            else ""
        )
        title = cat.t("goals.title", month=f"{today:%Y-%m}", day=day)
        return text_reply(
            title, [self.goal_line(s) for s in statuses], footer=cat.t("goals.footer")
        )

    def standup(
        self,
        today: date,
        statuses: Sequence[GoalStatus],
        speed: Sequence[str] | None,
        depth: Sequence[str] | None,
    ) -> Reply:
        """The daily standup post: goals, then yesterday's speed, then the month's depth."""
        cat = self.cat
        blocks = [
            section(cat.t("standup.title", company=escape(self.company), date=today.isoformat()))
        ]
        text_parts = [cat.t("standup.text", date=today.isoformat())]
        if statuses:
            lines = [self.goal_line(s) for s in statuses]
            blocks += [section(cat.t("standup.goals") + "\n" + "\n".join(lines))]
        if speed is not None:
            blocks += [divider(), section(cat.t("standup.speed") + "\n" + "\n".join(speed))]
        if depth is not None:
            blocks += [divider(), section(cat.t("standup.depth") + "\n" + "\n".join(depth))]
        blocks.append(context(cat.t("standup.chart_below")))
        return Reply(text=" ".join(text_parts), blocks=blocks)

    def celebration(
        self, metric: str, milestone: int, actual: int, target: int, people: Sequence[str]
    ) -> Reply:
        """One milestone of one goal, once a month, naming the people whose work counted."""
        cat = self.cat
        key = "celebrate.done" if milestone >= 100 else "celebrate.milestone"
        text = cat.t(
            key,
            metric=metric,
            milestone=milestone,
            actual=cat.number(actual),
            target=cat.number(target),
        )
        if people:
            text += " " + cat.t("celebrate.thanks", people=cat.join([f"<@{p}>" for p in people]))
        return Reply(text=text, blocks=[section(text)])

    def funnel(self, plan: FunnelPlan, actual: FunnelPlan | None, what_if: bool) -> Reply:
        """The reverse funnel: revenue goal -> Marketing's share -> clients -> leads -> visits."""
        cat = self.cat
        lines = self._funnel_lines(plan)
        if actual is not None:
            lines += ["", cat.t("calc.with_actuals"), *self._funnel_lines(actual)]
        title = cat.t("calc.title_what_if" if what_if else "calc.title")
        return text_reply(title, lines, footer=cat.t("calc.footer"))

    def _funnel_lines(self, plan: FunnelPlan) -> list[str]:
        cat = self.cat
        return [
            cat.t("calc.revenue", revenue=cat.number(plan.revenue_goal), currency=self.currency),
            cat.t(
                "calc.marketing",
                share=cat.percent(plan.marketing_share),
                revenue=cat.number(round(plan.marketing_revenue)),
                currency=self.currency,
            ),
            cat.t(
                "calc.clients",
                deal=cat.number(plan.average_deal_size),
                currency=self.currency,
                clients=cat.number(_up(plan.clients)),
            ),
            cat.t(
                "calc.leads",
                rate=cat.percent(plan.lead_to_client, 1),
                leads=cat.number(_up(plan.leads)),
            ),
            cat.t(
                "calc.visits",
                rate=cat.percent(plan.visit_to_lead, 1),
                visits=cat.number(_up(plan.visits)),
            ),
        ]


def _up(value: float) -> int:
    """Round a needed count up: 19.2 clients means 20 are needed."""
    whole = int(value)
    return whole if value - whole < 1e-9 else whole + 1
