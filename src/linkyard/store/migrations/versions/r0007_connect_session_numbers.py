"""Connect sessions get a number: StackOne's clients read a session's `id` as an integer (the string id stays the
key the platform and its hosted pages use). Sessions that exist already are numbered here."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MAX_SAFE_INTEGER = 2**53 - 1  # the largest integer a JavaScript number holds exactly


def upgrade() -> None:
    op.add_column("connect_sessions", sa.Column("number", sa.BigInteger(), nullable=True))
    sessions = sa.table("connect_sessions", sa.column("id", sa.String), sa.column("number", sa.BigInteger))
    connection = op.get_bind()
    ids = connection.execute(sa.select(sessions.c.id)).scalars().all()
    numbers: set[int] = set()
    while len(numbers) < len(ids):
        numbers.add(secrets.randbelow(MAX_SAFE_INTEGER) + 1)
    for session_id, number in zip(ids, numbers, strict=True):
        connection.execute(sa.update(sessions).where(sessions.c.id == session_id).values(number=number))
    with op.batch_alter_table("connect_sessions") as batch:
        batch.alter_column("number", existing_type=sa.BigInteger(), nullable=False)
    op.create_index(op.f("ix_connect_sessions_number"), "connect_sessions", ["number"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_connect_sessions_number"), table_name="connect_sessions")
    with op.batch_alter_table("connect_sessions") as batch:
        batch.drop_column("number")
