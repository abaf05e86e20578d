"""Hostile input at the HTTP API's door: 2xx or 4xx only, nothing stored on 4xx, no traceback.

Every body goes over real HTTP to the running bot (LocalBot) on SQLite and on PostgreSQL
(TEST_DATABASE_URL). Bodies: wrong types, huge and nested values, absurd dates, unicode, NUL,
lone surrogates, mentions, non-UTF-8 bytes, deep nesting, oversized bodies, odd bearer headers.

Run longer with SLA_FUZZ_EXAMPLES=2000 (default 60 per test and backend); the counts of bodies
tried and 5xx seen per endpoint are printed at the end with `pytest -s`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.local.harness import API_TOKEN, LocalBot
from sla_rules.counts import MAX_COUNT, parse_count
from storage.models import Base
from tests.fuzz_budget import fuzz_examples
from tests.helpers import MARTA
from tests.paths import EXAMPLES

EXAMPLES_COUNT = fuzz_examples(30)
FUZZ = settings(
    max_examples=EXAMPLES_COUNT,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()

NASTY_TEXT = [
    "<!channel>",
    "<@U0REP1>",
    "\x00",
    "Ana\x00Pérez",
    "\ud800",
    "²",
    "--5",
    "1e30",
    "-0",
    " ",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "2026-11-27T10:00:00+25:00",
    "2026-02-30",
    "ß" * 200,
    "x" * 201,
    "x" * 5000,
    "9" * 5000,
    "😀" * 100,
    "a@b.co",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31 - 1, 2**31, 2**63, -(2**63) - 1, 0, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(NASTY_TEXT),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def body_of(fields: tuple[str, ...], good: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Objects mixing good and hostile values for the fields, extra keys, or non-objects."""
    hostile = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(st.just(good[name]), values) for name in fields}
        | {"extra": values},
    )
    return st.one_of(hostile, hostile, hostile, values)


HANDOFF_FIELDS = (
    "external_id",
    "name",
    "email",
    "phone",
    "company",
    "source",
    "reason",
    "handed_off_at",
)
HANDOFF_GOOD = {**MARTA, "handed_off_at": "2026-11-20T10:00:00-06:00"}
COUNT_FIELDS = ("metric", "value", "date", "mode")
COUNT_GOOD = {"metric": "visits", "value": 12, "date": None, "mode": "add"}
RAW_BODIES = [
    b"",
    b"{",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"[" * 990 + b"]" * 990,
    b'{"name": "\xff\xfe Ana"}',
    b"\xef\xbb\xbf{}",
    b'{"name": NaN}',
    b'{"name": "Ana", "external_id": "x", "handed_off_at": Infinity}',
    b"x" * (2 * 1024 * 1024),
    json.dumps({**MARTA, "reason": "y" * 2_000_000}).encode(),
]
raw_bodies = st.one_of(st.sampled_from(RAW_BODIES), st.binary(max_size=200))
headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(
            ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "ü/ü"]
        ),
        "Authorization": st.sampled_from(
            [
                f"Bearer {API_TOKEN}",
                f"bearer   {API_TOKEN}  ",
                f"Basic {API_TOKEN}",
                "Bearer",
                "Bearer wrong",
                "Bearer " + "x" * 10_000,
                "Bearer \u00e9\u00e8",
                API_TOKEN,
            ]
        ),
    },
)


