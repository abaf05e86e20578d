"""Who may hand off leads, from the agreement's slack section."""

from __future__ import annotations

from pathlib import Path

from sla_rules.agreement import load_agreement

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "agreement.example.yaml"


def test_marketers_and_managers_hand_off_and_anyone_when_neither_is_listed() -> None:
    slack = load_agreement(FIXTURE).slack
    assert slack.may_hand_off(slack.marketers[0])
    assert slack.may_hand_off(slack.managers[0])
    assert not slack.may_hand_off(slack.sales_reps[0])
    open_to_all = slack.model_copy(update={"marketers": [], "managers": []})
    assert open_to_all.may_hand_off("U0ANYONE")
