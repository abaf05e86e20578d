"""Who may do what with leads, by Slack ID, as the agreement's slack section says."""

from __future__ import annotations

from sla_rules.agreement import SlackConfig


def may_hand_off(slack: SlackConfig, user_id: str) -> bool:
    """Marketers and managers hand off leads (anyone, when the agreement lists neither)."""
    allowed = {*slack.marketers, *slack.managers}
    return not allowed or user_id in allowed
