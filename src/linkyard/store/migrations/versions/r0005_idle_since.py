"""Scale: the idle refresher's due time `accounts.idle_since` (filled from the credentials) and its partial index;
the accounts' list index extended with `id` for keyset pages."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_IDLE = "status = 'active' AND idle_since IS NOT NULL"


def upgrade() -> None:
    op.add_column("accounts", sa.Column("idle_since", sa.DateTime(timezone=True), nullable=True))
    # What `linkyard.store.accounts.idle_since` computes for each token set stored so far.
    op.execute(
        "UPDATE accounts SET idle_since = ("
        " SELECT COALESCE(c.issued_at, c.expires_at) FROM credentials c"
        " WHERE c.account_id = accounts.id AND c.expires_at IS NOT NULL"
        " AND c.refresh_token_encrypted IS NOT NULL AND c.wiped_at IS NULL)"
    )
    op.create_index(
        "ix_accounts_idle_since",
        "accounts",
        ["idle_since", "id"],
        unique=False,
        postgresql_where=sa.text(_IDLE),
        sqlite_where=sa.text(_IDLE),
    )

    op.drop_index(op.f("ix_accounts_project_id_created_at"), table_name="accounts")
    op.create_index(
        op.f("ix_accounts_project_id_created_at_id"),
        "accounts",
        ["project_id", "created_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_accounts_project_id_created_at_id"), table_name="accounts")
    op.create_index(
        op.f("ix_accounts_project_id_created_at"), "accounts", ["project_id", "created_at"], unique=False
    )
    op.drop_index("ix_accounts_idle_since", table_name="accounts")
    op.drop_column("accounts", "idle_since")
