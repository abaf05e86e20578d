"""`sla-bot import`'s rows: created, known, joined to an open lead or rejected by line.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.leads.csv_rows import derived_external_id
from bot.leads.handoff_input import HandoffIn
from bot.leads.handoffs import Handoffs
from storage.models import Handoff, OutboxMessage
from storage.unit_of_work import Database
from tests.integration.csv_imports import (
    GOOD,
    announcements,
    count,
    leads,
    run,
    write,
)


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
    # Two rows are dated 2025, long before the import: the managers hear of them, once.
    assert channels == {"C0HANDOFF", "U0MANAGER1"}
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
