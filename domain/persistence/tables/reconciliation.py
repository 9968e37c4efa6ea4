"""The daily reconciliation of our payments against the payment service's trade bill: each run
of a day, and the mismatches it found, which staff resolve (domain/market/reconciliation.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class ReconciliationRun(Base):
    """One comparison of a Beijing day's trade bill with our paid orders and refunds of that day.
    A day may be run again (each run is kept); its items are not duplicated."""

    __tablename__ = "reconciliation_runs"
    __table_args__ = (Index("ix_reconciliation_runs_day_ran", "day", "ran_at"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # Asia/Shanghai, the bill's date
    bill_rows: Mapped[int] = mapped_column(Integer)  # lines of the bill
    our_rows: Mapped[int] = mapped_column(Integer)  # our payments and refunds of the day
    matched: Mapped[int] = mapped_column(Integer)  # bill lines that agree with ours
    items: Mapped[int] = mapped_column(Integer)  # mismatches this run found (new or not)
    ran_by: Mapped[str] = mapped_column(String(40))  # system (the job), cli, or a staff id
    ran_at: Mapped[datetime]


class ReconciliationItem(Base):
    """A mismatch of one order on one day, of one kind (unique): open until staff resolve it
    (settled through the payment service, or with a note), or a later run finds it gone."""

    __tablename__ = "reconciliation_items"
    __table_args__ = (
        UniqueConstraint("day", "kind", "order_no"),
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        Index("ix_reconciliation_items_status_id", "status", "id"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(24))  # domain/market/reconciliation.py ItemKind
    order_no: Mapped[str] = mapped_column(String(64))  # WeChat Pay's out_trade_no = our order id
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    order_status: Mapped[str | None] = mapped_column(String(16))  # ours when found; None: none
    bill_fen: Mapped[int | None] = mapped_column(BigInteger)  # what the bill says
    our_fen: Mapped[int | None] = mapped_column(BigInteger)  # what we recorded
    detail: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | resolved
    run_id: Mapped[str] = mapped_column(PublicId())  # the run that found it first
    found_at: Mapped[datetime]
    resolution: Mapped[str | None] = mapped_column(String(16))  # settle | note | cleared
    outcome: Mapped[str | None] = mapped_column(String(24))  # what settling did
    note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(40))
    resolved_at: Mapped[datetime | None]
