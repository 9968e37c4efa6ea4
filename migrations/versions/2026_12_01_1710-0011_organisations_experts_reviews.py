"""the registry (1 of 3): organisations, members, experts and reviews

Organisations apply and are approved (members are staff with `org_id`, `org_admin`); experts
review methodologies, projects and rules, drawn at random (the seed and candidates kept).
Methodology versions get a scope (travel | project); NJ-FC v1, the demo's forest-carbon project
methodology, is installed; and every version already published counts as reviewed (a passed
review of panel 0, seed `migration`), so publishing now needs a review without un-publishing
NJ-GT v1.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 17:10:28.474250+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_applications",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=26), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation_id", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_applications")),
    )
    with op.batch_alter_table("org_applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_org_applications_status_created", ["status", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_org_applications_uscc"), ["uscc"], unique=False)
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["org_applications.id"],
            name=op.f("fk_organisations_application_id_org_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("uscc", name=op.f("uq_organisations_uscc")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("owner_org_id", sa.String(length=26), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("panel_size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisations.id"],
            name=op.f("fk_reviews_owner_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_subject", ["subject_kind", "subject_id"], unique=False)
    op.create_table(
        "experts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("staff_id", sa.String(length=26), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("affiliations", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_experts_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_experts_staff_id")),
    )
    op.create_table(
        "review_seats",
        sa.Column("review_id", sa.String(length=26), nullable=False),
        sa.Column("expert_id", sa.String(length=26), nullable=False),
        sa.Column("vote", sa.String(length=8), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_review_seats_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_seats_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("review_id", "expert_id", name=op.f("pk_review_seats")),
    )
    with op.batch_alter_table("review_seats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_seats_expert_id"), ["expert_id"], unique=False)
    with op.batch_alter_table("methodology_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=16), nullable=False, server_default="travel")
        )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.String(length=26), nullable=True))
        batch_op.add_column(
            sa.Column("org_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_org_id_organisations"), "organisations", ["org_id"], ["id"]
        )
    _forest_carbon_methodology()
    _published_versions_reviewed()


NJ_FC_V1_ID = "00000000000000000000NJFC01"


def _forest_carbon_methodology() -> None:
    """NJ-FC v1, the demo's project methodology (forest carbon, Class I), in force since
    2020-01-01 +08:00: organisations register projects under a project-scope methodology,
    and NJ-GT (travel) drives citizens' crediting only. Illustrative, like NJ-GT's defaults."""
    since = datetime(2019, 12, 31, 16, tzinfo=UTC)
    versions = sa.table(
        "methodology_versions",
        *(sa.column(c) for c in ("id", "code", "version", "methodology_class", "scope", "title")),
        sa.column("description"),
        sa.column("params", sa.JSON()),
        sa.column("status"),
        sa.column("effective_from", sa.DateTime(timezone=True)),
        sa.column("effective_until", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        versions,
        [
            {
                "id": NJ_FC_V1_ID,
                "code": "NJ-FC",
                "version": 1,
                "methodology_class": "I",
                "scope": "project",
                "title": "森林碳汇 Forest carbon (demo)",
                "description": "Afforestation and forest management in Nanjing: growth of "
                "carbon stocks measured on sample plots, against a no-project baseline.",
                "params": {
                    "sector": "forestry",
                    "unit": "tCO2e",
                    "max_crediting_years": 30,
                    "baseline": "the land's carbon stock without the project",
                    "monitoring": "sample plots measured yearly; stock change in tCO2e",
                },
                "status": "published",
                "effective_from": since,
                "effective_until": None,
                "created_at": since,
                "published_at": since,
            }
        ],
    )


def _published_versions_reviewed() -> None:
    conn = op.get_bind()
    published = (
        conn.execute(
            sa.text("SELECT id FROM methodology_versions WHERE status IN ('published', 'retired')")
        )
        .scalars()
        .all()
    )
    reviews = sa.table(
        "reviews",
        sa.column("id"),
        sa.column("subject_kind"),
        sa.column("subject_id"),
        sa.column("owner_org_id"),
        sa.column("field"),
        sa.column("panel_size"),
        sa.column("seed"),
        sa.column("candidates", sa.JSON()),
        sa.column("status"),
        sa.column("summary"),
        sa.column("created_by"),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("decided_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        reviews,
        [
            {
                "id": ("0MIGRATEDREVIEW" + version_id)[-26:],
                "subject_kind": "methodology",
                "subject_id": version_id,
                "owner_org_id": None,
                "field": None,
                "panel_size": 0,
                "seed": "migration",
                "candidates": [],
                "status": "passed",
                "summary": "published before expert reviews existed (or installed with "
                "them as a demo default); counted as reviewed",
                "created_by": None,
                "created_at": now,
                "decided_at": now,
            }
            for version_id in published
        ],
    )


def downgrade() -> None:
    # SQLite rebuilds an altered table: what refers to staff (experts) goes before staff changes,
    # and staff stops referring to organisations before they go
    with op.batch_alter_table("review_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_seats_expert_id"))
    op.drop_table("review_seats")
    op.drop_table("experts")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_subject")
    op.drop_table("reviews")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_staff_org_id_organisations"), type_="foreignkey")
        batch_op.drop_column("org_admin")
        batch_op.drop_column("org_id")
    op.drop_table("organisations")
    with op.batch_alter_table("org_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_applications_uscc"))
        batch_op.drop_index("ix_org_applications_status_created")
    op.drop_table("org_applications")
    with op.batch_alter_table("methodology_versions", schema=None) as batch_op:
        batch_op.drop_column("scope")
    op.execute(
        sa.text("DELETE FROM methodology_versions WHERE id = :id").bindparams(id=NJ_FC_V1_ID)
    )
