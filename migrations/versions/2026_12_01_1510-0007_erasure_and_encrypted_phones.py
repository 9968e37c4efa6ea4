"""citizen erasure leaves nothing that links back; merchant phones encrypted

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:10:00.000000+00:00

Erasure: a trip of an erased citizen keeps its aggregate facts and fingerprint but loses its
account hash, stations and exact times (`erased_at` says so); a voucher of an erased citizen
loses its code and token. Those columns become nullable.

Merchant phones: `merchants.contact_phone` (clear text) becomes `contact_phone_encrypted`
(Fernet under the data key, as operator secrets are). Existing phones are encrypted here, with
the data key read exactly as the service reads it (`api.settings.load()`: the same variables,
defaults and production checks; `puhui migrate` runs in the service's environment). Before any
phone is written, the key must decrypt the secrets this database already holds under the data
key (voucher signing keys, operator keys, feed tokens): a migration run with another key than
the service's refuses instead of encrypting phones nobody could read. The key is read only when
there are phones to convert, so a fresh database needs none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")
# secrets stored encrypted under the data key: (table, column)
_SEALED = (
    ("voucher_signing_keys", "private_key_enc"),
    ("operator_keys", "secret_encrypted"),
    ("operator_feeds", "token_encrypted"),
)


def _protector(bind: sa.engine.Connection):  # -> DataProtector, checked against this database
    from api.settings import load
    from domain.crypto import DataProtector

    protector = DataProtector(load().data_key)
    for table, column in _SEALED:
        query = sa.select(sa.column(column)).select_from(sa.table(table)).limit(1)
        sealed = bind.execute(query).scalar()
        if sealed is None:
            continue
        try:
            protector.decrypt(sealed)
        except ValueError:
            raise RuntimeError(
                f"0007: PUHUI_DATA_KEY does not decrypt {table}.{column}: it is not the key this "
                "database was written with; run the migration with the service's environment"
            ) from None
    return protector


def _phones(bind: sa.engine.Connection, column: str) -> list[tuple[str, str]]:
    if context.is_offline_mode():
        raise RuntimeError("0007 converts merchant phones and needs a database connection")
    phone = sa.column(column)
    query = sa.select(sa.column("id"), phone).select_from(sa.table("merchants"))
    return [(i, value) for i, value in bind.execute(query.where(phone.is_not(None)))]


def upgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index("ix_trips_pending_account", sqlite_where=PENDING)
        batch_op.alter_column("account_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("started_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.alter_column("ended_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_trips_pending_account",
            ["account_hash", "operator_id"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=16), nullable=True)
        batch_op.alter_column("token", existing_type=sa.String(length=512), nullable=True)

    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_phone_encrypted", sa.Text(), nullable=True))
    bind = op.get_bind()
    phones = _phones(bind, "contact_phone")
    if phones:
        protector = _protector(bind)
        update = sa.text("UPDATE merchants SET contact_phone_encrypted = :sealed WHERE id = :id")
        for merchant_id, phone in phones:
            bind.execute(update, {"sealed": protector.encrypt(phone), "id": merchant_id})
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")


def downgrade() -> None:
    bind = op.get_bind()
    erased = bind.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM trips WHERE erased_at IS NOT NULL) + "
            "(SELECT count(*) FROM vouchers WHERE code IS NULL OR token IS NULL)"
        )
    ).scalar()
    if erased:
        raise RuntimeError(
            f"0007 downgrade: {erased} trips or vouchers of erased citizens hold no times, "
            "account, code or token, which 0006 requires; erasure cannot be undone"
        )
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=32), nullable=True))
    phones = _phones(bind, "contact_phone_encrypted")
    if phones:
        protector = _protector(bind)
        update = sa.text("UPDATE merchants SET contact_phone = :phone WHERE id = :id")
        for merchant_id, sealed in phones:
            bind.execute(update, {"phone": protector.decrypt(sealed), "id": merchant_id})
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("contact_phone_encrypted")

    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.alter_column("token", existing_type=sa.String(length=512), nullable=False)
        batch_op.alter_column("code", existing_type=sa.String(length=16), nullable=False)
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_index("ix_trips_pending_account", sqlite_where=PENDING)
        batch_op.drop_column("erased_at")
        batch_op.alter_column("ended_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column(
            "started_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.alter_column("account_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(
            "ix_trips_pending_account",
            ["account_hash", "operator_id"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )
