from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class OperatorFeed(Base):
    """Pull mode: where we fetch an operator's records, in which format, with its bearer token
    (encrypted). `mds_version` mirrors an MDS format's version (None for other formats)."""

    __tablename__ = "operator_feeds"

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    base_url: Mapped[str] = mapped_column(String(500))
    token_encrypted: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))  # a registered format: mds-2.0, metro-taps ...
    mds_version: Mapped[str | None] = mapped_column(String(8))
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class FeedPull(Base):
    """One hour of one operator's MDS trips: claimed by exactly one process, then recorded."""

    __tablename__ = "feed_pulls"

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # running | done | not_ready | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    records: Mapped[int] = mapped_column(Integer, default=0)
    credited: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
