"""The one boot path: settings -> agreement -> migrated database -> use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from bot.bootstrap import boot
from bot.settings import load_settings
from sla_rules.agreement import AgreementError, load_agreement
from storage.unit_of_work import Database
from tests.paths import EXAMPLES

NOW = datetime(2025, 3, 3, 16, 0, tzinfo=UTC)


def test_boot_reads_sla_config_and_migrates_database_url(database_url: str) -> None:
    settings = load_settings(
        {"DATABASE_URL": database_url, "SLA_CONFIG": str(EXAMPLES / "agreement.en.yaml")}
    )
    booted = boot(settings, clock=lambda: NOW)
    try:
        assert booted.settings is settings
        assert booted.agreement.company == load_agreement(EXAMPLES / "agreement.en.yaml").company
        assert "leads" in inspect(booted.database.engine).get_table_names()
        assert booted.cases is booted.cases  # built once, on first use
        assert booted.cases.handoffs.clock() == NOW
    finally:
        booted.database.dispose()


def test_boot_takes_an_agreement_path_or_object_and_a_database(
    sqlite_database: Database, tmp_path: Path
) -> None:
    settings = load_settings({"SLA_CONFIG": str(tmp_path / "missing.yaml")})
    by_path = boot(settings, agreement=EXAMPLES / "acuerdo.es.yaml", database=sqlite_database)
    assert by_path.agreement.locale == "es"
    assert by_path.database is sqlite_database
    same = boot(settings, agreement=by_path.agreement, database=sqlite_database)
    assert same.agreement is by_path.agreement


def test_boot_stops_on_the_agreement_before_touching_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    settings = load_settings({"DATABASE_URL": url, "SLA_CONFIG": str(tmp_path / "missing.yaml")})
    with pytest.raises(AgreementError):
        boot(settings)
    assert not (tmp_path / "never.db").exists()


def test_boot_raises_when_the_database_does_not_answer() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
            "SLA_CONFIG": str(EXAMPLES / "agreement.en.yaml"),
        }
    )
    with pytest.raises(OperationalError):
        boot(settings)
