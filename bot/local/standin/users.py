"""User directory of the stand-in: added users plus plausible made-up ones for unknown ids."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.local.standin.state import DEFAULT_TZ, TEAM_ID, StandInState


def _tz_fields(tz: str) -> dict[str, Any]:
    """Slack reports tz, a label and the current UTC offset in seconds."""
    try:
        now = dt.datetime.now(ZoneInfo(tz))
    except ZoneInfoNotFoundError:
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}
    offset = now.utcoffset() or dt.timedelta(0)
    return {"tz": tz, "tz_label": now.tzname() or tz, "tz_offset": int(offset.total_seconds())}


def make_user(
    user_id: str,
    name: str,
    real_name: str | None = None,
    email: str | None = None,
    tz: str = DEFAULT_TZ,
) -> dict[str, Any]:
    """Build a users.info-shaped user object."""
    real = real_name or name.replace(".", " ").title()
    mail = email or f"{name}@example.com"
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "deleted": False,
        "real_name": real,
        **_tz_fields(tz),
        "profile": {
            "real_name": real,
            "real_name_normalized": real,
            "display_name": name,
            "display_name_normalized": name,
            "email": mail,
            "team": TEAM_ID,
        },
        "is_admin": False,
        "is_owner": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": 1_700_000_000,
    }


def add_user(state: StandInState, user: dict[str, Any]) -> None:
    """Register (or replace) a user object."""
    with state.mutating():
        state.users[user["id"]] = user


def user_object(state: StandInState, user_id: str) -> dict[str, Any]:
    """Return the added user, or a stable made-up one so unknown ids still resolve."""
    with state.lock:
        known = state.users.get(user_id)
    return known if known is not None else make_user(user_id, f"user.{user_id.lower()}")


def lookup_by_email(state: StandInState, email: str) -> dict[str, Any] | None:
    """Find an added user by e-mail (case-insensitive, as Slack matches)."""
    with state.lock:
        for user in state.users.values():
            if user["profile"]["email"].lower() == email.lower():
                return user
    return None
