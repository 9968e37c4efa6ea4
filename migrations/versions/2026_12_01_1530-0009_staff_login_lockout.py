"""staff passwords lock the account after repeated failures

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_login_failures",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_staff_login_failures")),
    )
    with op.batch_alter_table("staff_login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_login_failures_window_started_at"),
            ["window_started_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_login_failures_window_started_at"))
    op.drop_table("staff_login_failures")
