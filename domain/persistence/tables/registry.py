from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class RegistryAccount(Base):
    """A holding account of registry units. Its id is a chained ledger account (kind
    `registry`, balance in tonnes): an organisation's, the public-behaviour account, the buffer.
    Retired units rest in the system account `sys:registry-retired`, which has no row here."""

    __tablename__ = "registry_accounts"

    id: Mapped[str] = mapped_column(String(40), ForeignKey("ledger_accounts.id"), primary_key=True)
    org_id: Mapped[str | None] = mapped_column(
        PublicId(), ForeignKey("organisations.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))  # holding | public_behaviour | buffer
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Aggregation(Base):
    """Citizens' credited Class I grams of one Shanghai month or quarter, as whole tonnes.

    `grams` is the period's own; `carried_in_g` the previous period's remainder of the same
    methodology code; `tonnes` = (grams + carried_in_g) // 1,000,000; the rest is carried out.
    """

    __tablename__ = "aggregations"
    __table_args__ = (
        UniqueConstraint("methodology_code", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("tonnes >= 0 AND grams >= 0 AND carried_out_g >= 0", name="amounts"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    methodology_code: Mapped[str] = mapped_column(String(32))
    period_kind: Mapped[str] = mapped_column(String(8))  # month | quarter
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # the last day, included
    vintage: Mapped[int] = mapped_column(Integer)
    trips: Mapped[int] = mapped_column(BigInteger)
    grams: Mapped[int] = mapped_column(BigInteger)
    carried_in_g: Mapped[int] = mapped_column(BigInteger)
    tonnes: Mapped[int] = mapped_column(BigInteger)
    carried_out_g: Mapped[int] = mapped_column(BigInteger)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON)  # by mode and by day
    created_by: Mapped[str | None] = mapped_column(PublicId())
    created_at: Mapped[datetime]


class Issuance(Base):
    """Verified tonnes of one monitoring report or one aggregation, issued four-eyes.

    proposed -> issued (approved by another staff member: one block, `issuance_no` assigned)
    | rejected. A report or an aggregation has at most one issuance (unique columns).
    """

    __tablename__ = "issuances"
    __table_args__ = (
        UniqueConstraint("project_code", "issuance_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("(report_id IS NULL) <> (aggregation_id IS NULL)", name="one_source"),
        Index("ix_issuances_status_decided", "status", "decided_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    report_id: Mapped[str | None] = mapped_column(
        PublicId(), ForeignKey("monitoring_reports.id"), unique=True
    )
    aggregation_id: Mapped[str | None] = mapped_column(
        PublicId(), ForeignKey("aggregations.id"), unique=True
    )
    project_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("projects.id"))
    project_code: Mapped[str] = mapped_column(String(16))
    issuance_no: Mapped[int | None] = mapped_column(Integer)
    vintage: Mapped[int] = mapped_column(Integer)
    unit_class: Mapped[str] = mapped_column(String(4))  # I | II
    quantity: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    status: Mapped[str] = mapped_column(String(16))  # proposed | issued | rejected
    proposed_by: Mapped[str] = mapped_column(PublicId())
    proposed_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(PublicId())
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)


class UnitBlock(Base):
    """Units `serial_start..serial_end` of one issuance held by one account.

    Never edited except to close it (`closed_at`, `closed_by`) when a movement splits or moves
    it; the pieces are new rows naming it as `parent_id`. Open blocks of an issuance never
    overlap and together hold every serial it issued.
    """

    __tablename__ = "unit_blocks"
    __table_args__ = (
        CheckConstraint("serial_start >= 1 AND serial_end >= serial_start", name="range"),
        Index("ix_unit_blocks_account_open", "account_id", "closed_at"),
        Index("ix_unit_blocks_issuance_start", "issuance_id", "serial_start"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    issuance_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("issuances.id"))
    serial_start: Mapped[int] = mapped_column(BigInteger)
    serial_end: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[str] = mapped_column(String(40), ForeignKey("ledger_accounts.id"))
    status: Mapped[str] = mapped_column(String(16))  # active | reserved | retired
    parent_id: Mapped[str | None] = mapped_column(PublicId())
    created_by: Mapped[str] = mapped_column(PublicId())  # the movement that made it
    closed_by: Mapped[str | None] = mapped_column(PublicId())  # the movement that ended it
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class RegistryMovement(Base):
    """One issuance, transfer, retirement (or a pending retirement's end), with its postings'
    idempotency keys derived from the id, and the serial ranges it moved."""

    __tablename__ = "registry_movements"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_registry_movements_from_created", "from_account", "created_at"),
        Index("ix_registry_movements_to_created", "to_account", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # issue | transfer | retire | complete | release
    from_account: Mapped[str | None] = mapped_column(String(40))
    to_account: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(BigInteger)
    serial_ranges: Mapped[list[str]] = mapped_column(JSON)
    issuance_id: Mapped[str | None] = mapped_column(PublicId())
    retirement_id: Mapped[str | None] = mapped_column(PublicId())
    actor: Mapped[str | None] = mapped_column(String(40))  # "staff:<id>" | "org:<id>" | ...
    created_at: Mapped[datetime]


class Retirement(Base):
    """Units retired for a beneficiary and a purpose: final once `retired`. A `pending` one
    holds its units reserved until it completes (retired) or is released."""

    __tablename__ = "retirements"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_retirements_status_retired", "status", "retired_at"),
        Index("ix_retirements_account_created", "account_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    beneficiary: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(24))  # carbon_neutrality | event | ...
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # pending | retired | released
    serial_ranges: Mapped[list[str]] = mapped_column(JSON)
    movement_id: Mapped[str] = mapped_column(PublicId())
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
