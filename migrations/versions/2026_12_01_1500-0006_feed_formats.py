"""feed formats: pull mode for any operator kind

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("operator_feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("format", sa.String(length=32), nullable=True))
    op.execute("UPDATE operator_feeds SET format = 'mds-' || mds_version")
    with op.batch_alter_table("operator_feeds", schema=None) as batch_op:
        batch_op.alter_column("format", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("mds_version", existing_type=sa.String(length=8), nullable=True)


def downgrade() -> None:
    # feeds of non-MDS formats have no MDS version: they cannot exist before this revision
    op.execute("DELETE FROM operator_feeds WHERE mds_version IS NULL")
    with op.batch_alter_table("operator_feeds", schema=None) as batch_op:
        batch_op.alter_column("mds_version", existing_type=sa.String(length=8), nullable=False)
        batch_op.drop_column("format")
