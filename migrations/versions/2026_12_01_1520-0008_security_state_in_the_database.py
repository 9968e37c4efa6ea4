"""security state in the database: operator nonces, session revocations

Revoked sessions were already in refresh_families.revoked_at (disabled staff in staff.active,
erased citizens in citizens.status); the API now asks the database instead of Redis. Nonces of
signed operator requests move from Redis into operator_nonces, so a Redis restart forgets none.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operator_nonces",
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "nonce", name=op.f("pk_operator_nonces")),
    )
    with op.batch_alter_table("operator_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operator_nonces_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("operator_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_nonces_expires_at"))
    op.drop_table("operator_nonces")
