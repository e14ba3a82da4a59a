"""Request logs and their provider steps; the projects' setting to keep request and response bodies in them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("log_bodies", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "request_logs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=128), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=128), nullable=True),
        sa.Column("http_method", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("query_params", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_value", sa.Text(), nullable=True),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("is_worker", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_request_logs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_logs")),
    )
    op.create_index(
        op.f("ix_request_logs_project_id_kind_started_at_id"),
        "request_logs",
        ["project_id", "kind", "started_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_request_logs_started_at"), "request_logs", ["started_at"], unique=False)
    op.create_table(
        "request_log_steps",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("log_id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=128), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=128), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("http_method", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("query_params", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["request_logs.id"],
            name=op.f("fk_request_log_steps_log_id_request_logs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_request_log_steps_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_log_steps")),
    )
    op.create_index(op.f("ix_request_log_steps_log_id"), "request_log_steps", ["log_id"], unique=False)
    op.create_index(
        op.f("ix_request_log_steps_project_id_started_at_id"),
        "request_log_steps",
        ["project_id", "started_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_request_log_steps_project_id_started_at_id"), table_name="request_log_steps")
    op.drop_index(op.f("ix_request_log_steps_log_id"), table_name="request_log_steps")
    op.drop_table("request_log_steps")
    op.drop_index(op.f("ix_request_logs_started_at"), table_name="request_logs")
    op.drop_index(op.f("ix_request_logs_project_id_kind_started_at_id"), table_name="request_logs")
    op.drop_table("request_logs")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("log_bodies")
