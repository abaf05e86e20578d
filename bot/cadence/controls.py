"""The cadence's controls in Slack: action IDs, block IDs and button values, built and read here.

A nudge DM and the claim DM carry these; the listeners read them back with the decoders below,
so a change to a format is made in one file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.cadence.requests import TouchRequest
from bot.slack_input import (
    SNOOZE_HORIZON,
    Unreadable,
    dict_of,
    instant_of,
    json_object,
    small_int,
)
from sla_rules.touches import fits

TOUCH_ACTION = "log_touch"
SKIP_ACTION = "cadence_skip"
SNOOZE_ACTION = "cadence_snooze"
DISQUALIFY_ACTION = "cadence_disqualify"
DISQUALIFY_REASONS = ("not_a_fit", "no_budget", "no_interest", "bad_data", "competitor", "other")


# --- Built into the messages ---------------------------------------------------------------


def touch_action_id(index: int) -> str:
    """The action ID of the index-th touch button in a block (Slack wants them distinct)."""
    return f"{TOUCH_ACTION}:{index}"


def touch_value(lead_id: int, kind: str, outcome: str, step: int | str) -> str:
    """A touch button's value: the lead, the touch it logs and the step it answers."""
    return json.dumps({"lead": lead_id, "kind": kind, "outcome": outcome, "step": step})


def touch_block_id(lead_id: int, step: int | str) -> str:
    """The block ID of a row of touch buttons."""
    return f"touch-{lead_id}-{step}"


def skip_value(lead_id: int, step: int) -> str:
    """A Skip button's value: the lead and the step it skips."""
    return json.dumps({"lead": lead_id, "step": step})


def step_block_id(lead_id: int, step: int) -> str:
    """The block ID of a step's controls; the snooze picker and disqualify menu read it back."""
    return f"step-{lead_id}-{step}"


# --- Read back from the payloads ------------------------------------------------------------


def tap_step_of(value: object) -> int | str | None:
    """A touch button's step: a cadence step number, a short name (the claim DM's), or none."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isprintable() and len(value) <= 40:
        return value
    return small_int(value, "request.problem_step")


def tap_of(value: object, user_id: str) -> TouchRequest:
    """A touch button's value as a touch to log: a known lead ID, kind, outcome and step."""
    data = json_object(value)
    lead = small_int(data.get("lead"), "request.problem_lead", 1)
    kind, outcome = data.get("kind"), data.get("outcome")
    if not (isinstance(kind, str) and isinstance(outcome, str) and fits(kind, outcome)):
        raise Unreadable("request.problem_value")
    step = tap_step_of(data.get("step"))
    return TouchRequest(
        lead,
        kind,
        outcome,
        user_id,
        click_key=f"{lead}:{step}",
        # The claim DM's buttons answer the first touch; a nudge's answer its cadence step.
        step=step if isinstance(step, int) else None,
    )


def skip_of(action: Mapping[str, Any]) -> tuple[int, int]:
    """The lead and step a Skip button names in its value."""
    data = json_object(action.get("value"))
    return (
        small_int(data.get("lead"), "request.problem_lead", 1),
        small_int(data.get("step"), "request.problem_step"),
    )


def step_of_block(block_id: object) -> tuple[int, int]:
    """The lead and step named by a block ID such as `step-42-3`."""
    parts = block_id.split("-") if isinstance(block_id, str) else []
    if len(parts) != 3:
        raise Unreadable("request.problem_step")
    return small_int(parts[1], "request.problem_lead", 1), small_int(
        parts[2], "request.problem_step"
    )


def snooze_of(action: Mapping[str, Any], now: datetime) -> tuple[int, int, datetime]:
    """The lead, step (from the block ID) and time a snooze picker chose."""
    lead, step = step_of_block(action.get("block_id"))
    return lead, step, instant_of(action.get("selected_date_time"), now, SNOOZE_HORIZON)


def disqualify_of(action: Mapping[str, Any], reasons: tuple[str, ...]) -> tuple[int, int, str]:
    """The lead, step (from the block ID) and reason code a disqualify menu chose."""
    lead, step = step_of_block(action.get("block_id"))
    reason = dict_of(action.get("selected_option")).get("value")
    if not isinstance(reason, str) or reason not in reasons:
        raise Unreadable("request.problem_reason")
    return lead, step, reason
