"""Block Kit for goals: progress lines, the standup post, celebrations, the reverse funnel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.goals.book import GoalStatus
from bot.ui.blocks import Reply, context, divider, escape, section, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.funnel import FunnelPlan, as_percent
from sla_rules.progress import BEHIND_FROM, ON_TRACK_FROM, Need, needed

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

    def goal_line(self, status: GoalStatus, closed: bool = False) -> str:
        """One goal: bar, count, band and what is still needed (or was missing, once closed)."""
        cat = self.cat
        p = status.progress
        band = cat.t(f"goals.band_{p.band}")
        pace = cat.t("goals.pace", pace=cat.percent(p.pace / 100)) if p.pace is not None else ""
        still = needed(p.remaining, p.business_days_left)
        if closed and still.more:
            need = cat.plural("goals.month_over", still.more)
        else:
            need = self.need(still)
        return cat.t(
            "goals.line",
            metric=status.metric.capitalize(),
            bar=bar(p.percent_of_target),
            actual=cat.number(round(p.actual)),
            target=cat.number(p.target),
            percent=cat.percent(p.percent_of_target / 100),
            emoji=BAND_EMOJI[p.band],
            band=band,
            pace=pace,
            need=need,
        )

    def need(self, need: Need) -> str:
        """What is still needed, in total and at a rate no one reads as the total."""
        cat = self.cat
        if need.more == 0:
            return cat.t("goals.met")
        if need.per_day is not None:
            return cat.plural(
                "goals.need_daily",
                need.days,
                more=cat.number(need.more),
                per_day=cat.number(need.per_day),
            )
        if need.every is not None:
            return cat.plural(
                "goals.need_every",
                need.days,
                more=cat.number(need.more),
                every=cat.number(need.every),
            )
        return cat.plural("goals.no_days_left", need.more)

    def goals(self, statuses: Sequence[GoalStatus], today: date, closed: bool = False) -> Reply:
        """The team's goals on a day (/sla goals and the App Home); closed: a past month's."""
        cat = self.cat
        first = statuses[0].progress if statuses else None
        month = cat.month(today)
        if closed:
            title = cat.t("goals.title_closed", month=month)
        else:
            day = (
                cat.t(
                    "goals.day", day=first.business_days_elapsed, days=first.business_days_in_month
                )
                if first
                else ""
            )
            title = cat.t("goals.title", month=month, day=day)
        return text_reply(
            title, [self.goal_line(s, closed) for s in statuses], footer=self._bands_footer()
        )

    def _bands_footer(self) -> str:
        """What the pace bands mean, at the borders the rules use."""
        cat = self.cat
        return cat.t(
            "goals.footer",
            on_track=cat.percent(ON_TRACK_FROM / 100),
            behind=cat.percent(BEHIND_FROM / 100),
        )

    def not_a_month(self) -> Reply:
        """/sla goals was given something that names no month."""
        return text_reply(self.cat.t("goals.not_a_month"))

    def month_ahead(self, first: date) -> Reply:
        """/sla goals was asked for a month that has not started."""
        return text_reply(self.cat.t("goals.month_ahead", month=self.cat.month(first)))

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
            section(cat.t("standup.title", company=escape(self.company), date=cat.date(today)))
        ]
        text_parts = [cat.t("standup.text", date=cat.date(today))]
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
            milestone=cat.percent(milestone / 100),
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
        examples = {"share": cat.decimal(0.5), "rate": cat.decimal(0.1)}
        footer = cat.t("calc.rounding") + " " + cat.t("calc.footer", **examples)
        return text_reply(title, lines, footer=footer)

    def _rate(self, rate: float) -> str:
        """A funnel rate as the locale writes a percentage, to the hundredth it was used at."""
        return self.cat.percent(as_percent(rate) / 100, 2)

    def _funnel_lines(self, plan: FunnelPlan) -> list[str]:
        """Each stage from the one above it, with the figure and the rate it divides by."""
        cat = self.cat
        money = {"currency": self.currency}
        return [
            cat.t("calc.revenue", revenue=cat.number(plan.revenue_goal), **money),
            cat.t(
                "calc.marketing",
                goal=cat.number(plan.revenue_goal),
                share=self._rate(plan.marketing_share),
                revenue=cat.number(plan.marketing_revenue),
                **money,
            ),
            cat.t(
                "calc.clients",
                revenue=cat.number(plan.marketing_revenue),
                deal=cat.number(plan.average_deal_size),
                clients=cat.number(plan.clients),
                **money,
            ),
            cat.t(
                "calc.leads",
                clients=cat.number(plan.clients),
                rate=self._rate(plan.lead_to_client),
                leads=cat.number(plan.leads),
            ),
            cat.t(
                "calc.visits",
                leads=cat.number(plan.leads),
                rate=self._rate(plan.visit_to_lead),
                visits=cat.number(plan.visits),
            ),
        ]
