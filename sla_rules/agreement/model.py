"""The whole agreement: every section together, with the rules that span them."""

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from sla_rules.agreement.cadence import Cadence, Standup
from sla_rules.agreement.fields import Locale, Text, _field_error, _rule_error, _Strict
from sla_rules.agreement.goals import Funnel, Goals
from sla_rules.agreement.knowledge import GlossaryEntry, Responsibility
from sla_rules.agreement.response import ResponsePolicy
from sla_rules.agreement.workplace import BusinessHours, SlackConfig
from sla_rules.crm_mapping import CrmSection
from sla_rules.text import normalize


class Agreement(_Strict):
    """The whole Service Level Agreement between Sales and Marketing."""

    version: Literal[1]
    company: Text
    timezone: str
    locale: Locale = "en"
    business_hours: BusinessHours
    slack: SlackConfig
    glossary: list[GlossaryEntry]
    responsibilities: list[Responsibility]
    goals: Goals
    funnel: Funnel
    response: ResponsePolicy
    cadence: Cadence
    standup: Standup
    # Optional: how CRM records map to handoffs (HubSpot's defaults when absent).
    crm: CrmSection = Field(default_factory=CrmSection)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise _field_error(
                "timezone", "not a valid time zone; use an IANA name such as America/Mexico_City"
            ) from None
        return name

    @field_validator("glossary")
    @classmethod
    def _words_unique(cls, entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
        # Lookups ignore case and accents, so "Visita" and "visita" would be the same query.
        first_use: dict[str, tuple[str, str]] = {}
        for index, entry in enumerate(entries):
            words = [("term", entry.term)]
            words += [(f"aliases[{number}]", alias) for number, alias in enumerate(entry.aliases)]
            for where, word in words:
                here = f"[{index}].{where}"
                key = normalize(word)
                if key in first_use:
                    first_where, first_word = first_use[key]
                    raise _rule_error(
                        f"'{word}' is already used as '{first_word}' at glossary{first_where}",
                        at=here,
                        value=word,
                        code="glossary_repeat",
                        word=word,
                        first_word=first_word,
                        first_where=f"glossary{first_where}",
                    )
                first_use[key] = (here, word)
        return entries

    @property
    def zone(self) -> ZoneInfo:
        """The agreement's time zone, used by every clock, report and post."""
        return ZoneInfo(self.timezone)
