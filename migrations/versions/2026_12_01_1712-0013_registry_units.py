"""the registry (3 of 3): accounts, aggregations, issuances, unit blocks, movements, retirements

Issued tonnes live in serial blocks held by registry accounts, which are chained ledger accounts
(kind `registry`, balance in tonnes); the platform's public-behaviour and buffer accounts are
created here. Retirement certificates' signing keys, and the day's registry figures on each
ledger checkpoint.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:10:28.474250+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "aggregations",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("methodology_code", sa.String(length=32), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("trips", sa.BigInteger(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("carried_in_g", sa.BigInteger(), nullable=False),
        sa.Column("tonnes", sa.BigInteger(), nullable=False),
        sa.Column("carried_out_g", sa.BigInteger(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_aggregations_period_order")),
        sa.CheckConstraint(
            "tonnes >= 0 AND grams >= 0 AND carried_out_g >= 0",
            name=op.f("ck_aggregations_amounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aggregations")),
        sa.UniqueConstraint(
            "methodology_code",
            "period_start",
            name=op.f("uq_aggregations_methodology_code_period_start"),
        ),
    )
    op.create_table(
        "registry_movements",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_account", sa.String(length=40), nullable=True),
        sa.Column("to_account", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("serial_ranges", sa.JSON(), nullable=False),
        sa.Column("issuance_id", sa.String(length=26), nullable=True),
        sa.Column("retirement_id", sa.String(length=26), nullable=True),
        sa.Column("actor", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_registry_movements_quantity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_movements")),
    )
    with op.batch_alter_table("registry_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_movements_from_created", ["from_account", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_registry_movements_to_created", ["to_account", "created_at"], unique=False
        )
    op.create_table(
        "registry_accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=26), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["ledger_accounts.id"], name=op.f("fk_registry_accounts_id_ledger_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_registry_accounts_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_accounts")),
    )
    with op.batch_alter_table("registry_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_accounts_org_id"), ["org_id"], unique=False)
    op.create_table(
        "retirements",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=26), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("beneficiary", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("serial_ranges", sa.JSON(), nullable=False),
        sa.Column("movement_id", sa.String(length=26), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_retirements_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["registry_accounts.id"],
            name=op.f("fk_retirements_account_id_registry_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_retirements_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retirements")),
    )
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retirements_account_created", ["account_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_retirements_status_retired", ["status", "retired_at"], unique=False
        )
    op.create_table(
        "issuances",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("report_id", sa.String(length=26), nullable=True),
        sa.Column("aggregation_id", sa.String(length=26), nullable=True),
        sa.Column("project_id", sa.String(length=26), nullable=True),
        sa.Column("project_code", sa.String(length=16), nullable=False),
        sa.Column("issuance_no", sa.Integer(), nullable=True),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("unit_class", sa.String(length=4), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=26), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=26), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(report_id IS NULL) <> (aggregation_id IS NULL)", name=op.f("ck_issuances_one_source")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_issuances_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["registry_accounts.id"],
            name=op.f("fk_issuances_account_id_registry_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["aggregation_id"],
            ["aggregations.id"],
            name=op.f("fk_issuances_aggregation_id_aggregations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_issuances_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_reports.id"],
            name=op.f("fk_issuances_report_id_monitoring_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuances")),
        sa.UniqueConstraint("aggregation_id", name=op.f("uq_issuances_aggregation_id")),
        sa.UniqueConstraint(
            "project_code", "issuance_no", name=op.f("uq_issuances_project_code_issuance_no")
        ),
        sa.UniqueConstraint("report_id", name=op.f("uq_issuances_report_id")),
    )
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.create_index("ix_issuances_status_decided", ["status", "decided_at"], unique=False)
    op.create_table(
        "unit_blocks",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("issuance_id", sa.String(length=26), nullable=False),
        sa.Column("serial_start", sa.BigInteger(), nullable=False),
        sa.Column("serial_end", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.String(length=26), nullable=True),
        sa.Column("created_by", sa.String(length=26), nullable=False),
        sa.Column("closed_by", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "serial_start >= 1 AND serial_end >= serial_start", name=op.f("ck_unit_blocks_range")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_unit_blocks_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["issuance_id"], ["issuances.id"], name=op.f("fk_unit_blocks_issuance_id_issuances")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_blocks")),
    )
    with op.batch_alter_table("unit_blocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_unit_blocks_account_open", ["account_id", "closed_at"], unique=False
        )
        batch_op.create_index(
            "ix_unit_blocks_issuance_start", ["issuance_id", "serial_start"], unique=False
        )
    _checkpoint_registry_columns()
    op.create_table(  # retirement certificates' Ed25519 keys (domain/certificates/keys.py)
        "certificate_signing_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key_enc", sa.String(length=512), nullable=False),
        sa.Column("active_slot", sa.String(length=1), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "active_slot = 'A'",
            name=op.f("ck_certificate_signing_keys_active_slot_single_value"),
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_certificate_signing_keys")),
        sa.UniqueConstraint("active_slot", name=op.f("uq_certificate_signing_keys_active_slot")),
    )
    _platform_accounts()


CHECKPOINT_REGISTRY_COLUMNS = ("registry_movements", "units_issued", "units_retired")


def _checkpoint_registry_columns() -> None:
    """The day's registry figures on each checkpoint (0 on the days before the registry)."""
    with op.batch_alter_table("ledger_checkpoints", schema=None) as batch_op:
        for name in CHECKPOINT_REGISTRY_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )


