"""The cadence's pointer on leads, skip/snooze events, and reps' time away.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("cadence_step", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cadence_due_at", TS, nullable=True))
        batch.add_column(
            sa.Column("cadence_nudges", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("closed_at", TS, nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(300), nullable=True))
        batch.create_index(batch.f("ix_leads_cadence_due_at"), ["cadence_due_at"])
    with op.batch_alter_table("leads") as batch:
        # The default only filled existing rows; the model supplies the value from now on.
        batch.alter_column("cadence_nudges", server_default=None)
    op.create_table(
        "cadence_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("until", TS, nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("click_key", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_cadence_events_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence_events")),
        sa.UniqueConstraint("click_key", name=op.f("uq_cadence_events_click_key")),
    )
    op.create_index(op.f("ix_cadence_events_lead_id"), "cadence_events", ["lead_id"])
    op.create_table(
        "away_periods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("until", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_periods")),
    )
    op.create_index(op.f("ix_away_periods_user_id"), "away_periods", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_away_periods_user_id"), table_name="away_periods")
    op.drop_table("away_periods")
    op.drop_index(op.f("ix_cadence_events_lead_id"), table_name="cadence_events")
    op.drop_table("cadence_events")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(batch.f("ix_leads_cadence_due_at"))
        for name in (
            "close_reason",
            "closed_at",
            "cadence_nudges",
            "cadence_due_at",
            "cadence_step",
        ):
            batch.drop_column(name)
