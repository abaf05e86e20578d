"""`sla-bot import`: CSV handoffs in bulk, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import OperationalError

from bot.bootstrap import build_handoffs
from bot.cli.import_command import Progress, import_file
from bot.cli.main import main
from bot.leads.csv_rows import ImportAborted, column_key, derived_external_id
from bot.leads.handoff_input import HandoffIn
from bot.leads.handoffs import Handoffs
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement, load_agreement
from storage.engine import make_engine
from storage.models import Handoff, Lead, OutboxMessage
from storage.unit_of_work import Database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EN = Catalogue("en")
ES = Catalogue("es")

GOOD = """external_id,name,email,phone,company,source,reason,handed_off_at
crm-1,Ana Pérez,ana@example.com,+52 55 1234 5678,Acme,webinar,score 80,2025-03-03T10:00:00-06:00
crm-2,Bruno Díaz,bruno@example.com,,Globex,ebook,,
crm-3,Carla Ruiz,,55 1111 2222,,contact form,asked for a demo,2025-03-03 09:30
"""


@pytest.fixture
def agreement() -> Agreement:
    """The English example agreement (handoff channel C0HANDOFF)."""
    return load_agreement(EXAMPLES / "agreement.en.yaml")


@pytest.fixture
def handoffs(database: Database, agreement: Agreement) -> Handoffs:
    """The handoff use case on each backend, built as the import builds it."""
    return build_handoffs(database, agreement)


def write(tmp_path: Path, text: str, name: str = "leads.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(path: Path, handoffs: Handoffs, cat: Catalogue = EN):
    return import_file(path, handoffs, cat, progress_stream=io.StringIO())


def count(database: Database, model: type, *where) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def announcements(database: Database) -> int:
    return count(database, OutboxMessage, OutboxMessage.kind == "announce")


def leads(database: Database) -> list[Lead]:
    with database.reading() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def test_a_good_file_creates_leads_and_owes_their_announcements(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    report = run(write(tmp_path, GOOD), handoffs)
    assert (report.created, report.known, report.attached, report.rejected) == (3, 0, 0, [])
    assert report.warnings == []
    assert report.exit_code == 0
    stored = leads(database)
    assert [lead.external_id for lead in stored] == ["crm-1", "crm-2", "crm-3"]
    assert [lead.via for lead in stored] == ["import"] * 3
    assert stored[0].name == "Ana Pérez"
    assert stored[0].handed_off_at == datetime(2025, 3, 3, 16, 0, tzinfo=UTC)
    assert stored[1].phone is None and stored[1].reason is None
    # No offset: the agreement's time zone (America/Mexico_City, UTC-6 in March 2025).
    assert stored[2].handed_off_at == datetime(2025, 3, 3, 15, 30, tzinfo=UTC)
    assert announcements(database) == 3
    with database.reading() as session:
        channels = set(session.scalars(select(OutboxMessage.channel)))
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert channels == {"C0HANDOFF"}
    assert statuses == {"pending"}


def test_importing_the_same_file_again_finds_every_lead_known(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD)
    run(path, handoffs)
    outbox_before = count(database, OutboxMessage)
    again = run(path, handoffs)
    assert (again.created, again.known, again.attached) == (0, 3, 0)
    assert len(leads(database)) == 3
    assert count(database, OutboxMessage) == outbox_before


def test_a_row_with_the_email_of_an_open_lead_joins_it(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    first = handoffs.hand_off(
        HandoffIn(external_id="form-9", name="Ana Pérez", email="ana@example.com"), via="api"
    )
    text = "id,name,email,source\ncrm-7,Ana P.,ANA@example.com,trade show\n"
    report = run(write(tmp_path, text), handoffs)
    assert (report.created, report.attached) == (0, 1)
    assert len(leads(database)) == 1
    assert count(database, Handoff, Handoff.lead_id == first.lead.id) == 2
    assert count(database, OutboxMessage, OutboxMessage.kind == "thread") == 1
    assert announcements(database) == 1


def test_bad_rows_are_rejected_by_line_and_good_rows_still_imported(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    long_name = "x" * 201
    text = (
        "external_id,name,email,handed_off_at\n"
        "ok-1,Ana,ana@example.com,\n"
        "bad-1,Bruno,not-an-email,\n"
        "bad-2,,carla@example.com,\n"
        "bad-3,Diego,diego@example.com,2999-01-01T00:00:00Z\n"
        f"bad-4,{long_name},,\n"
        "bad-5,Elena,,yesterday\n"
        "ok-2,Fabio,fabio@example.com,2025-01-02\n"
    )
    report = run(write(tmp_path, text), handoffs)
    assert report.created == 2
    assert report.rejected == [
        (3, {"email": "is not an email address"}),
        (4, {"name": "is required"}),
        (5, {"handed_off_at": "is in the future"}),
        (6, {"name": "is too long (at most 200 characters)"}),
        (7, {"handed_off_at": "is not an ISO 8601 date and time"}),
    ]
    assert report.exit_code == 1
    assert [lead.external_id for lead in leads(database)] == ["ok-1", "ok-2"]
    assert count(database, Handoff) == 2
    assert announcements(database) == 2


def test_blank_lines_are_skipped_but_still_counted_as_lines(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    text = "name,email\n\nAna,ana@example.com\n,\n\nBruno,nope\n"
    report = run(write(tmp_path, text), handoffs)
    assert report.created == 1
    assert report.rejected == [(6, {"email": "is not an email address"})]


def test_a_file_without_a_name_column_stores_nothing(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    path = write(tmp_path, "full name,email\nAna,ana@example.com\n")
    with pytest.raises(ImportAborted) as caught:
        run(path, handoffs)
    message = str(caught.value)
    assert "no name column" in message
    assert "Columns found: full name, email." in message
    assert "name (nombre)" in message and "email (correo)" in message
    assert leads(database) == []
    assert count(database, OutboxMessage) == 0


def test_spanish_headers_and_semicolons(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    text = (
        "ID_Externo;Nombre;Correo;Teléfono;Empresa;Fuente;Razón;Fecha\n"
        'mx-1;Lucía Gómez;lucia@example.mx;55 2222 3333;"Grupo; Norte";feria;pidió demo;'
        "2025-02-10T09:00:00-06:00\n"
        "mx-2;Mario;;;;;;\n"
    )
    report = run(write(tmp_path, text), handoffs, ES)
    assert (report.created, report.rejected, report.warnings) == (2, [], [])
    lucia = leads(database)[0]
    assert (lucia.external_id, lucia.name, lucia.email) == (
        "mx-1",
        "Lucía Gómez",
        "lucia@example.mx",
    )
    assert (lucia.phone, lucia.company, lucia.source) == ("55 2222 3333", "Grupo; Norte", "feria")
    assert lucia.reason == "pidió demo"


def test_column_titles_ignore_case_accents_and_separators() -> None:
    assert column_key("  Teléfono ") == column_key("telefono")
    assert column_key("Why Qualified") == column_key("why_qualified") == "why qualified"
    assert column_key("Handed-Off At") == column_key("handed_off_at")


def test_a_byte_order_mark_is_not_part_of_the_first_title(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    report = run(write(tmp_path, "name,email\nAna,ana@example.com\n", bom=True), handoffs)
    assert (report.created, report.warnings) == (1, [])


def test_unknown_columns_are_ignored_with_one_warning(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    text = "name,score,email,notes\nAna,80,ana@example.com,x\nBruno,70,bruno@example.com,y\n"
    report = run(write(tmp_path, text), handoffs)
    assert report.created == 2
    assert report.warnings == ["ignored the columns I do not know: score, notes"]


def test_rows_without_an_external_id_get_a_stable_derived_one(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    text = "name,email,company\nAna,ana@example.com,Acme\nBruno,,Globex\n"
    first = run(write(tmp_path, text), handoffs)
    assert first.created == 2
    ids = [lead.external_id for lead in leads(database)]
    assert all(i is not None and i.startswith("csv:") and len(i) == 4 + 16 for i in ids)
    # The same rows with the columns in another order and stray spaces are the same leads.
    shuffled = "company,name,email,id\n Acme ,Ana,ana@example.com,\nGlobex,Bruno,,\n"
    again = run(write(tmp_path, shuffled, name="again.csv"), handoffs)
    assert (again.created, again.known) == (0, 2)
    assert len(leads(database)) == 2
    assert announcements(database) == 2


def test_the_derived_external_id_depends_on_every_value() -> None:
    ana = {"name": "Ana", "email": "ana@example.com"}
    assert derived_external_id(ana) == derived_external_id({**ana, "phone": "  "})
    assert derived_external_id(ana) != derived_external_id({**ana, "source": "webinar"})
    assert derived_external_id(ana) != derived_external_id({"name": "ana@example.com"})


def test_a_line_with_more_cells_than_the_header_is_rejected(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    text = "name,company,source\nAna,Acme, Inc,webinar\nBruno,Globex,ebook,\n"
    report = run(write(tmp_path, text), handoffs)
    assert report.created == 1
    assert [line for line, _ in report.rejected] == [2]
    assert "row" in report.rejected[0][1]


def test_a_file_that_is_not_utf8_stores_nothing(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nAna\nJosé\n".encode("latin-1"))
    with pytest.raises(ImportAborted, match=r"not UTF-8 text \(line 3\)"):
        run(path, handoffs)
    assert leads(database) == []


def test_progress_on_a_plain_stream_prints_a_line_every_tenth() -> None:
    stream = io.StringIO()
    progress = Progress(stream, EN, "leads.csv", 1000, tty=False)
    for _ in range(1000):
        progress.advance()
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 11
    assert "\r" not in stream.getvalue()
    assert lines[-1] == "Importing leads.csv  [####################]  1000/1000"
    assert lines[4] == "Importing leads.csv  [##########----------]  500/1000"


def test_progress_on_a_terminal_redraws_in_place_at_most_ten_times_a_second() -> None:
    stream = io.StringIO()
    ticks = iter(i * 0.001 for i in range(100_000))
    progress = Progress(stream, EN, "leads.csv", 1000, tty=True, monotonic=lambda: next(ticks))
    for _ in range(1000):
        progress.advance()
    progress.finish()
    output = stream.getvalue()
    assert output.endswith("1000/1000\n")
    assert output.count("\n") == 1
    # 1000 rows over about one second of the fake clock: about ten redraws, not a thousand.
    assert 5 <= output.count("\r") <= 15


def test_the_import_reports_progress_on_its_stream(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    rows = "".join(f"Lead {n},lead{n}@example.com\n" for n in range(25))
    stream = io.StringIO()
    report = import_file(
        write(tmp_path, "name,email\n" + rows), handoffs, EN, progress_stream=stream
    )
    assert report.created == 25
    lines = stream.getvalue().splitlines()
    assert len(lines) <= 11
    assert lines[-1].endswith("25/25")


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

    def flaky(self: Handoffs, data: HandoffIn, via: str, by: str | None = None):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(self, data, via, by)  # type: ignore[arg-type]

    monkeypatch.setattr(Handoffs, "hand_off", flaky)
    assert main(["import", str(write(tmp_path, GOOD))]) == 2
    out, err = capsys.readouterr()
    assert "1 created" in out
    assert "stopped answering at line 3 (server closed the connection)" in err
    assert "import the same file again" in err
    assert [lead.external_id for lead in leads(database)] == ["crm-1"]
