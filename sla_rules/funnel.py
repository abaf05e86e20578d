"""The reverse funnel: from the revenue goal back to the clients, leads and visits it takes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

_FUNNEL_RATES = ("visit_to_lead", "lead_to_client")


class FunnelError(ValueError):
    """A reverse-funnel input out of range, naming the argument and why.

    `reason` is English; `code` (positive, rate, not_negative, cent, rate_step) and `value` let
    the bot say it in the agreement's language.
    """

    def __init__(self, argument: str, reason: str, code: str = "other", value: float = 0) -> None:
        super().__init__(f"{argument}: {reason}")
        self.argument = argument
        self.reason = reason
        self.code = code
        self.value = value


# Every figure is used as it is shown: money to the cent, rates to a hundredth of a percent,
# so each line of /sla calc follows from the line above it with a calculator.
MONEY_STEP = Fraction(1, 100)
RATE_STEP = Fraction(1, 10_000)


@dataclass(frozen=True, slots=True)
class FunnelPlan:
    """What a month's revenue goal takes at each funnel stage, and the rates it assumed.

    Each stage is worked out from the one above it as shown: the money to the cent, and the
    clients, leads and visits rounded up to whole ones, since 13.4 clients means 14 to find.
    """

    revenue_goal: float
    """The month's sales target, in the agreement's currency (to the cent)."""
    marketing_revenue: float
    """revenue_goal × marketing_share, rounded up to the cent."""
    clients: int
    """Clients needed: marketing_revenue / average_deal_size, rounded up."""
    leads: int
    """Leads needed: clients / lead_to_client, rounded up."""
    visits: int
    """Visits needed: leads / visit_to_lead, rounded up."""
    marketing_share: float
    """The share of revenue from Marketing's leads used here (to RATE_STEP)."""
    average_deal_size: float
    """The average deal size used here (to the cent)."""
    lead_to_client: float
    """The lead-to-client rate used here, the agreement's or this month's (to RATE_STEP)."""
    visit_to_lead: float
    """The visit-to-lead rate used here, the agreement's or this month's (to RATE_STEP)."""


def _exact(value: float) -> Fraction:
    """The decimal the float was written as, so 20 / 0.08 is 250 and not 250.00000000000003."""
    # Callers may round these up ("leads needed"), where a stray ulp would add a whole lead.
    return Fraction(repr(float(value)))


def _to_step(value: Fraction, step: Fraction) -> Fraction:
    """The value to the nearest step, halves up (12.345% is used and shown as 12.35%)."""
    return math.floor(value / step + Fraction(1, 2)) * step


def shown_rate(value: float) -> Fraction:
    """A rate as /sla calc uses and shows it: to the nearest hundredth of a percent."""
    return _to_step(_exact(value), RATE_STEP)


def as_percent(rate: float) -> float:
    """A funnel rate in percent, exactly as many hundredths as it was used with."""
    return float(shown_rate(rate) * 100)


def _up(value: Fraction, step: Fraction = Fraction(1)) -> Fraction:
    """The value rounded up to a whole step: what is needed is never rounded down."""
    return -(-value // step) * step


def _positive(argument: str, value: float) -> Fraction:
    """A finite money amount of at least a cent, to the cent, or FunnelError."""
    if not (math.isfinite(value) and value > 0):
        raise FunnelError(
            argument, f"must be a number greater than 0, got {value}", "positive", value
        )
    amount = _to_step(_exact(value), MONEY_STEP)
    if amount == 0:
        raise FunnelError(
            argument, f"must be at least {float(MONEY_STEP)}, got {value}", "cent", value
        )
    return amount


def _rate(argument: str, value: float) -> Fraction:
    """A share or conversion rate within (0, 1], to RATE_STEP, or FunnelError."""
    # Written as a negated range so NaN is refused too.
    if not 0 < value <= 1:
        raise FunnelError(
            argument, f"must be greater than 0 and at most 1, got {value}", "rate", value
        )
    rate = shown_rate(value)
    if rate == 0:
        raise FunnelError(
            argument, f"must be at least {float(RATE_STEP)}, got {value}", "rate_step", value
        )
    return rate


def reverse_funnel(
    revenue_goal: float,
    marketing_share: float,
    average_deal_size: float,
    lead_to_client: float,
    visit_to_lead: float,
) -> FunnelPlan:
    """Work back from the revenue goal to the clients, leads and visits it takes."""
    revenue = _positive("revenue_goal", revenue_goal)
    share = _rate("marketing_share", marketing_share)
    deal = _positive("average_deal_size", average_deal_size)
    closing = _rate("lead_to_client", lead_to_client)
    converting = _rate("visit_to_lead", visit_to_lead)
    marketing_revenue = _up(revenue * share, MONEY_STEP)
    clients = _up(marketing_revenue / deal)
    leads = _up(clients / closing)
    return FunnelPlan(
        revenue_goal=float(revenue),
        marketing_revenue=float(marketing_revenue),
        clients=int(clients),
        leads=int(leads),
        visits=int(_up(leads / converting)),
        marketing_share=float(share),
        average_deal_size=float(deal),
        lead_to_client=float(closing),
        visit_to_lead=float(converting),
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def actual_rates(visits: float, leads: float, clients: float) -> dict[str, float | None]:
    """This month's conversion rates so far; None where the stage before saw nothing."""
    for argument, value in (("visits", visits), ("leads", leads), ("clients", clients)):
        if not value >= 0:
            raise FunnelError(argument, f"must be zero or more, got {value}", "not_negative", value)
    return {"visit_to_lead": _ratio(leads, visits), "lead_to_client": _ratio(clients, leads)}


def funnel_with_actuals(
    revenue_goal: float,
    marketing_share: float,
    average_deal_size: float,
    lead_to_client: float,
    visit_to_lead: float,
    *,
    actual: Mapping[str, float | None],
) -> FunnelPlan:
    """The reverse funnel at this month's actual rates, the agreement's where none is usable.

    An actual rate is usable within (0, 1] once shown to a hundredth of a percent; above 1 it
    only means this month's clients came from earlier months' leads, which says nothing about
    the rate going forward.
    """
    agreed = {"lead_to_client": lead_to_client, "visit_to_lead": visit_to_lead}
    rates: dict[str, float] = {}
    for name in _FUNNEL_RATES:
        measured = actual.get(name)
        usable = measured is not None and 0 < measured <= 1 and shown_rate(measured) > 0
        rates[name] = measured if usable and measured is not None else agreed[name]
    return reverse_funnel(
        revenue_goal,
        marketing_share,
        average_deal_size,
        lead_to_client=rates["lead_to_client"],
        visit_to_lead=rates["visit_to_lead"],
    )
