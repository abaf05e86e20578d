"""One plausible-range rule for every instant from outside, applied at every door.

A .NET CRM's "no date" (0001-01-01T00:00:00+00:00) used to answer 500 yet store the lead, and
every tick failed on it from then on. Run the property tests longer with SLA_FUZZ_EXAMPLES=2000.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.bootstrap import build_handoffs
from bot.cli.import_command import import_file
from bot.leads.handoff_input import HandoffIn, parse_handoff
from bot.local.harness import LocalBot
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from sla_rules.instants import CLOCK_SKEW, EARLIEST, day_problem, instant_problem
from storage.models import Base
from storage.unit_of_work import Database
from tests.fuzz_budget import fuzz_examples
from tests.helpers import MARTA, drain, post_json, wait_announced
from tests.paths import EXAMPLES

EXAMPLES_COUNT = fuzz_examples(100)
NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
EN = Catalogue("en")

# Instants each door must refuse, with the reason it gives.
REFUSED = [
    ("0001-01-01T00:00:00+00:00", "is before 2000-01-01"),
    ("0001-01-01T00:00:00-05:00", "is before 2000-01-01"),
    ("0001-01-01T00:00:00+14:00", "is before 2000-01-01"),
    ("1999-12-31T23:59:59+00:00", "is before 2000-01-01"),
    ("1970-01-01T00:00:00Z", "is before 2000-01-01"),
    ("9999-12-31T23:59:59+00:00", "is in the future"),
    ("9999-12-31T23:59:59-12:00", "is in the future"),
    ("2026-11-27T10:00:00", "needs a time zone offset"),
    ("2026-11-27T10:00:00+25:00", "is not an ISO 8601 date and time"),
    ("not a date", "is not an ISO 8601 date and time"),
    (0, "is not an ISO 8601 date and time"),
    (1e30, "is not an ISO 8601 date and time"),
    (2**63, "is not an ISO 8601 date and time"),
    (True, "is not an ISO 8601 date and time"),
    ([], "is not an ISO 8601 date and time"),
    ({"$date": 0}, "is not an ISO 8601 date and time"),
]


# -- the rule ---------------------------------------------------------------------------------


def test_the_rule_by_example() -> None:
    assert instant_problem(NOW, NOW) is None
    assert instant_problem(NOW + CLOCK_SKEW, NOW) is None
    assert instant_problem(NOW + CLOCK_SKEW + timedelta(seconds=1), NOW) == "in_future"
    assert instant_problem(EARLIEST, NOW) is None
    assert instant_problem(EARLIEST - timedelta(microseconds=1), NOW) == "too_early"
    assert instant_problem(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), NOW) == (
        "too_early"
    )
    assert instant_problem(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), None) is None
    naive = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    assert instant_problem(naive, NOW) == "needs_offset"
    assert day_problem(date(1, 1, 1), NOW.date()) == "too_early"
    assert day_problem(date(9999, 12, 31), NOW.date()) == "in_future"
    assert day_problem(NOW.date() + timedelta(days=1), NOW.date()) is None


offsets = st.integers(min_value=-1439, max_value=1439).map(lambda m: timezone(timedelta(minutes=m)))


@settings(max_examples=EXAMPLES_COUNT, deadline=None)
@given(st.datetimes(timezones=st.none() | offsets), st.datetimes(timezones=st.just(UTC)))
def test_the_rule_never_raises_and_agrees_with_utc(moment: datetime, now: datetime) -> None:
    problem = instant_problem(moment, now)
    if moment.tzinfo is None:
        assert problem == "needs_offset"
        return
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        assert problem in ("too_early", "in_future")
        return
    try:
        latest = now + CLOCK_SKEW
    except OverflowError:
        latest = datetime.max.replace(tzinfo=UTC)
    expected = "too_early" if utc < EARLIEST else "in_future" if utc > latest else None
    assert problem == expected


# -- the handoff input, the API, the import --------------------------------------------------


@pytest.mark.parametrize(("value", "reason"), REFUSED)
def test_parse_handoff_names_the_field(value: object, reason: str) -> None:
    data, errors = parse_handoff({"name": "Ana", "handed_off_at": value}, EN, now=NOW)
    assert data is None
    assert set(errors) == {"handed_off_at"}
    assert errors["handed_off_at"].startswith(reason)


def test_year_one_is_refused_even_without_a_clock() -> None:
    with pytest.raises(ValueError, match="too_early"):
        HandoffIn(name="Ana", handed_off_at=datetime(1, 1, 1, tzinfo=UTC))


def rows(database: Database) -> dict[str, int]:
    """How many rows each table holds."""
    with database.reading() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != "alembic_version"
        }


def test_a_crm_no_date_gets_422_stores_nothing_and_the_bot_goes_on(database_url: str) -> None:
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", database_url=database_url, pace_seconds=0.05, ticker=False
    ) as bot:
        database = bot.bot.deps.database
        before = rows(database)
        for value, reason in REFUSED:
            status, answer = post_json(bot, "/api/handoffs", {**MARTA, "handed_off_at": value})
            assert status == 422, (value, answer)
            assert answer["fields"]["handed_off_at"].startswith(reason), answer
        assert rows(database) == before
        # The tick has nothing broken to trip over, and the next good lead goes out.
        bot.bot.tick_now()
        status, answer = post_json(
            bot, "/api/handoffs", {**MARTA, "handed_off_at": "2026-11-20T10:00:00-06:00"}
        )
        assert status == 201, answer
        assert wait_announced(bot, 1)
        bot.bot.tick_now()
        drain(bot)


def test_the_import_refuses_implausible_dates_by_line(database: Database, tmp_path: Path) -> None:
    text = (
        "external_id,name,handed_off_at\n"
        "ok-1,Ana,2025-01-02\n"
        "bad-1,Bruno,0001-01-01T00:00:00+00:00\n"
        "bad-2,Carla,0001-01-01\n"
        "bad-3,Diego,9999-12-31\n"
        "bad-4,Elena,1999-12-31T23:00:00Z\n"
    )
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8")
    handoffs = build_handoffs(database, load_agreement(EXAMPLES / "agreement.en.yaml"))
    report = import_file(path, handoffs, EN, progress_stream=io.StringIO())
    assert report.created == 1
    assert [(line, set(errors)) for line, errors in report.rejected] == [
        (3, {"handed_off_at"}),
        (4, {"handed_off_at"}),
        (5, {"handed_off_at"}),
        (6, {"handed_off_at"}),
    ]
    assert report.rejected[0][1]["handed_off_at"].startswith("is before 2000-01-01")
    assert report.rejected[2][1]["handed_off_at"] == "is in the future"
    assert rows(database)["leads"] == 1


def test_the_spanish_reason_is_spanish() -> None:
    _, errors = parse_handoff(
        {"name": "Ana", "handed_off_at": "0001-01-01T00:00:00+00:00"}, Catalogue("es"), now=NOW
    )
    assert errors["handed_off_at"].startswith("es anterior al 2000-01-01")


def test_a_failure_mid_handoff_stores_nothing(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    handoffs = build_handoffs(database, load_agreement(EXAMPLES / "agreement.en.yaml"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the outbox insert failed")

    # The lead, its handoff row and its event are written before the announcement is owed.
    monkeypatch.setattr("bot.leads.handoffs.enqueue", broken)
    before = rows(database)
    with pytest.raises(RuntimeError):
        handoffs.hand_off(HandoffIn(external_id="half", name="Ana"), via="api")
    assert rows(database) == before
