"""`sla-bot import`'s files: column titles, separators, byte order mark and encoding.

Titles in English or Spanish, in any case and spelling of separators; on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.leads.csv_rows import ImportAborted, column_key
from bot.leads.handoffs import Handoffs
from storage.models import OutboxMessage
from storage.unit_of_work import Database
from tests.integration.csv_imports import (
    ES,
    count,
    leads,
    run,
    write,
)


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


def test_a_file_that_is_not_utf8_stores_nothing(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nAna\nJosé\n".encode("latin-1"))
    with pytest.raises(ImportAborted, match=r"not UTF-8 text \(line 3\)"):
        run(path, handoffs)
    assert leads(database) == []
