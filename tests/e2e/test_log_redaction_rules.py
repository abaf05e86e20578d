"""The redactor's rules: contact details, tokens and secrets go; ordinary figures stay.

slack_sdk's and Bolt's bodies are hidden; hypothesis puts phones, emails, tokens and known
secrets anywhere in text and record arguments.

The hypothesis tests run SLA_FUZZ_EXAMPLES examples each (default 200); run longer with e.g.
`SLA_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/e2e/test_log_redaction_rules.py`.
"""

from __future__ import annotations

import logging
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime.logs import (
    Redactor,
    install_filters,
)
from tests.e2e.log_secrets import SECRETS, Records
from tests.fuzz_budget import fuzz_examples

OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"{OCTET}(?:\.{OCTET}){{3}}")


FUZZ_EXAMPLES = fuzz_examples(200)


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
