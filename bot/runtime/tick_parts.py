"""Running the tick's parts side by side: one that fails is logged, the others still run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger("sla_bot.tick")

TickPart = tuple[str, Callable[[], int]]


def run_parts(parts: Sequence[TickPart]) -> int:
    """Run each part in turn; a part that raises counts as 0 and never stops the next one."""
    total = 0
    for name, part in parts:
        try:
            total += part()
        except Exception:  # the next part (breaches, say) must not wait for this one's fix
            log.exception("tick part %s failed", name)
    return total
