"""The Sales–Marketing Service Level Agreement as validated, immutable models, and its loader.

The sections live in their own modules (`workplace`, `knowledge`, `goals`, `response`,
`cadence`, the whole `model`), the problem wording in `problems` and the YAML reading in
`loader`; this package re-exports them so importers keep writing `from sla_rules.agreement`.
"""

from sla_rules.agreement.cadence import Cadence, CadenceTouch, Standup
from sla_rules.agreement.fields import (
    GOAL_SOURCES,
    OUTCOMES,
    STANDUP_SECTIONS,
    TOUCH_KINDS,
    WEEKDAYS,
    ChannelId,
    Clock,
    CountryCode,
    CurrencyCode,
    Duration,
    EscalationTarget,
    GoalSource,
    Locale,
    MetricName,
    Milestone,
    Outcome,
    Rate,
    StandupSection,
    Text,
    TimeOfDay,
    TouchKind,
    UserId,
    Weekday,
)
from sla_rules.agreement.goals import Funnel, Goal, Goals
from sla_rules.agreement.knowledge import GlossaryEntry, Responsibility
from sla_rules.agreement.loader import load_agreement, parse_agreement
from sla_rules.agreement.model import Agreement
from sla_rules.agreement.problems import (
    FILE_PATH,
    MISSING,
    TOP_LEVEL_PATH,
    AgreementError,
    AgreementProblem,
    problems_from_validation_error,
)
from sla_rules.agreement.response import EscalationStep, ResponsePolicy
from sla_rules.agreement.workplace import BusinessHours, SlackConfig

__all__ = [
    "FILE_PATH",
    "GOAL_SOURCES",
    "MISSING",
    "OUTCOMES",
    "STANDUP_SECTIONS",
    "TOP_LEVEL_PATH",
    "TOUCH_KINDS",
    "WEEKDAYS",
    "Agreement",
    "AgreementError",
    "AgreementProblem",
    "BusinessHours",
    "Cadence",
    "CadenceTouch",
    "ChannelId",
    "Clock",
    "CountryCode",
    "CurrencyCode",
    "Duration",
    "EscalationStep",
    "EscalationTarget",
    "Funnel",
    "GlossaryEntry",
    "Goal",
    "GoalSource",
    "Goals",
    "Locale",
    "MetricName",
    "Milestone",
    "Outcome",
    "Rate",
    "ResponsePolicy",
    "Responsibility",
    "SlackConfig",
    "Standup",
    "StandupSection",
    "Text",
    "TimeOfDay",
    "TouchKind",
    "UserId",
    "Weekday",
    "load_agreement",
    "parse_agreement",
    "problems_from_validation_error",
]
