"""Touches, the escalation ladder's pointer and ledger, and speed data on leads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
LEAD_COLUMNS = (
    ("first_touch_at", TS),
    ("breached_at", TS),
    ("next_step", sa.Integer()),
    ("next_step_due_at", TS),
    ("claim_seconds", sa.Integer()),
    ("claim_business_seconds", sa.Integer()),
    ("first_touch_seconds", sa.Integer()),
    ("first_touch_business_seconds", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        for name, kind in LEAD_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.create_index(batch.f("ix_leads_next_step_due_at"), ["next_step_due_at"])
    op.create_table(
        "touches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("click_key", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_touches_lead_id_leads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touches")),
        sa.UniqueConstraint("click_key", name=op.f("uq_touches_click_key")),
    )
    op.create_index(op.f("ix_touches_lead_id"), "touches", ["lead_id"])
    op.create_table(
        "notification_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("fired_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_notification_ledger_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_ledger")),
        sa.UniqueConstraint("lead_id", "step", name=op.f("uq_notification_ledger_lead_id")),
    )


def downgrade() -> None:
    op.drop_table("notification_ledger")
    op.drop_index(op.f("ix_touches_lead_id"), table_name="touches")
    op.drop_table("touches")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(batch.f("ix_leads_next_step_due_at"))
        for name, _ in reversed(LEAD_COLUMNS):
            batch.drop_column(name)
