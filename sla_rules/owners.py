"""Answering "who does what" from the agreement's responsibilities."""

import re
from collections.abc import Sequence

from sla_rules.agreement import Responsibility
from sla_rules.text import normalize

# <@U123> or <@U123|name>, as Slack sends a mention inside a slash command's text.
_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,}")
_WORD_RE = re.compile(r"\w+")


def filter_responsibilities(items: Sequence[Responsibility], query: str) -> list[Responsibility]:
    """Duties matching a query: all, an owner (mention or ID), a team, or words of the duty."""
    text = query.strip()
    if not text:
        return list(items)
    mention = _MENTION_RE.fullmatch(text)
    if mention:
        return [item for item in items if item.owner == mention.group(1)]
    if _USER_ID_RE.fullmatch(text):
        owned = [item for item in items if item.owner == text]
        # An all-caps word such as "WWW" looks like an ID too; only then fall back to text.
        if owned:
            return owned
    wanted = normalize(text)
    team = [item for item in items if normalize(item.team) == wanted]
    if team:
        return team
    words = _WORD_RE.findall(wanted)
    if not words:
        return []
    return [item for item in items if _has_words(item.duty, words)]


def _has_words(duty: str, words: Sequence[str]) -> bool:
    """Whether every query word starts some word of the duty ("optim" finds "optimisation")."""
    duty_words = _WORD_RE.findall(normalize(duty))
    return all(any(part.startswith(word) for part in duty_words) for word in words)


def group_by_team(items: Sequence[Responsibility]) -> dict[str, list[Responsibility]]:
    """Responsibilities by team, teams in first-seen order and spelled as first seen."""
    groups: dict[str, list[Responsibility]] = {}
    names: dict[str, str] = {}
    for item in items:
        # "Marketing" and "marketing" are one team; keep the first spelling as its name.
        name = names.setdefault(normalize(item.team), item.team)
        groups.setdefault(name, []).append(item)
    return groups
