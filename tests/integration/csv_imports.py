"""The CSV files the import tests write, the import run on them, and what they count after.

The `agreement` and `handoffs` fixtures the runs take live in the integration conftest.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from bot.cli.import_command import import_file
from bot.leads.handoffs import Handoffs
from bot.ui.catalogue import Catalogue
from storage.models import Lead, OutboxMessage
from storage.unit_of_work import Database

EN = Catalogue("en")
ES = Catalogue("es")

GOOD = """external_id,name,email,phone,company,source,reason,handed_off_at
crm-1,Ana Pérez,ana@example.com,+52 55 1234 5678,Acme,webinar,score 80,2025-03-03T10:00:00-06:00
crm-2,Bruno Díaz,bruno@example.com,,Globex,ebook,,
crm-3,Carla Ruiz,,55 1111 2222,,contact form,asked for a demo,2025-03-03 09:30
"""


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