class Tracebacks(logging.Handler):
    """Collects every ERROR record and every record carrying an exception."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@pytest.fixture
def bot(database_url: str) -> Iterator[LocalBot]:
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", database_url=database_url, ticker=False, background=False
    ) as running:
        yield running


@pytest.fixture
def tracebacks() -> Iterator[Tracebacks]:
    handler = Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def rows(bot: LocalBot) -> dict[str, int]:
    """How many rows each table holds."""
    assert bot.bot is not None
    with bot.bot.deps.database.reading() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def send(bot: LocalBot, path: str, data: bytes, extra: dict[str, str]) -> tuple[int, Any]:
    """POST these bytes and headers; the status and the decoded JSON answer."""
    request = urllib.request.Request(bot.url + path, data=data, headers=extra, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as answer:
        status, raw = answer.code, answer.read()
    return status, json.loads(raw)


def check(
    bot: LocalBot, tracebacks: Tracebacks, path: str, data: bytes, extra: dict[str, str]
) -> tuple[int, Any]:
    """The invariant for one request: no 5xx, a JSON answer, no rows on 4xx, no traceback."""
    before = rows(bot)
    status, answer = send(bot, path, data, extra)
    TRIED[path] += 1
    if status >= 500:
        SERVER_ERRORS[path] += 1
    assert status < 500, (status, answer, data[:300])
    assert 200 <= status < 300 or "error" in answer, answer
    if status >= 400:
        assert rows(bot) == before, (status, answer, data[:300])
    assert not tracebacks.records, [r.getMessage() for r in tracebacks.records]
    return status, answer


def encode(body: Any) -> bytes:
    # Lone surrogates and big integers are legal in Python's JSON, as a sender might write them.
    return json.dumps(body).encode()


JSON_AUTH = {"Content-Type": "application/json", "Authorization": f"Bearer {API_TOKEN}"}


@FUZZ
@given(body=body_of(HANDOFF_FIELDS, HANDOFF_GOOD))
def test_handoffs_fuzz(bot: LocalBot, tracebacks: Tracebacks, body: Any) -> None:
    status, answer = check(bot, tracebacks, "/api/handoffs", encode(body), JSON_AUTH)
    if status == 422:
        assert answer["fields"], answer


@FUZZ
@given(body=body_of(COUNT_FIELDS, COUNT_GOOD))
def test_counts_fuzz(bot: LocalBot, tracebacks: Tracebacks, body: Any) -> None:
    status, answer = check(bot, tracebacks, "/api/counts", encode(body), JSON_AUTH)
    if status == 200:
        assert 0 <= answer["value"] <= MAX_COUNT
    if status == 422:
        assert answer["fields"], answer


@FUZZ
@given(path=st.sampled_from(["/api/handoffs", "/api/counts"]), data=raw_bodies, extra=headers)
def test_raw_bodies_and_headers_fuzz(
    bot: LocalBot, tracebacks: Tracebacks, path: str, data: bytes, extra: dict[str, str]
) -> None:
    status, _ = check(bot, tracebacks, path, data, extra)
    if len(data) > 1024 * 1024 and extra.get("Authorization", "").startswith("Bearer local"):
        assert status == 413


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, 400, "nested deeper"),
        (b"[" * 40 + b"]" * 40, 400, "nested deeper"),
        (b'{"name": "\xff"}', 400, "not UTF-8"),
        (b'{"name": NaN}', 400, "not valid JSON"),
        (b"x" * (1024 * 1024 + 1), 413, "larger than"),
    ],
)
def test_bodies_refused_before_their_fields(
    bot: LocalBot, tracebacks: Tracebacks, data: bytes, status: int, words: str
) -> None:
    for path in ("/api/handoffs", "/api/counts"):
        got, answer = check(bot, tracebacks, path, data, JSON_AUTH)
        assert (got, words in answer["error"]) == (status, True), answer


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "Ana\x00Pérez"}, "name", "NUL"),
        ({"company": "\ud800"}, "company", "valid text"),
        ({"name": "x" * 201}, "name", "at most 200"),
        ({"email": "ß" * 125 + "@example.com"}, "email", "at most 254"),
        ({"name": ["Ana"]}, "name", "must be text"),
        ({"name": {"first": "Ana"}}, "name", "must be text"),
        ({"name": 42}, "name", "must be text"),
        ({"name": True}, "name", "must be text"),
        ({"handed_off_at": 1e30}, "handed_off_at", "ISO 8601"),
    ],
)
def test_handoff_fields_refused_alike_on_both_databases(
    bot: LocalBot, tracebacks: Tracebacks, fields: dict[str, Any], field: str, words: str
) -> None:
    status, answer = check(bot, tracebacks, "/api/handoffs", encode({**MARTA, **fields}), JSON_AUTH)
    assert status == 422
    assert words in answer["fields"][field], answer


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("--5", "whole number"),
        ("²", "whole number"),
        ("1e30", "whole number"),
        (1e30, "too large"),
        (2**63, "too large"),
        (2**31, "too large"),
        (True, "whole number"),
        ([5], "whole number"),
        ("9" * 5000, "too large"),
        (-(2**63), "negative"),
    ],
)
def test_count_values_refused_naming_the_value(
    bot: LocalBot, tracebacks: Tracebacks, value: Any, words: str
) -> None:
    body = {"metric": "visits", "value": value, "mode": "add"}
    status, answer = check(bot, tracebacks, "/api/counts", encode(body), JSON_AUTH)
    assert status == 422
    assert words in answer["fields"]["value"], answer


def test_adding_past_the_column_is_refused_and_undone(
    bot: LocalBot, tracebacks: Tracebacks
) -> None:
    body = {"metric": "visits", "value": MAX_COUNT, "mode": "add"}
    assert check(bot, tracebacks, "/api/counts", encode(body), JSON_AUTH)[0] == 200
    body["value"] = 1
    status, answer = check(bot, tracebacks, "/api/counts", encode(body), JSON_AUTH)
    assert status == 422 and "too large" in answer["fields"]["value"]
    body["mode"] = "set"
    assert check(bot, tracebacks, "/api/counts", encode(body), JSON_AUTH)[1]["value"] == 1


@settings(max_examples=EXAMPLES_COUNT * 5, deadline=None)
@given(values)
def test_the_count_parser_never_raises_and_stays_in_range(value: Any) -> None:
    parsed = parse_count(value)
    assert parsed in ("not_whole", "negative", "too_large") or 0 <= parsed <= MAX_COUNT
    if isinstance(value, bool):
        assert parsed == "not_whole"


def test_zz_report_the_fuzz_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Print what the fuzz tests tried (visible with -s); runs last in this module."""
    with capsys.disabled():
        print(f"\nAPI fuzz: bodies tried {dict(TRIED)}, 5xx seen {dict(SERVER_ERRORS)}")
    assert sum(SERVER_ERRORS.values()) == 0


