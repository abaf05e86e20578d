"""`sla-bot import` with the API fuzz's hostile values: a clear error per row, never a crash.

Run the property test longer with SLA_FUZZ_EXAMPLES=2000.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.bootstrap import build_handoffs
from bot.cli.import_command import import_file
from bot.leads.csv_rows import COLUMNS, ImportAborted
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from storage.models import Lead
from storage.unit_of_work import Database
from tests.fuzz_budget import fuzz_examples
from tests.paths import EXAMPLES

EXAMPLES_COUNT = fuzz_examples(30)
EN = Catalogue("en")
AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
FIELDS = list(COLUMNS)


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def lead_count(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Lead)) or 0


def test_hostile_rows_are_refused_by_line_on_both_databases(
    database: Database, tmp_path: Path
) -> None:
    rows = [
        {"external_id": "ok-1", "name": "<!channel> Ana", "email": "<!here>@evil.example"},
        {"external_id": "nul", "name": "Ana\x00Pérez"},
        {"external_id": "long", "name": "x" * 201},
        {"external_id": "fold", "name": "Ana", "email": "ß" * 125 + "@example.com"},
        {"external_id": "x" * 201, "name": "Ana"},
        {"external_id": "year-1", "name": "Ana", "handed_off_at": "0001-01-01T00:00:00+00:00"},
        {"external_id": "offset", "name": "Ana", "handed_off_at": "2026-11-27T10:00:00+25:00"},
        {"external_id": "far", "name": "Ana", "handed_off_at": "9999-12-31"},
        {"external_id": "epoch", "name": "Ana", "handed_off_at": "1e30"},
        {"external_id": "ok-2", "name": "Bruno ²", "source": "😀" * 100},
    ]
    handoffs = build_handoffs(database, AGREEMENT)
    path = write_rows(tmp_path / "hostile.csv", rows)
    report = import_file(path, handoffs, EN, progress_stream=io.StringIO())
    assert report.created == 2
    assert report.rejected == [
        (3, {"name": "must not contain a NUL character"}),
        (4, {"name": "is too long (at most 200 characters)"}),
        (5, {"email": "is too long (at most 254 characters)"}),
        (6, {"external_id": "is too long (at most 200 characters)"}),
        (7, {"handed_off_at": EN.t("input.too_early")}),
        (8, {"handed_off_at": "is not an ISO 8601 date and time"}),
        (9, {"handed_off_at": "is in the future"}),
        (10, {"handed_off_at": "is not an ISO 8601 date and time"}),
    ]
    assert lead_count(database) == 2


cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "<!channel>",
            "\x00",
            "x" * 300,
            "0001-01-01",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59Z",
            "2026-11-27T10:00:00+25:00",
            "2026-02-30",
            "²",
            "ß" * 130 + "@x.io",
            "a@b.co",
            "+52 55 1234 5678",
        ]
    ),
)


@settings(
    max_examples=EXAMPLES_COUNT,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.fixed_dictionaries({name: cells for name in FIELDS}), min_size=1, max_size=4))
def test_any_row_is_imported_or_refused_with_reasons(
    sqlite_database: Database, tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]
) -> None:
    handoffs = build_handoffs(sqlite_database, AGREEMENT)
    path = write_rows(tmp_path_factory.mktemp("rows") / "leads.csv", rows)
    before = lead_count(sqlite_database)
    try:
        report = import_file(path, handoffs, EN, progress_stream=io.StringIO())
    except ImportAborted:
        # A file-level refusal (e.g. a cell past csv's field limit) stores nothing either.
        assert lead_count(sqlite_database) == before
        return
    for _, errors in report.rejected:
        assert errors and all(isinstance(reason, str) and reason for reason in errors.values())
    assert report.created + report.known + report.attached + len(report.rejected) <= len(rows)
