from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Voucher(Base):
    """A bought voucher. `issued` becomes `redeemed`, `expired` or `cancelled` exactly once,
    each by a conditional UPDATE on `status = 'issued'`."""

    __tablename__ = "vouchers"
    __table_args__ = (
        Index("ix_vouchers_citizen_offer", "citizen_id", "offer_id"),
        Index("ix_vouchers_citizen_created", "citizen_id", "created_at"),
        Index("ix_vouchers_merchant_redeemed", "merchant_id", "redeemed_at"),
        Index("ix_vouchers_status_expires", "status", "expires_at"),
        Index("ix_vouchers_merchant_cancelled", "merchant_id", "cancelled_at"),
        Index("ix_vouchers_created", "created_at"),  # the dashboard's offers sold per period
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    offer_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("offers.id"))
    merchant_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("merchants.id"))
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"))
    # both None once the holder erased their account (the voucher id stays for the ledger)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    token: Mapped[str | None] = mapped_column(String(512))
    points: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # issued | redeemed | expired | cancelled
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime | None]  # when the redemption reached us (offline scans: later)
    store_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("stores.id"))
    redeemed_by: Mapped[str | None] = mapped_column(String(26))
    # the scanner's nonce: a retry carrying it is answered with this redemption again
    redemption_nonce: Mapped[str | None] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None]


class VoucherLot(Base):
    """Which lots a voucher's points came from, so a refund restores their original expiry."""

    __tablename__ = "voucher_lots"

    voucher_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("vouchers.id"), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)


class RedemptionConflict(Base):
    """An offline scan uploaded after the voucher had been redeemed, expired or cancelled."""

    __tablename__ = "redemption_conflicts"
    __table_args__ = (
        Index("ix_redemption_conflicts_status", "status", "created_at"),
        Index("uq_redemption_conflicts_scan", "merchant_id", "nonce", unique=True),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    voucher_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("vouchers.id"))
    merchant_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("merchants.id"))
    store_id: Mapped[str | None] = mapped_column(PublicId())
    staff_id: Mapped[str] = mapped_column(String(26))
    nonce: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(24))  # already_redeemed | expired | cancelled
    status: Mapped[str] = mapped_column(String(16))  # open | resolved
    resolution: Mapped[str | None] = mapped_column(String(500))
    resolved_by: Mapped[str | None] = mapped_column(String(26))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class SigningKey(Base):
    """An Ed25519 key that signs voucher tokens. One key is active (active_slot = 'A'); older keys
    keep verifying until retired. The private half is stored encrypted."""

    __tablename__ = "voucher_signing_keys"
    __table_args__ = (CheckConstraint("active_slot = 'A'", name="active_slot_single_value"),)

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key_enc: Mapped[str] = mapped_column(String(512))
    active_slot: Mapped[str | None] = mapped_column(String(1), unique=True)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
