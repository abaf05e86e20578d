"""Recording reported counts: /sla record METRIC VALUE [DATE] and POST /api/counts."""

from __future__ import annotations

from bot.goals.book import GoalBook, RecordResult
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.counts import MAX_COUNT


class CountRecorder:
    """Turns a request to record a count into the stored number or a refusal in words."""

    def __init__(self, goals: GoalBook, cat: Catalogue) -> None:
        self.goals = goals
        self.cat = cat

    def known(self) -> str:
        """The goals that take reported counts."""
        metrics = self.goals.agreement.goals.metrics
        return ", ".join(f"`{m}`" for m, goal in metrics.items() if goal.source == "reported")

    def refusal(self, result: RecordResult, metric: str, cat: Catalogue | None = None) -> str:
        """Why a count was refused, in words."""
        cat = cat or self.cat
        source = ""
        goal = self.goals.agreement.goals.metrics.get(metric)
        if goal is not None and goal.source != "reported":
            source = cat.t(f"record.source_{goal.source}")
        return cat.t(
            f"record.{result.refusal}",
            metric=metric[:64],
            known=self.known(),
            source=source,
            max=cat.number(MAX_COUNT),
        )

    def command(self, args: str, user_id: str) -> Reply:
        """/sla record METRIC VALUE [YYYY-MM-DD]: set that day's count."""
        words = args.split()
        if len(words) not in (2, 3):
            return text_reply(self.cat.t("record.usage", known=self.known()))
        metric, typed = words[0].lower(), words[1]
        day = words[2] if len(words) == 3 else None
        # Read as the locale writes numbers (1.200 is 1200 in es-ES, 1.2 in en-US), never by
        # dropping separators: a count that is not whole is refused, not rounded.
        number = self.cat.read_number(typed)
        if number is None and typed.isascii() and typed.isdigit():
            # Only digits, but more than a number is read from: far above any day's count.
            return text_reply(self.refusal(RecordResult(refusal="too_large"), escape(metric)))
        if number is None:
            example = self.cat.number(1200)
            return text_reply(
                self.cat.t("record.not_a_number", typed=escape(typed[:40]), example=example)
            )
        value = int(number) if number == number.to_integral_value() else float(number)
        result = self.goals.record(metric, value, day, "set", user_id)
        if result.refusal is not None:
            # Slack reads the echoed word as mrkdwn (the API's JSON answer shows it as sent).
            return text_reply(self.refusal(result, escape(metric)))
        return text_reply(
            self.cat.t(
                "record.done",
                metric=metric,
                date=self.cat.date(result.day),
                value=self.cat.number(result.value or 0),
            )
        )
