"""complaints

Complaints (客诉, domain/governance/complaints*.py): `complaints` (filer, category, optional
reference, text, status, owner, the two SLA due instants and when each clock stopped, the
resolution and its linked adjustment, the filer's rating), `complaint_steps` (the timeline the
filer sees), `complaint_attachments` (stored files by SHA-256) and `working_day_overrides`
(staff-added working days and holidays over the official calendar). Downgrading drops them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 01:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("filer_type", sa.String(length=16), nullable=False),
        sa.Column("filer_id", sa.String(length=26), nullable=False),
        sa.Column("filed_by", sa.String(length=26), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("ref_type", sa.String(length=16), nullable=True),
        sa.Column("ref_id", sa.String(length=26), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("assignee_id", sa.String(length=26), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("adjustment_id", sa.String(length=26), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.String(length=500), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5",
            name=op.f("ck_complaints_rating_range"),
        ),
        sa.ForeignKeyConstraint(
            ["adjustment_id"],
            ["adjustments.id"],
            name=op.f("fk_complaints_adjustment_id_adjustments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_filer", ["filer_type", "filer_id", "filed_at"], unique=False
        )
        batch_op.create_index("ix_complaints_status_filed", ["status", "filed_at"], unique=False)

    op.create_table(
        "complaint_steps",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("complaint_id", sa.String(length=26), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=26), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_steps_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_steps")),
    )
    with op.batch_alter_table("complaint_steps", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_steps_complaint", ["complaint_id", "created_at"], unique=False
        )

    op.create_table(
        "complaint_attachments",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("complaint_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_attachments_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_complaint_attachments_sha256_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_attachments")),
    )
    with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_attachments_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "working_day_overrides",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=26), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_working_day_overrides")),
    )


def downgrade() -> None:
    op.drop_table("working_day_overrides")
    with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_attachments_complaint_id"))
    op.drop_table("complaint_attachments")
    with op.batch_alter_table("complaint_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_steps_complaint")
    op.drop_table("complaint_steps")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status_filed")
        batch_op.drop_index("ix_complaints_filer")
    op.drop_table("complaints")
