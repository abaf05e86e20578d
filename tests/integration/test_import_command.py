"""`sla-bot import` as a command: its summary, exit codes and language.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from bot.cli.main import main
from bot.leads.handoff_input import HandoffIn
from bot.leads.handoffs import Handoffs
from storage.engine import make_engine
from storage.unit_of_work import Database
from tests.integration.csv_imports import (
    GOOD,
    announcements,
    leads,
    write,
)
from tests.paths import EXAMPLES


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The environment `sla-bot import` reads, pointing at the test database."""
    # A .env file in the working directory must not leak into the test.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLA_CONFIG", str(EXAMPLES / "agreement.en.yaml"))
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return database_url


def test_the_command_imports_and_prints_a_summary(
    cli_env: str, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{path}: 3 created, 0 already known, 0 joined open leads and 0 rejected." in out
    assert out.rstrip().endswith(
        "The running bot (sla-bot run) announces the new leads in #C0HANDOFF: "
        "this import only queued the messages."
    )
    assert "3/3" in err
    assert announcements(database) == 3
    assert main(["import", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "0 created, 3 already known" in out
    assert out.rstrip().endswith("Nothing new to announce.")


def test_the_command_exits_1_and_lists_rejected_lines(
    cli_env: str, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "name,email,notes\nAna,ana@example.com,\nBruno,nope,\n,x@example.com,\n")
    assert main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 created" in out and "2 rejected" in out
    assert "  line 3: email: is not an email address\n" in out
    assert "  line 4: name: is required\n" in out
    assert "Warning: ignored the columns I do not know: notes" in out
    assert len(leads(database)) == 1


def test_the_command_speaks_the_agreements_language(
    cli_env: str,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path, "nombre;correo\nLucía;lucia@example.mx\nMario;no\n")
    spanish = str(EXAMPLES / "acuerdo.es.yaml")
    assert main(["import", str(path), "--agreement", spanish]) == 1
    out, err = capsys.readouterr()
    assert "1 creado, 0 ya conocidos, 0 unidos a leads abiertos y 1 rechazado." in out
    assert "  línea 3: email: no es un correo electrónico" in out
    assert "Importando leads.csv" in err


def test_the_command_exits_2_before_touching_the_database_without_a_name_column(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "email,company\nana@example.com,Acme\n")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "has no name column, so nothing was imported" in err
    assert "Columns found: email, company." in err
    # Not even migrated: the import stopped before opening the database.
    engine = make_engine(cli_env)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_the_command_exits_2_when_the_file_cannot_be_read(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "missing.csv")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_the_command_exits_2_when_the_database_stops_answering_midway(
    cli_env: str,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = Handoffs.hand_off
    calls: list[int] = []

    def flaky(self: Handoffs, data: HandoffIn, via: str, by: str | None = None, now=None):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(self, data, via, by, now)  # type: ignore[arg-type]

    monkeypatch.setattr(Handoffs, "hand_off", flaky)
    assert main(["import", str(write(tmp_path, GOOD))]) == 2
    out, err = capsys.readouterr()
    assert "1 created" in out
    assert "stopped answering at line 3 (server closed the connection)" in err
    assert "import the same file again" in err
    assert [lead.external_id for lead in leads(database)] == ["crm-1"]
