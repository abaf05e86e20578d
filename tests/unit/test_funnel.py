"""The reverse funnel: each stage follows from the one above it as shown, rounded up."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_rules.agreement import load_agreement
from sla_rules.funnel import (
    FunnelError,
    FunnelPlan,
    actual_rates,
    funnel_with_actuals,
    reverse_funnel,
)
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
FUNNEL = AGREEMENT.funnel.model_dump(exclude={"currency"})


def test_reverse_funnel_of_the_example_agreement() -> None:
    plan = reverse_funnel(200000, 0.5, 5000, 0.08, 0.10)
    assert plan.revenue_goal == 200000
    assert plan.marketing_revenue == 100000
    assert plan.clients == 20
    assert plan.leads == 250
    assert plan.visits == 2500  # the article's 2,500 visits / 250 leads / 20 clients
    assert (plan.marketing_share, plan.average_deal_size) == (0.5, 5000)
    assert (plan.lead_to_client, plan.visit_to_lead) == (0.08, 0.10)
    assert reverse_funnel(**FUNNEL) == plan


def test_reverse_funnel_keeps_decimal_rates_exact() -> None:
    # In plain floats 7 / 0.07 is 99.99999999999999, which a ceil() would make 100 but a
    # floor or int() would make 99.
    plan = reverse_funnel(70000, 0.5, 5000, 0.07, 0.1)
    assert plan.clients == 7
    assert plan.leads == 100
    assert plan.visits == 1000


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("marketing_share", 0),
        ("lead_to_client", 1.5),
        ("visit_to_lead", -0.1),
        ("visit_to_lead", math.nan),
        ("revenue_goal", -200000),
        ("revenue_goal", math.inf),
        ("average_deal_size", 0),
    ],
)
def test_reverse_funnel_names_the_bad_argument(argument: str, value: float) -> None:
    with pytest.raises(FunnelError) as raised:
        reverse_funnel(**{**FUNNEL, argument: value})
    assert raised.value.argument == argument
    assert str(raised.value).startswith(f"{argument}: ")
    assert isinstance(raised.value, ValueError)


def test_a_rate_of_one_is_allowed() -> None:
    plan = reverse_funnel(200000, 1, 5000, 1, 1)
    assert (plan.clients, plan.leads, plan.visits) == (40, 40, 40)


def test_actual_rates() -> None:
    assert actual_rates(2000, 180, 18) == {"visit_to_lead": 0.09, "lead_to_client": 0.1}
    assert actual_rates(0, 0, 0) == {"visit_to_lead": None, "lead_to_client": None}
    assert actual_rates(500, 0, 0) == {"visit_to_lead": 0, "lead_to_client": None}
    with pytest.raises(FunnelError) as raised:
        actual_rates(100, -1, 0)
    assert raised.value.argument == "leads"


def test_funnel_with_actuals_uses_this_months_rates() -> None:
    plan = funnel_with_actuals(**FUNNEL, actual=actual_rates(2000, 100, 10))
    assert (plan.visit_to_lead, plan.lead_to_client) == (0.05, 0.1)
    assert (plan.clients, plan.leads, plan.visits) == (20, 200, 4000)


@pytest.mark.parametrize(
    "actual",
    [
        {},
        {"visit_to_lead": None, "lead_to_client": None},
        {"visit_to_lead": 0, "lead_to_client": 0.0},
        # Above 1: this month's clients came from earlier months' leads.
        {"visit_to_lead": 0.1, "lead_to_client": 1.5},
    ],
)
def test_funnel_with_actuals_falls_back_to_the_agreement(actual: dict[str, float | None]) -> None:
    plan = funnel_with_actuals(**FUNNEL, actual=actual)
    assert plan == reverse_funnel(**FUNNEL)


def test_funnel_with_actuals_mixes_known_and_unknown_rates() -> None:
    plan = funnel_with_actuals(**FUNNEL, actual={"visit_to_lead": 0.05, "lead_to_client": None})
    assert (plan.visit_to_lead, plan.lead_to_client) == (0.05, 0.08)
    assert (plan.leads, plan.visits) == (250, 5000)


def test_each_stage_is_worked_out_from_the_rounded_stage_above() -> None:
    # 13.4 clients are 14 to find; 14 at a 20% close rate are 70 leads (not 13.4 / 0.2 = 67).
    plan = reverse_funnel(67000, 1, 5000, 0.2, 0.3)
    assert (plan.clients, plan.leads, plan.visits) == (14, 70, 234)


def test_rates_and_money_are_used_as_shown() -> None:
    plan = reverse_funnel(1000.005, 0.33335, 99.994, 1 / 3, 0.00005)
    assert (plan.revenue_goal, plan.average_deal_size) == (1000.01, 99.99)
    assert (plan.marketing_share, plan.lead_to_client, plan.visit_to_lead) == (
        0.3334,
        0.3333,
        0.0001,
    )
    assert plan.marketing_revenue == 333.41  # 333.403334 up to the cent
    with pytest.raises(FunnelError) as raised:
        reverse_funnel(**{**FUNNEL, "visit_to_lead": 0.00004})
    assert raised.value.argument == "visit_to_lead"
    with pytest.raises(FunnelError) as raised:
        reverse_funnel(**{**FUNNEL, "average_deal_size": 0.004})
    assert raised.value.argument == "average_deal_size"


def test_a_measured_rate_too_small_to_show_falls_back_to_the_agreement() -> None:
    plan = funnel_with_actuals(**FUNNEL, actual=actual_rates(10**6, 1, 0))
    assert plan.visit_to_lead == 0.1


rates = st.decimals(min_value="0.0001", max_value=1, places=4).map(float)
money = st.decimals(min_value="0.01", max_value=10**9, places=2).map(float)


@settings(max_examples=300, deadline=None)
@given(revenue=money, share=rates, deal=money, closing=rates, converting=rates)
def test_each_line_follows_from_the_one_above_and_the_chain_reaches_the_goal(
    revenue: float, share: float, deal: float, closing: float, converting: float
) -> None:
    plan = reverse_funnel(revenue, share, deal, closing, converting)
    exact = {name: Fraction(repr(value)) for name, value in shown_figures(plan).items()}
    marketing = exact["marketing_revenue"]
    # Money to the cent, never below the share of the goal.
    assert marketing - Fraction(1, 100) < exact["revenue_goal"] * exact["marketing_share"]
    assert exact["revenue_goal"] * exact["marketing_share"] <= marketing
    # Each stage is the smallest whole number that gets the stage above it at the rate shown.
    for count, rate, above in (
        (plan.clients, exact["average_deal_size"], marketing),
        (plan.leads, exact["lead_to_client"], Fraction(plan.clients)),
        (plan.visits, exact["visit_to_lead"], Fraction(plan.leads)),
    ):
        assert isinstance(count, int)
        assert count * rate >= above > (count - 1) * rate
    # Multiplied back out, the visits bring in at least the revenue goal.
    brought_in = (
        plan.visits
        * exact["visit_to_lead"]
        * exact["lead_to_client"]
        * exact["average_deal_size"]
        / exact["marketing_share"]
    )
    assert brought_in >= exact["revenue_goal"]


def shown_figures(plan: FunnelPlan) -> dict[str, float]:
    """The plan's money and rates (the figures a reader sees), by name."""
    names = ("revenue_goal", "marketing_revenue", "marketing_share", "average_deal_size")
    return {name: getattr(plan, name) for name in (*names, "lead_to_client", "visit_to_lead")}
