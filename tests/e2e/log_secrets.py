"""What must never reach a log (contact details, tokens, secrets), and a handler keeping records."""

from __future__ import annotations

import logging

from bot.local.harness import API_TOKEN, BOT_TOKEN, SIGNING_SECRET
from tests.helpers import MARTA

SECRETS = [BOT_TOKEN, SIGNING_SECRET, API_TOKEN]
# What must never be found in any log line, record argument or traceback.
FORBIDDEN = [
    MARTA["email"],
    MARTA["phone"],
    "1234 5678",
    "1234-5678",
    "opticasur.mx",
    *SECRETS,
    "xoxb-",
]


class Records(logging.Handler):
    """Keeps each record as the handlers' filters left it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
