"""Sections on when and where the teams work: business hours and the Slack setup."""

import datetime as dt
from typing import Annotated

import holidays
from pydantic import BeforeValidator, Field, field_validator, model_validator

from sla_rules.agreement.fields import (
    WEEKDAYS,
    ChannelId,
    CountryCode,
    TimeOfDay,
    UserId,
    Weekday,
    _first_repeat,
    _lowercase,
    _rule_error,
    _Strict,
)


class BusinessHours(_Strict):
    """The working days and hours that business-time clocks count, and the days off."""

    days: list[Annotated[Weekday, BeforeValidator(_lowercase)]]
    start: TimeOfDay
    end: TimeOfDay
    holidays_country: CountryCode | None = None
    holidays: list[dt.date] = Field(default_factory=list)

    @field_validator("days")
    @classmethod
    def _days_listed_once(cls, days: list[Weekday]) -> list[Weekday]:
        if not days:
            raise _rule_error(
                "must name at least one working day, such as [mon, tue, wed]", code="no_days"
            )
        repeat = _first_repeat(days)
        if repeat is not None:
            raise _rule_error(
                "is listed twice", at=f"[{repeat}]", value=days[repeat], code="listed_twice"
            )
        return days

    @field_validator("holidays_country")
    @classmethod
    def _calendar_known(cls, country: str | None) -> str | None:
        # The business clock reads this country's calendar for every deadline: a code the
        # library has no calendar for must be refused here, by `sla-bot check`, not at boot.
        if country is not None:
            try:
                holidays.country_holidays(country)
            except NotImplementedError:
                raise ValueError("is not a country the holidays library knows") from None
        return country

    @model_validator(mode="after")
    def _end_after_start(self) -> "BusinessHours":
        if self.end <= self.start:
            raise _rule_error(
                f"must be after start ({self.start:%H:%M})",
                at=".end",
                value=f"{self.end:%H:%M}",
                code="end_after_start",
                start=f"{self.start:%H:%M}",
            )
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """The working days as datetime weekday numbers (Monday is 0)."""
        return frozenset(WEEKDAYS.index(day) for day in self.days)


class SlackConfig(_Strict):
    """Where the bot posts and who may do what, by Slack ID."""

    handoff_channel: ChannelId
    standup_channel: ChannelId
    escalation_channel: ChannelId | None = None
    managers: list[UserId] = Field(default_factory=list)
    sales_reps: list[UserId] = Field(default_factory=list)
    marketers: list[UserId] = Field(default_factory=list)

    @property
    def escalation_channel_id(self) -> str:
        """The escalation channel, falling back to the handoff channel when none is set."""
        return self.escalation_channel or self.handoff_channel

    def may_claim(self, user_id: str) -> bool:
        """Whether this user may claim leads (everyone, when no sales reps are listed)."""
        return not self.sales_reps or user_id in self.sales_reps

    def may_hand_off(self, user_id: str) -> bool:
        """Marketers and managers hand off leads (anyone, when the agreement lists neither)."""
        allowed = {*self.marketers, *self.managers}
        return not allowed or user_id in allowed
