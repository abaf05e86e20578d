"""Load the OpenAPI 3.1 description shipped beside this module (served at /api/openapi.json)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_FILE = Path(__file__).with_name("openapi.yaml")


@cache
def openapi() -> dict[str, Any]:
    """The whole HTTP API's OpenAPI document, as a dict (read once)."""
    with SPEC_FILE.open(encoding="utf-8") as spec:
        return yaml.safe_load(spec)
