"""the registry (2 of 3): projects, their documents and monitoring reports

Projects of organisations under a project methodology, documents stored once by SHA-256, and
monitoring reports that a verifier organisation verifies.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:10:28.474250+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("org_id", sa.String(length=26), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("methodology_id", sa.String(length=26), nullable=False),
        sa.Column("methodology_code", sa.String(length=32), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("crediting_period_start", sa.Date(), nullable=False),
        sa.Column("crediting_period_end", sa.Date(), nullable=False),
        sa.Column("estimated_t_per_year", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("review_id", sa.String(length=26), nullable=True),
        sa.Column("issuances", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "crediting_period_end >= crediting_period_start",
            name=op.f("ck_projects_crediting_period_order"),
        ),
        sa.CheckConstraint(
            "estimated_t_per_year >= 0", name=op.f("ck_projects_estimate_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["methodology_id"],
            ["methodology_versions.id"],
            name=op.f("fk_projects_methodology_id_methodology_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_projects_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_projects_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index("ix_projects_org_created", ["org_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_projects_status_registered", ["status", "registered_at"], unique=False
        )
    op.create_table(
        "monitoring_reports",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("project_id", sa.String(length=26), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("claimed_t", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verifier_org_id", sa.String(length=26), nullable=True),
        sa.Column("verified_t", sa.BigInteger(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("assigned_by", sa.String(length=26), nullable=True),
        sa.Column("decided_by", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("claimed_t > 0", name=op.f("ck_monitoring_reports_claimed_positive")),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_monitoring_reports_period_order")
        ),
        sa.CheckConstraint(
            "verified_t IS NULL OR (verified_t >= 0 AND verified_t <= claimed_t)",
            name=op.f("ck_monitoring_reports_verified_within_claim"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_monitoring_reports_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["verifier_org_id"],
            ["organisations.id"],
            name=op.f("fk_monitoring_reports_verifier_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_reports")),
    )
    with op.batch_alter_table("monitoring_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_reports_project_period", ["project_id", "period_start"], unique=False
        )
        batch_op.create_index(
            "ix_monitoring_reports_verifier_status", ["verifier_org_id", "status"], unique=False
        )
    op.create_table(
        "project_documents",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("project_id", sa.String(length=26), nullable=False),
        sa.Column("report_id", sa.String(length=26), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_documents_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_reports.id"],
            name=op.f("fk_project_documents_report_id_monitoring_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_project_documents_sha256_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_documents")),
    )
    with op.batch_alter_table("project_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_documents_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("project_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_documents_project_id"))
    op.drop_table("project_documents")
    with op.batch_alter_table("monitoring_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_reports_verifier_status")
        batch_op.drop_index("ix_monitoring_reports_project_period")
    op.drop_table("monitoring_reports")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_status_registered")
        batch_op.drop_index("ix_projects_org_created")
    op.drop_table("projects")
    op.drop_table("stored_files")
