"""How long each lead waited for its first announcement in Slack: the system's share of the wait.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BATCH = 1_000

leads = sa.table(
    "leads", sa.column("id", sa.Integer), sa.column("created_at", TS), sa.column("announce_seconds")
)
events = sa.table(
    "lead_events",
    sa.column("lead_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("at", TS),
)


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("announce_seconds", sa.Integer(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("announce_seconds")


def _backfill(connection: sa.Connection) -> None:
    """Leads announced before this revision: their first 'announced' event tells the delay."""
    first = (
        sa.select(leads.c.id, leads.c.created_at, sa.func.min(events.c.at, type_=TS))
        .join(events, sa.and_(events.c.lead_id == leads.c.id, events.c.kind == "announced"))
        .group_by(leads.c.id, leads.c.created_at)
    )
    fill = (
        sa.update(leads)
        .where(leads.c.id == sa.bindparam("lead"))
        .values(announce_seconds=sa.bindparam("seconds"))
    )
    rows = [
        {"lead": lead, "seconds": _seconds(created, announced)}
        for lead, created, announced in connection.execute(first)
    ]
    for start in range(0, len(rows), BATCH):
        connection.execute(fill, rows[start : start + BATCH])


def _seconds(created: datetime, announced: datetime) -> int:
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    created, announced = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (created, announced))
    return max(0, int((announced - created).total_seconds()))
