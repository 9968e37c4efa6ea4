from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class LedgerAccount(Base):
    """A points account. Citizen accounts cache their balance and chain head under a row lock.

    System accounts (issuance, expiry, donations, merchants' redemptions...) keep no cached
    balance: their balance is the sum of their postings, so they are never a hot row.
    """

    __tablename__ = "ledger_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "cit:<citizen>" | "sys:<name>"
    kind: Mapped[str] = mapped_column(String(16))  # citizen | system
    citizen_id: Mapped[str | None] = mapped_column(
        PublicId(), ForeignKey("citizens.id"), unique=True
    )
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    reduction_g_total: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime]


class Posting(Base):
    """One append-only transfer of points between two accounts (double entry in one row).

    The chained side (the citizen account) records its sequence number, balance after, the
    previous entry's hash and this entry's hash. The idempotency key is unique in the database.
    """

    __tablename__ = "ledger_postings"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account <> credit_account", name="distinct_accounts"),
        Index("uq_ledger_postings_chain", "chain_account", "seq", unique=True),
        Index("ix_ledger_postings_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # earn | redeem | refund | expire | donate | ...
    amount: Mapped[int] = mapped_column(BigInteger)
    debit_account: Mapped[str] = mapped_column(String(40), ForeignKey("ledger_accounts.id"))
    credit_account: Mapped[str] = mapped_column(String(40), ForeignKey("ledger_accounts.id"))
    chain_account: Mapped[str] = mapped_column(String(40), ForeignKey("ledger_accounts.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    trip_id: Mapped[str | None] = mapped_column(PublicId())
    trip_fingerprint: Mapped[str | None] = mapped_column(String(64))
    ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class PointsLot(Base):
    """Points earned that expire together: one lot per account and expiry instant."""

    __tablename__ = "points_lots"
    __table_args__ = (CheckConstraint("remaining >= 0", name="remaining_not_negative"),)

    account_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("ledger_accounts.id"), primary_key=True
    )
    expires_at: Mapped[datetime] = mapped_column(primary_key=True)
    earned: Mapped[int] = mapped_column(BigInteger, default=0)
    remaining: Mapped[int] = mapped_column(BigInteger, default=0)


class CitizenDay(Base):
    """Per citizen and Asia/Shanghai day: credited trips, points and grams (for the caps)."""

    __tablename__ = "citizen_days"

    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    trips: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    reduction_g: Mapped[int] = mapped_column(BigInteger, default=0)


class Checkpoint(Base):
    """A day's published ledger checkpoint: Merkle root over account heads (citizens' and
    registry holdings'), counts and sums; the day's registry figures are a leaf of the root too
    (on days with registry movements, so earlier checkpoints keep their roots)."""

    __tablename__ = "ledger_checkpoints"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    merkle_root: Mapped[str] = mapped_column(String(64))
    accounts: Mapped[int] = mapped_column(Integer)
    postings: Mapped[int] = mapped_column(BigInteger)
    points_issued: Mapped[int] = mapped_column(BigInteger)
    reduction_g: Mapped[int] = mapped_column(BigInteger)
    credited_trips: Mapped[int] = mapped_column(BigInteger)
    registry_movements: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    units_issued: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    units_retired: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime]
