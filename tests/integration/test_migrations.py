"""The migrations build exactly the schema the models describe, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.engine import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import Base


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_every_migration_goes_down_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    downgrade(engine, "base")
    upgrade(engine)
    engine.dispose()


def test_leads_announced_before_0006_get_their_announcement_delay(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    ts = sa.DateTime(timezone=True)
    leads = sa.table(
        "leads",
        *(sa.column(name) for name in ("id", "name", "via", "status", "announce_channel")),
        sa.column("in_digest"),
        sa.column("cadence_nudges"),
        *(sa.column(name, ts) for name in ("handed_off_at", "respond_by", "created_at")),
    )
    events = sa.table(
        "lead_events",
        *(sa.column(name) for name in ("lead_id", "kind", "detail")),
        sa.column("at", ts),
    )
    received = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for lead in (1, 2, 3):
            connection.execute(
                leads.insert().values(
                    id=lead,
                    name=f"Lead {lead}",
                    via="api",
                    status="unclaimed",
                    announce_channel="C0HANDOFF",
                    in_digest=False,
                    cadence_nudges=0,
                    handed_off_at=received - timedelta(days=3),  # a CRM replaying history
                    respond_by=received,
                    created_at=received,
                )
            )
        # Lead 1: announced after 95 s, then again after a reassignment; lead 2 at once;
        # lead 3 never (Slack was down when the bot was upgraded).
        for lead, after in ((1, 300), (1, 95), (2, 0)):
            at = received + timedelta(seconds=after)
            for kind in ("announced", "claimed"):
                row = {"lead_id": lead, "kind": kind, "at": at, "detail": "{}"}
                connection.execute(events.insert().values(**row))
    upgrade(engine)
    with engine.connect() as connection:
        found = dict(connection.execute(sa.text("SELECT id, announce_seconds FROM leads")).all())
    engine.dispose()
    assert found == {1: 95, 2: 0, 3: None}
