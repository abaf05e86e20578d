"""Sections on shared knowledge: the glossary both teams agreed on and who owns each duty."""

from pydantic import Field

from sla_rules.agreement.fields import Text, UserId, _Strict


class GlossaryEntry(_Strict):
    """A word both teams agreed on, its other spellings, and what it means here."""

    term: Text
    aliases: list[Text] = Field(default_factory=list)
    definition: Text


class Responsibility(_Strict):
    """One duty, the team it belongs to, and the person who owns it."""

    team: Text
    duty: Text
    owner: UserId
