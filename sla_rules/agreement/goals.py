"""Sections on the numbers: monthly goals by metric and the reverse funnel behind them."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator, model_validator

from sla_rules.agreement.fields import (
    CurrencyCode,
    GoalSource,
    MetricName,
    Milestone,
    Rate,
    _rule_error,
    _Strict,
)


class Goal(_Strict):
    """A monthly target for one metric and where its count comes from."""

    target: int = Field(gt=0)
    source: GoalSource


def _is_split_goals(data: Mapping[Any, Any]) -> bool:
    """Whether goals data already has the model's shape (metrics + celebrate_at)."""
    metrics = data.get("metrics")
    return (
        set(data) <= {"metrics", "celebrate_at"}
        and isinstance(metrics, Mapping)
        # A metric literally called "metrics" holds target/source scalars, not goal mappings.
        and all(isinstance(goal, Mapping | Goal) for goal in metrics.values())
    )


class Goals(_Strict):
    """Monthly targets by metric name, and the percent milestones worth celebrating."""

    metrics: dict[MetricName, Goal]
    celebrate_at: list[Milestone] = Field(default_factory=lambda: [50, 100])

    @model_validator(mode="before")
    @classmethod
    def _split_metrics(cls, data: Any) -> Any:
        # In YAML the metrics sit beside celebrate_at in one mapping; lift them into `metrics`.
        if not isinstance(data, Mapping) or _is_split_goals(data):
            return data
        split: dict[str, Any] = {
            "metrics": {name: goal for name, goal in data.items() if name != "celebrate_at"}
        }
        if "celebrate_at" in data:
            split["celebrate_at"] = data["celebrate_at"]
        return split

    @field_validator("metrics")
    @classmethod
    def _at_least_one(cls, metrics: dict[str, Goal]) -> dict[str, Goal]:
        if not metrics:
            raise _rule_error("must name at least one metric, such as visits", code="no_metrics")
        return metrics

    @field_validator("celebrate_at")
    @classmethod
    def _increasing(cls, milestones: list[int]) -> list[int]:
        for index in range(1, len(milestones)):
            if milestones[index] <= milestones[index - 1]:
                raise _rule_error(
                    f"must be greater than the milestone before it ({milestones[index - 1]})",
                    at=f"[{index}]",
                    value=milestones[index],
                    code="milestone_order",
                    previous=milestones[index - 1],
                )
        return milestones


class Funnel(_Strict):
    """The reverse funnel from the revenue goal down to the visits it takes."""

    revenue_goal: float = Field(gt=0, allow_inf_nan=False)
    currency: CurrencyCode
    marketing_share: Rate
    average_deal_size: float = Field(gt=0, allow_inf_nan=False)
    lead_to_client: Rate
    visit_to_lead: Rate
