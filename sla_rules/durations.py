"""Durations written the way people type them in chat and YAML: 30s, 5m, 2h, 1d."""

import re
from datetime import timedelta

DURATION_HINT = "must be a number and a unit, such as 30s, 5m, 2h or 1d"


class DurationError(ValueError):
    """A duration that cannot be read; `code` names why, for a translated message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ASCII digits only: \d would also accept Arabic-Indic and other Unicode digits.
_DURATION_RE = re.compile(r"\s*([0-9]+)\s*([smhd])\s*")
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Parse a whole number and one unit (s, m, h, d), such as "5m", into a timedelta."""
    match = _DURATION_RE.fullmatch(text)
    if match is None:
        raise DurationError("duration_format", DURATION_HINT)
    amount = int(match.group(1))
    if amount <= 0:
        raise DurationError(
            "duration_positive", "must be greater than zero, such as 30s, 5m, 2h or 1d"
        )
    try:
        return timedelta(seconds=amount * _UNIT_SECONDS[match.group(2)])
    except OverflowError:
        raise DurationError("duration_too_long", "is too long") from None


def format_duration(value: timedelta) -> str:
    """Write a timedelta compactly, largest unit first: "1h 30m", "2d", "45s", "0s"."""
    if value < timedelta(0):
        return "-" + format_duration(-value)
    # Whole seconds from the exact integer fields; total_seconds() is a float and would round
    # long spans. Sub-second parts are dropped: nothing in the agreement is finer than a second.
    remaining = value.days * 86_400 + value.seconds
    parts: list[str] = []
    for unit, seconds in _UNIT_SECONDS.items():
        amount, remaining = divmod(remaining, seconds)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0s"
