"""Reading Slack payloads defensively: each field checked for its type before it is used.

Slack signs what it sends, but a payload may still lack a key or carry an unexpected type
(an old client, a changed block). Each reader returns the value or names what is missing, so
the listener can say so instead of failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ui.catalogue import Catalogue

# Lead IDs and steps are database integers: anything past PostgreSQL's INTEGER is no lead.
MAX_ID = 2**31 - 1
# Slack user IDs: U or W (Enterprise Grid), then upper-case letters and digits.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
# A snooze is a pause of days, not months: anything further is a slip of the picker.
SNOOZE_HORIZON = timedelta(days=60)


class Unreadable(ValueError):
    """A payload field is missing or malformed; `problem` is its catalogue key."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def text_of(value: object) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


def dict_of(value: object) -> Mapping[str, Any]:
    """A mapping, or an empty one."""
    return value if isinstance(value, Mapping) else {}


def user_of(body: Mapping[str, Any]) -> str:
    """The ID of the user who acted (interactions carry an object, commands a string)."""
    user = text_of(dict_of(body.get("user")).get("id")) or text_of(body.get("user_id"))
    if user is None or not _USER_ID.fullmatch(user):
        raise Unreadable("request.problem_user")
    return user


def small_int(value: object, problem: str, minimum: int = 0) -> int:
    """An integer in the database's range, from an int or a string of ASCII digits."""
    if isinstance(value, bool):
        raise Unreadable(problem)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if not isinstance(value, int) or not minimum <= value <= MAX_ID:
        raise Unreadable(problem)
    return value


def json_object(value: object, problem: str = "request.problem_value") -> Mapping[str, Any]:
    """A button value that holds a JSON object."""
    if not isinstance(value, str) or len(value) > 2000:
        raise Unreadable(problem)
    try:
        data = json.loads(value)
    except ValueError:
        raise Unreadable(problem) from None
    if not isinstance(data, dict):
        raise Unreadable(problem)
    return data


def instant_of(value: object, now: datetime, within: timedelta) -> datetime:
    """A Unix time in seconds (a datetimepicker's choice) no further than `within` from now."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Unreadable("request.problem_time")
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 12):
            raise Unreadable("request.problem_time")
        value = int(value)
    seconds = now.timestamp()
    # The recent past and the near future pass (the cadence rules answer those); absurd
    # instants stop here, before datetime can overflow on them.
    if value < seconds - within.total_seconds():
        raise Unreadable("cadence.snooze_in_past")
    if value > seconds + within.total_seconds():
        raise Unreadable("request.snooze_far")
    return datetime.fromtimestamp(value, UTC)


def explain(cat: Catalogue, error: Unreadable, **values: Any) -> str:
    """The sentence telling the user what was wrong with their request."""
    if error.problem.startswith("request.problem_"):
        return cat.t("request.unreadable", problem=cat.t(error.problem))
    return cat.t(error.problem, days=SNOOZE_HORIZON.days, **values)


def blocks_of(message: object) -> list[dict[str, Any]]:
    """The blocks of the message a button sat in (only well-formed ones are kept)."""
    blocks = dict_of(message).get("blocks")
    if not isinstance(blocks, list):
        return []
    return [block for block in blocks if isinstance(block, dict)]


def response_url_of(body: Mapping[str, Any]) -> str | None:
    """Where to answer an interaction (None when the payload names no usable URL)."""
    url = text_of(body.get("response_url"))
    return url if url is not None and url.startswith(("https://", "http://")) else None
