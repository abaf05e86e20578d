"""Sections on follow-up: the cadence of touches after handoff and the daily standup post."""

import datetime as dt

from pydantic import Field, field_validator

from sla_rules.agreement.fields import (
    STANDUP_SECTIONS,
    TOUCH_KINDS,
    Duration,
    Outcome,
    StandupSection,
    TimeOfDay,
    TouchKind,
    _first_repeat,
    _rule_error,
    _Strict,
)


class CadenceTouch(_Strict):
    """One planned follow-up: on which business day after handoff, and how."""

    day: int = Field(ge=0)
    kind: TouchKind


class Cadence(_Strict):
    """The follow-up sequence for every handed-off lead, and when it ends early."""

    touches: list[CadenceTouch]
    remind_every: Duration
    stop_on: list[Outcome]

    @field_validator("touches")
    @classmethod
    def _in_day_order(cls, touches: list[CadenceTouch]) -> list[CadenceTouch]:
        if not touches:
            raise _rule_error(
                "must list at least one touch, such as {day: 0, kind: call}", code="no_touches"
            )
        for index in range(1, len(touches)):
            previous = touches[index - 1].day
            if touches[index].day < previous:
                raise _rule_error(
                    f"must not be earlier than the touch before it (day {previous})",
                    at=f"[{index}].day",
                    value=touches[index].day,
                    code="touch_day_order",
                    previous=previous,
                )
        return touches

    def counts(self) -> dict[str, int]:
        """How many touches of each kind, in the order call, voicemail, email."""
        return {kind: sum(touch.kind == kind for touch in self.touches) for kind in TOUCH_KINDS}

    def span_days(self) -> int:
        """The business day of the last touch."""
        return self.touches[-1].day


class Standup(_Strict):
    """The daily progress post: when, and which sections it shows."""

    time: TimeOfDay = dt.time(9, 0)
    sections: list[StandupSection] = Field(default_factory=lambda: list(STANDUP_SECTIONS))

    @field_validator("sections")
    @classmethod
    def _listed_once(cls, sections: list[StandupSection]) -> list[StandupSection]:
        repeat = _first_repeat(sections)
        if repeat is not None:
            raise _rule_error(
                "is listed twice", at=f"[{repeat}]", value=sections[repeat], code="listed_twice"
            )
        return sections
