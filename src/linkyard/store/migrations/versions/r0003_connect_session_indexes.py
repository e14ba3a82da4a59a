"""Indexes for housekeeping: connect sessions by expiry, OAuth states by session (the per-session cap)."""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_connect_sessions_expires_at"), "connect_sessions", ["expires_at"], unique=False)
    op.create_index(op.f("ix_oauth_states_session_id"), "oauth_states", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_oauth_states_session_id"), table_name="oauth_states")
    op.drop_index(op.f("ix_connect_sessions_expires_at"), table_name="connect_sessions")
