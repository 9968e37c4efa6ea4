"""trip indexes for probes and reconciliation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:06:41.633021+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trips_operator_received"))
        batch_op.drop_index(batch_op.f("ix_trips_pending_account"))
        batch_op.create_index(
            "ix_trips_pending_account",
            ["account_hash", "operator_id"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index("ix_trips_day_operator", ["day", "operator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index("ix_trips_day_operator")
        batch_op.drop_index(
            "ix_trips_pending_account",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index(
            batch_op.f("ix_trips_pending_account"),
            ["operator_id", "account_hash", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_trips_operator_received"), ["operator_id", "received_at"], unique=False
        )
