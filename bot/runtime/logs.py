"""Logging set-up: text or JSON lines, the lead in context, and nothing secret in any record."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TextIO

from pythonjsonlogger.json import JsonFormatter

if TYPE_CHECKING:
    from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The libraries whose records may carry request bodies, SQL parameters or headers; their
# records reach the root's handlers, but any handler of their own gets the filters too.
LIBRARY_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "sqlalchemy",
    "urllib3",
    "waitress",
    "werkzeug",
    "apscheduler",
    "alembic",
)
# A secret shorter than this would redact ordinary words; real ones are far longer.
MIN_SECRET_LENGTH = 6
HIDDEN = "[hidden]"

_lead: ContextVar[int | None] = ContextVar("sla_lead", default=None)

# Slack tokens: bot, user, app-level, refresh and the rest of the family (xoxe.xoxp-1-…).
_TOKEN = re.compile(r"\b(?:xox[a-z](?:\.xox[a-z])?|xapp|xwfp)-[A-Za-z0-9-]*")
# Credentials after an Authorization header or a bearer scheme, in any quoting.
_AUTHORIZATION = re.compile(
    r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",}]+"""
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s'\",}]+")
# Addresses, also URL-encoded as in a users.lookupByEmail query string.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# Calendar dates and times are protected first, so that 2026-12-01 is never taken for a phone.
_INSTANT = re.compile(
    r"(?<![\d+])(?<!\d[ ./()-])(?:19|20|21)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d])"
)
# Anything shaped like a phone number: digits in groups, perhaps with + and parentheses.
_PHONE = re.compile(r"(?<![\w.])(?<![A-Za-z]-)\+?\(?\d[\d \t().\-/]{4,}\d\)?(?!\w)")
_DECIMAL = re.compile(r"\d+\.\d+")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
MIN_PHONE_DIGITS = 7
# PostgreSQL repeats the refused row or key in its DETAIL line, whatever hide_parameters says.
_ROW_DETAIL = re.compile(
    r"(Failing row contains |Key \().*?(?=\n\[SQL: |\n\(Background on this error|$)", re.DOTALL
)
# What slack_sdk and slack_bolt log at DEBUG: whole request and response bodies and headers.
_BODIES = (
    re.compile(r"(Sending a request - url: [^,\s]+).*", re.DOTALL),
    re.compile(r"(Received the following response - status: \d+).*", re.DOTALL),
    re.compile(r"(Responding with status: \d+ body: ).*", re.DOTALL),
    re.compile(r"(on_message invoked: \(message: ).*", re.DOTALL),
    re.compile(r"(Sending a message \(session id: [^,]*, message: ).*", re.DOTALL),
    re.compile(r"(Failed to send a message \(session id: [^,]*, error: ).*", re.DOTALL),
    re.compile(r"(data frame \(session id: [^,]*, payload: ).*", re.DOTALL),
    re.compile(r"(handshake (?:request|response) \(session id: [^)]*\):).*", re.DOTALL),
    re.compile(r"(without providing a response for the request \().*", re.DOTALL),
)
# A LogRecord's own attributes; anything else on a record came in through `extra=`.
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class Redactor:
    """Removes tokens, secrets, contact details and request bodies from a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._secrets = re.compile("|".join(map(re.escape, known))) if known else None

    def redact(self, text: str) -> str:
        """Return the text with everything that must not be logged replaced."""
        if self._secrets is not None:
            text = self._secrets.sub("[secret]", text)
        for body in _BODIES:
            text = body.sub(lambda m: m.group(1) + HIDDEN, text)
        text = _ROW_DETAIL.sub(lambda m: m.group(1) + HIDDEN, text)
        text = _TOKEN.sub("[token]", text)
        text = _AUTHORIZATION.sub(lambda m: m.group(1) + HIDDEN, text)
        text = _BEARER.sub(lambda m: m.group(1) + HIDDEN, text)
        text = _EMAIL.sub("[email]", text)
        return _redact_phones(text)


def _redact_phones(text: str) -> str:
    instants: list[str] = []

    def protect(match: re.Match[str]) -> str:
        instants.append(match.group(0))
        return f"\x00{len(instants) - 1}\x00"

    text = _PHONE.sub(_phone_or_not, _INSTANT.sub(protect, text))
    if instants:
        text = re.sub(r"\x00(\d+)\x00", lambda m: instants[int(m.group(1))], text)
    return text


def _phone_or_not(match: re.Match[str]) -> str:
    found = match.group(0)
    bare = found.strip("()")
    digits = sum(char.isdigit() for char in found)
    # A Slack ts (1733083200.123456), a duration or an address is not a phone.
    if digits < MIN_PHONE_DIGITS or _DECIMAL.fullmatch(bare) or _IPV4.fullmatch(bare):
        return found
    return "[phone]"


class RedactingFilter(logging.Filter):
    """Rewrites each record so that its message, args, extras and traceback are redacted."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place (always lets it through)."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must still be logged, and still redacted
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redactor.redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: they print this redacted traceback,
            # never the exception's own text (the object stays for code that inspects it).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, key, self.redactor.redact(value))
        return True


