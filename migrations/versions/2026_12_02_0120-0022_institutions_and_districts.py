"""institutions and districts

Public institutions' invite codes and their staff's membership periods
(domain/organisations/institutions.py): `institution_invite_codes` and
`institution_memberships` (at most one open period per citizen, a partial unique index).
Districts (domain/districts.py): `station_districts` (an operator's station -> district, imported
with its network) and a nullable `stores.district`. Downgrading drops them.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 01:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "institution_invite_codes",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("organisation_id", sa.String(length=26), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_institution_invite_codes_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_invite_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_institution_invite_codes_code")),
    )
    with op.batch_alter_table("institution_invite_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institution_invite_codes_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "institution_memberships",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("citizen_id", sa.String(length=26), nullable=False),
        sa.Column("organisation_id", sa.String(length=26), nullable=False),
        sa.Column("invite_code_id", sa.String(length=26), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_institution_memberships_citizen_id_citizens"),
        ),
        sa.ForeignKeyConstraint(
            ["invite_code_id"],
            ["institution_invite_codes.id"],
            name="fk_institution_memberships_invite_code",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_institution_memberships_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_memberships")),
    )
    with op.batch_alter_table("institution_memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_institution_memberships_citizen", ["citizen_id", "joined_at"], unique=False
        )
        batch_op.create_index(
            "ix_institution_memberships_org_joined",
            ["organisation_id", "joined_at"],
            unique=False,
        )
        batch_op.create_index(
            "uq_institution_memberships_open_citizen",
            ["citizen_id"],
            unique=True,
            postgresql_where=sa.text("left_at IS NULL"),
            sqlite_where=sa.text("left_at IS NULL"),
        )

    op.create_table(
        "station_districts",
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("station", sa.String(length=128), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_station_districts_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("operator_id", "station", name=op.f("pk_station_districts")),
    )

    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("district")

    op.drop_table("station_districts")
    with op.batch_alter_table("institution_memberships", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_institution_memberships_open_citizen",
            postgresql_where=sa.text("left_at IS NULL"),
            sqlite_where=sa.text("left_at IS NULL"),
        )
        batch_op.drop_index("ix_institution_memberships_org_joined")
        batch_op.drop_index("ix_institution_memberships_citizen")

    op.drop_table("institution_memberships")
    with op.batch_alter_table("institution_invite_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_invite_codes_organisation_id"))

    op.drop_table("institution_invite_codes")
