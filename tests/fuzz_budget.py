"""How many examples a property test tries: a quick default, SLA_FUZZ_EXAMPLES for a long run.

`SLA_FUZZ_EXAMPLES=1000 make test` runs every property test a thousand times.
"""

from __future__ import annotations

import os


def fuzz_examples(quick: int) -> int:
    """Examples for one property test: `quick` unless SLA_FUZZ_EXAMPLES says otherwise."""
    return int(os.environ.get("SLA_FUZZ_EXAMPLES", str(quick)))
