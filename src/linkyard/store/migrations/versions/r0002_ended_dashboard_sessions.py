"""Ended dashboard sessions: a signed-out session's id (as a digest) until it would have expired."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_dashboard_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_ended_dashboard_sessions")),
    )
    op.create_index(
        op.f("ix_ended_dashboard_sessions_expires_at"),
        "ended_dashboard_sessions",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ended_dashboard_sessions_expires_at"), table_name="ended_dashboard_sessions")
    op.drop_table("ended_dashboard_sessions")
