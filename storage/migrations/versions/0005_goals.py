"""Reported goal counts, once-only keys (standups, celebrations), indexes for the reports.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_index(op.f("ix_leads_handed_off_at"), "leads", ["handed_off_at"])
    op.create_index(op.f("ix_leads_closed_at"), "leads", ["closed_at"])
    op.create_table(
        "reported_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_counts")),
        sa.UniqueConstraint("metric", "day", name=op.f("uq_reported_counts_metric")),
    )
    op.create_table(
        "count_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("by", sa.String(32), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_entries")),
    )
    op.create_index(op.f("ix_count_entries_day"), "count_entries", ["day"])
    op.create_table(
        "once_keys",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_once_keys")),
    )


def downgrade() -> None:
    op.drop_table("once_keys")
    op.drop_index(op.f("ix_count_entries_day"), table_name="count_entries")
    op.drop_table("count_entries")
    op.drop_table("reported_counts")
    op.drop_index(op.f("ix_leads_closed_at"), table_name="leads")
    op.drop_index(op.f("ix_leads_handed_off_at"), table_name="leads")
