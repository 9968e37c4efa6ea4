"""Notices: policies, rules and announcements, one row per version of a notice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class NoticeVersion(Base):
    """One version of a notice (notice_id is its stable slug); in force from effective_from."""

    __tablename__ = "notice_versions"
    __table_args__ = (UniqueConstraint("notice_id", "version"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    notice_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # policy | rule | announcement
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # draft | published | withdrawn
    effective_from: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