# -- the same parser behind /sla record -------------------------------------------------------


@pytest.fixture
def slack_bot(standin: Any) -> Iterator[LocalBot]:
    with LocalBot(EXAMPLES / "agreement.en.yaml", standin=standin, ticker=False) as running:
        yield running


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        ("record visits --5", "“--5” is not a number: write a whole number as 1,200."),
        ("record visits ²", "“²” is not a number: write a whole number as 1,200."),
        ("record visits 1e30", "“1e30” is not a number: write a whole number as 1,200."),
        ("record visits -5", "The value cannot be negative."),
        ("record visits 99999999999", "The value is too large"),
        ("record visits " + "9" * 5000, "The value is too large"),
    ],
)
def test_record_command_names_what_is_wrong(
    slack_bot: LocalBot, tracebacks: Tracebacks, words: str, answer: str
) -> None:
    before = rows(slack_bot)
    [reply] = slack_bot.slack.slash_command(words, user_id="U0MKT1").replies()
    assert reply["text"].startswith(answer), reply["text"]
    assert rows(slack_bot) == before
    assert not tracebacks.records, [r.getMessage() for r in tracebacks.records]


def test_record_command_answers_in_spanish(standin: Any, tracebacks: Tracebacks) -> None:
    with LocalBot(EXAMPLES / "acuerdo.es.yaml", standin=standin, ticker=False) as bot:
        ask = bot.slack.slash_command
        [reply] = ask("registrar visitas --5", user_id="U0MKT1").replies()
        assert reply["text"] == "“--5” no es un número: escribe un número entero como 1,200."
        [reply] = ask("registrar visitas 3000000000", user_id="U0MKT1").replies()
        assert reply["text"].startswith("El valor es demasiado grande")
    assert not tracebacks.records
