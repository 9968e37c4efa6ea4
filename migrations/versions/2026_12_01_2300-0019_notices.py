"""notices

Policies, rules and announcements (domain/governance/notices.py): `notice_versions`, one row per
version of a notice (its stable slug `notice_id`, kind, title, body, status draft | published |
withdrawn, effective date, who drafted and who published). Downgrading drops the table.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 23:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_versions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint(
            "notice_id", "version", name=op.f("uq_notice_versions_notice_id_version")
        ),
    )
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_versions_notice_id"), ["notice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_versions_notice_id"))

    op.drop_table("notice_versions")
