"""Leads, handoffs, lead events, the outbox and per-channel pacing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_key", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("source", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("handed_off_by", sa.String(32), nullable=True),
        sa.Column("handed_off_at", TS, nullable=False),
        sa.Column("respond_by", TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("announce_channel", sa.String(32), nullable=False),
        sa.Column("announce_ts", sa.String(32), nullable=True),
        sa.Column("in_digest", sa.Boolean(), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    op.create_index(op.f("ix_leads_email_key"), "leads", ["email_key"])
    op.create_index(op.f("ix_leads_status"), "leads", ["status"])
    op.create_index(op.f("ix_leads_announce_ts"), "leads", ["announce_ts"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("attached", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_handoffs_lead_id_leads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.UniqueConstraint("external_id", name=op.f("uq_handoffs_external_id")),
    )
    op.create_index(op.f("ix_handoffs_lead_id"), "handoffs", ["lead_id"])
    op.create_table(
        "lead_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_events_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_events")),
    )
    op.create_index(op.f("ix_lead_events_lead_id"), "lead_events", ["lead_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_outbox_lead_id_leads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_lead_id"), "outbox", ["lead_id"])
    op.create_index("ix_outbox_pending", "outbox", ["status", "due_at"])
    op.create_table(
        "pace_slots",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("next_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pace_slots")),
    )


def downgrade() -> None:
    op.drop_table("pace_slots")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("lead_events")
    op.drop_table("handoffs")
    op.drop_table("leads")
