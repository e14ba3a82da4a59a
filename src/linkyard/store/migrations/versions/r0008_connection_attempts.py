"""Connection attempts of the embedded connect UI (`@stackone/hub`), the OAuth state's link to one, and the
categories a connect session was made for."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "connection_attempts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_description", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_connection_attempts_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["connect_sessions.id"],
            name=op.f("fk_connection_attempts_session_id_connect_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_connection_attempts_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_attempts")),
    )
    op.create_index(
        op.f("ix_connection_attempts_session_id"), "connection_attempts", ["session_id"], unique=False
    )
    with op.batch_alter_table("oauth_states") as batch:
        batch.add_column(sa.Column("connection_attempt_id", sa.String(length=40), nullable=True))
    with op.batch_alter_table("connect_sessions") as batch:
        batch.add_column(sa.Column("categories", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("connect_sessions") as batch:
        batch.drop_column("categories")
    with op.batch_alter_table("oauth_states") as batch:
        batch.drop_column("connection_attempt_id")
    op.drop_index(op.f("ix_connection_attempts_session_id"), table_name="connection_attempts")
    op.drop_table("connection_attempts")
