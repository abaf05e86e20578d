"""The one place the application reads the time: always aware, always UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


class ShiftedClock:
    """A clock that runs at real speed from a chosen instant and can jump ahead (the demo's)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - utc_now()

    def __call__(self) -> datetime:
        """The shifted now."""
        return utc_now() + self._offset

    def jump_to(self, moment: datetime) -> None:
        """Move now forward to an instant (never back); time keeps running from there."""
        if moment > self():
            self._offset = moment - utc_now()