class LeadFilter(logging.Filter):
    """Adds `lead` (the short ID, `L-42`) to records logged while a lead is in context."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Tag the record with the lead in context, if any."""
        lead = _lead.get()
        if lead is not None and not hasattr(record, "lead"):
            record.lead = f"L-{lead}"
        return True


@contextmanager
def lead_context(lead_id: int) -> Iterator[None]:
    """Tag every record logged inside the block (in this thread or task) with the lead."""
    token = _lead.set(lead_id)
    try:
        yield
    finally:
        _lead.reset(token)


def known_secrets(settings: Settings) -> list[str]:
    """The secret values among the settings: redacted wherever they appear in a record."""
    values = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.sla_api_token,
    )
    return [value for value in values if value]


class _RedactedJsonFormatter(JsonFormatter):
    """python-json-logger formats exc_info afresh; this one keeps the redacted exc_text."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON object, its traceback taken from exc_text when set."""
        exc_info = record.exc_info
        if record.exc_text:
            record.exc_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info = exc_info


def json_formatter() -> logging.Formatter:
    """One JSON object per record: time (UTC), level, logger, message, lead, exc_info."""
    return _RedactedJsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def install_filters(handler: logging.Handler, redactor: Redactor) -> None:
    """Give a handler the lead tag and the redaction (replacing those of an earlier set-up)."""
    for old in [f for f in handler.filters if isinstance(f, RedactingFilter | LeadFilter)]:
        handler.removeFilter(old)
    handler.addFilter(LeadFilter())
    # Last, so that whatever the other filters add is redacted too.
    handler.addFilter(RedactingFilter(redactor))


def configure_logging(
    level: int = logging.INFO,
    *,
    fmt: str = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Log one line per record (text or JSON) to stderr, with every record redacted."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(json_formatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    redactor = Redactor(secrets)
    loggers = [logging.root, *map(logging.getLogger, LIBRARY_LOGGERS)]
    known = logging.root.manager.loggerDict.values()
    loggers += [each for each in known if isinstance(each, logging.Logger)]
    for logger in loggers:
        for each in logger.handlers:
            install_filters(each, redactor)
    # Alembic announces each of its plugins at INFO on import: noise for our users.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(level, logging.WARNING))
    # APScheduler logs every run of the tick at INFO: one line every few seconds, forever.
    logging.getLogger("apscheduler.executors.default").setLevel(max(level, logging.WARNING))


def configure_from_settings(settings: Settings, stream: TextIO | None = None) -> None:
    """Set logging up as the settings say (level, format) with their secrets redacted."""
    configure_logging(
        settings.log_level_number,
        fmt=settings.log_format,
        secrets=known_secrets(settings),
        stream=stream,
    )