PLATFORM_ACCOUNTS = (
    ("reg:public-behaviour", "public_behaviour", "Citizens' aggregated green behaviour"),
    ("reg:buffer", "buffer", "Buffer"),
)


def _platform_accounts() -> None:
    now = datetime.now(UTC)
    ledger = sa.table(
        "ledger_accounts",
        sa.column("id"),
        sa.column("kind"),
        sa.column("citizen_id"),
        sa.column("balance"),
        sa.column("entries"),
        sa.column("head_hash"),
        sa.column("reduction_g_total"),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    registry = sa.table(
        "registry_accounts",
        sa.column("id"),
        sa.column("org_id"),
        sa.column("kind"),
        sa.column("name"),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        ledger,
        [
            {
                "id": i,
                "kind": "registry",
                "citizen_id": None,
                "balance": 0,
                "entries": 0,
                "head_hash": "0" * 64,
                "reduction_g_total": 0,
                "created_at": now,
            }
            for i, _, _ in PLATFORM_ACCOUNTS
        ],
    )
    op.bulk_insert(
        registry,
        [
            {"id": i, "org_id": None, "kind": kind, "name": name, "created_at": now}
            for i, kind, name in PLATFORM_ACCOUNTS
        ],
    )


def downgrade() -> None:
    op.drop_table("certificate_signing_keys")
    with op.batch_alter_table("ledger_checkpoints", schema=None) as batch_op:
        for name in CHECKPOINT_REGISTRY_COLUMNS:
            batch_op.drop_column(name)
    with op.batch_alter_table("unit_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_blocks_issuance_start")
        batch_op.drop_index("ix_unit_blocks_account_open")
    op.drop_table("unit_blocks")
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_index("ix_issuances_status_decided")
    op.drop_table("issuances")
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.drop_index("ix_retirements_status_retired")
        batch_op.drop_index("ix_retirements_account_created")
    op.drop_table("retirements")
    with op.batch_alter_table("registry_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_accounts_org_id"))
    op.drop_table("registry_accounts")
    # the tables that name them are gone: the registry's postings and accounts go too
    op.execute("DELETE FROM ledger_postings WHERE kind LIKE 'reg_%'")  # registry kinds: reg_...
    op.execute("DELETE FROM ledger_accounts WHERE kind = 'registry'")
    with op.batch_alter_table("registry_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_movements_to_created")
        batch_op.drop_index("ix_registry_movements_from_created")
    op.drop_table("registry_movements")
    op.drop_table("aggregations")
