"""Leads set aside by the tick after repeated failures, and the inbox of journaled clicks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        # The server default stays (the model declares it too): dropping it would make SQLite
        # rebuild the leads table, which the rows pointing at leads forbid.
        batch.add_column(
            sa.Column("tick_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("set_aside_at", TS, nullable=True))
        batch.add_column(sa.Column("set_aside_reason", sa.String(200), nullable=True))
        batch.create_index(batch.f("ix_leads_set_aside_at"), ["set_aside_at"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_open", "inbox", ["answered_at", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_inbox_open", table_name="inbox")
    op.drop_table("inbox")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(batch.f("ix_leads_set_aside_at"))
        batch.drop_column("set_aside_reason")
        batch.drop_column("set_aside_at")
        batch.drop_column("tick_failures")
