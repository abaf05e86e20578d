"""Sections on speed to lead: the first-touch promise and its escalation ladder."""

from pydantic import field_validator, model_validator

from sla_rules.agreement.fields import Clock, Duration, EscalationTarget, _rule_error, _Strict
from sla_rules.durations import format_duration


class EscalationStep(_Strict):
    """What happens once a handed-off lead has gone `after` without a logged touch."""

    after: Duration
    notify: EscalationTarget | None = None
    reassign: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> "EscalationStep":
        if self.notify is not None and self.reassign:
            raise _rule_error(
                "must either notify or reassign: true, not both", code="notify_and_reassign"
            )
        if self.notify is None and not self.reassign:
            raise _rule_error(
                "needs notify (owner, channel or managers) or reassign: true",
                code="notify_or_reassign",
            )
        return self


class ResponsePolicy(_Strict):
    """The speed-to-lead promise and the escalation ladder behind it."""

    first_touch_within: Duration
    clock: Clock = "business_hours"
    escalation: list[EscalationStep]

    @field_validator("escalation")
    @classmethod
    def _strictly_later(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        for index in range(1, len(steps)):
            previous = steps[index - 1].after
            if steps[index].after <= previous:
                raise _rule_error(
                    f"must be later than the step before it ({format_duration(previous)})",
                    at=f"[{index}].after",
                    value=format_duration(steps[index].after),
                    code="step_order",
                    previous=format_duration(previous),
                )
        return steps
