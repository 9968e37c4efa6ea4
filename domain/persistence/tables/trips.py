from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Trip(Base):
    """A trip as received, stored once per (operator, external trip id), with its outcome.

    Erasing the citizen it was credited to (`erased_at` set) empties what ties it to a person:
    the account hash, the stations and the exact times; the aggregate facts (mode, Shanghai day,
    distance, grams, points, status, methodology) and the stored fingerprint stay, so the
    ledger's posting for it still verifies (domain/ledger/verify.py).
    """

    __tablename__ = "trips"
    __table_args__ = (
        UniqueConstraint("operator_id", "external_trip_id"),
        # No other index leads with operator_id: the per-key replay probe must land on the
        # unique one even on a young table without statistics.
        Index("ix_trips_citizen_ended", "citizen_id", "ended_at"),
        Index(
            "ix_trips_pending_account",
            "account_hash",
            "operator_id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_trips_day_operator", "day", "operator_id"),  # reconciliation, statistics
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    operator_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("operators.id"))
    external_trip_id: Mapped[str] = mapped_column(String(128))
    account_hash: Mapped[str | None] = mapped_column(String(64))  # None once erased
    citizen_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("citizens.id"))
    mode: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None]  # None once erased
    ended_at: Mapped[datetime | None]  # None once erased
    day: Mapped[date] = mapped_column(Date)  # Asia/Shanghai date of ended_at
    distance_m: Mapped[int | None] = mapped_column(Integer)
    reduction_g: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    methodology_code: Mapped[str | None] = mapped_column(String(32))
    methodology_version: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str | None] = mapped_column(String(64))
    destination: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime]
    decided_at: Mapped[datetime]
    fingerprint: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime | None]  # when the citizen's erasure emptied this row


class OpenTap(Base):
    """A raw metro tap still waiting for its pair (the account only hashed): a tap-in waiting for
    its tap-out, or a tap-out that came first waiting for its tap-in. A few per account, each
    kept once; `neighbour_at` is integrations/metro/taps.py's bound on where its pair can be."""

    __tablename__ = "open_taps"
    __table_args__ = (CheckConstraint("direction IN ('in', 'out')", name="direction"),)

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    account_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tapped_at: Mapped[datetime] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    station: Mapped[str] = mapped_column(String(128), primary_key=True)
    device: Mapped[str | None] = mapped_column(String(128))
    neighbour_at: Mapped[datetime | None]
