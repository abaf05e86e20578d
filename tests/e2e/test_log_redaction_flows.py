"""No contact detail, token or secret reaches the bot's log, at DEBUG, on SQLite and PostgreSQL.

The logging is set up as `sla-bot run` sets it up (`bot.runtime.logs.configure_logging`), at
DEBUG, into a buffer; the real bot then hands off, announces, is claimed and DMs the owner, and
a write the database refuses is logged with its traceback. JSON lines carry the lead.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DBAPIError, StatementError

from bot.local.harness import API_TOKEN, BOT_TOKEN, SIGNING_SECRET, LocalBot
from bot.runtime.logs import (
    TEXT_FORMAT,
    Redactor,
    configure_logging,
    install_filters,
    json_formatter,
    known_secrets,
    lead_context,
)
from storage.models import Lead
from storage.unit_of_work import Database
from tests.e2e.log_secrets import FORBIDDEN, SECRETS, Records
from tests.helpers import MARTA, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES


class Captured:
    """What the bot's logging wrote (the formatted stream) and the records themselves."""

    def __init__(self, stream: io.StringIO, records: Records) -> None:
        self.stream = stream
        self.handler = records

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def everything(self) -> str:
        """The stream plus every record's message, args, extras and exception text."""
        parts = [self.text]
        for record in self.handler.records:
            parts += [str(record.msg), repr(record.args), str(record.exc_text)]
            # What any other handler would print for it (stdlib formatters reuse exc_text).
            parts.append(logging.Formatter(TEXT_FORMAT).format(record))
            parts.append(json_formatter().format(record))
            parts.append(repr({k: v for k, v in record.__dict__.items() if k != "exc_info"}))
        return "\n".join(parts)

    def assert_clean(self, *also: str) -> None:
        everything = self.everything()
        for value in [*FORBIDDEN, *also]:
            assert value not in everything, f"{value!r} reached the log"


@pytest.fixture
def capture() -> Iterator[Callable[..., Captured]]:
    """Set logging up as the bot does, into a buffer; put the process's logging back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    names = ("alembic.runtime.plugins", "apscheduler.executors.default")
    levels = {name: logging.getLogger(name).level for name in names}

    def start(fmt: str = "text", secrets: list[str] = SECRETS) -> Captured:
        stream = io.StringIO()
        configure_logging(logging.DEBUG, fmt=fmt, secrets=secrets, stream=stream)
        records = Records()
        install_filters(records, Redactor(secrets))
        root.addHandler(records)
        return Captured(stream, records)

    yield start
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.postgres
def test_a_handoff_claim_and_dm_at_debug_log_no_contact_detail_or_secret(
    database_url: str, standin, capture
) -> None:
    captured = capture()  # before the engine exists, as `sla-bot run` does: SQL is logged too
    with LocalBot(
        EXAMPLES / "agreement.en.yaml",
        database_url=database_url,
        standin=standin,
        pace_seconds=0.05,
        ticker=False,
    ) as bot:
        assert known_secrets(bot.bot.deps.settings) == [BOT_TOKEN, SIGNING_SECRET, API_TOKEN]
        lead = lead_number(hand_off(bot))
        [message] = wait_announced(bot, 1)
        result = bot.slack.block_action(
            "claim_lead", str(lead), "U0REP1", channel_id="C0HANDOFF", message_ts=message["ts"]
        )
        assert result.status == 200
        standin.wait_for(lambda s: bool(s.messages("DU0REP1")), timeout=15)
        dm = json.dumps(standin.messages("DU0REP1"))
        assert MARTA["email"] in dm and MARTA["phone"] in dm  # the DM did carry them
        bot.wait_delivered()
    # The flow was logged at DEBUG: Slack calls, SQL, the web server.
    assert "Sending a request - url:" in captured.text
    assert "chat.postMessage" in captured.text
    captured.assert_clean()


@pytest.mark.postgres
def test_a_refused_write_is_logged_without_its_parameters(database: Database, capture) -> None:
    captured = capture()
    log = logging.getLogger("sla_bot.test")
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    refused = Lead(
        name="Marta Quintana",
        email=MARTA["email"],
        phone=MARTA["phone"],
        via="api",
        handed_off_at=now,
        respond_by=now,
        status=None,  # NOT NULL: PostgreSQL's refusal repeats the whole row in its DETAIL
        announce_channel="C0HANDOFF",
        created_at=now,
    )
    with pytest.raises((DBAPIError, StatementError)) as raised, database.unit_of_work() as session:
        session.add(refused)
        session.flush()
    log.error("could not store the lead", exc_info=raised.value)
    log.exception("again, inside the handler", exc_info=raised.value)
    assert "Traceback" in captured.text
    assert "parameters hidden" in captured.text  # SQLAlchemy was asked not to show them
    assert len(captured.handler.records) == 2
    assert all(r.exc_text and "Traceback" in r.exc_text for r in captured.handler.records)
    captured.assert_clean()


@pytest.mark.postgres
def test_a_nul_in_a_name_refused_by_the_database_leaks_nothing(
    database_url: str, standin, capture
) -> None:
    # PostgreSQL refuses NUL in text; whatever the API answers, the log keeps nothing.
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", database_url=database_url, standin=standin, ticker=False
    ) as bot:
        captured = capture()
        status, _ = bot.api("/api/handoffs", {**MARTA, "name": "Marta\x00Quintana"})
        assert status < 600
    captured.assert_clean()


def test_json_lines_parse_carry_the_lead_and_are_redacted(capture) -> None:
    captured = capture(fmt="json")
    log = logging.getLogger("sla_bot.claims")
    with lead_context(42):
        log.info("claimed by %s, DM to %s at %s", "U0REP1", MARTA["email"], MARTA["phone"])
        try:
            raise ValueError(f"Bearer {API_TOKEN} and {BOT_TOKEN}")
        except ValueError:
            log.exception("delivery failed")
    log.warning("no lead here %s", SIGNING_SECRET)
    lines = captured.text.splitlines()
    assert len(lines) == 3
    first, second, third = map(json.loads, lines)
    assert first["lead"] == "L-42" and second["lead"] == "L-42"
    assert "lead" not in third
    assert first["level"] == "INFO" and first["logger"] == "sla_bot.claims"
    assert first["message"] == "claimed by U0REP1, DM to [email] at [phone]"
    assert "ValueError" in second["exc_info"] and "[hidden]" in second["exc_info"]
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None
    captured.assert_clean()
