"""No contact detail, token or secret reaches a log, at any level, on SQLite and PostgreSQL.

The logging is set up as `sla-bot run` sets it up (`bot.runtime.logs.configure_logging`),
at DEBUG, into
a buffer; the real bot then hands off, announces, is claimed and DMs the owner, and a write the
database refuses is logged with its traceback. The hypothesis tests run SLA_FUZZ_EXAMPLES
examples each (default 200); run longer with e.g. `SLA_FUZZ_EXAMPLES=5000 pytest -k redact`.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError, StatementError

from bot.local.harness import API_TOKEN, BOT_TOKEN, SIGNING_SECRET, LocalBot
from bot.local.standin import SlackStandIn
from bot.runtime.logs import (
    TEXT_FORMAT,
    Redactor,
    configure_logging,
    install_filters,
    json_formatter,
    known_secrets,
    lead_context,
)
from bot.settings import SettingsError, load_settings
from storage.models import Lead
from storage.unit_of_work import Database
from tests.fuzz_budget import fuzz_examples
from tests.helpers import MARTA, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"{OCTET}(?:\.{OCTET}){{3}}")
SLA_BOT = shutil.which("sla-bot", path=str(Path(sys.executable).parent)) or "sla-bot"
FUZZ_EXAMPLES = fuzz_examples(200)
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


def test_slack_sdk_debug_bodies_and_headers_are_hidden() -> None:
    redactor = Redactor(SECRETS)
    sent = (
        "Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {}, "
        "body_params: {}, files: {}, json_body: {'channel': 'D1', 'text': 'Marta Quintana "
        "marta@opticasur.mx'}, headers: {'Authorization': '(redacted)'}"
    )
    assert redactor.redact(sent) == (
        "Sending a request - url: https://slack.com/api/chat.postMessage[hidden]"
    )
    received = "Received the following response - status: 200, headers: {}, body: {'ok': true}"
    assert redactor.redact(received) == "Received the following response - status: 200[hidden]"
    bolt = 'Responding with status: 200 body: "You claimed L-1 (Marta Quintana)" (12 millis)'
    assert redactor.redact(bolt) == "Responding with status: 200 body: [hidden]"
    row = 'null value in column "status" violates\nDETAIL:  Failing row contains (1, Marta, x).'
    assert "Marta" not in redactor.redact(row)


@pytest.mark.parametrize(
    "kept",
    [
        "L-42 due at 2026-12-01 21:30:00+00:00 (ts 1733083200.123456)",
        "lead L-1234567 claimed",
        "connected to 127.0.0.1:5432 in 0.25 s",
        "ts=1733083200.123456 channel=C0HANDOFF user=U0REP1",
        "2026-03-08T02:30:00Z",
    ],
)
def test_ordinary_figures_are_kept(kept: str) -> None:
    assert Redactor(SECRETS).redact(kept) == kept


# Two shapes stay readable on purpose: 10.20.30.40 (an address) and 2026-12-01 (a date).
DATE = re.compile(r"(?:19|20|21)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")
PHONES = st.builds(
    lambda plus, groups, sep: ("+" if plus else "") + sep.join(groups),
    st.booleans(),
    st.lists(st.text("0123456789", min_size=2, max_size=4), min_size=3, max_size=5).filter(
        lambda groups: 7 <= sum(map(len, groups)) <= 15
    ),
    st.sampled_from([" ", "-", ".", "", " - "]),
).filter(lambda phone: not IPV4.fullmatch(phone) and not DATE.fullmatch(phone))
EMAILS = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=20),
    st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=20),
    st.sampled_from(["mx", "com", "es", "co.uk"]),
)
TOKENS = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["xoxb-", "xoxp-", "xapp-1-", "xoxe.xoxp-1-", "xoxe-1-", "xoxa-2-"]),
    st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=60),
)
NOISE = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="0123456789"), max_size=40
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(NOISE, st.one_of(PHONES, EMAILS, TOKENS), NOISE, st.sampled_from([" ", ": ", "\n", ", "]))
def test_a_contact_detail_or_token_anywhere_in_text_is_redacted(
    before: str, secret: str, after: str, gap: str
) -> None:
    redacted = Redactor().redact(before + gap + secret + gap + after)
    assert secret not in redacted
    if "@" not in secret and not secret.startswith("x"):
        digits = re.sub(r"\D", "", secret)
        assert digits not in re.sub(r"\D", "", redacted) or len(digits) < 7


ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    ANY_TEXT,
    st.one_of(PHONES, EMAILS, TOKENS),
    ANY_TEXT,
    st.sampled_from([" ", ": ", "\n", ", ", " (", "=", "\t"]),
)
def test_a_contact_detail_or_token_beside_digits_and_any_unicode_is_redacted(
    before: str, secret: str, after: str, gap: str
) -> None:
    assert secret not in Redactor().redact(before + gap + secret + gap + after)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=6, max_size=64), NOISE, NOISE)
def test_a_known_secret_is_redacted_wherever_it_appears(
    secret: str, before: str, after: str
) -> None:
    redacted = Redactor([secret]).redact(before + secret + after)
    assert secret not in redacted


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    st.one_of(PHONES, EMAILS, TOKENS),
    st.recursive(
        st.one_of(st.none(), st.integers(), st.text(max_size=20)),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    ),
)
def test_a_record_with_a_secret_in_its_args_is_redacted(secret: str, nested: object) -> None:
    record = logging.LogRecord("slack_sdk", logging.DEBUG, __file__, 1, "got %s %r", None, None)
    record.args = (secret, {"nested": nested, "value": secret})
    handler = Records()
    install_filters(handler, Redactor())
    handler.handle(record)
    assert record.args == ()
    assert secret not in record.msg


def test_sla_bot_run_writes_redacted_json_lines(tmp_path: Path) -> None:
    """`sla-bot run` with LOG_FORMAT=json at DEBUG: every line is JSON, none carries a secret."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLA_", "LOG_"))}
    with SlackStandIn() as standin:
        env = {
            **keep,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLA_API_TOKEN": API_TOKEN,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
            "SLA_CONFIG": str(EXAMPLES / "agreement.en.yaml"),
            "PORT": str(port),
            "LOG_LEVEL": "DEBUG",
            "LOG_FORMAT": "json",
        }
        process = subprocess.Popen(
            [SLA_BOT, "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, "sla-bot run exited"
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "sla-bot run never answered"
                    time.sleep(0.1)
            request = urllib.request.Request(
                base + "/api/handoffs",
                data=json.dumps(MARTA).encode(),
                headers={
                    "Authorization": f"Bearer {API_TOKEN}",
                    "Content-Type": "application/json",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 201
            standin.wait_for(lambda s: bool(s.messages("C0HANDOFF")), timeout=15)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err[-2000:]
    raw = [line for line in err.splitlines() if line.strip()]
    # The CLI sets logging up from the settings before anything else logs: every line is JSON.
    lines = [json.loads(line) for line in raw]
    messages = [line["message"] for line in lines]
    assert any(m.startswith("serving Slack (HTTP mode)") for m in messages)
    assert any(m.startswith("Sending a request - url:") for m in messages)  # DEBUG was on
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    for value in [*FORBIDDEN, "Marta Quintana"]:
        assert value not in err, f"{value!r} reached the log"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "0"}, "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS"),
        ({"SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "soon"}, "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS"),
    ],
)
def test_a_malformed_logging_or_health_setting_is_named(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{variable} is malformed"):
        load_settings(environ)


def test_the_logging_and_health_settings_read_as_given() -> None:
    read = load_settings({"LOG_FORMAT": " JSON ", "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "90"})
    assert (read.log_format, read.sla_health_outbox_max_age_seconds) == ("json", 90)
    assert load_settings({}).log_format == "text"
