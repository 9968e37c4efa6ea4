"""green trips ledger methodologies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:48:31.597345+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_checkpoints",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("merkle_root", sa.String(length=64), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("postings", sa.BigInteger(), nullable=False),
        sa.Column("points_issued", sa.BigInteger(), nullable=False),
        sa.Column("reduction_g", sa.BigInteger(), nullable=False),
        sa.Column("credited_trips", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ledger_checkpoints")),
    )
    op.create_table(
        "methodology_versions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("methodology_class", sa.String(length=4), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_methodology_versions")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_methodology_versions_code_version")),
    )
    with op.batch_alter_table("methodology_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_methodology_versions_code"), ["code"], unique=False)

    op.create_table(
        "binding_codes",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("citizen_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_binding_codes_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_binding_codes_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_binding_codes")),
        sa.UniqueConstraint("operator_id", "code", name=op.f("uq_binding_codes_operator_id_code")),
    )
    with op.batch_alter_table("binding_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_binding_codes_citizen_id"), ["citizen_id"], unique=False
        )

    op.create_table(
        "bindings",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("citizen_id", sa.String(length=26), nullable=False),
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("account_hash", sa.String(length=64), nullable=False),
        sa.Column("account_hint", sa.String(length=16), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_bindings_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_bindings_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bindings")),
    )
    with op.batch_alter_table("bindings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bindings_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(
            "uq_bindings_active_account",
            ["operator_id", "account_hash"],
            unique=True,
            postgresql_where=sa.text("unbound_at IS NULL"),
            sqlite_where=sa.text("unbound_at IS NULL"),
        )

    op.create_table(
        "citizen_days",
        sa.Column("citizen_id", sa.String(length=26), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reduction_g", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_citizen_days_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("citizen_id", "day", name=op.f("pk_citizen_days")),
    )
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("citizen_id", sa.String(length=26), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("reduction_g_total", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_ledger_accounts_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_ledger_accounts_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("citizen_id", name=op.f("uq_ledger_accounts_citizen_id")),
    )
    op.create_table(
        "open_taps",
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("account_hash", sa.String(length=64), nullable=False),
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("tapped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_open_taps_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("operator_id", "account_hash", name=op.f("pk_open_taps")),
    )
    op.create_table(
        "operator_networks",
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("stops_count", sa.Integer(), nullable=False),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("network", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_networks_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_networks")),
    )
    op.create_table(
        "trips",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("operator_id", sa.String(length=26), nullable=False),
        sa.Column("external_trip_id", sa.String(length=128), nullable=False),
        sa.Column("account_hash", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.String(length=26), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=True),
        sa.Column("reduction_g", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("methodology_code", sa.String(length=32), nullable=True),
        sa.Column("methodology_version", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=64), nullable=True),
        sa.Column("destination", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_trips_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_trips_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trips")),
        sa.UniqueConstraint(
            "operator_id", "external_trip_id", name=op.f("uq_trips_operator_id_external_trip_id")
        ),
    )
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.create_index("ix_trips_citizen_ended", ["citizen_id", "ended_at"], unique=False)
        batch_op.create_index(
            "ix_trips_operator_received", ["operator_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_trips_pending_account", ["operator_id", "account_hash", "status"], unique=False
        )

    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("idempotency_key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("debit_account", sa.String(length=40), nullable=False),
        sa.Column("credit_account", sa.String(length=40), nullable=False),
        sa.Column("chain_account", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("trip_id", sa.String(length=26), nullable=True),
        sa.Column("trip_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_postings_amount_positive")),
        sa.CheckConstraint(
            "debit_account <> credit_account", name=op.f("ck_ledger_postings_distinct_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["chain_account"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_chain_account_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["credit_account"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_credit_account_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_account"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_debit_account_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_postings_idempotency_key")),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_postings_created", ["created_at"], unique=False)
        batch_op.create_index("uq_ledger_postings_chain", ["chain_account", "seq"], unique=True)

    op.create_table(
        "points_lots",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("earned", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("remaining >= 0", name=op.f("ck_points_lots_remaining_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_points_lots_account_id_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("account_id", "expires_at", name=op.f("pk_points_lots")),
    )


def downgrade() -> None:
    op.drop_table("points_lots")
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("uq_ledger_postings_chain")
        batch_op.drop_index("ix_ledger_postings_created")

    op.drop_table("ledger_postings")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index("ix_trips_pending_account")
        batch_op.drop_index("ix_trips_operator_received")
        batch_op.drop_index("ix_trips_citizen_ended")

    op.drop_table("trips")
    op.drop_table("operator_networks")
    op.drop_table("open_taps")
    op.drop_table("ledger_accounts")
    op.drop_table("citizen_days")
    with op.batch_alter_table("bindings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bindings_active_account",
            postgresql_where=sa.text("unbound_at IS NULL"),
            sqlite_where=sa.text("unbound_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_bindings_citizen_id"))

    op.drop_table("bindings")
    with op.batch_alter_table("binding_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_binding_codes_citizen_id"))

    op.drop_table("binding_codes")
    with op.batch_alter_table("methodology_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_methodology_versions_code"))

    op.drop_table("methodology_versions")
    op.drop_table("ledger_checkpoints")
