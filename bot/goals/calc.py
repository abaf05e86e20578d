"""/sla calc: the reverse funnel from the agreement, with what-if arguments."""

from __future__ import annotations

from decimal import Decimal

from bot.goals.book import GoalBook
from bot.goals.messages import GoalMessages
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.funnel import FunnelError, actual_rates, funnel_with_actuals, reverse_funnel
from sla_rules.text import normalize

# What people may type before "=", mapped to the funnel's inputs (English and Spanish; read
# without case or accents, so participación and participacion are the same). The catalogue's
# calc.argument.<input> is the name a reply shows in the agreement's language.
ARGUMENTS = {
    "revenue": "revenue_goal",
    "ingresos": "revenue_goal",
    "meta": "revenue_goal",
    "share": "marketing_share",
    "marketing": "marketing_share",
    "participacion": "marketing_share",
    "venta": "average_deal_size",
    "deal": "average_deal_size",
    "ticket": "average_deal_size",
    "close": "lead_to_client",
    "cierre": "lead_to_client",
    "lead_to_client": "lead_to_client",
    "visit": "visit_to_lead",
    "visita": "visit_to_lead",
    "visit_to_lead": "visit_to_lead",
}
# Past this a float no longer holds every unit typed: refused rather than shown rounded.
MAX_FIGURE = 10**15


class Calculator:
    """Answers /sla calc from the agreement's funnel, this month's rates and what-ifs."""

    def __init__(
        self, agreement: Agreement, goals: GoalBook, messages: GoalMessages, cat: Catalogue
    ) -> None:
        self.agreement = agreement
        self.goals = goals
        self.messages = messages
        self.cat = cat

    def answer(self, args: str) -> Reply:
        """The reverse funnel, or the argument that cannot be used and why."""
        inputs = self.agreement.funnel.model_dump(exclude={"currency"})
        what_if = False
        for word in args.split():
            name, _, value = word.partition("=")
            key = ARGUMENTS.get(normalize(name))
            if key is None:
                return text_reply(
                    self.cat.t(
                        "calc.unknown_argument",
                        argument=escape(name[:40]),
                        rate=self.cat.decimal(0.1),
                    )
                )
            number = self.cat.read_number(value)
            reason = self._unreadable(value, number)
            if reason is not None:
                return text_reply(
                    self.cat.t("calc.bad_argument", argument=escape(name[:40]), reason=reason)
                )
            inputs[key] = float(number)
            what_if = True
        try:
            plan = reverse_funnel(**inputs)
            actual = None if what_if else self._with_actuals(inputs)
        except FunnelError as error:
            return text_reply(
                self.cat.t(
                    "calc.bad_argument",
                    argument=self._typed(error.argument),
                    reason=self._reason(error),
                )
            )
        return self.messages.funnel(plan, actual, what_if)

    def _unreadable(self, typed: str, number: Decimal | None) -> str | None:
        """Why a typed value is not a number the funnel can use as typed, if it is not."""
        if number is None:
            example = self.cat.decimal(1200.5)
            return self.cat.t("calc.reason.not_a_number", typed=escape(typed[:40]), example=example)
        if abs(number) > MAX_FIGURE:
            return self.cat.t("calc.reason.too_large", max=self.cat.number(MAX_FIGURE))
        return None

    def _with_actuals(self, inputs: dict[str, float]):
        """This month's actual conversion rates, when visits, leads and clients are known."""
        counts = {status.goal.source: status.progress.actual for status in self.goals.statuses()}
        if "reported" not in counts or "handoffs" not in counts or "won" not in counts:
            return None
        rates = actual_rates(counts["reported"], counts["handoffs"], counts["won"])
        if all(rate is None for rate in rates.values()):
            return None
        return funnel_with_actuals(**inputs, actual=rates)

    def _typed(self, argument: str) -> str:
        """The word a user of this language types for a funnel input."""
        key = f"calc.argument.{argument}"
        return self.cat.t(key) if self.cat.has(key) else argument

    def _reason(self, error: FunnelError) -> str:
        """Why an input cannot be used, in the agreement's language."""
        key = f"calc.reason.{error.code}"
        if not self.cat.has(key):
            return error.reason
        # The least figure each input is used at (a cent, a hundredth of a percent).
        least = (
            self.cat.decimal(0.0001, 4) if error.code == "rate_step" else self.cat.decimal(0.01, 2)
        )
        return self.cat.t(key, value=self.cat.number(error.value), least=least)
