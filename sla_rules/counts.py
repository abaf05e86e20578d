"""Reading a count (visits, leads) from JSON or from typed words: one parser for every door."""

from __future__ import annotations

import math
import re
from typing import Literal

# Counts live in Integer columns: PostgreSQL's INTEGER holds at most 2^31 - 1.
MAX_COUNT = 2**31 - 1
# ASCII digits only: str.isdigit() is True for "²" and "٣", which int() then refuses.
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
# More digits than this cannot be within MAX_COUNT (and int() refuses past 4,300 digits).
_MAX_DIGITS = len(str(MAX_COUNT))

CountProblem = Literal["not_whole", "negative", "too_large"]


def parse_count(value: object) -> int | CountProblem:
    """A whole count from 120, 120.0 or "1,200"; otherwise why not (booleans are not counts)."""
    number: int
    if isinstance(value, bool):
        return "not_whole"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return "not_whole"
        if abs(value) > MAX_COUNT:
            return "negative" if value < 0 else "too_large"
        number = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _WHOLE.fullmatch(text):
            return "not_whole"
        sign = "-" if text[0] == "-" else ""
        digits = text.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS:
            return "negative" if sign == "-" else "too_large"
        number = int(sign + digits)
    else:
        return "not_whole"
    return check_count(number)


def check_count(number: int) -> int | CountProblem:
    """The count itself when it fits (0 to MAX_COUNT), else why not."""
    if number < 0:
        return "negative"
    if number > MAX_COUNT:
        return "too_large"
    return number
